//! District report workbooks (source 3): forms 1–4 of every district for each period, the
//! way district offices fill them in — a header block laid out a little differently in each
//! workbook, sheet names spelled three ways, one workbook typed with a TCVN3 (.VnTime) font,
//! one with its numbers as Vietnamese text — and values taken from the registry and cases
//! already generated, so that forms and row-level sources agree except where planted.
//!
//! The module draws from its own random stream, so adding it left the registry and case
//! files byte-for-byte as they were. `write_workbook` is public so that a test can write a
//! workbook and its twin in another text encoding itself.

use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};

use super::cases::{self, Case};
use super::layout;
use super::reference::{District, Geography};
use super::{ymd, GenerateError, SnapshotFacts};
use crate::text::legacy::encode_tcvn3;
use crate::text::numbers::format_integer_vi;

/// One line of a form: its code, its name and its unit as the forms print them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormItem {
    pub code: &'static str,
    pub name: &'static str,
    pub unit: &'static str,
}

const fn item(code: &'static str, name: &'static str, unit: &'static str) -> FormItem {
    FormItem { code, name, unit }
}

/// Every item of forms 1–4, in form order (the `values` of a `WorkbookSpec` follow it).
pub const FORM_ITEMS: [FormItem; 25] = [
    item("B1.01", "Tổng số trẻ em (dưới 16 tuổi)", "người"),
    item("B1.02", "Trẻ em có hoàn cảnh đặc biệt", "người"),
    item("B1.03", "Trong đó: được trợ giúp", "người"),
    item(
        "B1.04",
        "Trẻ em có nguy cơ rơi vào hoàn cảnh đặc biệt",
        "người",
    ),
    item("B1.05", "Trẻ em khuyết tật được khám sàng lọc", "người"),
    item("B1.06", "Trẻ em tim bẩm sinh được phẫu thuật", "người"),
    item("B2.01", "Số vụ xâm hại trẻ em", "vụ"),
    item("B2.02", "Số trẻ em bị xâm hại", "người"),
    item("B2.03", "Trong đó: được hỗ trợ, can thiệp", "người"),
    item("B2.04", "Số trẻ em bị tai nạn thương tích", "người"),
    item("B2.05", "Trong đó: tử vong", "người"),
    item("B2.06", "Trong đó: đuối nước", "người"),
    item("B2.07", "Trong đó: tai nạn giao thông", "người"),
    item(
        "B3.01",
        "Tổ chức Tháng hành động vì trẻ em (1 có / 0 không)",
        "có/không",
    ),
    item("B3.02", "Tổ chức Tết Trung thu", "có/không"),
    item("B3.03", "Tổ chức Diễn đàn trẻ em", "có/không"),
    item(
        "B3.04",
        "Số hoạt động thúc đẩy quyền tham gia của trẻ em",
        "hoạt động",
    ),
    item("B3.05", "Số cán bộ làm công tác trẻ em", "người"),
    item("B3.06", "Trong đó: được tập huấn", "người"),
    item("B3.07", "Số xã có nhóm thường trực bảo vệ trẻ em", "xã"),
    item("B3.08", "Số xã đạt tiêu chuẩn phù hợp với trẻ em", "xã"),
    item("B4.01", "Ngân sách địa phương cho công tác trẻ em", "đồng"),
    item("B4.02", "Vận động: tiền mặt", "đồng"),
    item("B4.03", "Vận động: hiện vật quy ra tiền", "đồng"),
    item("B4.04", "Vận động: chương trình hỗ trợ", "đồng"),
];

/// The title row of each form.
pub const FORM_TITLES: [&str; 4] = [
    "BIỂU 1: TRẺ EM CÓ HOÀN CẢNH ĐẶC BIỆT",
    "BIỂU 2: TRẺ EM BỊ XÂM HẠI, TAI NẠN THƯƠNG TÍCH",
    "BIỂU 3: HOẠT ĐỘNG BẢO VỆ, CHĂM SÓC TRẺ EM",
    "BIỂU 4: KINH PHÍ CHO CÔNG TÁC TRẺ EM",
];

/// The table header of every form.
pub const TABLE_HEADERS: [&str; 5] = ["STT", "Mã số", "Chỉ tiêu", "Đơn vị tính", "Số liệu"];

/// Index of an item in `FORM_ITEMS`.
pub fn item_index(code: &str) -> Option<usize> {
    FORM_ITEMS.iter().position(|i| i.code == code)
}

/// How the four sheets are named: `Biểu 1`, `Bieu1` or `B1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetNaming {
    Bieu,
    BieuCompact,
    Short,
}

