//! One source into one clean table, streaming: each file is read a record at a time, its
//! rows parsed, keyed and checked, and its kept records written in bounded batches to its
//! Parquet parts (`ingested/<table>/year=Y/<id>.parquet`), so memory does not grow with
//! the file. Files are read in parallel, one per core.
//!
//! Duplicates are the one rule that looks across rows: the later row of an id is rejected,
//! within a file and across files, in file order. Files are read in parallel on the
//! assumption that no id comes twice, and their keys only collected; the merge that
//! follows, in file order, adds each file's keys to those of the files before it and reads
//! again, alone and in order, the rare file that repeats an id, its own or an earlier
//! file's. That read checks every row as it comes. The ids that can collide are those of
//! one scope (a registry snapshot; all cases), so the set of keys held never spans more
//! than one snapshot.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::dictionary::TextSchema;
use super::frames::{self, RejectedRow};
use super::RejectedRows;
use super::{
    create_buffered, part_path, reusable, reuse, write_keys, Context, FileSummary, KeySet,
};
use super::{TableOutcome, TableSummary};
use crate::config::SourceFiles;
use crate::error::Error;
use crate::sources::headers::{self, ColumnMap, ColumnSpec, HEADER_SEARCH_ROWS};
use crate::sources::row::{Memo, Reason, Rejection, RowOutcome};
use crate::sources::tabular::{
    file_kind, read_tables_with, DelimitedReader, FileKind, RawRow, RawTable, Record,
    UnreadableFile,
};
use crate::sources::{cases, child_registry, fund, SourceKind};
use crate::store::layout::temporary_name;

/// How much of a streamed file's start is read ahead for the order of its dates: its
/// reader's first block, some 450 registry rows.
const DATE_SURVEY_BYTES: usize = 64 * 1024;

/// Records built into one frame and written as one row group.
const BATCH_ROWS: usize = 128 * 1024;

/// A source that becomes one clean table: how its files are placed, how a row is parsed,
/// which id must be unique, and which year partition a record goes to.
pub(crate) trait CleanTable: Sized {
    const TABLE: &'static str;
    const KIND: SourceKind;
    /// The column a duplicate is reported against.
    const ID_COLUMN: &'static str;
    /// What a file's place says about all its rows (the registry's snapshot date).
    type FileContext: Send + Sync;

    fn specs() -> &'static [ColumnSpec];
    /// Columns of whole numbers (đồng, counts) read as a column: their values are surveyed
    /// in a first reading of the file, before any row is parsed. None for the registry and
    /// the cases, whose files are read once.
    const WHOLE_NUMBER_COLUMNS: &'static [&'static str] = &[];
    /// Columns of text dates, whose order of day and month is decided from the file's
    /// values (`sources::date_order`).
    const DATE_COLUMNS: &'static [&'static str];
    fn file_context(path: &Path) -> Result<Self::FileContext, Rejection>;
    /// Files of different scopes cannot share an id: a child appears once per snapshot.
    fn scope(_: &Self::FileContext) -> Option<NaiveDate> {
        None
    }
    fn parse(
        raw: &RawRow,
        map: &ColumnMap,
        file: &Self::FileContext,
        ctx: &Context,
        memo: &mut Memo,
    ) -> RowOutcome<Self>;
    /// Two records of a scope with the same key are duplicates; the later one is rejected.
    /// `None` for sources with no id, such as the fund ledger.
    fn unique_key(&self) -> Option<u128>;
    fn year(&self) -> i32;
    /// The records as a batch of the table; `texts` says how to build the text columns of
    /// few distinct values where the table codes them (the registry and the cases).
    fn frame(records: &[Self], texts: frames::Texts) -> PolarsResult<DataFrame>;
    /// Counts a kept record into the table's tally, if it keeps one.
    fn tally(&self, _: &mut Tally) {}
}

/// The clean table of counts a source keeps beside its rows (the registry's
/// `registry_counts`), one part per input file and year like the rows'. Counting while
/// the rows stream by costs nothing; counting 48 million rows again from Parquet would
/// cost the indicators step most of its time.
pub(crate) const COUNTS_TABLE: &str = "registry_counts";

/// Children counted by district, then by (snapshot, group, supported, at risk).
///
/// A row mostly costs a pointer comparison and a short scan, not a hash: an export lists a
/// district's children together, rows share their district's `Rc` (the place memo hands
/// out one per place), and a district of one file has a few dozen keys at most (a snapshot,
/// some sixteen groups, two flags), the common ones counted first.
#[derive(Default)]
pub(crate) struct Tally {
    by_district: Vec<DistrictCounts>,
    /// Where each district is in `by_district`, for rows that change district.
    index: foldhash::HashMap<Rc<str>, usize>,
    /// The district counted last.
    last: usize,
}

