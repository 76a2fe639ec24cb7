//! The ingest step: every source file of the plan through decode → headers → row parsing →
//! pseudonymisation → row rules, into the clean Parquet tables (`ingested/<table>/year=Y/`)
//! and the rejected tables (`rejected/<table>.parquet`). Nothing is dropped silently: every
//! data row read is kept, rejected or excluded, and the step reports the three counts.

pub mod district_reports;
pub mod frames;
pub mod pseudonymise;
pub mod reference;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::{Plan, SourceFiles};
use crate::error::Error;
use crate::reference::OrgUnits;
use crate::run::layout::{swap_in, Layout};
use crate::sources::headers::{self, ColumnMap, ColumnSpec};
use crate::sources::row::{Reason, Rejection, RowOutcome};
use crate::sources::tabular::{read_tables_with, RawRow};
use crate::sources::{cases, child_registry, fund, SourceKind};
use frames::RejectedRow;
use pseudonymise::Pseudonymiser;

/// Rows read = kept + rejected + excluded, for a file or a whole table.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub read: u64,
    pub kept: u64,
    pub rejected: u64,
    pub excluded: u64,
}

impl Counts {
    pub(crate) fn add(&mut self, other: Counts) {
        self.read += other.read;
        self.kept += other.kept;
        self.rejected += other.rejected;
        self.excluded += other.excluded;
    }
}

#[derive(Debug, Clone)]
pub struct FileSummary {
    pub path: PathBuf,
    /// How the file was read: its encoding or its sheet.
    pub read_as: String,
    pub counts: Counts,
    /// Set when the file could not be read at all.
    pub problem: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TableSummary {
    pub table: &'static str,
    pub files: Vec<FileSummary>,
    pub counts: Counts,
}

impl TableSummary {
    pub fn unreadable_files(&self) -> usize {
        self.files.iter().filter(|f| f.problem.is_some()).count()
    }
}

#[derive(Debug, Clone)]
pub struct IngestSummary {
    pub tables: Vec<TableSummary>,
}

impl IngestSummary {
    pub fn table(&self, name: &str) -> Option<&TableSummary> {
        self.tables.iter().find(|t| t.table == name)
    }

    /// Rejected rows (and unreadable files, as one each) over rows read, all tables.
    pub fn rejected_share(&self) -> f64 {
        let read: u64 = self.tables.iter().map(|t| t.counts.read).sum();
        let bad: u64 = self
            .tables
            .iter()
            .map(|t| t.counts.rejected + t.unreadable_files() as u64)
            .sum();
        if read == 0 {
            if bad > 0 {
                1.0
            } else {
                0.0
            }
        } else {
            bad as f64 / read as f64
        }
    }
}

/// What every source table's loop needs.
struct Context<'a> {
    units: &'a OrgUnits,
    keys: &'a Pseudonymiser,
    plan: &'a Plan,
}

/// Runs the ingest step for the plan into `layout`, printing progress lines through `log`.
pub fn run(
    plan: &Plan,
    layout: &Layout,
    log: &mut dyn FnMut(&str),
) -> Result<IngestSummary, Error> {
    let units = OrgUnits::load(&plan.org_units).map_err(|e| Error::Reference(e.to_string()))?;
    let (keys, secret) =
        Pseudonymiser::from_environment_or_file(plan.secret_key_file.as_deref(), &layout.root)
            .map_err(Error::Secret)?;
    log(&format!(
        "Child ids are keyed with the secret from {secret}."
    ));
    let ctx = Context {
        units: &units,
        keys: &keys,
        plan,
    };

    let staging = layout.staging();
    let _ = std::fs::remove_dir_all(&staging);
    let built_ingested = staging.join("ingested");
    let built_rejected = staging.join("rejected");
    for dir in [&built_ingested, &built_rejected] {
        std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
    }

    let mut tables = Vec::new();
    if let Some(files) = plan.source(SourceKind::ChildRegistry) {
        tables.push(ingest_table::<child_registry::RegistryRecord>(
            &ctx,
            files,
            &built_ingested,
            &built_rejected,
        )?);
    }
    if let Some(files) = plan.source(SourceKind::Cases) {
        tables.push(ingest_table::<cases::CaseRecord>(
            &ctx,
            files,
            &built_ingested,
            &built_rejected,
        )?);
    }
    if let Some(files) = plan.source(SourceKind::DistrictReports) {
        tables.push(district_reports::ingest(
            plan,
            &units,
            files,
            &built_ingested,
            &built_rejected,
        )?);
    }
    if let Some(files) = plan.source(SourceKind::Fund) {
        tables.push(ingest_table::<fund::FundRecord>(
            &ctx,
            files,
            &built_ingested,
            &built_rejected,
        )?);
    }
    reference::write(plan, &built_ingested)?;

    for (built, target) in [
        (built_ingested, layout.ingested()),
        (built_rejected, layout.rejected()),
    ] {
        swap_in(&built, &target).map_err(|e| Error::write(&target, e))?;
    }
    let _ = std::fs::remove_dir_all(&staging);

    for t in &tables {
        let c = t.counts;
        log(&format!(
            "{}: {} rows read = {} kept + {} rejected + {} excluded ({} files{}).",
            t.table,
            c.read,
            c.kept,
            c.rejected,
            c.excluded,
            t.files.len(),
            match t.unreadable_files() {
                0 => String::new(),
                n => format!(", {n} unreadable"),
            }
        ));
        for f in t.files.iter().filter(|f| f.problem.is_some()) {
            log(&format!("  {}", f.problem.as_deref().unwrap_or_default()));
        }
    }
    Ok(IngestSummary { tables })
}

