//! T1: the share of children in special circumstances who are supported, by district,
//! against the 98,5 % target (`special_support_rate`).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::district_rates::{self, DistrictRates};
use super::{page, suppression_note, Chart, DrawResult, PlottedRow, Scope};
use crate::disclosure::Published;
use crate::text::Lang;

pub const INDICATOR: &str = "special_support_rate";

#[derive(Debug, Clone, PartialEq)]
pub struct SupportRate {
    pub year: i32,
    pub rates: DistrictRates,
}

pub fn series(published: &Published, scope: &Scope) -> SupportRate {
    SupportRate {
        year: scope.year,
        rates: district_rates::series(published, scope, INDICATOR),
    }
}

impl SupportRate {
    pub fn title(&self, lang: Lang) -> String {
        format!(
            "{} {} – {}",
            lang.pick(
                "Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp, theo",
                "Children in special circumstances who are supported, by",
            ),
            lang.unit_word(self.rates.child_level),
            self.year
        )
    }
}

impl Chart for SupportRate {
    fn name(&self) -> &'static str {
        "t1_support_rate"
    }

    fn height(&self) -> u32 {
        self.rates.height()
    }

    fn paint<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        lang: Lang,
    ) -> DrawResult<(), DB> {
        let mut notes = self.rates.notes(lang);
        notes.push(suppression_note(self.rates.min_count, lang));
        let area = page(root, &self.title(lang), &notes)?;
        self.rates.paint(&area, lang)
    }

    fn plotted(&self, lang: Lang) -> Vec<PlottedRow> {
        self.rates.plotted(lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::fixture::{publish, ratio, scope};
    use crate::disclosure::Cell;

    #[test]
    fn districts_by_rate_with_a_small_district_and_its_complement_hidden() {
        // 622: 95 of 100 (95 %). 623: 3 of 4 — both counts "<5", so its 75 % is hidden.
        // 624: 10 of 10; with 623 the only suppressed numerator under the province's 108,
        // 624's 10 (the smallest other) is hidden too, and with it 624's rate.
        // Province: 108 of 114, computed from the rows.
        let p = publish(&[
            ratio(INDICATOR, "64", 108.0, 114.0),
            ratio(INDICATOR, "622", 95.0, 100.0),
            ratio(INDICATOR, "623", 3.0, 4.0),
            ratio(INDICATOR, "624", 10.0, 10.0),
        ]);
        let s = series(&p, &scope(&[(INDICATOR, ">= 0.985")]));
        assert_eq!(s.rates.province.cell, Cell::Value(108.0 / 114.0));
        assert_eq!(s.rates.goal, Some(0.985));
        let drawn: Vec<(&str, Cell)> = s
            .rates
            .districts
            .iter()
            .map(|(name, p)| (name.as_str(), p.cell))
            .collect();
        // Published values first, lowest first; suppressed ones after, by name.
        assert_eq!(
            drawn,
            [
                ("Pleiku", Cell::Value(0.95)),
                ("An Khê", Cell::Hidden),
                ("Ayun Pa", Cell::Hidden)
            ]
        );
        assert_eq!(s.rates.districts[1].1.org_unit, "623");
        assert_eq!(
            s.title(Lang::Vi),
            "Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp, theo huyện – 2021"
        );
        assert_eq!(
            s.rates.province_note(Lang::Vi),
            "Toàn tỉnh: 94,7 % (mục tiêu 98,5 %)"
        );
        assert_eq!(
            s.rates.province_note(Lang::En),
            "Province: 94.7% (target 98.5%)"
        );
    }
}