type TallyKey = (NaiveDate, Option<&'static str>, bool, bool);

/// A district and how many children it has by key.
type DistrictCounts = (Rc<str>, Vec<(TallyKey, i64)>);

impl Tally {
    fn add(&mut self, district: &Rc<str>, key: TallyKey) {
        let same = |d: &Rc<str>| Rc::ptr_eq(d, district) || **d == **district;
        let at = match self.by_district.get(self.last) {
            Some((last, _)) if same(last) => self.last,
            _ => match self.index.get(district) {
                Some(&at) => at,
                None => {
                    self.by_district.push((district.clone(), Vec::new()));
                    self.index
                        .insert(district.clone(), self.by_district.len() - 1);
                    self.by_district.len() - 1
                }
            },
        };
        self.last = at;
        if let Some((_, counts)) = self.by_district.get_mut(at) {
            // The flags and the date first; a group is one of a fixed list of words, so
            // mostly the same pointer, and else a letter or two compared in line (the
            // search passes most keys by, and `==` on text calls memcmp for each).
            let same_key = |k: &TallyKey| {
                (k.0, k.2, k.3) == (key.0, key.2, key.3)
                    && match (k.1, key.1) {
                        (Some(a), Some(b)) => {
                            std::ptr::eq(a, b)
                                || (a.len() == b.len()
                                    && a.bytes().zip(b.bytes()).all(|(x, y)| x == y))
                        }
                        (a, b) => a.is_none() && b.is_none(),
                    }
            };
            match counts.iter_mut().find(|(k, _)| same_key(k)) {
                Some((_, n)) => *n += 1,
                None => counts.push((key, 1)),
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.by_district.is_empty()
    }

    /// The counts as a frame, in a fixed order.
    fn frame(&self) -> PolarsResult<DataFrame> {
        let mut rows: Vec<frames::CountRow> = self
            .by_district
            .iter()
            .flat_map(|(d, counts)| {
                counts
                    .iter()
                    .map(move |(k, n)| (k.0, &**d, k.1, k.2, k.3, *n))
            })
            .collect();
        rows.sort_unstable_by(|a, b| (a.0, a.1, a.2, a.3, a.4).cmp(&(b.0, b.1, b.2, b.3, b.4)));
        frames::registry_counts(&rows)
    }
}

impl CleanTable for child_registry::RegistryRecord {
    const TABLE: &'static str = "registry";
    const KIND: SourceKind = SourceKind::ChildRegistry;
    const ID_COLUMN: &'static str = "child_id";
    type FileContext = NaiveDate;
    const DATE_COLUMNS: &'static [&'static str] = child_registry::DATE_COLUMNS;

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

    fn scope(snapshot: &NaiveDate) -> Option<NaiveDate> {
        Some(*snapshot)
    }

    fn parse(
        raw: &RawRow,
        map: &ColumnMap,
        snapshot: &NaiveDate,
        ctx: &Context,
        memo: &mut Memo,
    ) -> RowOutcome<Self> {
        child_registry::parse_row(
            raw,
            map,
            *snapshot,
            ctx.lists,
            ctx.keys,
            ctx.century(),
            memo,
        )
    }

    /// A child appears once per snapshot (the scope).
    fn unique_key(&self) -> Option<u128> {
        Some(self.child_key.bits())
    }

    fn year(&self) -> i32 {
        self.snapshot_date.year()
    }

    fn frame(records: &[Self], texts: frames::Texts) -> PolarsResult<DataFrame> {
        frames::registry_as(records, texts)
    }

    fn tally(&self, tally: &mut Tally) {
        tally.add(
            &self.district_code,
            (
                self.snapshot_date,
                self.special_group,
                self.supported,
                self.at_risk,
            ),
        );
    }
}

impl CleanTable for cases::CaseRecord {
    const TABLE: &'static str = "cases";
    const KIND: SourceKind = SourceKind::Cases;
    const ID_COLUMN: &'static str = "case_id";
    type FileContext = ();
    const DATE_COLUMNS: &'static [&'static str] = cases::DATE_COLUMNS;

    fn specs() -> &'static [ColumnSpec] {
        cases::COLUMNS
    }

    fn file_context(_: &Path) -> Result<(), Rejection> {
        Ok(())
    }

    fn parse(
        raw: &RawRow,
        map: &ColumnMap,
        _: &(),
        ctx: &Context,
        memo: &mut Memo,
    ) -> RowOutcome<Self> {
        cases::parse_row(raw, map, ctx.lists, ctx.keys, ctx.century(), memo)
    }

    /// A case id is unique across all years and files.
    fn unique_key(&self) -> Option<u128> {
        Some(self.case_key.bits())
    }

    fn year(&self) -> i32 {
        cases::CaseRecord::year(self)
    }

    fn frame(records: &[Self], texts: frames::Texts) -> PolarsResult<DataFrame> {
        frames::cases_as(records, texts)
    }
}

