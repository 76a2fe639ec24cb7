//! Any CSV or workbook as rows of text with their row numbers, whatever its encoding,
//! delimiter or cell types. Every later stage parses text, so an Excel date cell, an Excel
//! serial number typed into a CSV and a `dd/mm/yyyy` string all meet the same parser.

use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};

use crate::text;
use crate::text::encoding::decode;

/// One row as the file holds it; `line` is the row number a person sees (1-based: the
/// spreadsheet row, or the CSV line where the record starts).
#[derive(Debug, Clone)]
pub struct RawRow {
    pub line: usize,
    pub cells: Vec<String>,
}

/// One sheet of a workbook, or the whole of a CSV file.
#[derive(Debug)]
pub struct RawTable {
    pub sheet: Option<String>,
    /// The text encoding found (CSV only; workbooks are always Unicode).
    pub encoding: Option<&'static str>,
    pub rows: Vec<RawRow>,
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

/// Reads a source file by its extension: `.xlsx`/`.xlsm`/`.xls`/`.ods` through calamine,
/// anything else as delimited text.
pub fn read_tables(path: &Path) -> Result<Vec<RawTable>, UnreadableFile> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => read_workbook(path),
        _ => read_delimited(path).map(|t| vec![t]),
    }
}

fn unreadable(path: &Path, reason: &'static str, message: String) -> UnreadableFile {
    UnreadableFile {
        path: path.to_path_buf(),
        reason,
        message,
    }
}

fn read_workbook(path: &Path) -> Result<Vec<RawTable>, UnreadableFile> {
    let mut workbook = open_workbook_auto(path).map_err(|e| {
        unreadable(
            path,
            "unreadable_file",
            format!("not a readable workbook ({e})."),
        )
    })?;
    let mut tables = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).map_err(|e| {
            unreadable(
                path,
                "unreadable_file",
                format!("sheet \"{name}\" cannot be read ({e})."),
            )
        })?;
        let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
        let rows = range
            .rows()
            .enumerate()
            .map(|(i, cells)| RawRow {
                line: first_row + i + 1,
                cells: cells.iter().map(cell_text).collect(),
            })
            .collect();
        tables.push(RawTable {
            sheet: Some(name),
            encoding: None,
            rows,
        });
    }
    Ok(tables)
}

/// A workbook cell as text: dates in ISO form, whole numbers without a decimal point
/// (so a serial date `44561` or a code `633` read back as typed).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => text::clean(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format_float(*f),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn format_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn read_delimited(path: &Path) -> Result<RawTable, UnreadableFile> {
    let bytes =
        std::fs::read(path).map_err(|e| unreadable(path, "unreadable_file", format!("{e}.")))?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(unreadable(path, "empty_file", "the file is empty.".into()));
    }
    let decoded = decode(&bytes);
    // csv's record positions drift by a line per CRLF record after the first; with plain
    // LF endings its line numbers are the ones an editor shows.
    let text = decoded.text.replace("\r\n", "\n");
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            unreadable(
                path,
                "unreadable_file",
                format!("line {line} is not valid delimited text ({e})."),
            )
        })?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        rows.push(RawRow {
            line,
            cells: record.iter().map(text::clean).collect(),
        });
    }
    Ok(RawTable {
        sheet: None,
        encoding: Some(decoded.encoding.name()),
        rows,
    })
}

/// Picks the delimiter that splits the first non-blank line most: Excel's "CSV" is `;`
/// in some locales and its "Unicode text" is tab-separated.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t', b'|'] {
        let n = count_outside_quotes(first, d as char);
        if n > best.1 {
            best = (d, n);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, delimiter: char) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if c == delimiter && !quoted {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_delimiter_from_the_first_line() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("\n\"x,y\";b;c"), b';');
        assert_eq!(sniff_delimiter("a,b"), b',');
    }

    #[test]
    fn whole_floats_read_back_as_typed() {
        assert_eq!(format_float(44561.0), "44561");
        assert_eq!(format_float(98.5), "98.5");
    }

    #[test]
    fn csv_rows_keep_their_line_numbers_across_quoted_newlines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, "a,b\n\"multi\nline\",2\nx,3\n").unwrap();
        let table = read_delimited(&path).unwrap();
        let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 2, 4]);
        assert_eq!(table.rows[1].cells[0], "multi line");
        // The same with Windows line endings, as Excel writes them.
        std::fs::write(&path, "a,b\r\n\"multi\r\nline\",2\r\nx,3\r\ny,4\r\n").unwrap();
        let table = read_delimited(&path).unwrap();
        let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 2, 4, 5]);
    }
}
