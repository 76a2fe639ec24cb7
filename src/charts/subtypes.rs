//! Counts of children by subtype in the baseline year and the reporting year, side by
//! side (T5: fewer injured and fewer abused children than in 2020). Shared by the injury
//! and the abuse charts, which only add their words.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::hbars::{self, Bar, Panel, Row};
use super::{
    cell_text, count, page, palette, signed_count, suppression_note, DrawResult, Field, Plotted,
    PlottedRow, Scope,
};
use crate::disclosure::Published;
use crate::sources::cases::CaseKind;
use crate::text::Lang;

#[derive(Debug, Clone, PartialEq)]
pub struct Subtype {
    pub key: String,
    pub baseline: Plotted,
    pub value: Plotted,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SubtypeCounts {
    pub year: i32,
    pub baseline_year: i32,
    pub min_count: u32,
    pub total_baseline: Plotted,
    pub total: Plotted,
    pub change: Plotted,
    pub subtypes: Vec<Subtype>,
}

pub fn series(
    published: &Published,
    scope: &Scope,
    indicator: &str,
    kind: CaseKind,
) -> SubtypeCounts {
    let at = |breakdown: Option<&str>, field| {
        Plotted::of(
            published,
            indicator,
            &scope.period,
            &scope.top,
            breakdown,
            field,
        )
    };
    let found = scope.breakdowns(published, indicator, "subtype");
    let mut keys: Vec<String> = kind
        .subtypes()
        .into_iter()
        .map(str::to_string)
        .filter(|k| found.contains(k))
        .collect();
    keys.extend(
        found
            .iter()
            .filter(|k| !keys.contains(k))
            .cloned()
            .collect::<Vec<_>>(),
    );
    let subtypes = keys
        .into_iter()
        .map(|key| {
            let b = format!("subtype={key}");
            Subtype {
                baseline: at(Some(&b), Field::Baseline),
                value: at(Some(&b), Field::Value),
                key,
            }
        })
        .collect();
    SubtypeCounts {
        year: scope.year,
        baseline_year: scope.baseline_year,
        min_count: published.min_count(),
        total_baseline: at(None, Field::Baseline),
        total: at(None, Field::Value),
        change: at(None, Field::Change),
        subtypes,
    }
}

pub fn subtype_name(key: &str, lang: Lang) -> String {
    match key {
        "drowning" => lang.pick("Đuối nước", "Drowning"),
        "traffic" => lang.pick("Tai nạn giao thông", "Traffic accident"),
        "fall" => lang.pick("Ngã", "Fall"),
        "burn" => lang.pick("Bỏng", "Burn"),
        "animal_bite" => lang.pick("Động vật cắn", "Animal bite"),
        "poisoning" => lang.pick("Ngộ độc", "Poisoning"),
        "electrocution" => lang.pick("Điện giật", "Electrocution"),
        "violence" => lang.pick("Bạo lực", "Violence"),
        "sexual_abuse" => lang.pick("Xâm hại tình dục", "Sexual abuse"),
        "exploitation" => lang.pick("Bóc lột", "Exploitation"),
        "neglect" => lang.pick("Sao nhãng, bỏ mặc", "Neglect"),
        "trafficking" => lang.pick("Mua bán", "Trafficking"),
        "other" => lang.pick("Khác", "Other"),
        other => other,
    }
    .to_string()
}

impl SubtypeCounts {
    pub fn height(&self) -> u32 {
        560 + 120 * self.subtypes.len() as u32
    }

    /// "Tổng số: 452 (2020) → 398 (2021), −54".
    pub fn total_note(&self, lang: Lang) -> String {
        let c = |p: &Plotted| cell_text(p.cell, self.min_count, lang, |v| count(v, lang));
        let change = cell_text(self.change.cell, self.min_count, lang, |v| {
            signed_count(v, lang)
        });
        format!(
            "{}: {} ({}) → {} ({}), {} {change}. {}",
            lang.pick("Tổng số", "Total"),
            c(&self.total_baseline),
            self.baseline_year,
            c(&self.total),
            self.year,
            lang.pick("thay đổi", "change"),
            match lang {
                Lang::Vi => format!("Mục tiêu: giảm so với năm {}", self.baseline_year),
                Lang::En => format!("Target: fewer than in {}", self.baseline_year),
            }
        )
    }

    pub fn paint<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        title: &str,
        lang: Lang,
    ) -> DrawResult<(), DB> {
        let notes = vec![
            self.total_note(lang),
            suppression_note(self.min_count, lang),
        ];
        let area = page(root, title, &notes)?;
        let text = |p: &Plotted| cell_text(p.cell, self.min_count, lang, |v| count(v, lang));
        let rows = self
            .subtypes
            .iter()
            .map(|s| Row {
                label: subtype_name(&s.key, lang),
                bars: vec![
                    Bar {
                        cell: s.baseline.cell,
                        text: text(&s.baseline),
                        colour: palette::BASELINE,
                    },
                    Bar {
                        cell: s.value.cell,
                        text: text(&s.value),
                        colour: palette::BAR,
                    },
                ],
                strong: false,
            })
            .collect();
        let range = hbars::range_of(
            self.subtypes
                .iter()
                .flat_map(|s| [s.baseline.cell.value(), s.value.cell.value()])
                .flatten(),
            5.0,
            0.12,
        );
        let tick = |x: f64| {
            if x.fract().abs() > 1e-9 || x < 0.0 {
                String::new()
            } else {
                count(x, lang)
            }
        };
        hbars::paint(
            &area,
            &Panel {
                heading: None,
                rows,
                legend: vec![
                    (self.baseline_year.to_string(), palette::BASELINE),
                    (self.year.to_string(), palette::BAR),
                ],
                lines: Vec::new(),
                range,
                tick: &tick,
                label_width: 480,
            },
        )
    }

    pub fn plotted(&self, lang: Lang) -> Vec<PlottedRow> {
        self.subtypes
            .iter()
            .map(|s| PlottedRow {
                label: subtype_name(&s.key, lang),
                cells: vec![s.baseline.clone(), s.value.clone()],
            })
            .collect()
    }
}