impl CleanTable for fund::FundRecord {
    const TABLE: &'static str = "fund";
    const KIND: SourceKind = SourceKind::Fund;
    const ID_COLUMN: &'static str = "";
    type FileContext = ();
    const WHOLE_NUMBER_COLUMNS: &'static [&'static str] = fund::WHOLE_NUMBER_COLUMNS;
    const DATE_COLUMNS: &'static [&'static str] = fund::DATE_COLUMNS;

    fn specs() -> &'static [ColumnSpec] {
        fund::COLUMNS
    }

    fn file_context(_: &Path) -> Result<(), Rejection> {
        Ok(())
    }

    fn parse(
        raw: &RawRow,
        map: &ColumnMap,
        _: &(),
        ctx: &Context,
        memo: &mut Memo,
    ) -> RowOutcome<Self> {
        fund::parse_row(raw, map, ctx.century(), memo)
    }

    /// Ledger rows have no id: two equal gifts on one day are two gifts.
    fn unique_key(&self) -> Option<u128> {
        None
    }

    fn year(&self) -> i32 {
        fund::FundRecord::year(self)
    }

    fn frame(records: &[Self], _: frames::Texts) -> PolarsResult<DataFrame> {
        frames::fund(records)
    }
}

/// The snapshot a registry file belongs to: the date its folder is named for.
fn snapshot_date(path: &Path) -> Option<NaiveDate> {
    let folder = path.parent()?.file_name()?.to_str()?;
    NaiveDate::parse_from_str(folder, "%Y-%m-%d").ok()
}

/// What reading one file gave, before the check against the files before it.
struct FileRead {
    file: FileSummary,
    rejected: Vec<RejectedRow>,
    /// The key of every kept row.
    keys: Vec<u128>,
}

impl FileRead {
    /// Nothing read yet.
    fn new(path: &Path, ctx: &Context) -> FileRead {
        FileRead {
            file: FileSummary::new(path, ctx),
            rejected: Vec::new(),
            keys: Vec::new(),
        }
    }
}

/// Ingests the files of one source, in parallel, into its clean table.
pub(crate) fn ingest_table<T: CleanTable>(
    ctx: &Context,
    source: &SourceFiles,
    log: &mut dyn FnMut(&str),
) -> Result<TableOutcome, Error> {
    // Files that may be taken over from the last run are not read ahead.
    let scopes: Vec<Vec<(PathBuf, bool)>> = scopes::<T>(&source.files)
        .into_iter()
        .map(|scope| {
            scope
                .into_iter()
                .map(|p| {
                    let may_reuse = reusable(ctx, T::TABLE, &p).is_some();
                    (p, may_reuse)
                })
                .collect()
        })
        .collect();
    let ahead: Vec<&Path> = scopes
        .iter()
        .flatten()
        .filter(|(_, may_reuse)| !may_reuse)
        .map(|(p, _)| p.as_path())
        .collect();
    // One read-ahead for all scopes: the readers go on into the next snapshot while the
    // merge finishes this one, so no core waits at the end of each.
    std::thread::scope(|threads| {
        let read = ReadAhead::<T>::start(threads, ctx, &ahead);
        let merged = merge_scopes(ctx, &scopes, &read, log);
        // On a failure the readers finish the files they hold and take no more.
        read.stop();
        merged
    })
}

/// Each scope's files in order, as they are read ahead (or taken over from the last run),
/// their keys added to the scope's: the merge of a snapshot's millions of keys goes on
/// while the readers read, and is no pause at the end.
fn merge_scopes<T: CleanTable>(
    ctx: &Context,
    scopes: &[Vec<(PathBuf, bool)>],
    read: &ReadAhead<T>,
    log: &mut dyn FnMut(&str),
) -> Result<TableOutcome, Error> {
    let mut summary = TableSummary::new(T::TABLE);
    let mut rejected = RejectedRows::default();
    // One set for every scope, emptied between them: a national snapshot's 4 million keys
    // take 128 MB, better taken from the kernel once than once a snapshot.
    let mut seen: KeySet = KeySet::default();
    for scope in scopes {
        seen.clear();
        seen.reserve(rows_guess(ctx, scope.iter().map(|(p, _)| p.as_path())));
        for (path, may_reuse) in scope {
            if *may_reuse {
                if let Some(file) = reuse(ctx, T::TABLE, path, &mut seen, &mut rejected)? {
                    log(&format!("  reused {}", path.display()));
                    summary.push(file);
                    continue;
                }
                log(&format!("  read {}", path.display()));
                let done = read_after::<T>(ctx, path, &mut seen)?;
                summary.push(finish(done, &mut rejected));
                continue;
            }
            let done = read.next(path)?;
            log(&format!("  read {}", path.display()));
            let done = if seen.add_if_disjoint(&done.keys) {
                done
            } else {
                // It repeats an id, its own or an earlier file's: read again with the
                // earlier keys, so its duplicate rows are rejected as the rules say.
                remove_parts(ctx, &done.file);
                read_after::<T>(ctx, path, &mut seen)?
            };
            summary.push(finish(done, &mut rejected));
        }
    }
    Ok(TableOutcome { summary, rejected })
}

/// Reads a file alone, after the files of its scope before it (whose keys are `seen`),
/// and adds its keys.
fn read_after<T: CleanTable>(
    ctx: &Context,
    path: &Path,
    seen: &mut KeySet,
) -> Result<FileRead, Error> {
    let mut memo = Memo::default();
    let done = read_file::<T>(ctx, path, Some(seen), &mut memo)?;
    ctx.count_mapped(&memo);
    seen.extend(done.keys.iter().copied());
    Ok(done)
}

