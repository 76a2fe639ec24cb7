//! End to end on the bundled sample: `treem run` computes the indicators, the Parquet holds
//! the planted facts of sample_data/README.md with their baselines and targets, the
//! scorecard prints the same values, and `treem run --only indicators` recomputes them from
//! the clean tables alone.

mod common;

use std::path::Path;

use common::{sample_run, treem, REPO};
use polars::prelude::*;

fn indicators(out: &Path) -> DataFrame {
    common::read_parquet(&out.join("indicators/indicators.parquet"))
}

#[derive(Debug)]
struct Row {
    numerator: Option<f64>,
    denominator: Option<f64>,
    value: Option<f64>,
    baseline: Option<f64>,
    target: Option<String>,
    target_met: Option<bool>,
}

/// The province total of `indicator` in `period`.
fn province(df: &DataFrame, indicator: &str, period: &str) -> Row {
    let s = |n: &str| df.column(n).unwrap().str().unwrap().clone();
    let f = |n: &str| df.column(n).unwrap().f64().unwrap().clone();
    let (ind, per, unit, brk) = (s("indicator"), s("period"), s("org_unit"), s("breakdown"));
    let hits: Vec<usize> = (0..df.height())
        .filter(|&i| {
            ind.get(i) == Some(indicator)
                && per.get(i) == Some(period)
                && unit.get(i) == Some("64")
                && brk.get(i).is_none()
        })
        .collect();
    assert_eq!(hits.len(), 1, "{indicator} {period}");
    let i = hits[0];
    Row {
        numerator: f("numerator").get(i),
        denominator: f("denominator").get(i),
        value: f("value").get(i),
        baseline: f("baseline").get(i),
        target: s("target").get(i).map(str::to_string),
        target_met: df.column("target_met").unwrap().bool().unwrap().get(i),
    }
}

#[test]
fn special_support_rate_2021_is_the_planted_fact_against_its_target_and_baseline() {
    let df = indicators(sample_run().out.path());
    let r = province(&df, "special_support_rate", "2021");
    assert_eq!((r.numerator, r.denominator), (Some(5419.0), Some(5518.0)));
    assert_eq!(r.value, Some(5419.0 / 5518.0));
    assert_eq!(r.baseline, Some(5211.0 / 5372.0));
    assert_eq!(r.target.as_deref(), Some(">= 0.985"));
    assert_eq!(r.target_met, Some(false), "98.21 % is below 98.5 %");
}

#[test]
fn injured_and_abused_children_fall_from_2020() {
    let df = indicators(sample_run().out.path());
    let injured = province(&df, "injured_children", "2021");
    assert_eq!(
        (injured.value, injured.baseline),
        (Some(398.0), Some(452.0))
    );
    assert_eq!(injured.target_met, Some(true));
    let abused = province(&df, "abused_children", "2021");
    assert_eq!((abused.value, abused.baseline), (Some(48.0), Some(55.0)));
    assert_eq!(abused.target_met, Some(true));
    let deaths = province(&df, "injury_deaths", "2021");
    assert_eq!((deaths.value, deaths.baseline), (Some(31.0), Some(37.0)));
    let supported = province(&df, "abused_children_supported_rate", "2021");
    assert_eq!(
        (supported.numerator, supported.denominator),
        (Some(47.0), Some(48.0))
    );
    // Delays 2021: ≤ 12 h 42 of 50 abuse cases.
    let timely = province(&df, "abuse_intervention_timely_rate", "2021");
    assert_eq!(
        (timely.numerator, timely.denominator),
        (Some(42.0), Some(50.0))
    );
}

#[test]
fn every_district_of_the_province_has_every_count() {
    let df = indicators(sample_run().out.path());
    let s = |n: &str| df.column(n).unwrap().str().unwrap().clone();
    let (ind, per, level, brk) = (s("indicator"), s("period"), s("level"), s("breakdown"));
    let districts = (0..df.height())
        .filter(|&i| {
            ind.get(i) == Some("abused_children")
                && per.get(i) == Some("2021")
                && level.get(i) == Some("district")
                && brk.get(i).is_none()
        })
        .count();
    assert_eq!(
        districts, 17,
        "Gia Lai's 17 districts, those without abuse included"
    );
}

#[test]
fn the_scorecard_prints_the_values_of_the_parquet() {
    let s = sample_run();
    let df = indicators(s.out.path());
    let r = province(&df, "special_support_rate", "2021");
    let stderr = s.run.stderr();
    let line = common::log_texts(&stderr)
        .into_iter()
        .find(|l| l.trim_start().starts_with("special_support_rate:"))
        .unwrap_or_else(|| panic!("no scorecard line in:\n{stderr}"));
    let shown = format!("{:.2} %", r.value.unwrap() * 100.0);
    assert!(line.contains(&shown), "{line} should show {shown}");
    assert!(line.contains("(5419/5518)"), "{line}");
    assert!(line.contains("goal >= 0.985: not met"), "{line}");
    let baseline = format!("baseline {:.2} %", r.baseline.unwrap() * 100.0);
    assert!(line.contains(&baseline), "{line} should show {baseline}");
    let injured = common::log_texts(&stderr)
        .into_iter()
        .find(|l| l.trim_start().starts_with("injured_children:"))
        .unwrap();
    assert!(
        injured.contains("398; goal < baseline: met; baseline 452, change -54"),
        "{injured}"
    );
}

#[test]
fn only_indicators_recomputes_from_the_clean_tables() {
    // A copy of the clean tables alone: no sources are read, the same table comes out.
    let s = sample_run();
    let copy = tempfile::tempdir().unwrap();
    common::copy_dir(
        &s.out.path().join("ingested"),
        &copy.path().join("ingested"),
    );
    let out_arg = copy.path().to_string_lossy().into_owned();
    let run = treem(
        Path::new(REPO),
        &["run", "--only", "indicators", "--out", &out_arg],
    );
    run.expect_code(0);
    assert!(!run.stderr().contains("Step ingest"), "{}", run.stderr());
    let again = indicators(copy.path());
    assert!(again.equals_missing(&indicators(s.out.path())));
    let leftovers: Vec<_> = std::fs::read_dir(copy.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // .versions (the published outputs) and .treem.lock stay; staging does not.
        .filter(|n| n.starts_with(".staging") || n.contains(".tmp-") || n.contains("old-"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

#[test]
fn only_indicators_without_clean_tables_says_what_to_do() {
    let empty = tempfile::tempdir().unwrap();
    let out_arg = empty.path().to_string_lossy().into_owned();
    let run = treem(
        Path::new(REPO),
        &["run", "--only", "indicators", "--out", &out_arg],
    );
    run.expect_code(2);
    assert!(
        run.stderr().contains("run the ingest step first"),
        "{}",
        run.stderr()
    );
}

#[test]
fn the_registry_counted_at_ingestion_is_the_registry_counted_from_its_rows() {
    let out = &sample_run().out;
    let differs = treem::indicators::registry::recount_differs(&out.path().join("ingested"));
    assert_eq!(differs.unwrap(), None);
}
