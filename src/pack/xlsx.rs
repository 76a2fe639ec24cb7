//! `indicators.xlsx`: the scorecard of the plan's targets, a sheet per target with its
//! indicator's rows for the reporting year, every indicator of the year on one sheet, and
//! the data-quality findings — all from the published table.
//!
//! **Numbers.** Numeric cells stay numbers, so a report writer can sum, sort and chart them,
//! with the formats `#,##0`, `#,##0.0` and `0.0 %`. Excel draws the separators of such
//! formats from the reader's own locale — a locale tag such as `[$-42A]` changes month and
//! day names, not separators — so on the department's Vietnamese Windows they read `5.419`
//! and `98,2 %`, and on an English one `5,419` and `98.2 %`. Because a number that looks
//! different on the province's computers would be a trap in a printed report, every value
//! column is followed by a text column "Giá trị (như in)" holding the value already written
//! the Vietnamese way (`98,2 %`, `5.419`), identical on every machine, to paste as printed.
//! A change of a ratio is held in percentage points (1,2 for 97,0 % → 98,2 %) and shown as
//! `+1,2 điểm %`, as the page shows it: a `%` format would read as a relative change.
//!
//! **Units.** Each indicator row names its unit in words — người, vụ, hoạt động, đồng,
//! ngày, % — and each data-quality value the unit of its form item (xã, có/không …), from
//! [`words`], so the workbook and the page say the same.
//!
//! **Suppression.** A suppressed cell is written as the text `<5` or `x` (right-aligned like
//! the numbers around it) and never as its value: there is none to write, the published
//! table does not hold it. A true 0 is the number 0. Nothing else of the workbook — header,
//! footer, defined names — holds a value, and no row or column is hidden.
//!
//! **Print.** Every sheet prints as a report: A4 landscape, scaled to the width of one
//! page and as many pages tall as it needs, its title and header rows repeated on every
//! page (and frozen on screen), the sheet's name and "page n of N" in the margins. The code
//! columns at the right, keys for machines, are left out of the print area. Columns are as
//! wide as their content up to [`MAX_TEXT`] characters; longer text wraps.
//!
//! Each sheet is first laid out as a [`Sheet`] (title, headers, cells), then written by one
//! function that also sizes the columns and sets up the page.

use std::path::Path;

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::words;
use super::{Contents, Shown};
use crate::disclosure::{Cell, PublishedRow};
use crate::error::Error;
use crate::text::Lang;

/// How a number cell reads: its Excel format, and the text that format gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Num {
    /// A ratio: `98,2 %`.
    Percent,
    /// Counts and đồng: `5.419`.
    Whole,
    /// Rates per 100,000 and days: `12,3`.
    Tenths,
    /// The change of a count or of đồng: `-54`.
    SignedWhole,
    /// The change of a rate per 100,000 or of days: `+0,4`.
    SignedTenths,
    /// The change of a ratio, the cell holding percentage points: `+1,2 điểm %`.
    Points,
}

impl Num {
    fn value(unit: &str) -> Num {
        match unit {
            "ratio" => Num::Percent,
            "count" | "vnd" => Num::Whole,
            _ => Num::Tenths,
        }
    }

    fn change(unit: &str) -> Num {
        match unit {
            "ratio" => Num::Points,
            "count" | "vnd" => Num::SignedWhole,
            _ => Num::SignedTenths,
        }
    }

    /// The Excel number format. Points are a quoted literal, so the cell is not scaled by
    /// 100 again as a `%` format would.
    fn code(self, lang: Lang) -> String {
        match self {
            Num::Percent => "0.0 %".into(),
            Num::Whole => "#,##0".into(),
            Num::Tenths => "#,##0.0".into(),
            Num::SignedWhole => "+#,##0;-#,##0;0".into(),
            Num::SignedTenths => "+#,##0.0;-#,##0.0;0.0".into(),
            Num::Points => {
                let points = words::points(lang);
                format!("+0.0\" {points}\";-0.0\" {points}\";0.0\" {points}\"")
            }
        }
    }

    /// What the cell shows, near enough to size its column.
    fn text(self, v: f64, lang: Lang) -> String {
        let sign = if v < 0.0 { "-" } else { "+" };
        match self {
            Num::Percent => words::value(v, "ratio", lang),
            Num::Whole => words::number(v, 0, lang),
            Num::Tenths => words::number(v, 1, lang),
            Num::SignedWhole => format!("{sign}{}", words::number(v.abs(), 0, lang)),
            Num::SignedTenths => format!("{sign}{}", words::number(v.abs(), 1, lang)),
            Num::Points => format!(
                "{sign}{} {}",
                words::number(v.abs(), 1, lang),
                words::points(lang)
            ),
        }
    }
}

/// A cell of a laid-out sheet.
#[derive(Debug, Clone, PartialEq)]
enum Out {
    Text(String),
    /// A number written as text the Vietnamese way ("98,2 %"), right-aligned as numbers are.
    Figure(String),
    /// A number and how it reads.
    Number(f64, Num),
    /// A suppressed value's label.
    Label(String),
    Empty,
}

struct Sheet {
    name: String,
    title: String,
    headers: Vec<&'static str>,
    rows: Vec<Vec<Out>>,
    /// How many columns at the right are codes for machines, left out of the print area.
    codes: usize,
}