impl SheetNaming {
    pub fn sheet_name(self, form: usize) -> String {
        match self {
            SheetNaming::Bieu => format!("Biểu {form}"),
            SheetNaming::BieuCompact => format!("Bieu{form}"),
            SheetNaming::Short => format!("B{form}"),
        }
    }
}

/// How `Ngày gửi` is given: `Ngày gửi: 20/05/2021` in one cell, or the label with a real
/// date cell or with `20/05/2021` as text in the next cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentOnStyle {
    OneCell,
    DateCell,
    TextCell,
}

/// The header block of a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderLayout {
    /// The merged title row above the block (else below it, after a blank row).
    pub title_first: bool,
    /// `Kỳ báo cáo` before `Mã đơn vị`.
    pub period_before_code: bool,
    /// `Mã đơn vị: 633` in one cell (else the label, and the code as a number next to it).
    pub code_in_one_cell: bool,
    pub sent_on: SentOnStyle,
    /// Blank rows between the block (or title) and the table.
    pub blank_rows: u32,
}

/// Values as numeric cells, or as Vietnamese-formatted text (`1.234`, `1.500.000`, `-` for
/// zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueStyle {
    Numbers,
    VietnameseText,
}

/// How text cells are stored: Unicode, or the TCVN3 (ABC) bytes of the text read as the
/// characters U+0000–U+00FF, as Excel keeps text typed with a .VnTime font.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Unicode,
    Tcvn3,
}

/// Everything one workbook says.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkbookSpec {
    pub district_code: u32,
    /// `Phòng LĐTB&XH huyện Chư Sê`.
    pub unit: String,
    /// `Năm 2021`, `6 tháng đầu năm 2021`.
    pub period_label: String,
    pub sent_on: NaiveDate,
    pub sheets: SheetNaming,
    pub layout: HeaderLayout,
    pub value_style: ValueStyle,
    /// One value per item of `FORM_ITEMS`, in that order; `None` is a blank (not reported).
    pub values: Vec<Option<i64>>,
}

impl WorkbookSpec {
    pub fn value(&self, code: &str) -> Option<i64> {
        item_index(code).and_then(|i| self.values.get(i).copied().flatten())
    }

    fn set(&mut self, code: &str, value: i64) {
        if let Some(slot) = item_index(code).and_then(|i| self.values.get_mut(i)) {
            *slot = Some(value);
        }
    }
}

/// Writes the workbook of `spec` to `path` (folders created as needed). The bytes depend on
/// the spec and the encoding only.
pub fn write_workbook(
    path: &Path,
    spec: &WorkbookSpec,
    encoding: TextEncoding,
) -> Result<(), GenerateError> {
    let bytes = workbook_bytes(spec, encoding).map_err(|e| match e {
        BookError::Xlsx(source) => GenerateError::Xlsx {
            path: path.to_path_buf(),
            source,
        },
        BookError::NotTcvn3(text) => GenerateError::NotTcvn3 {
            path: path.to_path_buf(),
            text,
        },
    })?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| GenerateError::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(path, bytes).map_err(|source| GenerateError::Io {
        path: path.to_path_buf(),
        source,
    })
}

enum BookError {
    Xlsx(XlsxError),
    NotTcvn3(String),
}

impl From<XlsxError> for BookError {
    fn from(e: XlsxError) -> Self {
        BookError::Xlsx(e)
    }
}

/// Text as the cell stores it.
fn stored(text: &str, encoding: TextEncoding) -> Result<String, BookError> {
    match encoding {
        TextEncoding::Unicode => Ok(text.to_string()),
        TextEncoding::Tcvn3 => encode_tcvn3(text)
            .map(|bytes| bytes.into_iter().map(char::from).collect())
            .ok_or_else(|| BookError::NotTcvn3(text.to_string())),
    }
}

