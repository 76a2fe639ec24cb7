//! Shared test harness: the real binary run in a fresh temporary folder, and small
//! pipelines built from a few CSV lines. On failure a run prints its command, stdout and
//! stderr, so a red test says what happened.

#![allow(dead_code)]

pub mod pack;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use polars::prelude::*;

pub const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// The result of running the binary, with what it printed.
pub struct Run {
    pub command: String,
    pub output: Output,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    /// Panics with the whole story unless the exit code is `code`.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code(),
            code,
            "`{}` exited {} (expected {code})\n--- stdout\n{}\n--- stderr\n{}",
            self.command,
            self.code(),
            self.stdout(),
            self.stderr()
        );
        self
    }
}

/// A folder a test writes into: a temporary one, removed when dropped, or — for what all
/// the tests of a binary share from a `static`, which is never dropped, so a temporary
/// folder would be left behind in /tmp by every run — one kept under cargo's `target/tmp`,
/// emptied when the binary first asks for it.
pub enum Folder {
    Temporary(tempfile::TempDir),
    Kept(PathBuf),
}

impl Folder {
    pub fn temporary() -> Self {
        Folder::Temporary(tempfile::tempdir().expect("temp dir"))
    }

    /// `target/tmp/<test binary>-<name>-<process id>`, empty. The process id keeps two
    /// runs of the same binary at once (a developer's and CI's) apart; the folders of runs
    /// whose process has ended are removed here, so they do not pile up.
    pub fn kept(name: &str) -> Self {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let prefix = format!("{}-{name}-", env!("CARGO_CRATE_NAME"));
        if let Ok(entries) = std::fs::read_dir(root) {
            for entry in entries.flatten() {
                let file_name = entry.file_name().to_string_lossy().into_owned();
                let Some(pid) = file_name.strip_prefix(&prefix) else {
                    continue;
                };
                let ended = Path::new("/proc").is_dir() && !Path::new("/proc").join(pid).exists();
                if ended {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let dir = root.join(format!("{prefix}{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a folder under target/tmp");
        Folder::Kept(dir)
    }

    pub fn path(&self) -> &Path {
        match self {
            Folder::Temporary(dir) => dir.path(),
            Folder::Kept(dir) => dir,
        }
    }
}

/// One run of the whole pipeline on the bundled sample, shared by the tests of a test
/// binary.
pub struct SampleRun {
    pub out: Folder,
    pub run: Run,
}

pub fn sample_run() -> &'static SampleRun {
    static RUN: std::sync::OnceLock<SampleRun> = std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let out = Folder::kept("sample-run");
        let out_arg = out.path().to_string_lossy().into_owned();
        let run = treem(Path::new(REPO), &["run", "--out", &out_arg]);
        run.expect_code(0);
        SampleRun { out, run }
    })
}

/// Runs `treem ARGS` from `cwd`.
pub fn treem(cwd: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_treem"))
        .args(args)
        .current_dir(cwd)
        .env("TREEM_SECRET_KEY", "a test secret that is long enough")
        // The ledger of key ids goes to a folder of the tests', not the user's ~/.config.
        .env(
            "TREEM_KEY_DIR",
            std::env::temp_dir().join("treem-test-keys"),
        )
        .output()
        .expect("the treem binary runs");
    Run {
        command: format!("treem {}", args.join(" ")),
        output,
    }
}

/// A line of a run's log without the time and level that open it off a terminal
/// (`2026-12-05T01:00:02.417Z INFO  registry: …` → `registry: …`), and the level; a line
/// without them (a terminal's) as it is, with no level.
pub fn log_line(line: &str) -> (Option<&str>, &str) {
    let Some((time, rest)) = line.split_once(' ') else {
        return (None, line);
    };
    if chrono::DateTime::parse_from_rfc3339(time).is_err() || rest.len() < 6 {
        return (None, line);
    }
    let (level, text) = rest.split_at(6);
    match ["ERROR", "WARN", "INFO", "DEBUG"].contains(&level.trim_end()) {
        true => (Some(level.trim_end()), text),
        false => (None, line),
    }
}

/// The text of every line of a run's log, times and levels left out.
pub fn log_texts(stderr: &str) -> Vec<&str> {
    stderr.lines().map(|l| log_line(l).1).collect()
}

/// Rows of every Parquet file under `dir` (hive folders included).
pub fn parquet_rows(dir: &Path) -> usize {
    parquet_files(dir)
        .iter()
        .map(|p| read_parquet(p).height())
        .sum()
}

pub fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    files_with_extension(dir, "parquet")
}

