//! T4: how long abuse cases waited from reception to intervention (the
//! `abuse_intervention_delay` buckets, counts of cases), and below it the two rates of the
//! target: cases intervened within the rule's hours and abused children supported.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::district_rates::{paint_dots, Axis, DotLayout, RateRow};
use super::hbars::{self, Bar, Panel, Row};
use super::{
    bold, cell_text, count, page, palette, percent, size, suppression_note, Chart, DrawResult,
    Field, Plotted, PlottedRow, Scope,
};
use crate::disclosure::Published;
use crate::indicators::cases::delay_labels;
use crate::text::Lang;

pub const DELAY: &str = "abuse_intervention_delay";
pub const TIMELY: &str = "abuse_intervention_timely_rate";
pub const SUPPORTED: &str = "abused_children_supported_rate";

#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    pub value: Plotted,
    pub numerator: Plotted,
    pub denominator: Plotted,
    pub goal: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AbuseDelays {
    pub year: i32,
    pub min_count: u32,
    pub hours: u32,
    /// All abuse cases of the period.
    pub cases: Plotted,
    /// (bucket, cases in it), from the quickest.
    pub buckets: Vec<(String, Plotted)>,
    pub timely: Rate,
    pub supported: Rate,
}

pub fn series(published: &Published, scope: &Scope) -> AbuseDelays {
    let at = |indicator: &str, breakdown: Option<&str>, field| {
        Plotted::of(
            published,
            indicator,
            &scope.period,
            &scope.top,
            breakdown,
            field,
        )
    };
    let found = scope.breakdowns(published, DELAY, "delay");
    let mut order: Vec<String> = delay_labels(scope.intervention_within_hours)
        .into_iter()
        .map(|(label, _)| label)
        .collect();
    order.extend(["none_yet".to_string(), "unknown".to_string()]);
    // Buckets in the order of the rule; any the table has beyond them at the end.
    let mut keys: Vec<String> = order.into_iter().filter(|k| found.contains(k)).collect();
    keys.extend(
        found
            .iter()
            .filter(|k| !keys.contains(k))
            .cloned()
            .collect::<Vec<_>>(),
    );
    let buckets = keys
        .into_iter()
        .map(|k| {
            let p = at(DELAY, Some(&format!("delay={k}")), Field::Value);
            (k, p)
        })
        .collect();
    let rate = |indicator: &str| Rate {
        value: at(indicator, None, Field::Value),
        numerator: at(indicator, None, Field::Numerator),
        denominator: at(indicator, None, Field::Denominator),
        goal: scope.goal(indicator),
    };
    AbuseDelays {
        year: scope.year,
        min_count: published.min_count(),
        hours: scope.intervention_within_hours,
        cases: at(DELAY, None, Field::Value),
        buckets,
        timely: rate(TIMELY),
        supported: rate(SUPPORTED),
    }
}

/// `le_12h` → "≤ 12 giờ", `1d_5d` → "1–5 ngày", `gt_30d` → "> 30 ngày", …
pub fn bucket_name(key: &str, lang: Lang) -> String {
    let (hours, days) = (lang.pick("giờ", "hours"), lang.pick("ngày", "days"));
    let unit = |s: &str| -> Option<(String, &str)> {
        if let Some(n) = s.strip_suffix('h') {
            Some((n.to_string(), hours))
        } else {
            s.strip_suffix('d').map(|n| (n.to_string(), days))
        }
    };
    match key {
        "none_yet" => {
            return lang
                .pick("Chưa can thiệp", "No intervention yet")
                .to_string()
        }
        "unknown" => {
            return lang
                .pick("Không rõ thời điểm tiếp nhận", "Reception time unknown")
                .to_string()
        }
        _ => {}
    }
    if let Some((n, u)) = key.strip_prefix("le_").and_then(unit) {
        return format!("≤ {n} {u}");
    }
    if let Some((n, u)) = key.strip_prefix("gt_").and_then(unit) {
        return format!("> {n} {u}");
    }
    if let Some((a, b)) = key.split_once('_') {
        if let (Some((a, _)), Some((b, u))) = (unit(a), unit(b)) {
            return format!("{a}–{b} {u}");
        }
    }
    key.to_string()
}

