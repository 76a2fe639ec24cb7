//! The ingest step: every source file of the plan through decode → headers → row parsing →
//! pseudonymisation → row rules, into the clean Parquet tables (`ingested/<table>/year=Y/`)
//! and the rejected tables (`rejected/<table>.parquet`). Nothing is dropped silently: every
//! data row read is kept, rejected or excluded, and the step reports the three counts.
//!
//! The same code runs dry for `treem check`: with no [`Output`] it parses every file and
//! collects the outcomes without writing anything. With one, an input unchanged since the
//! last run is reused rather than read again (`state.rs` says when that is safe).
//!
//! Each source's columns, row rules and reading are in `crate::sources`; this step is the
//! machinery they share (streaming, batches, keys, reuse, frames, rejected rows), and it
//! writes through `crate::store` like every step.

pub mod dictionary;
pub mod district_reports;
pub mod frames;
pub mod reference;
pub mod state;

mod keyset;
mod table;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::Plan;
use crate::error::Error;
use crate::hash::pseudonymise::Pseudonymiser;
use crate::reference::{LoadError, OrgUnits};
use crate::secret_key::RunKey;
use crate::sources::row::Rejection;
use crate::sources::{cases, child_registry, fund, SourceKind};
use crate::store::layout::{self, Layout};
use crate::store::parquet::{create_buffered, write_parquet};
use crate::store::writeback::{with_writeback, Writeback};
use crate::text::dates::Century;
use frames::RejectedRow;
pub(crate) use keyset::KeySet;
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
    /// Nothing of the file was taken: it could not be read, or (a district workbook) it
    /// was refused as a whole. A workbook with a bad value or a missing sheet was read:
    /// its `problem` lists what went wrong with the rest.
    pub fn not_read(&self) -> bool {
        self.problem.is_some() && self.report.is_none() && self.counts.kept == 0
    }

    pub(crate) fn new(path: &Path, ctx: &Context) -> Self {
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
    pub(crate) fn new(table: &str) -> Self {
        TableSummary {
            table: table.to_string(),
            files: Vec::new(),
            counts: Counts::default(),
        }
    }

    pub(crate) fn push(&mut self, file: FileSummary) {
        self.counts.add(file.counts);
        self.files.push(file);
    }

    /// Files of which nothing was taken ([`FileSummary::not_read`]).
    pub fn unreadable_files(&self) -> usize {
        self.files.iter().filter(|f| f.not_read()).count()
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
    pub(crate) keys: &'a Pseudonymiser,
    pub(crate) plan: &'a Plan,
    /// `None` in a dry run (`treem check`): parse and collect, write nothing.
    pub(crate) out: Option<&'a Output>,
    /// The last run's outcomes, when they may be reused.
    pub(crate) previous: Option<&'a Previous>,
    pub(crate) inputs: HashMap<PathBuf, InputFile>,
    /// Takes each finished output file to disk ahead of the publishing sync.
    pub(crate) writeback: Option<&'a Writeback>,
}

impl Context<'_> {
    /// The century of a two-digit year in any date of the sources: the reporting year's.
    pub(crate) fn century(&self) -> Century {
        Century::for_reporting_year(self.plan.year)
    }

    /// `path`, just written in full, may go to disk now.
    pub(crate) fn written(&self, path: &Path) {
        if let Some(w) = self.writeback {
            w.push(path);
        }
    }
}

/// A table's files and its rejected rows, not yet written.
pub struct TableOutcome {
    pub summary: TableSummary,
    pub rejected: RejectedRows,
}

