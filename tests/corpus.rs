//! Files written by real programs (tests/corpus/README.md, "Written by LibreOffice"): small
//! cuts of the sample re-saved by LibreOffice as other formats, separators, encodings and
//! locales. Each is ingested alone, as the only file of its source in a fresh project, and
//! must give the same clean rows (and the same rejected rows) as the file it was made from
//! — or the rejection its README entry names. The files are committed; nothing here needs
//! LibreOffice.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use common::{read_parquet, Project, REPO};

/// The corpus folder.
fn corpus(name: &str) -> PathBuf {
    Path::new(REPO).join("tests/corpus/libreoffice").join(name)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Source {
    Registry,
    Cases,
    Fund,
    Reports,
}

impl Source {
    fn table(self) -> &'static str {
        match self {
            Source::Registry => "registry",
            Source::Cases => "cases",
            Source::Fund => "fund",
            Source::Reports => "district_reports",
        }
    }

    /// Where a file of this source goes in a project: the registry's folder names its
    /// snapshot, the reports' their period.
    fn folder(self) -> &'static str {
        match self {
            Source::Registry => "data/child_registry/2021-12-31",
            Source::Cases => "data/cases/2020",
            Source::Fund => "data/fund",
            Source::Reports => "data/district_reports/2021",
        }
    }
}

/// The originals, from the repository's root: cuts of the sample, or sample files.
const REGISTRY: &str = "tests/corpus/libreoffice/originals/registry.csv";
const CASES: &str = "tests/corpus/libreoffice/originals/cases.csv";
const FUND_2021: &str = "sample_data/fund/quy_bao_tro_tre_em_2021.csv";
const FUND_2020: &str = "sample_data/fund/quy_bao_tro_tre_em_2020.xlsx";
const REPORT_627: &str = "sample_data/district_reports/2021/bao_cao_627_chu_pah_2021.xlsx";
const REPORT_625: &str = "sample_data/district_reports/2021/bao_cao_625_kbang_2021.xlsx";

/// (reason, row, column, outcome) of a rejected row.
type Rejected = (String, u32, String, String);

/// What ingesting one file gave: every clean row as the text of its cells, sorted (the
/// input's own path left out), and every rejected row, sorted.
#[derive(Debug)]
struct Outcome {
    rows: Vec<Vec<String>>,
    rejected: Vec<Rejected>,
    /// What each rejected row says.
    details: Vec<String>,
    /// The step's count line for the table, `… rows read = … kept + …`.
    counts: String,
}

/// Ingests `file` alone as a file of `source` in a fresh project; the run exits 0.
fn ingest(source: Source, file: &Path) -> Outcome {
    ingest_expecting(source, file, 0)
}

/// The same, the run exiting `code` (3 when the file is refused whole: the data-quality
/// gate fails on a file of which nothing was taken).
fn ingest_expecting(source: Source, file: &Path, code: i32) -> Outcome {
    let p = Project::new();
    p.with_reports_and_fund();
    // Every format of the report folder, not only `.xlsx`: the corpus has `.xls`, `.ods`
    // and `.csv`, as the shipped pipelines take them.
    let pipeline = std::fs::read_to_string(p.path("pipelines/p.toml")).unwrap();
    p.file(
        "pipelines/p.toml",
        &pipeline.replace(
            "district_reports/*/*.xlsx",
            "district_reports/*/*.{xlsx,xlsm,xls,ods,csv}",
        ),
    );
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let bytes = std::fs::read(file).unwrap();
    p.bytes(&format!("{}/{name}", source.folder()), &bytes);
    let run = p.run(&["--only", "ingest"]);
    run.expect_code(code);
    let table = source.table();
    let stderr = run.stderr();
    let counts = common::log_texts(&stderr)
        .into_iter()
        .find(|l| l.starts_with(&format!("{table}: ")))
        .unwrap_or_default()
        .to_string();
    let mut rows = Vec::new();
    for part in common::parquet_files(&p.out(&format!("ingested/{table}"))) {
        let df = read_parquet(&part);
        for i in 0..df.height() {
            let row: Vec<String> = df
                .columns()
                .iter()
                .filter(|c| c.name().as_str() != "file")
                .map(|c| format!("{}={}", c.name(), c.get(i).unwrap()))
                .collect();
            rows.push(row);
        }
    }
    rows.sort();
    let rejected = read_parquet(&p.out(&format!("rejected/{table}.parquet")));
    let details = rejected.column("detail").unwrap().str().unwrap().clone();
    Outcome {
        rows,
        rejected: p.rejections(table),
        details: details
            .iter()
            .map(|d| d.unwrap_or("").to_string())
            .collect(),
        counts,
    }
}

