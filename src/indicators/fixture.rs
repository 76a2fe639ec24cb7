//! Test fixtures for the indicators: a province "64" with three districts (622, 623, 624)
//! and a district of another province (701) that must never be counted, populations, a
//! plan, and builders for registry and case rows with the clean tables' exact schemas.

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::{NaiveDate, NaiveDateTime};
use polars::prelude::*;

use super::{compute, Tables};
use crate::columns as c;
use crate::config::{Period, Plan, Rules, Scope, SourceFiles, Target};
use crate::hash::pseudonymise::{Key, Pseudonymiser};
use crate::ingest::frames;
use crate::sources::cases::{CaseKind, CaseRecord};
use crate::sources::child_registry::RegistryRecord;
use crate::sources::SourceKind;

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn period(key: &str, from: &str, to: &str) -> Period {
    Period {
        key: key.into(),
        from: d(from),
        to: d(to),
        report_deadline: d(to),
    }
}

/// Periods 2020 (the baseline year itself), 2021S1 and 2021; year 2021, baseline 2020;
/// 12 hours, 5 working days, the Hùng Kings holiday 2021-04-21.
pub fn plan(targets: &[(&str, &str)]) -> Plan {
    Plan {
        file: PathBuf::from("p.toml"),
        name: "test".into(),
        scope: Scope::Province("64".into()),
        year: 2021,
        baseline_year: 2020,
        org_units: PathBuf::new(),
        unit_lists: Vec::new(),
        split_rule: crate::reference::crosswalk::SplitRule::KeptCode,
        reporting_level: crate::columns::LEVEL_DISTRICT,
        period_units: Default::default(),
        population: PathBuf::new(),
        periods: vec![
            period("2020", "2020-01-01", "2020-12-31"),
            period("2021S1", "2021-01-01", "2021-06-30"),
            period("2021", "2021-01-01", "2021-12-31"),
        ],
        // Every source declared (with no file): the tables below stand in for them.
        sources: [
            SourceKind::ChildRegistry,
            SourceKind::Cases,
            SourceKind::DistrictReports,
            SourceKind::Fund,
        ]
        .map(|kind| SourceFiles {
            kind,
            patterns: Vec::new(),
            files: Vec::new(),
            ignored: Vec::new(),
        })
        .to_vec(),
        targets: targets
            .iter()
            .map(|(indicator, rule)| Target {
                indicator: indicator.to_string(),
                rule: rule.parse().unwrap(),
                periods: None,
            })
            .collect(),
        rules: Rules {
            intervention_within_hours: 12,
            plan_within_working_days: 5,
            holidays: BTreeSet::from([d("2021-04-21")]),
            source_gap_tolerance: 0.05,
            max_rejected_share: 0.01,
            max_unreadable_files: 0,
        },
        min_count: 5,
        secret_key_file: None,
        monitoring: Default::default(),
        header_aliases: Default::default(),
        limits: Default::default(),
        report: Default::default(),
    }
}

pub fn org_units() -> DataFrame {
    df!(
        c::CODE => ["64", "622", "623", "624", "70", "701", "23002"],
        c::LEVEL => ["province", "district", "district", "district", "province", "district", "commune"],
        c::UNIT_TYPE => ["Tỉnh", "Thành phố", "Thị xã", "Thị xã", "Tỉnh", "Huyện", "Phường"],
        c::NAME => ["Gia Lai", "Pleiku", "An Khê", "Ayun Pa", "Other", "Elsewhere", "Ward"],
        c::PARENT_CODE => [None, Some("64"), Some("64"), Some("64"), None, Some("70"), Some("622")],
    )
    .unwrap()
}

/// Children under 16: 622 has 40,000 in 2021, 623 10,000, 624 none (a zero denominator);
/// 701 (another province) 99,999, never summed into 64.
pub fn population() -> DataFrame {
    df!(
        c::DISTRICT_CODE => ["622", "623", "624", "701", "622", "623", "624"],
        c::YEAR => [2021i32, 2021, 2021, 2021, 2020, 2020, 2020],
        c::CHILDREN_UNDER_16 => [40_000i64, 10_000, 0, 99_999, 39_000, 9_000, 1_000],
    )
    .unwrap()
}

