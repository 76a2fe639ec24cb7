//! The sample-data generator, black-box: same seed gives the same bytes, and the planted
//! facts and faults can be read back from the files themselves (CSV in three encodings and
//! xlsx), independently of the generator's own bookkeeping.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{Datelike, Duration, NaiveDate};
use treem::generate::{generate, FaultKind, GenerateOptions, GenerateSummary, Profile};
use unicode_normalization::UnicodeNormalization;

fn run(seed: u64, out: &Path) -> GenerateSummary {
    let opts = GenerateOptions {
        profile: Profile::GiaLai,
        seed,
        out: out.to_path_buf(),
    };
    match generate(&opts) {
        Ok(s) => s,
        Err(e) => panic!("generate into {} failed: {e}", out.display()),
    }
}

fn tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).expect("under root").to_path_buf();
                files.insert(rel, std::fs::read(&path).expect("readable file"));
            }
        }
    }
    files
}

#[test]
fn same_seed_gives_byte_identical_files() {
    let base =
        std::env::temp_dir().join(format!("treem-generate-determinism-{}", std::process::id()));
    let (a, b, c) = (base.join("a"), base.join("b"), base.join("c"));
    let sa = run(2021, &a);
    let sb = run(2021, &b);
    assert_eq!(sa, sb);
    let (ta, tb) = (tree(&a), tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (path, bytes) in &ta {
        assert!(
            tb[path] == *bytes,
            "{} differs between two runs",
            path.display()
        );
    }
    run(7, &c);
    assert_ne!(tree(&c), ta, "another seed should give other data");
    std::fs::remove_dir_all(&base).expect("clean up");
}

// ---------------------------------------------------------------------------------------
// Reading the files back

/// Header → value for every data row of a file, text NFC, dates as the text or the serial
/// number the file holds.
struct Sheet {
    rows: Vec<BTreeMap<String, String>>,
    encoding: &'static str,
}

fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| if c == 'đ' || c == 'Đ' { 'd' } else { c })
        .collect::<String>()
        .to_lowercase()
}

fn read(path: &Path) -> Sheet {
    let (headers, rows, encoding) = if path.extension().is_some_and(|e| e == "xlsx") {
        let mut wb: Xlsx<_> = open_workbook(path).expect("workbook opens");
        let range = wb
            .worksheet_range_at(0)
            .expect("a sheet")
            .expect("sheet reads");
        let mut it = range
            .rows()
            .map(|r| r.iter().map(cell_text).collect::<Vec<_>>());
        let headers = it.next().expect("header row");
        (headers, it.collect::<Vec<_>>(), "xlsx")
    } else {
        let bytes = std::fs::read(path).expect("readable");
        let (text, encoding) = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
            (
                String::from_utf8(rest.to_vec()).expect("utf-8"),
                "utf-8-bom",
            )
        } else if let Ok(s) = String::from_utf8(bytes.clone()) {
            (s, "utf-8")
        } else {
            let (s, _, bad) = encoding_rs::WINDOWS_1258.decode(&bytes);
            assert!(!bad, "{} is no Windows-1258", path.display());
            (s.into_owned(), "windows-1258")
        };
        let text: String = text.nfc().collect();
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let mut all = r.records().map(|rec| {
            rec.expect("csv record")
                .iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        });
        let headers = all.next().expect("header row");
        (headers, all.collect(), encoding)
    };
    let keys: Vec<String> = headers.iter().map(|h| fold(h)).collect();
    let rows = rows
        .into_iter()
        .map(|r| keys.iter().cloned().zip(r).collect())
        .collect();
    Sheet { rows, encoding }
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => treem_number(*f),
        Data::Int(i) => i.to_string(),
        Data::DateTime(dt) => format!("cell:{}", treem_number(dt.as_f64())),
        other => other.to_string(),
    }
}

fn treem_number(f: f64) -> String {
    if f.fract() == 0.0 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn get<'a>(row: &'a BTreeMap<String, String>, key: &str) -> &'a str {
    row.get(key).map_or("", String::as_str)
}

