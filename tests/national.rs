//! A pipeline over several provinces (`provinces = "all"`) on a tiny national-style folder
//! built here (the layout the national generator writes: `reference/`, one registry and one
//! cases file per province): the country's counts are the sum of its provinces' and of its
//! districts', and every rate is its numerator over its denominator at every level.
//! The same checks run on a small set from the national generator, through the national
//! pipeline file itself: 63 provinces, 705 districts.

mod common;

use std::collections::BTreeMap;

use common::{read_parquet, Project, CASES_HEADER, REGISTRY_HEADER};
use polars::prelude::*;

const ORG_UNITS: &str = "code,level,unit_type,name,parent_code
64,province,Tỉnh,Gia Lai,
622,district,Thành phố,Pleiku,64
23002,commune,Phường,Hội Thương,622
623,district,Thị xã,An Khê,64
23614,commune,Phường,An Bình,623
66,province,Tỉnh,Đắk Lắk,
643,district,Thành phố,Buôn Ma Thuột,66
24133,commune,Phường,Tân Lập,643
644,district,Thị xã,Buôn Hồ,66
24305,commune,Phường,An Lạc,644
";

const POPULATION: &str = "district_code,year,children_under_16
622,2020,40000
623,2020,10000
643,2020,20000
644,2020,30000
622,2021,41000
623,2021,10500
643,2021,20500
644,2021,30500
";

/// A registry line: child, commune, special group, at risk, supported.
fn child(id: &str, commune: &str, group: &str, at_risk: bool, supported: bool) -> String {
    let yes = |b: bool| if b { "Có" } else { "Không" };
    format!(
        "{id},Tên {id},05/03/2012,Nam,Kinh,{commune},,,{group},{},{},,",
        yes(at_risk),
        yes(supported)
    )
}

/// An injury case: key, child, commune, occurred on (dd/mm/yyyy).
fn injury(key: &str, child: &str, commune: &str, on: &str) -> String {
    format!("{key},{child},Tên {child},{commune},Tai nạn thương tích,Đuối nước,{on},{on} 08:00,,,Bị thương,Nam,05/03/2012")
}

fn national_project() -> Project {
    let project = Project::new();
    project.file("national/reference/org_units.csv", ORG_UNITS);
    project.file("national/reference/population.csv", POPULATION);
    let csv = |lines: Vec<String>, header: &str| format!("{header}\n{}\n", lines.join("\n"));
    for (snapshot, province, lines) in [
        (
            "2021-12-31",
            "64",
            vec![
                child("TE1", "23002", "d", false, true),
                child("TE2", "23002", "d", true, true),
                child("TE3", "23002", "a", false, false),
                child("TE4", "23614", "d", true, true),
            ],
        ),
        (
            "2021-12-31",
            "66",
            vec![
                child("TE5", "24133", "d", true, false),
                child("TE6", "24133", "d", false, false),
                child("TE7", "24305", "a", true, true),
                child("TE8", "24305", "", true, false),
            ],
        ),
        (
            "2020-12-31",
            "64",
            vec![child("TE1", "23002", "d", false, false)],
        ),
        (
            "2020-12-31",
            "66",
            vec![child("TE5", "24133", "d", true, true)],
        ),
    ] {
        project.file(
            &format!("national/child_registry/{snapshot}/{province}.csv"),
            &csv(lines, REGISTRY_HEADER),
        );
    }
    for (year, province, lines) in [
        (
            "2021",
            "64",
            vec![
                injury("VV1", "TE1", "23002", "03/02/2021"),
                injury("VV2", "TE4", "23614", "04/05/2021"),
            ],
        ),
        (
            "2021",
            "66",
            vec![
                injury("VV3", "TE5", "24133", "03/03/2021"),
                injury("VV4", "TE6", "24133", "03/04/2021"),
                injury("VV5", "TE8", "24305", "03/06/2021"),
            ],
        ),
        (
            "2020",
            "66",
            vec![injury("VV6", "TE5", "24133", "03/03/2020")],
        ),
    ] {
        project.file(
            &format!("national/cases/{year}/{province}.csv"),
            &csv(lines, CASES_HEADER),
        );
    }
    let text = std::fs::read_to_string(project.path("pipelines/p.toml"))
        .unwrap()
        .replace("province = \"64\"", "provinces = \"all\"")
        .replace("../data/reference/", "../national/reference/")
        .replace("../data/child_registry/*/*", "../national/child_registry/*/*")
        .replace("../data/cases/*/*", "../national/cases/*/*")
        .replace(
            "periods = [",
            "periods = [\n  { key = \"2020\", from = 2020-01-01, to = 2020-12-31, report_deadline = 2020-11-20 },",
        );
    project.file("pipelines/p.toml", &text);
    project
}