fn workbook_bytes(spec: &WorkbookSpec, encoding: TextEncoding) -> Result<Vec<u8>, BookError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2022, 1, 10)?.and_hms(8, 0, 0)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let font = match encoding {
        TextEncoding::Unicode => "Times New Roman",
        TextEncoding::Tcvn3 => ".VnTime",
    };
    let title_font = match encoding {
        TextEncoding::Unicode => "Times New Roman",
        TextEncoding::Tcvn3 => ".VnTimeH",
    };
    let plain = Format::new().set_font_name(font);
    let bold = plain.clone().set_bold();
    let title = Format::new()
        .set_font_name(title_font)
        .set_bold()
        .set_align(FormatAlign::Center);
    let date = plain.clone().set_num_format("dd/mm/yyyy");
    let th = bold
        .clone()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let td = plain.clone().set_border(FormatBorder::Thin);
    let td_number = td.clone().set_num_format("#,##0");
    let td_right = td.clone().set_align(FormatAlign::Right);

    for form in 1..=4usize {
        let prefix = format!("B{form}.");
        let items: Vec<(usize, &FormItem)> = FORM_ITEMS
            .iter()
            .enumerate()
            .filter(|(_, i)| i.code.starts_with(&prefix))
            .collect();
        let ws = workbook.add_worksheet();
        ws.set_name(spec.sheets.sheet_name(form))?;
        for (col, width) in [6.0, 9.0, 52.0, 12.0, 16.0].into_iter().enumerate() {
            ws.set_column_width(col as u16, width)?;
        }
        let title_text = stored(FORM_TITLES[form - 1], encoding)?;
        let mut row = 0u32;
        if spec.layout.title_first {
            ws.merge_range(row, 0, row, 4, &title_text, &title)?;
            row += 2;
        }
        let code_lines = |ws: &mut rust_xlsxwriter::Worksheet, row: u32| -> Result<(), BookError> {
            if spec.layout.code_in_one_cell {
                let text = format!("Mã đơn vị: {}", spec.district_code);
                ws.write_string_with_format(row, 0, stored(&text, encoding)?, &bold)?;
            } else {
                ws.write_string_with_format(row, 0, stored("Mã đơn vị:", encoding)?, &bold)?;
                ws.write_number_with_format(row, 1, f64::from(spec.district_code), &plain)?;
            }
            Ok(())
        };
        let period_line = stored(&format!("Kỳ báo cáo: {}", spec.period_label), encoding)?;
        ws.write_string_with_format(
            row,
            0,
            stored(&format!("ĐƠN VỊ: {}", spec.unit), encoding)?,
            &bold,
        )?;
        if spec.layout.period_before_code {
            ws.write_string_with_format(row + 1, 0, &period_line, &bold)?;
            code_lines(ws, row + 2)?;
        } else {
            code_lines(ws, row + 1)?;
            ws.write_string_with_format(row + 2, 0, &period_line, &bold)?;
        }
        let sent = row + 3;
        let dmy = spec.sent_on.format("%d/%m/%Y").to_string();
        match spec.layout.sent_on {
            SentOnStyle::OneCell => {
                let text = stored(&format!("Ngày gửi: {dmy}"), encoding)?;
                ws.write_string_with_format(sent, 0, text, &bold)?;
            }
            SentOnStyle::DateCell => {
                ws.write_string_with_format(sent, 0, stored("Ngày gửi:", encoding)?, &bold)?;
                let d = ExcelDateTime::from_ymd(
                    spec.sent_on.year() as u16,
                    spec.sent_on.month() as u8,
                    spec.sent_on.day() as u8,
                )?;
                ws.write_datetime_with_format(sent, 1, &d, &date)?;
            }
            SentOnStyle::TextCell => {
                ws.write_string_with_format(sent, 0, stored("Ngày gửi:", encoding)?, &bold)?;
                ws.write_string_with_format(sent, 1, &dmy, &plain)?;
            }
        }
        row += 4;
        if !spec.layout.title_first {
            row += 1;
            ws.merge_range(row, 0, row, 4, &title_text, &title)?;
            row += 1;
        }
        row += spec.layout.blank_rows;
        for (col, h) in TABLE_HEADERS.iter().enumerate() {
            ws.write_string_with_format(row, col as u16, stored(h, encoding)?, &th)?;
        }
        for (n, (i, it)) in items.iter().enumerate() {
            let r = row + 1 + n as u32;
            ws.write_number_with_format(r, 0, (n + 1) as f64, &td)?;
            ws.write_string_with_format(r, 1, it.code, &td)?;
            ws.write_string_with_format(r, 2, stored(it.name, encoding)?, &td)?;
            ws.write_string_with_format(r, 3, stored(it.unit, encoding)?, &td)?;
            match (spec.values.get(*i).copied().flatten(), spec.value_style) {
                (None, _) => {
                    ws.write_blank(r, 4, &td)?;
                }
                (Some(v), ValueStyle::Numbers) => {
                    ws.write_number_with_format(r, 4, v as f64, &td_number)?;
                }
                (Some(0), ValueStyle::VietnameseText) => {
                    ws.write_string_with_format(r, 4, "-", &td_right)?;
                }
                (Some(v), ValueStyle::VietnameseText) => {
                    ws.write_string_with_format(r, 4, format_integer_vi(v), &td_right)?;
                }
            }
        }
    }
    Ok(workbook.save_to_buffer()?)
}

