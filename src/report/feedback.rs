//! What each district gets back (`feedback/<code>_<name>.xlsx`, per province at national
//! scope): a list of what to fix and resend, in Vietnamese. Four sheets, each sorted so an
//! officer can work down it: the report's status per period (sent on time, N days late,
//! sent with a date that cannot be read, missing); each form rule its latest report
//! failed, with the form's sheet and the item's row; each gap between its forms and the
//! child-management software, with both numbers; every rejected row of the files its
//! communes and it sent (file, sheet, row, column, reason) — never the value itself, so no
//! name, id or birth date can travel in it.
//!
//! A rejected row belongs to the unit whose rows its file held: a district workbook to its
//! district, an export to the one district of its clean rows (found through the part the
//! file became, `ingest::part_path`). Rows of a file that held several districts' rows,
//! or none, go to the top unit's workbook (`<province>_….xlsx`), which the province sends
//! on with the file.
//!
//! The counts in a form rule or a source gap are the district's own figures, sent back to
//! the office that made them: they are not published, and are shown as they are.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet};

use crate::columns as c;
use crate::config::Plan;
use crate::disclosure::{Cell, Published};
use crate::error::Error;
use crate::pack::words;
use crate::reference::TopUnit;
use crate::sources::district_reports::find_item;
use crate::store::layout::Layout;
use crate::text::Lang;

/// What an empty list says, so that it is not taken for a sheet left unfilled.
const NOTHING: &str = "Không có.";

/// A rejected row as feedback may show it: where it is and why, not what it held.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rejected {
    pub table: String,
    pub file: String,
    pub sheet: Option<String>,
    pub row: Option<i64>,
    pub column: String,
    pub reason: String,
}

/// A reason code in the words of an office.
pub fn reason(code: &str) -> &'static str {
    match code {
        "missing_value" => "Thiếu giá trị bắt buộc",
        "bad_date" => "Ngày tháng không đọc được hoặc không rõ ngày/tháng",
        "bad_value" => "Giá trị không hợp lệ",
        "unknown_org_unit" => "Không tìm thấy đơn vị hành chính (mã hoặc tên)",
        "ambiguous_org_unit" => "Tên xã trùng ở nhiều huyện: ghi thêm huyện hoặc mã xã",
        "org_unit_mismatch" => "Mã đơn vị không khớp với tên đơn vị",
        "duplicate_id" => "Trùng mã với một dòng trước (cùng kỳ hoặc tệp khác)",
        "date_order" => "Thứ tự ngày không hợp lý (ví dụ can thiệp trước khi tiếp nhận)",
        "unreadable_file" => "Không đọc được tệp",
        "missing_columns" => "Thiếu cột bắt buộc hoặc không nhận ra tiêu đề cột",
        "missing_sheet" => "Thiếu biểu trong tệp",
        "bad_number" => "Số không đọc được hoặc không rõ dấu phân cách",
        "period_mismatch" => "Kỳ báo cáo trong tệp không khớp với thư mục",
        "uncomputed_formula" => "Công thức không có kết quả và không tính được",
        "aged_out" => "Từ đủ 16 tuổi trở lên (không thuộc đối tượng trẻ em)",
        "line_too_long" => "Dòng quá dài",
        _ => "Lý do khác",
    }
}

/// A column of a source as its files head it ("Xã" for `commune`), from the source's own
/// list of headers; a column no list names (a district form's `sent_on`, `value`) by
/// what the forms call it, else as it is.
pub fn column_header(table: &str, column: &str) -> String {
    use crate::sources::{cases, child_registry, fund};
    let specs: &[crate::sources::headers::ColumnSpec] = match table {
        "registry" => child_registry::COLUMNS,
        "cases" => cases::COLUMNS,
        "fund" => fund::COLUMNS,
        _ => &[],
    };
    if let Some(header) = specs
        .iter()
        .find(|s| s.column == column)
        .and_then(|s| s.headers.first())
    {
        return header.to_string();
    }
    match column {
        "sent_on" => "Ngày gửi",
        "value" => "Số liệu",
        "period" => "Kỳ báo cáo",
        "unit_code" | "district_code" => "Mã đơn vị",
        "" => "",
        other => other,
    }
    .to_string()
}

