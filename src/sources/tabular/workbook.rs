//! Workbooks through calamine. An `.xlsx` is checked before calamine opens it — every part
//! inflated once, counting bytes, never more than `max_xlsx_inflated_bytes` (a zip bomb's
//! shared strings would otherwise be read whole into memory) — and its sheets are then read
//! cell by cell, so a sheet that declares or holds more than `max_cells_per_sheet` cells is
//! refused before it fills memory. Old `.xls` (BIFF8), `.xlsb` and `.ods` are read whole by
//! calamine, then held to the same cell limit.
//!
//! A workbook typed in a TCVN3 or VNI font is decided once for the whole workbook (many
//! short cells, such as "vụ" stored as "vô", cannot be decided alone) and decoded.
//!
//! A formula cell reads as the result the xlsx stores with it. Where it stores none (files
//! written by scripts and some export tools), or only a placeholder (a workbook that asks
//! to be recalculated when opened, as XlsxWriter, rust_xlsxwriter and openpyxl write them:
//! `0` or nothing in every formula cell), the sheet's formulas are read in a second pass
//! and computed (`formula.rs`); one that cannot be computed is listed on its table, for the
//! reader that needs its value to reject it.

use std::io::{BufReader, Read, Seek};
use std::path::Path;

use calamine::{
    open_workbook, open_workbook_auto, Data, DataRef, ExcelDateTime, ExcelDateTimeType, Reader,
    Xlsx,
};
use chrono::NaiveTime;
use quick_xml::events::Event;

use super::formula::{self, Value};
use super::{unreadable, Limits, RawRow, RawTable, UncomputedFormula, UnreadableFile};
use crate::text;
use crate::text::dates;
use crate::text::encoding::{detect_legacy_font, font_bytes, LegacyFont};

/// A sheet as cells of text by (row, column), zero-based, before the font is decided.
struct Sheet {
    name: String,
    cells: Vec<(u32, u32, String)>,
    uncomputed: Vec<UncomputedFormula>,
}

/// A cell read: row, column, its text, and its value as a formula reading it sees it.
type ValueCell = (u32, u32, String, Value);

pub fn read_xlsx(path: &Path, limits: &Limits) -> Result<Vec<RawTable>, UnreadableFile> {
    let package = check_package(path, limits)?;
    let mut workbook: Xlsx<_> = open_workbook(path).map_err(|e| {
        unreadable(
            path,
            "unreadable_file",
            format!("not a readable workbook ({e})."),
        )
    })?;
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let (mut cells, saw_blank) = read_values(&mut workbook, &name, path, limits)?;
        // A formula with no stored result reads blank: only then, or when every stored
        // result is a placeholder, are the formulas worth a second pass.
        let formulas = if saw_blank || package.recalculates_on_load {
            // Stable: a cell written twice keeps its later value, as the grid takes it.
            cells.sort_by_key(|c| (c.0, c.1));
            let keep = |at: (u32, u32)| {
                package.recalculates_on_load
                    || cells.binary_search_by_key(&at, |c| (c.0, c.1)).is_err()
            };
            read_formulas(&mut workbook, &name, path, limits, keep)?
        } else {
            Vec::new()
        };
        let uncomputed = compute(&name, &mut cells, formulas, package.recalculates_on_load);
        sheets.push(Sheet {
            name,
            cells: cells.into_iter().map(|(r, c, t, _)| (r, c, t)).collect(),
            uncomputed,
        });
    }
    Ok(tables(sheets))
}

/// Every cell of sheet `name` that holds something, and whether any came back blank (a
/// formula with no stored result does).
fn read_values<RS: Read + Seek>(
    workbook: &mut Xlsx<RS>,
    name: &str,
    path: &Path,
    limits: &Limits,
) -> Result<(Vec<ValueCell>, bool), UnreadableFile> {
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
    let cannot = |e: &dyn std::fmt::Display| {
        unreadable(
            path,
            "unreadable_file",
            format!("sheet \"{name}\" cannot be read ({e})."),
        )
    };
    let mut reader = workbook
        .worksheet_cells_reader(name)
        .map_err(|e| cannot(&e))?;
    let declared = reader.dimensions().len();
    if declared > limits.max_cells_per_sheet {
        return Err(too_many(declared));
    }
    let mut cells = Vec::new();
    let mut saw_blank = false;
    while let Some(cell) = reader.next_cell().map_err(|e| cannot(&e))? {
        let (row, column) = cell.get_position();
        let text = data_ref_text(cell.get_value());
        if text.is_empty() {
            saw_blank = true;
            continue;
        }
        if cells.len() as u64 >= limits.max_cells_per_sheet {
            return Err(too_many(cells.len() as u64 + 1));
        }
        cells.push((row, column, text, value_of(cell.get_value())));
    }
    Ok((cells, saw_blank))
}

