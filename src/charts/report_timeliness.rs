//! Report timeliness: a district × period grid of the district reports — sent on time,
//! late by N days, sent on a date that could not be read, or not sent (`report_days_late`,
//! and `report_completeness` to tell the last two apart), with each period's deadline and
//! the province's on-time count in the column heads.

use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::units;
use super::{
    anchored, bold, count, font, page, palette, size, Chart, DrawResult, Field, Plotted,
    PlottedRow, Scope,
};
use crate::disclosure::{Cell, Published};
use crate::text::Lang;

pub const INDICATOR: &str = "report_days_late";
pub const TIMELINESS: &str = "report_timeliness";
/// A district's completeness is 1 when it sent a report: with no days late, its sending
/// date could not be read.
pub const COMPLETENESS: &str = "report_completeness";

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub period: String,
    pub deadline: Option<NaiveDate>,
    /// Districts that sent on time, and districts expected (the province's timeliness).
    pub on_time: Plotted,
    pub expected: Plotted,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportTimeliness {
    pub columns: Vec<Column>,
    /// (district name, days late in each column's period), districts by code.
    pub districts: Vec<(String, Vec<Plotted>)>,
    /// Per district (in the same order) and column: sent, but with no days late because
    /// the sending date could not be read.
    pub undated: Vec<Vec<bool>>,
    /// The level of the units of the rows, which the note names.
    pub child_level: &'static str,
}

impl ReportTimeliness {
    /// The rows drawn, as indices into `districts`: every unit, or past
    /// [`units::MAX_ROWS`] those not on time in some period (the first of them), so that
    /// 135 communes do not make a grid thousands of pixels tall.
    pub fn drawn(&self) -> Vec<usize> {
        let all = 0..self.districts.len();
        if !units::too_many(self.districts.len()) {
            return all.collect();
        }
        all.filter(|&i| self.not_on_time(i))
            .take(units::MAX_ROWS)
            .collect()
    }

    /// Whether unit `i` was late, undated or missing in a period some unit reported for
    /// (a period nobody reported for, such as one not due yet, says nothing of anyone).
    fn not_on_time(&self, i: usize) -> bool {
        let reported = |j: usize| {
            self.districts
                .iter()
                .any(|(_, cells)| cells.get(j).is_some_and(|p| p.cell != Cell::Missing))
        };
        self.districts[i]
            .1
            .iter()
            .enumerate()
            .any(|(j, p)| p.cell != Cell::Value(0.0) && reported(j))
    }

    /// With many units: how many were on time in every period and are not drawn.
    pub fn selection_note(&self, lang: Lang) -> Option<String> {
        if !units::too_many(self.districts.len()) {
            return None;
        }
        let late = (0..self.districts.len())
            .filter(|&i| self.not_on_time(i))
            .count();
        let (all, drawn) = (self.districts.len(), self.drawn().len());
        let unit = lang.units_word(self.child_level);
        Some(match lang {
            Lang::Vi => format!(
                "{all} {unit}: {} gửi đúng hạn mọi kỳ (không vẽ); {late} chậm hoặc chưa gửi ở một kỳ, {drawn} hàng đầu vẽ dưới đây"
            , all - late),
            Lang::En => format!(
                "{all} {unit}: {} on time in every period (not drawn); {late} late or missing in a period, the first {drawn} drawn below"
            , all - late),
        })
    }
}

pub fn series(published: &Published, scope: &Scope) -> ReportTimeliness {
    let mut codes: Vec<String> = published
        .rows()
        .iter()
        .filter(|r| r.indicator == INDICATOR && r.level == scope.child_level)
        .map(|r| r.org_unit.clone())
        .collect();
    codes.sort();
    codes.dedup();
    let columns = scope
        .periods
        .iter()
        .zip(&scope.deadlines)
        .map(|(period, deadline)| {
            let at = |field| Plotted::of(published, TIMELINESS, period, &scope.top, None, field);
            Column {
                period: period.clone(),
                deadline: Some(*deadline),
                on_time: at(Field::Numerator),
                expected: at(Field::Denominator),
            }
        })
        .collect();
    let districts = codes
        .iter()
        .map(|code| {
            let cells = scope
                .periods
                .iter()
                .map(|period| Plotted::of(published, INDICATOR, period, code, None, Field::Value))
                .collect();
            (scope.names.name(code), cells)
        })
        .collect();
    let undated = codes
        .iter()
        .map(|code| {
            scope
                .periods
                .iter()
                .map(|period| {
                    let at = |indicator| {
                        Plotted::of(published, indicator, period, code, None, Field::Value).cell
                    };
                    at(INDICATOR) == Cell::Missing && at(COMPLETENESS) == Cell::Value(1.0)
                })
                .collect()
        })
        .collect();
    ReportTimeliness {
        columns,
        districts,
        undated,
        child_level: scope.child_level,
    }
}