/// A fixture's key for a label: distinct labels, distinct keys, as ids give.
fn key(label: &str) -> Key {
    let keys = Pseudonymiser::new(b"fixture secret, not a real one");
    keys.map(|k| k.child_key(label)).unwrap()
}

/// (snapshot, child, district, group, at risk, supported)
pub type Child<'a> = (&'a str, &'a str, &'a str, Option<&'static str>, bool, bool);

pub fn registry(children: &[Child]) -> DataFrame {
    let records: Vec<RegistryRecord> = children
        .iter()
        .map(
            |(snap, child, district, group, at_risk, supported)| RegistryRecord {
                snapshot_date: d(snap),
                child_key: key(child),
                birth_year: 2012,
                age: 9,
                sex: Some("F"),
                ethnicity: None,
                commune_code: "00000".into(),
                district_code: (*district).into(),
                special_group: *group,
                at_risk: *at_risk,
                supported: *supported,
                support_forms: None,
                updated_on: None,
            },
        )
        .collect();
    frames::registry(&records).unwrap()
}

/// One case: key, child, district, kind, subtype, occurred, reported, intervened, plan,
/// outcome.
pub struct Case {
    pub key: &'static str,
    pub child: &'static str,
    pub district: &'static str,
    pub kind: CaseKind,
    pub subtype: &'static str,
    pub occurred: &'static str,
    pub reported: Option<&'static str>,
    pub intervened: Option<&'static str>,
    pub plan: Option<&'static str>,
    pub outcome: Option<&'static str>,
}

pub fn cases(cases: &[Case]) -> DataFrame {
    let records: Vec<CaseRecord> = cases
        .iter()
        .map(|x| CaseRecord {
            case_key: key(x.key),
            child_key: key(x.child),
            commune_code: "00000".into(),
            district_code: x.district.into(),
            kind: x.kind,
            subtype: x.subtype,
            occurred_on: d(x.occurred),
            reported_at: x.reported.map(t),
            intervened_at: x.intervened.map(t),
            plan_approved_on: x.plan.map(d),
            outcome: x.outcome,
            sex: None,
            birth_year: None,
            age: None,
        })
        .collect();
    frames::cases(&records).unwrap()
}

pub fn tables(registry: DataFrame, cases: DataFrame) -> Tables {
    Tables {
        registry: registry.lazy(),
        registry_counts: None,
        cases: cases.lazy(),
        district_reports: frames::district_reports(&[]).unwrap().lazy(),
        fund: frames::fund(&[]).unwrap().lazy(),
        org_units: org_units().lazy(),
        population: population().lazy(),
    }
}

/// (district, period, item, value, sent on (`""`: unknown), version)
pub type Report<'a> = (&'a str, &'a str, &'static str, Option<f64>, &'a str, u32);

pub fn district_reports(values: &[Report]) -> DataFrame {
    let rows: Vec<frames::ReportRow> = values
        .iter()
        .map(
            |(district, period, item, value, sent, version)| frames::ReportRow {
                district_code: district.to_string(),
                period: period.to_string(),
                form: item[1..2].parse().unwrap(),
                item,
                value: *value,
                sent_on: (!sent.is_empty()).then(|| d(sent)),
                file: format!("{district}_{period}_{version}.xlsx"),
                version: *version,
                sheet: Some(format!("Biểu {}", &item[1..2])),
                cell: Some(format!("D{}", 10 + item[3..].parse::<u32>().unwrap_or(0))),
            },
        )
        .collect();
    frames::district_reports(&rows).unwrap()
}

/// The tables with district reports (and an empty registry, cases and fund).
pub fn report_tables(values: &[Report]) -> Tables {
    Tables {
        district_reports: district_reports(values).lazy(),
        ..tables(registry(&[]), cases(&[]))
    }
}

/// The computed table for the fixture plan with `targets`.
pub fn table(registry: DataFrame, cases: DataFrame, targets: &[(&str, &str)]) -> DataFrame {
    compute(&plan(targets), &tables(registry, cases)).unwrap()
}

/// One row of the long table, read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
    pub unit: String,
    pub baseline: Option<f64>,
    pub change: Option<f64>,
    pub target: Option<String>,
    pub target_met: Option<bool>,
}

