//! T2: how many of the province's districts held each event of the plan — the Month of
//! Action for Children, the Mid-Autumn festival, a Children's Forum — out of all districts
//! (`event_*` numerators over denominators), and which districts did not.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::hbars::{self, Bar, Panel, RefLine, Row};
use super::{
    cell_text, count, page, palette, percent, Chart, DrawResult, Field, Plotted, PlottedRow, Scope,
};
use crate::disclosure::{Cell, Published};
use crate::indicators::reports::EVENTS;
use crate::text::{capitalised, Lang};

/// The most names of units a note lists before it counts the rest.
pub const NAMED: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub indicator: &'static str,
    /// Districts that held it (the province's numerator).
    pub held: Plotted,
    /// Districts expected (the province's denominator).
    pub of: Plotted,
    /// Names of the districts whose row says it was not held.
    pub not_held: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Events {
    pub year: i32,
    pub min_count: u32,
    pub events: Vec<Event>,
    /// The units that hold the events and that the counts count: districts, or communes
    /// under the 2025 units.
    pub reporting_level: &'static str,
}

pub fn series(published: &Published, scope: &Scope) -> Events {
    let events = EVENTS
        .iter()
        .map(|(indicator, _item)| {
            let at =
                |field| Plotted::of(published, indicator, &scope.period, &scope.top, None, field);
            let not_held = scope
                .districts(published, indicator)
                .iter()
                .filter(|code| {
                    published
                        .get(indicator, &scope.period, code, None)
                        .is_some_and(|r| r.numerator == Cell::Value(0.0))
                })
                .map(|code| scope.names.name(code))
                .collect();
            Event {
                indicator,
                held: at(Field::Numerator),
                of: at(Field::Denominator),
                not_held,
            }
        })
        .collect();
    Events {
        year: scope.year,
        min_count: published.min_count(),
        reporting_level: scope.reporting_level,
        events,
    }
}

pub fn event_name(indicator: &str, lang: Lang) -> String {
    match indicator {
        "event_month_of_action" => {
            lang.pick("Tháng hành động vì trẻ em", "Month of Action for Children")
        }
        "event_mid_autumn" => lang.pick("Tết Trung thu", "Mid-Autumn Festival"),
        "event_children_forum" => lang.pick("Diễn đàn trẻ em", "Children's Forum"),
        other => other,
    }
    .to_string()
}

impl Events {
    pub fn title(&self, lang: Lang) -> String {
        let kinds = lang.unit_kinds(self.reporting_level);
        match lang {
            Lang::Vi => format!("Số {kinds} tổ chức các hoạt động vì trẻ em – {}", self.year),
            Lang::En => format!(
                "{} that held each children's event – {}",
                capitalised(&kinds),
                self.year
            ),
        }
    }

    /// Units that did not hold an event, for a note of one line: every name when they are
    /// few, else the first [`NAMED`] and how many more (135 communes would run the line
    /// off the chart; the pack's tables list every unit).
    pub fn named(&self, units: &[String], lang: Lang) -> String {
        if units.len() <= NAMED {
            return units.join(", ");
        }
        let more = units.len() - NAMED;
        let unit = lang.units_word(self.reporting_level);
        let named = units[..NAMED].join(", ");
        match lang {
            Lang::Vi => format!("{named} và {more} {unit} khác (xem bảng số liệu)"),
            Lang::En => format!("{named} and {more} more {unit} (see the tables)"),
        }
    }

    /// The number of districts expected (the largest denominator).
    fn districts(&self) -> Option<f64> {
        self.events
            .iter()
            .filter_map(|e| e.of.cell.value())
            .reduce(f64::max)
    }
}