impl AbuseDelays {
    pub fn title(&self, lang: Lang) -> String {
        format!(
            "{} – {}",
            lang.pick(
                "Thời gian từ tiếp nhận đến can thiệp các vụ xâm hại trẻ em",
                "Time from report to intervention in child abuse cases",
            ),
            self.year
        )
    }

    fn rate_rows(&self, lang: Lang) -> Vec<(String, &Rate)> {
        vec![
            (
                match lang {
                    Lang::Vi => format!("Vụ việc được can thiệp trong {} giờ", self.hours),
                    Lang::En => format!("Cases intervened within {} hours", self.hours),
                },
                &self.timely,
            ),
            (
                lang.pick(
                    "Trẻ em bị xâm hại được hỗ trợ, can thiệp",
                    "Abused children supported",
                )
                .to_string(),
                &self.supported,
            ),
        ]
    }

    /// "Mục tiêu T4", and where the rates' axis starts when not at 0.
    fn rates_heading(&self, axis: Axis, lang: Lang) -> String {
        let heading = lang.pick("Mục tiêu T4", "Target T4");
        if axis.from_zero() {
            return heading.to_string();
        }
        let from = percent(axis.lo, axis.decimals(), lang);
        match lang {
            Lang::Vi => format!("{heading} (trục ngang bắt đầu từ {from}, không từ 0)"),
            Lang::En => format!("{heading} (the axis starts at {from}, not at 0)"),
        }
    }

    fn rate_text(&self, rate: &Rate, lang: Lang) -> String {
        let part = |p: &Plotted| cell_text(p.cell, self.min_count, lang, |v| count(v, lang));
        cell_text(rate.value.cell, self.min_count, lang, |v| {
            format!(
                "{} ({}/{})",
                percent(v, 1, lang),
                part(&rate.numerator),
                part(&rate.denominator)
            )
        })
    }
}