/// Reads `rejected/<table>.parquet` for every table: location and reason only.
fn rejected_rows(layout: &Layout) -> Result<Vec<(String, Rejected)>, Error> {
    let mut out = Vec::new();
    for table in ["registry", "cases", "district_reports", "fund"] {
        let path = layout.rejected().join(format!("{table}.parquet"));
        let Ok(file) = std::fs::File::open(&path) else {
            continue;
        };
        let failed = |e| Error::polars(&format!("reading {}", path.display()), e);
        let df = ParquetReader::new(file)
            .with_columns(Some(
                [c::FILE, c::SHEET, c::ROW, c::COLUMN, c::REASON]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            ))
            .finish()
            .map_err(failed)?;
        let s = |name: &str| -> PolarsResult<StringChunked> { Ok(df.column(name)?.str()?.clone()) };
        let (file, sheet, column, why) = (
            s(c::FILE).map_err(failed)?,
            s(c::SHEET).map_err(failed)?,
            s(c::COLUMN).map_err(failed)?,
            s(c::REASON).map_err(failed)?,
        );
        let row = df
            .column(c::ROW)
            .and_then(|r| r.cast(&DataType::Int64))
            .map_err(failed)?;
        let row = row.i64().map_err(failed)?;
        for i in 0..df.height() {
            out.push((
                table.to_string(),
                Rejected {
                    table: table.to_string(),
                    file: file.get(i).unwrap_or_default().to_string(),
                    sheet: sheet.get(i).map(str::to_string),
                    row: row.get(i),
                    column: column.get(i).unwrap_or_default().to_string(),
                    reason: why.get(i).unwrap_or_default().to_string(),
                },
            ));
        }
    }
    Ok(out)
}

/// The reporting units (districts, or communes at `level` commune) whose clean rows came
/// from `file` of `table`: from the parts the file became (one per year), or for a
/// district workbook, from the table's `file` column.
fn units_of(layout: &Layout, table: &str, file: &str, level: &str) -> BTreeSet<String> {
    // Under the 2025 units the rows' unit is their commune (their district_code holds the
    // province); otherwise their district.
    let column = if level == c::LEVEL_COMMUNE {
        c::COMMUNE_CODE
    } else {
        c::DISTRICT_CODE
    };
    let dir = layout.ingested().join(table);
    let mut out = BTreeSet::new();
    let Ok(years) = std::fs::read_dir(&dir) else {
        return out;
    };
    for year in years.flatten() {
        let Some(y) = year
            .file_name()
            .to_str()
            .and_then(|n| n.strip_prefix("year="))
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        let part = crate::ingest::part_path(&layout.ingested(), table, y, Path::new(file));
        let Ok(f) = std::fs::File::open(&part) else {
            continue;
        };
        let codes = ParquetReader::new(f)
            .with_columns(Some(vec![column.to_string()]))
            .finish();
        if let Ok(df) = codes {
            if let Ok(ca) = df.column(column).and_then(|s| Ok(s.str()?.clone())) {
                out.extend(ca.iter().flatten().map(str::to_string));
            }
        }
    }
    out
}