/// "2021" → "Năm 2021", "2021S1" → "6 tháng đầu năm 2021".
pub fn period_name(key: &str, lang: Lang) -> String {
    match (key.strip_suffix("S1"), key.len() == 4, lang) {
        (Some(y), _, Lang::Vi) => format!("6 tháng đầu năm {y}"),
        (Some(y), _, Lang::En) => format!("First half of {y}"),
        (None, true, Lang::Vi) => format!("Năm {key}"),
        (None, true, Lang::En) => format!("Year {key}"),
        _ => key.to_string(),
    }
}

/// What a grid cell says, and its colour; `undated` for a report sent on a date that
/// could not be read.
pub fn status(cell: Cell, undated: bool, lang: Lang) -> (String, RGBColor) {
    match cell {
        Cell::Missing if undated => (
            lang.pick("Đã gửi, không rõ ngày", "Sent, date unknown")
                .to_string(),
            RGBColor(0xe8, 0xe2, 0xc8),
        ),
        Cell::Value(d) if d <= 0.0 => (
            lang.pick("Đúng hạn", "On time").to_string(),
            RGBColor(0xcf, 0xe8, 0xdc),
        ),
        Cell::Value(d) => (
            match lang {
                Lang::Vi => format!("Trễ {} ngày", count(d, lang)),
                Lang::En if d == 1.0 => "1 day late".to_string(),
                Lang::En => format!("{} days late", count(d, lang)),
            },
            RGBColor(0xf6, 0xcf, 0xb0),
        ),
        Cell::Missing => (
            lang.pick("Chưa gửi", "Not sent").to_string(),
            RGBColor(0xe0, 0xa0, 0xa0),
        ),
        // Days late are not counts of people; a suppressed cell would still say so.
        Cell::Small | Cell::Hidden => ("x".to_string(), palette::MISSING),
    }
}

impl ReportTimeliness {
    pub fn title(&self, lang: Lang) -> String {
        let kinds = lang.unit_kinds(self.child_level);
        match lang {
            Lang::Vi => format!("Thời hạn gửi báo cáo của các {kinds}"),
            Lang::En => format!("Reports of the {kinds}: sent on time, late or not sent"),
        }
    }
}

const ROW: i32 = 72;
const NAME_WIDTH: i32 = 420;

