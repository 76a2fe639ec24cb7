//! Writing a table the way real exports look: CSV in UTF-8 with or without a BOM or in
//! Windows-1258 (tone marks as combining characters, as Windows writes Vietnamese), or an
//! xlsx workbook with a fixed creation date so that the bytes depend on the data only.

use std::path::Path;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};
use unicode_normalization::char::{canonical_combining_class, compose};
use unicode_normalization::UnicodeNormalization;

use super::GenerateError;

/// One cell, already in the form the file should carry.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Blank,
    /// A plain number (in xlsx a numeric cell without a date format).
    Number(f64),
    /// A real date cell in xlsx; `dd/mm/yyyy` text in a CSV.
    Date(NaiveDate),
    /// A real date-time cell in xlsx; `dd/mm/yyyy HH:MM` text in a CSV.
    DateTime(NaiveDateTime),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn as_csv_field(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Blank => String::new(),
            Cell::Number(n) => format_number(*n),
            Cell::Date(d) => d.format("%d/%m/%Y").to_string(),
            Cell::DateTime(t) => t.format("%d/%m/%Y %H:%M").to_string(),
        }
    }
}

/// A number the way Excel saves it to CSV: integers without a decimal point, fractions with
/// at most ten decimals.
pub(crate) fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n:.10}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CsvEncoding {
    /// UTF-8, LF line ends (a script or a Linux tool).
    Utf8,
    /// UTF-8 with a byte-order mark, CRLF (Excel's "CSV UTF-8").
    Utf8Bom,
    /// Windows-1258, CRLF (Excel's plain "CSV" on a Vietnamese Windows).
    Windows1258,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    Csv(CsvEncoding),
    Xlsx,
}

impl Container {
    pub fn extension(self) -> &'static str {
        match self {
            Container::Csv(_) => "csv",
            Container::Xlsx => "xlsx",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }
}

/// Writes `table` to `out/rel`, creating folders as needed. `sheet` names the xlsx sheet.
pub(crate) fn write_table(
    out: &Path,
    rel: &Path,
    container: Container,
    table: &Table,
    sheet: &str,
) -> Result<(), GenerateError> {
    let path = out.join(rel);
    let bytes = match container {
        Container::Csv(enc) => csv_bytes(table, enc, &path)?,
        Container::Xlsx => xlsx_bytes(table, sheet).map_err(|source| GenerateError::Xlsx {
            path: path.clone(),
            source,
        })?,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| GenerateError::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(&path, bytes).map_err(|source| GenerateError::Io { path, source })
}

fn csv_bytes(table: &Table, enc: CsvEncoding, path: &Path) -> Result<Vec<u8>, GenerateError> {
    let csv_err = |source| GenerateError::Csv {
        path: path.to_path_buf(),
        source,
    };
    let terminator = match enc {
        CsvEncoding::Utf8 => csv::Terminator::Any(b'\n'),
        CsvEncoding::Utf8Bom | CsvEncoding::Windows1258 => csv::Terminator::CRLF,
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(terminator)
        .from_writer(Vec::new());
    w.write_record(&table.headers).map_err(csv_err)?;
    for row in &table.rows {
        w.write_record(row.iter().map(Cell::as_csv_field))
            .map_err(csv_err)?;
    }
    let utf8 = w.into_inner().map_err(|e| GenerateError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    match enc {
        CsvEncoding::Utf8 => Ok(utf8),
        CsvEncoding::Utf8Bom => {
            let mut bytes = vec![0xEF, 0xBB, 0xBF];
            bytes.extend(utf8);
            Ok(bytes)
        }
        CsvEncoding::Windows1258 => {
            let text = String::from_utf8(utf8).map_err(|e| GenerateError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other(e.to_string()),
            })?;
            encode_windows_1258(&text).map_err(|ch| GenerateError::Unencodable {
                path: path.to_path_buf(),
                ch,
            })
        }
    }
}

/// Vietnamese vowel modifiers that Windows-1258 has precomposed letters for
/// (circumflex â ê ô, breve ă, horn ơ ư); tone marks stay combining characters.
const VOWEL_MODIFIERS: [char; 3] = ['\u{0302}', '\u{0306}', '\u{031B}'];

/// Encodes `text` in Windows-1258 the way Windows does: each letter is decomposed, its base
/// recomposed with the vowel modifier when the code page has that letter, and the tone
/// mark written as a combining character. Returns the first character the code page cannot
/// hold.
pub(crate) fn encode_windows_1258(text: &str) -> Result<Vec<u8>, char> {
    let mut prepared = String::with_capacity(text.len() + text.len() / 4);
    let mut cluster: Vec<char> = Vec::new();
    for ch in text.nfd() {
        if canonical_combining_class(ch) != 0 && !cluster.is_empty() {
            cluster.push(ch);
        } else {
            flush_cluster(&mut cluster, &mut prepared);
            cluster.push(ch);
        }
    }
    flush_cluster(&mut cluster, &mut prepared);
    let (bytes, _, had_errors) = encoding_rs::WINDOWS_1258.encode(&prepared);
    if had_errors {
        let bad = prepared
            .chars()
            .find(|c| {
                let mut buf = [0u8; 4];
                encoding_rs::WINDOWS_1258.encode(c.encode_utf8(&mut buf)).2
            })
            .unwrap_or('\u{FFFD}');
        return Err(bad);
    }
    Ok(bytes.into_owned())
}

fn flush_cluster(cluster: &mut Vec<char>, out: &mut String) {
    let Some((&base, marks)) = cluster.split_first() else {
        return;
    };
    let modifier = marks.iter().position(|m| {
        VOWEL_MODIFIERS.contains(m) && compose(base, *m).is_some_and(in_windows_1258)
    });
    match modifier {
        Some(i) => {
            if let Some(letter) = compose(base, marks[i]) {
                out.push(letter);
            }
            out.extend(
                marks
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, m)| m),
            );
        }
        None => {
            out.push(base);
            out.extend(marks.iter());
        }
    }
    cluster.clear();
}