/// (indicator, period, breakdown) → org_unit → (level, numerator, denominator, value, unit)
type Cells = BTreeMap<(String, String, Option<String>), BTreeMap<String, Cell>>;

#[derive(Debug, Clone)]
struct Cell {
    level: String,
    numerator: Option<f64>,
    denominator: Option<f64>,
    value: Option<f64>,
    unit: String,
}

fn cells(df: &DataFrame) -> Cells {
    let s = |n: &str| df.column(n).unwrap().str().unwrap().clone();
    let f = |n: &str| df.column(n).unwrap().f64().unwrap().clone();
    let (ind, per, unit, level, brk, u) = (
        s("indicator"),
        s("period"),
        s("org_unit"),
        s("level"),
        s("breakdown"),
        s("unit"),
    );
    let (num, den, val) = (f("numerator"), f("denominator"), f("value"));
    let mut out = Cells::new();
    for i in 0..df.height() {
        // The distances to the targets are not counts of units: no numerator to add up.
        if treem::columns::distance_of(ind.get(i).unwrap()).is_some() {
            continue;
        }
        let key = (
            ind.get(i).unwrap().to_string(),
            per.get(i).unwrap().to_string(),
            brk.get(i).map(str::to_string),
        );
        out.entry(key).or_default().insert(
            unit.get(i).unwrap().to_string(),
            Cell {
                level: level.get(i).unwrap().to_string(),
                numerator: num.get(i),
                denominator: den.get(i),
                value: val.get(i),
                unit: u.get(i).unwrap().to_string(),
            },
        );
    }
    out
}

/// Reads one number of a cell.
type Field = fn(&Cell) -> Option<f64>;

fn sum(cells: &BTreeMap<String, Cell>, level: &str, field: Field) -> f64 {
    cells
        .values()
        .filter(|c| c.level == level)
        .filter_map(field)
        .sum()
}

/// Checks every indicator row of `cells`: one country row, `provinces` province rows and
/// `districts` district rows; the country's numerator and denominator are the sums of the
/// provinces' and of the districts'; every value is its numerator over its denominator.
/// Returns how many (indicator, period, breakdown) groups were checked.
fn check_levels_add_up(cells: &Cells, provinces: usize, districts: usize) -> usize {
    let mut checked = 0;
    for ((indicator, period, breakdown), units) in cells {
        if indicator == "source_gap" {
            continue;
        }
        let what = format!("{indicator} {period} {breakdown:?}");
        let levels: Vec<&str> = units.values().map(|c| c.level.as_str()).collect();
        assert_eq!(
            levels.iter().filter(|l| **l == "country").count(),
            1,
            "one country row: {what}"
        );
        assert_eq!(
            levels.iter().filter(|l| **l == "province").count(),
            provinces,
            "{what}"
        );
        assert_eq!(
            levels.iter().filter(|l| **l == "district").count(),
            districts,
            "{what}"
        );
        let country = &units["VN"];
        // Cumulative and per-child counts are sums at every level; so are the numerators
        // and denominators of ratios (children, cases and populations add up).
        let fields: [(&str, Field); 2] = [
            ("numerator", |c| c.numerator),
            ("denominator", |c| c.denominator),
        ];
        for (name, field) in fields {
            let Some(top) = field(country) else { continue };
            for level in ["province", "district"] {
                assert!(
                    (sum(units, level, field) - top).abs() < 1e-9,
                    "{what}: country {name} {top} ≠ Σ {level} {}",
                    sum(units, level, field)
                );
            }
        }
        for (code, c) in units {
            let expected = match (c.unit.as_str(), c.numerator, c.denominator) {
                ("count", n, _) => n,
                ("ratio", Some(n), Some(d)) if d > 0.0 => Some(n / d),
                ("per_100k", Some(n), Some(d)) if d > 0.0 => Some(n / d * 100_000.0),
                ("ratio" | "per_100k", _, _) => None,
                _ => c.value,
            };
            match (expected, c.value) {
                (Some(e), Some(v)) => assert!(
                    (e - v).abs() <= 1e-9 * e.abs().max(1.0),
                    "{what} {code}: {v} ≠ {e}"
                ),
                (e, v) => assert_eq!(e, v, "{what} {code}"),
            }
        }
        checked += 1;
    }
    checked
}

