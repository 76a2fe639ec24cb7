//! The ingest step: every source file of the plan through decode → headers → row parsing →
//! pseudonymisation → row rules, into the clean Parquet tables (`ingested/<table>/year=Y/`)
//! and the rejected tables (`rejected/<table>.parquet`). Nothing is dropped silently: every
//! data row read is kept, rejected or excluded, and the step reports the three counts.
//!
//! The same code runs dry for `treem check`: with no [`Output`] it parses every file and
//! collects the outcomes without writing anything. With one, an input unchanged since the
//! last run is reused rather than read again (`state.rs` says when that is safe).

pub mod district_reports;
pub mod frames;
pub mod pseudonymise;
pub mod reference;
pub mod state;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::{Plan, SourceFiles};
use crate::error::Error;
use crate::reference::OrgUnits;
use crate::run::layout::{self, Layout};
use crate::sources::headers::{self, ColumnMap, ColumnSpec};
use crate::sources::row::{Reason, Rejection, RowOutcome};
use crate::sources::tabular::{read_tables_with, RawRow};
use crate::sources::{cases, child_registry, fund, SourceKind};
use frames::RejectedRow;
use pseudonymise::Pseudonymiser;
use state::{InputFile, Previous, State};

/// Rows read = kept + rejected + excluded, for a file or a whole table.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// What one input file became; also the incremental state kept for the next run.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct FileSummary {
    pub path: PathBuf,
    pub sha256: String,
    pub bytes: u64,
    /// How the file was read: its encoding or its sheet.
    pub read_as: String,
    pub counts: Counts,
    /// Set when the file could not be read at all.
    pub problem: Option<String>,
    /// Taken over from the last run rather than read again.
    #[serde(default)]
    pub reused: bool,
    /// Its part files, relative to `ingested/`.
    #[serde(default)]
    pub parts: Vec<PathBuf>,
    /// Rows rejected as duplicates of a row of an earlier file.
    #[serde(default)]
    pub cross_file_duplicates: u64,
    /// District report workbooks: the report it holds, which numbers its version.
    #[serde(default)]
    pub report: Option<district_reports::ReportKey>,
}

impl FileSummary {
    fn new(path: &Path, ctx: &Context) -> Self {
        let input = ctx.inputs.get(path);
        FileSummary {
            path: path.to_path_buf(),
            sha256: input.map(|i| i.sha256.clone()).unwrap_or_default(),
            bytes: input.map(|i| i.bytes).unwrap_or_default(),
            ..FileSummary::default()
        }
    }
}

#[derive(Debug, Clone)]
pub struct TableSummary {
    pub table: String,
    pub files: Vec<FileSummary>,
    pub counts: Counts,
}

impl TableSummary {
    fn new(table: &str) -> Self {
        TableSummary {
            table: table.to_string(),
            files: Vec::new(),
            counts: Counts::default(),
        }
    }

    fn push(&mut self, file: FileSummary) {
        self.counts.add(file.counts);
        self.files.push(file);
    }

    pub fn unreadable_files(&self) -> usize {
        self.files.iter().filter(|f| f.problem.is_some()).count()
    }
}

#[derive(Debug, Clone)]
pub struct IngestSummary {
    pub tables: Vec<TableSummary>,
}

impl IngestSummary {
    /// The summary kept in the clean tables' state, every file marked reused: what a
    /// skipped step reports.
    pub fn from_state(state: &State) -> Self {
        let tables = state
            .tables
            .iter()
            .map(|(name, files)| {
                let mut t = TableSummary::new(name);
                for f in files {
                    t.push(FileSummary {
                        reused: true,
                        ..f.clone()
                    });
                }
                t
            })
            .collect();
        IngestSummary { tables }
    }

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

/// Where a run writes: the staging copy of `ingested/` (the state goes inside it).
pub(crate) struct Output {
    pub(crate) ingested: PathBuf,
}

/// What every source table's loop needs.
pub(crate) struct Context<'a> {
    pub(crate) units: &'a OrgUnits,
    keys: &'a Pseudonymiser,
    pub(crate) plan: &'a Plan,
    /// `None` in a dry run (`treem check`): parse and collect, write nothing.
    pub(crate) out: Option<&'a Output>,
    /// The last run's outcomes, when they may be reused.
    pub(crate) previous: Option<&'a Previous>,
    pub(crate) inputs: HashMap<PathBuf, InputFile>,
}

