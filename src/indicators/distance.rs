//! The distance to every target, as rows of the long table: what a report writer must say
//! in section IV ("what is left to do"), computed once here so the report, the pack and a
//! SQL query all read the same numbers.
//!
//! For each target of the plan and each total row of its indicator in a period of the
//! reporting year (every level):
//! - a rate with a fixed goal (`>= 0.985`, `= 1`): `<indicator>_shortfall`, the people (or
//!   cases, officers, districts) still missing, ⌈goal × denominator − numerator⌉, never
//!   below 0 — rounded up, since 5,435.2 children supported is not yet 98.5 %;
//! - an amount or a count with a fixed goal (`>= 4000000000`): `_shortfall`, goal − value,
//!   and in a period that ends before the year does, `_shortfall_per_month` over the whole
//!   months left to 31 December;
//! - a count to keep below the baseline (`< baseline`): `_shortfall`, how many fewer it
//!   would take (value − baseline + 1 for `<`, value − baseline for `<=`).
//!
//! And for a period that starts with the year and ends before it (the six-month report),
//! where the indicator has month-by-month cumulative rows (`cumulative_month=…`, the
//! fund): `_projection`, the value carried to 31 December at the period's own pace
//! (value ÷ months elapsed × 12), with a range `_projection_low` / `_projection_high`:
//! the months left raising as much as the period's weakest month (never less than 0) and
//! as much as its strongest.
//!
//! Distance rows carry no target of their own. They repeat what their indicator's row
//! says in other words, so disclosure control hides one wherever a cell it is computed
//! from is hidden (`crate::disclosure`).

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use crate::columns as c;
use crate::config::{Comparison, Goal, Plan};

/// One distance row before it becomes a frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Distance {
    pub indicator: String,
    pub period: String,
    pub org_unit: String,
    pub level: String,
    pub value: f64,
    pub unit: String,
}

/// The total rows of `table` (the assembled indicators with targets) that distances are
/// measured from, as plain values.
struct Source {
    indicator: String,
    period: String,
    org_unit: String,
    level: String,
    breakdown: Option<String>,
    numerator: Option<f64>,
    denominator: Option<f64>,
    value: Option<f64>,
    unit: String,
    baseline: Option<f64>,
}

fn sources(table: &DataFrame) -> PolarsResult<Vec<Source>> {
    let s = |name: &str| -> PolarsResult<StringChunked> { Ok(table.column(name)?.str()?.clone()) };
    let f = |name: &str| -> PolarsResult<Float64Chunked> {
        Ok(table.column(name)?.cast(&DataType::Float64)?.f64()?.clone())
    };
    let (indicator, period, org_unit, level, breakdown, unit) = (
        s(c::INDICATOR)?,
        s(c::PERIOD)?,
        s(c::ORG_UNIT)?,
        s(c::LEVEL)?,
        s(c::BREAKDOWN)?,
        s(c::UNIT)?,
    );
    let (num, den, value, baseline) = (
        f(c::NUMERATOR)?,
        f(c::DENOMINATOR)?,
        f(c::VALUE)?,
        f(c::BASELINE)?,
    );
    let text = |ca: &StringChunked, i: usize| ca.get(i).unwrap_or_default().to_string();
    Ok((0..table.height())
        .map(|i| Source {
            indicator: text(&indicator, i),
            period: text(&period, i),
            org_unit: text(&org_unit, i),
            level: text(&level, i),
            breakdown: breakdown.get(i).map(str::to_string),
            numerator: num.get(i),
            denominator: den.get(i),
            value: value.get(i),
            unit: text(&unit, i),
            baseline: baseline.get(i),
        })
        .collect())
}

/// Whole months from the day after `to` to 31 December of `year` (0 when `to` is in
/// December or later).
fn months_left(to: NaiveDate, year: i32) -> u32 {
    if to.year() != year {
        return 0;
    }
    12 - to.month()
}

/// ⌈x⌉ of a product computed in floating point: 0.985 × 200 is 197, not 197.00000000000003.
/// `x`, or 0 when it is not above 0: `ceil` of a small negative number is -0, which a
/// table would print as "-0".
fn at_least_zero(x: f64) -> f64 {
    if x > 0.0 {
        x
    } else {
        0.0
    }
}

