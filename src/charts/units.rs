//! The units a chart draws one row each for, and what it draws when there are too many.
//!
//! A chart of 17 districts can give every district a row; one of 63 provinces, 135
//! communes or 705 districts cannot without becoming a strip thousands of pixels long.
//! Past [`MAX_ROWS`] units, a chart shows what a reader needs — the units that need
//! attention, the distribution with its extremes named — and the pack's tables keep every
//! unit's figure. Nothing here knows the unit's level: the same rule serves districts
//! under a province, provinces under the country and communes under the new provinces.

use crate::columns::LEVEL_COUNTRY;
use crate::text::Lang;

/// The most unit rows a chart draws; past it, a chart selects.
pub const MAX_ROWS: usize = 25;

/// Whether `n` units are too many to draw one row each.
pub fn too_many(n: usize) -> bool {
    n > MAX_ROWS
}

/// The label of the top unit's row: "Toàn tỉnh" over districts or communes, "Toàn quốc"
/// over provinces.
pub fn top_label(top_level: &str, lang: Lang) -> &'static str {
    if top_level == LEVEL_COUNTRY {
        lang.pick("Toàn quốc", "Whole country")
    } else {
        lang.pick("Toàn tỉnh", "Province")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::{LEVEL_DISTRICT, LEVEL_PROVINCE};

    #[test]
    fn the_words_follow_the_level_not_the_word_district() {
        assert_eq!(Lang::Vi.unit_word("commune"), "xã");
        assert_eq!(Lang::En.units_word(LEVEL_PROVINCE), "provinces");
        assert_eq!(Lang::Vi.units_word(LEVEL_DISTRICT), "huyện");
        assert_eq!(Lang::En.unit_word("ward"), "unit");
        assert!(!too_many(MAX_ROWS) && too_many(MAX_ROWS + 1));
    }
}