// ---------------------------------------------------------------------------------------
// The sample's reports

/// A reporting period: key, label, data window, deadline, registry snapshot (index into
/// the snapshots) and population year (0 = 2020, 1 = 2021).
struct Period {
    key: &'static str,
    label: &'static str,
    from: (i32, u32, u32),
    to: (i32, u32, u32),
    deadline: (i32, u32, u32),
    snapshot: usize,
    year: usize,
    annual: bool,
}

const PERIODS: [Period; 3] = [
    Period {
        key: "2020",
        label: "Năm 2020",
        from: (2020, 1, 1),
        to: (2020, 12, 31),
        deadline: (2020, 11, 20),
        snapshot: 0,
        year: 0,
        annual: true,
    },
    Period {
        key: "2021S1",
        label: "6 tháng đầu năm 2021",
        from: (2021, 1, 1),
        to: (2021, 6, 30),
        deadline: (2021, 5, 25),
        snapshot: 1,
        year: 1,
        annual: false,
    },
    Period {
        key: "2021",
        label: "Năm 2021",
        from: (2021, 1, 1),
        to: (2021, 12, 31),
        deadline: (2021, 11, 20),
        snapshot: 2,
        year: 1,
        annual: true,
    },
];

// The planted facts, by district code.
/// 2020: no Month of Action.
const NO_MONTH_OF_ACTION_2020: u32 = 625;
/// 2021: no Children's Forum.
const NO_FORUM_2021: [u32; 2] = [630, 635];
/// 2021: staff not all trained, with how many were not.
const UNTRAINED_2021: [(u32, i64); 3] = [(629, 3), (637, 2), (639, 2)];
/// Late first sendings: (period, district, days after the deadline).
const LATE: [(&str, u32, i64); 3] = [("2021S1", 628, 3), ("2021S1", 631, 9), ("2021", 637, 6)];
/// Districts that sent nothing for a period.
const MISSING: [(&str, u32); 1] = [("2021S1", 639)];
/// A corrected workbook: period, district, date of the second sending.
const RESENT: (&str, u32, (i32, u32, u32)) = ("2021", 626, (2021, 12, 6));
/// Items the first, uncorrected sending gave lower, and by how much.
const RESENT_CHANGES: [(&str, i64); 4] = [
    ("B1.05", 12),
    ("B2.04", 2),
    ("B3.04", 3),
    ("B4.02", 15_000_000),
];
/// Written with a TCVN3 font.
const TCVN3: (&str, u32) = ("2021", 625);
/// Values as Vietnamese-formatted text.
const TEXT_VALUES: (&str, u32) = ("2021", 627);
/// B1.02 about 40 % above the registry.
const SOURCE_GAP: (&str, u32, f64) = ("2021", 624, 1.40);
/// B2.03 above B2.02.
const SUPPORTED_ABOVE_ABUSED: (&str, u32) = ("2021", 633);
/// Sheet names other than `Biểu 1` …
const SHEET_NAMES: [(&str, u32, SheetNaming); 3] = [
    ("2021", 625, SheetNaming::BieuCompact),
    ("2020", 634, SheetNaming::BieuCompact),
    ("2021S1", 638, SheetNaming::Short),
];

/// A workbook as sent: which district, which file, when, and which sending it was (1 =
/// first, 2 = the correction).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSubmission {
    pub district_code: u32,
    pub file: PathBuf,
    pub sent_on: NaiveDate,
    pub version: u32,
}

/// The latest values one district reported for a period, by item code.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictReportValues {
    pub district_code: u32,
    pub values: Vec<(&'static str, i64)>,
}

/// The district reports of one period as the sample plants them.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportPeriodFacts {
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub deadline: NaiveDate,
    /// Every workbook written for the period, by district, first sending first.
    pub submissions: Vec<ReportSubmission>,
    /// Districts that sent at least one workbook.
    pub districts_sent: usize,
    /// Districts whose first sending came after the deadline, with the days late.
    pub late: Vec<(u32, i64)>,
    /// Districts that sent nothing.
    pub missing: Vec<u32>,
    /// Districts that sent a corrected workbook later.
    pub resent: Vec<u32>,
    /// The latest values of every district that sent.
    pub values: Vec<DistrictReportValues>,
}