/// Every file under `dir` whose extension is `extension`, sorted.
pub fn files_with_extension(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == extension) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

pub fn read_parquet(path: &Path) -> DataFrame {
    let file = std::fs::File::open(path).expect("parquet file opens");
    ParquetReader::new(file)
        .finish()
        .expect("parquet file reads")
}

/// Every file under `dir`, recursively.
/// The one row of `indicator` for `period` and `org_unit`, without breakdown, of the
/// indicators table under `out`.
pub fn indicator_row(out: &Path, indicator: &str, period: &str, org_unit: &str) -> DataFrame {
    let df = read_parquet(&out.join("indicators/indicators.parquet"))
        .lazy()
        .filter(
            col("indicator")
                .eq(lit(indicator))
                .and(col("period").eq(lit(period)))
                .and(col("org_unit").eq(lit(org_unit)))
                .and(col("breakdown").is_null()),
        )
        .collect()
        .unwrap();
    assert_eq!(df.height(), 1, "{indicator} {period} {org_unit}: {df}");
    df
}

pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Every string cell of a frame.
pub fn string_cells(df: &DataFrame) -> Vec<String> {
    let mut out = Vec::new();
    for c in df.columns() {
        if c.dtype() == &DataType::String {
            if let Ok(ca) = c.str() {
                out.extend(ca.iter().flatten().map(str::to_string));
            }
        }
    }
    out
}

pub const REGISTRY_HEADER: &str = "Mã trẻ em,Họ và tên,Ngày sinh,Giới tính,Dân tộc,Mã xã,Xã,Huyện,Nhóm hoàn cảnh đặc biệt,Có nguy cơ,Đã được trợ giúp,Hình thức trợ giúp,Ngày cập nhật";
pub const CASES_HEADER: &str = "Mã vụ việc,Mã trẻ em,Họ và tên,Mã xã,Loại vụ việc,Hình thức,Ngày xảy ra,Thời điểm tiếp nhận,Thời điểm can thiệp,Ngày phê duyệt kế hoạch,Hậu quả,Giới tính,Ngày sinh";

/// A registry CSV of one row per id: a supported child in special circumstances (group d)
/// in Chư Sê, born 2012.
pub fn registry_csv(ids: &[&str]) -> String {
    let mut text = REGISTRY_HEADER.to_string();
    for id in ids {
        text.push_str(&format!(
            "\n{id},Tên,05/03/2012,Nam,Kinh,23944,,,d,Không,Có,,30/11/2021"
        ));
    }
    text
}

/// A small project in a temporary folder: Gia Lai's org units, a population file, a
/// pipeline file, and whatever source files a test writes with `file`.
pub struct Project {
    pub dir: Folder,
}

impl Project {
    pub fn new() -> Self {
        Self::in_folder(Folder::temporary())
    }

    /// A project the tests of a binary share from a `static` ([`Folder::kept`]).
    pub fn kept(name: &str) -> Self {
        Self::in_folder(Folder::kept(name))
    }

