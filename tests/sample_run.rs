//! End to end on the bundled sample: `treem run` on `pipelines/gia_lai_2021.toml` writes
//! the clean and rejected tables, the counts it prints match what the Parquet holds, and
//! no child's name or raw id reaches any output.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{sample_run, REPO};
use treem::sources::headers::locate;
use treem::sources::tabular::read_tables;
use treem::sources::{cases, child_registry};

/// (read, kept, rejected, excluded) from the line the ingest step printed for `table`.
fn printed_counts(stderr: &str, table: &str) -> (usize, usize, usize, usize) {
    let line = common::log_texts(stderr)
        .into_iter()
        .find(|l| l.starts_with(&format!("{table}: ")))
        .unwrap_or_else(|| panic!("no count line for {table} in:\n{stderr}"));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    (numbers[0], numbers[1], numbers[2], numbers[3])
}

#[test]
fn printed_counts_add_up_and_match_the_parquet() {
    let s = sample_run();
    let stderr = s.run.stderr();
    for table in ["registry", "cases"] {
        let (read, kept, rejected, excluded) = printed_counts(&stderr, table);
        assert_eq!(read, kept + rejected + excluded, "{table}: {stderr}");
        assert!(kept > 0, "{table}");
        let ingested = common::parquet_rows(&s.out.path().join("ingested").join(table));
        assert_eq!(ingested, kept, "{table}: kept rows in Parquet");
        let rejected_df =
            common::read_parquet(&s.out.path().join(format!("rejected/{table}.parquet")));
        let outcomes: Vec<&str> = rejected_df
            .column("outcome")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap())
            .collect();
        // Whole-file problems are rows with row number 0; they are not data rows read.
        let rows: Vec<u32> = rejected_df
            .column("row")
            .unwrap()
            .u32()
            .unwrap()
            .iter()
            .map(|v| v.unwrap())
            .collect();
        let data_rows = |o: &str| {
            (0..outcomes.len())
                .filter(|&i| outcomes[i] == o && rows[i] > 0)
                .count()
        };
        assert_eq!(data_rows("rejected"), rejected, "{table}: rejected rows");
        assert_eq!(data_rows("excluded"), excluded, "{table}: excluded rows");
    }
}

#[test]
fn the_registry_is_hive_partitioned_by_year_and_holds_every_snapshot() {
    let s = sample_run();
    let registry = s.out.path().join("ingested/registry");
    let years: BTreeSet<String> = std::fs::read_dir(&registry)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        years,
        BTreeSet::from(["year=2020".to_string(), "year=2021".to_string()])
    );
    let mut snapshots = BTreeSet::new();
    for f in common::parquet_files(&registry) {
        let df = common::read_parquet(&f);
        for v in df
            .column("snapshot_date")
            .unwrap()
            .as_materialized_series()
            .iter()
        {
            snapshots.insert(v.to_string());
        }
    }
    assert_eq!(
        snapshots,
        BTreeSet::from([
            "2020-12-31".to_string(),
            "2021-06-30".to_string(),
            "2021-12-31".to_string()
        ])
    );
}

/// Names and raw ids as the sample's source files hold them.
fn personal_values() -> BTreeSet<String> {
    let mut values = BTreeSet::new();
    let no_aliases = |_: &str| Vec::new();
    for (folder, specs) in [
        ("sample_data/child_registry", &child_registry::COLUMNS[..]),
        ("sample_data/cases", cases::COLUMNS),
    ] {
        for path in common::all_files(&Path::new(REPO).join(folder)) {
            let Ok(tables) = read_tables(&path) else {
                continue;
            };
            let Ok((table, map)) = locate(&tables, specs, &no_aliases) else {
                continue;
            };
            for row in &table.rows[map.header_index + 1..] {
                for column in ["name", "child_id", "case_id"] {
                    let v = map.cell(row, column);
                    if v.chars().count() >= 5 {
                        values.insert(v.to_string());
                    }
                }
            }
        }
    }
    values
}

#[test]
fn no_name_or_raw_id_reaches_any_output() {
    let s = sample_run();
    let personal = personal_values();
    assert!(
        personal.len() > 1000,
        "the sample has names and ids to look for"
    );
    let mut texts: Vec<(String, String)> = vec![
        ("stderr".into(), s.run.stderr()),
        ("stdout".into(), s.run.stdout()),
    ];
    for path in common::all_files(s.out.path()) {
        let label = path.display().to_string();
        if path.extension().is_some_and(|e| e == "parquet") {
            // Parquet pages are compressed: look at the decoded cells, not the bytes.
            let df = common::read_parquet(&path);
            texts.push((label.clone(), common::string_cells(&df).join("\n")));
            texts.push((
                label.clone(),
                df.get_column_names()
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ));
        }
        texts.push((
            label,
            String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned(),
        ));
    }
    // One pass per text over all ~60,000 names and ids at once.
    let searcher = aho_corasick::AhoCorasick::new(&personal).unwrap();
    for (label, text) in &texts {
        assert!(
            searcher.find(text.as_str()).is_none(),
            "{label} contains a personal value"
        );
    }
}

/// (file name, row, reason, column) of every rejected or excluded row of `table`.
fn rejected_rows(table: &str) -> BTreeSet<(String, u32, String, String)> {
    let path = sample_run()
        .out
        .path()
        .join(format!("rejected/{table}.parquet"));
    common::rejected_rows(&path)
        .into_iter()
        .map(|r| (r.file_name, r.row, r.reason, r.column))
        .collect()
}

#[test]
fn the_faults_planted_in_the_sample_are_exactly_the_rows_rejected() {
    // The list in sample_data/README.md, "Planted faults".
    let expected = |rows: &[(&str, u32, &str, &str)]| -> BTreeSet<(String, u32, String, String)> {
        rows.iter()
            .map(|(f, r, why, c)| (f.to_string(), *r, why.to_string(), c.to_string()))
            .collect()
    };
    assert_eq!(
        rejected_rows("registry"),
        expected(&[
            ("tre_em_pleiku_31122020.xlsx", 293, "aged_out", "birth_date"),
            (
                "tre_em_ia_grai_30062021.xlsx",
                302,
                "missing_value",
                "child_id"
            ),
            (
                "tre_em_chu_se_30062021.csv",
                780,
                "unknown_org_unit",
                "commune"
            ),
            ("tre_em_an_khe_31122021.csv", 44, "bad_date", "birth_date"),
            (
                "tre_em_dak_doa_31122021.xlsx",
                14,
                "unknown_org_unit",
                "commune_code"
            ),
            (
                "tre_em_krong_pa_31122021.csv",
                539,
                "duplicate_id",
                "child_id"
            ),
        ])
    );
    assert_eq!(
        rejected_rows("cases"),
        expected(&[
            (
                "vu_viec_2020_6_thang_cuoi.xlsx",
                142,
                "date_order",
                "occurred_on"
            ),
            ("vu_viec_2021_quy_2.csv", 113, "duplicate_id", "case_id"),
        ])
    );
}