#[test]
fn province_totals_add_up_to_the_country() {
    let project = national_project();
    let run = project.run(&[]);
    run.expect_code(0);
    let df = read_parquet(&project.out("indicators/indicators.parquet"));
    let cells = cells(&df);
    let checked = check_levels_add_up(&cells, 2, 4);
    // The hand-worked anchors: 7 special children, 4 supported; 5 injured children in 2021.
    let total = |indicator: &str| {
        let c = &cells[&(indicator.to_string(), "2021".to_string(), None)]["VN"];
        (c.numerator, c.denominator)
    };
    assert_eq!(total("special_support_rate"), (Some(4.0), Some(7.0)));
    assert_eq!(total("injured_children").0, Some(5.0));
    assert_eq!(
        cells[&("injured_children".into(), "2021".into(), None)]["66"].numerator,
        Some(3.0)
    );
    assert!(checked > 10, "only {checked} indicator rows were checked");
    assert!(
        !cells
            .keys()
            .any(|k| k.0 == "report_completeness" || k.0 == "fund_raised_vnd"),
        "no rows for sources the pipeline does not declare"
    );
    assert!(
        run.stdout().contains("country VN") || run.stderr().contains("country VN"),
        "the scorecard speaks for the country\n{}\n{}",
        run.stdout(),
        run.stderr()
    );
}