/// The formulas of sheet `name` at the cells `keep` wants, as the file stores them (a
/// shared formula's cells each with their own references, calamine's work).
fn read_formulas<RS: Read + Seek>(
    workbook: &mut Xlsx<RS>,
    name: &str,
    path: &Path,
    limits: &Limits,
    keep: impl Fn((u32, u32)) -> bool,
) -> Result<Vec<(u32, u32, String)>, UnreadableFile> {
    let cannot = |e: &dyn std::fmt::Display| {
        unreadable(
            path,
            "unreadable_file",
            format!("the formulas of sheet \"{name}\" cannot be read ({e})."),
        )
    };
    let mut reader = workbook
        .worksheet_cells_reader(name)
        .map_err(|e| cannot(&e))?;
    let mut formulas = Vec::new();
    let mut text_bytes: u64 = 0;
    while let Some(cell) = reader.next_formula().map_err(|e| cannot(&e))? {
        let at = cell.get_position();
        let text = cell.get_value();
        if text.is_empty() || !keep(at) {
            continue;
        }
        // The cells were counted in the first pass; the formulas' text is held beside
        // them, so it counts against the workbook's inflated size.
        text_bytes += text.len() as u64;
        if formulas.len() as u64 >= limits.max_cells_per_sheet
            || text_bytes > limits.max_xlsx_inflated_bytes
        {
            return Err(unreadable(
                path,
                "too_large",
                format!(
                    "the formulas of sheet \"{name}\" are more than limits.max_cells_per_sheet or limits.max_xlsx_inflated_bytes allow."
                ),
            ));
        }
        formulas.push((at.0, at.1, text.clone()));
    }
    Ok(formulas)
}

/// Computes `formulas` (those with no stored result, or all of them when the stored
/// results are placeholders) over the sheet's cells: a computed value becomes the cell's
/// text as a stored number would; the others are returned.
fn compute(
    sheet_name: &str,
    cells: &mut Vec<ValueCell>,
    formulas: Vec<(u32, u32, String)>,
    placeholders: bool,
) -> Vec<UncomputedFormula> {
    if formulas.is_empty() {
        return Vec::new();
    }
    let at = |row, column| formula::Cell { row, column };
    let mut sheet = formula::Sheet::new(sheet_name);
    for (row, column, _, value) in cells.iter() {
        sheet.set_value(at(*row, *column), value.clone());
    }
    for (row, column, text) in &formulas {
        sheet.set_formula(at(*row, *column), text.clone());
    }
    // `cells` is sorted (the formulas were kept by searching it); new cells go after.
    let held = cells.len();
    let mut uncomputed = Vec::new();
    for (row, column, text) in formulas {
        let stored = cells[..held].binary_search_by_key(&(row, column), |c| (c.0, c.1));
        match sheet.compute(at(row, column)) {
            Ok(n) => {
                let cell = (row, column, format_float(n), Value::Number(n));
                match stored {
                    Ok(i) => cells[i] = cell,
                    Err(_) => cells.push(cell),
                }
            }
            Err(failure) => uncomputed.push(UncomputedFormula {
                line: row as usize + 1,
                column: column as usize,
                formula: text,
                why: failure.to_string(),
                placeholder: placeholders && stored.is_ok(),
            }),
        }
    }
    uncomputed
}