/// A file read and merged into its scope: its rejected rows kept.
fn finish(done: FileRead, rejected: &mut RejectedRows) -> FileSummary {
    rejected.rows.extend(done.rejected);
    done.file
}

/// The plan's files grouped by scope, each group in the plan's order.
fn scopes<T: CleanTable>(files: &[PathBuf]) -> Vec<Vec<PathBuf>> {
    let mut groups: Vec<(Option<NaiveDate>, Vec<PathBuf>)> = Vec::new();
    for path in files {
        let scope = T::file_context(path).ok().and_then(|fc| T::scope(&fc));
        match groups.iter_mut().find(|(s, _)| *s == scope) {
            Some((_, group)) => group.push(path.clone()),
            None => groups.push((scope, vec![path.clone()])),
        }
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

/// `files` read on as many threads as there are cores, each file alone and unchecked for
/// duplicates, handed back in the files' order as each is done.
struct ReadAhead<'a, T: CleanTable> {
    files: &'a [&'a Path],
    /// The next file a reader takes (past the last once stopped).
    next: AtomicUsize,
    state: Mutex<Progress>,
    changed: Condvar,
    taken: AtomicUsize,
    _table: std::marker::PhantomData<fn() -> T>,
}

/// Each file's outcome until it is taken, and how many readers are still at work.
struct Progress {
    outcomes: Vec<Option<Result<FileRead, Error>>>,
    readers: usize,
}

/// A reader's end, however it ends (a panic included): the merge must not wait for it.
struct ReaderLeaves<'r, 'a, T: CleanTable>(&'r ReadAhead<'a, T>);

impl<T: CleanTable> Drop for ReaderLeaves<'_, '_, T> {
    fn drop(&mut self) {
        if let Ok(mut state) = self.0.state.lock() {
            state.readers -= 1;
        }
        self.0.changed.notify_all();
    }
}

impl<'a, T: CleanTable> ReadAhead<'a, T> {
    /// Starts the readers on `threads`; they stop when every file is read or [`stop`] is
    /// called.
    fn start<'scope>(
        threads: &'scope std::thread::Scope<'scope, '_>,
        ctx: &'scope Context,
        files: &'a [&'a Path],
    ) -> std::sync::Arc<Self>
    where
        'a: 'scope,
        T: 'scope,
    {
        let readers = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(files.len());
        let read = std::sync::Arc::new(ReadAhead {
            files,
            next: AtomicUsize::new(0),
            state: Mutex::new(Progress {
                outcomes: (0..files.len()).map(|_| None).collect(),
                readers,
            }),
            changed: Condvar::new(),
            taken: AtomicUsize::new(0),
            _table: std::marker::PhantomData,
        });
        for _ in 0..readers {
            let read = read.clone();
            threads.spawn(move || {
                let _leaves = ReaderLeaves(&read);
                let mut memo = Memo::default();
                loop {
                    let i = read.next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = read.files.get(i) else { break };
                    let outcome = read_file::<T>(ctx, path, None, &mut memo);
                    ctx.count_mapped(&memo);
                    memo.mapped_codes = 0;
                    if outcome.is_err() {
                        // Take no more files; the other readers finish theirs.
                        read.stop();
                    }
                    if let Ok(mut state) = read.state.lock() {
                        state.outcomes[i] = Some(outcome);
                    }
                    read.changed.notify_all();
                }
            });
        }
        read
    }

    /// The outcome of the next file in order (`path`), once it is read.
    fn next(&self, path: &Path) -> Result<FileRead, Error> {
        let i = self.taken.fetch_add(1, Ordering::Relaxed);
        let lost = || {
            Error::Internal(format!(
                "{} was not read (a reading thread failed)",
                path.display()
            ))
        };
        let mut state = self.state.lock().map_err(|_| lost())?;
        loop {
            match state.outcomes.get_mut(i).map(Option::take) {
                Some(Some(outcome)) => return outcome,
                // Every reader is gone: the file will never be read.
                Some(None) if state.readers == 0 => return Err(lost()),
                Some(None) => state = self.changed.wait(state).map_err(|_| lost())?,
                None => return Err(lost()),
            }
        }
    }

    /// No reader takes another file.
    fn stop(&self) {
        self.next.store(self.files.len(), Ordering::Relaxed);
    }
}

/// The rows of an opened file: a workbook's sheet in memory, or a delimited file streamed.
enum RowSource {
    Table(std::vec::IntoIter<RawRow>),
    Stream {
        /// Rows read while looking for the header, after it.
        pending: std::vec::IntoIter<RawRow>,
        reader: Box<DelimitedReader>,
    },
}

impl RowSource {
    fn next(&mut self, row: &mut RawRow) -> Result<Option<Record>, UnreadableFile> {
        match self {
            RowSource::Table(rows) => Ok(rows.next().map(|r| {
                *row = r;
                Record::Row
            })),
            RowSource::Stream { pending, reader } => match pending.next() {
                Some(r) => {
                    *row = r;
                    Ok(Some(Record::Row))
                }
                None => reader.next_row(row),
            },
        }
    }