fn ceil(x: f64) -> f64 {
    (x - 1e-9).ceil()
}

/// The distance rows of `table` under the plan's targets (module doc).
pub fn distances(plan: &Plan, table: &DataFrame) -> PolarsResult<Vec<Distance>> {
    // Only the targets' rows are read: under the 2025 units the table has half a million.
    let targets: Vec<&str> = plan.targets.iter().map(|t| t.indicator.as_str()).collect();
    let targets = Series::new("targets".into(), targets);
    let table = table
        .clone()
        .lazy()
        .filter(col(c::INDICATOR).is_in(lit(targets).implode(false), false))
        .collect()?;
    let rows = sources(&table)?;
    let in_year = super::periods_in_year(plan);
    // Each total row's cumulative months, found once: a search of every row per total row
    // would be quadratic in the units.
    let mut months: foldhash::HashMap<(&str, &str, &str), Months> = Default::default();
    for m in &rows {
        let month = m
            .breakdown
            .as_deref()
            .and_then(|b| b.strip_prefix("cumulative_month="));
        if let (Some(month), Some(value)) = (month, m.value) {
            months
                .entry((&m.indicator, &m.period, &m.org_unit))
                .or_default()
                .push((month.to_string(), value));
        }
    }
    let mut out = Vec::new();
    for target in &plan.targets {
        let rule = target.rule;
        for r in rows.iter().filter(|r| {
            r.indicator == target.indicator && r.breakdown.is_none() && in_year.contains(&r.period)
        }) {
            let row = |suffix: &str, value: f64, unit: &str| Distance {
                indicator: format!("{}{suffix}", r.indicator),
                period: r.period.clone(),
                org_unit: r.org_unit.clone(),
                level: r.level.clone(),
                value,
                unit: unit.to_string(),
            };
            let raising = matches!(
                rule.comparison,
                Comparison::AtLeast | Comparison::MoreThan | Comparison::Equal
            );
            match (rule.goal, r.unit.as_str()) {
                (Goal::Value(goal), "ratio") if raising => {
                    if let (Some(num), Some(den)) = (r.numerator, r.denominator) {
                        let missing = at_least_zero(ceil(goal * den - num));
                        out.push(row(c::SHORTFALL, missing, "count"));
                    }
                }
                (Goal::Value(goal), unit) if raising && unit != "ratio" => {
                    let Some(value) = r.value else { continue };
                    let missing = at_least_zero(goal - value);
                    out.push(row(c::SHORTFALL, missing, unit));
                    let period = plan.periods.iter().find(|p| p.key == r.period);
                    let left = period.map_or(0, |p| months_left(p.to, plan.year));
                    if left > 0 {
                        out.push(row(c::SHORTFALL_PER_MONTH, missing / f64::from(left), unit));
                    }
                }
                (Goal::Baseline, "count")
                    if matches!(rule.comparison, Comparison::LessThan | Comparison::AtMost) =>
                {
                    if let (Some(value), Some(baseline)) = (r.value, r.baseline) {
                        let strict = f64::from(u8::from(rule.comparison == Comparison::LessThan));
                        out.push(row(
                            c::SHORTFALL,
                            at_least_zero(value - baseline + strict),
                            "count",
                        ));
                    }
                }
                _ => {}
            }
            let cumulative =
                months.get(&(r.indicator.as_str(), r.period.as_str(), r.org_unit.as_str()));
            out.extend(projection(plan, cumulative.cloned().unwrap_or_default(), r));
        }
    }
    Ok(out)
}

/// A total row's cumulative months: (month, value to date).
type Months = Vec<(String, f64)>;

