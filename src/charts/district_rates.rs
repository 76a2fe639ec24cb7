//! A rate by district against its target, the shape of T1 and T3: one bar per district
//! (highest first), the province's bar on top, bars below the target in the warning
//! colour and the target as a line. The charts that use it only add their words.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::hbars::{self, Bar, Panel, RefLine, Row};
use super::{
    cell_text, goal_percent, palette, percent, sort_by_value, DrawResult, Field, Plotted,
    PlottedRow, Scope,
};
use crate::columns::{LEVEL_COMMUNE, LEVEL_COUNTRY, LEVEL_PROVINCE};
use crate::disclosure::{Cell, Published};
use crate::text::Lang;

#[derive(Debug, Clone, PartialEq)]
pub struct DistrictRates {
    pub min_count: u32,
    /// The level of the top unit (province or country), which names its row.
    pub top_level: &'static str,
    /// The level of the units drawn under it, which the title names.
    pub child_level: &'static str,
    pub province: Plotted,
    /// (district name, its rate), as drawn from the top.
    pub districts: Vec<(String, Plotted)>,
    /// The target's goal, when it is a number.
    pub goal: Option<f64>,
    /// Units left out of a chart of very many (the communes of the 2025 units): only
    /// those under the target are drawn, at most [`MAX_DRAWN`].
    pub left_out: usize,
}

/// The most child units a chart draws one bar each: 135 communes would make a strip
/// thousands of pixels long.
pub const MAX_DRAWN: usize = 40;

pub fn series(published: &Published, scope: &Scope, indicator: &str) -> DistrictRates {
    let at = |org_unit: &str| {
        Plotted::of(
            published,
            indicator,
            &scope.period,
            org_unit,
            None,
            Field::Value,
        )
    };
    let mut districts: Vec<(String, Plotted)> = scope
        .districts(published, indicator)
        .iter()
        .map(|code| (scope.names.name(code), at(code)))
        .collect();
    sort_by_value(&mut districts, |(name, p)| (p.cell, name.as_str()));
    let goal = scope.goal(indicator);
    let all = districts.len();
    if all > MAX_DRAWN {
        // Lowest last: the units under the target, the lowest of them if still too many.
        districts.retain(|(_, p)| match (p.cell.value(), goal) {
            (Some(v), Some(goal)) => v < goal,
            _ => false,
        });
        let extra = districts.len().saturating_sub(MAX_DRAWN);
        districts.drain(..extra);
    }
    DistrictRates {
        min_count: published.min_count(),
        top_level: scope.top_level,
        child_level: scope.child_level,
        province: at(&scope.top),
        left_out: all - districts.len(),
        districts,
        goal,
    }
}

/// The units under the top one, in a title or note, by their level: "huyện" /
/// "district", "xã" / "commune" under the 2025 units, "tỉnh" / "province" under the
/// country.
pub fn child_unit(child_level: &str, lang: Lang) -> &'static str {
    match child_level {
        LEVEL_PROVINCE => lang.pick("tỉnh", "province"),
        LEVEL_COMMUNE => lang.pick("xã", "commune"),
        _ => lang.pick("huyện", "district"),
    }
}

/// "Chỉ vẽ 12 xã dưới mục tiêu; 123 xã khác không vẽ." when units were left out.
pub fn left_out_note(
    left_out: usize,
    drawn: usize,
    child_level: &str,
    lang: Lang,
) -> Option<String> {
    let unit = child_unit(child_level, lang);
    (left_out > 0).then(|| match lang {
        Lang::Vi => format!("Chỉ vẽ {drawn} {unit} cần chú ý nhất; {left_out} {unit} khác không vẽ (xem bảng chỉ số)"),
        Lang::En => format!("Only the {drawn} {unit}s most in need of attention are drawn; {left_out} other {unit}s are in the indicator table"),
    })
}

/// The label of the top unit's row: "Toàn tỉnh" over districts, "Toàn quốc" over
/// provinces.
pub fn top_label(top_level: &str, lang: Lang) -> &'static str {
    if top_level == LEVEL_COUNTRY {
        lang.pick("Toàn quốc", "Whole country")
    } else {
        lang.pick("Toàn tỉnh", "Province")
    }
}

impl DistrictRates {
    pub fn rows(&self) -> impl Iterator<Item = (bool, &str, &Plotted)> {
        std::iter::once((true, "", &self.province)).chain(
            self.districts
                .iter()
                .map(|(name, p)| (false, name.as_str(), p)),
        )
    }

    pub fn plotted(&self, lang: Lang) -> Vec<PlottedRow> {
        self.rows()
            .map(|(province, name, p)| PlottedRow {
                label: if province {
                    top_label(self.top_level, lang).to_string()
                } else {
                    name.to_string()
                },
                cells: vec![p.clone()],
            })
            .collect()
    }

    pub fn height(&self) -> u32 {
        460 + 78 * (self.districts.len() as u32 + 1)
    }

    /// "Toàn tỉnh: 98,2 % (mục tiêu 98,5 %)".
    pub fn province_note(&self, lang: Lang) -> String {
        let value = cell_text(self.province.cell, self.min_count, lang, |v| {
            percent(v, 1, lang)
        });
        match self.goal {
            Some(goal) => format!(
                "{}: {value} ({} {})",
                top_label(self.top_level, lang),
                lang.pick("mục tiêu", "target"),
                goal_percent(goal, lang)
            ),
            None => format!("{}: {value}", top_label(self.top_level, lang)),
        }
    }

    pub fn paint<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        lang: Lang,
    ) -> DrawResult<(), DB> {
        let below =
            |cell: Cell| matches!((cell, self.goal), (Cell::Value(v), Some(g)) if v < g - 1e-9);
        let rows: Vec<Row> = self
            .rows()
            .map(|(province, name, p)| Row {
                label: if province {
                    top_label(self.top_level, lang).to_string()
                } else {
                    name.to_string()
                },
                bars: vec![Bar {
                    cell: p.cell,
                    text: cell_text(p.cell, self.min_count, lang, |v| percent(v, 1, lang)),
                    colour: if below(p.cell) {
                        palette::WARNING
                    } else if province {
                        palette::PROVINCE
                    } else {
                        palette::BAR
                    },
                }],
                strong: province,
            })
            .collect();
        let tick = |x: f64| {
            if x > 1.0 + 1e-9 {
                String::new()
            } else {
                percent(x, 0, lang)
            }
        };
        let lines = self
            .goal
            .map(|g| RefLine {
                at: g,
                label: format!(
                    "{} {}",
                    lang.pick("Mục tiêu", "Target"),
                    percent(g, 1, lang)
                ),
            })
            .into_iter()
            .collect();
        hbars::paint(
            area,
            &Panel {
                heading: None,
                rows,
                legend: Vec::new(),
                lines,
                range: (0.0, 1.08),
                tick: &tick,
                label_width: 380,
            },
        )
    }
}