    fn read_as(&self, table_read_as: &str) -> String {
        match self {
            RowSource::Stream { reader, .. } => reader.encoding().name().to_string(),
            RowSource::Table(_) => table_read_as.to_string(),
        }
    }
}

/// A source file opened and its header found, ready for row parsing.
struct OpenedFile {
    rows: RowSource,
    /// Records set aside by the reader (over the line-length limit), with line and why.
    skipped: Vec<(usize, String)>,
    map: ColumnMap,
    sheet: Option<String>,
    read_as: String,
}

/// Opens a source file and finds its header; on failure, the reason (the file's one
/// rejected row).
fn open_source(
    ctx: &Context,
    kind: SourceKind,
    specs: &[ColumnSpec],
    path: &Path,
) -> Result<OpenedFile, (Reason, String)> {
    let unreadable = |e: UnreadableFile| {
        let reason = if e.reason == "too_large" {
            Reason::TooLarge
        } else {
            Reason::UnreadableFile
        };
        (reason, e.to_string())
    };
    let aliases = |column: &str| ctx.plan.aliases(kind, column).to_vec();
    let missing = |e: headers::MissingColumns| {
        (
            Reason::MissingColumns,
            format!("Cannot read {}: {e}", path.display()),
        )
    };
    if file_kind(path).map_err(unreadable)? == FileKind::Delimited {
        let mut reader = DelimitedReader::open(path, &ctx.plan.limits).map_err(unreadable)?;
        let mut head = RawTable {
            sheet: None,
            encoding: None,
            first_column: 0,
            rows: Vec::new(),
            skipped: Vec::new(),
            uncomputed: Vec::new(),
        };
        let mut row = RawRow::default();
        // Past the header, the rows of the file's first block are held too: the order
        // of its dates is decided on them before any is parsed, with no second pass.
        let mut bytes = 0;
        while head.rows.len() < HEADER_SEARCH_ROWS || bytes < DATE_SURVEY_BYTES {
            match reader.next_row(&mut row).map_err(unreadable)? {
                None => break,
                Some(Record::Row) => {
                    bytes += row.cells().map(|c| c.len() + 1).sum::<usize>();
                    head.rows.push(std::mem::take(&mut row));
                }
                Some(Record::Skipped(line, why)) => head.skipped.push((line, why)),
            }
        }
        let map = headers::locate(std::slice::from_ref(&head), specs, &aliases)
            .map_err(missing)?
            .1;
        let pending: Vec<RawRow> = head.rows.drain(map.header_index + 1..).collect();
        return Ok(OpenedFile {
            read_as: String::new(),
            rows: RowSource::Stream {
                pending: pending.into_iter(),
                reader: Box::new(reader),
            },
            skipped: head.skipped,
            map,
            sheet: None,
        });
    }
    let tables = read_tables_with(path, &ctx.plan.limits).map_err(unreadable)?;
    let (table, map) = headers::locate(&tables, specs, &aliases).map_err(missing)?;
    let read_as = match (&table.sheet, table.encoding) {
        (Some(sheet), _) => format!("sheet \"{sheet}\""),
        (None, Some(enc)) => enc.to_string(),
        (None, None) => String::new(),
    };
    let rows: Vec<RawRow> = table.rows[map.header_index + 1..].to_vec();
    Ok(OpenedFile {
        rows: RowSource::Table(rows.into_iter()),
        skipped: table.skipped.clone(),
        map,
        sheet: table.sheet.clone(),
        read_as,
    })
}

/// Surveys the whole-number `columns` of an opened file over all its data rows, before
/// any is parsed: a sheet's rows are in memory already; a delimited file is read a first
/// time, a record at a time, from its start (the rows up to its header passed over), so
/// memory stays flat. A file that fails half-way is left to the reading proper to report.
fn survey_whole_columns(
    ctx: &Context,
    path: &Path,
    opened: &mut OpenedFile,
    columns: &[&'static str],
) {
    let map = &mut opened.map;
    map.survey_whole_columns(columns);
    match &opened.rows {
        RowSource::Table(rows) => rows.as_slice().iter().for_each(|row| map.survey(row)),
        RowSource::Stream { .. } => {
            let Ok(mut reader) = DelimitedReader::open(path, &ctx.plan.limits) else {
                return;
            };
            let mut row = RawRow::default();
            let mut rows = 0;
            while let Ok(Some(record)) = reader.next_row(&mut row) {
                if record == Record::Row {
                    if rows > map.header_index {
                        map.survey(&row);
                    }
                    rows += 1;
                }
            }
        }
    }
}

/// The Parquet parts of one file being written, one per year, a batch at a time.
struct Parts<'a, T: CleanTable> {
    ctx: &'a Context<'a>,
    input: &'a Path,
    batches: BTreeMap<i32, Vec<T>>,
    /// Room for a batch from the start: grown row by row, a file's batch was copied
    /// again at every doubling.
    batch_room: usize,
    writers: BTreeMap<i32, PartWriter>,
    tallies: BTreeMap<i32, Tally>,
}