/// The outcome of an original, ingested once for all the tests that compare with it.
fn original(source: Source, path: &str) -> &'static Outcome {
    static SEEN: OnceLock<Mutex<HashMap<String, &'static Outcome>>> = OnceLock::new();
    let seen = SEEN.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(outcome) = seen.lock().unwrap().get(path) {
        return outcome;
    }
    let outcome: &'static Outcome =
        Box::leak(Box::new(ingest(source, &Path::new(REPO).join(path))));
    seen.lock().unwrap().insert(path.to_string(), outcome);
    outcome
}

/// `variant` (a corpus file) gives the clean and rejected rows of `original` (a path from
/// the repository's root), which has `kept` clean rows.
fn same_rows(source: Source, variant: &str, original_path: &str, kept: usize) {
    let expected = original(source, original_path);
    assert_eq!(
        expected.rows.len(),
        kept,
        "{original_path}: {}",
        expected.counts
    );
    let got = ingest(source, &corpus(variant));
    if let Some((i, (g, e))) = got
        .rows
        .iter()
        .zip(&expected.rows)
        .enumerate()
        .find(|(_, (g, e))| g != e)
    {
        panic!("{variant}: clean row {i} (sorted) differs from {original_path}'s:\n  got      {g:?}\n  expected {e:?}\n{}", got.counts);
    }
    assert_eq!(
        got.rows.len(),
        expected.rows.len(),
        "{variant}: {} against {original_path}: {}",
        got.counts,
        expected.counts
    );
    assert_eq!(got.rejected, expected.rejected, "{variant}: {}", got.counts);
}

/// [`same_rows`], the expected rows edited by `edit` first: what the program that wrote
/// the variant changed in the data itself.
fn same_rows_but(
    source: Source,
    variant: &str,
    original_path: &str,
    kept: usize,
    edit: fn(&str) -> String,
) {
    let expected = original(source, original_path);
    assert_eq!(expected.rows.len(), kept, "{original_path}");
    let mut edited: Vec<Vec<String>> = expected
        .rows
        .iter()
        .map(|row| row.iter().map(|cell| edit(cell)).collect())
        .collect();
    edited.sort();
    assert_ne!(edited, expected.rows, "the edit changes something");
    let got = ingest(source, &corpus(variant));
    assert_eq!(got.rows, edited, "{variant}: {}", got.counts);
    assert_eq!(got.rejected, expected.rejected, "{variant}: {}", got.counts);
}

/// `variant` is refused as a whole file: one rejected row, row 0, with `reason`, and a
/// detail containing `says`.
fn refused(source: Source, variant: &str, reason: &str, says: &str) {
    let got = ingest_expecting(source, &corpus(variant), 3);
    assert!(got.rows.is_empty(), "{variant}: {}", got.counts);
    let reasons: Vec<(&str, u32)> = got.rejected.iter().map(|r| (r.0.as_str(), r.1)).collect();
    assert_eq!(reasons, vec![(reason, 0)], "{variant}: {}", got.counts);
    assert!(
        got.details.iter().any(|d| d.contains(says)),
        "{variant}: {:?}",
        got.details
    );
}

#[test]
fn the_originals_give_their_known_rows() {
    let cases = [
        (Source::Registry, REGISTRY, 30, 30),
        (Source::Cases, CASES, 20, 20),
        (Source::Fund, FUND_2021, 95, 95),
        (Source::Fund, FUND_2020, 88, 88),
        (Source::Reports, REPORT_627, 25, 25),
        (Source::Reports, REPORT_625, 25, 25),
    ];
    for (source, path, read, kept) in cases {
        let o = original(source, path);
        assert_eq!(o.rows.len(), kept, "{path}: {}", o.counts);
        assert!(o.rejected.is_empty(), "{path}: {:?}", o.rejected);
        if source != Source::Reports {
            let counts = format!("{read} rows read = {kept} kept + 0 rejected + 0 excluded");
            assert!(o.counts.contains(&counts), "{path}: {}", o.counts);
        }
    }
}

