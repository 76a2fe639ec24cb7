//! The scorecard: every target of the plan with the province's value in the reporting
//! year, the baseline year's value, the goal, and met / not met — the table the report
//! opens with. A value the pack may not show is not judged either: "met" against
//! "= 100 %" would give the hidden rate away.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    anchored, billion_vnd, bold, cell_text, count, font, page, palette, percent, size,
    suppression_note, Chart, DrawResult, Field, Plotted, PlottedRow, Scope,
};
use crate::config::target::{Comparison, Goal, TargetRule};
use crate::disclosure::{Cell, Published};
use crate::text::Lang;

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub indicator: String,
    pub rule: TargetRule,
    pub unit: String,
    pub value: Plotted,
    pub baseline: Plotted,
    /// Met or not, as the table says; `None` when not judged or not to be shown.
    pub met: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    /// The level of the unit judged (province or country), which the note names.
    pub top_level: &'static str,
    /// The units that send the forms, which the names of the report and event lines count.
    pub reporting_level: &'static str,
    pub year: i32,
    pub baseline_year: i32,
    pub min_count: u32,
    pub lines: Vec<Line>,
}

pub fn series(published: &Published, scope: &Scope) -> Scorecard {
    let lines = scope
        .targets
        .iter()
        .map(|t| {
            let row = published.get(&t.indicator, &scope.period, &scope.top, None);
            let at = |field| {
                Plotted::of(
                    published,
                    &t.indicator,
                    &scope.period,
                    &scope.top,
                    None,
                    field,
                )
            };
            let value = at(Field::Value);
            let met = row
                .and_then(|r| r.target_met)
                .filter(|_| !value.cell.is_suppressed());
            Line {
                indicator: t.indicator.clone(),
                rule: t.rule,
                unit: row.map(|r| r.unit.clone()).unwrap_or_default(),
                baseline: at(Field::Baseline),
                value,
                met,
            }
        })
        .collect::<Vec<Line>>();
    // The plan's six targets first (T1…T6), then the others, each in the table's order.
    let mut lines = lines;
    lines.sort_by_key(|l| target_tag(&l.indicator).unwrap_or("T9"));
    Scorecard {
        top_level: scope.top_level,
        reporting_level: scope.reporting_level,
        year: scope.year,
        baseline_year: scope.baseline_year,
        min_count: published.min_count(),
        lines,
    }
}

/// The target's number in the plan (T1…T6), if it is one of the plan's six.
pub fn target_tag(indicator: &str) -> Option<&'static str> {
    Some(match indicator {
        "special_support_rate" => "T1",
        "event_month_of_action" | "event_mid_autumn" | "event_children_forum" => "T2",
        "staff_trained_rate" => "T3",
        "abused_children_supported_rate" | "abuse_intervention_timely_rate" => "T4",
        "injured_children" | "abused_children" | "injury_deaths" => "T5",
        "fund_raised_vnd" => "T6",
        _ => return None,
    })
}

/// The indicator's short name on the scorecard, in the words of the `reporting` units
/// where it counts them ("Xã tổ chức Diễn đàn trẻ em" under the 2025 units).
pub fn indicator_name(indicator: &str, lang: Lang, reporting: &str) -> String {
    let name = match indicator {
        "special_support_rate" => lang.pick(
            "Trẻ em có HCĐB được trợ giúp",
            "Special-circumstance children supported",
        ),
        "event_month_of_action" => lang.pick(
            "{U} tổ chức Tháng hành động",
            "{U} holding the Month of Action",
        ),
        "event_mid_autumn" => lang.pick("{U} tổ chức Tết Trung thu", "{U} holding Mid-Autumn"),
        "event_children_forum" => lang.pick(
            "{U} tổ chức Diễn đàn trẻ em",
            "{U} holding a Children's Forum",
        ),
        "staff_trained_rate" => lang.pick(
            "Cán bộ làm công tác trẻ em được tập huấn",
            "Child-protection staff trained",
        ),
        "abused_children_supported_rate" => lang.pick(
            "Trẻ bị xâm hại được hỗ trợ, can thiệp",
            "Abused children supported",
        ),
        "abuse_intervention_timely_rate" => lang.pick(
            "Vụ xâm hại được can thiệp kịp thời",
            "Abuse cases intervened in time",
        ),
        "abuse_plan_timely_rate" => lang.pick(
            "Kế hoạch hỗ trợ được duyệt đúng hạn",
            "Support plans approved in time",
        ),
        "injured_children" => lang.pick("Trẻ em bị tai nạn thương tích", "Injured children"),
        "injury_deaths" => lang.pick(
            "Trẻ em tử vong do tai nạn thương tích",
            "Children killed by injuries",
        ),
        "abused_children" => lang.pick("Trẻ em bị xâm hại", "Abused children"),
        "fund_raised_vnd" => lang.pick(
            "Vận động Quỹ Bảo trợ trẻ em",
            "Child Protection Fund raised",
        ),
        "report_completeness" => lang.pick("{U} gửi báo cáo", "{U} that reported"),
        "report_timeliness" => lang.pick("{U} gửi báo cáo đúng hạn", "{U} that reported on time"),
        "special_children_share" => lang.pick(
            "Tỷ lệ trẻ em có HCĐB",
            "Share of special-circumstance children",
        ),
        "at_risk_children" => lang.pick("Trẻ em có nguy cơ", "Children at risk"),
        other => other,
    };
    let name = lang.of_units(name, reporting);
    match target_tag(indicator) {
        Some(tag) => format!("{tag} · {name}"),
        None => name,
    }
}

