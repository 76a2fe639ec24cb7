//! Source 3, the districts' periodic report workbooks (biểu mẫu 1–4): one workbook per
//! district per period, a sheet per form. Each sheet opens with a header block read by its
//! labels (unit, unit code, period, sending date) wherever they sit, then a table
//! `STT | Mã số | Chỉ tiêu | Đơn vị tính | Số liệu` read item by item through its code: its
//! header on one row or two, with its numbering row or not (`form_table`).
//!
//! A problem with the whole workbook (no form at all, a period or district that does not
//! match) rejects the workbook; a problem with one form or one value rejects just that,
//! with the sheet and cell named, and the rest is kept. A sending date that cannot be read
//! is such a value: the forms are kept, and the report's sending date is unknown (it counts
//! as sent, not as on time).

use std::path::Path;

use chrono::NaiveDate;

use super::form_table;
use super::headers::ColumnSpec;
use super::row::{Reason, Rejection};
use super::tabular::{read_tables_with, Limits, RawRow, RawTable};
use crate::reference::Scope;
use crate::reference::{Level, OrgUnits};
use crate::text::dates::{parse_date, Century};
use crate::text::fold;
use crate::text::numbers::{parse_decimal, parse_integer_in, parse_vnd_in, WholeColumn};
use crate::text::ParseError;

/// One item of forms 1–4.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FormItem {
    pub code: &'static str,
    pub form: u8,
    pub name: &'static str,
    pub unit: ItemUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemUnit {
    Person,
    Case,
    YesNo,
    Activity,
    Commune,
    Vnd,
}

impl ItemUnit {
    /// Whether the item's values are whole numbers: counts, yes/no and đồng are never
    /// fractional, so their column's marks are read as rules 7 and 8 of `text::numbers`
    /// say (`1,500` is 1500). A rate, if a form ever carries one, would say `false`.
    pub fn is_whole(self) -> bool {
        match self {
            ItemUnit::Person
            | ItemUnit::Case
            | ItemUnit::YesNo
            | ItemUnit::Activity
            | ItemUnit::Commune
            | ItemUnit::Vnd => true,
        }
    }
}

const fn item(code: &'static str, form: u8, name: &'static str, unit: ItemUnit) -> FormItem {
    FormItem {
        code,
        form,
        name,
        unit,
    }
}

/// The items of the forms (DESIGN.md, source 3).
pub const ITEMS: &[FormItem] = &[
    item(
        "B1.01",
        1,
        "Tổng số trẻ em (dưới 16 tuổi)",
        ItemUnit::Person,
    ),
    item("B1.02", 1, "Trẻ em có hoàn cảnh đặc biệt", ItemUnit::Person),
    item("B1.03", 1, "Trong đó: được trợ giúp", ItemUnit::Person),
    item(
        "B1.04",
        1,
        "Trẻ em có nguy cơ rơi vào hoàn cảnh đặc biệt",
        ItemUnit::Person,
    ),
    item(
        "B1.05",
        1,
        "Trẻ em khuyết tật được khám sàng lọc",
        ItemUnit::Person,
    ),
    item(
        "B1.06",
        1,
        "Trẻ em tim bẩm sinh được phẫu thuật",
        ItemUnit::Person,
    ),
    item("B2.01", 2, "Số vụ xâm hại trẻ em", ItemUnit::Case),
    item("B2.02", 2, "Số trẻ em bị xâm hại", ItemUnit::Person),
    item(
        "B2.03",
        2,
        "Trong đó: được hỗ trợ, can thiệp",
        ItemUnit::Person,
    ),
    item(
        "B2.04",
        2,
        "Số trẻ em bị tai nạn thương tích",
        ItemUnit::Person,
    ),
    item("B2.05", 2, "Trong đó: tử vong", ItemUnit::Person),
    item("B2.06", 2, "Trong đó: đuối nước", ItemUnit::Person),
    item("B2.07", 2, "Trong đó: tai nạn giao thông", ItemUnit::Person),
    item(
        "B3.01",
        3,
        "Tổ chức Tháng hành động vì trẻ em",
        ItemUnit::YesNo,
    ),
    item("B3.02", 3, "Tổ chức Tết Trung thu", ItemUnit::YesNo),
    item("B3.03", 3, "Tổ chức Diễn đàn trẻ em", ItemUnit::YesNo),
    item(
        "B3.04",
        3,
        "Số hoạt động thúc đẩy quyền tham gia của trẻ em",
        ItemUnit::Activity,
    ),
    item(
        "B3.05",
        3,
        "Số cán bộ làm công tác trẻ em",
        ItemUnit::Person,
    ),
    item("B3.06", 3, "Trong đó: được tập huấn", ItemUnit::Person),
    item(
        "B3.07",
        3,
        "Số xã có nhóm thường trực bảo vệ trẻ em",
        ItemUnit::Commune,
    ),
    item(
        "B3.08",
        3,
        "Số xã đạt tiêu chuẩn phù hợp với trẻ em",
        ItemUnit::Commune,
    ),
    item(
        "B4.01",
        4,
        "Ngân sách địa phương cho công tác trẻ em",
        ItemUnit::Vnd,
    ),
    item("B4.02", 4, "Vận động: tiền mặt", ItemUnit::Vnd),
    item("B4.03", 4, "Vận động: hiện vật quy ra tiền", ItemUnit::Vnd),
    item("B4.04", 4, "Vận động: chương trình hỗ trợ", ItemUnit::Vnd),
];

