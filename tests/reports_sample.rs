//! End to end on the bundled sample: the district reports and the fund ledger, as the
//! generator planted them (sample_data/README.md) — every workbook ingested, the TCVN3
//! workbook read to the generator's own values, reporting completeness and timeliness per
//! period and district, the events, training and fund targets, and the data-quality table
//! holding exactly the planted rule failure and source gap.

mod common;

use common::{indicator_row, read_parquet, sample_run};
use polars::prelude::*;

/// (value, numerator, denominator) of an indicator row.
fn get(indicator: &str, period: &str, org_unit: &str) -> (Option<f64>, Option<f64>, Option<f64>) {
    let df = indicator_row(sample_run().out.path(), indicator, period, org_unit);
    let f = |c: &str| df.column(c).unwrap().f64().unwrap().get(0);
    (f("value"), f("numerator"), f("denominator"))
}

#[test]
fn every_sample_workbook_and_ledger_row_is_ingested() {
    let err = sample_run().run.stderr();
    // 51 workbooks × 25 items; 88 + 95 ledger rows.
    assert!(
        err.contains(
            "district_reports: 1275 rows read = 1275 kept + 0 rejected + 0 excluded (51 files)"
        ),
        "{err}"
    );
    assert!(
        err.contains("fund: 183 rows read = 183 kept + 0 rejected + 0 excluded (2 files)"),
        "{err}"
    );
}

#[test]
fn completeness_and_timeliness_match_what_was_planted() {
    // 2021S1 (deadline 25/05): 628 Ia Grai 3 days late, 631 Đức Cơ 9 days late, 639 Chư Pưh
    // sent nothing → sent 16/17, on time 14/17.
    assert_eq!(get("report_completeness", "2021S1", "64").1, Some(16.0));
    assert_eq!(get("report_timeliness", "2021S1", "64").1, Some(14.0));
    assert_eq!(get("report_timeliness", "2021S1", "64").2, Some(17.0));
    assert_eq!(get("report_days_late", "2021S1", "628").0, Some(3.0));
    assert_eq!(get("report_days_late", "2021S1", "631").0, Some(9.0));
    assert_eq!(get("report_days_late", "2021S1", "639").0, None);
    assert_eq!(get("report_completeness", "2021S1", "639").0, Some(0.0));
    // 2021 (deadline 20/11): 637 Krông Pa 6 days late; 626 Đăk Đoa sent on time and then a
    // correction, which counts once → 17/17 sent, 16/17 on time.
    assert_eq!(get("report_completeness", "2021", "64").1, Some(17.0));
    assert_eq!(get("report_timeliness", "2021", "64").1, Some(16.0));
    assert_eq!(get("report_days_late", "2021", "637").0, Some(6.0));
    assert_eq!(get("report_days_late", "2021", "626").0, Some(0.0));
    // 2020: all 17 on time.
    assert_eq!(get("report_timeliness", "2020", "64").0, Some(1.0));
}

#[test]
fn events_training_and_fund_match_what_was_planted() {
    // 2021: no Children's Forum in 630 Kông Chro and 635 Ia Pa → 15/17.
    assert_eq!(get("event_children_forum", "2021", "64").1, Some(15.0));
    assert_eq!(get("event_children_forum", "2021", "630").0, Some(0.0));
    assert_eq!(get("event_children_forum", "2021", "635").0, Some(0.0));
    assert_eq!(get("event_mid_autumn", "2021", "64").1, Some(17.0));
    // 2020: 625 KBang held no Month of Action → 16/17.
    assert_eq!(get("event_month_of_action", "2020", "64").1, Some(16.0));
    // Staff trained 2021: 266 of 273.
    let (_, trained, staff) = get("staff_trained_rate", "2021", "64");
    assert_eq!((trained, staff), (Some(266.0), Some(273.0)));
    // Fund: 3,486,900,000 in 2021 (the correction counted), 4,026,500,000 in 2020.
    assert_eq!(
        get("fund_raised_vnd", "2021", "64").0,
        Some(3_486_900_000.0)
    );
    assert_eq!(
        get("fund_raised_vnd", "2020", "64").0,
        Some(4_026_500_000.0)
    );
}

/// (check, rule, period, district, left value, right value)
type Finding = (String, String, String, String, Option<f64>, Option<f64>);

#[test]
fn data_quality_holds_exactly_the_planted_rule_failure_and_source_gap() {
    let df = read_parquet(
        &sample_run()
            .out
            .path()
            .join("indicators/data_quality.parquet"),
    );
    let s = |c: &str| -> Vec<String> {
        df.column(c)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or("").to_string())
            .collect()
    };
    let f = |c: &str| -> Vec<Option<f64>> { df.column(c).unwrap().f64().unwrap().iter().collect() };
    let mut found: Vec<Finding> = (0..df.height())
        .map(|i| {
            (
                s("check")[i].clone(),
                s("rule")[i].clone(),
                s("period")[i].clone(),
                s("district_code")[i].clone(),
                f("left_value")[i],
                f("right_value")[i],
            )
        })
        .collect();
    found.sort_by(|a, b| (&a.0, &a.1, &a.3).cmp(&(&b.0, &b.1, &b.3)));
    assert_eq!(
        found,
        vec![
            // 633 Chư Sê 2021: B2.03 = 4 supported of B2.02 = 3 abused children.
            (
                "form_rule".into(),
                "abused_supported_within_abused".into(),
                "2021".into(),
                "633".into(),
                Some(4.0),
                Some(3.0)
            ),
            // 624 Ayun Pa 2021: the form says 218 special children, the registry holds 156.
            (
                "source_gap".into(),
                "B1.02_vs_registry".into(),
                "2021".into(),
                "624".into(),
                Some(218.0),
                Some(156.0)
            ),
        ]
    );
    assert!(sample_run()
        .run
        .stderr()
        .contains("data quality: 2 findings (1 errors, 1 warnings)"));
}

#[test]
fn the_tcvn3_workbook_gives_the_values_the_generator_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let summary = treem::generate::generate(&treem::generate::GenerateOptions {
        profile: treem::generate::Profile::GiaLai,
        seed: 2021,
        out: dir.path().to_path_buf(),
    })
    .unwrap();
    let facts = summary.reports.iter().find(|r| r.period == "2021").unwrap();
    let df = common::parquet_files(&sample_run().out.path().join("ingested/district_reports"))
        .iter()
        .map(|p| read_parquet(p))
        .reduce(|a, b| a.vstack(&b).unwrap())
        .unwrap()
        .lazy()
        .filter(
            col("district_code")
                .eq(lit("625"))
                .and(col("period").eq(lit("2021"))),
        )
        .collect()
        .unwrap();
    assert_eq!(df.height(), 25, "every item of KBang's TCVN3 workbook");
    let items = df.column("item").unwrap().str().unwrap().clone();
    let values = df.column("value").unwrap().f64().unwrap().clone();
    for i in 0..df.height() {
        let item = items.get(i).unwrap();
        assert_eq!(
            values.get(i),
            facts.value(625, item).map(|v| v as f64),
            "{item}"
        );
    }
}
