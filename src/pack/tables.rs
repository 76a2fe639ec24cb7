//! The full indicator tables of the pack, one page per parent unit (`tables/<code>.html`):
//! the top unit's page holds its rows and those of the units directly under it (the
//! province and its districts, the country and its provinces), and each of those units
//! that has units under it gets a page of its own (a province and its districts at
//! national scope). `index.html` then stays small at any scale — the scorecard and the
//! charts open at once — while every unit's figure is one click away.
//!
//! Which unit a row belongs under is the parent the disclosure control used
//! ([`crate::disclosure::Published::parent`]), so the pages follow the unit list, whatever
//! its levels (districts, communes). Each page has a filter by unit and by indicator: a
//! few lines of inline script, no network, and without script every row simply shows.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::html::{comparability_note, escape, indicator_row, suppression_note, STYLE};
use super::words;
use super::Contents;
use crate::disclosure::PublishedRow;
use crate::text::Lang;

/// The folder of the pages inside the pack.
pub const DIR: &str = "tables";

/// One page of the tables: the unit it is named for and its rows.
#[derive(Debug, Clone)]
pub struct TablePage<'a> {
    /// The unit the page is named for (the parent of its other units).
    pub unit: String,
    /// Path inside the pack: `tables/<code>.html`.
    pub file: String,
    pub rows: Vec<&'a PublishedRow>,
}

impl TablePage<'_> {
    /// The units of the page other than its own, in the table's order.
    pub fn units_under(&self) -> Vec<&str> {
        let mut seen = Vec::new();
        for r in &self.rows {
            if r.org_unit != self.unit && !seen.contains(&r.org_unit.as_str()) {
                seen.push(r.org_unit.as_str());
            }
        }
        seen
    }

    /// The level of the units under the page's unit, from its rows.
    pub fn level_under(&self) -> Option<&str> {
        self.rows
            .iter()
            .find(|r| r.org_unit != self.unit)
            .map(|r| r.level.as_str())
    }

    /// "Tỉnh Gia Lai và 17 huyện" / "Gia Lai and 17 districts".
    pub fn title(&self, contents: &Contents) -> String {
        let lang = contents.lang;
        let name = contents.name(&self.unit);
        let n = self.units_under().len();
        match self.level_under() {
            Some(level) if n > 0 => format!(
                "{name} {} {n} {}",
                lang.pick("và", "and"),
                if n == 1 {
                    lang.unit_word(level).to_string()
                } else {
                    lang.units_word(level)
                }
            ),
            _ => name,
        }
    }
}

/// A file name for a unit code: letters, digits, `-` and `_` as they are, anything else
/// as its code point, so no code can leave the folder.
fn file_name(code: &str) -> String {
    let safe: String = code
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_string()
            } else {
                format!("~{:x}", u32::from(c))
            }
        })
        .collect();
    format!("{DIR}/{safe}.html")
}

/// The pages of the reporting year's rows: the top unit's first, then the others by name.
/// Every row of the year is on exactly one page.
pub fn pages(contents: &Contents) -> Vec<TablePage<'_>> {
    let published = &contents.published;
    let page_of = |r: &PublishedRow| -> String {
        if r.org_unit == contents.top.code {
            return contents.top.code.clone();
        }
        match published.parent(&r.org_unit) {
            Some(parent) if parent != contents.top.code => parent.to_string(),
            _ => contents.top.code.clone(),
        }
    };
    let mut by_unit: BTreeMap<String, Vec<&PublishedRow>> = BTreeMap::new();
    for r in contents.rows_of_year() {
        by_unit.entry(page_of(r)).or_default().push(r);
    }
    let mut pages: Vec<TablePage> = by_unit
        .into_iter()
        .map(|(unit, rows)| TablePage {
            file: file_name(&unit),
            unit,
            rows,
        })
        .collect();
    pages.sort_by_cached_key(|p| {
        (
            p.unit != contents.top.code,
            contents.name(&p.unit),
            p.unit.clone(),
        )
    });
    pages
}

