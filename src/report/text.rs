//! The report's sentences, generated from published cells in Vietnamese ("đạt", "chưa
//! đạt", "tăng 8,1 điểm phần trăm so với cùng kỳ năm 2020"). A figure enters a sentence
//! only through [`figure`], which writes a published cell as the pack does (a suppressed
//! one as its label, never its value).

use crate::config::Target;
use crate::disclosure::{Cell, PublishedRow};
use crate::pack::words;
use crate::text::Lang;

const VI: Lang = Lang::Vi;

/// A published cell of `unit` as text: `98,2 %`, `5.419`, `<5`, `x`; empty when missing.
pub fn figure(cell: Cell, unit: &str, min_count: u32) -> String {
    words::cell(cell, min_count, |v| words::value(v, unit, VI))
}

/// An amount in đồng, published, as a reader writes it: `3.486.900.000 đồng`.
pub fn dong(cell: Cell, min_count: u32) -> String {
    match cell {
        Cell::Value(_) => format!("{} đồng", figure(cell, "vnd", min_count)),
        other => figure(other, "vnd", min_count),
    }
}

/// The verdict of a row in the report's words; `None` when not judged (a period the
/// target does not judge, or a value the reader may not see).
pub fn verdict(row: &PublishedRow) -> Option<&'static str> {
    words::verdict(row).map(|met| if met { "đạt" } else { "chưa đạt" })
}

/// "tăng 8,1 điểm phần trăm so với cùng kỳ năm 2020 (75,9 %)", or "" when the change is
/// not published.
pub fn change(row: &PublishedRow, baseline_year: i32, min_count: u32) -> String {
    let Cell::Value(change) = row.change else {
        return String::new();
    };
    let base = figure(row.baseline, &row.unit, min_count);
    let direction = if change > 0.0 {
        "tăng"
    } else if change < 0.0 {
        "giảm"
    } else {
        return format!("bằng cùng kỳ năm {baseline_year} ({base})");
    };
    let amount = match row.unit.as_str() {
        "ratio" => format!(
            "{} điểm phần trăm",
            words::number(change.abs() * 100.0, 1, VI)
        ),
        unit => format!(
            "{} {}",
            words::value(change.abs(), unit, VI),
            words::unit(&row.indicator, unit, VI)
        ),
    };
    format!("{direction} {amount} so với cùng kỳ năm {baseline_year} ({base})")
}

/// One sentence on a target's row: its value, the goal, the verdict and the change.
/// "Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp đạt 98,2 % (5.419/5.518 trẻ em),
/// mục tiêu ≥ 98,5 %: chưa đạt; tăng 1,2 điểm phần trăm so với cùng kỳ năm 2020 (97,0 %)."
pub fn target_sentence(
    row: &PublishedRow,
    target: &Target,
    baseline_year: i32,
    min_count: u32,
    reporting: &str,
) -> String {
    let name = words::indicator(&row.indicator, VI, reporting);
    let value = figure(row.value, &row.unit, min_count);
    let fraction = match (row.unit.as_str(), row.numerator, row.denominator) {
        ("ratio", n @ Cell::Value(_), d @ Cell::Value(_)) => format!(
            " ({}/{})",
            figure(n, "count", min_count),
            figure(d, "count", min_count)
        ),
        _ => String::new(),
    };
    let unit = match row.unit.as_str() {
        "ratio" => String::new(),
        unit if row.value.value().is_some() => {
            format!(" {}", words::unit(&row.indicator, unit, VI))
        }
        _ => String::new(),
    };
    let goal = match (target.rule.goal, row.unit.as_str()) {
        (crate::config::Goal::Baseline, _) => format!("thấp hơn cùng kỳ năm {baseline_year}"),
        (_, "vnd") => format!("{} đồng", words::goal(&target.rule, &row.unit, VI)),
        _ => words::goal(&target.rule, &row.unit, VI),
    };
    let verdict = match verdict(row) {
        Some(v) => v.to_string(),
        None if !target.judges(&row.period) => {
            "chưa đánh giá (chỉ tiêu đánh giá theo cả năm)".to_string()
        }
        None => "không đánh giá được (số liệu không công bố)".to_string(),
    };
    let change = change(row, baseline_year, min_count);
    let change = if change.is_empty() {
        String::new()
    } else {
        format!("; {change}")
    };
    let value = if value.is_empty() {
        "chưa có số liệu".to_string()
    } else {
        value
    };
    format!("{name}: {value}{fraction}{unit}, mục tiêu {goal}: {verdict}{change}.")
}

