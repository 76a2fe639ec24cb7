//! `index.html`: the pack's front page — title, the scorecard, the charts, the way into the
//! full indicator tables, the data-quality summary and what the pack was built from.
//!
//! It must open from a USB stick on an office computer with no network, and open at once
//! at any scale: the CSS is inline, there is no script and no web font, every link or
//! image points at a file inside the pack (`charts/…`, `tables/…`, `indicators.xlsx`),
//! and the full tables — 60,000 rows at national scope — are on pages of their own, one
//! per parent unit (`tables.rs`), linked by unit and by indicator. The page is written
//! with `format!` and one escaping function, [`escape`], through which every piece of
//! text passes. Each indicator row (on the table pages) carries its key in
//! `data-key="indicator|period|org_unit|breakdown"` so tests (and a curious reader) can
//! match a row of a page to a row of the table; the cells of a row follow
//! [`ROW_COLUMNS`]. Scorecard rows carry the same key in `data-score`.

use std::fmt::Write;

use super::tables::{self, TablePage};
use super::words;
use super::{Contents, Shown};
use crate::disclosure::{Cell, PublishedRow};
use crate::text::Lang;

/// The cells of an indicator row of the page, in order (keys of [`Headers`]).
pub const ROW_COLUMNS: [&str; 9] = [
    "period",
    "org_unit",
    "breakdown",
    "numerator",
    "denominator",
    "value",
    "baseline",
    "change",
    "met",
];

/// Text made safe for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The key a row carries in `data-key`.
pub fn row_key(indicator: &str, period: &str, org_unit: &str, breakdown: Option<&str>) -> String {
    format!(
        "{indicator}|{period}|{org_unit}|{}",
        breakdown.unwrap_or_default()
    )
}

