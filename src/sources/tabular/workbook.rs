//! Workbooks through calamine. An `.xlsx` is checked before calamine opens it — every part
//! inflated once, counting bytes, never more than `max_xlsx_inflated_bytes` (a zip bomb's
//! shared strings would otherwise be read whole into memory) — and its sheets are then read
//! cell by cell, so a sheet that declares or holds more than `max_cells_per_sheet` cells is
//! refused before it fills memory. Old `.xls` (BIFF8), `.xlsb` and `.ods` are read whole by
//! calamine, then held to the same cell limit.
//!
//! A workbook typed in a TCVN3 or VNI font is decided once for the whole workbook (many
//! short cells, such as "vụ" stored as "vô", cannot be decided alone) and decoded.

use std::io::Read;
use std::path::Path;

use calamine::{
    open_workbook, open_workbook_auto, Data, DataRef, ExcelDateTime, ExcelDateTimeType, Reader,
    Xlsx,
};
use chrono::NaiveTime;

use super::{unreadable, Limits, RawRow, RawTable, UnreadableFile};
use crate::text;
use crate::text::dates;
use crate::text::encoding::{detect_legacy_font, font_bytes, LegacyFont};

/// A sheet as cells of text by (row, column), zero-based, before the font is decided.
struct Sheet {
    name: String,
    cells: Vec<(u32, u32, String)>,
}

pub fn read_xlsx(path: &Path, limits: &Limits) -> Result<Vec<RawTable>, UnreadableFile> {
    check_inflated_size(path, limits.max_xlsx_inflated_bytes)?;
    let mut workbook: Xlsx<_> = open_workbook(path).map_err(|e| {
        unreadable(
            path,
            "unreadable_file",
            format!("not a readable workbook ({e})."),
        )
    })?;
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let too_many = |n: u64| {
            unreadable(
                path,
                "too_large",
                format!(
                    "sheet \"{name}\" holds {n} cells or more, over the {} that limits.max_cells_per_sheet allows.",
                    limits.max_cells_per_sheet
                ),
            )
        };
        let mut reader = workbook.worksheet_cells_reader(&name).map_err(|e| {
            unreadable(
                path,
                "unreadable_file",
                format!("sheet \"{name}\" cannot be read ({e})."),
            )
        })?;
        let declared = reader.dimensions().len();
        if declared > limits.max_cells_per_sheet {
            return Err(too_many(declared));
        }
        let mut cells = Vec::new();
        loop {
            let cell = reader.next_cell().map_err(|e| {
                unreadable(
                    path,
                    "unreadable_file",
                    format!("sheet \"{name}\" cannot be read ({e})."),
                )
            })?;
            let Some(cell) = cell else { break };
            let (row, column) = cell.get_position();
            let text = data_ref_text(cell.get_value());
            if !text.is_empty() {
                if cells.len() as u64 >= limits.max_cells_per_sheet {
                    return Err(too_many(cells.len() as u64 + 1));
                }
                cells.push((row, column, text));
            }
        }
        sheets.push(Sheet { name, cells });
    }
    Ok(tables(sheets))
}

pub fn read_other(path: &Path, limits: &Limits) -> Result<Vec<RawTable>, UnreadableFile> {
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
        let used = range.used_cells().count() as u64;
        if used > limits.max_cells_per_sheet {
            return Err(unreadable(
                path,
                "too_large",
                format!(
                    "sheet \"{name}\" holds {used} cells, over the {} that limits.max_cells_per_sheet allows.",
                    limits.max_cells_per_sheet
                ),
            ));
        }
        let cells = range
            .used_cells()
            .map(|(r, c, d)| {
                let (r0, c0) = range.start().unwrap_or((0, 0));
                (r0 + r as u32, c0 + c as u32, data_text(d))
            })
            .filter(|(_, _, t)| !t.is_empty())
            .collect();
        sheets.push(Sheet { name, cells });
    }
    Ok(tables(sheets))
}

/// Every part of the archive inflated once into nothing, counting; refused past `limit`.
fn check_inflated_size(path: &Path, limit: u64) -> Result<(), UnreadableFile> {
    let damaged = |e: &dyn std::fmt::Display| {
        unreadable(
            path,
            "unreadable_file",
            format!("not a readable workbook: the file is damaged or truncated ({e})."),
        )
    };
    let file = std::fs::File::open(path).map_err(|e| damaged(&e))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| damaged(&e))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| damaged(&e))?;
        let allowed = limit.saturating_sub(total).saturating_add(1);
        let inflated = std::io::copy(&mut entry.take(allowed), &mut std::io::sink())
            .map_err(|e| damaged(&e))?;
        total = total.saturating_add(inflated);
        if total > limit {
            return Err(unreadable(
                path,
                "too_large",
                format!(
                    "the workbook inflates to more than {limit} bytes (limits.max_xlsx_inflated_bytes); a zip bomb or an export far larger than any report."
                ),
            ));
        }
    }
    Ok(())
}

