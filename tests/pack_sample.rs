//! End to end on the bundled sample: `treem run` leaves `pack/` with `index.html` and
//! `indicators.xlsx`, and no file of the pack shows a suppressed true value. The check is
//! made cell by cell against the internal `indicators.parquet`: every (indicator, period,
//! org unit, breakdown) whose published cell is suppressed is found in the workbook (by its
//! code columns) and in the page (by its `data-key`) showing the label, not the value. The
//! sample has districts with fewer than 5 abused children, so the check is not vacuous.
//! The page opens from disk: every link and image points at a file inside the pack, but the
//! links to the districts' feedback workbooks, written beside it.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use calamine::Data;
use common::pack::{all_pages, html_row, part, sheet_rows, sheets, worksheet_xml};
use common::{treem, REPO};
use polars::prelude::*;
use treem::disclosure::{Cell, Published, PublishedRow};
use treem::pack::html::{escape, row_key, ROW_COLUMNS};

const YEAR_PERIODS: [&str; 2] = ["2021S1", "2021"];
const MIN_COUNT: u32 = 5;

fn sample_out() -> &'static Path {
    static OUT: OnceLock<common::Folder> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = common::Folder::kept("pack-sample");
        let out_arg = out.path().to_string_lossy().into_owned();
        treem(Path::new(REPO), &["run", "--out", &out_arg]).expect_code(0);
        out
    })
    .path()
}

fn internal(out: &Path) -> DataFrame {
    common::read_parquet(&out.join("indicators/indicators.parquet"))
}

/// The true values of the internal table by key and column.
fn true_values(df: &DataFrame) -> BTreeMap<(String, String), f64> {
    let s = |n: &str| df.column(n).unwrap().str().unwrap().clone();
    let (ind, per, unit, brk) = (s("indicator"), s("period"), s("org_unit"), s("breakdown"));
    let mut out = BTreeMap::new();
    for column in ["numerator", "denominator", "value", "baseline", "change"] {
        let values = df.column(column).unwrap().f64().unwrap().clone();
        for i in 0..df.height() {
            if let Some(v) = values.get(i) {
                let key = row_key(
                    ind.get(i).unwrap(),
                    per.get(i).unwrap(),
                    unit.get(i).unwrap(),
                    brk.get(i),
                );
                out.insert((key, column.to_string()), v);
            }
        }
    }
    out
}