/// Runs the ingest step for the plan into `layout`, printing progress lines through `log`.
/// `inputs` are the plan's files with their sha256; `units` the reading of the plan's org
/// units if it was done already; with `full_refresh` nothing is reused.
pub fn run(
    plan: &Plan,
    layout: &Layout,
    inputs: &[InputFile],
    units: Option<Result<OrgUnits, LoadError>>,
    key: &RunKey,
    full_refresh: bool,
    log: &mut dyn FnMut(&str),
) -> Result<IngestSummary, Error> {
    let units = units
        .unwrap_or_else(|| OrgUnits::load(&plan.org_units))
        .map_err(|e| Error::Reference(e.to_string()))?;
    let keys = Pseudonymiser::new(key.secret.bytes()).map_err(Error::Secret)?;
    log(&format!(
        "Child ids are keyed with the secret from {} (key id {}).",
        key.secret.location, key.id
    ));
    let context = state::context_digest(plan, &key.id);
    if let Some(before) = State::load(&layout.ingested()) {
        if before.key_id.as_deref() != Some(key.id.as_str()) {
            log(&crate::log::warning(&format!(
                "The secret key is not the one the clean tables were keyed with (key id {} \
                 now {}): every input is read again and every child and case key changes, \
                 so these outputs no longer link to earlier ones.",
                before.key_id.as_deref().unwrap_or("unknown"),
                key.id
            )));
        }
    }
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
    let outcomes = with_writeback(|writeback| {
        let ctx = Context {
            units: &units,
            keys: &keys,
            plan,
            out: Some(&out),
            previous: previous.as_ref(),
            inputs: inputs.iter().map(|i| (i.path.clone(), i.clone())).collect(),
            writeback: Some(writeback),
        };
        ingest_sources(&ctx, log)
    })?;
    let mut state = State {
        context,
        key_id: Some(key.id.clone()),
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
                n => format!(
                    "; {n} not read at all, each a rejected row with row number 0, \
                     not counted among the rows"
                ),
            }
        ));
        for f in t.files.iter().filter(|f| f.problem.is_some()) {
            let problem = f.problem.as_deref().unwrap_or_default();
            log(&format!("  {}", crate::log::warning(problem)));
        }
    }
    Ok(IngestSummary { tables })
}

/// The ingest step's fingerprint for these inputs: equal to the one the clean tables carry
/// when nothing they are built from has changed.
pub fn fingerprint(plan: &Plan, key: &RunKey, inputs: &[InputFile]) -> String {
    state::fingerprint(&state::context_digest(plan, &key.id), inputs)
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
                table::ingest_table::<child_registry::RegistryRecord>(ctx, files, log)?
            }
            SourceKind::Cases => table::ingest_table::<cases::CaseRecord>(ctx, files, log)?,
            SourceKind::DistrictReports => district_reports::ingest(ctx, files, log)?,
            SourceKind::Fund => table::ingest_table::<fund::FundRecord>(ctx, files, log)?,
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
        writeback: None,
    };
    Ok(CheckOutcome {
        reference_problems,
        tables: ingest_sources(&ctx, log)?,
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
        self.rows
            .push(RejectedRow::of(path, sheet, row, r, excluded));
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

fn write_keys(ctx: &Context, table: &str, path: &Path, keys: &[u128]) -> Result<(), Error> {
    match ctx.out {
        Some(out) => {
            ctx.written(&state::write_keys(&out.ingested, table, path, keys)?);
            Ok(())
        }
        None => Ok(()),
    }
}

/// The last run's outcome of `path`, taken over if the file is unchanged and its outcome
/// cannot depend on the files before it (see `state.rs`): its parts are linked into the
/// new clean tables, its rejected rows copied, its keys added to `seen`.
/// The last run's outcome of `path`, if the file is unchanged, was written this run's way
/// and tied to no other file by a duplicate: what [`reuse`] may take over, if its keys do
/// not meet the files before it.
pub(crate) fn reusable<'a>(
    ctx: &Context<'a>,
    table: &str,
    path: &Path,
) -> Option<(&'a Previous, &'a FileSummary)> {
    let (Some(_), Some(previous), Some(input)) = (ctx.out, ctx.previous, ctx.inputs.get(path))
    else {
        return None;
    };
    previous
        .file(table, path, &input.sha256)
        .filter(|f| f.cross_file_duplicates == 0)
        .map(|f| (previous, f))
}

pub(crate) fn reuse(
    ctx: &Context,
    table: &str,
    path: &Path,
    seen: &mut KeySet,
    rejected: &mut RejectedRows,
) -> Result<Option<FileSummary>, Error> {
    let (Some(out), Some((previous, before))) = (ctx.out, reusable(ctx, table, path)) else {
        return Ok(None);
    };
    let Some(keys) = state::read_keys(&previous.ingested, table, path) else {
        return Ok(None);
    };
    if !before
        .parts
        .iter()
        .all(|p| previous.ingested.join(p).is_file())
        || !seen.add_if_disjoint(&keys)
    {
        return Ok(None);
    }
    let rows = previous.rejected_rows(table, path)?;
    for part in &before.parts {
        state::link_or_copy(&previous.ingested.join(part), &out.ingested.join(part))
            .map_err(|e| Error::write(&out.ingested.join(part), e))?;
    }
    write_keys(ctx, table, path, &keys)?;
    rejected.push_reused(rows);
    Ok(Some(FileSummary {
        reused: true,
        ..before.clone()
    }))
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