struct PartWriter {
    writer: polars::io::parquet::write::BatchedWriter<std::io::BufWriter<std::fs::File>>,
    tmp: PathBuf,
    path: PathBuf,
    part: PathBuf,
}

impl<'a, T: CleanTable> Parts<'a, T> {
    fn new(ctx: &'a Context<'a>, input: &'a Path) -> Self {
        Parts {
            ctx,
            input,
            batches: BTreeMap::new(),
            // A dry run keeps no batch.
            batch_room: match ctx.out {
                Some(_) => rows_guess(ctx, [input]).min(BATCH_ROWS),
                None => 0,
            },
            writers: BTreeMap::new(),
            tallies: BTreeMap::new(),
        }
    }

    fn push(&mut self, record: T) -> Result<(), Error> {
        if self.ctx.out.is_none() {
            return Ok(());
        }
        let year = record.year();
        record.tally(self.tallies.entry(year).or_default());
        let room = self.batch_room;
        let batch = self
            .batches
            .entry(year)
            .or_insert_with(|| Vec::with_capacity(room));
        batch.push(record);
        if batch.len() >= BATCH_ROWS {
            self.flush(year)?;
        }
        Ok(())
    }

    fn flush(&mut self, year: i32) -> Result<(), Error> {
        let (Some(out), Some(batch)) = (self.ctx.out, self.batches.get_mut(&year)) else {
            return Ok(());
        };
        if batch.is_empty() {
            return Ok(());
        }
        let polars_error = |e| Error::polars(&format!("building the {} table", T::TABLE), e);
        let df = T::frame(batch, frames::Texts::Coded).map_err(polars_error)?;
        batch.clear();
        if !self.writers.contains_key(&year) {
            let part = part_path(Path::new(""), T::TABLE, year, self.input);
            let path = out.ingested.join(&part);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
            }
            let tmp = temporary_name(&path);
            let file = create_buffered(&tmp).map_err(|e| Error::write(&path, e))?;
            // Not compressed: the bulk of the bytes are the hex keys, which no fast codec
            // shrinks, and the other columns are dictionary- and run-length-encoded
            // already. LZ4 saved 2 % of a national registry's bytes (269 MB, not 275) for 4 %
            // of its ingest time; zstd took a tenth. Columns are encoded on this thread:
            // files are already read one per core. Every column keeps its least and
            // greatest value, the keys' too (which rule out no row group: random keys span
            // the whole range), as polars' writer has no setting a column.
            // The file declares its coded columns as the text they read back as.
            let text_schema = T::frame(&[], frames::Texts::Plain)
                .and_then(|frame| TextSchema::of(&frame))
                .map_err(polars_error)?;
            let writer = ParquetWriter::new(file)
                .with_compression(ParquetCompression::Uncompressed)
                .set_parallel(false)
                .with_key_value_metadata(Some(text_schema.metadata()))
                .batched(df.schema())
                .map_err(|e| Error::polars(&format!("writing {}", path.display()), e))?;
            self.writers.insert(
                year,
                PartWriter {
                    writer,
                    tmp,
                    path,
                    part,
                },
            );
        }
        if let Some(w) = self.writers.get_mut(&year) {
            w.writer
                .write_batch(&df)
                .map_err(|e| Error::polars(&format!("writing {}", w.path.display()), e))?;
        }
        Ok(())
    }

    /// Writes what is left and puts every part in place; returns the parts.
    fn finish(mut self) -> Result<Vec<PathBuf>, Error> {
        let years: Vec<i32> = self.batches.keys().copied().collect();
        for year in years {
            self.flush(year)?;
        }
        let mut parts = Vec::new();
        for (_, w) in std::mem::take(&mut self.writers) {
            w.writer
                .finish()
                .map_err(|e| Error::polars(&format!("writing {}", w.path.display()), e))?;
            std::fs::rename(&w.tmp, &w.path).map_err(|e| Error::write(&w.path, e))?;
            self.ctx.written(&w.path);
            parts.push(w.part);
        }
        if let Some(out) = self.ctx.out {
            for (year, tally) in std::mem::take(&mut self.tallies) {
                if tally.is_empty() {
                    continue;
                }
                let mut df = tally
                    .frame()
                    .map_err(|e| Error::polars(&format!("counting the {} table", T::TABLE), e))?;
                let part = part_path(Path::new(""), COUNTS_TABLE, year, self.input);
                let path = out.ingested.join(&part);
                super::write_parquet(&mut df, &path)?;
                self.ctx.written(&path);
                parts.push(part);
            }
        }
        Ok(parts)
    }

    /// Drops what was written (a file found unreadable half-way).
    fn abandon(mut self) {
        for (_, w) in std::mem::take(&mut self.writers) {
            drop(w.writer);
            let _ = std::fs::remove_file(&w.tmp);
        }
    }
}

/// Removes the parts a first reading of a file wrote, before it is read again.
fn remove_parts(ctx: &Context, file: &FileSummary) {
    if let Some(out) = ctx.out {
        for part in &file.parts {
            let _ = std::fs::remove_file(out.ingested.join(part));
        }
    }
}

