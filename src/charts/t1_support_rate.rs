//! T1: the share of children in special circumstances who are supported, by district,
//! against the 98,5 % target (`special_support_rate`).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::district_rates::{self, DistrictRates};
use super::{page, suppression_note, Chart, DrawResult, PlottedRow, Scope};
use crate::pack::disclosure::Published;
use crate::pack::Lang;

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
            "{} – {}",
            lang.pick(
                "Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp, theo huyện",
                "Children in special circumstances who are supported, by district",
            ),
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
        let notes = vec![
            format!(
                "{}. {}",
                self.rates.province_note(lang),
                lang.pick(
                    "Màu cam: huyện dưới mục tiêu",
                    "Orange: districts below the target"
                )
            ),
            suppression_note(self.rates.min_count, lang),
        ];
        let area = page(root, &self.title(lang), &notes)?;
        self.rates.paint(&area, lang)
    }

    fn plotted(&self, lang: Lang) -> Vec<PlottedRow> {
        self.rates.plotted(lang)
    }
}