pub fn find_item(code: &str) -> Option<&'static FormItem> {
    let code: String = code
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    ITEMS.iter().find(|i| i.code == code)
}

pub const FORMS: [u8; 4] = [1, 2, 3, 4];

const TABLE_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        column: "code",
        headers: &["Mã số", "Mã chỉ tiêu", "Mã"],
        required: true,
    },
    ColumnSpec {
        column: "item",
        headers: &["Chỉ tiêu", "Tên chỉ tiêu", "Nội dung"],
        required: false,
    },
    ColumnSpec {
        column: "unit",
        headers: &["Đơn vị tính", "ĐVT"],
        required: false,
    },
    ColumnSpec {
        column: "value",
        headers: &["Số liệu", "Giá trị", "Số lượng", "Kết quả"],
        required: true,
    },
];

/// Sub-columns of a `Số liệu` group that hold the period reported (others: the same period
/// of last year, the plan, a comparison).
const THIS_PERIOD: &[&str] = &[
    "Kỳ báo cáo",
    "Kỳ này",
    "Thực hiện kỳ báo cáo",
    "Số liệu kỳ báo cáo",
    "Thực hiện",
];

/// One value a workbook gives: `None` when the cell is blank (not reported); `-` is zero.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportValue {
    pub item: &'static FormItem,
    pub value: Option<f64>,
    /// Where the value stands: its sheet and cell (`D14`), for the feedback to the district.
    pub sheet: Option<String>,
    pub cell: String,
}

/// What the header block of a workbook says, with where each label was found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeaderBlock {
    pub unit_name: Option<String>,
    pub unit_code: Option<Labelled>,
    pub period: Option<Labelled>,
    pub sent_on: Option<Labelled>,
}

/// The value of a header-block label and where it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub text: String,
    /// Its cell's address ("B5").
    pub cell: String,
    /// Its spreadsheet row.
    pub row: usize,
}

/// A workbook read: who sent it, for which period, when, and every value it gives.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictReport {
    pub district_code: String,
    pub period: String,
    /// `None` when no form's header block gives a sending date that can be read.
    pub sent_on: Option<NaiveDate>,
    pub values: Vec<ReportValue>,
}

/// A rejected part of a workbook: the sheet and cell it concerns.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub sheet: Option<String>,
    /// Spreadsheet row (0 for the workbook or sheet as a whole).
    pub row: usize,
    pub rejection: Rejection,
}

impl Problem {
    fn new(
        sheet: Option<&str>,
        row: usize,
        column: &'static str,
        reason: Reason,
        detail: String,
    ) -> Self {
        Problem {
            sheet: sheet.map(str::to_string),
            row,
            rejection: Rejection::new(column, reason, detail),
        }
    }
}

/// The outcome of reading one workbook: the report (if the workbook as a whole was
/// usable) and every problem found in it.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    pub report: Option<DistrictReport>,
    pub problems: Vec<Problem>,
}

