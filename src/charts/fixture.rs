//! Small hand-made indicator tables for the charts' tests: rows of the long shape, built
//! one by one, published with min_count 5. Province 64; districts 622 Pleiku, 623 An Khê,
//! 624 Ayun Pa.

use polars::prelude::*;

use super::{OrgUnitNames, Scope};
use crate::columns as c;
use crate::disclosure::Published;

/// One row of the indicators table; period 2021 unless changed.
#[derive(Debug, Clone)]
pub struct R {
    pub indicator: &'static str,
    pub period: &'static str,
    pub org_unit: &'static str,
    pub breakdown: Option<&'static str>,
    pub unit: &'static str,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
    pub baseline: Option<f64>,
    pub baseline_numerator: Option<f64>,
    pub baseline_denominator: Option<f64>,
    pub target: Option<&'static str>,
    pub target_met: Option<bool>,
}

/// A count of people (numerator = value), with its baseline count.
pub fn count(
    indicator: &'static str,
    org_unit: &'static str,
    breakdown: Option<&'static str>,
    value: f64,
    baseline: Option<f64>,
) -> R {
    R {
        indicator,
        period: "2021",
        org_unit,
        breakdown,
        unit: "count",
        numerator: Some(value),
        denominator: None,
        value: Some(value),
        baseline,
        baseline_numerator: baseline,
        baseline_denominator: None,
        target: None,
        target_met: None,
    }
}

/// numerator ÷ denominator.
pub fn ratio(indicator: &'static str, org_unit: &'static str, num: f64, den: f64) -> R {
    R {
        unit: "ratio",
        numerator: Some(num),
        denominator: Some(den),
        value: (den > 0.0).then(|| num / den),
        baseline: None,
        baseline_numerator: None,
        ..count(indicator, org_unit, None, 0.0, None)
    }
}

impl R {
    pub fn unit(mut self, unit: &'static str) -> Self {
        self.unit = unit;
        self
    }
    pub fn period(mut self, period: &'static str) -> Self {
        self.period = period;
        self
    }
    pub fn value(mut self, value: Option<f64>) -> Self {
        self.value = value;
        self
    }
    pub fn met(mut self, target: &'static str, met: bool) -> Self {
        self.target = Some(target);
        self.target_met = Some(met);
        self
    }
}

pub fn table(rows: &[R]) -> DataFrame {
    let f = |get: fn(&R) -> Option<f64>| rows.iter().map(get).collect::<Vec<_>>();
    let change: Vec<Option<f64>> = rows
        .iter()
        .map(|r| r.value.zip(r.baseline).map(|(v, b)| v - b))
        .collect();
    df!(
        c::INDICATOR => rows.iter().map(|r| r.indicator).collect::<Vec<_>>(),
        c::PERIOD => rows.iter().map(|r| r.period).collect::<Vec<_>>(),
        c::ORG_UNIT => rows.iter().map(|r| r.org_unit).collect::<Vec<_>>(),
        c::LEVEL => rows.iter().map(|r| if r.org_unit == "64" { "province" } else { "district" }).collect::<Vec<_>>(),
        c::BREAKDOWN => rows.iter().map(|r| r.breakdown).collect::<Vec<_>>(),
        c::NUMERATOR => f(|r| r.numerator),
        c::DENOMINATOR => f(|r| r.denominator),
        c::VALUE => f(|r| r.value),
        c::UNIT => rows.iter().map(|r| r.unit).collect::<Vec<_>>(),
        c::BASELINE => f(|r| r.baseline),
        c::BASELINE_NUMERATOR => f(|r| r.baseline_numerator),
        c::BASELINE_DENOMINATOR => f(|r| r.baseline_denominator),
        c::CHANGE => change,
        c::TARGET => rows.iter().map(|r| r.target).collect::<Vec<_>>(),
        c::TARGET_MET => rows.iter().map(|r| r.target_met).collect::<Vec<_>>(),
    )
    .unwrap()
}

pub fn publish(rows: &[R]) -> Published {
    Published::publish(&table(rows), 5).unwrap()
}

pub fn names() -> OrgUnitNames {
    OrgUnitNames::new(
        [
            ("64", "Gia Lai"),
            ("622", "Pleiku"),
            ("623", "An Khê"),
            ("624", "Ayun Pa"),
        ]
        .map(|(c, n)| (c.to_string(), n.to_string())),
    )
}

/// The scope of the 2021 plan of `indicators::fixture` with these targets.
pub fn scope(targets: &[(&str, &str)]) -> Scope {
    Scope::new(&crate::indicators::fixture::plan(targets), names()).unwrap()
}