/// Parses every date form the sample uses; `None` for an impossible one.
fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let serial = |n: f64| {
        NaiveDate::from_ymd_opt(1899, 12, 30).map(|e| e + Duration::days(n.floor() as i64))
    };
    if let Some(n) = s.strip_prefix("cell:") {
        return serial(n.parse().ok()?);
    }
    if let Ok(n) = s.parse::<f64>() {
        return serial(n);
    }
    let date = s.split(' ').next()?;
    NaiveDate::parse_from_str(date, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(date, "%Y-%m-%d"))
        .ok()
}

fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

fn files_under<'a>(
    summary: &'a GenerateSummary,
    prefix: &'a str,
) -> impl Iterator<Item = &'a PathBuf> {
    summary
        .files
        .iter()
        .map(|(p, _)| p)
        .filter(move |p| p.starts_with(prefix))
}

#[test]
fn sample_read_back_matches_the_planted_facts_and_faults() {
    let out = std::env::temp_dir().join(format!("treem-generate-readback-{}", std::process::id()));
    let summary = run(2021, &out);
    let sheets: BTreeMap<PathBuf, Sheet> = summary
        .files
        .iter()
        .map(|(p, _)| (p.clone(), read(&out.join(p))))
        .collect();
    for (p, rows) in &summary.files {
        assert_eq!(sheets[p].rows.len(), *rows, "data rows of {}", p.display());
    }
    let faulty: BTreeSet<(PathBuf, usize)> = summary
        .faults
        .iter()
        .map(|f| (f.file.clone(), f.row))
        .collect();

    check_registry(&summary, &sheets, &faulty);
    check_cases(&summary, &sheets);
    check_faults(&summary, &sheets);
    check_mess(&sheets);

    let bytes: usize = tree(&out)
        .iter()
        .filter(|(p, _)| p.starts_with("child_registry") || p.starts_with("cases"))
        .map(|(_, b)| b.len())
        .sum();
    assert!(
        bytes < 8 * 1024 * 1024,
        "registry and cases take {bytes} bytes"
    );
    std::fs::remove_dir_all(&out).expect("clean up");
}

fn check_registry(
    summary: &GenerateSummary,
    sheets: &BTreeMap<PathBuf, Sheet>,
    faulty: &BTreeSet<(PathBuf, usize)>,
) {
    assert_eq!(summary.snapshots.len(), 3);
    let mut ids_by_snapshot: Vec<BTreeSet<String>> = Vec::new();
    for facts in &summary.snapshots {
        let folder = format!("child_registry/{}", facts.date.format("%Y-%m-%d"));
        let (mut special, mut supported, mut at_risk) = (0usize, 0usize, 0usize);
        let mut ids = BTreeSet::new();
        let files: Vec<&PathBuf> = files_under(summary, &folder).collect();
        assert_eq!(files.len(), 17, "one file per district in {folder}");
        for path in files {
            let (mut d_special, mut d_supported) = (0usize, 0usize);
            for (i, row) in sheets[path].rows.iter().enumerate() {
                if faulty.contains(&(path.clone(), i + 2)) {
                    continue;
                }
                let id = get(row, "ma tre em").to_string();
                assert!(!id.is_empty(), "{} row {}: blank id", path.display(), i + 2);
                assert!(
                    ids.insert(id.clone()),
                    "{} row {}: duplicate id {id}",
                    path.display(),
                    i + 2
                );
                let birth = parse_date(get(row, "ngay sinh"))
                    .unwrap_or_else(|| panic!("{} row {}: bad birth date", path.display(), i + 2));
                assert!(
                    age_on(birth, facts.date) < 16,
                    "{} row {}: aged out",
                    path.display(),
                    i + 2
                );
                let updated = parse_date(get(row, "ngay cap nhat")).expect("update date");
                assert!(updated <= facts.date && updated >= birth);
                let is_special = !get(row, "nhom hoan canh dac biet").is_empty();
                let yes = get(row, "da duoc tro giup") == "Có";
                assert_eq!(yes, !get(row, "hinh thuc tro giup").is_empty());
                if is_special {
                    d_special += 1;
                    d_supported += usize::from(yes);
                } else {
                    at_risk += 1;
                    assert!(matches!(get(row, "co nguy co"), "Có" | "x"));
                }
            }
            let rate = d_supported as f64 / d_special as f64;
            assert!(
                (0.95..=1.0).contains(&rate),
                "{}: district rate {rate}",
                path.display()
            );
            special += d_special;
            supported += d_supported;
        }
        assert_eq!(special, facts.special_children);
        assert_eq!(supported, facts.special_supported);
        assert_eq!(at_risk, facts.at_risk_rows);
        ids_by_snapshot.push(ids);
    }
    let rates: Vec<f64> = summary
        .snapshots
        .iter()
        .map(|s| s.special_support_rate())
        .collect();
    assert!(
        (0.980..0.985).contains(&rates[2]),
        "2021-12-31 rate {}",
        rates[2]
    );
    assert!(
        (0.965..0.975).contains(&rates[0]),
        "2020-12-31 rate {}",
        rates[0]
    );
    assert!(rates[0] < rates[1] && rates[1] < rates[2]);
    let special: Vec<usize> = summary
        .snapshots
        .iter()
        .map(|s| s.special_children)
        .collect();
    assert!((5_300..5_700).contains(&special[2]) && special[0] < special[2]);
    // Children keep their id across snapshots, and some come and go.
    let kept = ids_by_snapshot[0].intersection(&ids_by_snapshot[2]).count();
    assert!(kept > ids_by_snapshot[0].len() * 3 / 4);
    assert!(kept < ids_by_snapshot[0].len());
}