/// The projection to 31 December of a part-year period's total row `r`, from its
/// `cumulative_month=YYYY-MM` rows, (month, value to date) (module doc).
fn projection(plan: &Plan, mut cumulative: Months, r: &Source) -> Vec<Distance> {
    let Some(period) = plan.periods.iter().find(|p| p.key == r.period) else {
        return Vec::new();
    };
    let starts_the_year = NaiveDate::from_ymd_opt(plan.year, 1, 1) == Some(period.from);
    let left = months_left(period.to, plan.year);
    let Some(value) = r.value else {
        return Vec::new();
    };
    if !starts_the_year || left == 0 {
        return Vec::new();
    }
    if cumulative.is_empty() {
        return Vec::new();
    }
    cumulative.sort_by(|a, b| a.0.cmp(&b.0));
    let mut before = 0.0;
    let monthly: Vec<f64> = cumulative
        .iter()
        .map(|(_, total)| {
            let month = total - before;
            before = *total;
            month
        })
        .collect();
    let elapsed = monthly.len() as f64;
    let left = f64::from(left);
    let lowest = monthly.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = monthly.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let row = |suffix: &str, value: f64| Distance {
        indicator: format!("{}{suffix}", r.indicator),
        period: r.period.clone(),
        org_unit: r.org_unit.clone(),
        level: r.level.clone(),
        value,
        unit: r.unit.clone(),
    };
    vec![
        row(c::PROJECTION, value / elapsed * (elapsed + left)),
        row(c::PROJECTION_LOW, value + left * lowest.max(0.0)),
        row(c::PROJECTION_HIGH, value + left * highest.max(0.0)),
    ]
}