/// The sheet of form `form`: "Biểu 1", "Bieu1", "BIỂU 1", "B1", "Bieu_1", "Biểu số 1".
pub fn find_sheet(tables: &[RawTable], form: u8) -> Option<&RawTable> {
    let wanted = [
        format!("bieu{form}"),
        format!("bieuso{form}"),
        format!("b{form}"),
        format!("bieumau{form}"),
        format!("bieumauso{form}"),
    ];
    tables.iter().find(|t| {
        t.sheet
            .as_deref()
            .map(|name| wanted.contains(&fold(name).replace(' ', "")))
            .unwrap_or(false)
    })
}

/// Reads the header block above the table: a label and its value either in one cell
/// (`Mã đơn vị: 633`) or in the next non-blank cell of the row. Returns what was found,
/// each with the address of the cell it came from.
pub fn header_block(table: &RawTable, until_row: usize) -> HeaderBlock {
    let mut block = HeaderBlock::default();
    for row in table.rows.iter().take(until_row) {
        for (i, cell) in row.cells().enumerate() {
            let folded = fold(cell);
            // The longer label first: "mã đơn vị" also contains "đơn vị".
            let label = ["ma don vi", "don vi", "ky bao cao", "ngay gui"]
                .into_iter()
                .find(|l| folded.starts_with(l));
            let Some(label) = label else { continue };
            let Some(found) = label_value(table, row, i) else {
                continue;
            };
            match label {
                "ma don vi" => block.unit_code = block.unit_code.or(Some(found)),
                "don vi" => block.unit_name = block.unit_name.or(Some(found.text)),
                "ky bao cao" => block.period = block.period.or(Some(found)),
                _ => block.sent_on = block.sent_on.or(Some(found)),
            }
        }
    }
    block
}

fn label_value(table: &RawTable, row: &RawRow, i: usize) -> Option<Labelled> {
    let labelled = |text: &str, j: usize| Labelled {
        text: text.trim().to_string(),
        cell: table.address(row, j),
        row: row.line,
    };
    let cell = row.cell(i)?;
    if let Some((_, after)) = cell.split_once(':') {
        if !after.trim().is_empty() {
            return Some(labelled(after, i));
        }
    }
    row.cells()
        .enumerate()
        .skip(i + 1)
        .find(|(_, c)| !c.trim().is_empty())
        .map(|(j, c)| labelled(c, j))
}

/// The period key a "Kỳ báo cáo" text names: `6 tháng đầu năm 2021` → `2021S1`,
/// `6 tháng cuối năm 2021` → `2021S2`, `Năm 2021` / `Cả năm 2021` → `2021`.
pub fn period_key(text: &str) -> Option<String> {
    let folded = fold(text);
    let year = folded
        .split(' ')
        .find(|w| w.len() == 4 && w.chars().all(|c| c.is_ascii_digit()))?;
    if folded.contains("6 thang dau") {
        Some(format!("{year}S1"))
    } else if folded.contains("6 thang cuoi") {
        Some(format!("{year}S2"))
    } else if folded.contains("nam") {
        Some(year.to_string())
    } else {
        None
    }
}

/// Why a workbook was refused whole before its forms were read.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    pub reason: Reason,
    /// The column its rejected row names ("period", or none for an unreadable file).
    pub column: &'static str,
    pub message: String,
}

/// Reads the workbook at `path`, laid out as the source is sent: in a folder named for its
/// period (`2021S1/`), which must be one of `periods` (the pipeline's), then every form
/// of it ([`read`]).
pub fn read_workbook(
    path: &Path,
    periods: &[&str],
    limits: &Limits,
    units: &OrgUnits,
    scope: &Scope,
    century: Century,
) -> Result<ReadOutcome, Refused> {
    let folder = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !periods.contains(&folder.as_str()) {
        return Err(Refused {
            reason: Reason::PeriodMismatch,
            column: "period",
            message: format!(
                "its folder \"{folder}\" is not a period of the pipeline ({}).",
                periods.join(", ")
            ),
        });
    }
    let tables = read_tables_with(path, limits).map_err(|e| Refused {
        reason: Reason::UnreadableFile,
        column: "",
        message: e.message,
    })?;
    Ok(read(&tables, &folder, units, scope, century))
}

