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
) -> String {
    let name = words::indicator(&row.indicator, VI);
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