impl Chart for ReportTimeliness {
    fn name(&self) -> &'static str {
        "report_timeliness"
    }

    fn height(&self) -> u32 {
        (400 + ROW * (self.drawn().len() as i32 + 1)) as u32
    }

    fn paint<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        lang: Lang,
    ) -> DrawResult<(), DB> {
        let mut notes = vec![lang
            .pick(
                "Ngày gửi đầu tiên so với hạn nộp (bản sửa gửi sau không làm thay đổi); nguồn: biểu mẫu 1–4",
                "First sending date against the deadline (a later correction does not change it); source: forms 1–4",
            )
            .to_string()];
        notes.extend(self.selection_note(lang));
        let area = page(root, &self.title(lang), &notes)?;
        let (width, _) = area.dim_in_pixel();
        let left = 60;
        let k = self.columns.len().max(1) as i32;
        let col_width = (width as i32 - left - NAME_WIDTH - 60) / k;
        let x_of = |j: usize| left + NAME_WIDTH + col_width * j as i32;
        // Column heads: the period, its deadline, and how many districts were on time.
        for (j, c) in self.columns.iter().enumerate() {
            let x = x_of(j) + col_width / 2;
            area.draw(&Text::new(
                period_name(&c.period, lang),
                (x, 10),
                anchored(bold(size::LABEL), HPos::Center, VPos::Top),
            ))?;
            let mut second = String::new();
            if let Some(d) = c.deadline {
                second = format!("{} {}", lang.pick("hạn", "due"), d.format("%d/%m/%Y"));
            }
            if let (Cell::Value(n), Cell::Value(of)) = (c.on_time.cell, c.expected.cell) {
                second = format!(
                    "{second} · {} {}/{}",
                    lang.pick("đúng hạn", "on time"),
                    count(n, lang),
                    count(of, lang)
                );
            }
            area.draw(&Text::new(
                second,
                (x, 10 + (size::LABEL * 1.3) as i32),
                anchored(
                    font(size::TICK).color(&palette::MUTED),
                    HPos::Center,
                    VPos::Top,
                ),
            ))?;
        }
        let top = 10 + (size::LABEL * 1.3 + size::TICK * 1.6) as i32;
        for (row, i) in self.drawn().into_iter().enumerate() {
            let (name, cells) = &self.districts[i];
            let y = top + ROW * row as i32;
            area.draw(&Text::new(
                name.clone(),
                (left + NAME_WIDTH - 20, y + ROW / 2),
                anchored(font(size::LABEL), HPos::Right, VPos::Center),
            ))?;
            for (j, p) in cells.iter().enumerate() {
                let undated = self
                    .undated
                    .get(i)
                    .and_then(|row| row.get(j))
                    .copied()
                    .unwrap_or(false);
                let (text, colour) = status(p.cell, undated, lang);
                let x = x_of(j);
                area.draw(&Rectangle::new(
                    [(x + 4, y + 4), (x + col_width - 4, y + ROW - 4)],
                    colour.filled(),
                ))?;
                area.draw(&Text::new(
                    text,
                    (x + col_width / 2, y + ROW / 2),
                    anchored(font(size::LABEL), HPos::Center, VPos::Center),
                ))?;
            }
        }
        Ok(())
    }

    fn plotted(&self, _lang: Lang) -> Vec<PlottedRow> {
        self.drawn()
            .into_iter()
            .map(|i| &self.districts[i])
            .map(|(name, cells)| PlottedRow {
                label: name.clone(),
                cells: cells.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::fixture::{count, publish, ratio, scope};

    #[test]
    fn a_grid_of_districts_by_period() {
        // 2020: everyone on time. 2021: 622 on time, 623 four days late, 624 sent nothing.
        // 2021S1 has no rows at all. Days late are not people: 4 is shown. 2020's 624 sent
        // a report whose date could not be read: completeness 1, no days late.
        let late = |unit: &'static str, period: &'static str, v: Option<f64>| {
            count(INDICATOR, unit, None, 0.0, None)
                .unit("days")
                .period(period)
                .value(v)
        };
        let p = publish(&[
            late("622", "2020", Some(0.0)),
            late("623", "2020", Some(0.0)),
            late("624", "2020", None),
            ratio(COMPLETENESS, "624", 1.0, 1.0).period("2020"),
            ratio(COMPLETENESS, "624", 0.0, 1.0),
            late("622", "2021", Some(0.0)),
            late("623", "2021", Some(4.0)),
            late("624", "2021", None),
            ratio(TIMELINESS, "64", 1.0, 3.0),
        ]);
        let s = series(&p, &scope(&[]));
        let periods: Vec<&str> = s.columns.iter().map(|c| c.period.as_str()).collect();
        assert_eq!(periods, ["2020", "2021S1", "2021"]);
        assert_eq!(
            (s.columns[2].on_time.cell, s.columns[2].expected.cell),
            (Cell::Value(1.0), Cell::Value(3.0))
        );
        let got: Vec<(&str, Vec<Cell>)> = s
            .districts
            .iter()
            .map(|(n, cells)| (n.as_str(), cells.iter().map(|p| p.cell).collect()))
            .collect();
        use Cell::{Missing, Value};
        assert_eq!(
            got,
            [
                ("Pleiku", vec![Value(0.0), Missing, Value(0.0)]),
                ("An Khê", vec![Value(0.0), Missing, Value(4.0)]),
                ("Ayun Pa", vec![Missing, Missing, Missing]),
            ]
        );
        // Only Ayun Pa's 2020 report came undated; in 2021 it sent nothing.
        assert_eq!(
            s.undated,
            [
                vec![false, false, false],
                vec![false, false, false],
                vec![true, false, false]
            ]
        );
        assert_eq!(status(Value(4.0), false, Lang::Vi).0, "Trễ 4 ngày");
        assert_eq!(status(Value(0.0), false, Lang::Vi).0, "Đúng hạn");
        assert_eq!(status(Missing, false, Lang::En).0, "Not sent");
        assert_eq!(status(Missing, true, Lang::Vi).0, "Đã gửi, không rõ ngày");
        assert_eq!(status(Missing, true, Lang::En).0, "Sent, date unknown");
        assert_eq!(period_name("2021S1", Lang::Vi), "6 tháng đầu năm 2021");
    }

    #[test]
    fn many_units_draw_only_those_not_on_time() {
        // 40 units, all on time in 2020; in 2021 units 700 and 705 late, 710 sent nothing.
        let codes: Vec<&'static str> = (0..40)
            .map(|i| &*Box::leak(format!("{}", 700 + i).into_boxed_str()))
            .collect();
        let late = |unit: &'static str, period: &'static str, v: Option<f64>| {
            count(INDICATOR, unit, None, 0.0, None)
                .unit("days")
                .period(period)
                .value(v)
        };
        let mut rows = vec![
            ratio(TIMELINESS, "64", 40.0, 40.0).period("2020"),
            ratio(TIMELINESS, "64", 37.0, 40.0),
        ];
        for code in &codes {
            rows.push(late(code, "2020", Some(0.0)));
            let days = match *code {
                "700" => Some(3.0),
                "705" => Some(12.0),
                "710" => None,
                _ => Some(0.0),
            };
            rows.push(late(code, "2021", days));
        }
        let s = series(&publish(&rows), &scope(&[]));
        assert_eq!(s.districts.len(), 40);
        let drawn: Vec<&str> = s
            .drawn()
            .into_iter()
            .map(|i| s.districts[i].1[0].org_unit.as_str())
            .collect();
        // 2021S1 has no rows for anyone: it makes no unit late.
        assert_eq!(drawn, ["700", "705", "710"]);
        assert_eq!(s.plotted(Lang::Vi).len(), 3);
        assert!(s.height() < 1000, "{}", s.height());
        assert_eq!(
            s.selection_note(Lang::Vi).unwrap(),
            "40 huyện: 37 gửi đúng hạn mọi kỳ (không vẽ); 3 chậm hoặc chưa gửi ở một kỳ, 3 hàng đầu vẽ dưới đây"
        );
    }
}