/// Writes the feedback workbooks into `dir` (the step's staging folder); returns the
/// paths they will have once published, under `Layout::feedback`.
pub fn write(
    plan: &Plan,
    layout: &Layout,
    published: &Published,
    names: &BTreeMap<String, String>,
    file_names: &BTreeMap<String, String>,
    top: &TopUnit,
    dir: &Path,
) -> Result<Vec<PathBuf>, Error> {
    let findings = match std::fs::File::open(layout.indicators().join("data_quality.parquet")) {
        Ok(file) => ParquetReader::new(file)
            .finish()
            .and_then(|df| crate::pack::read_findings(&df))
            .map_err(|e| Error::polars("reading the data-quality table", e))?,
        Err(_) => Vec::new(),
    };
    let name = |code: &str| match names.get(code) {
        Some(n) => n.clone(),
        None if code == c::COUNTRY => c::COUNTRY_NAME.to_string(),
        None => code.to_string(),
    };
    let mut units: Vec<String> = published
        .rows()
        .iter()
        .filter(|r| r.level == top.child_level)
        .map(|r| r.org_unit.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // At national scope a province's findings are its districts': the unit of a row.
    let parents: BTreeMap<String, String> =
        match crate::disclosure::Parents::load(&layout.ingested().join("org_units.parquet")) {
            Ok(p) => p.map().clone(),
            Err(_) => BTreeMap::new(),
        };
    // Rows and findings carry the reporting unit (a district, or a commune under the 2025
    // units); at national scope the feedback goes to its province.
    let unit_of = |unit: &str| -> String {
        if top.child_level == c::LEVEL_PROVINCE {
            parents.get(unit).cloned().unwrap_or_default()
        } else {
            unit.to_string()
        }
    };
    let mut by_unit: BTreeMap<String, Vec<Rejected>> = BTreeMap::new();
    let mut memo: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for (table, row) in rejected_rows(layout)? {
        let districts = memo
            .entry((table.clone(), row.file.clone()))
            .or_insert_with(|| units_of(layout, &table, &row.file, top.child_level));
        let owners: BTreeSet<String> = districts.iter().map(|d| unit_of(d)).collect();
        let owner = match owners.len() {
            1 => owners.into_iter().next().unwrap_or_default(),
            _ => top.code.clone(),
        };
        by_unit.entry(owner).or_default().push(row);
    }
    if by_unit.contains_key(&top.code) {
        units.push(top.code.clone());
    }

    std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
    let target = layout.feedback();
    let mut written = Vec::new();
    for unit in &units {
        let file = crate::store::layout::feedback_file(
            unit,
            file_names.get(unit).map_or(&name(unit), |n| n),
        );
        let path = dir.join(&file);
        let mut rejected = by_unit.remove(unit).unwrap_or_default();
        rejected.sort();
        let unit_findings: Vec<&crate::pack::Finding> = findings
            .iter()
            .filter(|f| f.district.as_deref().map(unit_of).as_deref() == Some(unit.as_str()))
            .collect();
        let what = UnitFeedback {
            code: unit,
            name: name(unit),
            findings: unit_findings,
            rejected,
            is_top: unit == &top.code,
        };
        write_workbook(plan, published, &what, &path)
            .map_err(|e| Error::write(&path, std::io::Error::other(e.to_string())))?;
        written.push(target.join(&file));
    }
    Ok(written)
}

/// What one unit's workbook tells.
struct UnitFeedback<'a> {
    code: &'a str,
    name: String,
    findings: Vec<&'a crate::pack::Finding>,
    /// Sorted by table, file, sheet and row: the order an officer fixes them in.
    rejected: Vec<Rejected>,
    /// The top unit's workbook holds only the rows of files no one district owns.
    is_top: bool,
}

