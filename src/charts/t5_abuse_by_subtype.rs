//! T5: abused children by form of abuse in the baseline year and the reporting year, side by side
//! (`abused_children` by subtype, its baseline against its value).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::subtypes::{self, SubtypeCounts};
use super::{Chart, DrawResult, PlottedRow, Scope};
use crate::pack::disclosure::Published;
use crate::pack::Lang;
use crate::sources::cases::CaseKind;

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