/// A cell's value as a formula reading it sees it: dates are their serial numbers.
fn value_of(cell: &DataRef) -> Value {
    match cell {
        DataRef::Int(i) => Value::Number(*i as f64),
        DataRef::Float(f) => Value::Number(*f),
        DataRef::Bool(b) => Value::Bool(*b),
        DataRef::DateTime(dt) => Value::Number(dt.as_f64()),
        DataRef::Error(e) => Value::Error(e.to_string()),
        DataRef::Empty
        | DataRef::String(_)
        | DataRef::SharedString(_)
        | DataRef::DateTimeIso(_)
        | DataRef::DurationIso(_) => Value::Text,
    }
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
        // Binary workbooks (xls, xlsb) store every formula's result; an ods is written by
        // programs that compute (LibreOffice, Google Sheets) and uses another formula
        // language. Their formulas are not read.
        sheets.push(Sheet {
            name,
            cells,
            uncomputed: Vec::new(),
        });
    }
    Ok(tables(sheets))
}

/// What the package says before calamine opens it.
struct Package {
    /// The workbook asks to be recalculated when opened (`fullCalcOnLoad`): the results it
    /// stores with its formulas are placeholders, not results.
    recalculates_on_load: bool,
}

/// Every part of the archive inflated once into nothing, counting, and refused past
/// `max_xlsx_inflated_bytes`; the shared formulas of any part that mentions them held to
/// the limits too; and whether the workbook asks to be recalculated.
fn check_package(path: &Path, limits: &Limits) -> Result<Package, UnreadableFile> {
    let limit = limits.max_xlsx_inflated_bytes;
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
    let mut mention_shared = Vec::new();
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| damaged(&e))?;
        let allowed = limit.saturating_sub(total).saturating_add(1);
        let mut seen = Mentions::new(b"shared");
        let inflated =
            std::io::copy(&mut entry.take(allowed), &mut seen).map_err(|e| damaged(&e))?;
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
        if seen.found {
            mention_shared.push(i);
        }
    }
    for i in mention_shared {
        let entry = archive.by_index(i).map_err(|e| damaged(&e))?;
        let name = entry.name().to_string();
        let shared = SharedFormulas::measure(entry);
        if let Some(over) = shared.over(limits) {
            return Err(unreadable(
                path,
                "too_large",
                format!("the shared formulas of part \"{name}\" {over}."),
            ));
        }
    }
    let recalculates_on_load = match archive.by_name("xl/workbook.xml") {
        Ok(entry) => asks_recalculation(entry),
        // calamine says what is wrong with a workbook without one.
        Err(_) => false,
    };
    Ok(Package {
        recalculates_on_load,
    })
}

/// A writer that only notes whether `needle` went through it, across chunk seams too.
pub(super) struct Mentions {
    finder: memchr::memmem::Finder<'static>,
    /// The last bytes written, one fewer than the needle.
    tail: Vec<u8>,
    pub(super) found: bool,
}

impl Mentions {
    pub(super) fn new(needle: &'static [u8]) -> Self {
        Mentions {
            finder: memchr::memmem::Finder::new(needle),
            tail: Vec::new(),
            found: false,
        }
    }
}

