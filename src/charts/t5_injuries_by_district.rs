//! T5 by district: the change in injured children from the baseline year, district by
//! district (`injured_children`'s change), fewer in the good colour, more in the warning
//! colour; the province's change on top.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::district_rates::top_label;
use super::hbars::{self, Bar, Panel, Row};
use super::units;
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
    /// The level of the units under it, which the title names.
    pub child_level: &'static str,
    pub province: Plotted,
    /// (district name, its change), largest increase first.
    pub districts: Vec<(String, Plotted)>,
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
    InjuriesByDistrict {
        year: scope.year,
        baseline_year: scope.baseline_year,
        min_count: published.min_count(),
        top_level: scope.top_level,
        child_level: scope.child_level,
        province: at(&scope.top),
        districts,
    }
}

impl InjuriesByDistrict {
    pub fn title(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => format!(
                "Thay đổi số trẻ em bị tai nạn thương tích so với năm {}, theo {} – {}",
                self.baseline_year,
                lang.unit_word(self.child_level),
                self.year
            ),
            Lang::En => format!(
                "Change in injured children from {}, by {} – {}",
                self.baseline_year,
                lang.unit_word(self.child_level),
                self.year
            ),
        }
    }

    /// Whether the units are too many for a row each ([`units::MAX_ROWS`]).
    pub fn many(&self) -> bool {
        units::too_many(self.districts.len())
    }

    /// The units drawn as rows: all of them, or past [`units::MAX_ROWS`] the largest
    /// increases and the largest decreases, half of the rows each at most.
    pub fn drawn(&self) -> Vec<&(String, Plotted)> {
        if !self.many() {
            return self.districts.iter().collect();
        }
        let half = units::MAX_ROWS / 2;
        let up = self
            .districts
            .iter()
            .filter(|(_, p)| p.cell.value().is_some_and(|v| v > 0.0))
            .take(half);
        let down: Vec<&(String, Plotted)> = self
            .districts
            .iter()
            .filter(|(_, p)| p.cell.value().is_some_and(|v| v < 0.0))
            .collect();
        let down = &down[down.len().saturating_sub(half)..];
        up.chain(down.iter().copied()).collect()
    }

    /// The rows drawn: the top unit's change on top — unless the units are many, when it
    /// is a note, as it would dwarf their bars — then the units.
    fn rows(&self, lang: Lang) -> Vec<(String, bool, &Plotted)> {
        let top = (!self.many()).then(|| {
            (
                top_label(self.top_level, lang).to_string(),
                true,
                &self.province,
            )
        });
        top.into_iter()
            .chain(self.drawn().into_iter().map(|(n, p)| (n.clone(), false, p)))
            .collect()
    }

    /// With many units: the top unit's change, how the units moved, which rows are drawn.
    pub fn selection_notes(&self, lang: Lang) -> Vec<String> {
        if !self.many() {
            return Vec::new();
        }
        let top = format!(
            "{}: {}",
            top_label(self.top_level, lang),
            cell_text(self.province.cell, self.min_count, lang, |v| {
                signed_count(v, lang)
            })
        );
        let count =
            |f: &dyn Fn(Cell) -> bool| self.districts.iter().filter(|(_, p)| f(p.cell)).count();
        let up = count(&|c| c.value().is_some_and(|v| v > 0.0));
        let down = count(&|c| c.value().is_some_and(|v| v < 0.0));
        let same = count(&|c| c == Cell::Value(0.0));
        let hidden = count(&|c| c.is_suppressed());
        let (all, m) = (self.districts.len(), self.min_count);
        let unit = lang.units_word(self.child_level);
        let one = lang.unit_word(self.child_level);
        match lang {
            Lang::Vi => vec![
                format!("{top}. {all} {unit}: {up} tăng, {down} giảm, {same} không đổi, {hidden} không công bố (<{m}, x)"),
                format!("Các hàng: {unit} tăng nhiều nhất và giảm nhiều nhất; số liệu từng {one} ở bảng chỉ tiêu"),
            ],
            Lang::En => vec![
                format!("{top}. {all} {unit}: {up} more, {down} fewer, {same} the same, {hidden} not published (<{m}, x)"),
                format!("Rows: the largest increases and decreases; every {one} is in the indicator tables"),
            ],
        }
    }
}

impl Chart for InjuriesByDistrict {
    fn name(&self) -> &'static str {
        "t5_injuries_by_district"
    }

    fn height(&self) -> u32 {
        460 + 78 * (self.rows(Lang::Vi).len() as u32 + 1)
    }

    fn paint<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        lang: Lang,
    ) -> DrawResult<(), DB> {
        let mut notes = vec![
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
        notes.splice(1..1, self.selection_notes(lang));
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

    #[test]
    fn many_units_draw_the_largest_rises_and_falls_and_the_top_unit_in_a_note() {
        // 40 units: unit i had 50 children in 2020 and 30 + i in 2021 (−20 … +19).
        let codes: Vec<&'static str> = (0..40)
            .map(|i| &*Box::leak(format!("{}", 700 + i).into_boxed_str()))
            .collect();
        let mut rows = vec![count(INDICATOR, "64", None, 1980.0, Some(2000.0))];
        for (i, code) in codes.iter().enumerate() {
            rows.push(count(INDICATOR, code, None, 30.0 + i as f64, Some(50.0)));
        }
        let s = series(&publish(&rows), &scope(&[]));
        assert!(s.many());
        let drawn: Vec<f64> = s
            .drawn()
            .iter()
            .map(|(_, p)| p.cell.value().unwrap())
            .collect();
        let half = units::MAX_ROWS / 2;
        assert_eq!(drawn.len(), 2 * half);
        assert_eq!(drawn[0], 19.0, "largest rise first");
        assert_eq!(drawn[half - 1], 19.0 - (half - 1) as f64);
        assert_eq!(*drawn.last().unwrap(), -20.0, "largest fall last");
        // The top unit's −20 is in the notes, not a row that would dwarf the units' bars.
        let rows = s.plotted(Lang::Vi);
        assert!(!rows.iter().any(|r| r.label == "Toàn tỉnh"));
        let notes = s.selection_notes(Lang::Vi);
        assert_eq!(
            notes[0],
            "Toàn tỉnh: −20. 40 huyện: 19 tăng, 20 giảm, 1 không đổi, 0 không công bố (<5, x)"
        );
    }
}