/// The text of a placeholder: what only a person can write, marked so it cannot be
/// mistaken for the report's own words.
pub fn placeholder(what: &str) -> String {
    format!("[Phần cán bộ viết: {what}]")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::LEVEL_DISTRICT;

    fn row(
        unit: &str,
        num: Cell,
        den: Cell,
        value: Cell,
        base: Cell,
        change: Cell,
    ) -> PublishedRow {
        PublishedRow {
            indicator: "abuse_intervention_timely_rate".into(),
            period: "2021".into(),
            org_unit: "64".into(),
            level: "province".into(),
            breakdown: None,
            unit: unit.into(),
            numerator: num,
            denominator: den,
            value,
            baseline_numerator: Cell::Missing,
            baseline_denominator: Cell::Missing,
            baseline: base,
            change,
            target: Some("= 1".into()),
            target_met: Some(false),
            comparable: None,
        }
    }

    fn target(periods: Option<&[&str]>) -> Target {
        Target {
            indicator: "abuse_intervention_timely_rate".into(),
            rule: "= 1".parse().unwrap(),
            periods: periods.map(|p| p.iter().map(|s| s.to_string()).collect()),
        }
    }

    #[test]
    fn a_rate_reads_with_its_fraction_goal_verdict_and_change_in_points() {
        // 42 of 50 cases: 84,0 %; 2020: 22 of 29 = 75,86 %; +8,14 points.
        let r = row(
            "ratio",
            Cell::Value(42.0),
            Cell::Value(50.0),
            Cell::Value(0.84),
            Cell::Value(22.0 / 29.0),
            Cell::Value(0.84 - 22.0 / 29.0),
        );
        assert_eq!(
            target_sentence(&r, &target(None), 2020, 5, LEVEL_DISTRICT),
            "Tỷ lệ vụ xâm hại được can thiệp kịp thời: 84,0 % (42/50), mục tiêu = 100,0 %: \
             chưa đạt; tăng 8,1 điểm phần trăm so với cùng kỳ năm 2020 (75,9 %)."
        );
    }

    #[test]
    fn a_period_not_judged_says_so_and_a_suppressed_value_has_no_verdict() {
        let r = row(
            "ratio",
            Cell::Value(3.0),
            Cell::Small,
            Cell::Hidden,
            Cell::Missing,
            Cell::Missing,
        );
        let half = PublishedRow {
            period: "2021S1".into(),
            ..r.clone()
        };
        let s = target_sentence(&half, &target(Some(&["2021"])), 2020, 5, LEVEL_DISTRICT);
        assert!(s.contains(": x, mục tiêu"), "{s}");
        assert!(s.contains("chưa đánh giá"), "{s}");
        // Judged, but its value hidden: "met" or "not met" against "= 1" would tell.
        let s = target_sentence(&r, &target(None), 2020, 5, LEVEL_DISTRICT);
        assert!(s.contains("không đánh giá được"), "{s}");
        assert!(!s.contains("chưa đạt"), "{s}");
        assert!(!s.contains('3'), "{s}");
    }

    #[test]
    fn a_count_falls_in_its_own_unit() {
        let r = PublishedRow {
            indicator: "injured_children".into(),
            ..row(
                "count",
                Cell::Value(398.0),
                Cell::Missing,
                Cell::Value(398.0),
                Cell::Value(452.0),
                Cell::Value(-54.0),
            )
        };
        assert_eq!(
            change(&r, 2020, 5),
            "giảm 54 người so với cùng kỳ năm 2020 (452)"
        );
    }
}