fn out(cell: Cell, num: Num, min_count: u32) -> Out {
    match cell {
        Cell::Value(v) => Out::Number(v, num),
        Cell::Small | Cell::Hidden => Out::Label(cell.label(min_count).unwrap_or_default()),
        Cell::Missing => Out::Empty,
    }
}

/// A change from the baseline: a ratio's in percentage points, everything else as it is.
fn change(cell: Cell, unit: &str, min_count: u32) -> Out {
    let num = Num::change(unit);
    match cell {
        Cell::Value(v) if num == Num::Points => Out::Number(v * 100.0, num),
        cell => out(cell, num, min_count),
    }
}

fn text(s: impl Into<String>) -> Out {
    let s = s.into();
    if s.is_empty() {
        Out::Empty
    } else {
        Out::Text(s)
    }
}

fn figure(s: String) -> Out {
    if s.is_empty() {
        Out::Empty
    } else {
        Out::Figure(s)
    }
}

/// The code columns that end every indicator row.
const ROW_CODES: usize = 4;

/// The columns of an indicator row, with the indicator's name first when `named`.
fn row_headers(contents: &Contents, named: bool) -> Vec<&'static str> {
    let h = contents.headers();
    let mut headers = Vec::new();
    if named {
        headers.push(h.get("indicator"));
    }
    headers.extend(
        [
            "period",
            "org_unit",
            "breakdown",
            "numerator",
            "denominator",
            "value",
            "value_text",
            "unit",
            "baseline",
            "change",
            "met",
            "indicator_code",
            "period_code",
            "org_unit_code",
            "breakdown_code",
        ]
        .map(|k| match k {
            "period_code" => contents.lang.pick("Mã kỳ", "Period code"),
            k => h.get(k),
        }),
    );
    headers
}

fn indicator_row(contents: &Contents, r: &PublishedRow, named: bool) -> Vec<Out> {
    let (lang, min) = (contents.lang, contents.min_count());
    let count = Num::value(words::count_unit(&r.unit));
    let mut cells = Vec::new();
    if named {
        cells.push(text(contents.indicator_name(&r.indicator)));
    }
    cells.extend([
        text(words::period(&r.period, lang)),
        text(contents.name(&r.org_unit)),
        text(words::breakdown(r.breakdown.as_deref(), lang)),
        out(r.numerator, count, min),
        out(r.denominator, count, min),
        out(r.value, Num::value(&r.unit), min),
        figure(words::cell(r.value, min, |v| {
            words::value(v, &r.unit, lang)
        })),
        text(words::unit(&r.indicator, &r.unit, lang)),
        out(r.baseline, Num::value(&r.unit), min),
        change(r.change, &r.unit, min),
        text(words::verdict_text(words::verdict(r), lang)),
        text(r.indicator.clone()),
        text(r.period.clone()),
        text(r.org_unit.clone()),
        text(r.breakdown.clone().unwrap_or_default()),
    ]);
    cells
}

/// The indicators a target's sheet shows: the target's own, and those that explain it.
pub fn companions(indicator: &str) -> Vec<String> {
    let mut out = vec![indicator.to_string()];
    match indicator {
        "abused_children" | "injured_children" | "injury_deaths" => {
            out.push(format!("{indicator}_per_100k"))
        }
        "abuse_intervention_timely_rate" => out.push("abuse_intervention_delay".into()),
        "report_timeliness" => out.push("report_days_late".into()),
        _ => {}
    }
    out
}

fn scorecard(contents: &Contents) -> Sheet {
    let (lang, min) = (contents.lang, contents.min_count());
    let h = contents.headers();
    let mut rows = Vec::new();
    for target in &contents.targets {
        let score = contents.score(&target.indicator);
        let unit = score.map_or("ratio", |s| s.unit.as_str());
        let mut row = vec![text(contents.indicator_name(&target.indicator))];
        match score {
            Some(s) => row.extend([
                out(s.value, Num::value(unit), min),
                figure(words::cell(s.value, min, |v| words::value(v, unit, lang))),
                text(words::unit(&target.indicator, unit, lang)),
                text(words::goal(&target.rule, unit, lang)),
                text(words::verdict_text(words::verdict(s), lang)),
                out(s.baseline, Num::value(unit), min),
                change(s.change, unit, min),
                out(s.numerator, Num::value(words::count_unit(unit)), min),
                out(s.denominator, Num::value(words::count_unit(unit)), min),
            ]),
            None => row.extend([
                Out::Empty,
                text(lang.pick("Chưa có số liệu", "No data")),
                Out::Empty,
                text(words::goal(&target.rule, unit, lang)),
                Out::Empty,
                Out::Empty,
                Out::Empty,
                Out::Empty,
                Out::Empty,
            ]),
        }
        // What is still missing to reach the goal (`indicators::distance`), as the page's
        // scorecard shows it: in children, officers or cases, or đồng for the fund.
        let shortfall = format!("{}{}", target.indicator, crate::columns::SHORTFALL);
        row.push(match contents.score(&shortfall) {
            Some(d) => out(d.value, Num::value(&d.unit), min),
            None => Out::Empty,
        });
        row.push(text(target.indicator.clone()));
        rows.push(row);
    }
    let period = contents
        .annual_period
        .as_deref()
        .map(|p| words::period(p, lang))
        .unwrap_or_default();
    Sheet {
        name: lang.pick("Đánh giá mục tiêu", "Scorecard").to_string(),
        title: format!(
            "{} — {}, {period}",
            lang.pick("Đánh giá thực hiện mục tiêu", "Targets of the plan"),
            contents.name(&contents.top.code)
        ),
        headers: vec![
            h.get("indicator"),
            h.get("value"),
            h.get("value_text"),
            h.get("unit"),
            h.get("goal"),
            h.get("met"),
            h.get("baseline"),
            h.get("change"),
            h.get("numerator"),
            h.get("denominator"),
            h.get("shortfall"),
            h.get("indicator_code"),
        ],
        rows,
        codes: 1,
    }
}