impl ReportPeriodFacts {
    pub fn value(&self, district: u32, code: &str) -> Option<i64> {
        self.values
            .iter()
            .find(|d| d.district_code == district)
            .and_then(|d| d.values.iter().find(|(c, _)| *c == code))
            .map(|(_, v)| *v)
    }

    /// The item summed over the districts that sent (latest values).
    pub fn sum(&self, code: &str) -> i64 {
        self.values
            .iter()
            .filter_map(|d| d.values.iter().find(|(c, _)| *c == code))
            .map(|(_, v)| v)
            .sum()
    }

    /// Districts whose latest value of the item is `value`.
    pub fn districts_with(&self, code: &str, value: i64) -> Vec<u32> {
        self.values
            .iter()
            .filter(|d| d.values.iter().any(|(c, v)| *c == code && *v == value))
            .map(|d| d.district_code)
            .collect()
    }

    /// Districts sent on or before the deadline (first sending).
    pub fn on_time(&self) -> usize {
        self.districts_sent - self.late.len()
    }
}

/// A deliberate oddity in a district workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportAnomaly {
    pub file: PathBuf,
    pub district_code: u32,
    pub period: String,
    pub kind: ReportAnomalyKind,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportAnomalyKind {
    /// A form rule fails (B2.03 > B2.02).
    RuleViolation,
    /// A form value far from the registry (B1.02).
    SourceGap,
    /// Text stored in the TCVN3 font encoding.
    Tcvn3Text,
    /// Values as Vietnamese-formatted text cells.
    TextValues,
}

/// The TCVN3 workbook of the sample and what it says, so a test can write its Unicode twin.
#[derive(Debug, Clone, PartialEq)]
pub struct LegacyWorkbook {
    pub file: PathBuf,
    pub spec: WorkbookSpec,
}

pub(crate) struct ReportsOutput {
    pub files: Vec<(PathBuf, usize)>,
    pub periods: Vec<ReportPeriodFacts>,
    pub anomalies: Vec<ReportAnomaly>,
    pub legacy: Option<LegacyWorkbook>,
}

/// Per-district quantities that change little from one period to the next.
struct DistrictProfile {
    district_staff: i64,
    friendly_share: f64,
    budget_2021: i64,
    raised_2021: [i64; 3],
}

fn profile(rng: &mut ChaCha8Rng, d: &District) -> DistrictProfile {
    let children = f64::from(d.children[1]);
    let budget = children * rng.gen_range(6_000.0..14_000.0);
    DistrictProfile {
        district_staff: rng.gen_range(2..=4),
        friendly_share: rng.gen_range(0.5..0.8),
        budget_2021: round_to(budget, 1_000_000),
        raised_2021: [
            round_to(rng.gen_range(20e6..300e6), 500_000),
            round_to(rng.gen_range(20e6..250e6), 500_000),
            round_to(rng.gen_range(0.0..400e6), 1_000_000),
        ],
    }
}

fn round_to(x: f64, step: i64) -> i64 {
    ((x / step as f64).round() as i64) * step
}

fn scaled(n: usize, factor: f64) -> i64 {
    (n as f64 * factor).round() as i64
}

fn slug(d: &District) -> String {
    layout::fold_ascii(&d.name)
        .to_lowercase()
        .replace([' ', '\''], "_")
}

/// `Phòng LĐTB&XH huyện Chư Sê`, `… thị xã An Khê`, `… thành phố Pleiku`.
fn unit_name(d: &District) -> String {
    format!("Phòng LĐTB&XH {} {}", d.unit_type.to_lowercase(), d.name)
}

/// A sending date on or before the deadline, on a working day.
fn on_time(rng: &mut ChaCha8Rng, deadline: NaiveDate) -> NaiveDate {
    let mut d = deadline - Duration::days(rng.gen_range(0..=12));
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d -= Duration::days(1);
    }
    d
}

fn header_layout(rng: &mut ChaCha8Rng) -> HeaderLayout {
    HeaderLayout {
        title_first: rng.gen_bool(0.5),
        period_before_code: rng.gen_bool(0.25),
        code_in_one_cell: rng.gen_bool(0.35),
        sent_on: match rng.gen_range(0..10) {
            0..=3 => SentOnStyle::OneCell,
            4..=7 => SentOnStyle::DateCell,
            _ => SentOnStyle::TextCell,
        },
        blank_rows: rng.gen_range(0..=2),
    }
}

