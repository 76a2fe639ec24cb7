//! T5 by district: the change in injured children from the baseline year, district by
//! district (`injured_children`'s change), fewer in the good colour, more in the warning
//! colour; the province's change on top.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::district_rates::{child_unit, top_label};
use super::hbars::{self, Bar, Panel, Row};
use super::{
    cell_text, count, page, palette, signed_count, sort_by_value, suppression_note, Chart,
    DrawResult, Field, Plotted, PlottedRow, Scope,
};
use crate::disclosure::{Cell, Published};
use crate::text::Lang;

pub const INDICATOR: &str = "injured_children";

#[derive(Debug, Clone, PartialEq)]
pub struct InjuriesByDistrict {
    pub year: i32,
    pub baseline_year: i32,
    pub min_count: u32,
    /// The level of the top unit (province or country), which names its row.
    pub top_level: &'static str,
    /// The level of the units drawn under it, which the title names.
    pub child_level: &'static str,
    pub province: Plotted,
    /// (district name, its change), largest increase first.
    pub districts: Vec<(String, Plotted)>,
    /// Units left out of a chart of very many: only the largest increases are drawn.
    pub left_out: usize,
}

pub fn series(published: &Published, scope: &Scope) -> InjuriesByDistrict {
    let at = |org_unit: &str| {
        Plotted::of(
            published,
            INDICATOR,
            &scope.period,
            org_unit,
            None,
            Field::Change,
        )
    };
    let mut districts: Vec<(String, Plotted)> = scope
        .districts(published, INDICATOR)
        .iter()
        .map(|code| (scope.names.name(code), at(code)))
        .collect();
    sort_by_value(&mut districts, |(name, p)| (p.cell, name.as_str()));
    let all = districts.len();
    districts.truncate(super::district_rates::MAX_DRAWN);
    InjuriesByDistrict {
        year: scope.year,
        baseline_year: scope.baseline_year,
        min_count: published.min_count(),
        top_level: scope.top_level,
        child_level: scope.child_level,
        province: at(&scope.top),
        left_out: all - districts.len(),
        districts,
    }
}

impl InjuriesByDistrict {
    pub fn title(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => format!(
                "Thay đổi số trẻ em bị tai nạn thương tích so với năm {}, theo {} – {}",
                self.baseline_year,
                child_unit(self.child_level, lang),
                self.year
            ),
            Lang::En => format!(
                "Change in injured children from {}, by {} – {}",
                self.baseline_year,
                child_unit(self.child_level, lang),
                self.year
            ),
        }
    }

    fn rows(&self, lang: Lang) -> Vec<(String, bool, &Plotted)> {
        std::iter::once((
            top_label(self.top_level, lang).to_string(),
            true,
            &self.province,
        ))
        .chain(self.districts.iter().map(|(n, p)| (n.clone(), false, p)))
        .collect()
    }
}

impl Chart for InjuriesByDistrict {
    fn name(&self) -> &'static str {
        "t5_injuries_by_district"
    }

    fn height(&self) -> u32 {
        460 + 78 * (self.districts.len() as u32 + 1)
    }

    fn paint<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        lang: Lang,
    ) -> DrawResult<(), DB> {
        let notes = vec![
            match lang {
                Lang::Vi => format!(
                    "Số trẻ em năm {} trừ số trẻ em năm {}. Màu xanh: giảm (đạt mục tiêu), màu cam: tăng",
                    self.year, self.baseline_year
                ),
                Lang::En => format!(
                    "Children in {} minus children in {}. Green: fewer (target met), orange: more",
                    self.year, self.baseline_year
                ),
            },
            suppression_note(self.min_count, lang),
        ];
        let notes: Vec<String> = notes
            .into_iter()
            .chain(super::district_rates::left_out_note(
                self.left_out,
                self.districts.len(),
                self.child_level,
                lang,
            ))
            .collect();
        let area = page(root, &self.title(lang), &notes)?;
        let rows = self
            .rows(lang)
            .into_iter()
            .map(|(label, province, p)| Row {
                label,
                bars: vec![Bar {
                    cell: p.cell,
                    text: cell_text(p.cell, self.min_count, lang, |v| signed_count(v, lang)),
                    colour: match p.cell {
                        Cell::Value(v) if v < 0.0 => palette::GOOD,
                        _ if province => palette::PROVINCE,
                        _ => palette::WARNING,
                    },
                }],
                strong: province,
            })
            .collect();
        let range = hbars::range_of(
            self.rows(lang)
                .iter()
                .filter_map(|(_, _, p)| p.cell.value()),
            1.0,
            0.15,
        );
        let tick = |x: f64| {
            if x.fract().abs() > 1e-9 {
                String::new()
            } else {
                count(x, lang).replace('-', "−")
            }
        };
        hbars::paint(
            &area,
            &Panel {
                heading: None,
                rows,
                legend: Vec::new(),
                lines: Vec::new(),
                range,
                tick: &tick,
                label_width: 380,
            },
        )
    }

    fn plotted(&self, lang: Lang) -> Vec<PlottedRow> {
        self.rows(lang)
            .into_iter()
            .map(|(label, _, p)| PlottedRow {
                label,
                cells: vec![p.clone()],
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::fixture::{count, publish, scope};

    #[test]
    fn changes_by_district_hidden_where_either_year_is_suppressed() {
        // 2021 (2020): 622 15 (14), 623 2 (6), 624 3 (5), province 20 (25).
        // 623's and 624's 2021 counts are "<5": their changes are hidden; 622's +1 and the
        // province's −5 are shown.
        let p = publish(&[
            count(INDICATOR, "64", None, 20.0, Some(25.0)),
            count(INDICATOR, "622", None, 15.0, Some(14.0)),
            count(INDICATOR, "623", None, 2.0, Some(6.0)),
            count(INDICATOR, "624", None, 3.0, Some(5.0)),
        ]);
        let s = series(&p, &scope(&[]));
        assert_eq!(s.province.cell, Cell::Value(-5.0));
        let got: Vec<(&str, Cell)> = s
            .districts
            .iter()
            .map(|(n, p)| (n.as_str(), p.cell))
            .collect();
        assert_eq!(
            got,
            [
                ("Pleiku", Cell::Value(1.0)),
                ("An Khê", Cell::Hidden),
                ("Ayun Pa", Cell::Hidden)
            ]
        );
        assert!(s
            .title(Lang::Vi)
            .starts_with("Thay đổi số trẻ em bị tai nạn thương tích so với năm 2020"));
    }
}