macro_rules! same_rows_as {
    ($($(#[$attr:meta])* $name:ident: $source:ident $variant:literal = $original:expr, $kept:literal;)*) => {
        $(
            $(#[$attr])*
            #[test]
            fn $name() {
                same_rows(Source::$source, $variant, $original, $kept);
            }
        )*
    };
}

same_rows_as! {
    registry_xlsx: Registry "registry.xlsx" = REGISTRY, 30;
    registry_xls: Registry "registry.xls" = REGISTRY, 30;
    registry_ods: Registry "registry.ods" = REGISTRY, 30;
    registry_semicolon: Registry "registry_semicolon.csv" = REGISTRY, 30;
    registry_utf16: Registry "registry_utf16.csv" = REGISTRY, 30;
    registry_utf16_tab: Registry "registry_utf16_tab.txt" = REGISTRY, 30;
    /// Dates saved as a Vietnamese office shows them: `03/01/18`.
    registry_dates_as_shown: Registry "registry_dates_as_shown.csv" = REGISTRY, 30;
    /// Date-times as serials: 13:22 once read back as 13:21:59; rounded to the second now.
    cases_xlsx: Cases "cases.xlsx" = CASES, 20;
    cases_xls: Cases "cases.xls" = CASES, 20;
    cases_ods: Cases "cases.ods" = CASES, 20;
    cases_semicolon: Cases "cases_semicolon.csv" = CASES, 20;
    cases_utf16: Cases "cases_utf16.csv" = CASES, 20;
    cases_utf16_tab: Cases "cases_utf16_tab.txt" = CASES, 20;
    cases_cp1258: Cases "cases_cp1258.csv" = CASES, 20;
    /// Dates and times saved as a Vietnamese office shows them: `01/01/20 07:30 sáng`,
    /// `02/01/20 06:44 chiều`.
    cases_dates_as_shown: Cases "cases_dates_as_shown.csv" = CASES, 20;
    fund_2021_xlsx: Fund "fund_2021.xlsx" = FUND_2021, 95;
    fund_2021_xls: Fund "fund_2021.xls" = FUND_2021, 95;
    fund_2021_ods: Fund "fund_2021.ods" = FUND_2021, 95;
    fund_2021_semicolon: Fund "fund_2021_semicolon.csv" = FUND_2021, 95;
    fund_2021_utf16: Fund "fund_2021_utf16.csv" = FUND_2021, 95;
    fund_2021_cp1258: Fund "fund_2021_cp1258.csv" = FUND_2021, 95;
    fund_2020_xls: Fund "fund_2020.xls" = FUND_2020, 88;
    fund_2020_ods: Fund "fund_2020.ods" = FUND_2020, 88;
    fund_2020_grouped: Fund "fund_2020_grouped.xlsx" = FUND_2020, 88;
    fund_2020_vietnamese_locale: Fund "fund_2020_vietnamese_locale.csv" = FUND_2020, 88;
    report_627_xlsx: Reports "report_627.xlsx" = REPORT_627, 25;
    report_627_xls: Reports "report_627.xls" = REPORT_627, 25;
    report_627_ods: Reports "report_627.ods" = REPORT_627, 25;
    report_625_tcvn3_xls: Reports "report_625_tcvn3.xls" = REPORT_625, 25;
    report_625_tcvn3_ods: Reports "report_625_tcvn3.ods" = REPORT_625, 25;
}

/// LibreOffice 7.4 writes "ý" in Windows-1258 as "y" and 0xCC, the combining grave
/// (U+0300), where the acute is 0xEC: the file itself says "tâm lỳ", and treem reads
/// what the file says. Every other letter and every row is as in the original.
#[test]
fn registry_cp1258() {
    let bytes = std::fs::read(corpus("registry_cp1258.csv")).unwrap();
    assert!(
        bytes.windows(5).any(|w| w == b"m ly\xcc"),
        "the writer's slip"
    );
    same_rows_but(
        Source::Registry,
        "registry_cp1258.csv",
        REGISTRY,
        30,
        |cell| cell.replace("tâm lý", "tâm lỳ"),
    );
}

/// Saved in Windows-1252, every Vietnamese letter outside that code page is a "?": the
/// headers are no longer Vietnamese, so the file is refused as a whole, not read garbled.
#[test]
fn registry_windows_1252() {
    refused(
        Source::Registry,
        "registry_windows_1252.csv",
        "missing_columns",
        "no header row with the columns",
    );
}

/// A report workbook's first sheet saved as CSV has no sheets: no form can be found.
#[test]
fn report_627_csv() {
    refused(
        Source::Reports,
        "report_627.csv",
        "missing_sheet",
        "No sheet of forms 1–4",
    );
}

/// Saved on an English-locale office: `"800,000"` beside `"13,000,000"`, each the amount
/// in đồng (800 and 900 đồng before whole-number columns were read as one).
#[test]
fn fund_2020_english_locale() {
    let text = std::fs::read_to_string(corpus("fund_2020_english_locale.csv")).unwrap();
    for amount in ["\"800,000\"", "\"900,000\"", "\"13,000,000\""] {
        assert!(text.contains(amount), "{amount}");
    }
    same_rows(Source::Fund, "fund_2020_english_locale.csv", FUND_2020, 88);
}