impl std::io::Write for Mentions {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.found {
            let keep = self.finder.needle().len().saturating_sub(1);
            // The seam: the end of what came before, then the start of this.
            self.tail.extend_from_slice(&buf[..buf.len().min(keep)]);
            self.found = self.finder.find(&self.tail).is_some() || self.finder.find(buf).is_some();
            if buf.len() >= keep {
                self.tail.clear();
                self.tail.extend_from_slice(&buf[buf.len() - keep..]);
            } else {
                // `buf` is all in the tail already: keep its last bytes.
                let excess = self.tail.len().saturating_sub(keep);
                self.tail.drain(..excess);
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What a part's shared formulas would cost calamine to read: it writes a shared formula
/// out for every cell of its `ref` rectangle, in a map of every cell of the rectangle,
/// and keeps a slot for every index up to its `si`. A ten-byte attribute could otherwise
/// ask for billions of each.
#[derive(Debug, Default, PartialEq)]
struct SharedFormulas {
    /// Elements that start a shared formula (with a `ref`).
    masters: u64,
    /// Cells their rectangles cover.
    cells: u64,
    /// Bytes of formula text written out over those cells.
    text: u64,
    /// The largest index.
    largest_index: u64,
}

impl SharedFormulas {
    fn measure(part: impl Read) -> Self {
        let mut reader = quick_xml::Reader::from_reader(BufReader::new(part));
        let mut buf = Vec::new();
        let mut measured = SharedFormulas::default();
        // A master being read: its rectangle's size, and its text so far.
        let mut open: Option<(u64, u64)> = None;
        loop {
            let event = reader.read_event_into(&mut buf);
            match event {
                Ok(Event::Start(ref e)) | Ok(Event::Empty(ref e)) => {
                    let (mut shared, mut cells, mut index) = (false, None, None);
                    for a in e.attributes().flatten() {
                        match a.key.as_ref() {
                            b"t" => shared = a.value.as_ref() == b"shared",
                            b"ref" => {
                                let text = String::from_utf8_lossy(&a.value);
                                // Unreadable: calamine refuses it before expanding anything.
                                cells = Some(formula::area(&text).unwrap_or(0));
                            }
                            b"si" => {
                                index = std::str::from_utf8(&a.value)
                                    .ok()
                                    .and_then(|s| s.parse::<u64>().ok())
                            }
                            _ => {}
                        }
                    }
                    // Any element inside a cell with these two is expanded by calamine,
                    // not only a formula.
                    if let (true, Some(cells)) = (shared, cells) {
                        measured.masters += 1;
                        measured.cells = measured.cells.saturating_add(cells);
                        measured.largest_index = measured.largest_index.max(index.unwrap_or(0));
                        if matches!(event, Ok(Event::Start(_))) {
                            open = Some((cells, 0));
                        } else {
                            measured.text = measured.text.saturating_add(cells);
                        }
                    }
                }
                Ok(Event::Text(ref t)) => {
                    if let Some((_, len)) = open.as_mut() {
                        *len += t.len() as u64;
                    }
                }
                Ok(Event::GeneralRef(_)) => {
                    if let Some((_, len)) = open.as_mut() {
                        *len += 1;
                    }
                }
                Ok(Event::End(_)) => {
                    if let Some((cells, len)) = open.take() {
                        measured.text = measured.text.saturating_add(cells.saturating_mul(len + 1));
                    }
                }
                // A part that is not well formed is calamine's to refuse.
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
            buf.clear();
        }
        measured
    }

    /// What is over the limits, said for a message; `None` when nothing is.
    fn over(&self, limits: &Limits) -> Option<String> {
        // Excel numbers a sheet's shared formulas from 0; the slack is for other writers.
        const INDEX_SLACK: u64 = 1024;
        if self.cells > limits.max_cells_per_sheet {
            Some(format!(
                "cover {} cells, over the {} that limits.max_cells_per_sheet allows",
                self.cells, limits.max_cells_per_sheet
            ))
        } else if self.text > limits.max_xlsx_inflated_bytes {
            Some(format!(
                "write out to {} bytes of formulas, over the {} that limits.max_xlsx_inflated_bytes allows",
                self.text, limits.max_xlsx_inflated_bytes
            ))
        } else if self.largest_index >= self.masters + INDEX_SLACK {
            Some(format!(
                "are numbered up to {} though there are {} of them",
                self.largest_index, self.masters
            ))
        } else {
            None
        }
    }
}

/// Whether `xl/workbook.xml` has `<calcPr fullCalcOnLoad="1">`.
fn asks_recalculation(part: impl Read) -> bool {
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(part));
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(ref e)) | Ok(Event::Empty(ref e))
                if e.local_name().as_ref() == b"calcPr" =>
            {
                return e.attributes().flatten().any(|a| {
                    a.key.local_name().as_ref() == b"fullCalcOnLoad"
                        && matches!(a.value.as_ref(), b"1" | b"true")
                });
            }
            Ok(Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
        buf.clear();
    }
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
            let mut uncomputed = sheet.uncomputed;
            uncomputed.sort_unstable_by_key(|u| (u.line, u.column));
            RawTable {
                sheet: Some(sheet.name),
                encoding: font.map(|f| match f {
                    LegacyFont::Tcvn3 => "TCVN3 font",
                    LegacyFont::Vni => "VNI font",
                }),
                first_column: first_column as usize,
                rows,
                skipped: Vec::new(),
                uncomputed,
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