/// A value in the indicator's unit.
pub fn format_in(unit: &str, v: f64, lang: Lang) -> String {
    match unit {
        "ratio" => percent(v, 1, lang),
        "vnd" => billion_vnd(v, 2, lang),
        _ => count(v, lang),
    }
}

fn symbol(c: Comparison) -> &'static str {
    match c {
        Comparison::AtLeast => "≥",
        Comparison::MoreThan => ">",
        Comparison::AtMost => "≤",
        Comparison::LessThan => "<",
        Comparison::Equal => "=",
    }
}

impl Line {
    pub fn goal_text(&self, baseline_year: i32, lang: Lang) -> String {
        let goal = match self.rule.goal {
            // Goals are round numbers: "100 %", "4 tỷ đồng".
            Goal::Value(v) => match self.unit.as_str() {
                "ratio" if (v * 100.0).fract().abs() < 1e-9 => percent(v, 0, lang),
                "vnd" if (v / 1e9).fract().abs() < 1e-9 => billion_vnd(v, 0, lang),
                _ => format_in(&self.unit, v, lang),
            },
            Goal::Baseline => match lang {
                Lang::Vi => format!("năm {baseline_year}"),
                Lang::En => format!("{baseline_year}"),
            },
        };
        format!("{} {goal}", symbol(self.rule.comparison))
    }
}

impl Scorecard {
    pub fn title(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => format!("Kết quả thực hiện các chỉ tiêu năm {}", self.year),
            Lang::En => format!("Targets of {}: results", self.year),
        }
    }
}

const ROW: i32 = 80;