fn cells(r: &PublishedRow) -> [(&'static str, Cell); 5] {
    [
        ("numerator", r.numerator),
        ("denominator", r.denominator),
        ("value", r.value),
        ("baseline", r.baseline),
        ("change", r.change),
    ]
}

/// Every suppressed cell of the reporting year: (key, column, label).
fn suppressed(published: &Published) -> Vec<(String, &'static str, String)> {
    published
        .rows()
        .iter()
        .filter(|r| YEAR_PERIODS.contains(&r.period.as_str()))
        .flat_map(|r| {
            let key = row_key(&r.indicator, &r.period, &r.org_unit, r.breakdown.as_deref());
            cells(r)
                .into_iter()
                .filter_map(move |(column, cell)| {
                    cell.label(MIN_COUNT).map(|l| (key.clone(), column, l))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_sample_has_suppressed_cells_so_the_checks_below_are_not_vacuous() {
    let df = internal(sample_out());
    let published = Published::publish(&df, MIN_COUNT).unwrap();
    // Several districts had 1 to 4 abused children in 2021.
    let small_districts = published
        .rows()
        .iter()
        .filter(|r| {
            r.indicator == "abused_children"
                && r.period == "2021"
                && r.level == "district"
                && r.breakdown.is_none()
                && r.value == Cell::Small
        })
        .count();
    assert!(small_districts >= 3, "{small_districts}");
    let all = suppressed(&published);
    assert!(all.iter().any(|(_, _, l)| l == "<5"));
    assert!(
        all.iter().any(|(_, _, l)| l == "x"),
        "complementary cells too"
    );
}

#[test]
fn no_cell_of_the_workbook_shows_a_suppressed_true_value() {
    let out = sample_out();
    let df = internal(out);
    let truth = true_values(&df);
    let published = Published::publish(&df, MIN_COUNT).unwrap();
    let book = sheets(&out.join("pack/indicators.xlsx"));
    let all = book
        .iter()
        .find(|(n, _)| n == "Tất cả chỉ tiêu")
        .expect("the sheet of every indicator");
    let (all_rows, _) = sheet_rows(&all.1).unwrap();
    let mut checked = 0;
    for (name, sheet) in &book {
        let Some((rows, header)) = sheet_rows(sheet) else {
            continue;
        };
        let column = |k: &str| {
            let name = match k {
                "numerator" => "Tử số",
                "denominator" => "Mẫu số",
                "value" => "Giá trị",
                "baseline" => "Năm gốc",
                _ => "Thay đổi so với năm gốc",
            };
            header.iter().position(|h| h == name).unwrap()
        };
        let printed = header.iter().position(|h| h == "Giá trị (như in)").unwrap();
        for (key, col, label) in suppressed(&published) {
            let Some(row) = rows.get(&key) else {
                assert!(name != &all.0, "{key} is missing from {name}");
                continue;
            };
            assert_eq!(
                row[column(col)],
                Data::String(label.clone()),
                "{name}: {key} {col}"
            );
            if col == "value" {
                assert_eq!(row[printed], Data::String(label.clone()), "{name}: {key}");
            }
            // A small true count is nowhere in its row, as a number or as text.
            let t = truth[&(key.clone(), col.to_string())];
            if (1.0..5.0).contains(&t) && row[column("numerator")] == Data::String(label.clone()) {
                assert!(
                    !row.iter()
                        .any(|d| *d == Data::Float(t) || d.to_string() == t.to_string()),
                    "{name}: {key} shows its true {col} {t}: {row:?}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked} suppressed cells checked");
    assert!(!all_rows.is_empty());
    // The data-quality sheet: counts of children shown only when 0 or at least 5.
    let (_, quality) = book
        .iter()
        .find(|(n, _)| n == "Chất lượng số liệu")
        .unwrap();
    for row in &quality[2..] {
        for d in row {
            if let Data::Float(v) = d {
                assert!(*v == 0.0 || *v >= 5.0, "data quality shows {v}: {row:?}");
            }
        }
    }
    assert!(
        quality[2..]
            .iter()
            .any(|r| r.contains(&Data::String("<5".into()))),
        "the sample's form rule on 4 and 3 abused children"
    );
}

#[test]
fn no_row_of_the_page_shows_a_suppressed_true_value() {
    let out = sample_out();
    let df = internal(out);
    let truth = true_values(&df);
    let published = Published::publish(&df, MIN_COUNT).unwrap();
    let page = all_pages(&out.join("pack"));
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"vi\">"));
    let at = |k: &str| ROW_COLUMNS.iter().position(|c| *c == k).unwrap();
    let all = suppressed(&published);
    for (key, col, label) in &all {
        let row = html_row(&page, "data-key", key).unwrap_or_else(|| panic!("no row {key}"));
        assert_eq!(row[at(col)], escape(label), "{key} {col}");
        let t = truth[&(key.clone(), col.to_string())];
        if (1.0..5.0).contains(&t) {
            assert!(
                !row.iter().skip(3).any(|c| *c == format!("{t}")),
                "{key} shows {t}"
            );
        }
        // The scorecard row of the same key, if any, shows the label too.
        if let Some(score) = html_row(&page, "data-score", key) {
            let position = match *col {
                "value" => Some(1),
                "baseline" => Some(4),
                "change" => Some(5),
                _ => None,
            };
            if let Some(p) = position {
                assert_eq!(score[p], escape(label), "scorecard {key} {col}");
            }
        }
    }
    // Rows of the year are all there.
    let rows = page.matches("<tr data-key=").count();
    let year_rows = published
        .rows()
        .iter()
        .filter(|r| YEAR_PERIODS.contains(&r.period.as_str()))
        .count();
    assert_eq!(rows, year_rows);
    assert!(page.contains("id=\"suppression\""), "the footnote");
}

#[test]
fn charts_in_the_pack_show_no_suppressed_true_value() {
    // Charts join the pack when the charts step leaves `<out>/charts/`; every `data-key`
    // element of an SVG must then show the label of a suppressed cell, not its value.
    let out = sample_out();
    let df = internal(out);
    let truth = true_values(&df);
    let published = Published::publish(&df, MIN_COUNT).unwrap();
    let charts = out.join("pack/charts");
    for svg in common::all_files(&charts)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "svg"))
    {
        let text = std::fs::read_to_string(&svg).unwrap();
        for (key, col, label) in suppressed(&published) {
            let Some(start) = text.find(&format!("data-key=\"{}\"", escape(&key))) else {
                continue;
            };
            let element = &text[start..start + text[start..].find("</").unwrap_or(0)];
            let t = truth[&(key.clone(), col.to_string())];
            assert!(
                !element.contains(&format!(">{t}")),
                "{}: {key} shows {t} instead of {label}",
                svg.display()
            );
        }
    }
}

#[test]
fn every_sheet_of_the_workbook_prints_a4_landscape_one_page_wide_headers_on_each_page() {
    let path = sample_out().join("pack/indicators.xlsx");
    let sheets = worksheet_xml(&path);
    assert_eq!(sheets.len(), sheets_of(&path), "a part for every sheet");
    for (i, xml) in sheets.iter().enumerate() {
        let setup = &xml[xml
            .find("<pageSetup ")
            .unwrap_or_else(|| panic!("sheet {i}"))..];
        let setup = &setup[..setup.find('>').unwrap()];
        for expected in [
            "paperSize=\"9\"",
            "orientation=\"landscape\"",
            "fitToHeight=\"0\"",
        ] {
            assert!(setup.contains(expected), "sheet {i}: {setup}");
        }
        // fitToWidth="1" is the format's default, so a writer may leave it out.
        assert!(!setup.contains("fitToWidth") || setup.contains("fitToWidth=\"1\""));
        assert!(xml.contains("<pageSetUpPr fitToPage=\"1\"/>"), "sheet {i}");
        assert!(xml.contains("ySplit=\"2\"") && xml.contains("state=\"frozen\""));
        assert!(xml.contains("&amp;A</oddHeader>") && xml.contains("&amp;P/&amp;N"));
    }
    let workbook = part(&path, "xl/workbook.xml").unwrap();
    assert_eq!(
        workbook.matches("name=\"_xlnm.Print_Titles\"").count(),
        sheets.len()
    );
    assert_eq!(workbook.matches("!$1:$2<").count(), sheets.len());
}

/// How many sheets the workbook lists.
fn sheets_of(path: &Path) -> usize {
    part(path, "xl/workbook.xml")
        .unwrap()
        .matches("<sheet ")
        .count()
}

/// The unit each indicator of the sample is counted in, in Vietnamese.
fn expected_unit(indicator: &str) -> &'static str {
    match indicator {
        "abuse_intervention_delay" => "vụ",
        "participation_activities" => "hoạt động",
        "at_risk_children" | "abused_children" | "injured_children" | "injury_deaths" => "người",
        "fund_raised_vnd" => "đồng",
        "report_days_late" => "ngày",
        i if i.ends_with("_per_100k") => "trên 100.000 trẻ em",
        // The distance to a target: what is still missing, in what it counts.
        i if i.starts_with("fund_raised_vnd_") => "đồng",
        "special_support_rate_shortfall"
        | "staff_trained_rate_shortfall"
        | "abused_children_supported_rate_shortfall"
        | "injured_children_shortfall"
        | "abused_children_shortfall" => "người",
        "abuse_intervention_timely_rate_shortfall" | "abuse_plan_timely_rate_shortfall" => "vụ",
        i if i.ends_with("_shortfall") => "số lượng",
        _ => "%",
    }
}

#[test]
fn every_row_of_the_workbook_names_its_unit_and_a_rate_changes_in_points() {
    let out = sample_out();
    let df = internal(out);
    let published = Published::publish(&df, MIN_COUNT).unwrap();
    let book = sheets(&out.join("pack/indicators.xlsx"));
    let (_, all) = book.iter().find(|(n, _)| n == "Tất cả chỉ tiêu").unwrap();
    let (rows, header) = sheet_rows(all).unwrap();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (unit, change) = (at("Đơn vị tính"), at("Thay đổi so với năm gốc"));
    let mut units = BTreeMap::new();
    let mut points = 0;
    for r in published
        .rows()
        .iter()
        .filter(|r| YEAR_PERIODS.contains(&r.period.as_str()))
    {
        let key = row_key(&r.indicator, &r.period, &r.org_unit, r.breakdown.as_deref());
        let row = &rows[&key];
        let expected = expected_unit(&r.indicator);
        assert_eq!(row[unit], Data::String(expected.into()), "{key}");
        *units.entry(expected).or_insert(0) += 1;
        // A ratio's change in percentage points: 100 times the difference of the ratios.
        if let (Cell::Value(c), "ratio") = (r.change, r.unit.as_str()) {
            assert_eq!(row[change], Data::Float(c * 100.0), "{key}");
            points += 1;
        }
    }
    // Every unit is there, so none of the checks above is vacuous.
    assert_eq!(units.len(), 8, "{units:?}");
    assert!(points > 100, "{points}");
}

/// Every `href="…"` and `src="…"` of a page.
fn links(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        for (i, _) in page.match_indices(attribute) {
            let rest = &page[i + attribute.len()..];
            out.push(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    out
}

/// Checks that `index.html` and every table page link only to files inside the pack and
/// fetch nothing; returns the links of `index.html`.
fn assert_opens_from_disk(pack: &Path) -> Vec<String> {
    let page = std::fs::read_to_string(pack.join("index.html")).unwrap();
    let front = links(&page);
    for link in &front {
        assert_inside(pack, pack, &page, link);
    }
    // The front page has no script at all; the table pages one inline filter.
    for forbidden in ["<script", "<link", "@import", "url("] {
        assert!(!page.contains(forbidden), "{forbidden}");
    }
    let tables = pack.join("tables");
    let mut pages = 0;
    for entry in std::fs::read_dir(&tables).unwrap() {
        let path = entry.unwrap().path();
        let table = std::fs::read_to_string(&path).unwrap();
        for link in links(&table) {
            assert_inside(pack, &tables, &table, &link);
        }
        for forbidden in [
            "<script src",
            "<link",
            "@import",
            "url(",
            "http:",
            "https:",
            "fetch(",
        ] {
            assert!(
                !table.contains(forbidden),
                "{}: {forbidden}",
                path.display()
            );
        }
        assert_eq!(table.matches("<script>").count(), 1, "{}", path.display());
        pages += 1;
    }
    assert!(pages >= 1, "no table page");
    front
}

/// `link` of the page in folder `dir` points at an anchor of the page or at a file of the
/// pack (`../` may lead from `tables/` back to the pack, never out of it).
fn assert_inside(pack: &Path, dir: &Path, page: &str, link: &str) {
    if let Some(anchor) = link.strip_prefix('#') {
        assert!(page.contains(&format!("id=\"{anchor}\"")), "{link}");
        return;
    }
    if let Some(file) = link.strip_prefix("../feedback/") {
        // The districts' feedback: internal, beside the pack in the output folder, where
        // the report step (after the pack) writes it.
        assert!(!file.contains('/') && !file.contains(".."), "{link}");
        let feedback = pack.join("../feedback");
        assert!(
            !feedback.exists() || feedback.join(file).is_file(),
            "{link} is not written"
        );
        return;
    }
    assert!(
        !link.contains(':') && !link.starts_with('/'),
        "{link} leaves the pack"
    );
    let file = link.split('#').next().unwrap();
    let target = dir.join(file);
    let resolved = target
        .canonicalize()
        .unwrap_or_else(|_| panic!("{link} is not in the pack"));
    assert!(
        resolved.starts_with(pack.canonicalize().unwrap()),
        "{link} leaves the pack"
    );
    assert!(resolved.is_file(), "{link} is not in the pack");
}

#[test]
fn the_page_references_only_files_inside_the_pack() {
    let links = assert_opens_from_disk(&sample_out().join("pack"));
    assert!(links.contains(&"indicators.xlsx".to_string()));
    // The full tables are a page of the province and its 17 districts, linked by unit and
    // by indicator.
    assert!(links.contains(&"tables/64.html".to_string()), "{links:?}");
    assert!(links.contains(&"tables/64.html#i=special_support_rate".to_string()));
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(from, to).unwrap();
}

#[test]
fn only_pack_rebuilds_it_from_the_indicators_with_the_charts_it_finds() {
    // A folder with what the earlier steps leave: the indicators, the org unit names, and
    // two charts (one without its PNG twin).
    let out = tempfile::tempdir().unwrap();
    let sample = sample_out();
    for rel in [
        "indicators/indicators.parquet",
        "indicators/data_quality.parquet",
        "ingested/org_units.parquet",
    ] {
        copy(&sample.join(rel), &out.path().join(rel));
    }
    let charts = out.path().join("charts");
    std::fs::create_dir_all(&charts).unwrap();
    std::fs::write(charts.join("t1_support.svg"), "<svg></svg>").unwrap();
    std::fs::write(charts.join("t1_support.png"), b"png").unwrap();
    std::fs::write(charts.join("scorecard.svg"), "<svg></svg>").unwrap();
    let out_arg = out.path().to_string_lossy().into_owned();
    treem(
        Path::new(REPO),
        &["run", "--only", "pack", "--out", &out_arg, "--lang", "en"],
    )
    .expect_code(0);
    let pack: PathBuf = out.path().join("pack");
    let links = assert_opens_from_disk(&pack);
    for link in [
        "charts/t1_support.svg",
        "charts/t1_support.png",
        "charts/scorecard.svg",
    ] {
        assert!(links.contains(&link.to_string()), "{link}: {links:?}");
    }
    let page = all_pages(&pack);
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(page.contains("Chư Sê"), "district names from org_units");
    let book = sheets(&pack.join("indicators.xlsx"));
    assert_eq!(book[0].0, "Scorecard");
    // Units in English: cases and activities are not people.
    let (_, all) = book.iter().find(|(n, _)| n == "All indicators").unwrap();
    let at = |name: &str| {
        all[1]
            .iter()
            .position(|h| *h == Data::String(name.into()))
            .unwrap()
    };
    let (code, unit) = (at("Indicator code"), at("Unit"));
    let unit_of = |indicator: &str| {
        all[2..]
            .iter()
            .find(|r| r[code] == Data::String(indicator.into()))
            .map(|r| r[unit].to_string())
    };
    assert_eq!(unit_of("abuse_intervention_delay").as_deref(), Some("case"));
    assert_eq!(
        unit_of("participation_activities").as_deref(),
        Some("activity")
    );
    assert_eq!(unit_of("abused_children").as_deref(), Some("person"));
    assert_eq!(unit_of("report_days_late").as_deref(), Some("days"));
    let styles = part(&pack.join("indicators.xlsx"), "xl/styles.xml").unwrap();
    assert!(
        styles.contains("+0.0&quot; pp&quot;"),
        "a rate's change in pp"
    );
    // No staging folder or temporary file is left behind (the lock file and the published
    // versions are the output folder's own).
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".staging") || n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_count_suppressed_in_its_indicator_is_not_shown_again_in_its_source_gap_row() {
    // The source_gap rows repeat the software's count (their denominator) of the district:
    // a count hidden under abused_children must be hidden there too, or the complementary
    // suppression of the districts is undone.
    let df = internal(sample_out());
    let published = Published::publish(&df, MIN_COUNT).unwrap();
    let pairs = [
        ("B1.02", "special_support_rate", "denominator"),
        ("B1.03", "special_support_rate", "numerator"),
        ("B2.02", "abused_children", "value"),
        ("B2.04", "injured_children", "value"),
    ];
    let mut leaks = Vec::new();
    for gap in published
        .rows()
        .iter()
        .filter(|r| r.indicator == "source_gap")
    {
        let Some(item) = gap
            .breakdown
            .as_deref()
            .and_then(|b| b.strip_prefix("item="))
        else {
            continue;
        };
        let Some((_, indicator, column)) = pairs.iter().find(|p| p.0 == item) else {
            continue;
        };
        let Some(source) = published.get(indicator, &gap.period, &gap.org_unit, None) else {
            continue;
        };
        let cell = match *column {
            "denominator" => source.denominator,
            "numerator" => source.numerator,
            _ => source.value,
        };
        if cell.is_suppressed() && !gap.denominator.is_suppressed() {
            leaks.push(format!(
                "{indicator} {} {} is {cell:?} but source_gap {item} shows {:?}",
                gap.period, gap.org_unit, gap.denominator
            ));
        }
    }
    assert!(leaks.is_empty(), "{leaks:#?}");
}