/// Reads one file whole: every row kept, rejected or excluded; kept rows written to the
/// file's parts. A key in `earlier` (or earlier in the file) makes its row a duplicate.
fn read_file<T: CleanTable>(
    ctx: &Context,
    path: &Path,
    earlier: Option<&KeySet>,
    memo: &mut Memo,
) -> Result<FileRead, Error> {
    let done = FileRead::new(path, ctx);
    let opened = T::file_context(path).and_then(|fc| {
        open_source(ctx, T::KIND, T::specs(), path)
            .map(|o| (fc, o))
            .map_err(|(reason, message)| Rejection::new("", reason, message))
    });
    let (file_context, mut opened) = match opened {
        Ok(o) => o,
        Err(r) => return Ok(unreadable_file(done, path, r)),
    };
    if !T::WHOLE_NUMBER_COLUMNS.is_empty() {
        survey_whole_columns(ctx, path, &mut opened, T::WHOLE_NUMBER_COLUMNS);
    }
    // The order of day and month, from the rows at hand: a sheet's all, a stream's
    // first block (read ahead by `open_source`); the rest adds to it as it is read.
    let at_hand = match &opened.rows {
        RowSource::Table(rows) => rows.as_slice(),
        RowSource::Stream { pending, .. } => pending.as_slice(),
    };
    memo.survey_dates(&opened.map, T::DATE_COLUMNS, at_hand);
    let sheet = opened.sheet.clone();
    // Checked row by row only when read after the files before it; read ahead, the keys
    // are collected and the merge finds any id that comes twice.
    let own = earlier.map(|earlier| {
        let room = rows_guess(ctx, [path]);
        (earlier, KeySet::with_capacity(room))
    });
    let mut counted = Counted {
        done,
        own,
        parts: Parts::<T>::new(ctx, path),
        path,
        sheet: sheet.as_deref(),
        set_aside: std::mem::take(&mut opened.skipped).into_iter().peekable(),
    };
    let mut row = RawRow::default();
    loop {
        match opened.rows.next(&mut row) {
            Ok(Some(Record::Skipped(line, why))) => counted.skipped(line, why),
            Ok(Some(Record::Row)) if row.is_blank() => {}
            Ok(Some(Record::Row)) => {
                let outcome = T::parse(&row, &opened.map, &file_context, ctx, memo);
                counted.row(&row, outcome)?;
            }
            Ok(None) => break,
            Err(e) => {
                // Unreadable half-way: the file is lost as a whole, and said so.
                counted.parts.abandon();
                let r = Rejection::new("", Reason::UnreadableFile, e.to_string());
                return Ok(unreadable_file(FileRead::new(path, ctx), path, r));
            }
        }
    }
    counted.set_aside_before(usize::MAX);
    // Month first showed only after dates that read either way had been kept read day
    // first: the file goes whole, as one unreadable half-way does, not silently wrong.
    if let Some(why) = memo.date_refusal() {
        counted.parts.abandon();
        let r = Rejection::new("", Reason::BadDate, why);
        return Ok(unreadable_file(FileRead::new(path, ctx), path, r));
    }
    let Counted {
        mut done, parts, ..
    } = counted;
    done.file.read_as = opened.rows.read_as(&opened.read_as);
    done.file.parts = parts.finish()?;
    write_keys(ctx, T::TABLE, path, &done.keys)?;
    Ok(done)
}

/// A file's rows as they are counted: kept (into the parts), rejected or excluded.
struct Counted<'a, T: CleanTable> {
    done: FileRead,
    /// The earlier files' keys and this file's, when ids are checked row by row.
    own: Option<(&'a KeySet, KeySet)>,
    parts: Parts<'a, T>,
    path: &'a Path,
    sheet: Option<&'a str>,
    /// Lines the reader set aside while it looked for the header, counted in their place
    /// among the rows.
    set_aside: std::iter::Peekable<std::vec::IntoIter<(usize, String)>>,
}

