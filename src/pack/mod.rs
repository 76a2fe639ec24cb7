//! The published pack: what report writers take away. Everything in it is drawn from the
//! disclosure-controlled table of `disclosure`, never from the internal indicators.

pub mod disclosure;

/// The language of what a reader sees: Vietnamese by default (`--lang en` for English).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Picks the text of this language.
    pub fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}
