//! T3: the share of child-protection staff who were trained, by district, against the
//! 100 % target (`staff_trained_rate`, Σ B3.06 ÷ Σ B3.05 of the district reports).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::district_rates::{self, DistrictRates};
use super::{page, Chart, DrawResult, PlottedRow, Scope};
use crate::disclosure::Published;
use crate::text::Lang;

pub const INDICATOR: &str = "staff_trained_rate";

#[derive(Debug, Clone, PartialEq)]
pub struct StaffTrained {
    pub year: i32,
    pub rates: DistrictRates,
    /// The units whose forms the rates come from, which the source note names.
    pub reporting_level: &'static str,
}

pub fn series(published: &Published, scope: &Scope) -> StaffTrained {
    StaffTrained {
        year: scope.year,
        rates: district_rates::series(published, scope, INDICATOR),
        reporting_level: scope.reporting_level,
    }
}

impl StaffTrained {
    pub fn title(&self, lang: Lang) -> String {
        format!(
            "{} {} – {}",
            lang.pick(
                "Tỷ lệ cán bộ làm công tác trẻ em được tập huấn, theo",
                "Child-protection staff who were trained, by",
            ),
            lang.unit_word(self.rates.child_level),
            self.year
        )
    }
}

impl Chart for StaffTrained {
    fn name(&self) -> &'static str {
        "t3_staff_trained"
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
        notes.push(lang.of_units(
            lang.pick("Nguồn: biểu 3 của các {u}", "Source: form 3 of the {u}"),
            self.reporting_level,
        ));
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
    fn officers_are_not_children_so_small_districts_stay() {
        // Staff counts identify no child: 623's 3 of 4 is shown as 75 %.
        let p = publish(&[
            ratio(INDICATOR, "64", 21.0, 24.0),
            ratio(INDICATOR, "622", 8.0, 10.0),
            ratio(INDICATOR, "623", 3.0, 4.0),
            ratio(INDICATOR, "624", 10.0, 10.0),
        ]);
        let s = series(&p, &scope(&[(INDICATOR, "= 1")]));
        let drawn: Vec<(&str, Cell)> = s
            .rates
            .districts
            .iter()
            .map(|(name, p)| (name.as_str(), p.cell))
            .collect();
        assert_eq!(
            drawn,
            [
                ("An Khê", Cell::Value(0.75)),
                ("Pleiku", Cell::Value(0.8)),
                ("Ayun Pa", Cell::Value(1.0))
            ]
        );
        assert_eq!(s.rates.province.cell, Cell::Value(21.0 / 24.0));
        assert_eq!(s.rates.goal, Some(1.0));
    }
}