fn check_cases(summary: &GenerateSummary, sheets: &BTreeMap<PathBuf, Sheet>) {
    for facts in &summary.case_years {
        let folder = format!("cases/{}", facts.year);
        let mut injured = BTreeSet::new();
        let mut deaths = BTreeSet::new();
        let mut abused = BTreeSet::new();
        for path in files_under(summary, &folder) {
            for row in &sheets[path].rows {
                let child = get(row, "ma tre em").to_string();
                assert!(!child.is_empty());
                match get(row, "loai vu viec") {
                    "Tai nạn thương tích" => {
                        if get(row, "hau qua") == "Tử vong" {
                            deaths.insert(child.clone());
                        }
                        injured.insert(child);
                    }
                    "Xâm hại" => {
                        abused.insert(child);
                    }
                    other => panic!("unknown case kind {other:?}"),
                }
            }
        }
        assert_eq!(injured.len(), facts.injured_children);
        assert_eq!(deaths.len(), facts.injury_deaths);
        assert_eq!(abused.len(), facts.abused_children);
    }
    let [y2020, y2021] = [&summary.case_years[0], &summary.case_years[1]];
    assert!((430..470).contains(&y2020.injured_children));
    assert!((380..420).contains(&y2021.injured_children));
    assert!((50..60).contains(&y2020.abused_children));
    assert!(y2021.abused_children < y2020.abused_children);
    for y in [y2020, y2021] {
        let share = y.injury_deaths as f64 / y.injured_children as f64;
        assert!((0.06..0.10).contains(&share), "death share {share}");
        let small = y
            .abused_children_by_district
            .iter()
            .filter(|(_, n)| *n < 5)
            .count();
        assert!(small >= 5, "several districts below 5 abused children");
        assert!(y.abused_children_intervened < y.abused_children);
    }
}