const FILTER_STYLE: &str = "
form.filter { position: sticky; top: 0; background: #fff; padding: .5em 0; border-bottom: 1px solid #c8d3de; }
form.filter label { margin-right: 1em; }
form.filter select { max-width: 24em; }
";

/// Shows the rows of the unit and the indicator chosen; `#i=<indicator>` or
/// `#u=<unit code>` in the address chooses one when the page opens.
const FILTER_SCRIPT: &str = r#"
(function () {
  var form = document.getElementById("filter");
  var unit = document.getElementById("f-unit");
  var indicator = document.getElementById("f-indicator");
  var count = document.getElementById("f-count");
  form.hidden = false;
  function apply() {
    var u = unit.value, i = indicator.value, shown = 0;
    document.querySelectorAll("section.indicator").forEach(function (s) {
      var on = !i || s.getAttribute("data-indicator") === i, any = 0;
      s.querySelectorAll("tr[data-key]").forEach(function (r) {
        var show = on && (!u || r.getAttribute("data-key").split("|")[2] === u);
        r.hidden = !show;
        if (show) { any += 1; }
      });
      s.hidden = any === 0;
      if (any && (u || i)) { s.querySelector("details").open = true; }
      shown += any;
    });
    count.textContent = shown;
  }
  function fromAddress() {
    var hash = decodeURIComponent(location.hash.slice(1));
    if (hash.indexOf("i=") === 0) { indicator.value = hash.slice(2); }
    if (hash.indexOf("u=") === 0) { unit.value = hash.slice(2); }
    apply();
  }
  unit.addEventListener("change", apply);
  indicator.addEventListener("change", apply);
  window.addEventListener("hashchange", fromAddress);
  fromAddress();
})();
"#;

/// The page's HTML.
pub fn render(contents: &Contents, page: &TablePage) -> String {
    let lang = contents.lang;
    let h = contents.headers();
    let title = escape(&page.title(contents));
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} — {}</title>\n<style>{STYLE}{FILTER_STYLE}</style>\n</head>\n<body>\n\
         <p class=\"note\"><a href=\"../index.html\">← {}</a> · <a href=\"../indicators.xlsx\">indicators.xlsx</a></p>\n\
         <h1>{title}</h1>\n<p class=\"note\">{} {}</p>\n<p class=\"note\" id=\"suppression\">{}</p>\n",
        lang.code(),
        escape(&contents.title()),
        escape(&contents.title()),
        escape(lang.pick("Bảng chỉ tiêu năm", "Indicators of")),
        contents.year,
        suppression_note(contents),
    );
    out.push_str(&comparability_note(contents));
    // The filter: hidden until the script shows it, so a page read without script has no
    // controls that do nothing.
    let units = std::iter::once(page.unit.as_str()).chain(page.units_under());
    out.push_str("<form class=\"filter\" id=\"filter\" hidden>\n");
    select(
        &mut out,
        "f-unit",
        lang.pick("Đơn vị", "Unit"),
        lang,
        units.map(|code| (code.to_string(), contents.name(code))),
    );
    out.push('\n');
    let indicators = indicators_of(page);
    select(
        &mut out,
        "f-indicator",
        lang.pick("Chỉ tiêu", "Indicator"),
        lang,
        indicators
            .iter()
            .map(|i| (i.clone(), contents.indicator_name(i))),
    );
    let _ = writeln!(
        out,
        "\n<span class=\"note\"><span id=\"f-count\">{}</span> {}</span>\n</form>",
        page.rows.len(),
        escape(lang.pick("dòng", "rows"))
    );
    let header: String = super::html::ROW_COLUMNS
        .map(|k| format!("<th>{}</th>", escape(h.get(k))))
        .concat();
    for indicator in &indicators {
        let targeted = contents.targets.iter().any(|t| &t.indicator == indicator);
        let _ = write!(
            out,
            "<section class=\"indicator\" id=\"i-{}\" data-indicator=\"{}\">\n<details{}><summary>{} <code>{}</code></summary>\n<table data-indicator=\"{}\">\n<thead><tr>{header}</tr></thead>\n<tbody>\n",
            escape(indicator),
            escape(indicator),
            if targeted { " open" } else { "" },
            escape(&contents.indicator_name(indicator)),
            escape(indicator),
            escape(indicator),
        );
        for r in page.rows.iter().filter(|r| &r.indicator == indicator) {
            out.push_str(&indicator_row(contents, r));
        }
        out.push_str("</tbody>\n</table>\n</details>\n</section>\n");
    }
    let _ = write!(out, "<script>{FILTER_SCRIPT}</script>\n</body>\n</html>\n");
    out
}

/// The indicators of a page's rows, in order of first appearance.
/// One of the filter's choices: a labelled list whose first option, "all", filters nothing,
/// then each (value, text) of `options`.
fn select(
    out: &mut String,
    id: &str,
    label: &str,
    lang: Lang,
    options: impl Iterator<Item = (String, String)>,
) {
    let _ = write!(
        out,
        "<label>{} <select id=\"{id}\"><option value=\"\">{}</option>",
        escape(label),
        escape(lang.pick("Tất cả", "All")),
    );
    for (value, text) in options {
        let _ = write!(
            out,
            "<option value=\"{}\">{}</option>",
            escape(&value),
            escape(&text)
        );
    }
    out.push_str("</select></label>");
}

fn indicators_of(page: &TablePage) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in &page.rows {
        if !out.contains(&r.indicator) {
            out.push(r.indicator.clone());
        }
    }
    out
}

/// A link from `index.html` to the rows of `indicator` on the top unit's page.
pub fn indicator_link(pages: &[TablePage], indicator: &str) -> Option<String> {
    let top = pages.first()?;
    Some(format!("{}#i={indicator}", top.file))
}

/// Words for the index's list of pages.
pub fn rows_word(n: usize, lang: Lang) -> String {
    format!(
        "{} {}",
        words::number(n as f64, 0, lang),
        lang.pick("dòng", "rows")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::fixture;

    #[test]
    fn a_unit_code_never_leaves_the_folder() {
        assert_eq!(file_name("64"), "tables/64.html");
        assert_eq!(file_name("VN"), "tables/VN.html");
        assert_eq!(file_name("../x"), "tables/~2e~2e~2fx.html");
    }

    #[test]
    fn every_row_of_the_year_is_on_one_page_with_a_filter() {
        let contents = fixture::contents(Lang::Vi);
        let pages = pages(&contents);
        let rows: usize = pages.iter().map(|p| p.rows.len()).sum();
        assert_eq!(rows, contents.rows_of_year().count());
        // One province: one page, the province's, its rows and its districts'.
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].file, "tables/64.html");
        let html = render(&contents, &pages[0]);
        assert_eq!(html.matches("<tr data-key=").count(), rows);
        assert!(html.contains("<select id=\"f-unit\">"));
        assert!(html.contains("<option value=\"622\">Thành phố Pleiku</option>"));
        assert!(html.contains("href=\"../index.html\""));
        // Inline script only: nothing fetched from anywhere.
        assert!(!html.contains("<script src") && !html.contains("http"));
    }
}