/// The pages' style sheet, inline in every page of the pack.
pub const STYLE: &str = "
body { font-family: 'Segoe UI', Arial, 'Noto Sans', sans-serif; margin: 2em auto; max-width: 70em; color: #1a1a1a; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { border-bottom: 2px solid #3a6b99; padding-bottom: .2em; margin-top: 2em; }
nav a { margin-right: 1em; }
table { border-collapse: collapse; margin: .5em 0 1em; font-size: .92em; }
th, td { border: 1px solid #c8d3de; padding: .25em .6em; vertical-align: top; }
th { background: #dde7f0; text-align: left; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.sup { color: #8a4b00; background: #fff6e5; }
tr.top td { font-weight: 600; }
.met { color: #1b6e20; } .notmet { color: #a11d1d; }
.note { font-size: .9em; color: #444; }
figure { display: inline-block; margin: 0 1em 1.5em 0; vertical-align: top; }
figure img { width: 32em; max-width: 100%; height: auto; border: 1px solid #ddd; }
ul.units { columns: 3 18em; padding-left: 1.2em; } ul.units li { break-inside: avoid; }
details { margin: .4em 0; } summary { cursor: pointer; font-weight: 600; }
code { font-size: .85em; word-break: break-all; }
@media print { nav, summary { display: none; } details { display: block; } h2 { page-break-before: auto; } }
";

/// A section of the page: its anchor, its name in the navigation bar, and its writer.
struct Section {
    id: &'static str,
    nav: (&'static str, &'static str),
    write: fn(&mut String, &Contents, &[TablePage]),
}

/// The page's sections, in order. The navigation is made from the same list; a section
/// with nothing to show (no distance rows, no unit to send feedback to) writes nothing and
/// gets no link.
const SECTIONS: [Section; 7] = [
    Section {
        id: "scorecard",
        nav: ("Mục tiêu", "Targets"),
        write: |page, contents, _| scorecard(page, contents),
    },
    Section {
        id: "distance",
        nav: ("Khoảng cách", "Distance"),
        write: |page, contents, _| distances(page, contents),
    },
    Section {
        id: "charts",
        nav: ("Biểu đồ", "Charts"),
        write: |page, contents, _| charts(page, contents),
    },
    Section {
        id: "indicators",
        nav: ("Bảng chỉ tiêu", "Indicator tables"),
        write: indicators,
    },
    Section {
        id: "quality",
        nav: ("Chất lượng số liệu", "Data quality"),
        write: |page, contents, _| quality(page, contents),
    },
    Section {
        id: "sources",
        nav: ("Nguồn", "Sources"),
        write: |page, contents, _| sources(page, contents),
    },
    Section {
        id: "feedback",
        nav: ("Phản hồi", "Feedback"),
        write: |page, contents, _| feedback(page, contents),
    },
];

/// The page; `pages` are the table pages it links to ([`tables::pages`]).
pub fn render(contents: &Contents, pages: &[TablePage]) -> String {
    let lang = contents.lang;
    let title = escape(&contents.title());
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n",
        lang.code()
    );
    let _ = writeln!(
        page,
        "<p class=\"note\">{} <a href=\"indicators.xlsx\">indicators.xlsx</a>.</p>",
        escape(lang.pick(
            "Số liệu đã qua kiểm soát công bố: không số liệu nhỏ nào có thể nhận diện một trẻ em. Bảng tính đầy đủ:",
            "Disclosure-controlled figures: no small count can identify a child. Full workbook:"
        ))
    );
    let mut nav = String::new();
    let mut body = String::new();
    for section in &SECTIONS {
        let before = body.len();
        (section.write)(&mut body, contents, pages);
        if body.len() > before {
            let _ = write!(
                nav,
                "<a href=\"#{}\">{}</a>",
                section.id,
                escape(lang.pick(section.nav.0, section.nav.1))
            );
        }
    }
    let _ = writeln!(page, "<nav>{nav}</nav>");
    page.push_str(&body);
    page.push_str("</body>\n</html>\n");
    page
}

/// A `<td>` of a published cell: right-aligned, marked when suppressed.
fn td(cell: Cell, min_count: u32, show: impl Fn(f64) -> String) -> String {
    let class = if cell.is_suppressed() {
        "num sup"
    } else {
        "num"
    };
    format!(
        "<td class=\"{class}\">{}</td>",
        escape(&words::cell(cell, min_count, show))
    )
}

fn verdict_td(met: Option<bool>, lang: Lang) -> String {
    let class = match met {
        Some(true) => " class=\"met\"",
        Some(false) => " class=\"notmet\"",
        None => "",
    };
    format!("<td{class}>{}</td>", escape(words::verdict_text(met, lang)))
}

fn scorecard(page: &mut String, contents: &Contents) {
    let lang = contents.lang;
    let h = contents.headers();
    let period = contents
        .annual_period
        .as_deref()
        .map(|p| words::period(p, lang))
        .unwrap_or_default();
    let _ = writeln!(
        page,
        "<section id=\"scorecard\">\n<h2>{} — {}</h2>\n<table>\n<thead><tr>{}</tr></thead>\n<tbody>",
        escape(lang.pick("Đánh giá thực hiện mục tiêu", "Targets of the plan")),
        escape(&format!("{}, {period}", contents.name(&contents.top.code))),
        ["indicator", "value", "goal", "met", "baseline", "change", "shortfall"]
            .map(|k| format!("<th>{}</th>", escape(h.get(k))))
            .concat()
    );
    for target in &contents.targets {
        page.push_str(&score_row(contents, target));
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

/// One row of the scorecard: the target's indicator, the top unit's value, the goal,
/// met or not, the baseline and the change — the one place a scorecard row is written.
fn score_row(contents: &Contents, target: &crate::config::Target) -> String {
    let (lang, min) = (contents.lang, contents.min_count());
    let score = contents.score(&target.indicator);
    let unit = score.map_or("ratio", |s| s.unit.as_str());
    let name = escape(&contents.indicator_name(&target.indicator));
    let goal = escape(&words::goal(&target.rule, unit, lang));
    let key = escape(&row_key(
        &target.indicator,
        contents.annual_period.as_deref().unwrap_or_default(),
        &contents.top.code,
        None,
    ));
    // What is still missing to reach the goal (`indicators::distance`), in its own unit.
    let shortfall = contents
        .score(&format!(
            "{}{}",
            target.indicator,
            crate::columns::SHORTFALL
        ))
        .map(|d| td(d.value, min, |v| words::value(v, &d.unit, lang)))
        .unwrap_or_else(|| "<td></td>".to_string());
    match score {
        Some(s) => format!(
            "<tr data-score=\"{key}\"><td>{name}</td>{}<td>{goal}</td>{}{}{}{shortfall}</tr>\n",
            td(s.value, min, |v| words::value(v, unit, lang)),
            verdict_td(words::verdict(s), lang),
            td(s.baseline, min, |v| words::value(v, unit, lang)),
            td(s.change, min, |v| words::change(v, unit, lang)),
        ),
        None => format!(
            "<tr><td>{name}</td><td>{}</td><td>{goal}</td><td></td><td></td><td></td><td></td></tr>\n",
            escape(lang.pick("Chưa có số liệu", "No data"))
        ),
    }
}

/// The distance to every target (`indicators::distance`) for the top unit, in each period
/// of the year: what is still missing, and for a part-year period where its pace leads.
fn distances(page: &mut String, contents: &Contents) {
    let (lang, min) = (contents.lang, contents.min_count());
    let rows: Vec<_> = contents
        .rows_of_year()
        .filter(|r| r.org_unit == contents.top.code && r.breakdown.is_none())
        .filter(|r| crate::columns::distance_of(&r.indicator).is_some())
        .collect();
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        page,
        "<section id=\"distance\">\n<h2>{}</h2>\n<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
        escape(lang.pick("Khoảng cách đến mục tiêu", "Distance to the targets")),
        escape(lang.pick("Kỳ báo cáo", "Period")),
        escape(lang.pick("Chỉ tiêu", "Indicator")),
        escape(lang.pick("Giá trị", "Value")),
    );
    for r in rows {
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td>{}</td>{}</tr>",
            escape(&words::period(&r.period, lang)),
            escape(&contents.indicator_name(&r.indicator)),
            td(r.value, min, |v| words::value(v, &r.unit, lang)),
        );
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

/// Links to the feedback workbook of each unit below the top (`../feedback/`, written by
/// the report step beside the pack in the output folder).
fn feedback(page: &mut String, contents: &Contents) {
    let lang = contents.lang;
    let mut units: Vec<&str> = contents
        .published
        .rows()
        .iter()
        .filter(|r| r.level == contents.top.child_level && r.org_unit != contents.top.code)
        .map(|r| r.org_unit.as_str())
        .collect();
    units.sort();
    units.dedup();
    if units.is_empty() {
        return;
    }
    let _ = writeln!(
        page,
        "<section id=\"feedback\">\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n<ul>",
        escape(lang.pick("Phản hồi cho các đơn vị", "Feedback to the units")),
        escape(lang.pick(
            "Danh sách cần sửa và gửi lại của từng đơn vị (tình trạng báo cáo, lỗi biểu mẫu, chênh lệch số liệu, dòng bị loại), trong thư mục feedback/ cạnh gói này.",
            "What each unit should fix and resend (report status, form rules, source gaps, rejected rows), in the feedback/ folder beside this pack."
        )),
    );
    for unit in units {
        let name = contents.name(unit);
        let file = crate::store::layout::feedback_file(unit, &name);
        let _ = writeln!(
            page,
            "<li><a href=\"../feedback/{}\">{}</a></li>",
            escape(&file),
            escape(&name)
        );
    }
    page.push_str("</ul>\n</section>\n");
}

fn charts(page: &mut String, contents: &Contents) {
    let lang = contents.lang;
    let _ = writeln!(
        page,
        "<section id=\"charts\">\n<h2>{}</h2>",
        escape(lang.pick("Biểu đồ", "Charts"))
    );
    if contents.charts.is_empty() {
        let _ = writeln!(
            page,
            "<p class=\"note\">{}</p>",
            escape(lang.pick("Gói này chưa có biểu đồ.", "This pack holds no charts."))
        );
    }
    for chart in &contents.charts {
        let svg = escape(&chart.svg);
        let name = escape(
            chart
                .svg
                .trim_start_matches("charts/")
                .trim_end_matches(".svg"),
        );
        let png = match &chart.png {
            Some(png) => format!(
                " · <a href=\"{}\">{}</a>",
                escape(png),
                escape(lang.pick("PNG để in", "PNG for print"))
            ),
            None => String::new(),
        };
        let _ = writeln!(
            page,
            "<figure><img src=\"{svg}\" alt=\"{name}\"><figcaption>{name} · <a href=\"{svg}\">SVG</a>{png}</figcaption></figure>"
        );
    }
    page.push_str("</section>\n");
}

/// One indicator row of a table page, its cells in [`ROW_COLUMNS`] order.
pub fn indicator_row(contents: &Contents, r: &PublishedRow) -> String {
    let (lang, min) = (contents.lang, contents.min_count());
    let count_unit = words::count_unit(&r.unit);
    // The top unit's rows (the province, or the country) stand out, whatever its level.
    let class = if r.org_unit == contents.top.code {
        " class=\"top\""
    } else {
        ""
    };
    format!(
        "<tr data-key=\"{}\"{class}><td>{}</td><td>{}</td><td>{}</td>{}{}{}{}{}{}</tr>\n",
        escape(&row_key(
            &r.indicator,
            &r.period,
            &r.org_unit,
            r.breakdown.as_deref()
        )),
        escape(&words::period(&r.period, lang)),
        escape(&contents.name(&r.org_unit)),
        escape(&words::breakdown(r.breakdown.as_deref(), lang)),
        td(r.numerator, min, |v| words::value(v, count_unit, lang)),
        td(r.denominator, min, |v| words::value(v, count_unit, lang)),
        td(r.value, min, |v| words::value(v, &r.unit, lang)),
        baseline_td(r, min, lang),
        td(r.change, min, |v| words::change(v, &r.unit, lang)),
        verdict_td(words::verdict(r), lang),
    )
}

/// The baseline's cell, marked "≈" where it was recomputed on the units of a reform with
/// communes split between new ones allocated: not exactly comparable.
fn baseline_td(r: &PublishedRow, min: u32, lang: Lang) -> String {
    let cell = td(r.baseline, min, |v| words::value(v, &r.unit, lang));
    match r.comparable {
        Some(false) => cell.replacen(
            "</td>",
            &format!(
                " <span class=\"approx\" title=\"{}\">≈</span></td>",
                lang.pick(NOT_COMPARABLE_VI, NOT_COMPARABLE_EN)
            ),
            1,
        ),
        _ => cell,
    }
}

const NOT_COMPARABLE_VI: &str =
    "Không so sánh được hoàn toàn: số năm gốc tính theo đơn vị hành chính cũ, \
     có xã bị chia tách khi sắp xếp năm 2025 được phân bổ theo quy tắc trong tệp pipeline";
const NOT_COMPARABLE_EN: &str =
    "Not exactly comparable: the baseline was counted under the old units, \
     and communes split by the 2025 reform were allocated by the pipeline file's rule";

/// The note under the indicator table when some baseline is marked "≈".
pub fn comparability_note(contents: &Contents) -> String {
    if !contents
        .published
        .rows()
        .iter()
        .any(|r| r.comparable == Some(false))
    {
        return String::new();
    }
    let lang = contents.lang;
    format!(
        "<p class=\"note\"><b>≈</b> {}.</p>\n",
        lang.pick(NOT_COMPARABLE_VI, NOT_COMPARABLE_EN)
    )
}

/// What `<5` and `x` mean, above every table of figures.
pub fn suppression_note(contents: &Contents) -> String {
    let min = contents.min_count();
    match contents.lang {
        Lang::Vi => format!(
            "Ô ghi <b>&lt;{min}</b>: số trẻ em (hoặc số vụ việc) từ 1 đến {} không được công bố để không trẻ em nào bị nhận diện; \
             ô ghi <b>x</b>: số liệu được ẩn vì có thể suy ra một ô &lt;{min} (bằng phép trừ từ tổng, hoặc vì là tỷ lệ tính trên số nhỏ). \
             Số 0 là số 0 thật.",
            min - 1
        ),
        Lang::En => format!(
            "<b>&lt;{min}</b>: a count of children (or cases) from 1 to {} is not published, so that no child can be identified; \
             <b>x</b>: hidden because it would give away a &lt;{min} cell (by subtraction from a total, or as a rate built on a small count). \
             A 0 is a true zero.",
            min - 1
        ),
    }
}

/// The way into the full tables: a page per parent unit, and every indicator of the year
/// on the top unit's page.
fn indicators(page: &mut String, contents: &Contents, pages: &[TablePage]) {
    let lang = contents.lang;
    let _ = writeln!(
        page,
        "<section id=\"indicators\">\n<h2>{} {}</h2>\n<p class=\"note\" id=\"suppression\">{}</p>\n<p>{}</p>",
        escape(lang.pick("Bảng chỉ tiêu năm", "Indicators of")),
        contents.year,
        suppression_note(contents),
        escape(lang.pick(
            "Mỗi trang một đơn vị và các đơn vị trực thuộc, với bộ lọc theo đơn vị và chỉ tiêu; tất cả cũng có trong indicators.xlsx.",
            "A page per unit with the units under it, with a filter by unit and by indicator; all of them are in indicators.xlsx too."
        ))
    );
    let _ = writeln!(
        page,
        "<h3>{}</h3>\n<ul class=\"units\">",
        escape(lang.pick("Theo đơn vị", "By unit"))
    );
    for p in pages {
        let _ = writeln!(
            page,
            "<li><a href=\"{}\">{}</a> <span class=\"note\">({})</span></li>",
            escape(&p.file),
            escape(&p.title(contents)),
            escape(&tables::rows_word(p.rows.len(), lang))
        );
    }
    let _ = writeln!(
        page,
        "</ul>\n<h3>{}</h3>\n<ul class=\"units\">",
        escape(lang.pick("Theo chỉ tiêu", "By indicator"))
    );
    for indicator in contents.indicators_of_year() {
        if let Some(link) = tables::indicator_link(pages, &indicator) {
            let _ = writeln!(
                page,
                "<li><a href=\"{}\">{}</a></li>",
                escape(&link),
                escape(&contents.indicator_name(&indicator))
            );
        }
    }
    page.push_str("</ul>\n</section>\n");
}

fn quality(page: &mut String, contents: &Contents) {
    let lang = contents.lang;
    let h = contents.headers();
    let _ = writeln!(
        page,
        "<section id=\"quality\">\n<h2>{}</h2>",
        escape(lang.pick("Chất lượng số liệu", "Data quality"))
    );
    if contents.findings.is_empty() {
        let _ = writeln!(
            page,
            "<p>{}</p>",
            escape(lang.pick("Không có phát hiện nào.", "No findings."))
        );
    } else {
        let _ = writeln!(
            page,
            "<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
            escape(h.get("check")),
            escape(h.get("severity")),
            escape(h.get("count"))
        );
        for ((check, severity), n) in contents.finding_counts() {
            let _ = writeln!(
                page,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{n}</td></tr>",
                escape(&words::check(&check, lang)),
                escape(&words::severity(&severity, lang)),
            );
        }
        page.push_str("</tbody>\n</table>\n");
        let _ = writeln!(
            page,
            "<table>\n<thead><tr>{}</tr></thead>\n<tbody>",
            ["district", "period", "rule", "severity", "left", "right", "detail"]
                .map(|k| format!("<th>{}</th>", escape(h.get(k))))
                .concat()
        );
        for f in &contents.findings {
            let (left, right) = contents.finding_values(f);
            let side = |item: &Option<String>, shown: Shown| {
                let class = if matches!(shown, Shown::Label(_)) {
                    " class=\"sup\""
                } else {
                    ""
                };
                format!(
                    "<td{class}>{}: {}</td>",
                    escape(item.as_deref().unwrap_or_default()),
                    escape(&shown.text(lang))
                )
            };
            let _ = writeln!(
                page,
                "<tr><td>{}</td><td>{}</td><td>{} <code>{}</code></td><td>{}</td>{}{}<td>{}</td></tr>",
                escape(
                    &f.district
                        .as_deref()
                        .map(|d| contents.name(d))
                        .unwrap_or_default()
                ),
                escape(f.period.as_deref().unwrap_or_default()),
                escape(&words::check(&f.check, lang)),
                escape(&f.rule),
                escape(&words::severity(&f.severity, lang)),
                side(&f.left_item, left),
                side(&f.right_item, right),
                escape(&contents.finding_detail(f)),
            );
        }
        page.push_str("</tbody>\n</table>\n");
    }
    page.push_str("</section>\n");
}

fn sources(page: &mut String, contents: &Contents) {
    let lang = contents.lang;
    let p = &contents.provenance;
    let _ = writeln!(
        page,
        "<section id=\"sources\">\n<h2>{}</h2>\n<ul>",
        escape(lang.pick("Nguồn và cách tạo gói", "How this pack was built"))
    );
    let bytes = |b: Option<u64>| match b {
        Some(b) => words::number(b as f64, 0, lang),
        None => lang.pick("không đọc được", "unreadable").to_string(),
    };
    let item = |label: &str, value: &str| format!("<li>{}: {value}</li>\n", escape(label));
    page.push_str(&item(
        lang.pick("Tệp cấu hình", "Pipeline file"),
        &format!(
            "<code>{}</code> ({} bytes, sha256 <code>{}</code>)",
            escape(&p.pipeline.path),
            bytes(p.pipeline.bytes),
            escape(p.pipeline.sha256.as_deref().unwrap_or("—"))
        ),
    ));
    page.push_str(&item(
        lang.pick("Phiên bản treem", "treem version"),
        &escape(&p.version),
    ));
    page.push_str(&item(
        lang.pick("Thời điểm tạo gói", "Built at"),
        &escape(&p.built_at),
    ));
    if let Some((run_id, started)) = &p.manifest {
        page.push_str(&item(
            lang.pick(
                "Lần chạy gần nhất (manifest.json)",
                "Last run (manifest.json)",
            ),
            &format!(
                "<code>{}</code>, {} {}",
                escape(run_id),
                escape(lang.pick("bắt đầu", "started")),
                escape(started)
            ),
        ));
    }
    page.push_str("</ul>\n");
    let _ = writeln!(
        page,
        "<table>\n<thead><tr><th>{}</th><th>bytes</th><th>sha256</th></tr></thead>\n<tbody>",
        escape(lang.pick("Tệp đầu vào", "Input file"))
    );
    for f in &p.inputs {
        let _ = writeln!(
            page,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td><code>{}</code></td></tr>",
            escape(&f.path),
            bytes(f.bytes),
            escape(f.sha256.as_deref().unwrap_or("—"))
        );
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::fixture;

    /// The front page and the table pages of the fixture, one after the other.
    fn pages(contents: &Contents) -> String {
        let tables = tables::pages(contents);
        let mut all = render(contents, &tables);
        for t in &tables {
            all.push_str(&tables::render(contents, t));
        }
        all
    }

    /// The cells of the row with `key`, as written between `<td…>` and `</td>`.
    fn cells(page: &str, key: &str) -> Vec<String> {
        let start = page
            .find(&format!("<tr data-key=\"{}\"", escape(key)))
            .unwrap_or_else(|| panic!("no row {key}"));
        let row = &page[start..start + page[start..].find("</tr>").unwrap()];
        row.split("<td")
            .skip(1)
            .map(|td| {
                let inner = &td[td.find('>').unwrap() + 1..];
                inner[..inner.find("</td>").unwrap()].to_string()
            })
            .collect()
    }

    fn at(name: &str) -> usize {
        ROW_COLUMNS.iter().position(|c| *c == name).unwrap()
    }

    #[test]
    fn suppressed_cells_read_as_labels_and_true_zeros_as_zero() {
        let page = pages(&fixture::contents(Lang::Vi));
        let r = cells(&page, "abused_children|2021|622|");
        assert_eq!(r[at("org_unit")], "Thành phố Pleiku");
        assert_eq!(r[at("value")], "&lt;5");
        assert_eq!(r[at("numerator")], "&lt;5");
        assert_eq!(r[at("change")], "x");
        assert_eq!(r[at("met")], "", "met against a hidden value says too much");
        assert_eq!(r[at("baseline")], "6");
        let r = cells(&page, "abused_children|2021|624|");
        assert_eq!(r[at("value")], "x");
        let r = cells(&page, "abused_children|2021|623|");
        assert_eq!(r[at("value")], "0");
        let r = cells(&page, "special_support_rate|2021|64|");
        assert_eq!(r[at("value")], "98,2 %");
        assert_eq!(r[at("numerator")], "5.419");
        assert_eq!(r[at("denominator")], "5.518");
        assert_eq!(r[at("change")], "+1,2 điểm %");
        assert!(page.contains("id=\"suppression\""), "the footnote is there");
    }

    #[test]
    fn the_scorecard_and_data_quality_show_no_small_value() {
        let page = pages(&fixture::contents(Lang::Vi));
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"vi\">"));
        // Scorecard row of the fund: its value the Vietnamese way, the goal, not met.
        let fund = page
            .split("<tr")
            .find(|r| r.contains("Quỹ Bảo trợ trẻ em vận động được"))
            .unwrap();
        assert!(fund.contains("3.486.900.000"), "{fund}");
        assert!(fund.contains("≥ 4.000.000.000"), "{fund}");
        assert!(fund.contains("Không đạt"), "{fund}");
        // The form rule of 633 on 4 and 3: both "<5".
        let rule = page
            .split("<tr")
            .find(|r| r.contains("abused_supported_within_abused"))
            .unwrap();
        assert!(rule.contains("B2.03: &lt;5"), "{rule}");
        assert!(rule.contains("B2.02: &lt;5"), "{rule}");
        assert!(!rule.contains(": 4") && !rule.contains(": 3"), "{rule}");
        // Text from the data is escaped.
        assert!(
            rule.contains("&lt;b&gt;bị xâm hại&lt;/b&gt; &amp; được"),
            "{rule}"
        );
        let gap = page
            .split("<tr")
            .find(|r| r.contains("B1.02_vs_registry"))
            .unwrap();
        assert!(
            gap.contains("B1.02: 218") && gap.contains("registry: 0"),
            "{gap}"
        );
        // Provenance.
        assert!(page.contains("20220115T020000Z-42"));
        assert!(page.contains(&"cd".repeat(32)));
        assert!(page.contains("&lt;cases&gt;.csv"));
    }

    #[test]
    fn english_with_lang_en() {
        let page = pages(&fixture::contents(Lang::En));
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        let r = cells(&page, "special_support_rate|2021|64|");
        assert_eq!(r[at("value")], "98.2 %");
        assert_eq!(r[at("numerator")], "5,419");
    }

    #[test]
    fn escape_leaves_nothing_that_opens_a_tag_or_closes_an_attribute() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}

#[cfg(test)]
mod front_page {
    use super::*;
    use crate::pack::fixture;

    #[test]
    fn the_front_page_links_the_tables_and_holds_none_of_their_rows() {
        let contents = fixture::contents(Lang::Vi);
        let pages = tables::pages(&contents);
        let page = render(&contents, &pages);
        assert_eq!(page.matches("<tr data-key=").count(), 0);
        assert!(page.contains("<a href=\"tables/64.html\">"), "{page}");
        assert!(page.contains("<a href=\"tables/64.html#i=special_support_rate\">"));
        assert!(!page.contains("<script"));
        // The navigation names every section the page has, in order, and no other; the
        // five that always have something to show are there.
        let nav = &page[page.find("<nav>").unwrap()..page.find("</nav>").unwrap()];
        let mut at = 0;
        for id in SECTIONS.iter().map(|s| s.id) {
            let present = page.contains(&format!("<section id=\"{id}\">"));
            match nav[at..].find(&format!("href=\"#{id}\"")) {
                Some(found) => {
                    assert!(present, "{id} is linked but not on the page");
                    at += found;
                }
                None => assert!(!present, "{id} is on the page but not linked"),
            }
        }
        for id in ["scorecard", "charts", "indicators", "quality", "sources"] {
            assert!(nav.contains(&format!("href=\"#{id}\"")), "{id}");
        }
    }
}