fn check_faults(summary: &GenerateSummary, sheets: &BTreeMap<PathBuf, Sheet>) {
    let kinds: BTreeSet<String> = summary
        .faults
        .iter()
        .map(|f| format!("{:?}", f.kind))
        .collect();
    assert_eq!(kinds.len(), 7, "every kind of fault is planted: {kinds:?}");
    let rows: usize = summary.files.iter().map(|(_, n)| n).sum();
    assert!(
        summary.faults.len() * 200 <= rows,
        "faults stay under 0.5 % of rows"
    );
    for f in &summary.faults {
        let sheet = &sheets[&f.file];
        let row = &sheet.rows[f.row - 2];
        let what = format!("{} row {}", f.file.display(), f.row);
        match f.kind {
            FaultKind::UnknownCommune => assert!(
                get(row, "ma xa") == "99999" || get(row, "xa") == "Xã Không Có",
                "{what}"
            ),
            FaultKind::ImpossibleDate => assert_eq!(get(row, "ngay sinh"), "31/02/2021", "{what}"),
            FaultKind::MissingChildId => assert_eq!(get(row, "ma tre em"), "", "{what}"),
            FaultKind::DuplicateChildId => {
                let id = get(row, "ma tre em");
                let n = sheet
                    .rows
                    .iter()
                    .filter(|r| get(r, "ma tre em") == id)
                    .count();
                assert_eq!(n, 2, "{what}");
            }
            FaultKind::AgedOut => {
                let date = f
                    .file
                    .parent()
                    .and_then(|p| p.file_name())
                    .expect("snapshot folder");
                let on =
                    NaiveDate::parse_from_str(&date.to_string_lossy(), "%Y-%m-%d").expect("date");
                let birth = parse_date(get(row, "ngay sinh")).expect("birth date");
                assert!(age_on(birth, on) >= 16, "{what}");
            }
            FaultKind::DuplicateCaseId => {
                let id = get(row, "ma vu viec");
                let n = sheet
                    .rows
                    .iter()
                    .filter(|r| get(r, "ma vu viec") == id)
                    .count();
                assert_eq!(n, 2, "{what}");
            }
            FaultKind::OccurredAfterReported => {
                let occurred = parse_date(get(row, "ngay xay ra")).expect("occurred");
                let reported = parse_date(get(row, "thoi diem tiep nhan")).expect("reported");
                assert!(occurred > reported, "{what}");
            }
        }
    }
}

/// The variety the ingestion must cope with is really in the files.
fn check_mess(sheets: &BTreeMap<PathBuf, Sheet>) {
    let encodings: BTreeSet<&str> = sheets.values().map(|s| s.encoding).collect();
    for e in ["xlsx", "utf-8", "utf-8-bom", "windows-1258"] {
        assert!(encodings.contains(e), "no file in {e}");
    }
    let registry: Vec<&Sheet> = sheets
        .iter()
        .filter(|(p, _)| p.starts_with("child_registry"))
        .map(|(_, s)| s)
        .collect();
    let names_only = registry
        .iter()
        .filter(|s| s.rows.iter().all(|r| get(r, "ma xa").is_empty()))
        .count();
    assert!(
        names_only >= 6,
        "files giving commune names only: {names_only}"
    );
    let caps = registry
        .iter()
        .filter(|s| s.rows.first().is_some_and(|r| r.contains_key("ghi chu")))
        .count();
    assert_eq!(caps, 1);
    let group_names = registry
        .iter()
        .filter(|s| {
            s.rows
                .iter()
                .any(|r| get(r, "nhom hoan canh dac biet").starts_with("Trẻ em"))
        })
        .count();
    assert!(group_names >= 3);
}

/// The committed `sample_data/` must be what `--seed 2021` generates today; after a
/// deliberate change, regenerate it with `cargo run --example generate`.
#[test]
fn committed_sample_is_what_seed_2021_generates() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let out = std::env::temp_dir().join(format!("treem-generate-committed-{}", std::process::id()));
    run(2021, &out);
    let fresh = tree(&out);
    let mut saved = tree(&committed);
    saved.remove(Path::new("README.md"));
    assert_eq!(
        fresh.keys().collect::<Vec<_>>(),
        saved.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &fresh {
        assert!(
            saved[path] == *bytes,
            "sample_data/{} is stale: run `cargo run --example generate`",
            path.display()
        );
    }
    std::fs::remove_dir_all(&out).expect("clean up");
}