impl Chart for AbuseDelays {
    fn name(&self) -> &'static str {
        "t4_abuse_delays"
    }

    fn height(&self) -> u32 {
        500 + 78 * (self.buckets.len() as u32 + 2) + 300
    }

    fn paint<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        lang: Lang,
    ) -> DrawResult<(), DB> {
        let total = cell_text(self.cases.cell, self.min_count, lang, |v| count(v, lang));
        let notes = vec![
            match lang {
                Lang::Vi => format!(
                    "Tổng số vụ xâm hại: {total}. Nghị định 56/2017/NĐ-CP: can thiệp khẩn cấp trong {} giờ. Mục tiêu: 100 %",
                    self.hours
                ),
                Lang::En => format!(
                    "Abuse cases: {total}. Decree 56/2017: emergency intervention within {} hours. Target: 100%",
                    self.hours
                ),
            },
            suppression_note(self.min_count, lang),
        ];
        let area = page(root, &self.title(lang), &notes)?;
        let split = 110 + 78 * self.buckets.len() as i32 + 120;
        let (upper, lower) = area.split_vertically(split);
        let timely = format!("le_{}h", self.hours);
        let rows = self
            .buckets
            .iter()
            .map(|(key, p)| Row {
                label: bucket_name(key, lang),
                bars: vec![Bar {
                    cell: p.cell,
                    text: cell_text(p.cell, self.min_count, lang, |v| count(v, lang)),
                    colour: if *key == timely {
                        palette::GOOD
                    } else if key == "none_yet" {
                        palette::PROVINCE
                    } else {
                        palette::WARNING
                    },
                }],
                strong: false,
            })
            .collect();
        let range = hbars::range_of(
            self.buckets.iter().filter_map(|(_, p)| p.cell.value()),
            5.0,
            0.12,
        );
        let integer_tick = |x: f64| {
            if x.fract().abs() > 1e-9 || x < 0.0 {
                String::new()
            } else {
                count(x, lang)
            }
        };
        hbars::paint(
            &upper,
            &Panel {
                heading: Some(
                    lang.pick(
                        "Số vụ việc theo thời gian can thiệp",
                        "Cases by time to intervention",
                    )
                    .to_string(),
                ),
                rows,
                legend: Vec::new(),
                lines: Vec::new(),
                range,
                tick: &integer_tick,
                label_width: 780,
            },
        )?;
        // The rates as dots near the 100 % line, as T1's: 84 % and 98 % of a bar from 0
        // would look alike.
        let rows: Vec<RateRow> = self
            .rate_rows(lang)
            .into_iter()
            .map(|(label, rate)| RateRow {
                label,
                cell: rate.value.cell,
                text: self.rate_text(rate, lang),
                strong: false,
            })
            .collect();
        let goal = self.timely.goal.or(self.supported.goal);
        let axis = Axis::of(rows.iter().filter_map(|r| r.cell.value()), goal);
        lower.draw(&Text::new(
            self.rates_heading(axis, lang),
            (60, 10),
            bold(size::LABEL),
        ))?;
        let lower = lower.split_vertically((size::LABEL * 1.6) as i32).1;
        let layout = DotLayout {
            label_width: 780,
            value_width: 430,
            band: 0.0,
        };
        paint_dots(&lower, &rows, goal, axis, &layout, lang)?;
        Ok(())
    }

    fn plotted(&self, lang: Lang) -> Vec<PlottedRow> {
        let mut rows: Vec<PlottedRow> = self
            .buckets
            .iter()
            .map(|(key, p)| PlottedRow {
                label: bucket_name(key, lang),
                cells: vec![p.clone()],
            })
            .collect();
        rows.extend(
            self.rate_rows(lang)
                .into_iter()
                .map(|(label, rate)| PlottedRow {
                    label,
                    cells: vec![rate.value.clone()],
                }),
        );
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::fixture::{count, publish, ratio, scope};
    use crate::disclosure::Cell;

    #[test]
    fn delay_buckets_in_order_with_small_counts_and_rates_on_them() {
        // 9 cases: 5 within 12 h, 3 within 24 h ("<5"), 1 in 6–14 days ("<5"), zeros
        // elsewhere. Two suppressed buckets under the total: no third is needed.
        // Timely: 5 of 9, shown. Supported: 4 of 4 children, both "<5", the rate hidden.
        let bucket = |b: &'static str, v: f64| count(DELAY, "64", Some(b), v, None);
        let p = publish(&[
            count(DELAY, "64", None, 9.0, None),
            bucket("delay=none_yet", 0.0),
            bucket("delay=6d_14d", 1.0),
            bucket("delay=le_12h", 5.0),
            bucket("delay=12h_24h", 3.0),
            bucket("delay=1d_5d", 0.0),
            bucket("delay=15d_30d", 0.0),
            bucket("delay=gt_30d", 0.0),
            ratio(TIMELY, "64", 5.0, 9.0),
            ratio(SUPPORTED, "64", 4.0, 4.0),
        ]);
        let s = series(&p, &scope(&[(TIMELY, "= 1"), (SUPPORTED, "= 1")]));
        let got: Vec<(&str, Cell)> = s
            .buckets
            .iter()
            .map(|(k, p)| (k.as_str(), p.cell))
            .collect();
        assert_eq!(
            got,
            [
                ("le_12h", Cell::Value(5.0)),
                ("12h_24h", Cell::Small),
                ("1d_5d", Cell::Value(0.0)),
                ("6d_14d", Cell::Small),
                ("15d_30d", Cell::Value(0.0)),
                ("gt_30d", Cell::Value(0.0)),
                ("none_yet", Cell::Value(0.0)),
            ]
        );
        assert_eq!(s.cases.cell, Cell::Value(9.0));
        assert_eq!(s.timely.value.cell, Cell::Value(5.0 / 9.0));
        assert_eq!(s.timely.goal, Some(1.0));
        assert_eq!(
            (
                s.supported.value.cell,
                s.supported.numerator.cell,
                s.supported.denominator.cell
            ),
            (Cell::Hidden, Cell::Small, Cell::Small)
        );
        assert_eq!(s.rate_text(&s.timely, Lang::Vi), "55,6 % (5/9)");
        assert_eq!(s.rate_text(&s.supported, Lang::Vi), "x");
    }

    #[test]
    fn bucket_names_read_as_hours_and_days() {
        assert_eq!(bucket_name("le_12h", Lang::Vi), "≤ 12 giờ");
        assert_eq!(bucket_name("12h_24h", Lang::En), "12–24 hours");
        assert_eq!(bucket_name("1d_5d", Lang::Vi), "1–5 ngày");
        assert_eq!(bucket_name("gt_30d", Lang::Vi), "> 30 ngày");
        assert_eq!(bucket_name("none_yet", Lang::Vi), "Chưa can thiệp");
    }
}
