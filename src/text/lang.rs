//! The language of what a reader sees, charts and pack alike: the words of each are chosen
//! where they are written, and this is only the choice.

use crate::columns::{LEVEL_COMMUNE, LEVEL_COUNTRY, LEVEL_DISTRICT, LEVEL_PROVINCE};

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

    /// A unit of `level` in words: "huyện" / "district", "tỉnh" / "province", "xã" /
    /// "commune", "đơn vị" / "unit" for a level it does not know.
    pub fn unit_word(self, level: &str) -> &'static str {
        match level {
            LEVEL_COUNTRY => self.pick("quốc gia", "country"),
            LEVEL_PROVINCE => self.pick("tỉnh", "province"),
            LEVEL_DISTRICT => self.pick("huyện", "district"),
            LEVEL_COMMUNE => self.pick("xã", "commune"),
            _ => self.pick("đơn vị", "unit"),
        }
    }

    /// The same for several: the English plural ("districts"); Vietnamese has none.
    pub fn units_word(self, level: &str) -> String {
        match self {
            Lang::Vi => self.unit_word(level).to_string(),
            Lang::En => format!("{}s", self.unit_word(level)),
        }
    }
}