/// Reads one workbook found in the folder of period `folder_period`; a two-digit year in
/// `century`.
pub fn read(
    tables: &[RawTable],
    folder_period: &str,
    units: &OrgUnits,
    scope: &Scope,
    century: Century,
) -> ReadOutcome {
    let mut out = ReadOutcome::default();
    let sheets: Vec<(u8, &RawTable)> = FORMS
        .iter()
        .filter_map(|&f| find_sheet(tables, f).map(|t| (f, t)))
        .collect();
    if sheets.is_empty() {
        let names: Vec<String> = tables.iter().filter_map(|t| t.sheet.clone()).collect();
        out.problems.push(Problem::new(
            None,
            0,
            "sheet",
            Reason::MissingSheet,
            format!(
                "No sheet of forms 1–4 (\"Biểu 1\" … \"Biểu 4\"); the sheets are {}.",
                quoted_list(&names)
            ),
        ));
        return out;
    }
    for form in FORMS {
        if !sheets.iter().any(|(f, _)| *f == form) {
            out.problems.push(Problem::new(
                None,
                0,
                "sheet",
                Reason::MissingSheet,
                format!("Sheet \"Biểu {form}\" is missing: form {form} is not ingested."),
            ));
        }
    }

    // The header block of the first form present decides who sent what; the other sheets
    // must not contradict it. The sending date is the first that reads, in form order.
    let mut identity: Option<(String, String)> = None;
    let mut sending = SendingDates::default();
    for (form, table) in &sheets {
        let sheet = table.sheet.as_deref();
        let layout = form_table::Layout {
            specs: TABLE_COLUMNS,
            key: "code",
            value: "value",
            this_period: THIS_PERIOD,
        };
        let found = match form_table::locate(table, &layout) {
            Ok(found) => found,
            Err(e) => {
                out.problems.push(Problem::new(
                    sheet,
                    0,
                    "sheet",
                    Reason::MissingColumns,
                    format!("Sheet \"{}\": {e}", sheet.unwrap_or("")),
                ));
                continue;
            }
        };
        let map = &found.columns;
        let block = header_block(table, found.header_start);
        let this = match check_identity(&block, sheet, folder_period, units, scope) {
            Ok(id) => id,
            Err(p) => {
                out.problems.push(p);
                if identity.is_none() {
                    // Without a trustworthy identity nothing in the workbook can be used.
                    out.report = None;
                    return out;
                }
                continue;
            }
        };
        match &identity {
            None => identity = Some(this.clone()),
            Some(first) if first.0 != this.0 || first.1 != this.1 => {
                out.problems.push(Problem::new(
                    sheet,
                    0,
                    "unit_code",
                    Reason::OrgUnitMismatch,
                    format!(
                        "Sheet \"{}\" is from district {} for period {}, but the workbook's first form is from {} for {}.",
                        sheet.unwrap_or(""),
                        this.0,
                        this.1,
                        first.0,
                        first.1
                    ),
                ));
                continue;
            }
            Some(_) => {}
        }
        sending.read(&block, sheet, century);
        let values = out.report.get_or_insert_with(|| DistrictReport {
            district_code: this.0.clone(),
            period: this.1.clone(),
            sent_on: None,
            values: Vec::new(),
        });
        let value_address = |row: &RawRow| {
            map.position("value")
                .map(|i| table.address(row, i))
                .unwrap_or_default()
        };
        // The value column's marks, from all its whole-number values, before any is read.
        let mut column = WholeColumn::new();
        for row in &table.rows[found.items_start..] {
            let item = find_item(map.cell(row, "code")).filter(|i| i.form == *form);
            if item.is_some_and(|i| i.unit.is_whole()) {
                column.observe(map.cell(row, "value"), || {
                    format!("cell {}", value_address(row))
                });
            }
        }
        for row in &table.rows[found.items_start..] {
            let code = map.cell(row, "code");
            if code.is_empty() {
                continue; // section headings and blank lines
            }
            let Some(item) = find_item(code).filter(|i| i.form == *form) else {
                out.problems.push(Problem::new(
                    sheet,
                    row.line,
                    "item",
                    Reason::BadValue,
                    format!("Item code \"{code}\" is not an item of form {form}."),
                ));
                continue;
            };
            if values.values.iter().any(|v| v.item.code == item.code) {
                out.problems.push(Problem::new(
                    sheet,
                    row.line,
                    "item",
                    Reason::DuplicateId,
                    format!("Item {} appears twice; the first is kept.", item.code),
                ));
                continue;
            }
            let address = || value_address(row);
            // A formula with no stored result reads blank, or as its placeholder: neither
            // is the value the district sent.
            let formula = map.position("value").and_then(|i| table.uncomputed(row, i));
            if let Some(formula) = formula {
                out.problems.push(Problem::new(
                    sheet,
                    row.line,
                    "value",
                    Reason::UncomputedFormula,
                    format!(
                        "Sheet \"{}\", cell {} (item {}): {formula}.",
                        sheet.unwrap_or(""),
                        address(),
                        item.code
                    ),
                ));
                continue;
            }
            let text = map.cell(row, "value");
            match value_of(text, item, &column) {
                Ok(value) => values.values.push(ReportValue {
                    item,
                    value,
                    sheet: sheet.map(str::to_string),
                    cell: address(),
                }),
                Err(why) => {
                    out.problems.push(Problem::new(
                        sheet,
                        row.line,
                        "value",
                        Reason::BadNumber,
                        format!(
                            "Sheet \"{}\", cell {} (item {}): {why}",
                            sheet.unwrap_or(""),
                            address(),
                            item.code
                        ),
                    ));
                }
            }
        }
    }
    if let Some(report) = &mut out.report {
        report.sent_on = sending.date.as_ref().map(|(date, _)| *date);
        out.problems.extend(sending.problems());
    }
    out
}