/// The values a district reports for a period before anything is planted.
fn base_values(
    rng: &mut ChaCha8Rng,
    p: &Period,
    d: &District,
    prof: &DistrictProfile,
    snapshot: &SnapshotFacts,
    all_cases: &[Case],
    at_risk_ratio: usize,
) -> Result<Vec<Option<i64>>, GenerateError> {
    let reg = snapshot
        .districts
        .iter()
        .find(|s| s.district_code == d.code)
        .ok_or_else(|| GenerateError::Reference(format!("no registry facts for \"{}\"", d.code)))?;
    let from = ymd(p.from.0, p.from.1, p.from.2)?;
    let to = ymd(p.to.0, p.to.1, p.to.2)?;
    let cases = cases::district_case_counts(all_cases, d.code, from, to);
    let communes = d.communes.len() as i64;
    let half = !p.annual;
    let part = |rng: &mut ChaCha8Rng, full: i64| -> i64 {
        if half {
            round_to(full as f64 * rng.gen_range(0.4..0.55), 500_000)
        } else {
            full
        }
    };

    let b101 = i64::from(d.children[p.year]);
    let f = rng.gen_range(0.975..1.025);
    let b102 = scaled(reg.special_children, f).min(b101);
    let b103 = scaled(reg.special_supported, f * rng.gen_range(0.995..1.005)).min(b102);
    let b104 = scaled(reg.at_risk_rows * at_risk_ratio, rng.gen_range(0.97..1.03));
    let screened = reg.special_children as f64 * rng.gen_range(0.15..0.35);
    let b105 = (screened * if half { 0.5 } else { 1.0 }).round() as i64;
    let b106 = rng.gen_range(0..=if half { 2 } else { 5 });

    let b301 = 1;
    let b302 = i64::from(p.annual);
    let b303 = if p.annual {
        1
    } else {
        i64::from(rng.gen_bool(0.5))
    };
    let b304 = if p.annual {
        rng.gen_range(4..=15)
    } else {
        rng.gen_range(2..=8)
    };
    let b305 = communes + prof.district_staff - if p.year == 0 { rng.gen_range(0..=1) } else { 0 };
    // Training catches up over 2021; the annual 2021 shortfalls are planted.
    let untrained = match (p.key, p.annual) {
        ("2021", _) => 0,
        (_, true) => rng.gen_range(0..=3),
        _ => rng.gen_range(0..=2),
    };
    let b306 = b305 - untrained;
    let b307 = communes
        - if p.annual && p.year == 1 {
            i64::from(rng.gen_bool(0.2))
        } else {
            rng.gen_range(0..=2)
        };
    let friendly = (communes as f64 * prof.friendly_share).round() as i64;
    let b308 = (friendly + p.snapshot as i64 - 2).clamp(0, communes);

    let growth = if p.year == 0 {
        rng.gen_range(0.85..0.98)
    } else {
        1.0
    };
    let b401 = part(rng, round_to(prof.budget_2021 as f64 * growth, 1_000_000));
    let raised: Vec<i64> = prof
        .raised_2021
        .iter()
        .map(|&r| round_to(r as f64 * growth, 500_000))
        .collect();
    let mut b40x = Vec::with_capacity(3);
    for r in raised {
        b40x.push(part(rng, r));
    }

    let as_i = |n: usize| n as i64;
    Ok([
        b101,
        b102,
        b103,
        b104,
        b105,
        b106,
        as_i(cases.abuse_cases),
        as_i(cases.abused_children),
        as_i(cases.abused_children_intervened),
        as_i(cases.injured_children),
        as_i(cases.deaths),
        as_i(cases.drowned),
        as_i(cases.traffic),
        b301,
        b302,
        b303,
        b304,
        b305,
        b306,
        b307,
        b308,
        b401,
        b40x[0],
        b40x[1],
        b40x[2],
    ]
    .into_iter()
    .map(Some)
    .collect())
}

