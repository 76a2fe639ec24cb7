//! End to end on the bundled sample: `treem run` leaves `report/bao_cao_<period>.docx` for
//! the six-month and the annual period, and `feedback/` with a workbook per district. The
//! documents are read back as Word keeps them (`word/document.xml` inside the zip) and
//! checked against the disclosure-controlled tables they must come from:
//! - every cell of the report's tables — the targets (III.1), the children still to
//!   support by district (IV), the forms' items by district (appendices 1–4) — is the
//!   published cell of its row and column, a suppressed one as its label (`<5`, `x`);
//! - every other number of the text that is not part of the document's frame (years,
//!   section numbers, hours and days of the rules, goals) is a published value;
//! - the feedback workbooks carry no detail of a rejected row, only where it is and why.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use treem::disclosure::{Cell, Published};
use treem::pack::words;
use treem::report::text::figure;
use treem::store::Layout;
use treem::text::Lang;

const PERIODS: [&str; 2] = ["2021S1", "2021"];
const MIN: u32 = 5;

/// The document's body: each paragraph's text, and each table as rows of cell texts.
#[derive(Default)]
struct Document {
    paragraphs: Vec<String>,
    tables: Vec<Vec<Vec<String>>>,
}

fn read_docx(path: &Path) -> Document {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut doc = Document::default();
    // Nesting: tables (with their rows and cells) and the paragraph being read.
    let mut tables: Vec<Vec<Vec<String>>> = Vec::new();
    let mut depth = 0usize;
    let mut paragraph = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) => match e.name().as_ref() {
                b"w:tbl" => {
                    depth += 1;
                    tables.push(Vec::new());
                }
                b"w:tr" => tables.last_mut().unwrap().push(Vec::new()),
                b"w:tc" => tables
                    .last_mut()
                    .unwrap()
                    .last_mut()
                    .unwrap()
                    .push(String::new()),
                b"w:p" => paragraph.clear(),
                b"w:t" => in_text = true,
                _ => {}
            },
            quick_xml::events::Event::Text(t) if in_text => {
                paragraph.push_str(&t.decode().unwrap());
            }
            quick_xml::events::Event::GeneralRef(r) if in_text => {
                let name = r.decode().unwrap();
                paragraph.push_str(match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity {other}"),
                });
            }
            quick_xml::events::Event::End(e) => match e.name().as_ref() {
                b"w:t" => in_text = false,
                b"w:p" => {
                    if depth > 0 {
                        let cell = tables
                            .last_mut()
                            .and_then(|t| t.last_mut())
                            .and_then(|r| r.last_mut())
                            .unwrap();
                        if !cell.is_empty() {
                            cell.push('\n');
                        }
                        cell.push_str(&paragraph);
                    } else {
                        doc.paragraphs.push(paragraph.clone());
                    }
                }
                b"w:tbl" => {
                    depth -= 1;
                    doc.tables.push(tables.pop().unwrap());
                }
                _ => {}
            },
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    doc
}

/// Every rendering of a published value the report may write.
fn renderings(p: &Published, period: &str, out: &mut BTreeSet<String>) {
    for r in p.rows().iter().filter(|r| r.period == period) {
        for (cell, unit) in [
            (r.numerator, "count"),
            (r.denominator, "count"),
            (r.value, r.unit.as_str()),
            (r.baseline, r.unit.as_str()),
            (r.change, r.unit.as_str()),
        ] {
            if let Cell::Value(v) = cell {
                out.insert(words::value(v, unit, Lang::Vi));
                out.insert(words::value(v.abs(), unit, Lang::Vi));
                out.insert(words::number(v.abs() * 100.0, 1, Lang::Vi));
                out.insert(words::number(v.abs(), 0, Lang::Vi));
            }
        }
    }
}