impl Chart for Scorecard {
    fn name(&self) -> &'static str {
        "scorecard"
    }

    fn height(&self) -> u32 {
        (340 + ROW * (self.lines.len() as i32 + 1)) as u32
    }

    fn paint<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        lang: Lang,
    ) -> DrawResult<(), DB> {
        let notes = vec![
            if self.top_level == crate::columns::LEVEL_COUNTRY {
                lang.pick(
                    "Giá trị toàn quốc trong năm báo cáo, so với mục tiêu của Kế hoạch số 18/KH-SLĐTB&XH",
                    "The country's values in the reporting year against the targets of plan No. 18/KH-SLĐTB&XH",
                )
            } else {
                lang.pick(
                    "Giá trị toàn tỉnh trong năm báo cáo, so với mục tiêu của Kế hoạch số 18/KH-SLĐTB&XH",
                    "The province's values in the reporting year against the targets of plan No. 18/KH-SLĐTB&XH",
                )
            }
            .to_string(),
            suppression_note(self.min_count, lang),
        ];
        let area = page(root, &self.title(lang), &notes)?;
        // Columns: indicator | baseline year | reporting year | goal | verdict.
        let xs = [60, 1120, 1440, 1800, 2340];
        let heads = [
            lang.pick("Chỉ tiêu", "Indicator").to_string(),
            self.baseline_year.to_string(),
            self.year.to_string(),
            lang.pick("Mục tiêu", "Target").to_string(),
            lang.pick("Đánh giá", "Result").to_string(),
        ];
        let anchor = |j: usize| if j == 0 { HPos::Left } else { HPos::Right };
        for (j, head) in heads.iter().enumerate() {
            area.draw(&Text::new(
                head.clone(),
                (xs[j], ROW / 2),
                anchored(bold(size::LABEL), anchor(j), VPos::Center),
            ))?;
        }
        area.draw(&PathElement::new(
            vec![(40, ROW), (2360, ROW)],
            palette::TEXT.stroke_width(3),
        ))?;
        for (i, line) in self.lines.iter().enumerate() {
            let y = ROW * (i as i32 + 1);
            if i % 2 == 1 {
                area.draw(&Rectangle::new(
                    [(40, y + 2), (2360, y + ROW - 2)],
                    RGBColor(0xf4, 0xf6, 0xf8).filled(),
                ))?;
            }
            let value = |p: &Plotted| {
                cell_text(p.cell, self.min_count, lang, |v| {
                    format_in(&line.unit, v, lang)
                })
            };
            let (verdict, colour) = match (line.met, line.value.cell) {
                (Some(true), _) => (lang.pick("Đạt", "Met"), palette::GOOD),
                (Some(false), _) => (lang.pick("Chưa đạt", "Not met"), palette::WARNING),
                (None, Cell::Small | Cell::Hidden) => ("–", palette::MUTED),
                (None, _) => (lang.pick("Chưa đánh giá", "Not judged"), palette::MUTED),
            };
            let cells = [
                (
                    indicator_name(&line.indicator, lang, self.reporting_level),
                    palette::TEXT,
                    false,
                ),
                (value(&line.baseline), palette::MUTED, false),
                (value(&line.value), palette::TEXT, true),
                (
                    line.goal_text(self.baseline_year, lang),
                    palette::TEXT,
                    false,
                ),
                (verdict.to_string(), colour, true),
            ];
            for (j, (text, colour, strong)) in cells.into_iter().enumerate() {
                let style = if strong {
                    bold(size::LABEL)
                } else {
                    font(size::LABEL)
                };
                area.draw(&Text::new(
                    text,
                    (xs[j], y + ROW / 2),
                    anchored(style.color(&colour), anchor(j), VPos::Center),
                ))?;
            }
        }
        Ok(())
    }

    /// Each line's label, then its baseline and its value, in the order they are drawn.
    fn plotted(&self, lang: Lang) -> Vec<PlottedRow> {
        self.lines
            .iter()
            .map(|l| PlottedRow {
                label: indicator_name(&l.indicator, lang, self.reporting_level),
                cells: vec![l.baseline.clone(), l.value.clone()],
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::fixture::{count, publish, ratio, scope};

    #[test]
    fn every_target_in_plan_order_and_no_verdict_on_a_hidden_value() {
        // Supported: 3 of 3 abused children — "<5" both, the 100 % hidden, and "met" would
        // give it away, so it is not shown.
        let p = publish(&[
            count("abused_children", "64", None, 12.0, Some(15.0)).met("< baseline", true),
            ratio("abused_children_supported_rate", "64", 3.0, 3.0).met("= 1", true),
            ratio("special_support_rate", "64", 108.0, 114.0).met(">= 0.985", false),
        ]);
        let s = series(
            &p,
            &scope(&[
                ("abused_children", "< baseline"),
                ("abused_children_supported_rate", "= 1"),
                ("special_support_rate", ">= 0.985"),
            ]),
        );
        let got: Vec<(&str, Cell, Cell, Option<bool>)> = s
            .lines
            .iter()
            .map(|l| (l.indicator.as_str(), l.value.cell, l.baseline.cell, l.met))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "special_support_rate",
                    Cell::Value(108.0 / 114.0),
                    Cell::Missing,
                    Some(false)
                ),
                (
                    "abused_children_supported_rate",
                    Cell::Hidden,
                    Cell::Missing,
                    None
                ),
                (
                    "abused_children",
                    Cell::Value(12.0),
                    Cell::Value(15.0),
                    Some(true)
                ),
            ]
        );
        let goals: Vec<String> = s
            .lines
            .iter()
            .map(|l| l.goal_text(2020, Lang::Vi))
            .collect();
        assert_eq!(goals, ["≥ 98,5 %", "= 100 %", "< năm 2020"]);
    }
}