/// The sending date ("Ngày gửi") as the forms' header blocks give it: the first that
/// reads, in form order, and every text that does not. A date that cannot be read costs
/// that value only: the forms are kept, and without any date the report counts as sent but
/// not as on time.
#[derive(Debug, Default)]
struct SendingDates {
    /// The date and where it was read (`sheet "Biểu 1", cell B5`).
    date: Option<(NaiveDate, String)>,
    /// Each text that cannot be read, once, with the cells that hold it: an office copies
    /// its header block onto every sheet, and one mistake is one rejected value.
    unreadable: Vec<UnreadableDate>,
    /// Whether any header block has the label at all.
    labelled: bool,
}

#[derive(Debug)]
struct UnreadableDate {
    text: String,
    why: ParseError,
    /// Where it was first found.
    sheet: Option<String>,
    cell: String,
    row: usize,
    /// The other cells that hold it (`sheet "Biểu 2", cell B5`).
    also_in: Vec<String>,
}

impl SendingDates {
    /// Reads the sending date of one sheet's header block.
    fn read(&mut self, block: &HeaderBlock, sheet: Option<&str>, century: Century) {
        let Some(found) = &block.sent_on else {
            return;
        };
        self.labelled = true;
        let at = format!("sheet \"{}\", cell {}", sheet.unwrap_or(""), found.cell);
        match parse_date(&found.text, century) {
            Ok(date) => {
                self.date.get_or_insert((date, at));
            }
            Err(why) => match self.unreadable.iter_mut().find(|u| u.text == found.text) {
                Some(seen) => seen.also_in.push(at),
                None => self.unreadable.push(UnreadableDate {
                    text: found.text.clone(),
                    why,
                    sheet: sheet.map(str::to_string),
                    cell: found.cell.clone(),
                    row: found.row,
                    also_in: Vec::new(),
                }),
            },
        }
    }

    /// A rejected value for each text that cannot be read (naming the sheet, the cell and
    /// why, and what the report's sending date is then), or one for the workbook when no
    /// form has a sending date at all.
    fn problems(self) -> Vec<Problem> {
        let outcome = match &self.date {
            Some((_, at)) => format!("The sending date is taken from {at}."),
            None => UNKNOWN_SENDING_DATE.to_string(),
        };
        let mut problems: Vec<Problem> = self
            .unreadable
            .into_iter()
            .map(|u| {
                let also = match u.also_in.is_empty() {
                    true => String::new(),
                    false => format!(" The same text is in {}.", u.also_in.join("; ")),
                };
                let detail = format!(
                    "Sheet \"{}\", cell {}: {}{also} {outcome}",
                    u.sheet.as_deref().unwrap_or(""),
                    u.cell,
                    u.why
                );
                Problem::new(
                    u.sheet.as_deref(),
                    u.row,
                    "sent_on",
                    Reason::BadDate,
                    detail,
                )
            })
            .collect();
        if !self.labelled {
            problems.push(Problem::new(
                None,
                0,
                "sent_on",
                Reason::Missing,
                format!("No form's header block has \"Ngày gửi\". {UNKNOWN_SENDING_DATE}"),
            ));
        }
        problems
    }
}