/// The numbers of a text, as written (`5.419`, `98,2`, `4.000.000.000`); a number glued to
/// a letter (`B1.02`) is a code, not a figure.
fn numbers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_digit()
                    || ((chars[j] == '.' || chars[j] == ',')
                        && chars.get(j + 1).is_some_and(|c| c.is_ascii_digit())))
            {
                j += 1;
            }
            if i == 0 || !chars[i - 1].is_alphanumeric() {
                out.push(chars[i..j].iter().collect());
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

fn names(out: &Path) -> BTreeMap<String, String> {
    let df = common::read_parquet(&out.join("ingested/org_units.parquet"));
    treem::pack::read_names(&df, Lang::Vi).unwrap()
}

#[test]
fn every_number_of_the_report_is_a_published_cell() {
    let out = common::sample_run().out.path();
    let layout = Layout::new(out);
    let published = treem::disclosure::publish_outputs(&layout, MIN).unwrap();
    let names = names(out);
    let code_of: BTreeMap<&str, &str> = names
        .iter()
        .map(|(code, name)| (name.as_str(), code.as_str()))
        .collect();
    let code = |label: &str| -> String {
        match label {
            "Tổng cộng" => "64".to_string(),
            name => code_of
                .get(name)
                .unwrap_or_else(|| panic!("no unit named {name:?}"))
                .to_string(),
        }
    };
    let mut suppressed_seen = 0;
    for period in PERIODS {
        let path = out.join("report").join(format!("bao_cao_{period}.docx"));
        let doc = read_docx(&path);
        let forms = treem::report::appendix::published(&layout, period, false, MIN).unwrap();
        let mut checked = 0;
        for table in &doc.tables {
            let header = &table[0];
            for row in &table[1..] {
                match header.first().map(String::as_str) {
                    // Appendices: unit × form item.
                    Some("Đơn vị") if header[1].starts_with('B') => {
                        let unit = code(&row[0]);
                        for (item, shown) in header[1..].iter().zip(&row[1..]) {
                            let cell = forms.get(&format!("form_{item}"), period, &unit, None);
                            let expected = cell
                                .map(|c| figure(c.value, &c.unit, MIN))
                                .unwrap_or_default();
                            assert_eq!(shown, &expected, "{period}, appendix, {unit} {item}");
                            suppressed_seen +=
                                usize::from(cell.is_some_and(|c| c.value.is_suppressed()));
                            checked += 1;
                        }
                    }
                    // IV: children still to support, by district.
                    Some("Đơn vị") => {
                        let unit = code(&row[0]);
                        let rate = published
                            .get("special_support_rate", period, &unit, None)
                            .unwrap();
                        let short = published
                            .get("special_support_rate_shortfall", period, &unit, None)
                            .unwrap();
                        let expected = [
                            figure(rate.denominator, "count", MIN),
                            figure(rate.numerator, "count", MIN),
                            figure(rate.value, "ratio", MIN),
                            figure(short.value, "count", MIN),
                        ];
                        assert_eq!(&row[1..], &expected[..], "{period}, IV, {unit}");
                        checked += 4;
                    }
                    // III.1: the targets of the top unit.
                    Some("TT") => {
                        let indicator = treem::config::target::KNOWN_INDICATORS
                            .iter()
                            .find(|i| words::indicator(i, Lang::Vi, "district") == row[1])
                            .unwrap_or_else(|| panic!("no indicator named {:?}", row[1]));
                        let r = published.get(indicator, period, "64", None).unwrap();
                        assert_eq!(
                            row[2],
                            figure(r.value, &r.unit, MIN),
                            "{period} {indicator}"
                        );
                        assert_eq!(
                            row[4],
                            figure(r.baseline, &r.unit, MIN),
                            "{period} {indicator}"
                        );
                        let change = match r.change {
                            Cell::Value(v) => words::change(v, &r.unit, Lang::Vi),
                            other => figure(other, &r.unit, MIN),
                        };
                        assert_eq!(row[5], change, "{period} {indicator}");
                        checked += 3;
                    }
                    _ => {}
                }
            }
        }
        assert!(
            checked > 300,
            "{period}: only {checked} table cells were checked"
        );

        // The text: every number is a published value or part of the document's frame.
        let mut allowed = BTreeSet::new();
        renderings(&published, period, &mut allowed);
        renderings(&forms, period, &mut allowed);
        for frame in [
            "2020",
            "2021",
            "30",
            "31",
            "12",
            "100,0",
            "98,5",
            "4.000.000.000",
        ] {
            allowed.insert(frame.to_string());
        }
        // Numbering (sections, charts, appendices) and the rules (12 hours, 5 days, <5).
        for n in 1..=20 {
            allowed.insert(n.to_string());
        }
        let text: Vec<&String> = doc
            .paragraphs
            .iter()
            .chain(doc.tables.iter().flatten().flatten())
            .collect();
        let mut figures = 0;
        for paragraph in text {
            for n in numbers(paragraph) {
                assert!(
                    allowed.contains(&n),
                    "{period}: \"{n}\" in {paragraph:?} is no published value"
                );
                figures += 1;
            }
        }
        assert!(figures > 300, "{period}: only {figures} numbers read");
    }
    // The sample has small counts in the forms (heart surgeries, deaths, drowning): the
    // check met suppressed cells, so it is not vacuous.
    assert!(
        suppressed_seen > 10,
        "only {suppressed_seen} suppressed cells met"
    );
}

#[test]
fn the_six_month_report_does_not_judge_a_yearly_target_and_projects_the_fund() {
    let out = common::sample_run().out.path();
    let doc = read_docx(&out.join("report/bao_cao_2021S1.docx"));
    let text = doc.paragraphs.join("\n");
    let mid_autumn = doc
        .paragraphs
        .iter()
        .find(|p| p.contains("Tết Trung thu cho trẻ em:"))
        .unwrap();
    assert!(mid_autumn.contains("chưa đánh giá"), "{mid_autumn}");
    assert!(!mid_autumn.contains("chưa đạt"), "{mid_autumn}");
    assert!(text.contains("Dự báo đến ngày 31/12/2021"), "{text}");
    // The letterhead and the signature: the motto, the blanks, "Nơi nhận".
    let cells: String = doc.tables.iter().flatten().flatten().cloned().collect();
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Gia Lai, ngày      tháng      năm 2021",
        "Nơi nhận:",
        "[Phần cán bộ viết:",
    ] {
        assert!(cells.contains(expected), "no {expected:?}");
    }
}