    fn in_folder(dir: Folder) -> Self {
        let p = Project { dir };
        let units =
            std::fs::read_to_string(Path::new(REPO).join("reference/gia_lai_org_units_2021.csv"))
                .expect("reference org units");
        p.file("data/reference/org_units.csv", &units);
        p.file(
            "data/reference/population.csv",
            "district_code,year,children_under_16\n633,2020,30000\n633,2021,30500\n",
        );
        std::fs::create_dir_all(p.path("data/child_registry")).unwrap();
        std::fs::create_dir_all(p.path("data/cases")).unwrap();
        p.pipeline("");
        p
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn file(&self, rel: &str, contents: &str) -> PathBuf {
        self.bytes(rel, contents.as_bytes())
    }

    pub fn bytes(&self, rel: &str, contents: &[u8]) -> PathBuf {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Writes `pipelines/p.toml`; `extra` is appended (more keys, or mistakes to test).
    pub fn pipeline(&self, extra: &str) -> PathBuf {
        self.file(
            "pipelines/p.toml",
            &format!(
                r#"name = "test"
province = "64"
year = 2021
baseline_year = 2020
org_units = "../data/reference/org_units.csv"
population = "../data/reference/population.csv"
periods = [
  {{ key = "2021", from = 2021-01-01, to = 2021-12-31, report_deadline = 2021-11-20 }},
]
[sources]
child_registry = "../data/child_registry/*/*"
cases = "../data/cases/*/*"
[targets]
special_support_rate = ">= 0.985"
[rules]
intervention_within_hours = 12
plan_within_working_days = 5
holidays = [2021-02-10]
source_gap_tolerance = 0.05
max_rejected_share = 1.0
[disclosure]
min_count = 5
{extra}"#
            ),
        )
    }

    /// Adds the district reports and the fund ledger to the pipeline's sources, and the
    /// six-month period.
    pub fn with_reports_and_fund(&self) -> &Self {
        let text = std::fs::read_to_string(self.path("pipelines/p.toml")).unwrap();
        let text = text
            .replace(
                "cases = \"../data/cases/*/*\"",
                "cases = \"../data/cases/*/*\"\ndistrict_reports = \"../data/district_reports/*/*.xlsx\"\nfund = \"../data/fund/*\"",
            )
            .replace(
                "periods = [",
                "periods = [\n  { key = \"2021S1\", from = 2021-01-01, to = 2021-06-30, report_deadline = 2021-05-25 },",
            );
        self.file("pipelines/p.toml", &text);
        std::fs::create_dir_all(self.path("data/district_reports/2021")).unwrap();
        std::fs::create_dir_all(self.path("data/fund")).unwrap();
        self
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let mut all = vec!["run", "pipelines/p.toml", "--out", "out"];
        all.extend_from_slice(args);
        treem(self.dir.path(), &all)
    }

    pub fn out(&self, rel: &str) -> PathBuf {
        self.path("out").join(rel)
    }

    /// (reason, row, column, outcome) of every rejected row of `table`, sorted by row.
    pub fn rejections(&self, table: &str) -> Vec<(String, u32, String, String)> {
        let mut out: Vec<_> = self
            .rejected(table)
            .into_iter()
            .map(|r| (r.reason, r.row, r.column, r.outcome))
            .collect();
        out.sort_by_key(|r| r.1);
        out
    }

    /// Every rejected row of `table`, in the table's order.
    pub fn rejected(&self, table: &str) -> Vec<Rejected> {
        rejected_rows(&self.out(&format!("rejected/{table}.parquet")))
    }
}

/// A rejected row as the tests read it back.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    /// The file's name, without its folders.
    pub file_name: String,
    pub row: u32,
    pub column: String,
    pub reason: String,
    pub outcome: String,
    pub detail: String,
}

/// Every row of a rejected table (`rejected/<table>.parquet`).
pub fn rejected_rows(path: &Path) -> Vec<Rejected> {
    let df = read_parquet(path);
    let s = |c: &str| -> Vec<String> {
        df.column(c)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or("").to_string())
            .collect()
    };
    let rows: Vec<u32> = df
        .column("row")
        .unwrap()
        .u32()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    let (files, columns, reasons) = (s("file"), s("column"), s("reason"));
    let (outcomes, details) = (s("outcome"), s("detail"));
    (0..df.height())
        .map(|i| Rejected {
            file_name: Path::new(&files[i])
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            row: rows[i],
            column: columns[i].clone(),
            reason: reasons[i].clone(),
            outcome: outcomes[i].clone(),
            detail: details[i].clone(),
        })
        .collect()
}