const UNKNOWN_SENDING_DATE: &str =
    "The report's sending date is unknown: it counts as sent, but not as on time.";

/// A value cell: a number, Vietnamese-formatted text, `-` for zero, blank for not reported.
/// A whole-number item (every item of forms 1–4) is read as one value of its sheet's
/// value column, `column` (what all its values show): `1,500` people are 1500, `98,5` is
/// refused.
pub fn value_of(text: &str, item: &FormItem, column: &WholeColumn) -> Result<Option<f64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().all(|c| c == '-' || c == '–' || c == '—') {
        return Ok(Some(0.0));
    }
    if !item.unit.is_whole() {
        return parse_decimal(t).map(Some).map_err(|e| e.to_string());
    }
    let whole = match item.unit {
        ItemUnit::Vnd => parse_vnd_in(t, column),
        _ => parse_integer_in(t, column),
    };
    // Whole numbers of a form are far below 2^53, where f64 holds every integer.
    whole.map(|n| Some(n as f64)).map_err(|e| e.to_string())
}

/// Checks the header block of a sheet: a district of this province, a name that agrees
/// with the code, the period of the folder. Returns (district, period), or the problem
/// that makes the workbook unusable. The sending date is not part of it: a report whose
/// date cannot be read still says whose figures they are and for when.
fn check_identity(
    block: &HeaderBlock,
    sheet: Option<&str>,
    folder_period: &str,
    units: &OrgUnits,
    scope: &Scope,
) -> Result<(String, String), Problem> {
    let sheet_name = sheet.unwrap_or("");
    let missing = |label: &str, column: &'static str| {
        Problem::new(
            sheet,
            0,
            column,
            Reason::Missing,
            format!("Sheet \"{sheet_name}\" has no \"{label}\" in its header block."),
        )
    };
    let Labelled {
        text: code_text,
        cell: code_cell,
        ..
    } = block
        .unit_code
        .clone()
        .ok_or_else(|| missing("Mã đơn vị", "unit_code"))?;
    let mismatch =
        |detail: String| Problem::new(sheet, 0, "unit_code", Reason::OrgUnitMismatch, detail);
    // Under the units of the 2025 reform there are no districts: communes report to the
    // province on the same forms.
    let level = match units.has_districts() {
        true => Level::District,
        false => Level::Commune,
    };
    let district = match level {
        Level::District => units.resolve_district(&code_text),
        _ => units.resolve_commune(&code_text, None),
    }
    .map_err(|e| mismatch(format!("Sheet \"{sheet_name}\", cell {code_cell}: {e}")))?;
    let province = match district.parent_code.as_deref() {
        Some(p) if district.level == level && scope.covers(p) => p,
        _ => {
            let of = match scope {
                Scope::AllProvinces => String::new(),
                _ => format!(" of {}", scope.describe()),
            };
            return Err(mismatch(format!(
                "Sheet \"{sheet_name}\", cell {code_cell}: unit {} is not a {level}{of}.",
                district.code
            )));
        }
    };
    if let (Some(name), Level::District) = (&block.unit_name, level) {
        // "Phòng LĐTB&XH huyện Chư Sê": the district it names, if one can be found in it.
        if let Some(named) = district_named_in(name, units, province) {
            if named != district.code {
                return Err(mismatch(format!(
                    "Sheet \"{sheet_name}\", cell {code_cell}: the unit code {} is {}, but the sender is \"{name}\" (district {named}).",
                    district.code, district.name
                )));
            }
        }
    }
    let Labelled {
        text: period_text,
        cell: period_cell,
        ..
    } = block
        .period
        .clone()
        .ok_or_else(|| missing("Kỳ báo cáo", "period"))?;
    let period = period_key(&period_text).ok_or_else(|| {
        Problem::new(
            sheet,
            0,
            "period",
            Reason::BadValue,
            format!("Sheet \"{sheet_name}\", cell {period_cell}: \"{period_text}\" names no period (such as \"6 tháng đầu năm 2021\" or \"Năm 2021\")."),
        )
    })?;
    if period != folder_period {
        return Err(Problem::new(
            sheet,
            0,
            "period",
            Reason::PeriodMismatch,
            format!(
                "Sheet \"{sheet_name}\", cell {period_cell}: the report is for period {period} (\"{period_text}\"), but it lies in the folder of period {folder_period}."
            ),
        ));
    }
    Ok((district.code.clone(), period))
}