/// A source file read and its header found, ready for row parsing; or the reason why not,
/// already recorded as the file's one rejected row.
struct OpenedFile {
    rows: Vec<RawRow>,
    /// Records set aside by the reader (over the line-length limit), with line and why.
    skipped: Vec<(usize, String)>,
    map: ColumnMap,
    sheet: Option<String>,
    read_as: String,
}

fn open_source(
    ctx: &Context,
    kind: SourceKind,
    specs: &[ColumnSpec],
    path: &Path,
) -> Result<OpenedFile, (Reason, String)> {
    let tables = read_tables_with(path, &ctx.plan.limits).map_err(|e| {
        let reason = if e.reason == "too_large" {
            Reason::TooLarge
        } else {
            Reason::UnreadableFile
        };
        (reason, e.to_string())
    })?;
    let aliases = |column: &str| ctx.plan.aliases(kind, column).to_vec();
    let (table, map) = headers::locate(&tables, specs, &aliases).map_err(|e| {
        (
            Reason::MissingColumns,
            format!("Cannot read {}: {e}", path.display()),
        )
    })?;
    let read_as = match (&table.sheet, table.encoding) {
        (Some(sheet), _) => format!("sheet \"{sheet}\""),
        (None, Some(enc)) => enc.to_string(),
        (None, None) => String::new(),
    };
    let rows = table.rows[map.header_index + 1..]
        .iter()
        .filter(|r| r.cells.iter().any(|c| !c.is_empty()))
        .cloned()
        .collect();
    Ok(OpenedFile {
        rows,
        skipped: table.skipped.clone(),
        map,
        sheet: table.sheet.clone(),
        read_as,
    })
}

/// Keeps the rejected rows of one table, each with where it came from.
pub(crate) struct RejectedRows {
    pub(crate) rows: Vec<RejectedRow>,
}

impl RejectedRows {
    pub(crate) fn push(
        &mut self,
        path: &Path,
        sheet: Option<&str>,
        row: usize,
        r: Rejection,
        excluded: bool,
    ) {
        self.rows.push(RejectedRow {
            file: path.display().to_string(),
            sheet: sheet.map(str::to_string),
            row: row as u32,
            column: r.column.to_string(),
            reason: r.reason.code(),
            outcome: if excluded { "excluded" } else { "rejected" },
            detail: redact(r.column, r.reason, r.detail),
        });
    }

    pub(crate) fn write(&self, dir: &Path, table: &str) -> Result<(), Error> {
        let mut df = frames::rejected(&self.rows)
            .map_err(|e| Error::polars("building the rejected rows", e))?;
        write_parquet(&mut df, &dir.join(format!("{table}.parquet")))
    }
}