fn target_sheet(contents: &Contents, indicator: &str) -> Sheet {
    let shown = companions(indicator);
    let rows = contents
        .rows_of_year()
        .filter(|r| shown.contains(&r.indicator))
        .map(|r| indicator_row(contents, r, shown.len() > 1))
        .collect();
    Sheet {
        // Indicator codes are ASCII and at most 31 characters, as sheet names must be.
        name: indicator.chars().take(31).collect(),
        title: format!("{} — {}", contents.indicator_name(indicator), contents.year),
        headers: row_headers(contents, shown.len() > 1),
        rows,
        codes: ROW_CODES,
    }
}

fn all_indicators(contents: &Contents) -> Sheet {
    let lang = contents.lang;
    Sheet {
        name: lang.pick("Tất cả chỉ tiêu", "All indicators").to_string(),
        title: format!(
            "{} — {}",
            lang.pick("Toàn bộ chỉ tiêu năm", "Every indicator of"),
            contents.year
        ),
        headers: row_headers(contents, true),
        rows: contents
            .rows_of_year()
            .map(|r| indicator_row(contents, r, true))
            .collect(),
        codes: ROW_CODES,
    }
}

fn quality(contents: &Contents) -> Sheet {
    let lang = contents.lang;
    let h = contents.headers();
    let shown = |s: Shown| match s {
        Shown::Number(v, unit) => Out::Number(v, Num::value(&unit)),
        Shown::Label(l) => Out::Label(l),
        Shown::Empty => Out::Empty,
    };
    let rows = contents
        .findings
        .iter()
        .map(|f| {
            let (left, right) = contents.finding_values(f);
            let (left_unit, right_unit) = contents.finding_units(f);
            vec![
                text(words::check(&f.check, lang)),
                text(f.rule.clone()),
                text(words::severity(&f.severity, lang)),
                text(f.period.clone().unwrap_or_default()),
                text(
                    f.district
                        .as_deref()
                        .map(|d| contents.name(d))
                        .unwrap_or_default(),
                ),
                text(f.left_item.clone().unwrap_or_default()),
                shown(left),
                text(left_unit),
                text(f.right_item.clone().unwrap_or_default()),
                shown(right),
                text(right_unit),
                text(contents.finding_detail(f)),
                text(f.district.clone().unwrap_or_default()),
            ]
        })
        .collect();
    Sheet {
        name: lang.pick("Chất lượng số liệu", "Data quality").to_string(),
        title: lang
            .pick(
                "Kết quả kiểm tra chất lượng số liệu",
                "Data-quality findings",
            )
            .to_string(),
        headers: vec![
            h.get("check"),
            h.get("rule"),
            h.get("severity"),
            h.get("period"),
            h.get("district"),
            h.get("left"),
            h.get("left_value"),
            h.get("left_unit"),
            h.get("right"),
            h.get("right_value"),
            h.get("right_unit"),
            h.get("detail"),
            h.get("org_unit_code"),
        ],
        rows,
        codes: 1,
    }
}

/// The sheets of the workbook, in order.
/// The sheets in the workbook's order, each laid out only when asked for: a sheet is
/// written and dropped before the next is laid out.
fn sheets(contents: &Contents) -> impl Iterator<Item = Sheet> + '_ {
    let targets = contents
        .targets
        .iter()
        .map(|t| target_sheet(contents, &t.indicator));
    std::iter::once_with(|| scorecard(contents))
        .chain(targets)
        .chain(std::iter::once_with(|| all_indicators(contents)))
        .chain(std::iter::once_with(|| quality(contents)))
}

/// The widest a column of text grows, in characters; longer text wraps onto more lines.
/// Thirty keeps most indicator names to two lines, and the widest sheet (every indicator)
/// large enough to read when it is scaled to one A4 page across.
const MAX_TEXT: usize = 30;

/// A header wraps at its spaces, into no fewer than this many characters a line.
const HEADER_LINE: usize = 10;

/// The height of a line of 11-point text, in points (Excel's default row).
const LINE_HEIGHT: f64 = 15.0;

/// The height of the title row, in points.
const TITLE_HEIGHT: f64 = 21.0;

/// The width of a column showing `chars` characters, in Excel's units (the width of a
/// digit): Vietnamese text averages a little under a digit a character (0.83 in
/// LibreOffice's rendering), reckoned at 0.9 so a line surely holds what [`lines`] puts on
/// it; plus the cell's padding.
fn width(chars: usize) -> f64 {
    chars as f64 * 0.9 + 1.5
}

/// The characters an indent of one takes, set on left-aligned text so it does not run
/// into the number of the column to its left ("84,0 %%" for "84,0 %" then "%").
const INDENT: usize = 2;

/// The characters a header needs across: its longest word, or a short header whole.
fn header_chars(header: &str) -> usize {
    let longest = header
        .split_whitespace()
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0);
    longest.max(header.chars().count().min(HEADER_LINE))
}

