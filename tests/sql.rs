//! `treem sql` over the clean tables and the indicators of a sample run: a GROUP BY on the
//! registry, a join of indicators with org units, CSV output, and a bad query exiting 2
//! with polars' message.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use common::{treem, REPO};

fn out() -> &'static common::Folder {
    static OUT: OnceLock<common::Folder> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = common::Folder::kept("sql");
        let out_arg = out.path().to_string_lossy().into_owned();
        treem(Path::new(REPO), &["run", "--out", &out_arg]).expect_code(0);
        out
    })
}

fn sql(query: &str, extra: &[&str]) -> common::Run {
    let out_arg = out().path().to_string_lossy().into_owned();
    let mut args = vec!["sql", query, "--out", &out_arg];
    args.extend_from_slice(extra);
    treem(Path::new(REPO), &args)
}

#[test]
fn counts_registry_rows_by_district_as_csv() {
    let run = sql(
        "SELECT district_code, count(*) AS n FROM registry GROUP BY 1 ORDER BY 1",
        &["--format", "csv"],
    );
    run.expect_code(0);
    let stdout = run.stdout();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "district_code,n");
    assert_eq!(lines.len(), 1 + 17, "{stdout}");
    // Every kept registry row is in some district: the counts add up to the ingested rows.
    let total: usize = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(1).unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(
        total,
        common::parquet_rows(&out().path().join("ingested/registry"))
    );
}

#[test]
fn joins_indicators_with_org_unit_names_in_a_table() {
    let run = sql(
        "SELECT o.name, i.numerator, i.denominator FROM indicators i \
         JOIN org_units o ON i.org_unit = o.code \
         WHERE i.indicator = 'special_support_rate' AND i.period = '2021' \
         AND i.breakdown IS NULL ORDER BY i.value",
        &[],
    );
    run.expect_code(0);
    let stdout = run.stdout();
    // Kông Chro is the lowest district, 226/237; the province line is Gia Lai, 5419/5518;
    // all 18 rows are shown, not elided.
    assert!(stdout.contains("Kông Chro"), "{stdout}");
    assert!(
        stdout.contains("226.0") && stdout.contains("237.0"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Gia Lai") && stdout.contains("5419.0"),
        "{stdout}"
    );
    assert!(stdout.contains("shape: (18, 3)"), "{stdout}");
    assert!(!stdout.contains('…'), "rows elided:\n{stdout}");
}

#[test]
fn a_bad_query_exits_2_with_polars_message() {
    let run = sql("SELECT nope FROM registry", &[]);
    run.expect_code(2);
    assert!(run.stderr().contains("nope"), "{}", run.stderr());
    assert!(!run.stderr().contains("panicked"), "{}", run.stderr());
    let run = sql("SELEC 1", &[]);
    run.expect_code(2);
    assert!(
        run.stderr().contains("The query failed"),
        "{}",
        run.stderr()
    );
}