#[test]
fn the_pack_speaks_for_the_country_and_keeps_every_suppressed_cell_suppressed() {
    use common::pack::{all_pages, html_row, sheet_rows, sheets};
    use treem::disclosure::{Parents, Published};
    use treem::pack::html::{escape, row_key, ROW_COLUMNS};

    let project = national_project();
    let run = project.run(&[]);
    run.expect_code(0);
    let said = format!("{}{}", run.stdout(), run.stderr());
    // Only registry and cases: the charts of the fund, district reports and their events
    // are skipped with a line, and the page lists none of them.
    for (chart, what) in [
        ("t6_fund", "fund"),
        ("report_timeliness", "report timeliness"),
        ("t2_events", "event"),
        ("t3_staff_trained", "staff training"),
    ] {
        assert!(
            said.contains(&format!("Chart {chart}: skipped, no {what} indicators.")),
            "{said}"
        );
        assert!(!project.out(&format!("pack/charts/{chart}.svg")).exists());
    }
    let page = std::fs::read_to_string(project.out("pack/index.html")).unwrap();
    for chart in [
        "t6_fund",
        "report_timeliness",
        "t2_events",
        "t3_staff_trained",
    ] {
        assert!(!page.contains(chart), "the page lists {chart}");
    }
    assert!(page.contains("t1_support_rate.svg"));
    // The country is "Việt Nam", its rows "Toàn quốc" in the charts and bold on the page.
    assert!(page.contains("Việt Nam"));
    assert!(!page.contains("<td>VN</td>"));
    let support = std::fs::read_to_string(project.out("pack/charts/t1_support_rate.svg")).unwrap();
    assert!(support.contains("Toàn quốc"), "{support}");
    assert!(!support.contains("Toàn tỉnh"));
    // The front page holds the scorecard and the charts, and links the tables: a page for
    // the country and its provinces, one for each province and its districts.
    assert_eq!(page.matches("<tr data-key=").count(), 0);
    assert!(
        page.contains("<a href=\"tables/VN.html\">"),
        "the country's table page"
    );
    let pages = std::fs::read_dir(project.out("pack/tables"))
        .unwrap()
        .count();
    assert!(pages >= 3, "{pages} table pages");
    let country = std::fs::read_to_string(project.out("pack/tables/VN.html")).unwrap();
    let key = row_key("injured_children", "2021", "VN", None);
    assert!(country.contains(&format!("<tr data-key=\"{}\" class=\"top\">", escape(&key))));
    let page = all_pages(&project.out("pack"));

    // Every suppressed cell of the country, provinces and districts shows its label in the
    // workbook's every sheet and on the page.
    let df = read_parquet(&project.out("indicators/indicators.parquet"));
    let parents = Parents::load(&project.out("ingested/org_units.parquet")).unwrap();
    let published = Published::publish_under(&df, &parents, 5).unwrap();
    let book = sheets(&project.out("pack/indicators.xlsx"));
    let mut checked = 0;
    for r in published.rows().iter().filter(|r| r.period == "2021") {
        let key = row_key(&r.indicator, &r.period, &r.org_unit, r.breakdown.as_deref());
        let cells = [
            ("numerator", "Tử số", r.numerator),
            ("denominator", "Mẫu số", r.denominator),
            ("value", "Giá trị", r.value),
            ("baseline", "Năm gốc", r.baseline),
            ("change", "Thay đổi so với năm gốc", r.change),
        ];
        for (column, header_name, cell) in cells {
            let Some(label) = cell.label(5) else { continue };
            let html = html_row(&page, "data-key", &key).unwrap_or_else(|| panic!("{key}"));
            let at = ROW_COLUMNS.iter().position(|c| *c == column).unwrap();
            assert_eq!(html[at], escape(&label), "page: {key} {column}");
            for (sheet, rows) in &book {
                let Some((rows, header)) = sheet_rows(rows) else {
                    continue;
                };
                let Some(row) = rows.get(&key) else { continue };
                let at = header.iter().position(|h| h == header_name).unwrap();
                assert_eq!(
                    row[at],
                    calamine::Data::String(label.clone()),
                    "{sheet}: {key} {column}"
                );
            }
            checked += 1;
        }
    }
    // The provinces' 2 and 3 injured children in 2021 are "<5", and more besides.
    assert!(checked >= 4, "{checked} suppressed cells checked");
    let all = book.iter().find(|(n, _)| n == "Tất cả chỉ tiêu").unwrap();
    assert!(
        all.1
            .iter()
            .any(|row| row.contains(&calamine::Data::String("Việt Nam".into()))),
        "the workbook names the country"
    );
}

#[test]
fn on_a_generated_national_set_every_province_adds_up_to_the_country() {
    let project = Project::new();
    // The national pipeline file as it is, beside the generated data it names.
    let pipeline = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines/national_2021.toml"),
    )
    .unwrap();
    project.file("pipelines/p.toml", &pipeline);
    let generate = common::treem(
        &project.path(""),
        &[
            "generate",
            "--profile",
            "national",
            "--snapshots",
            "1",
            "--scale",
            "0.002",
            "--seed",
            "7",
            "--out",
            "national_data",
        ],
    );
    generate.expect_code(0);
    // Charts and pack have their own tests; the levels are the indicators'.
    project.run(&["--only", "ingest"]).expect_code(0);
    let run = project.run(&["--only", "indicators"]);
    run.expect_code(0);
    let differs = treem::indicators::registry::recount_differs(&project.out("ingested"));
    assert_eq!(
        differs.unwrap(),
        None,
        "registry_counts is not the registry counted"
    );
    let df = read_parquet(&project.out("indicators/indicators.parquet"));
    let cells = cells(&df);
    let checked = check_levels_add_up(&cells, 63, 705);
    assert!(checked > 10, "only {checked} indicator groups were checked");
    // Every registry row is somewhere: the country counts all the special children the
    // clean table holds.
    // The reporting year's snapshot, that is: the generated set has the baseline year's too.
    let special: usize = common::all_files(&project.out("ingested/registry/year=2021"))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .map(|p| {
            let df = read_parquet(p);
            let column = df.column("special_group").unwrap();
            column.len() - column.null_count()
        })
        .sum();
    let special = special as f64;
    let support = &cells[&("special_support_rate".to_string(), "2021".to_string(), None)]["VN"];
    assert_eq!(support.denominator, Some(special));
    assert!(special > 1000.0, "{special} special children");
}