fn write_workbook(
    plan: &Plan,
    published: &Published,
    what: &UnitFeedback,
    path: &Path,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let lang = Lang::Vi;
    let period_of = |f: &crate::pack::Finding| {
        f.period
            .as_deref()
            .map(|p| words::period(p, lang))
            .unwrap_or_default()
    };
    let number = |v: Option<f64>| v.map(|v| words::number(v, 0, lang)).unwrap_or_default();
    let (unit, unit_name, findings, rejected, is_top) = (
        what.code,
        what.name.as_str(),
        &what.findings,
        &what.rejected,
        what.is_top,
    );
    let mut book = Workbook::new();
    let bold = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let plain = Format::new().set_border(FormatBorder::Thin);
    let title = Format::new().set_bold().set_font_size(13);

    let sheet =
        |book: &mut Workbook, name: &str, heading: &str, header: &[&str], widths: &[f64]| {
            let s: &mut Worksheet = book.add_worksheet();
            s.set_name(name)?;
            s.write_with_format(0, 0, heading, &title)?;
            for (i, h) in header.iter().enumerate() {
                s.write_with_format(2, i as u16, *h, &bold)?;
                s.set_column_width(i as u16, widths.get(i).copied().unwrap_or(14.0))?;
            }
            s.set_freeze_panes(3, 0)?;
            s.set_landscape();
            s.set_paper_size(9);
            s.set_print_fit_to_pages(1, 0);
            Ok::<(), rust_xlsxwriter::XlsxError>(())
        };

    // 1. The report's status per period.
    sheet(
        &mut book,
        "Tình trạng báo cáo",
        &format!("{unit_name}: tình trạng gửi báo cáo theo kỳ"),
        &["Kỳ báo cáo", "Hạn gửi", "Tình trạng"],
        &[26.0, 14.0, 44.0],
    )?;
    let mut r = 3u32;
    // The top unit's workbook holds only the rows of files no one district owns: it sends
    // no district report of its own.
    let periods = if is_top { &[][..] } else { &plan.periods[..] };
    for period in periods {
        let get = |ind: &str| published.get(ind, &period.key, unit, None);
        let status = match (get("report_completeness"), get("report_days_late")) {
            (Some(sent), late) => match (sent.value, late.map(|l| l.value)) {
                (Cell::Value(0.0), _) => "Chưa gửi".to_string(),
                (_, Some(Cell::Value(d))) if d <= 0.0 => "Gửi đúng hạn".to_string(),
                (_, Some(Cell::Value(d))) => format!("Gửi chậm {} ngày", words::number(d, 0, lang)),
                (Cell::Value(_), _) => "Đã gửi, không đọc được ngày gửi".to_string(),
                _ => String::new(),
            },
            (None, _) => continue,
        };
        let s = book.worksheet_from_index(0)?;
        s.write_with_format(r, 0, words::period(&period.key, lang), &plain)?;
        s.write_with_format(
            r,
            1,
            period.report_deadline.format("%d/%m/%Y").to_string(),
            &plain,
        )?;
        s.write_with_format(r, 2, status, &plain)?;
        r += 1;
    }

    // 2. Form rules (and reports whose sending date cannot be read).
    sheet(
        &mut book,
        "Lỗi biểu mẫu",
        &format!("{unit_name}: các quy tắc kiểm tra biểu mẫu chưa đạt (bản báo cáo mới nhất)"),
        &[
            "Kỳ báo cáo",
            "Mức độ",
            "Biểu (sheet)",
            "Dòng có mã số",
            "Ô",
            "Giá trị",
            "So với mã số",
            "Ô",
            "Giá trị",
            "Nội dung cần sửa",
        ],
        &[22.0, 10.0, 12.0, 14.0, 6.0, 10.0, 14.0, 6.0, 10.0, 60.0],
    )?;
    let mut rules: Vec<&&crate::pack::Finding> = findings
        .iter()
        .filter(|f| f.check == "form_rule" || f.check == "report_sent_on")
        .collect();
    rules.sort_by(|a, b| (&a.period, &a.left_item).cmp(&(&b.period, &b.left_item)));
    let s = book.worksheet_from_index(1)?;
    for (i, f) in rules.iter().enumerate() {
        let r = 3 + i as u32;
        // The sheet as the workbook names it; for a table written before findings had
        // cells, the form its item belongs to.
        let form = f.sheet.clone().unwrap_or_else(|| {
            f.left_item
                .as_deref()
                .and_then(find_item)
                .map(|item| format!("Biểu {}", item.form))
                .unwrap_or_default()
        });
        s.write_with_format(r, 0, period_of(f), &plain)?;
        s.write_with_format(r, 1, words::severity(&f.severity, lang), &plain)?;
        s.write_with_format(r, 2, form, &plain)?;
        s.write_with_format(r, 3, f.left_item.clone().unwrap_or_default(), &plain)?;
        s.write_with_format(r, 4, f.left_cell.clone().unwrap_or_default(), &plain)?;
        s.write_with_format(r, 5, number(f.left_value), &plain)?;
        s.write_with_format(r, 6, f.right_item.clone().unwrap_or_default(), &plain)?;
        s.write_with_format(r, 7, f.right_cell.clone().unwrap_or_default(), &plain)?;
        s.write_with_format(r, 8, number(f.right_value), &plain)?;
        s.write_with_format(r, 9, f.detail.clone().unwrap_or_default(), &plain)?;
    }

    if rules.is_empty() {
        s.write(3, 0, NOTHING)?;
    }

    // 3. Source gaps.
    sheet(
        &mut book,
        "Chênh lệch số liệu",
        &format!("{unit_name}: số liệu biểu mẫu lệch so với phần mềm quản lý trẻ em"),
        &[
            "Kỳ báo cáo",
            "Mã số",
            "Chỉ tiêu",
            "Biểu mẫu",
            "Phần mềm",
            "Chênh lệch",
        ],
        &[22.0, 10.0, 44.0, 12.0, 12.0, 12.0],
    )?;
    let mut gaps: Vec<&&crate::pack::Finding> = findings
        .iter()
        .filter(|f| f.check == "source_gap")
        .collect();
    gaps.sort_by(|a, b| (&a.period, &a.left_item).cmp(&(&b.period, &b.left_item)));
    let s = book.worksheet_from_index(2)?;
    for (i, f) in gaps.iter().enumerate() {
        let r = 3 + i as u32;
        let item = f.left_item.as_deref().and_then(find_item);
        s.write_with_format(r, 0, period_of(f), &plain)?;
        s.write_with_format(r, 1, f.left_item.clone().unwrap_or_default(), &plain)?;
        s.write_with_format(r, 2, item.map(|i| i.name).unwrap_or_default(), &plain)?;
        s.write_with_format(r, 3, number(f.left_value), &plain)?;
        s.write_with_format(r, 4, number(f.right_value), &plain)?;
        let gap = match (f.left_value, f.right_value) {
            (Some(a), Some(b)) => words::number(a - b, 0, lang),
            _ => String::new(),
        };
        s.write_with_format(r, 5, gap, &plain)?;
    }

    if gaps.is_empty() {
        s.write(3, 0, NOTHING)?;
    }

    // 4. Rejected rows: where, and why; never the value.
    sheet(
        &mut book,
        "Dòng bị loại",
        &format!("{unit_name}: các dòng dữ liệu bị loại, cần sửa và gửi lại"),
        &["Tệp", "Sheet", "Dòng", "Cột", "Lý do"],
        &[52.0, 12.0, 8.0, 18.0, 56.0],
    )?;
    let s = book.worksheet_from_index(3)?;
    for (i, x) in rejected.iter().enumerate() {
        let r = 3 + i as u32;
        let file = Path::new(&x.file)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| x.file.clone());
        s.write_with_format(r, 0, file, &plain)?;
        s.write_with_format(r, 1, x.sheet.clone().unwrap_or_default(), &plain)?;
        match x.row {
            Some(row) if row > 0 => s.write_with_format(r, 2, row as f64, &plain)?,
            _ => s.write_with_format(r, 2, "cả tệp", &plain)?,
        };
        s.write_with_format(r, 3, column_header(&x.table, &x.column), &plain)?;
        s.write_with_format(r, 4, reason(&x.reason), &plain)?;
    }
    if rejected.is_empty() {
        s.write(3, 0, NOTHING)?;
    }
    book.save(path)
}