/// Sheets of cells to tables of rows, the legacy font decided over the whole workbook.
fn tables(sheets: Vec<Sheet>) -> Vec<RawTable> {
    let font = detect_legacy_font(
        sheets
            .iter()
            .flat_map(|s| s.cells.iter().map(|(_, _, t)| t.as_str())),
    );
    sheets
        .into_iter()
        .map(|sheet| {
            let first_row = sheet.cells.iter().map(|c| c.0).min().unwrap_or(0);
            let first_column = sheet.cells.iter().map(|c| c.1).min().unwrap_or(0);
            let last_row = sheet.cells.iter().map(|c| c.0).max().unwrap_or(0);
            let width = sheet
                .cells
                .iter()
                .map(|c| c.1 - first_column + 1)
                .max()
                .unwrap_or(0) as usize;
            let height = if sheet.cells.is_empty() {
                0
            } else {
                (last_row - first_row + 1) as usize
            };
            let mut grid: Vec<Vec<String>> = vec![vec![String::new(); width]; height];
            for (r, c, text) in sheet.cells {
                // Decode before cleaning: TCVN3 puts capitals in the control range.
                let decoded = match font.and_then(|f| font_bytes(&text).map(|b| f.decode(&b))) {
                    Some(d) => text::clean(&d),
                    None => text::clean(&text),
                };
                grid[(r - first_row) as usize][(c - first_column) as usize] = decoded;
            }
            let rows = grid
                .into_iter()
                .enumerate()
                .map(|(i, cells)| RawRow::new(first_row as usize + i + 1, cells))
                .collect();
            RawTable {
                sheet: Some(sheet.name),
                encoding: font.map(|f| match f {
                    LegacyFont::Tcvn3 => "TCVN3 font",
                    LegacyFont::Vni => "VNI font",
                }),
                first_column: first_column as usize,
                rows,
                skipped: Vec::new(),
            }
        })
        .collect()
}

/// A date cell as ISO text (`2021-01-01`, or `2021-01-01T13:10:00` with its time), the
/// time rounded to the nearest second by the one conversion every Excel serial goes
/// through (`text::dates::excel_serial_to_datetime`; its comment says why rounding).
/// calamine's own components cut the fraction of a second off, so 13:10 read 13:09:59.
/// A serial outside the dates treem reads (a time of day alone, Excel's 29 February
/// 1900, past 2119) is given as the number, which the date parser refuses with its reason.
pub(super) fn datetime_text(dt: &ExcelDateTime) -> String {
    let serial = if counts_from_1904(dt) {
        dt.as_f64() + dates::DAYS_1900_TO_1904
    } else {
        dt.as_f64()
    };
    match dates::excel_serial_to_datetime(serial) {
        Some(t) if t.time() == NaiveTime::MIN => t.format("%Y-%m-%d").to_string(),
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S").to_string(),
        None => format_float(serial),
    }
}

/// Whether a date cell's workbook counts days from 1904 (old Mac Excel's date system).
/// calamine keeps that flag private, but its date type compares every field, the flag
/// too: a cell equals its own rebuild with the flag set exactly when the flag is set.
fn counts_from_1904(dt: &ExcelDateTime) -> bool {
    let kind = if dt.is_duration() {
        ExcelDateTimeType::TimeDelta
    } else {
        ExcelDateTimeType::DateTime
    };
    *dt == ExcelDateTime::new(dt.as_f64(), kind, true)
}

/// A cell as text: dates in ISO form, whole numbers without a decimal point (so a serial
/// date `44561` or a code `633` reads back as typed), a formula by its cached value; text
/// as stored (cleaned once its font is known). Every later stage parses text, so a serial
/// in a number cell (`44197.54861111111`) and ISO text with fractions of a second (an
/// `.ods` date, an xlsx ISO date cell) meet the date parser, which rounds them to the
/// second as [`datetime_text`] does. Only a cell formatted as a date says which date system
/// its workbook uses: a serial in a plain number cell is read in the 1900 system.
fn data_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format_float(*f),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        Data::DateTime(dt) => datetime_text(dt),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn data_ref_text(cell: &DataRef) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => format_float(*f),
        DataRef::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        DataRef::DateTime(dt) => datetime_text(dt),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

/// A number cell as text that reads back as the same number: whole numbers without a
/// decimal point, others as Rust writes them — except that a value such as 1.125, whose
/// text would read as 1125 (a `.` before three digits groups thousands), gets a fourth
/// decimal (`1.1250`), which makes its `.` a decimal point.
pub(super) fn format_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    let mut text = format!("{f}");
    let digits = text.trim_start_matches('-');
    let looks_grouped = digits.split_once('.').is_some_and(|(whole, fraction)| {
        (1..=3).contains(&whole.len()) && !whole.starts_with('0') && fraction.len() == 3
    });
    if looks_grouped {
        text.push('0');
    }
    text
}
