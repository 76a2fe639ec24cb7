//! T5: abused children by form of abuse in the baseline year and the reporting year, side by side
//! (`abused_children` by subtype, its baseline against its value).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::subtypes::{self, SubtypeCounts};
use super::{Chart, DrawResult, PlottedRow, Scope};
use crate::disclosure::Published;
use crate::sources::cases::CaseKind;
use crate::text::Lang;

pub const INDICATOR: &str = "abused_children";

#[derive(Debug, Clone, PartialEq)]
pub struct AbuseBySubtype {
    pub counts: SubtypeCounts,
}

pub fn series(published: &Published, scope: &Scope) -> AbuseBySubtype {
    AbuseBySubtype {
        counts: subtypes::series(published, scope, INDICATOR, CaseKind::Abuse),
    }
}

impl AbuseBySubtype {
    pub fn title(&self, lang: Lang) -> String {
        format!(
            "{}, {} {} {}",
            lang.pick(
                "Trẻ em bị xâm hại theo hình thức",
                "Abused children by form of abuse"
            ),
            self.counts.baseline_year,
            lang.pick("và", "and"),
            self.counts.year
        )
    }
}

impl Chart for AbuseBySubtype {
    fn name(&self) -> &'static str {
        "t5_abuse_by_subtype"
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
    fn subtypes_side_by_side_with_the_complement_of_a_small_one_hidden() {
        // 2021: 12 children, violence 9, sexual abuse 3 ("<5"), other 0. With 3 the only
        // suppressed subtype under the published 12, violence's 9 is hidden too. 2020:
        // 15 = 10 + 5 + 0, nothing small. The total's change, −3, is published.
        let p = publish(&[
            count(INDICATOR, "64", None, 12.0, Some(15.0)),
            count(INDICATOR, "64", Some("subtype=other"), 0.0, Some(0.0)),
            count(
                INDICATOR,
                "64",
                Some("subtype=sexual_abuse"),
                3.0,
                Some(5.0),
            ),
            count(INDICATOR, "64", Some("subtype=violence"), 9.0, Some(10.0)),
        ]);
        let s = series(&p, &scope(&[(INDICATOR, "< baseline")]));
        let got: Vec<(&str, Cell, Cell)> = s
            .counts
            .subtypes
            .iter()
            .map(|x| (x.key.as_str(), x.baseline.cell, x.value.cell))
            .collect();
        // In the order of the export's list of forms of abuse.
        assert_eq!(
            got,
            [
                ("violence", Cell::Value(10.0), Cell::Hidden),
                ("sexual_abuse", Cell::Value(5.0), Cell::Small),
                ("other", Cell::Value(0.0), Cell::Value(0.0)),
            ]
        );
        assert_eq!(
            (
                s.counts.total_baseline.cell,
                s.counts.total.cell,
                s.counts.change.cell
            ),
            (Cell::Value(15.0), Cell::Value(12.0), Cell::Value(-3.0))
        );
        assert_eq!(
            s.counts.total_note(Lang::Vi),
            "Tổng số: 15 (2020) → 12 (2021), thay đổi −3. Mục tiêu: giảm so với năm 2020"
        );
        assert_eq!(
            s.title(Lang::Vi),
            "Trẻ em bị xâm hại theo hình thức, 2020 và 2021"
        );
    }
}