/// The characters each column of `sheet` shows across: the widest of its header and its
/// cells, text no wider than [`MAX_TEXT`] (it wraps), numbers and labels whole (a number
/// does not wrap: too narrow a column shows "###").
fn column_chars(sheet: &Sheet, lang: Lang) -> Vec<usize> {
    let mut chars: Vec<usize> = sheet
        .headers
        .iter()
        .map(|h| header_chars(h) + INDENT)
        .collect();
    for row in &sheet.rows {
        for (col, cell) in row.iter().enumerate() {
            let needs = match cell {
                Out::Text(s) => s.chars().count().min(MAX_TEXT) + INDENT,
                Out::Figure(s) | Out::Label(s) => s.chars().count(),
                Out::Number(v, num) => num.text(*v, lang).chars().count(),
                Out::Empty => 0,
            };
            if let Some(w) = chars.get_mut(col) {
                *w = (*w).max(needs);
            }
        }
    }
    chars
}

/// The lines `s` takes in a column `across` characters wide, wrapped at spaces as a
/// spreadsheet wraps it (a word longer than a line is cut).
fn lines(s: &str, across: usize) -> usize {
    let across = across.max(1);
    s.split('\n')
        .map(|paragraph| {
            let (mut lines, mut line) = (1, 0);
            for word in paragraph.split_whitespace() {
                let n = word.chars().count();
                if line == 0 {
                    line = n;
                } else if line + 1 + n <= across {
                    line += 1 + n;
                } else {
                    lines += 1;
                    line = n;
                }
                while line > across {
                    lines += 1;
                    line -= across;
                }
            }
            lines
        })
        .sum()
}

/// The height a row of `texts` (one a column, None where nothing wraps) needs, when it
/// needs more than one line. Set by hand because neither Excel nor LibreOffice fits the
/// height of a row to its wrapped text when it opens a file.
fn row_height<'a>(texts: impl Iterator<Item = Option<&'a str>>, chars: &[usize]) -> Option<f64> {
    let most = texts
        .zip(chars)
        .filter_map(|(text, across)| Some(lines(text?, across.saturating_sub(INDENT))))
        .max()
        .unwrap_or(1);
    (most > 1).then_some(most as f64 * LINE_HEIGHT)
}

/// What a page of every sheet carries besides the cells.
struct Page {
    /// Left: the pack's title; right: the sheet's name (`&A`).
    header: String,
    /// Left: what `<5` and `x` mean, since a printed page has no footnote; right: page n
    /// of N.
    footer: String,
}

impl Page {
    fn of(contents: &Contents) -> Page {
        let lang = contents.lang;
        let min = contents.min_count();
        // `&` starts a control code in a header or footer; text writes it twice.
        let plain = |s: &str| s.replace('&', "&&");
        let legend = match lang {
            Lang::Vi => format!(
                "<{min}: từ 1 đến {} (không công bố); x: ẩn để không suy ra được ô <{min}",
                min.saturating_sub(1)
            ),
            Lang::En => format!(
                "<{min}: 1 to {} (not published); x: hidden so that no <{min} cell can be worked out",
                min.saturating_sub(1)
            ),
        };
        let pages = lang.pick("Trang &P/&N", "Page &P of &N");
        let header = format!("&L{}&R&A", plain(&contents.title()));
        let footer = format!("&L&8{}&R{pages}", plain(&legend));
        // rust_xlsxwriter drops, with only a line on stderr, a header or footer longer
        // than Excel's 255 characters: fall back to what always fits.
        let fits = |s: &String| s.chars().count() <= 255;
        Page {
            header: Some(header).filter(fits).unwrap_or_else(|| "&R&A".into()),
            footer: Some(footer)
                .filter(fits)
                .unwrap_or_else(|| format!("&R{pages}")),
        }
    }
}

/// Lays out the page of `ws`, whose last row is `last_row` and whose last printed column
/// is `last_col`.
fn set_up_page(
    ws: &mut Worksheet,
    page: &Page,
    last_row: u32,
    last_col: u16,
) -> Result<(), XlsxError> {
    // 9 is A4, the paper of every office in the province; Excel's default is US Letter.
    ws.set_paper_size(9);
    ws.set_landscape();
    // One page wide, as many tall as it takes (0: no limit).
    ws.set_print_fit_to_pages(1, 0);
    // Inches: narrow sides, so the columns print as large as they can.
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.25, 0.25);
    ws.set_header(&page.header);
    ws.set_footer(&page.footer);
    // The footer's legend stays legible however far the sheet is scaled down.
    ws.set_header_footer_scale_with_doc(false);
    ws.set_print_gridlines(true);
    // The title and the header row: on every printed page, and frozen on screen.
    ws.set_repeat_rows(0, 1)?;
    ws.set_freeze_panes(2, 0)?;
    ws.set_print_area(0, 0, last_row, last_col)?;
    Ok(())
}

