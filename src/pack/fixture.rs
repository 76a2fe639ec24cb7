//! A hand-made pack for the renderers' tests: province 64 with districts 622, 623, 624 in
//! 2021 and min_count 5.
//!
//! - abused_children: 64: 12, 622: 3 ("<5"), 623: 0 (a true 0), 624: 9 (hidden, or 622
//!   would be 12 − 0 − 9); baselines 15, 6, 0, 9 — 622's change is hidden with its value.
//! - special_support_rate: 64: 5419 / 5518 = 98,2 % against ≥ 98,5 % (not met).
//! - fund_raised_vnd: 64: 3.486.900.000 đồng against ≥ 4.000.000.000.
//! - findings: a form rule in 633 on counts 4 and 3 (both "<5"), a source gap in 624 of
//!   218 against 0, and a form rule in 625 of 12 abused children (B2.02, người) against 9
//!   cases (B2.01, vụ).

use std::collections::BTreeMap;

use polars::prelude::*;

use super::{Contents, Finding, InputFile, Provenance};
use crate::columns as c;
use crate::config::Target;
use crate::disclosure::Published;
use crate::text::Lang;

/// (indicator, org_unit, numerator, denominator, value, unit, baseline, target, met)
type Spec = (
    &'static str,
    &'static str,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    &'static str,
    Option<f64>,
    Option<&'static str>,
    Option<bool>,
);

pub fn table() -> DataFrame {
    let count = |unit: &'static str, v: f64, b: f64, met: bool| -> Spec {
        (
            "abused_children",
            unit,
            Some(v),
            None,
            Some(v),
            "count",
            Some(b),
            Some("< baseline"),
            Some(met),
        )
    };
    let specs: Vec<Spec> = vec![
        count("64", 12.0, 15.0, true),
        count("622", 3.0, 6.0, true),
        count("623", 0.0, 0.0, false),
        count("624", 9.0, 9.0, false),
        (
            "special_support_rate",
            "64",
            Some(5419.0),
            Some(5518.0),
            Some(5419.0 / 5518.0),
            "ratio",
            Some(5211.0 / 5372.0),
            Some(">= 0.985"),
            Some(false),
        ),
        (
            "fund_raised_vnd",
            "64",
            Some(3_486_900_000.0),
            None,
            Some(3_486_900_000.0),
            "vnd",
            None,
            Some(">= 4000000000"),
            Some(false),
        ),
    ];
    let n = specs.len();
    df!(
        c::INDICATOR => specs.iter().map(|s| s.0).collect::<Vec<_>>(),
        c::PERIOD => vec!["2021"; n],
        c::ORG_UNIT => specs.iter().map(|s| s.1).collect::<Vec<_>>(),
        c::LEVEL => specs.iter().map(|s| if s.1 == "64" { "province" } else { "district" }).collect::<Vec<_>>(),
        c::BREAKDOWN => vec![None::<&str>; n],
        c::NUMERATOR => specs.iter().map(|s| s.2).collect::<Vec<_>>(),
        c::DENOMINATOR => specs.iter().map(|s| s.3).collect::<Vec<_>>(),
        c::VALUE => specs.iter().map(|s| s.4).collect::<Vec<_>>(),
        c::UNIT => specs.iter().map(|s| s.5).collect::<Vec<_>>(),
        c::BASELINE => specs.iter().map(|s| s.6).collect::<Vec<_>>(),
        c::BASELINE_NUMERATOR => specs.iter().map(|s| if s.5 == "count" { s.6 } else { None }).collect::<Vec<_>>(),
        c::BASELINE_DENOMINATOR => vec![None::<f64>; n],
        c::CHANGE => specs.iter().map(|s| s.4.zip(s.6).map(|(v, b)| v - b)).collect::<Vec<_>>(),
        c::TARGET => specs.iter().map(|s| s.7).collect::<Vec<_>>(),
        c::TARGET_MET => specs.iter().map(|s| s.8).collect::<Vec<_>>(),
    )
    .unwrap()
}

fn finding(rule: &str, district: &str, left: (&str, f64), right: (&str, f64)) -> Finding {
    Finding {
        check: if rule.contains("_vs_") {
            "source_gap"
        } else {
            "form_rule"
        }
        .into(),
        rule: rule.into(),
        severity: "error".into(),
        period: Some("2021".into()),
        district: Some(district.into()),
        left_item: Some(left.0.into()),
        left_value: Some(left.1),
        right_item: Some(right.0.into()),
        right_value: Some(right.1),
        detail: Some("Trẻ em <b>bị xâm hại</b> & được hỗ trợ".into()),
        sheet: None,
        left_cell: None,
        right_cell: None,
    }
}

pub fn contents(lang: Lang) -> Contents {
    let names = [
        ("64", "Tỉnh Gia Lai"),
        ("622", "Thành phố Pleiku"),
        ("623", "Thị xã An Khê"),
        ("624", "Thị xã Ayun Pa"),
        ("625", "Huyện Kbang"),
        ("633", "Huyện Chư Sê"),
    ];
    let target = |indicator: &str, rule: &str| Target {
        indicator: indicator.into(),
        rule: rule.parse().unwrap(),
        periods: None,
    };
    Contents {
        published: Published::publish(&table(), 5).unwrap(),
        findings: vec![
            finding(
                "abused_supported_within_abused",
                "633",
                ("B2.03", 4.0),
                ("B2.02", 3.0),
            ),
            finding(
                "B1.02_vs_registry",
                "624",
                ("B1.02", 218.0),
                ("registry", 0.0),
            ),
            finding(
                "abused_children_within_cases",
                "625",
                ("B2.02", 12.0),
                ("B2.01", 9.0),
            ),
        ],
        names: names
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        top: crate::reference::TopUnit::reporting(
            &crate::reference::Scope::Province("64".into()),
            c::LEVEL_DISTRICT,
        ),
        year: 2021,
        periods: vec!["2021".into()],
        annual_period: Some("2021".into()),
        targets: vec![
            target("special_support_rate", ">= 0.985"),
            target("abused_children", "< baseline"),
            target("fund_raised_vnd", ">= 4000000000"),
        ],
        provenance: Provenance {
            pipeline: InputFile {
                path: "pipelines/gia_lai_2021.toml".into(),
                bytes: Some(1234),
                sha256: Some("ab".repeat(32)),
            },
            inputs: vec![InputFile {
                path: "sample_data/cases/2021/<cases>.csv".into(),
                bytes: Some(5419),
                sha256: Some("cd".repeat(32)),
            }],
            version: "0.1.0".into(),
            built_at: "2022-01-15 02:00:00 UTC".into(),
            manifest: Some(("20220115T020000Z-42".into(), "2022-01-15T02:00:00Z".into())),
        },
        charts: Vec::new(),
        lang,
    }
}