/// Details of cells that hold personal data are replaced by a generic sentence: the
/// rejected table must never carry an id, a name or a birth date.
fn redact(column: &str, reason: Reason, detail: String) -> String {
    match (column, reason) {
        ("child_id" | "case_id" | "name", _) | ("birth_date", Reason::BadDate) => match reason {
            Reason::Missing => "The cell is blank.".to_string(),
            Reason::DuplicateId => "The id was seen before.".to_string(),
            Reason::BadDate => "The cell is not a date.".to_string(),
            _ => format!("The {column} cell is not valid."),
        },
        _ => detail,
    }
}

/// A source that becomes one clean table: how its files are placed, how a row is parsed,
/// which id must be unique, and which year partition a record goes to.
trait CleanTable: Sized {
    const TABLE: &'static str;
    const KIND: SourceKind;
    /// The column a duplicate is reported against.
    const ID_COLUMN: &'static str;
    /// What a file's place says about all its rows (the registry's snapshot date).
    type FileContext;

    fn specs() -> &'static [ColumnSpec];
    fn file_context(path: &Path) -> Result<Self::FileContext, Rejection>;
    fn parse(
        raw: &RawRow,
        map: &ColumnMap,
        file: &Self::FileContext,
        ctx: &Context,
    ) -> RowOutcome<Self>;
    /// Two records with the same key are duplicates; the later one is rejected.
    /// `None` for sources with no id, such as the fund ledger.
    fn unique_key(&self) -> Option<String>;
    fn year(&self) -> i32;
    fn frame(records: &[Self]) -> PolarsResult<DataFrame>;
}

impl CleanTable for child_registry::RegistryRecord {
    const TABLE: &'static str = "registry";
    const KIND: SourceKind = SourceKind::ChildRegistry;
    const ID_COLUMN: &'static str = "child_id";
    type FileContext = NaiveDate;

    fn specs() -> &'static [ColumnSpec] {
        child_registry::COLUMNS
    }

    fn file_context(path: &Path) -> Result<NaiveDate, Rejection> {
        snapshot_date(path).ok_or_else(|| {
            Rejection::new(
                "snapshot_date",
                Reason::BadDate,
                format!(
                    "Cannot read {}: its folder must be named for the snapshot date, such as 2021-12-31.",
                    path.display()
                ),
            )
        })
    }

    fn parse(
        raw: &RawRow,
        map: &ColumnMap,
        snapshot: &NaiveDate,
        ctx: &Context,
    ) -> RowOutcome<Self> {
        child_registry::parse_row(raw, map, *snapshot, ctx.units, ctx.keys)
    }

    /// A child appears once per snapshot.
    fn unique_key(&self) -> Option<String> {
        Some(format!("{}/{}", self.snapshot_date, self.child_key))
    }

    fn year(&self) -> i32 {
        self.snapshot_date.year()
    }

    fn frame(records: &[Self]) -> PolarsResult<DataFrame> {
        frames::registry(records)
    }
}

impl CleanTable for cases::CaseRecord {
    const TABLE: &'static str = "cases";
    const KIND: SourceKind = SourceKind::Cases;
    const ID_COLUMN: &'static str = "case_id";
    type FileContext = ();

    fn specs() -> &'static [ColumnSpec] {
        cases::COLUMNS
    }

    fn file_context(_: &Path) -> Result<(), Rejection> {
        Ok(())
    }

    fn parse(raw: &RawRow, map: &ColumnMap, _: &(), ctx: &Context) -> RowOutcome<Self> {
        cases::parse_row(raw, map, ctx.units, ctx.keys)
    }

    /// A case id is unique across all years and files.
    fn unique_key(&self) -> Option<String> {
        Some(self.case_key.clone())
    }

    fn year(&self) -> i32 {
        cases::CaseRecord::year(self)
    }

    fn frame(records: &[Self]) -> PolarsResult<DataFrame> {
        frames::cases(records)
    }
}

impl CleanTable for fund::FundRecord {
    const TABLE: &'static str = "fund";
    const KIND: SourceKind = SourceKind::Fund;
    const ID_COLUMN: &'static str = "";
    type FileContext = ();