fn in_windows_1258(c: char) -> bool {
    let mut buf = [0u8; 4];
    !encoding_rs::WINDOWS_1258.encode(c.encode_utf8(&mut buf)).2
}

fn xlsx_bytes(table: &Table, sheet: &str) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2022, 1, 10)?.and_hms(8, 0, 0)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let bold = Format::new().set_bold();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let datetime_format = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let ws = workbook.add_worksheet();
    if !sheet.is_empty() {
        ws.set_name(sheet)?;
    }
    for (c, h) in table.headers.iter().enumerate() {
        let col = c as u16;
        ws.write_string_with_format(0, col, h, &bold)?;
        ws.set_column_width(col, (h.chars().count() as f64 + 4.0).max(12.0))?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = (r + 1) as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) if !s.is_empty() => {
                    ws.write_string(r, c, s)?;
                }
                Cell::Text(_) | Cell::Blank => {}
                Cell::Number(n) => {
                    ws.write_number(r, c, *n)?;
                }
                Cell::Date(d) => {
                    let dt = excel_date(*d)?;
                    ws.write_datetime_with_format(r, c, &dt, &date_format)?;
                }
                Cell::DateTime(t) => {
                    let dt = excel_date(t.date())?.and_hms(t.hour() as u16, t.minute() as u8, 0)?;
                    ws.write_datetime_with_format(r, c, &dt, &datetime_format)?;
                }
            }
        }
    }
    workbook.save_to_buffer()
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(s: &str) -> String {
        let bytes = encode_windows_1258(s).expect("encodable");
        let (decoded, _, errors) = encoding_rs::WINDOWS_1258.decode(&bytes);
        assert!(!errors);
        decoded.nfc().collect()
    }

    #[test]
    fn windows_1258_roundtrips_vietnamese_through_nfc() {
        for s in [
            "Nguyễn Văn An",
            "Trần Thị Hoa",
            "Rơ Châm H'Ly",
            "Đinh Văn Blui",
            "Huyện Chư Sê; Xã Ia Tiêm",
            "Trẻ em mắc bệnh hiểm nghèo hoặc bệnh phải điều trị dài ngày",
            "Tai nạn thương tích, Đuối nước, Tử vong, Điện giật, Ngộ độc",
            "ộ ợ ự ẫ ẵ ỷ ỹ Ỵ ĩ Ữ ằ ắ ặ ấ ầ ẩ ậ",
        ] {
            assert_eq!(roundtrip(s), s);
        }
    }

    #[test]
    fn windows_1258_writes_tone_marks_as_combining_characters() {
        // "ế" is ê (0xEA) + combining acute (0xEC); "ộ" is ô (0xF4) + combining dot below (0xF2).
        assert_eq!(encode_windows_1258("ế").ok(), Some(vec![0xEA, 0xEC]));
        assert_eq!(encode_windows_1258("ộ").ok(), Some(vec![0xF4, 0xF2]));
        assert_eq!(encode_windows_1258("Đ").ok(), Some(vec![0xD0]));
    }

    #[test]
    fn windows_1258_reports_what_it_cannot_hold() {
        assert_eq!(encode_windows_1258("trẻ em 😀"), Err('😀'));
    }

    #[test]
    fn numbers_look_like_excel_csv() {
        assert_eq!(format_number(44561.0), "44561");
        assert_eq!(format_number(44300.5), "44300.5");
    }
}