impl Chart for Events {
    fn name(&self) -> &'static str {
        "t2_events"
    }

    fn height(&self) -> u32 {
        1100
    }

    fn paint<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        lang: Lang,
    ) -> DrawResult<(), DB> {
        let mut notes = vec![lang.of_units(
            lang.pick(
                "Mục tiêu: 100 % {u} tổ chức. Nguồn: biểu 3 (báo cáo năm) của các {u}; không có báo cáo = chưa tổ chức",
                "Target: all {u}. Source: form 3 (annual report) of the {u}; no report = not held",
            ),
            self.reporting_level,
        )];
        for e in &self.events {
            if !e.not_held.is_empty() {
                notes.push(format!(
                    "{} — {}: {}",
                    event_name(e.indicator, lang),
                    lang.pick("chưa tổ chức", "not held"),
                    self.named(&e.not_held, lang)
                ));
            }
        }
        let area = page(root, &self.title(lang), &notes)?;
        let rows = self
            .events
            .iter()
            .map(|e| {
                let text = cell_text(e.held.cell, self.min_count, lang, |held| {
                    match e.of.cell.value().filter(|of| *of > 0.0) {
                        Some(of) => format!(
                            "{}/{} ({})",
                            count(held, lang),
                            count(of, lang),
                            percent(held / of, 1, lang)
                        ),
                        None => count(held, lang),
                    }
                });
                let short =
                    matches!((e.held.cell, e.of.cell), (Cell::Value(h), Cell::Value(o)) if h < o);
                Row {
                    label: event_name(e.indicator, lang),
                    bars: vec![Bar {
                        cell: e.held.cell,
                        text,
                        colour: if short {
                            palette::WARNING
                        } else {
                            palette::BAR
                        },
                    }],
                    strong: false,
                }
            })
            .collect();
        let all = self.districts().unwrap_or(1.0);
        let tick = |x: f64| {
            if x > all + 1e-9 || x.fract().abs() > 1e-9 {
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
                legend: Vec::new(),
                lines: vec![RefLine {
                    at: all,
                    label: format!(
                        "{} {} ({})",
                        count(all, lang),
                        lang.units_word(self.reporting_level),
                        percent(1.0, 0, lang)
                    ),
                }],
                range: (0.0, all * 1.1),
                tick: &tick,
                label_width: 620,
            },
        )
    }

    fn plotted(&self, lang: Lang) -> Vec<PlottedRow> {
        self.events
            .iter()
            .map(|e| PlottedRow {
                label: event_name(e.indicator, lang),
                cells: vec![e.held.clone()],
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::fixture::{publish, ratio, scope};

    #[test]
    fn districts_holding_each_event_and_those_that_did_not() {
        // Month of action: 622 and 623 held it, 624 did not (2 of 3). Mid-autumn: all.
        // Forum: only 622 (1 of 3) — a count of districts, never suppressed.
        let mut rows = Vec::new();
        for (indicator, held) in [
            ("event_month_of_action", [1.0, 1.0, 0.0]),
            ("event_mid_autumn", [1.0, 1.0, 1.0]),
            ("event_children_forum", [1.0, 0.0, 0.0]),
        ] {
            rows.push(ratio(indicator, "64", held.iter().sum(), 3.0));
            for (unit, h) in ["622", "623", "624"].into_iter().zip(held) {
                rows.push(ratio(indicator, unit, h, 1.0));
            }
        }
        let s = series(&publish(&rows), &scope(&[]));
        let got: Vec<(&str, Cell, Cell, Vec<String>)> = s
            .events
            .iter()
            .map(|e| (e.indicator, e.held.cell, e.of.cell, e.not_held.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "event_month_of_action",
                    Cell::Value(2.0),
                    Cell::Value(3.0),
                    vec!["Ayun Pa".to_string()]
                ),
                (
                    "event_mid_autumn",
                    Cell::Value(3.0),
                    Cell::Value(3.0),
                    vec![]
                ),
                (
                    "event_children_forum",
                    Cell::Value(1.0),
                    Cell::Value(3.0),
                    vec!["An Khê".to_string(), "Ayun Pa".to_string()]
                ),
            ]
        );
    }

    #[test]
    fn communes_are_named_by_their_level_and_many_are_counted_not_listed() {
        let mut events = series(&publish(&[]), &scope(&[]));
        events.reporting_level = crate::columns::LEVEL_COMMUNE;
        assert_eq!(
            events.title(Lang::Vi),
            "Số xã, phường, đặc khu tổ chức các hoạt động vì trẻ em – 2021"
        );
        let few: Vec<String> = ["An Lão", "An Vinh"].map(String::from).to_vec();
        assert_eq!(events.named(&few, Lang::Vi), "An Lão, An Vinh");
        let many: Vec<String> = (1..=115).map(|i| format!("X{i}")).collect();
        assert_eq!(
            events.named(&many, Lang::Vi),
            "X1, X2, X3, X4, X5, X6, X7, X8 và 107 xã khác (xem bảng số liệu)"
        );
        assert_eq!(
            events.named(&many, Lang::En),
            "X1, X2, X3, X4, X5, X6, X7, X8 and 107 more communes (see the tables)"
        );
    }
}