/// The row of `indicator` × `period` × `org_unit` × `breakdown`; panics unless exactly one.
pub fn row(
    df: &DataFrame,
    indicator: &str,
    period: &str,
    org_unit: &str,
    breakdown: Option<&str>,
) -> Row {
    let s = |n: &str| df.column(n).unwrap().str().unwrap().clone();
    let f = |n: &str| df.column(n).unwrap().f64().unwrap().clone();
    let (ind, per, unit_col, brk) = (
        s(c::INDICATOR),
        s(c::PERIOD),
        s(c::ORG_UNIT),
        s(c::BREAKDOWN),
    );
    let hits: Vec<usize> = (0..df.height())
        .filter(|&i| {
            ind.get(i) == Some(indicator)
                && per.get(i) == Some(period)
                && unit_col.get(i) == Some(org_unit)
                && brk.get(i) == breakdown
        })
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "rows for {indicator} {period} {org_unit} {breakdown:?}"
    );
    let i = hits[0];
    Row {
        numerator: f(c::NUMERATOR).get(i),
        denominator: f(c::DENOMINATOR).get(i),
        value: f(c::VALUE).get(i),
        unit: s(c::UNIT).get(i).unwrap().to_string(),
        baseline: f(c::BASELINE).get(i),
        change: f(c::CHANGE).get(i),
        target: s(c::TARGET).get(i).map(str::to_string),
        target_met: df.column(c::TARGET_MET).unwrap().bool().unwrap().get(i),
    }
}

/// Whether any row of `indicator` names `org_unit`.
pub fn has_org_unit(df: &DataFrame, indicator: &str, org_unit: &str) -> bool {
    let ind = df.column(c::INDICATOR).unwrap().str().unwrap().clone();
    let unit = df.column(c::ORG_UNIT).unwrap().str().unwrap().clone();
    (0..df.height()).any(|i| ind.get(i) == Some(indicator) && unit.get(i) == Some(org_unit))
}

pub fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

/// A two-province country for the levels above a province: 64 (districts 622, 623) and 01
/// (districts 001, 002), and province 70 (district 701) outside the plan's scope.
pub fn national_org_units() -> DataFrame {
    df!(
        c::CODE => ["64", "622", "623", "01", "001", "002", "70", "701"],
        c::LEVEL => ["province", "district", "district", "province", "district", "district", "province", "district"],
        c::UNIT_TYPE => ["Tỉnh", "Thành phố", "Thị xã", "Thành phố", "Quận", "Quận", "Tỉnh", "Huyện"],
        c::NAME => ["Gia Lai", "Pleiku", "An Khê", "Hà Nội", "Ba Đình", "Hoàn Kiếm", "Other", "Elsewhere"],
        c::PARENT_CODE => [None, Some("64"), Some("64"), None, Some("01"), Some("01"), None, Some("70")],
    )
    .unwrap()
}

/// Children under 16 in 2021: 622 40,000, 623 10,000, 001 20,000, 002 30,000; 701 99,999
/// (out of scope).
pub fn national_population() -> DataFrame {
    df!(
        c::DISTRICT_CODE => ["622", "623", "001", "002", "701"],
        c::YEAR => [2021i32, 2021, 2021, 2021, 2021],
        c::CHILDREN_UNDER_16 => [40_000i64, 10_000, 20_000, 30_000, 99_999],
    )
    .unwrap()
}

/// The fixture plan over provinces 64 and 01, declaring only the registry and cases.
pub fn national_plan(targets: &[(&str, &str)]) -> Plan {
    let mut p = plan(targets);
    p.scope = Scope::Provinces(vec!["64".into(), "01".into()]);
    p.sources
        .retain(|s| matches!(s.kind, SourceKind::ChildRegistry | SourceKind::Cases));
    p
}

/// The computed table of the national plan over `registry` and `cases`.
pub fn national_table(registry: DataFrame, cases: DataFrame) -> DataFrame {
    let tables = Tables {
        org_units: national_org_units().lazy(),
        population: national_population().lazy(),
        ..tables(registry, cases)
    };
    compute(
        &national_plan(&[("special_support_rate", ">= 0.5")]),
        &tables,
    )
    .unwrap()
}