/// The distance rows as a frame of the long table's columns and types (no baseline, no
/// target), to be stacked under it.
pub fn frame(rows: &[Distance]) -> PolarsResult<DataFrame> {
    let text = |name: &str, f: &dyn Fn(&Distance) -> String| {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
    };
    let none_f64 = |name: &str| {
        Column::new(
            name.into(),
            rows.iter().map(|_| None::<f64>).collect::<Vec<_>>(),
        )
    };
    DataFrame::new(
        rows.len(),
        vec![
            text(c::INDICATOR, &|d| d.indicator.clone()),
            text(c::PERIOD, &|d| d.period.clone()),
            text(c::ORG_UNIT, &|d| d.org_unit.clone()),
            text(c::LEVEL, &|d| d.level.clone()),
            Column::new(
                c::BREAKDOWN.into(),
                rows.iter().map(|_| None::<&str>).collect::<Vec<_>>(),
            ),
            none_f64(c::NUMERATOR),
            none_f64(c::DENOMINATOR),
            Column::new(
                c::VALUE.into(),
                rows.iter().map(|d| d.value).collect::<Vec<_>>(),
            ),
            text(c::UNIT, &|d| d.unit.clone()),
            none_f64(c::BASELINE),
            none_f64(c::BASELINE_NUMERATOR),
            none_f64(c::BASELINE_DENOMINATOR),
            none_f64(c::CHANGE),
            Column::new(
                c::TARGET.into(),
                rows.iter().map(|_| None::<&str>).collect::<Vec<_>>(),
            ),
            Column::new(
                c::TARGET_MET.into(),
                rows.iter().map(|_| None::<bool>).collect::<Vec<_>>(),
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::fixture::plan;

    fn table() -> DataFrame {
        // A province and a district of it, 2021 (whole year) and 2021S1 (January–June).
        df!(
            c::INDICATOR => ["special_support_rate", "special_support_rate", "fund_raised_vnd",
                "fund_raised_vnd", "fund_raised_vnd", "fund_raised_vnd", "fund_raised_vnd",
                "fund_raised_vnd", "fund_raised_vnd", "injured_children", "special_support_rate"],
            c::PERIOD => ["2021", "2021", "2021S1", "2021S1", "2021S1", "2021S1", "2021S1",
                "2021S1", "2021S1", "2021", "2021S1"],
            c::ORG_UNIT => ["64", "622", "64", "64", "64", "64", "64", "64", "64", "64", "64"],
            c::LEVEL => ["province", "district", "province", "province", "province", "province",
                "province", "province", "province", "province", "province"],
            c::BREAKDOWN => [None, None, None, Some("cumulative_month=2021-01"),
                Some("cumulative_month=2021-02"), Some("cumulative_month=2021-03"),
                Some("cumulative_month=2021-04"), Some("cumulative_month=2021-05"),
                Some("cumulative_month=2021-06"), None, Some("group=a")],
            c::NUMERATOR => [Some(5419.0), Some(200.0), None, None, None, None, None, None, None,
                Some(398.0), Some(10.0)],
            c::DENOMINATOR => [Some(5518.0), Some(200.0), None, None, None, None, None, None,
                None, None, Some(20.0)],
            c::VALUE => [Some(5419.0 / 5518.0), Some(1.0), Some(1.2e9), Some(0.1e9), Some(0.3e9),
                Some(0.3e9), Some(0.6e9), Some(0.9e9), Some(1.2e9), Some(398.0), Some(0.5)],
            c::UNIT => ["ratio", "ratio", "vnd", "vnd", "vnd", "vnd", "vnd", "vnd", "vnd",
                "count", "ratio"],
            c::BASELINE => [None, None, None, None, None, None, None, None, None, Some(452.0),
                None],
        )
        .unwrap()
    }

    fn find<'a>(rows: &'a [Distance], indicator: &str, period: &str, unit: &str) -> &'a Distance {
        rows.iter()
            .find(|d| d.indicator == indicator && d.period == period && d.org_unit == unit)
            .unwrap_or_else(|| panic!("no {indicator} {period} {unit} in {rows:?}"))
    }

    #[test]
    fn children_still_to_support_are_rounded_up_and_never_negative() {
        let p = plan(&[("special_support_rate", ">= 0.985")]);
        let rows = distances(&p, &table()).unwrap();
        // 0.985 × 5518 = 5435.23: 5436 children supported reach the goal, 17 more than 5419.
        assert_eq!(
            find(&rows, "special_support_rate_shortfall", "2021", "64").value,
            17.0
        );
        // Already above: nothing to do, not a negative number.
        assert_eq!(
            find(&rows, "special_support_rate_shortfall", "2021", "622").value,
            0.0
        );
        // A breakdown row (group=a) has no distance of its own.
        assert_eq!(rows.len(), 2);
        // Half a child above the goal rounds up to -0, which must not print as "-0".
        assert!(ceil(-0.5).is_sign_negative());
        assert!(at_least_zero(ceil(-0.5)).is_sign_positive());
    }

    #[test]
    fn the_fund_shortfall_per_month_and_the_projection_of_the_first_half() {
        let p = plan(&[("fund_raised_vnd", ">= 4000000000")]);
        let rows = distances(&p, &table()).unwrap();
        let value = |name: &str| find(&rows, name, "2021S1", "64").value;
        assert_eq!(value("fund_raised_vnd_shortfall"), 2.8e9);
        // Six months left after June: 2.8 billion ÷ 6.
        assert!((value("fund_raised_vnd_shortfall_per_month") - 2.8e9 / 6.0).abs() < 1e-3);
        // 1.2 billion in six months: 2.4 billion at that pace. The months raised 0.1, 0.2,
        // 0, 0.3, 0.3, 0.3 billion: the range takes 0 and 0.3 a month for the six left.
        assert!((value("fund_raised_vnd_projection") - 2.4e9).abs() < 1e-3);
        assert!((value("fund_raised_vnd_projection_low") - 1.2e9).abs() < 1e-3);
        assert!((value("fund_raised_vnd_projection_high") - 3.0e9).abs() < 1e-3);
    }

    #[test]
    fn a_count_below_the_baseline_needs_nothing_and_one_above_needs_one_more_than_the_gap() {
        let mut t = table();
        let p = plan(&[("injured_children", "< baseline")]);
        let rows = distances(&p, &t).unwrap();
        assert_eq!(
            find(&rows, "injured_children_shortfall", "2021", "64").value,
            0.0
        );
        // 452 in 2020: 460 must come down by 9 to be fewer.
        let values: Vec<Option<f64>> = (0..t.height())
            .map(|i| {
                if i == 9 {
                    Some(460.0)
                } else {
                    t.column(c::VALUE).unwrap().f64().unwrap().get(i)
                }
            })
            .collect();
        t.with_column(Column::new(c::VALUE.into(), values)).unwrap();
        let rows = distances(&p, &t).unwrap();
        assert_eq!(
            find(&rows, "injured_children_shortfall", "2021", "64").value,
            9.0
        );
    }
}
