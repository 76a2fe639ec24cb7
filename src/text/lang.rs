//! The language of what a reader sees, charts and pack alike: the words of each are chosen
//! where they are written, and this is only the choice.

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

    /// The HTML `lang` attribute.
    pub fn code(self) -> &'static str {
        self.pick("vi", "en")
    }
}