fn write_sheet(
    workbook: &mut Workbook,
    sheet: &Sheet,
    page: &Page,
    lang: Lang,
) -> Result<(), XlsxError> {
    let title = Format::new().set_bold().set_font_size(13);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Left)
        .set_align(FormatAlign::Top)
        .set_indent(1)
        .set_background_color(0xDDE7F0)
        .set_border_bottom(FormatBorder::Thin);
    // Every cell sits at the top of its row, so a row with a wrapped name reads level.
    let wrapped = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Left)
        .set_align(FormatAlign::Top)
        .set_indent(1);
    let right = Format::new()
        .set_align(FormatAlign::Right)
        .set_align(FormatAlign::Top);
    let chars = column_chars(sheet, lang);
    // Rows go straight to a temporary file as they are written (cells in order, strings
    // inline) instead of all staying in memory until the workbook is saved: every
    // indicator of 3,321 communes is a sheet of a quarter of a million rows.
    let ws = workbook.add_worksheet_with_constant_memory();
    ws.set_name(&sheet.name)?;
    for (col, c) in chars.iter().enumerate() {
        ws.set_column_width(col as u16, width(*c))?;
    }
    ws.write_string_with_format(0, 0, &sheet.title, &title)?;
    // The default 15 points crowd 13-point bold text against the page's top line.
    ws.set_row_height(0, TITLE_HEIGHT)?;
    for (col, h) in sheet.headers.iter().enumerate() {
        ws.write_string_with_format(1, col as u16, *h, &header)?;
    }
    if let Some(height) = row_height(sheet.headers.iter().map(|h| Some(*h)), &chars) {
        ws.set_row_height(1, height)?;
    }
    let mut formats: Vec<(Num, Format)> = Vec::new();
    for (i, row) in sheet.rows.iter().enumerate() {
        let r = i as u32 + 2;
        for (col, cell) in row.iter().enumerate() {
            let c = col as u16;
            match cell {
                Out::Text(s) => {
                    ws.write_string_with_format(r, c, s, &wrapped)?;
                }
                Out::Figure(s) | Out::Label(s) => {
                    ws.write_string_with_format(r, c, s, &right)?;
                }
                Out::Number(v, num) => {
                    let format = match formats.iter().position(|(k, _)| k == num) {
                        Some(at) => &formats[at].1,
                        None => {
                            let format = Format::new()
                                .set_num_format(num.code(lang))
                                .set_align(FormatAlign::Top);
                            formats.push((*num, format));
                            &formats[formats.len() - 1].1
                        }
                    };
                    ws.write_number_with_format(r, c, *v, format)?;
                }
                Out::Empty => {}
            }
        }
        let texts = row.iter().map(|cell| match cell {
            Out::Text(s) => Some(s.as_str()),
            _ => None,
        });
        if let Some(height) = row_height(texts, &chars) {
            ws.set_row_height(r, height)?;
        }
    }
    let last_row = (sheet.rows.len() as u32 + 1).max(1);
    let printed = sheet.headers.len().saturating_sub(sheet.codes).max(1);
    set_up_page(ws, page, last_row, printed as u16 - 1)?;
    Ok(())
}