/// A table's files and its rejected rows, not yet written.
pub struct TableOutcome {
    pub summary: TableSummary,
    pub rejected: RejectedRows,
}

/// Runs the ingest step for the plan into `layout`, printing progress lines through `log`.
/// `inputs` are the plan's files with their sha256; with `full_refresh` nothing is reused.
pub fn run(
    plan: &Plan,
    layout: &Layout,
    inputs: &[InputFile],
    full_refresh: bool,
    log: &mut dyn FnMut(&str),
) -> Result<IngestSummary, Error> {
    let units = OrgUnits::load(&plan.org_units).map_err(|e| Error::Reference(e.to_string()))?;
    let (keys, secret) =
        Pseudonymiser::from_environment_or_file(plan.secret_key_file.as_deref(), &layout.root)
            .map_err(Error::Secret)?;
    log(&format!(
        "Child ids are keyed with the secret from {secret}."
    ));
    let context = state::context_digest(plan, &keys);
    let previous = match full_refresh {
        true => None,
        false => Previous::load(&layout.ingested(), &context),
    };

    let staging = layout.staging();
    let _ = std::fs::remove_dir_all(&staging);
    let built = staging.join("ingest");
    let built_ingested = built.join("ingested");
    let built_rejected = built.join("rejected");
    for dir in [&built_ingested, &built_rejected] {
        std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
    }
    let out = Output {
        ingested: built_ingested.clone(),
    };
    let ctx = Context {
        units: &units,
        keys: &keys,
        plan,
        out: Some(&out),
        previous: previous.as_ref(),
        inputs: inputs.iter().map(|i| (i.path.clone(), i.clone())).collect(),
    };
    let outcomes = ingest_sources(&ctx, log)?;
    let mut state = State {
        context,
        tables: BTreeMap::new(),
    };
    let mut tables = Vec::new();
    for t in outcomes {
        t.rejected.write(&built_rejected, &t.summary.table)?;
        state
            .tables
            .insert(t.summary.table.clone(), t.summary.files.clone());
        tables.push(t.summary);
    }
    reference::write(plan, &built_ingested)?;
    state.write(&built_ingested)?;
    // The rejected rows first, the clean tables (which carry the state) last.
    layout::publish(&built, &["rejected", "ingested"], &layout.root, "ingest")
        .map_err(|e| Error::write(&layout.ingested(), e))?;
    let _ = std::fs::remove_dir_all(&staging);

    for t in &tables {
        let c = t.counts;
        let reused = t.files.iter().filter(|f| f.reused).count();
        log(&format!(
            "{}: {} rows read = {} kept + {} rejected + {} excluded ({} files{}{}).",
            t.table,
            c.read,
            c.kept,
            c.rejected,
            c.excluded,
            t.files.len(),
            match reused {
                0 => String::new(),
                n => format!(", {n} unchanged and reused"),
            },
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

/// The ingest step's fingerprint for these inputs: equal to the one the clean tables carry
/// when nothing they are built from has changed.
pub fn fingerprint(plan: &Plan, layout: &Layout, inputs: &[InputFile]) -> Result<String, Error> {
    let (keys, _) =
        Pseudonymiser::from_environment_or_file(plan.secret_key_file.as_deref(), &layout.root)
            .map_err(Error::Secret)?;
    Ok(state::fingerprint(
        &state::context_digest(plan, &keys),
        inputs,
    ))
}

/// Ingests every source of the plan, in a fixed order.
fn ingest_sources(ctx: &Context, log: &mut dyn FnMut(&str)) -> Result<Vec<TableOutcome>, Error> {
    let plan = ctx.plan;
    let mut tables = Vec::new();
    for kind in SourceKind::ALL {
        let Some(files) = plan.source(kind) else {
            continue;
        };
        log(&format!(
            "Reading {} ({} files).",
            kind.name(),
            files.files.len()
        ));
        tables.push(match kind {
            SourceKind::ChildRegistry => {
                ingest_table::<child_registry::RegistryRecord>(ctx, files, log)?
            }
            SourceKind::Cases => ingest_table::<cases::CaseRecord>(ctx, files, log)?,
            SourceKind::DistrictReports => district_reports::ingest(ctx, files, log)?,
            SourceKind::Fund => ingest_table::<fund::FundRecord>(ctx, files, log)?,
        });
    }
    Ok(tables)
}

/// What `treem check` learns: the outcome of every file, nothing written.
pub struct CheckOutcome {
    /// Problems with the reference files, which stop the rows from being checked.
    pub reference_problems: Vec<String>,
    pub tables: Vec<TableOutcome>,
}

/// Ingests every input dry: each file parsed by the same code as a run, no file written,
/// no secret created (keys are computed under a throwaway secret and thrown away).
pub fn check(plan: &Plan, log: &mut dyn FnMut(&str)) -> Result<CheckOutcome, Error> {
    let mut reference_problems = reference::check(plan);
    let units = match OrgUnits::load(&plan.org_units) {
        Ok(u) => u,
        Err(e) => {
            reference_problems.push(format!("The org units file cannot be used: {e}"));
            return Ok(CheckOutcome {
                reference_problems,
                tables: Vec::new(),
            });
        }
    };
    let keys = Pseudonymiser::new(b"treem check: keys are never written").map_err(Error::Secret)?;
    let ctx = Context {
        units: &units,
        keys: &keys,
        plan,
        out: None,
        previous: None,
        inputs: HashMap::new(),
    };
    Ok(CheckOutcome {
        reference_problems,
        tables: ingest_sources(&ctx, log)?,
    })
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

/// Keeps the rejected rows of one table, each with where it came from, in file order:
/// rows of the files read this run, and the frames of those reused from the last.
#[derive(Default)]
pub struct RejectedRows {
    pub rows: Vec<RejectedRow>,
    /// Reused rows and where they go: before `rows[at]`.
    reused: Vec<(usize, DataFrame)>,
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

    pub(crate) fn push_reused(&mut self, rows: DataFrame) {
        self.reused.push((self.rows.len(), rows));
    }

    pub(crate) fn write(&self, dir: &Path, table: &str) -> Result<(), Error> {
        let build = |rows: &[RejectedRow]| {
            frames::rejected(rows).map_err(|e| Error::polars("building the rejected rows", e))
        };
        let mut start = 0;
        let mut df = build(&[])?;
        let append = |part: &DataFrame, df: &mut DataFrame| {
            df.vstack_mut(part)
                .map(|_| ())
                .map_err(|e| Error::polars("building the rejected rows", e))
        };
        for (at, reused) in &self.reused {
            append(&build(&self.rows[start..*at])?, &mut df)?;
            append(reused, &mut df)?;
            start = *at;
        }
        append(&build(&self.rows[start..])?, &mut df)?;
        df.align_chunks();
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
    log: &mut dyn FnMut(&str),
) -> Result<TableOutcome, Error> {
    let mut summary = TableSummary::new(T::TABLE);
    let mut rejected = RejectedRows::default();
    let mut seen: HashSet<String> = HashSet::new();
    for path in &source.files {
        if let Some(file) = reuse(ctx, T::TABLE, path, &mut seen, &mut rejected)? {
            log(&format!("  reused {}", path.display()));
            summary.push(file);
            continue;
        }
        log(&format!("  read {}", path.display()));
        let mut file = FileSummary::new(path, ctx);
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
                write_keys(ctx, T::TABLE, path, &[])?;
                summary.push(file);
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
        // This file's keys: a duplicate of one of them does not tie it to another file.
        let mut own: HashSet<String> = HashSet::new();
        for raw in &opened.rows {
            file.counts.read += 1;
            match T::parse(raw, &opened.map, &file_context, ctx) {
                RowOutcome::Kept(record) => match record.unique_key() {
                    Some(key) if seen.contains(&key) => {
                        file.counts.rejected += 1;
                        if !own.contains(&key) {
                            file.cross_file_duplicates += 1;
                        }
                        let r = Rejection::new(T::ID_COLUMN, Reason::DuplicateId, "");
                        rejected.push(path, sheet, raw.line, r, false);
                    }
                    key => {
                        if let Some(key) = key {
                            seen.insert(key.clone());
                            own.insert(key);
                        }
                        file.counts.kept += 1;
                        by_year.entry(record.year()).or_default().push(record);
                    }
                },
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
        if let Some(out) = ctx.out {
            for (year, records) in by_year {
                let mut df = T::frame(&records)
                    .map_err(|e| Error::polars(&format!("building the {} table", T::TABLE), e))?;
                let part = part_path(Path::new(""), T::TABLE, year, path);
                write_parquet(&mut df, &out.ingested.join(&part))?;
                file.parts.push(part);
            }
        }
        write_keys(ctx, T::TABLE, path, &own.into_iter().collect::<Vec<_>>())?;
        summary.push(file);
    }
    Ok(TableOutcome { summary, rejected })
}

fn write_keys(ctx: &Context, table: &str, path: &Path, keys: &[String]) -> Result<(), Error> {
    match ctx.out {
        Some(out) => state::write_keys(&out.ingested, table, path, keys),
        None => Ok(()),
    }
}

/// The last run's outcome of `path`, taken over if the file is unchanged and its outcome
/// cannot depend on the files before it (see `state.rs`): its parts are linked into the
/// new clean tables, its rejected rows copied, its keys added to `seen`.
pub(crate) fn reuse(
    ctx: &Context,
    table: &str,
    path: &Path,
    seen: &mut HashSet<String>,
    rejected: &mut RejectedRows,
) -> Result<Option<FileSummary>, Error> {
    let (Some(out), Some(previous), Some(input)) = (ctx.out, ctx.previous, ctx.inputs.get(path))
    else {
        return Ok(None);
    };
    let Some(before) = previous.file(table, path, &input.sha256) else {
        return Ok(None);
    };
    if before.cross_file_duplicates > 0 {
        return Ok(None);
    }
    let Some(keys) = state::read_keys(&previous.ingested, table, path) else {
        return Ok(None);
    };
    if !state::disjoint(&keys, seen)
        || !before
            .parts
            .iter()
            .all(|p| previous.ingested.join(p).is_file())
    {
        return Ok(None);
    }
    let rows = previous.rejected_rows(table, path)?;
    for part in &before.parts {
        state::link_or_copy(&previous.ingested.join(part), &out.ingested.join(part))
            .map_err(|e| Error::write(&out.ingested.join(part), e))?;
    }
    state::write_keys(&out.ingested, table, path, &keys)?;
    seen.extend(keys);
    rejected.push_reused(rows);
    Ok(Some(FileSummary {
        reused: true,
        ..before.clone()
    }))
}

/// The snapshot a registry file belongs to: the date its folder is named for.
fn snapshot_date(path: &Path) -> Option<NaiveDate> {
    let folder = path.parent()?.file_name()?.to_str()?;
    NaiveDate::parse_from_str(folder, "%Y-%m-%d").ok()
}

/// `ingested/<table>/year=<year>/<id>.parquet`, one part per input file and year; the id
/// is a digest of the input's path, so an input's parts keep their names from run to run.
pub(crate) fn part_path(ingested: &Path, table: &str, year: i32, input: &Path) -> PathBuf {
    let digest = Sha256::digest(input.to_string_lossy().as_bytes());
    ingested
        .join(table)
        .join(format!("year={year}"))
        .join(format!("{}.parquet", &hex::encode(digest)[..16]))
}

/// Writes `df` under a temporary name beside `path`, then renames it into place.
pub fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<(), Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
    }
    let tmp = layout::temporary_name(path);
    let file = std::fs::File::create(&tmp).map_err(|e| Error::write(path, e))?;
    let written = ParquetWriter::new(file)
        .finish(df)
        .map_err(|e| Error::polars(&format!("writing {}", path.display()), e))
        .and_then(|_| std::fs::rename(&tmp, path).map_err(|e| Error::write(path, e)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