/// Writes `district_reports/<period>/…xlsx` for every district and period.
pub(crate) fn write(
    rng: &mut ChaCha8Rng,
    geo: &Geography,
    snapshots: &[SnapshotFacts],
    all_cases: &[Case],
    at_risk_ratio: usize,
    out: &Path,
) -> Result<ReportsOutput, GenerateError> {
    let profiles: Vec<DistrictProfile> = geo.districts.iter().map(|d| profile(rng, d)).collect();
    let mut files = Vec::new();
    let mut periods = Vec::new();
    let mut anomalies = Vec::new();
    let mut legacy = None;
    for p in &PERIODS {
        let deadline = ymd(p.deadline.0, p.deadline.1, p.deadline.2)?;
        let snapshot = snapshots.get(p.snapshot).ok_or_else(|| {
            GenerateError::Reference(format!("no registry snapshot for period \"{}\"", p.key))
        })?;
        let mut facts = ReportPeriodFacts {
            period: p.key.to_string(),
            from: ymd(p.from.0, p.from.1, p.from.2)?,
            to: ymd(p.to.0, p.to.1, p.to.2)?,
            deadline,
            submissions: Vec::new(),
            districts_sent: 0,
            late: Vec::new(),
            missing: Vec::new(),
            resent: Vec::new(),
            values: Vec::new(),
        };
        for (d, prof) in geo.districts.iter().zip(&profiles) {
            // Every district draws the same numbers whether or not it sends, so a change
            // to what is planted leaves the other districts' values alone.
            let values = base_values(rng, p, d, prof, snapshot, all_cases, at_risk_ratio)?;
            let layout = header_layout(rng);
            let mut sent_on = on_time(rng, deadline);
            let here = |plant: (&str, u32)| plant == (p.key, d.code);
            if MISSING.iter().any(|m| here(*m)) {
                facts.missing.push(d.code);
                continue;
            }
            if let Some(&(_, _, days)) = LATE.iter().find(|l| here((l.0, l.1))) {
                sent_on = deadline + Duration::days(days);
                facts.late.push((d.code, days));
            }
            let mut spec = WorkbookSpec {
                district_code: d.code,
                unit: unit_name(d),
                period_label: p.label.to_string(),
                sent_on,
                sheets: SHEET_NAMES
                    .iter()
                    .find(|s| here((s.0, s.1)))
                    .map_or(SheetNaming::Bieu, |s| s.2),
                layout,
                value_style: if here(TEXT_VALUES) {
                    ValueStyle::VietnameseText
                } else {
                    ValueStyle::Numbers
                },
                values,
            };
            let stem = format!("bao_cao_{}_{}_{}", d.code, slug(d), p.key);
            let rel = PathBuf::from("district_reports")
                .join(p.key)
                .join(format!("{stem}.xlsx"));
            plant(p, d, snapshot, &mut spec, &rel, &mut anomalies);

            let encoding = if here(TCVN3) {
                anomalies.push(ReportAnomaly {
                    file: rel.clone(),
                    district_code: d.code,
                    period: p.key.to_string(),
                    kind: ReportAnomalyKind::Tcvn3Text,
                    detail: "Header block, table header, item names and units typed with a \
                             TCVN3 (.VnTime) font"
                        .to_string(),
                });
                legacy = Some(LegacyWorkbook {
                    file: rel.clone(),
                    spec: spec.clone(),
                });
                TextEncoding::Tcvn3
            } else {
                TextEncoding::Unicode
            };
            if spec.value_style == ValueStyle::VietnameseText {
                anomalies.push(ReportAnomaly {
                    file: rel.clone(),
                    district_code: d.code,
                    period: p.key.to_string(),
                    kind: ReportAnomalyKind::TextValues,
                    detail: "Values as Vietnamese-formatted text (1.234, 1.500.000), - for zero"
                        .to_string(),
                });
            }

            if (p.key, d.code) == (RESENT.0, RESENT.1) {
                let mut first = spec.clone();
                for (code, less) in RESENT_CHANGES {
                    if let Some(v) = first.value(code) {
                        first.set(code, (v - less).max(0));
                    }
                }
                // The first sending keeps B2.05–B2.07 within B2.04.
                let floor = ["B2.05", "B2.06", "B2.07"]
                    .iter()
                    .filter_map(|c| first.value(c))
                    .max()
                    .unwrap_or(0);
                if let Some(v) = first.value("B2.04") {
                    first.set("B2.04", v.max(floor));
                }
                write_workbook(&out.join(&rel), &first, encoding)?;
                facts.submissions.push(ReportSubmission {
                    district_code: d.code,
                    file: rel.clone(),
                    sent_on: first.sent_on,
                    version: 1,
                });
                files.push((rel, FORM_ITEMS.len()));
                let (y, m, day) = RESENT.2;
                spec.sent_on = ymd(y, m, day)?;
                spec.layout.blank_rows = (spec.layout.blank_rows + 1) % 3;
                let rel2 = PathBuf::from("district_reports")
                    .join(p.key)
                    .join(format!("{stem}_bo_sung.xlsx"));
                write_workbook(&out.join(&rel2), &spec, encoding)?;
                facts.submissions.push(ReportSubmission {
                    district_code: d.code,
                    file: rel2.clone(),
                    sent_on: spec.sent_on,
                    version: 2,
                });
                files.push((rel2, FORM_ITEMS.len()));
                facts.resent.push(d.code);
            } else {
                write_workbook(&out.join(&rel), &spec, encoding)?;
                facts.submissions.push(ReportSubmission {
                    district_code: d.code,
                    file: rel.clone(),
                    sent_on: spec.sent_on,
                    version: 1,
                });
                files.push((rel, FORM_ITEMS.len()));
            }
            facts.districts_sent += 1;
            facts.values.push(DistrictReportValues {
                district_code: d.code,
                values: FORM_ITEMS
                    .iter()
                    .zip(&spec.values)
                    .filter_map(|(it, v)| v.map(|v| (it.code, v)))
                    .collect(),
            });
        }
        periods.push(facts);
    }
    Ok(ReportsOutput {
        files,
        periods,
        anomalies,
        legacy,
    })
}

