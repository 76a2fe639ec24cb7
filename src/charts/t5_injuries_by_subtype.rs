//! T5: injured children by cause in the baseline year and the reporting year, side by side
//! (`injured_children` by subtype, its baseline against its value).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::subtypes::{self, SubtypeCounts};
use super::{Chart, DrawResult, PlottedRow, Scope};
use crate::disclosure::Published;
use crate::sources::cases::CaseKind;
use crate::text::Lang;

pub const INDICATOR: &str = "injured_children";

#[derive(Debug, Clone, PartialEq)]
pub struct InjuriesBySubtype {
    pub counts: SubtypeCounts,
}

pub fn series(published: &Published, scope: &Scope) -> InjuriesBySubtype {
    InjuriesBySubtype {
        counts: subtypes::series(published, scope, INDICATOR, CaseKind::Injury),
    }
}

impl InjuriesBySubtype {
    pub fn title(&self, lang: Lang) -> String {
        format!(
            "{}, {} {} {}",
            lang.pick(
                "Trẻ em bị tai nạn thương tích theo nguyên nhân",
                "Injured children by cause"
            ),
            self.counts.baseline_year,
            lang.pick("và", "and"),
            self.counts.year
        )
    }
}

impl Chart for InjuriesBySubtype {
    fn name(&self) -> &'static str {
        "t5_injuries_by_subtype"
    }

    fn height(&self) -> u32 {
        self.counts.height()
    }

    fn paint<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        lang: Lang,
    ) -> DrawResult<(), DB> {
        self.counts.paint(root, &self.title(lang), lang)
    }

    fn plotted(&self, lang: Lang) -> Vec<PlottedRow> {
        self.counts.plotted(lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::fixture::{count, publish, scope};
    use crate::disclosure::Cell;

    #[test]
    fn injury_subtypes_follow_the_export_list_and_small_baselines_are_suppressed() {
        // 2021: drowning 30, traffic 20, fall 0 (total 50). 2020: drowning 28, traffic 2
        // ("<5"), fall 5 (total 35); 2 alone under 35 → fall's 5, the smallest other, hidden.
        let p = publish(&[
            count(INDICATOR, "64", None, 50.0, Some(35.0)),
            count(INDICATOR, "64", Some("subtype=fall"), 0.0, Some(5.0)),
            count(INDICATOR, "64", Some("subtype=traffic"), 20.0, Some(2.0)),
            count(INDICATOR, "64", Some("subtype=drowning"), 30.0, Some(28.0)),
        ]);
        let s = series(&p, &scope(&[]));
        let got: Vec<(&str, Cell, Cell)> = s
            .counts
            .subtypes
            .iter()
            .map(|x| (x.key.as_str(), x.baseline.cell, x.value.cell))
            .collect();
        assert_eq!(
            got,
            [
                ("drowning", Cell::Value(28.0), Cell::Value(30.0)),
                ("traffic", Cell::Small, Cell::Value(20.0)),
                ("fall", Cell::Hidden, Cell::Value(0.0)),
            ]
        );
    }
}