    fn specs() -> &'static [ColumnSpec] {
        fund::COLUMNS
    }

    fn file_context(_: &Path) -> Result<(), Rejection> {
        Ok(())
    }

    fn parse(raw: &RawRow, map: &ColumnMap, _: &(), _: &Context) -> RowOutcome<Self> {
        fund::parse_row(raw, map)
    }

    /// Ledger rows have no id: two equal gifts on one day are two gifts.
    fn unique_key(&self) -> Option<String> {
        None
    }

    fn year(&self) -> i32 {
        fund::FundRecord::year(self)
    }

    fn frame(records: &[Self]) -> PolarsResult<DataFrame> {
        frames::fund(records)
    }
}

fn ingest_table<T: CleanTable>(
    ctx: &Context,
    source: &SourceFiles,
    ingested: &Path,
    rejected_dir: &Path,
) -> Result<TableSummary, Error> {
    let mut summary = TableSummary {
        table: T::TABLE,
        files: Vec::new(),
        counts: Counts::default(),
    };
    let mut rejected = RejectedRows { rows: Vec::new() };
    let mut seen: HashSet<String> = HashSet::new();
    for path in &source.files {
        let mut file = FileSummary {
            path: path.clone(),
            read_as: String::new(),
            counts: Counts::default(),
            problem: None,
        };
        let opened = T::file_context(path).and_then(|fc| {
            open_source(ctx, T::KIND, T::specs(), path)
                .map(|o| (fc, o))
                .map_err(|(reason, message)| Rejection::new("", reason, message))
        });
        let (file_context, opened) = match opened {
            Ok(o) => o,
            Err(r) => {
                file.problem = Some(r.detail.clone());
                rejected.push(path, None, 0, r, false);
                summary.files.push(file);
                continue;
            }
        };
        file.read_as = opened.read_as.clone();
        let sheet = opened.sheet.as_deref();
        for (line, why) in &opened.skipped {
            file.counts.read += 1;
            file.counts.rejected += 1;
            let r = Rejection::new("", Reason::LineTooLong, why.clone());
            rejected.push(path, sheet, *line, r, false);
        }
        let mut by_year: BTreeMap<i32, Vec<T>> = BTreeMap::new();
        for raw in &opened.rows {
            file.counts.read += 1;
            match T::parse(raw, &opened.map, &file_context, ctx) {
                RowOutcome::Kept(record)
                    if record.unique_key().is_some_and(|k| !seen.insert(k)) =>
                {
                    file.counts.rejected += 1;
                    let r = Rejection::new(T::ID_COLUMN, Reason::DuplicateId, "");
                    rejected.push(path, sheet, raw.line, r, false);
                }
                RowOutcome::Kept(record) => {
                    file.counts.kept += 1;
                    by_year.entry(record.year()).or_default().push(record);
                }
                RowOutcome::Rejected(r) => {
                    file.counts.rejected += 1;
                    rejected.push(path, sheet, raw.line, r, false);
                }
                RowOutcome::Excluded(r) => {
                    file.counts.excluded += 1;
                    rejected.push(path, sheet, raw.line, r, true);
                }
            }
        }
        for (year, records) in by_year {
            let mut df = T::frame(&records)
                .map_err(|e| Error::polars(&format!("building the {} table", T::TABLE), e))?;
            write_parquet(&mut df, &part_path(ingested, T::TABLE, year, path))?;
        }
        summary.counts.add(file.counts);
        summary.files.push(file);
    }
    rejected.write(rejected_dir, T::TABLE)?;
    Ok(summary)
}

/// The snapshot a registry file belongs to: the date its folder is named for.
fn snapshot_date(path: &Path) -> Option<NaiveDate> {
    let folder = path.parent()?.file_name()?.to_str()?;
    NaiveDate::parse_from_str(folder, "%Y-%m-%d").ok()
}

/// `ingested/<table>/year=<year>/<id>.parquet`, one part per input file and year; the id
/// is a digest of the input's path so a rerun replaces exactly that input's part.
pub(crate) fn part_path(ingested: &Path, table: &str, year: i32, input: &Path) -> PathBuf {
    let digest = Sha256::digest(input.to_string_lossy().as_bytes());
    ingested
        .join(table)
        .join(format!("year={year}"))
        .join(format!("{}.parquet", &hex::encode(digest)[..16]))
}

pub fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<(), Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
    }
    let file = std::fs::File::create(path).map_err(|e| Error::write(path, e))?;
    ParquetWriter::new(file)
        .finish(df)
        .map_err(|e| Error::polars(&format!("writing {}", path.display()), e))?;
    Ok(())
}