/// The planted facts and faults of one district's workbook for one period.
fn plant(
    p: &Period,
    d: &District,
    snapshot: &SnapshotFacts,
    spec: &mut WorkbookSpec,
    rel: &Path,
    anomalies: &mut Vec<ReportAnomaly>,
) {
    let here = |plant: (&str, u32)| plant == (p.key, d.code);
    let anomaly = |kind, detail: String| ReportAnomaly {
        file: rel.to_path_buf(),
        district_code: d.code,
        period: p.key.to_string(),
        kind,
        detail,
    };
    if here(("2020", NO_MONTH_OF_ACTION_2020)) {
        spec.set("B3.01", 0);
    }
    if (p.key == "2021" || p.key == "2021S1") && NO_FORUM_2021.contains(&d.code) {
        spec.set("B3.03", 0);
    }
    if p.key == "2021" {
        if let Some(&(_, n)) = UNTRAINED_2021.iter().find(|u| u.0 == d.code) {
            if let Some(staff) = spec.value("B3.05") {
                spec.set("B3.06", staff - n);
            }
        }
    }
    if here((SOURCE_GAP.0, SOURCE_GAP.1)) {
        let registry = snapshot
            .districts
            .iter()
            .find(|s| s.district_code == d.code)
            .map_or(0, |s| s.special_children);
        let value = scaled(registry, SOURCE_GAP.2);
        spec.set("B1.02", value);
        anomalies.push(anomaly(
            ReportAnomalyKind::SourceGap,
            format!(
                "B1.02 = {value}, the registry has {registry} children in special circumstances"
            ),
        ));
    }
    if here(SUPPORTED_ABOVE_ABUSED) {
        let abused = spec.value("B2.02").unwrap_or(0);
        spec.set("B2.03", abused + 1);
        anomalies.push(anomaly(
            ReportAnomalyKind::RuleViolation,
            format!("B2.03 = {} > B2.02 = {abused}", abused + 1),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcvn3_cells_hold_the_font_bytes_as_latin_1() {
        let cell = stored("hộp mứt tết", TextEncoding::Tcvn3).ok();
        assert_eq!(cell.as_deref(), Some("hép møt tÕt"));
        let unit = stored("ĐƠN VỊ: Phòng LĐTB&XH huyện Chư Sê", TextEncoding::Tcvn3).ok();
        assert_eq!(
            unit.as_deref(),
            Some("§¥N V\u{91}: Phßng L§TB&XH huyÖn Ch\u{AD} S\u{AA}")
        );
    }

    #[test]
    fn every_form_text_can_be_typed_in_tcvn3() {
        let texts = FORM_ITEMS
            .iter()
            .flat_map(|i| [i.name, i.unit])
            .chain(FORM_TITLES)
            .chain(TABLE_HEADERS)
            .chain(PERIODS.iter().map(|p| p.label));
        for text in texts {
            assert!(stored(text, TextEncoding::Tcvn3).is_ok(), "{text}");
        }
    }

    #[test]
    fn planted_districts_are_districts_of_gia_lai() {
        let codes: Vec<u32> = (622..=639).filter(|c| *c != 636).collect();
        let planted = [NO_MONTH_OF_ACTION_2020, RESENT.1, TCVN3.1, TEXT_VALUES.1]
            .into_iter()
            .chain(NO_FORUM_2021)
            .chain(UNTRAINED_2021.map(|u| u.0))
            .chain(LATE.map(|l| l.1))
            .chain(MISSING.map(|m| m.1))
            .chain([SOURCE_GAP.1, SUPPORTED_ABOVE_ABUSED.1]);
        for code in planted {
            assert!(codes.contains(&code), "{code}");
        }
    }
}
