//! Any CSV, workbook or HTML-table export as rows of text with their row numbers, whatever
//! its encoding, delimiter or cell types. Every later stage parses text, so an Excel date
//! cell, an Excel serial number typed into a CSV and a `dd/mm/yyyy` string all meet the
//! same parser.
//!
//! Reading is bounded by `Limits` (set in the pipeline file's `[limits]`): a workbook that
//! inflates past a size, a sheet past a number of cells, a line past a length is refused
//! with a message that names the limit — before it can exhaust the machine.

mod delimited;
mod formula;
mod html;
mod records;
mod scan;
mod workbook;

use std::path::{Path, PathBuf};

pub use delimited::{DelimitedReader, Record};

/// One row as the file holds it; `line` is the row number a person sees (1-based: the
/// spreadsheet row, or the CSV line where the record starts). The cells' text sits in one
/// buffer: a national snapshot has some 50 million cells, and one allocation each would
/// cost more than parsing them.
#[derive(Debug, Clone, Default)]
pub struct RawRow {
    pub line: usize,
    text: String,
    /// End of each cell in `text`.
    ends: Vec<usize>,
    /// Bytes between one cell's end and the next one's start: 0, or 1 when `text` is a
    /// delimited line as it was read, delimiters and all.
    gap: usize,
}

/// Rows are equal when their lines and cells are, however their text is held.
impl PartialEq for RawRow {
    fn eq(&self, other: &Self) -> bool {
        self.line == other.line && self.cells().eq(other.cells())
    }
}

impl Eq for RawRow {}

impl RawRow {
    /// A row of cells taken as they are (already cleaned).
    pub fn new<S: AsRef<str>>(line: usize, cells: impl IntoIterator<Item = S>) -> Self {
        let mut row = RawRow {
            line,
            ..RawRow::default()
        };
        for cell in cells {
            row.push(cell.as_ref());
        }
        row
    }

    /// Empties the row for reuse, keeping its buffers.
    pub fn clear(&mut self, line: usize) {
        self.line = line;
        self.text.clear();
        self.ends.clear();
        self.gap = 0;
    }

    /// Appends a cell as it is.
    pub fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len());
    }

    /// Appends a cell cleaned (`text::clean`).
    pub fn push_cleaned(&mut self, cell: &str) {
        crate::text::clean_into(&mut self.text, cell);
        self.ends.push(self.text.len());
    }

    /// Takes as its cells those of `text` that end at `ends`, `gap` bytes apart (a
    /// delimited line as it was read), known to be clean already: one copy for the row.
    pub fn set_clean_cells(&mut self, line: usize, text: &str, ends: &[usize], gap: usize) {
        self.clear(line);
        self.text.push_str(text);
        self.ends.extend_from_slice(ends);
        self.gap = gap;
    }

    /// Cell `i`, if the row is that long.
    pub fn cell(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => self.ends.get(i - 1)? + self.gap,
        };
        self.text.get(start..end)
    }

    pub fn cells(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.ends.len()).map(|i| self.cell(i).unwrap_or(""))
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// No cell holds anything: the text is no more than the gaps between cells.
    pub fn is_blank(&self) -> bool {
        self.text.len() <= self.ends.len().saturating_sub(1) * self.gap
    }
}

/// One sheet of a workbook, or the whole of a CSV file.
#[derive(Debug)]
pub struct RawTable {
    pub sheet: Option<String>,
    /// The text encoding found (CSV: the file's; workbooks: a legacy font, if any).
    pub encoding: Option<&'static str>,
    /// Zero-based sheet column of each row's first cell, for cell addresses such as "E12".
    pub first_column: usize,
    pub rows: Vec<RawRow>,
    /// Rows left out, with their line and why (a line over the length limit).
    pub skipped: Vec<(usize, String)>,
    /// Workbooks: the formula cells whose value is not known, by line and column.
    pub uncomputed: Vec<UncomputedFormula>,
}

impl RawTable {
    /// The spreadsheet address ("E12") of cell `index` of `row`.
    pub fn address(&self, row: &RawRow, index: usize) -> String {
        format!("{}{}", column_letters(self.first_column + index), row.line)
    }

    /// The formula of cell `index` of `row`, when its value is not known.
    pub fn uncomputed(&self, row: &RawRow, index: usize) -> Option<&UncomputedFormula> {
        let at = (row.line, self.first_column + index);
        self.uncomputed
            .binary_search_by_key(&at, |u| (u.line, u.column))
            .ok()
            .and_then(|i| self.uncomputed.get(i))
    }
}