/// A district report workbook to write in a test: the header block and the values.
pub struct Workbook {
    pub unit_name: String,
    pub unit_code: String,
    pub period_text: String,
    pub sent_on: String,
    /// (item code, cell text); a text that parses as a number is written as a number,
    /// unless it starts with an apostrophe; one that starts with `=` is a formula.
    pub values: Vec<(&'static str, String)>,
    /// What a formula cell stores as its result: `None` nothing (as openpyxl and some
    /// export tools write them), `Some(r)` the text `r` (rust_xlsxwriter's own default is
    /// "0"). rust_xlsxwriter always asks for recalculation when the workbook is opened; see
    /// `without_recalculation`.
    pub formula_result: Option<&'static str>,
    /// Sheet names for forms 1–4; `None` leaves that form out.
    pub sheets: [Option<&'static str>; 4],
    /// Maps every text cell before writing (e.g. to legacy TCVN3 font bytes).
    pub text: fn(&str) -> String,
}

pub const ITEM_NAMES: &[(&str, &str, &str)] = &[
    ("B1.01", "Tổng số trẻ em (dưới 16 tuổi)", "người"),
    ("B1.02", "Trẻ em có hoàn cảnh đặc biệt", "người"),
    ("B1.03", "Trong đó: được trợ giúp", "người"),
    ("B2.01", "Số vụ xâm hại trẻ em", "vụ"),
    ("B2.02", "Số trẻ em bị xâm hại", "người"),
    ("B2.03", "Trong đó: được hỗ trợ, can thiệp", "người"),
    ("B3.01", "Tổ chức Tháng hành động vì trẻ em", "có/không"),
    ("B3.05", "Số cán bộ làm công tác trẻ em", "người"),
    ("B3.06", "Trong đó: được tập huấn", "người"),
    ("B4.02", "Vận động: tiền mặt", "đồng"),
];

impl Workbook {
    /// Chư Sê's annual 2021 report with plausible values.
    pub fn chu_se_2021() -> Self {
        Workbook {
            unit_name: "Phòng LĐTB&XH huyện Chư Sê".into(),
            unit_code: "633".into(),
            period_text: "Năm 2021".into(),
            sent_on: "15/11/2021".into(),
            values: vec![
                ("B1.01", "30500".into()),
                ("B1.02", "412".into()),
                ("B1.03", "405".into()),
                ("B2.01", "4".into()),
                ("B2.02", "3".into()),
                ("B2.03", "3".into()),
                ("B3.01", "1".into()),
                ("B3.05", "19".into()),
                ("B3.06", "18".into()),
                ("B4.02", "125000000".into()),
            ],
            sheets: [
                Some("Biểu 1"),
                Some("Biểu 2"),
                Some("Biểu 3"),
                Some("Biểu 4"),
            ],
            text: |s| s.to_string(),
            formula_result: None,
        }
    }

    pub fn write(&self, path: &Path) {
        use rust_xlsxwriter::Workbook as Xlsx;
        let mut book = Xlsx::new();
        let t = |s: &str| (self.text)(s);
        for (form, sheet_name) in self.sheets.iter().enumerate() {
            let Some(sheet_name) = sheet_name else {
                continue;
            };
            let form = form + 1;
            let ws = book.add_worksheet();
            ws.set_name(*sheet_name).unwrap();
            ws.write_string(0, 0, t(&format!("BIỂU {form}"))).unwrap();
            ws.write_string(1, 0, t(&format!("ĐƠN VỊ: {}", self.unit_name)))
                .unwrap();
            ws.write_string(2, 0, t("Mã đơn vị:")).unwrap();
            ws.write_string(2, 1, &self.unit_code).unwrap();
            ws.write_string(3, 0, t(&format!("Kỳ báo cáo: {}", self.period_text)))
                .unwrap();
            ws.write_string(4, 0, t(&format!("Ngày gửi: {}", self.sent_on)))
                .unwrap();
            for (c, h) in ["STT", "Mã số", "Chỉ tiêu", "Đơn vị tính", "Số liệu"]
                .iter()
                .enumerate()
            {
                ws.write_string(6, c as u16, t(h)).unwrap();
            }
            let mut r = 7;
            for (code, value) in &self.values {
                if !code.starts_with(&format!("B{form}.")) {
                    continue;
                }
                let (_, name, unit) = ITEM_NAMES.iter().find(|(c, _, _)| c == code).unwrap();
                ws.write_number(r, 0, (r - 6) as f64).unwrap();
                ws.write_string(r, 1, *code).unwrap();
                ws.write_string(r, 2, t(name)).unwrap();
                ws.write_string(r, 3, t(unit)).unwrap();
                if value.starts_with('=') {
                    // An empty result means the default one, which is set per sheet.
                    let result = self.formula_result.unwrap_or("");
                    ws.set_formula_result_default(result);
                    ws.write_formula(r, 4, value.as_str()).unwrap();
                    r += 1;
                    continue;
                }
                // As in Excel, a leading apostrophe makes a text cell of what looks a number.
                match (value.strip_prefix('\''), value.parse::<f64>()) {
                    (Some(text), _) => ws.write_string(r, 4, text).unwrap(),
                    (None, Ok(n)) => ws.write_number(r, 4, n).unwrap(),
                    (None, Err(_)) => ws.write_string(r, 4, value).unwrap(),
                };
                r += 1;
            }
        }
        book.save(path).unwrap();
    }
}

/// Rewrites the workbook at `path` as one that does not ask to be recalculated when opened
/// (as Excel and LibreOffice save them), so that the results stored with its formulas
/// count. Panics if it did not ask.
pub fn without_recalculation(path: &Path) {
    use std::io::{Read, Write};
    let bytes = std::fs::read(path).unwrap();
    let mut source = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = ::zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Deflated);
    for i in 0..source.len() {
        let mut entry = source.by_index(i).unwrap();
        let name = entry.name().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name == "xl/workbook.xml" {
            let text = String::from_utf8(data).unwrap();
            assert!(text.contains(r#" fullCalcOnLoad="1""#), "{text}");
            data = text.replace(r#" fullCalcOnLoad="1""#, "").into_bytes();
        }
        out.start_file(name, options).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap();
}

/// Copies the folder `from` into `to`, every file and subfolder.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