impl<T: CleanTable> Counted<'_, T> {
    /// Counts the lines set aside before `line`.
    fn set_aside_before(&mut self, line: usize) {
        while let Some((at, why)) = self.set_aside.next_if(|(at, _)| *at < line) {
            self.line_too_long(at, why);
        }
    }

    /// A record the reader set aside as it read the rows.
    fn skipped(&mut self, line: usize, why: String) {
        self.set_aside_before(line);
        self.line_too_long(line, why);
    }

    /// A record over the line-length limit.
    fn line_too_long(&mut self, line: usize, why: String) {
        self.done.file.counts.read += 1;
        self.done.file.counts.rejected += 1;
        let r = Rejection::new("", Reason::LineTooLong, why);
        self.done
            .rejected
            .push(RejectedRow::of(self.path, self.sheet, line, r, false));
    }

    /// A row with data and what parsing made of it.
    #[inline(always)]
    fn row(&mut self, row: &RawRow, outcome: RowOutcome<T>) -> Result<(), Error> {
        self.set_aside_before(row.line);
        let done = &mut self.done;
        done.file.counts.read += 1;
        let (path, sheet) = (self.path, self.sheet);
        match outcome {
            RowOutcome::Kept(record) => {
                let key = record.unique_key();
                // The first row of an id is kept (and its key never enters `own` when an
                // earlier file has it); a later row is a duplicate.
                let seen = match (key, &mut self.own) {
                    (Some(key), Some((earlier, own))) => {
                        if earlier.contains(&key) {
                            Some(Seen::InAnEarlierFile)
                        } else if !own.insert(key) {
                            Some(Seen::InThisFile)
                        } else {
                            None
                        }
                    }
                    _ => None,
                };
                match seen {
                    Some(seen) => {
                        done.file.counts.rejected += 1;
                        if seen == Seen::InAnEarlierFile {
                            done.file.cross_file_duplicates += 1;
                        }
                        let r = Rejection::new(T::ID_COLUMN, Reason::DuplicateId, "");
                        done.rejected
                            .push(RejectedRow::of(path, sheet, row.line, r, false));
                    }
                    None => {
                        done.keys.extend(key);
                        done.file.counts.kept += 1;
                        self.parts.push(record)?;
                    }
                }
            }
            RowOutcome::Rejected(r) => {
                done.file.counts.rejected += 1;
                done.rejected
                    .push(RejectedRow::of(path, sheet, row.line, r, false));
            }
            RowOutcome::Excluded(r) => {
                done.file.counts.excluded += 1;
                done.rejected
                    .push(RejectedRow::of(path, sheet, row.line, r, true));
            }
        }
        Ok(())
    }
}

/// Where a duplicate's id was seen first.
#[derive(PartialEq)]
enum Seen {
    InAnEarlierFile,
    InThisFile,
}

/// Room for the keys of `files` from the start, guessed at a row a 100 bytes (a registry
/// row is about 140): a set grown step by step moves each key several times. The sizes
/// are those the inputs were hashed at; a dry run, which hashes nothing, asks the file
/// system.
fn rows_guess<'p>(ctx: &Context, files: impl IntoIterator<Item = &'p Path>) -> usize {
    let bytes: u64 = files
        .into_iter()
        .map(|p| match ctx.inputs.get(p) {
            Some(input) => input.bytes,
            None => std::fs::metadata(p).map_or(0, |m| m.len()),
        })
        .sum();
    usize::try_from(bytes / 100)
        .unwrap_or(usize::MAX)
        .min(1 << 25)
}

fn unreadable_file(mut done: FileRead, path: &Path, r: Rejection) -> FileRead {
    done.file.problem = Some(r.detail().to_string());
    done.rejected.push(RejectedRow::of(path, None, 0, r, false));
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_counts_districts_however_their_rows_come() {
        let day = NaiveDate::from_ymd_opt(2021, 12, 31).unwrap();
        let mut tally = Tally::default();
        // Runs of one district, a district that comes back, and two keys in one district.
        for (district, supported) in [
            ("622", true),
            ("622", true),
            ("623", false),
            ("622", false),
            ("623", false),
            ("624", true),
        ] {
            tally.add(&Rc::from(district), (day, Some("a"), supported, false));
        }
        let counts = tally.frame().unwrap();
        let district = counts.column(crate::columns::DISTRICT_CODE).unwrap();
        let district: Vec<&str> = district.str().unwrap().iter().flatten().collect();
        let supported: Vec<bool> = counts
            .column(crate::columns::SUPPORTED)
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        let n = counts
            .column(crate::columns::CHILDREN)
            .unwrap()
            .i64()
            .unwrap();
        let n: Vec<i64> = n.iter().flatten().collect();
        assert_eq!(district, ["622", "622", "623", "624"]);
        assert_eq!(supported, [false, true, false, true]);
        assert_eq!(n, [1, 2, 2, 1]);
    }

    #[test]
    fn a_tally_tells_groups_apart_by_their_text_wherever_it_is_held() {
        let day = NaiveDate::from_ymd_opt(2021, 12, 31).unwrap();
        let mut tally = Tally::default();
        let district: Rc<str> = Rc::from("622");
        // "a" held at another address counts with "a"; "b" (as long) and "đ" apart.
        let elsewhere: &'static str = Box::leak(String::from("a").into_boxed_str());
        for group in [
            Some("a"),
            Some("b"),
            Some(elsewhere),
            Some("đ"),
            None,
            Some("a"),
        ] {
            tally.add(&district, (day, group, true, false));
        }
        let counts = tally.frame().unwrap();
        let groups = counts.column(crate::columns::SPECIAL_GROUP).unwrap();
        let n = counts
            .column(crate::columns::CHILDREN)
            .unwrap()
            .i64()
            .unwrap();
        let by_group: std::collections::BTreeMap<Option<&str>, i64> = groups
            .str()
            .unwrap()
            .iter()
            .zip(n.iter().flatten())
            .collect();
        let expected = [(None, 1), (Some("a"), 3), (Some("b"), 1), (Some("đ"), 1)];
        assert_eq!(by_group, expected.into_iter().collect());
        assert_eq!(counts.height(), 4);
    }
}