/// A formula cell whose value is not known: the workbook stores no result of it (or only
/// a placeholder, where it asks to be recalculated when opened), and it is not one that
/// treem computes. Its cell reads as blank (or as the placeholder): a reader that needs the
/// value rejects it with this.
#[derive(Debug, Clone, PartialEq)]
pub struct UncomputedFormula {
    /// Spreadsheet row, 1-based as `RawRow::line`.
    pub line: usize,
    /// Zero-based sheet column.
    pub column: usize,
    /// As stored, without its `=`.
    pub formula: String,
    /// Why it was not computed.
    pub why: String,
    /// The cell stores a value, which does not count: the workbook asks to be recalculated.
    pub placeholder: bool,
}

/// `the formula "=IF(E9>0,1,0)" has no stored result and cannot be computed: it uses …`
impl std::fmt::Display for UncomputedFormula {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Enough to recognise the formula; a message is not the place for a long one.
        const SHOWN: usize = 120;
        let mut shown: String = self.formula.chars().take(SHOWN).collect();
        if self.formula.chars().count() > SHOWN {
            shown.push('…');
        }
        let stored = if self.placeholder {
            " (the workbook asks to be recalculated when opened, so the value stored with it is a placeholder)"
        } else {
            ""
        };
        write!(
            f,
            "the formula \"={shown}\" has no stored result{stored} and cannot be computed: {}",
            self.why
        )
    }
}

/// Bounds on what reading one input may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most an xlsx may inflate to, all its parts together (zip bombs stop here).
    pub max_xlsx_inflated_bytes: u64,
    /// The longest line (CSV record) kept; a longer one is rejected alone.
    pub max_line_bytes: u64,
    /// The most cells one sheet may hold (or declare).
    pub max_cells_per_sheet: u64,
}

impl Default for Limits {
    /// Generous for any real export (a national registry snapshot is ~4 million rows of 13
    /// columns, 470 MB as CSV), small enough for a 2-core, few-GB machine.
    fn default() -> Self {
        Limits {
            max_xlsx_inflated_bytes: 1 << 30,
            max_line_bytes: 1 << 20,
            max_cells_per_sheet: 20_000_000,
        }
    }
}

/// Zero-based column number to spreadsheet letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_letters(mut n: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    letters.reverse();
    String::from_utf8_lossy(&letters).into_owned()
}

/// A file that cannot be read at all; its rows are lost as a whole and said so.
#[derive(Debug, Clone)]
pub struct UnreadableFile {
    pub path: PathBuf,
    pub reason: &'static str,
    pub message: String,
}

impl std::fmt::Display for UnreadableFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cannot read {}: {}", self.path.display(), self.message)
    }
}

fn unreadable(path: &Path, reason: &'static str, message: String) -> UnreadableFile {
    UnreadableFile {
        path: path.to_path_buf(),
        reason,
        message,
    }
}

/// Reads a source file with the default limits.
pub fn read_tables(path: &Path) -> Result<Vec<RawTable>, UnreadableFile> {
    read_tables_with(path, &Limits::default())
}

/// What a source file really is, whatever its name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// An HTML page: what old web systems save as ".xls".
    Html,
    Xlsx,
    /// xlsb, old binary xls, ods.
    OtherWorkbook,
    /// Anything else is read as delimited text.
    Delimited,
}

/// Tells a file's kind from its first bytes and its extension; an empty file is refused.
pub fn file_kind(path: &Path) -> Result<FileKind, UnreadableFile> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let head = file_head(path)?;
    if head.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(unreadable(path, "empty_file", "the file is empty.".into()));
    }
    if html::looks_like_html(&head) {
        return Ok(FileKind::Html);
    }
    Ok(match ext.as_str() {
        "xlsx" | "xlsm" => FileKind::Xlsx,
        "xlsb" | "xls" | "ods" => FileKind::OtherWorkbook,
        _ => FileKind::Delimited,
    })
}

/// Reads a source file by what it is: a workbook through calamine, an HTML page as its
/// tables, anything else as delimited text (whole: the ingest step streams those).
pub fn read_tables_with(path: &Path, limits: &Limits) -> Result<Vec<RawTable>, UnreadableFile> {
    match file_kind(path)? {
        FileKind::Html => html::read(path, limits),
        FileKind::Xlsx => workbook::read_xlsx(path, limits),
        FileKind::OtherWorkbook => workbook::read_other(path, limits),
        FileKind::Delimited => delimited::read(path, limits).map(|t| vec![t]),
    }
}

/// The first bytes of a file, to tell what it really is whatever its name says.
fn file_head(path: &Path) -> Result<Vec<u8>, UnreadableFile> {
    use std::io::Read;
    let mut head = Vec::with_capacity(512);
    std::fs::File::open(path)
        .and_then(|f| f.take(512).read_to_end(&mut head))
        .map_err(|e| unreadable(path, "unreadable_file", format!("{e}.")))?;
    Ok(head)
}

#[cfg(test)]
mod tests;