/// The district whose name ends the sender's name, if any ("… huyện Chư Sê" → 633).
fn district_named_in(sender: &str, units: &OrgUnits, province: &str) -> Option<String> {
    let folded = fold(sender);
    units
        .districts_of(province)
        .into_iter()
        .filter(|d| {
            let name = fold(&d.name);
            folded.ends_with(&format!(" {name}")) || folded == name
        })
        .max_by_key(|d| d.name.len())
        .map(|d| d.code.clone())
}

fn quoted_list(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sheet of `form` from Chư Sê for 2021, its "Ngày gửi" (row 5, value in B5)
    /// `sent`, or no such label when `None`; one value, `B{form}.01` = 5, in row 8.
    fn sheet(form: u8, sent: Option<&str>) -> RawTable {
        let cells: [&[&str]; 8] = [
            &["BIỂU"],
            &["ĐƠN VỊ: Phòng LĐTB&XH huyện Chư Sê"],
            &["Mã đơn vị:", "633"],
            &["Kỳ báo cáo: Năm 2021"],
            &["Ngày gửi:", sent.unwrap_or_default()],
            &[],
            &["STT", "Mã số", "Chỉ tiêu", "Đơn vị tính", "Số liệu"],
            &["1", &format!("B{form}.01"), "Chỉ tiêu", "người", "5"],
        ];
        let rows = cells
            .iter()
            .enumerate()
            .filter(|(i, _)| sent.is_some() || *i != 4)
            .map(|(i, c)| RawRow::new(i + 1, c.iter()))
            .collect();
        RawTable {
            sheet: Some(format!("Biểu {form}")),
            encoding: None,
            first_column: 0,
            rows,
            skipped: Vec::new(),
            uncomputed: Vec::new(),
        }
    }

    fn read_forms(sent: [Option<&str>; 4]) -> ReadOutcome {
        let units = OrgUnits::from_csv_reader(
            include_str!("../../reference/gia_lai_org_units_2021.csv").as_bytes(),
        )
        .unwrap();
        let tables: Vec<RawTable> = FORMS.iter().zip(sent).map(|(&f, s)| sheet(f, s)).collect();
        let scope = Scope::Province("64".into());
        read(
            &tables,
            "2021",
            &units,
            &scope,
            Century::for_reporting_year(2021),
        )
    }

    #[test]
    fn the_first_sending_date_that_reads_is_the_reports() {
        // Biểu 1's date is unreadable, Biểu 2's reads, Biểu 3 repeats Biểu 1's mistake,
        // Biểu 4 has none.
        let out = read_forms([Some("hôm qua"), Some("16/11/2021"), Some("hôm qua"), None]);
        let report = out.report.unwrap();
        assert_eq!(report.sent_on, NaiveDate::from_ymd_opt(2021, 11, 16));
        assert_eq!(report.values.len(), 4, "every form kept");
        // One mistake, one rejected value: at its first cell, naming where else it is.
        assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
        let p = &out.problems[0];
        assert_eq!(
            (
                p.sheet.as_deref(),
                p.row,
                p.rejection.column(),
                p.rejection.reason()
            ),
            (Some("Biểu 1"), 5, "sent_on", Reason::BadDate)
        );
        assert_eq!(
            p.rejection.detail(),
            "Sheet \"Biểu 1\", cell B5: Cannot read \"hôm qua\" as a date: the layout is not one that is understood. The same text is in sheet \"Biểu 3\", cell B5. The sending date is taken from sheet \"Biểu 2\", cell B5."
        );
    }

    #[test]
    fn an_unreadable_sending_date_leaves_the_forms_and_an_unknown_date() {
        let out = read_forms([Some("32/11/2021"); 4]);
        let report = out.report.unwrap();
        assert_eq!(report.sent_on, None);
        assert_eq!(report.values.len(), 4);
        assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
        assert!(
            out.problems[0].rejection.detail().ends_with(
                "The report's sending date is unknown: it counts as sent, but not as on time."
            ),
            "{:?}",
            out.problems
        );
    }

    #[test]
    fn sending_dates_in_words_and_two_digit_years_are_read() {
        let out = read_forms([Some("ngày 16 tháng 11 năm 2021"), None, None, None]);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert_eq!(
            out.report.unwrap().sent_on,
            NaiveDate::from_ymd_opt(2021, 11, 16)
        );
        let out = read_forms([Some("Ngày 16/11/21"); 4]);
        assert_eq!(
            out.report.unwrap().sent_on,
            NaiveDate::from_ymd_opt(2021, 11, 16)
        );
    }

    #[test]
    fn no_sending_date_anywhere_is_one_problem_for_the_workbook() {
        let out = read_forms([None; 4]);
        let report = out.report.unwrap();
        assert_eq!((report.sent_on, report.values.len()), (None, 4));
        assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
        let p = &out.problems[0];
        assert_eq!(
            (
                p.sheet.as_deref(),
                p.row,
                p.rejection.column(),
                p.rejection.reason()
            ),
            (None, 0, "sent_on", Reason::Missing)
        );
    }

    #[test]
    fn period_texts_become_keys() {
        assert_eq!(period_key("6 tháng đầu năm 2021"), Some("2021S1".into()));
        assert_eq!(period_key("Năm 2021"), Some("2021".into()));
        assert_eq!(period_key("Cả năm 2020"), Some("2020".into()));
        assert_eq!(period_key("6 THÁNG CUỐI NĂM 2021"), Some("2021S2".into()));
        assert_eq!(period_key("Quý 1"), None);
    }

    #[test]
    fn values_read_vietnamese_text_dashes_and_blanks() {
        let people = find_item("B1.02").unwrap();
        let alone = WholeColumn::new();
        let value_of = |text| value_of(text, people, &alone);
        assert_eq!(value_of("1.234"), Ok(Some(1234.0)));
        assert_eq!(value_of("1,234"), Ok(Some(1234.0)));
        assert_eq!(value_of("-"), Ok(Some(0.0)));
        assert_eq!(value_of(""), Ok(None));
        assert_eq!(value_of("42"), Ok(Some(42.0)));
        assert!(value_of("nhiều").is_err());
    }

    #[test]
    fn values_are_whole_and_read_as_their_column() {
        let people = find_item("B1.02").unwrap();
        let budget = find_item("B4.01").unwrap();
        assert!(ITEMS.iter().all(|i| i.unit.is_whole()));
        let alone = WholeColumn::new();
        // No form item is a rate: 98,5 people is a mistake, not 98.5.
        let err = value_of("98,5", people, &alone).unwrap_err();
        assert_eq!(
            err,
            "Cannot read \"98,5\" as a whole number: it has a fractional part."
        );
        // A column that writes "," as its decimal mark (a đồng value "1.250,00"):
        // "1,500" people could be 1500 or 1,5.
        let mut column = WholeColumn::new();
        column.observe("1.250,00", || "cell E9".into());
        assert_eq!(value_of("1.250,00", budget, &column), Ok(Some(1250.0)));
        assert_eq!(value_of("1.500", people, &column), Ok(Some(1500.0)));
        let err = value_of("1,500", people, &column).unwrap_err();
        assert!(err.contains("1500") && err.contains("1,5"), "{err}");
        assert!(
            err.contains("cell E9 of the same column (\"1.250,00\")"),
            "{err}"
        );
        assert_eq!(
            value_of("219.000.000 đồng", budget, &column),
            Ok(Some(219_000_000.0))
        );
    }

    #[test]
    fn item_codes_are_found_whatever_their_spacing_or_case() {
        assert_eq!(find_item("b1.02").map(|i| i.code), Some("B1.02"));
        assert_eq!(find_item(" B3.06 ").map(|i| i.form), Some(3));
        assert!(find_item("B9.99").is_none());
    }

    #[test]
    fn sheets_are_found_by_name_variants() {
        let t = |name: &str| RawTable {
            sheet: Some(name.to_string()),
            encoding: None,
            first_column: 0,
            rows: Vec::new(),
            skipped: Vec::new(),
            uncomputed: Vec::new(),
        };
        let tables = [
            t("Bieu1"),
            t("B2"),
            t("BIỂU 3"),
            t("Biểu số 4"),
            t("Ghi chú"),
        ];
        for form in FORMS {
            assert!(find_sheet(&tables, form).is_some(), "form {form}");
        }
        assert!(find_sheet(&tables[4..], 1).is_none());
    }
}