#[test]
fn every_district_gets_a_feedback_workbook_without_a_rejected_value() {
    use calamine::{open_workbook_auto, Reader};
    let out = common::sample_run().out.path();
    let dir = out.join("feedback");
    let files: Vec<_> = common::files_with_extension(&dir, "xlsx");
    // 17 districts, and the province for rows of files that held several districts.
    assert!(files.len() >= 17, "{files:?}");
    assert!(dir.join("633_huyen_chu_se.xlsx").is_file());
    let mut rejected_rows = 0;
    for file in &files {
        let mut book = open_workbook_auto(file).unwrap();
        let rows = book.worksheet_range("Dòng bị loại").unwrap();
        for row in rows.rows().skip(3) {
            assert_eq!(row.len(), 5, "{}: {row:?}", file.display());
            // An empty list says so in its first cell.
            if row[0] == calamine::Data::String("Không có.".into()) {
                assert!(
                    row[1..].iter().all(|c| *c == calamine::Data::Empty),
                    "{row:?}"
                );
                continue;
            }
            rejected_rows += 1;
        }
    }
    // Every rejected row of the sample is in exactly one workbook.
    let total: usize = ["registry", "cases", "district_reports", "fund"]
        .iter()
        .map(|t| common::rejected_rows(&out.join(format!("rejected/{t}.parquet"))).len())
        .sum();
    assert_eq!(rejected_rows, total);
    // The pack links each of them.
    let page = std::fs::read_to_string(out.join("pack/index.html")).unwrap();
    assert!(page.contains("href=\"../feedback/633_huyen_chu_se.xlsx\""));
}

#[test]
fn a_failed_form_rule_names_the_sheet_and_cells_to_correct() {
    use calamine::{open_workbook_auto, Data, Reader};
    let out = common::sample_run().out.path();
    // Chư Sê's 2021 report gives 4 abused children supported (B2.03, sheet "Biểu 2", cell
    // E12) against 3 abused children (B2.02, E11): read off the workbook's own XML.
    let mut book = open_workbook_auto(out.join("feedback/633_huyen_chu_se.xlsx")).unwrap();
    let rows = book.worksheet_range("Lỗi biểu mẫu").unwrap();
    let found: Vec<Vec<Data>> = rows
        .rows()
        .skip(3)
        .filter(|r| r.get(3) == Some(&Data::String("B2.03".into())))
        .map(|r| r.to_vec())
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    let row = &found[0];
    assert_eq!(row[2], Data::String("Biểu 2".into()));
    assert_eq!(row[4], Data::String("E12".into()));
    assert_eq!(row[5], Data::String("4".into()));
    assert_eq!(row[6], Data::String("B2.02".into()));
    assert_eq!(row[7], Data::String("E11".into()));
    assert_eq!(row[8], Data::String("3".into()));
}
