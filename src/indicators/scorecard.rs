//! The scorecard the indicators step prints at its end: for each target of the plan, the
//! province's value in the reporting year's annual period, the goal, met or not, and the
//! change from the baseline. It reads the finished table, so it prints what the Parquet
//! holds and nothing computed on the side.

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use crate::columns as c;
use crate::config::{Period, Plan};
use crate::reference::TopUnit;

/// The period a scorecard is for: the one whose window is the whole reporting year, else
/// the period of that year that ends last.
pub fn annual_period(plan: &Plan) -> Option<&Period> {
    let whole_year = |p: &&Period| {
        NaiveDate::from_ymd_opt(plan.year, 1, 1) == Some(p.from)
            && NaiveDate::from_ymd_opt(plan.year, 12, 31) == Some(p.to)
    };
    plan.periods.iter().find(whole_year).or_else(|| {
        plan.periods
            .iter()
            .filter(|p| p.from.year() == plan.year && p.to.year() == plan.year)
            .max_by_key(|p| p.to)
    })
}

/// One province total row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
    pub unit: String,
    pub baseline: Option<f64>,
    pub change: Option<f64>,
    pub target_met: Option<bool>,
}

/// The total of `indicator` in `period` for the top unit (the province, or the country of
/// a pipeline with several provinces), if the table has it.
pub fn top_score(table: &DataFrame, top: &TopUnit, indicator: &str, period: &str) -> Option<Score> {
    let s = |name: &str| table.column(name).ok()?.str().ok().cloned();
    let f = |name: &str| table.column(name).ok()?.f64().ok().cloned();
    let (ind, per, unit_col, level, breakdown, unit) = (
        s(c::INDICATOR)?,
        s(c::PERIOD)?,
        s(c::ORG_UNIT)?,
        s(c::LEVEL)?,
        s(c::BREAKDOWN)?,
        s(c::UNIT)?,
    );
    let (num, den, value, baseline, change) = (
        f(c::NUMERATOR)?,
        f(c::DENOMINATOR)?,
        f(c::VALUE)?,
        f(c::BASELINE)?,
        f(c::CHANGE)?,
    );
    let met = table.column(c::TARGET_MET).ok()?.bool().ok()?.clone();
    (0..table.height())
        .find(|&i| {
            ind.get(i) == Some(indicator)
                && per.get(i) == Some(period)
                && unit_col.get(i) == Some(top.code.as_str())
                && level.get(i) == Some(top.level)
                && breakdown.get(i).is_none()
        })
        .map(|i| Score {
            numerator: num.get(i),
            denominator: den.get(i),
            value: value.get(i),
            unit: unit.get(i).unwrap_or_default().to_string(),
            baseline: baseline.get(i),
            change: change.get(i),
            target_met: met.get(i),
        })
}

/// A value as the scorecard prints it: ratios as percentages with two decimals.
pub fn format_value(value: f64, unit: &str) -> String {
    match unit {
        "ratio" => format!("{:.2} %", value * 100.0),
        "count" | "vnd" => format!("{value:.0}"),
        _ => format!("{value:.1}"),
    }
}

fn format_change(change: f64, unit: &str) -> String {
    match unit {
        "ratio" => format!("{:+.2} points", change * 100.0),
        "count" | "vnd" => format!("{change:+.0}"),
        _ => format!("{change:+.1}"),
    }
}

/// The scorecard's lines.
pub fn lines(plan: &Plan, table: &DataFrame) -> Vec<String> {
    let Some(period) = annual_period(plan) else {
        return vec![format!(
            "Scorecard: no period lies within {}, so no target is judged.",
            plan.year
        )];
    };
    let top = plan.top_unit();
    let mut out = vec![format!(
        "Scorecard {} (period {}, {} {}):",
        plan.year, period.key, top.level, top.code
    )];
    for target in &plan.targets {
        let goal = format!("goal {}", target.rule);
        let line = match top_score(table, &top, &target.indicator, &period.key) {
            None => format!("{}: not computed yet; {goal}.", target.indicator),
            Some(score) => {
                let unit = score.unit.as_str();
                let value = match score.value {
                    Some(v) => format_value(v, unit),
                    None => "no value".to_string(),
                };
                let fraction = match (unit, score.numerator, score.denominator) {
                    ("ratio", Some(n), Some(d)) => format!(" ({n:.0}/{d:.0})"),
                    _ => String::new(),
                };
                let verdict = match score.target_met {
                    Some(true) => "met",
                    Some(false) => "not met",
                    None => "not judged",
                };
                let baseline = match (score.baseline, score.change) {
                    (Some(b), Some(ch)) => format!(
                        "; baseline {}, change {}",
                        format_value(b, unit),
                        format_change(ch, unit)
                    ),
                    _ => "; no baseline".to_string(),
                };
                format!(
                    "{}: {value}{fraction}; {goal}: {verdict}{baseline}.",
                    target.indicator
                )
            }
        };
        out.push(format!("  {line}"));
    }
    out
}

/// The targets of a finished indicators table at its top level (the country when it has
/// one, the province otherwise), met and not met, by period: what `treem status` and the
/// metrics file report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TargetTally {
    /// `country` or `province`.
    pub level: String,
    /// In the order of the period keys.
    pub periods: Vec<PeriodTargets>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PeriodTargets {
    pub period: String,
    /// Indicators whose target is met.
    pub met: Vec<String>,
    /// Indicators whose target is not met.
    pub not_met: Vec<String>,
}

/// The tally of the table at `path` (`indicators/indicators.parquet`); `None` when there is
/// none or it cannot be read. Rows with no verdict (no target, or a hidden value) count
/// for neither.
pub fn target_tally(path: &std::path::Path) -> Option<TargetTally> {
    let table = crate::store::parquet::scan_parquet_file(path).ok()?;
    let has_country = table
        .clone()
        .filter(col(c::LEVEL).eq(lit(crate::columns::LEVEL_COUNTRY)))
        .limit(1)
        .collect()
        .ok()?
        .height()
        > 0;
    let top = match has_country {
        true => crate::columns::LEVEL_COUNTRY,
        false => crate::columns::LEVEL_PROVINCE,
    };
    let df = table
        .filter(
            col(c::LEVEL)
                .eq(lit(top))
                .and(col(c::BREAKDOWN).is_null())
                .and(col(c::TARGET_MET).is_not_null()),
        )
        .select([col(c::PERIOD), col(c::INDICATOR), col(c::TARGET_MET)])
        .collect()
        .ok()?;
    let periods = df.column(c::PERIOD).ok()?.str().ok()?.clone();
    let met = df.column(c::TARGET_MET).ok()?.bool().ok()?.clone();
    let names = df.column(c::INDICATOR).ok()?.str().ok()?.clone();
    let mut by_period: std::collections::BTreeMap<String, PeriodTargets> = Default::default();
    for i in 0..df.height() {
        let period = periods.get(i).unwrap_or("").to_string();
        let entry = by_period
            .entry(period.clone())
            .or_insert_with(|| PeriodTargets {
                period,
                met: Vec::new(),
                not_met: Vec::new(),
            });
        let name = names.get(i).unwrap_or("").to_string();
        match met.get(i) == Some(true) {
            true => entry.met.push(name),
            false => entry.not_met.push(name),
        }
    }
    Some(TargetTally {
        level: top.to_string(),
        periods: by_period.into_values().collect(),
    })
}
