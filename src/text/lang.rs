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

    /// The units of `level` with every kind the level has, as official titles name them:
    /// "huyện, thị xã, thành phố" for districts, "xã, phường, đặc khu" for the communes
    /// of the 2025 units.
    pub fn unit_kinds(self, level: &str) -> String {
        match level {
            LEVEL_DISTRICT => self.pick("huyện, thị xã, thành phố", "districts, towns and cities"),
            LEVEL_COMMUNE => self.pick("xã, phường, đặc khu", "communes, wards and special zones"),
            LEVEL_PROVINCE => self.pick("tỉnh, thành phố", "provinces and cities"),
            _ => return self.units_word(level),
        }
        .to_string()
    }

    /// `text` with its `{U}` (a sentence's first word) and `{u}` written as the units of
    /// `level`: "Huyện" / "huyện", "Xã" / "xã"; "Districts" / "districts" in English, where
    /// the names count units and take the plural. Names written once serve every level.
    pub fn of_units(self, text: &str, level: &str) -> String {
        if !text.contains('{') {
            return text.to_string();
        }
        let word = self.units_word(level);
        text.replace("{U}", &capitalised(&word))
            .replace("{u}", &word)
    }
}

/// `text` with its first letter a capital: "huyện" → "Huyện", "đặc khu" → "Đặc khu".
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_takes_the_words_of_the_level_that_reports() {
        let name = "{U} tổ chức Diễn đàn trẻ em; tỷ lệ {u} gửi báo cáo";
        assert_eq!(
            Lang::Vi.of_units(name, LEVEL_DISTRICT),
            "Huyện tổ chức Diễn đàn trẻ em; tỷ lệ huyện gửi báo cáo"
        );
        assert_eq!(
            Lang::Vi.of_units(name, LEVEL_COMMUNE),
            "Xã tổ chức Diễn đàn trẻ em; tỷ lệ xã gửi báo cáo"
        );
        assert_eq!(
            Lang::En.of_units("{U} holding a Children's Forum", LEVEL_COMMUNE),
            "Communes holding a Children's Forum"
        );
        assert_eq!(Lang::Vi.of_units("Quỹ {x", LEVEL_COMMUNE), "Quỹ {x");
        assert_eq!(Lang::Vi.unit_kinds(LEVEL_COMMUNE), "xã, phường, đặc khu");
    }
}
