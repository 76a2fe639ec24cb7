//! Any CSV or workbook as rows of text with their row numbers, whatever its encoding,
//! delimiter or cell types. Every later stage parses text, so an Excel date cell, an Excel
//! serial number typed into a CSV and a `dd/mm/yyyy` string all meet the same parser.

use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};

use crate::text;
use crate::text::encoding::{decode, detect_legacy_font, font_bytes, LegacyFont};

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
    /// Zero-based sheet column of each row's first cell, for cell addresses such as "E12".
    pub first_column: usize,
    pub rows: Vec<RawRow>,
}

impl RawTable {
    /// The spreadsheet address ("E12") of cell `index` of `row`.
    pub fn address(&self, row: &RawRow, index: usize) -> String {
        format!("{}{}", column_letters(self.first_column + index), row.line)
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
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).map_err(|e| {
            unreadable(
                path,
                "unreadable_file",
                format!("sheet \"{name}\" cannot be read ({e})."),
            )
        })?;
        sheets.push((name, range));
    }
    // Old district files are typed in a TCVN3 or VNI font throughout: decide once for the
    // workbook, since many short cells ("vụ" stored as "vô") cannot be decided alone.
    let font = detect_legacy_font(sheets.iter().flat_map(|(_, range)| {
        range.used_cells().filter_map(|(_, _, cell)| match cell {
            Data::String(s) => Some(s.as_str()),
            _ => None,
        })
    }));
    let tables = sheets
        .into_iter()
        .map(|(name, range)| {
            let (first_row, first_column) = range
                .start()
                .map(|(r, c)| (r as usize, c as usize))
                .unwrap_or((0, 0));
            let rows = range
                .rows()
                .enumerate()
                .map(|(i, cells)| RawRow {
                    line: first_row + i + 1,
                    cells: cells.iter().map(|c| cell_text(c, font)).collect(),
                })
                .collect();
            RawTable {
                sheet: Some(name),
                encoding: font.map(|f| match f {
                    LegacyFont::Tcvn3 => "TCVN3 font",
                    LegacyFont::Vni => "VNI font",
                }),
                first_column,
                rows,
            }
        })
        .collect();
    Ok(tables)
}

/// A workbook cell as text: dates in ISO form, whole numbers without a decimal point
/// (so a serial date `44561` or a code `633` read back as typed).
fn cell_text(cell: &Data, font: Option<LegacyFont>) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => match font.and_then(|f| font_bytes(s).map(|b| f.decode(&b))) {
            Some(decoded) => text::clean(&decoded),
            None => text::clean(s),
        },
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
        first_column: 0,
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
    fn column_numbers_become_letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(4), "E");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
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