/// Writes the workbook to `path`.
pub fn write(contents: &Contents, path: &Path) -> Result<(), Error> {
    let failed = |e: XlsxError| Error::write(path, std::io::Error::other(e.to_string()));
    let mut workbook = Workbook::new();
    let page = Page::of(contents);
    for sheet in sheets(contents) {
        write_sheet(&mut workbook, &sheet, &page, contents.lang).map_err(failed)?;
    }
    workbook.save(path).map_err(failed)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::io::Read;

    use calamine::{open_workbook, Data, Reader, Xlsx};

    use super::*;
    use crate::pack::fixture;

    /// Every sheet of the written workbook: name and cells.
    fn read_back(contents: &Contents) -> Vec<(String, Vec<Vec<Data>>)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("indicators.xlsx");
        write(contents, &path).unwrap();
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        book.sheet_names()
            .into_iter()
            .map(|name| {
                let range = book.worksheet_range(&name).unwrap();
                let rows = range.rows().map(|r| r.to_vec()).collect();
                (name, rows)
            })
            .collect()
    }

    /// The row of `sheet` whose code columns name (indicator, org_unit, breakdown) in 2021.
    fn row<'a>(
        sheet: &'a [Vec<Data>],
        indicator: &str,
        org_unit: &str,
        breakdown: &str,
    ) -> &'a [Data] {
        let header = &sheet[1];
        let at = |name: &str| {
            header
                .iter()
                .position(|h| h == &Data::String(name.into()))
                .unwrap()
        };
        let (i, p, o, b) = (
            at("Mã chỉ tiêu"),
            at("Mã kỳ"),
            at("Mã đơn vị"),
            at("Mã phân tổ"),
        );
        let s = |d: &Data| d.to_string();
        sheet[2..]
            .iter()
            .find(|r| {
                s(&r[i]) == indicator
                    && s(&r[p]) == "2021"
                    && s(&r[o]) == org_unit
                    && s(&r[b]) == breakdown
            })
            .unwrap()
    }

    fn column(sheet: &[Vec<Data>], name: &str) -> usize {
        sheet[1]
            .iter()
            .position(|h| h == &Data::String(name.into()))
            .unwrap()
    }

    #[test]
    fn suppressed_cells_are_labels_true_zeros_are_zero_and_numbers_read_vietnamese() {
        let contents = fixture::contents(Lang::Vi);
        let book = read_back(&contents);
        let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Đánh giá mục tiêu",
                "special_support_rate",
                "abused_children",
                "fund_raised_vnd",
                "Tất cả chỉ tiêu",
                "Chất lượng số liệu"
            ]
        );
        let sheet = &book[2].1;
        let value = column(sheet, "Giá trị");
        let text = column(sheet, "Giá trị (như in)");
        let numerator = column(sheet, "Tử số");
        let change = column(sheet, "Thay đổi so với năm gốc");
        // 622's 3 abused children: "<5" in every column that held the count.
        let r = row(sheet, "abused_children", "622", "");
        assert_eq!(r[value], Data::String("<5".into()));
        assert_eq!(r[numerator], Data::String("<5".into()));
        assert_eq!(r[text], Data::String("<5".into()));
        assert_eq!(r[change], Data::String("x".into()), "6 − 3 would give it");
        assert!(
            !r.contains(&Data::Float(3.0)),
            "the true 3 is nowhere in the row: {r:?}"
        );
        // 624's 9: hidden so 622 cannot be had as 12 − 0 − 9.
        let r = row(sheet, "abused_children", "624", "");
        assert_eq!(r[value], Data::String("x".into()));
        // 623's true zero stays a number.
        let r = row(sheet, "abused_children", "623", "");
        assert_eq!(r[value], Data::Float(0.0));
        assert_eq!(r[text], Data::String("0".into()));
        // The province's rate, as a number and as printed.
        let rates = &book[1].1;
        let r = row(rates, "special_support_rate", "64", "");
        assert_eq!(r[column(rates, "Giá trị")], Data::Float(5419.0 / 5518.0));
        assert_eq!(
            r[column(rates, "Giá trị (như in)")],
            Data::String("98,2 %".into())
        );
        assert_eq!(r[column(rates, "Tử số")], Data::Float(5419.0));
        assert_eq!(
            r[column(rates, "Đơn vị")],
            Data::String("Tỉnh Gia Lai".into())
        );
        // The scorecard.
        let card = &book[0].1;
        assert_eq!(card[1][0], Data::String("Chỉ tiêu".into()));
        let support = card
            .iter()
            .find(|r| r.last() == Some(&Data::String("special_support_rate".into())))
            .unwrap();
        let at = |name| column(card, name);
        assert_eq!(
            support[at("Giá trị (như in)")],
            Data::String("98,2 %".into())
        );
        assert_eq!(support[at("Mục tiêu")], Data::String("≥ 98,5 %".into()));
        assert_eq!(support[at("Đánh giá")], Data::String("Không đạt".into()));
        let fund = card
            .iter()
            .find(|r| r.last() == Some(&Data::String("fund_raised_vnd".into())))
            .unwrap();
        assert_eq!(
            fund[at("Giá trị (như in)")],
            Data::String("3.486.900.000".into())
        );
    }

    #[test]
    fn data_quality_values_under_min_count_are_labels() {
        let book = read_back(&fixture::contents(Lang::Vi));
        let (name, sheet) = book.last().unwrap();
        assert_eq!(name, "Chất lượng số liệu");
        let (left, right) = (column(sheet, "Giá trị"), column(sheet, "Giá trị so sánh"));
        let form = sheet[2..]
            .iter()
            .find(|r| r.contains(&Data::String("abused_supported_within_abused".into())))
            .unwrap();
        assert_eq!(form[left], Data::String("<5".into()));
        assert_eq!(form[right], Data::String("<5".into()));
        assert_eq!(
            form[column(sheet, "Huyện")],
            Data::String("Huyện Chư Sê".into())
        );
        let gap = sheet[2..]
            .iter()
            .find(|r| r.contains(&Data::String("B1.02_vs_registry".into())))
            .unwrap();
        assert_eq!(
            (&gap[left], &gap[right]),
            (&Data::Float(218.0), &Data::Float(0.0))
        );
    }

    #[test]
    fn units_name_what_is_counted_children_cases_or_dong() {
        let book = read_back(&fixture::contents(Lang::Vi));
        let all = &book[4].1;
        let unit = column(all, "Đơn vị tính");
        assert_eq!(
            row(all, "abused_children", "64", "")[unit],
            Data::String("người".into())
        );
        assert_eq!(
            row(all, "special_support_rate", "64", "")[unit],
            Data::String("%".into())
        );
        assert_eq!(
            row(all, "fund_raised_vnd", "64", "")[unit],
            Data::String("đồng".into())
        );
        let card = &book[0].1;
        let fund = card
            .iter()
            .find(|r| r.last() == Some(&Data::String("fund_raised_vnd".into())))
            .unwrap();
        assert_eq!(
            fund[column(card, "Đơn vị tính")],
            Data::String("đồng".into())
        );
        // Data quality: each value in its form item's unit; 12 children against 9 cases.
        let quality = &book[5].1;
        let (left, right) = (
            column(quality, "Đơn vị tính"),
            column(quality, "Đơn vị tính (so sánh)"),
        );
        let cases = quality[2..]
            .iter()
            .find(|r| r.contains(&Data::String("abused_children_within_cases".into())))
            .unwrap();
        assert_eq!(cases[left], Data::String("người".into()));
        assert_eq!(cases[right], Data::String("vụ".into()));
        // The software's count a source gap is compared with is of the same children.
        let gap = quality[2..]
            .iter()
            .find(|r| r.contains(&Data::String("B1.02_vs_registry".into())))
            .unwrap();
        assert_eq!(
            (&gap[left], &gap[right]),
            (&"người".into(), &"người".into())
        );
        let book = read_back(&fixture::contents(Lang::En));
        let quality = &book[5].1;
        let cases = quality[2..]
            .iter()
            .find(|r| r.contains(&Data::String("abused_children_within_cases".into())))
            .unwrap();
        assert!(cases.contains(&"person".into()) && cases.contains(&"case".into()));
    }

    /// The parts of the written workbook: path inside the zip → XML.
    fn parts(contents: &Contents) -> BTreeMap<String, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("indicators.xlsx");
        write(contents, &path).unwrap();
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut part = zip.by_index(i).unwrap();
                let mut xml = String::new();
                part.read_to_string(&mut xml).unwrap();
                (part.name().to_string(), xml)
            })
            .collect()
    }

    /// The first `<tag …>` of `xml`, attributes and all.
    fn element<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
        // `<row r="3" ht="30">` or, with no more attributes, `<row r="3">`.
        let start = [" ", ">"]
            .iter()
            .filter_map(|end| xml.find(&format!("<{tag}{end}")))
            .min()?;
        let end = start + xml[start..].find('>')?;
        Some(&xml[start..=end])
    }

    /// The value of `name` in an element.
    fn attr<'a>(element: &'a str, name: &str) -> Option<&'a str> {
        let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = start + element[start..].find('"')?;
        Some(&element[start..end])
    }

    /// The worksheet parts in the workbook's order (rust_xlsxwriter names them so).
    fn worksheets(parts: &BTreeMap<String, String>) -> Vec<&String> {
        (1..)
            .map_while(|i| parts.get(&format!("xl/worksheets/sheet{i}.xml")))
            .collect()
    }

    #[test]
    fn every_sheet_prints_on_a4_landscape_one_page_wide_with_its_headers_on_each_page() {
        let contents = fixture::contents(Lang::Vi);
        let parts = parts(&contents);
        let sheets = worksheets(&parts);
        assert_eq!(sheets.len(), 6);
        let workbook = &parts["xl/workbook.xml"];
        for (i, xml) in sheets.iter().enumerate() {
            let setup = element(xml, "pageSetup").expect("a page setup");
            assert_eq!(attr(setup, "paperSize"), Some("9"), "A4: sheet {i}");
            assert_eq!(attr(setup, "orientation"), Some("landscape"), "sheet {i}");
            // One page wide (1 is the file format's default, so it may go unwritten) and
            // as many tall as it takes.
            assert_eq!(attr(setup, "fitToWidth").unwrap_or("1"), "1", "sheet {i}");
            assert_eq!(attr(setup, "fitToHeight"), Some("0"), "sheet {i}");
            let fit = element(xml, "pageSetUpPr").expect("fit to page");
            assert_eq!(attr(fit, "fitToPage"), Some("1"), "sheet {i}");
            // Frozen below the title and the header row.
            let pane = element(xml, "pane").expect("a frozen pane");
            assert_eq!(attr(pane, "ySplit"), Some("2"), "sheet {i}");
            assert_eq!(attr(pane, "state"), Some("frozen"), "sheet {i}");
            // The sheet's name in the header, page n of N in the footer.
            assert!(xml.contains("<oddHeader>") && xml.contains("&amp;A</oddHeader>"));
            let footer = &xml[xml.find("<oddFooter>").unwrap()..];
            assert!(
                footer.contains("Trang &amp;P/&amp;N"),
                "sheet {i}: {footer}"
            );
            assert!(footer.contains("&lt;5: từ 1 đến 4"), "sheet {i}: {footer}");
            // The title and header rows repeat on every printed page.
            let titles = format!("<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{i}\">");
            let at = workbook
                .find(&titles)
                .unwrap_or_else(|| panic!("sheet {i}"));
            let range = &workbook[at + titles.len()..];
            assert!(
                range[..range.find('<').unwrap()].ends_with("!$1:$2"),
                "{range}"
            );
        }
        // The print area stops before the code columns: the scorecard's three targets in
        // A1:K5 (its codes in L), every indicator's rows in A1:L{n} (codes in M to P).
        let area = |sheet: &str| {
            let name = "<definedName name=\"_xlnm.Print_Area\"";
            workbook
                .match_indices(name)
                .map(|(at, _)| &workbook[at..at + workbook[at..].find("</").unwrap()])
                .find(|d| d.contains(sheet))
                .map(|d| d[d.rfind('!').unwrap() + 1..].to_string())
        };
        assert_eq!(area("'Đánh giá mục tiêu'").as_deref(), Some("$A$1:$K$5"));
        assert_eq!(area("'Tất cả chỉ tiêu'").as_deref(), Some("$A$1:$L$8"));
        assert_eq!(area("'Chất lượng số liệu'").as_deref(), Some("$A$1:$L$5"));
    }

    #[test]
    fn columns_fit_their_content_and_long_names_wrap_onto_taller_rows() {
        let parts = parts(&fixture::contents(Lang::Vi));
        let all = worksheets(&parts)[4];
        let widths: Vec<f64> = all
            .match_indices("<col ")
            .map(|(at, _)| attr(&all[at..], "width").unwrap().parse().unwrap())
            .collect();
        // Widths are stored as whole pixels: within one unit of what was asked.
        let widest = width(MAX_TEXT + INDENT) + 1.0;
        assert!(!widths.is_empty());
        for w in &widths {
            assert!(*w <= widest, "{widths:?}");
        }
        // Column A holds the indicator names, the longest of which wraps: as wide as the
        // widest text may be, not 60 characters as before.
        assert!(widths[0] > widest - 2.0, "{widths:?}");
        // Row 3 (the abused children of 64: a short name) keeps its height; the support
        // rate's name ("Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp") takes two lines.
        let row = |r: u32| element(all, &format!("row r=\"{r}\"")).map(str::to_string);
        assert_eq!(row(1).as_deref().and_then(|r| attr(r, "ht")), Some("21"));
        let short = row(3).unwrap();
        assert_eq!(attr(&short, "ht"), None, "{short}");
        let support = (3..9)
            .filter_map(row)
            .find(|r| attr(r, "ht") == Some("30"))
            .expect("a row two lines tall");
        assert_eq!(attr(&support, "customHeight"), Some("1"));
    }

    #[test]
    fn the_scorecard_says_what_is_still_missing_to_reach_each_goal() {
        // 5,419 of 5,518 supported against ≥ 98,5 %: ⌈0,985 × 5.518 − 5.419⌉ = 17 children
        // more, a distance row of the indicators table.
        use crate::columns as c;
        let mut contents = fixture::contents(Lang::Vi);
        let distance = polars::df!(
            c::INDICATOR => ["special_support_rate_shortfall"],
            c::PERIOD => ["2021"],
            c::ORG_UNIT => ["64"],
            c::LEVEL => ["province"],
            c::BREAKDOWN => [None::<&str>],
            c::NUMERATOR => [None::<f64>],
            c::DENOMINATOR => [None::<f64>],
            c::VALUE => [Some(17.0)],
            c::UNIT => ["count"],
            c::BASELINE => [None::<f64>],
            c::BASELINE_NUMERATOR => [None::<f64>],
            c::BASELINE_DENOMINATOR => [None::<f64>],
            c::CHANGE => [None::<f64>],
            c::TARGET => [None::<&str>],
            c::TARGET_MET => [None::<bool>],
        )
        .unwrap();
        let table = fixture::table().vstack(&distance).unwrap();
        contents.published = crate::disclosure::Published::publish(&table, 5).unwrap();
        let book = read_back(&contents);
        let scorecard = &book[0].1;
        let at = column(scorecard, "Còn thiếu so với mục tiêu");
        // The code of the indicator ends each row.
        let by_code = |code: &str| {
            scorecard[2..]
                .iter()
                .find(|r| r.last() == Some(&Data::String(code.into())))
                .unwrap()
        };
        assert_eq!(by_code("special_support_rate")[at], Data::Float(17.0));
        // The fund's target has no distance row here: an empty cell, never a 0.
        assert_eq!(by_code("fund_raised_vnd")[at], Data::Empty);
    }

    #[test]
    fn a_change_of_a_rate_reads_in_percentage_points() {
        let contents = fixture::contents(Lang::Vi);
        let book = read_back(&contents);
        let rates = &book[1].1;
        let r = row(rates, "special_support_rate", "64", "");
        let change = 5419.0 / 5518.0 - 5211.0 / 5372.0;
        let at = column(rates, "Thay đổi so với năm gốc");
        // The cell holds points, 1,2, not the fraction 0,012 a `%` format would show.
        let Data::Float(points) = r[at] else {
            panic!("{:?}", r[at])
        };
        assert!((points - change * 100.0).abs() < 1e-9, "{points}");
        // And its format says so: "+1,2 điểm %", never "+1,2 %".
        let parts = parts(&contents);
        let sheet = worksheets(&parts)[1];
        let cell = format!("c r=\"{}{}\"", (b'A' + at as u8) as char, 3);
        let style: usize = attr(element(sheet, &cell).unwrap(), "s")
            .unwrap()
            .parse()
            .unwrap();
        let styles = &parts["xl/styles.xml"];
        let xfs = &styles[styles.find("<cellXfs").unwrap()..];
        let xf = xfs.match_indices("<xf ").nth(style).unwrap().0;
        let id = attr(&xfs[xf..], "numFmtId").unwrap();
        let format = element(styles, &format!("numFmt numFmtId=\"{id}\"")).unwrap();
        assert_eq!(
            attr(format, "formatCode"),
            Some("+0.0&quot; điểm %&quot;;-0.0&quot; điểm %&quot;;0.0&quot; điểm %&quot;")
        );
        let parts = self::parts(&fixture::contents(Lang::En));
        assert!(parts["xl/styles.xml"].contains("+0.0&quot; pp&quot;"));
    }

    #[test]
    fn nothing_but_the_cells_holds_data_no_comment_hidden_cell_or_stray_name() {
        let parts = parts(&fixture::contents(Lang::Vi));
        assert!(
            !parts
                .keys()
                .any(|p| p.contains("comments") || p.contains("vml")),
            "{:?}",
            parts.keys()
        );
        for (name, xml) in &parts {
            assert!(!xml.contains("hidden=\"1\""), "{name} hides something");
            assert!(!xml.contains("state=\"hidden\""), "{name} hides a sheet");
        }
        // The only defined names are the print titles and areas, ranges of the sheets.
        let workbook = &parts["xl/workbook.xml"];
        let names: Vec<&str> = workbook
            .match_indices("<definedName name=\"")
            .map(|(at, _)| {
                let rest = &workbook[at + 19..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect();
        assert_eq!(names.len(), 12, "{names:?}");
        assert!(names
            .iter()
            .all(|n| *n == "_xlnm.Print_Titles" || *n == "_xlnm.Print_Area"));
    }

    #[test]
    fn english_headers_with_lang_en() {
        let book = read_back(&fixture::contents(Lang::En));
        assert_eq!(book[0].0, "Scorecard");
        assert_eq!(book[0].1[1][0], Data::String("Indicator".into()));
        let card = &book[0].1;
        let support = card
            .iter()
            .find(|r| r.last() == Some(&Data::String("special_support_rate".into())))
            .unwrap();
        assert_eq!(support[2], Data::String("98.2 %".into()));
    }
}
