//! The charts of the bundled sample, end to end: `treem run` draws every chart as a print
//! PNG and an SVG; the SVG of T1 carries its Vietnamese title and the province's 98,2 %,
//! and its bars are the indicator values of the Parquet; `--lang en` gives English; and no
//! suppressed cell of any chart shows its true value where its bar would be.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{treem, REPO};
use polars::prelude::*;
use treem::charts::{svg_texts, Charts, Field, OrgUnitNames, Plotted, Scope};
use treem::disclosure::{Cell, Published};
use treem::text::Lang;

const CHARTS: [&str; 10] = [
    "t1_support_rate",
    "t2_events",
    "t3_staff_trained",
    "t4_abuse_delays",
    "t5_injuries_by_subtype",
    "t5_injuries_by_district",
    "t5_abuse_by_subtype",
    "t6_fund",
    "report_timeliness",
    "scorecard",
];

fn sample_out() -> &'static Path {
    static OUT: OnceLock<common::Folder> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = common::Folder::kept("charts-sample");
        let out_arg = out.path().to_string_lossy().into_owned();
        treem(Path::new(REPO), &["run", "--out", &out_arg]).expect_code(0);
        out
    })
    .path()
}

fn svg(chart: &str) -> Vec<String> {
    let path = sample_out().join("charts").join(format!("{chart}.svg"));
    svg_texts(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}")))
}

fn indicators() -> DataFrame {
    common::read_parquet(&sample_out().join("indicators/indicators.parquet"))
}

fn plan() -> treem::config::Plan {
    treem::config::load(&Path::new(REPO).join("pipelines/gia_lai_2021.toml")).unwrap()
}

/// The charts' series as the run drew them: the Parquet, published with the plan's rule.
fn charts() -> Charts {
    let plan = plan();
    let published = Published::publish(&indicators(), plan.min_count).unwrap();
    let names = OrgUnitNames::load(&sample_out().join("ingested/org_units.parquet")).unwrap();
    Charts::series(&published, &Scope::new(&plan, names).unwrap())
}

/// The true value of a plotted cell, read from the internal Parquet with polars.
fn truth(df: &DataFrame, period: &str, p: &Plotted) -> Option<f64> {
    let column = match p.field {
        Field::Value => "value",
        Field::Numerator => "numerator",
        Field::Denominator => "denominator",
        Field::Baseline => "baseline",
        Field::Change => "change",
    };
    let breakdown = match &p.breakdown {
        Some(b) => col("breakdown").eq(lit(b.clone())),
        None => col("breakdown").is_null(),
    };
    let hit = df
        .clone()
        .lazy()
        .filter(
            col("indicator")
                .eq(lit(p.indicator.clone()))
                .and(col("period").eq(lit(period)))
                .and(col("org_unit").eq(lit(p.org_unit.clone())))
                .and(breakdown),
        )
        .select([col(column)])
        .collect()
        .unwrap();
    assert_eq!(hit.height(), 1, "one row for {p:?}");
    hit.column(column).unwrap().f64().unwrap().get(0)
}

#[test]
fn every_chart_is_a_print_png_and_an_svg() {
    for chart in CHARTS {
        let png = std::fs::read(sample_out().join("charts").join(format!("{chart}.png"))).unwrap();
        assert_eq!(&png[1..4], b"PNG", "{chart}");
        let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        assert!(width >= 2400, "{chart}: {width} px");
        assert!(!svg(chart).is_empty(), "{chart}");
    }
    // Every file but the run's own bookkeeping (the hidden step fingerprint) is a chart.
    let mut files: Vec<PathBuf> = std::fs::read_dir(sample_out().join("charts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    files.sort();
    assert_eq!(files.len(), 2 * CHARTS.len(), "{files:?}");
}

#[test]
fn t1_has_its_vietnamese_title_the_province_value_and_the_parquet_values() {
    let texts = svg("t1_support_rate");
    assert!(
        texts.contains(
            &"Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp, theo huyện – 2021".to_string()
        ),
        "{texts:?}"
    );
    // 5419 / 5518 = 98,21 %.
    let province = texts.iter().position(|t| t == "Toàn tỉnh").unwrap();
    assert_eq!(texts[province + 1], "98,2 %");
    assert!(texts.contains(&"Mục tiêu 98,5 %".to_string()), "{texts:?}");

    let df = indicators();
    let t1 = charts().t1_support_rate;
    assert_eq!(t1.rates.districts.len(), 17);
    assert_eq!(t1.rates.province.cell, Cell::Value(5419.0 / 5518.0));
    for (name, p) in &t1.rates.districts {
        let drawn = texts.iter().position(|t| t == name).unwrap();
        match p.cell {
            Cell::Value(v) => {
                assert_eq!(Some(v), truth(&df, "2021", p), "{name}");
                let label = format!("{:.1} %", v * 100.0).replace('.', ",");
                assert_eq!(texts[drawn + 1], label, "{name}");
            }
            other => assert_eq!(Some(texts[drawn + 1].clone()), other.label(5), "{name}"),
        }
    }
}

#[test]
fn lang_en_gives_english_titles_and_numbers() {
    // The charts step alone, on a copy of the sample's indicators and org units.
    let out = tempfile::tempdir().unwrap();
    for rel in [
        "indicators/indicators.parquet",
        "ingested/org_units.parquet",
    ] {
        let to = out.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(sample_out().join(rel), &to).unwrap();
    }
    let out_arg = out.path().to_string_lossy().into_owned();
    let run = treem(
        Path::new(REPO),
        &["run", "--only", "charts", "--lang", "en", "--out", &out_arg],
    );
    run.expect_code(0);
    let svg = std::fs::read_to_string(out.path().join("charts/t1_support_rate.svg")).unwrap();
    let texts = svg_texts(&svg);
    assert!(
        texts.contains(
            &"Children in special circumstances who are supported, by district – 2021".to_string()
        ),
        "{texts:?}"
    );
    let province = texts.iter().position(|t| t == "Province").unwrap();
    assert_eq!(texts[province + 1], "98.2%");
    assert!(!texts.iter().any(|t| t.contains("Tỷ lệ")), "{texts:?}");
}

#[test]
fn no_suppressed_cell_shows_its_true_value() {
    let df = indicators();
    let charts = charts();
    let period = "2021";
    let mut checked = 0;
    for (chart, rows) in charts.plotted(Lang::Vi) {
        let texts = svg(chart);
        for row in rows {
            if !row.cells.iter().any(|p| p.cell.is_suppressed()) {
                continue;
            }
            // The row's label, then its bars' labels in order (hbars draws them so).
            let at: Vec<usize> = (0..texts.len())
                .filter(|&i| texts[i] == row.label)
                .collect();
            assert_eq!(at.len(), 1, "{chart}: label {:?} in {texts:?}", row.label);
            let band = &texts[at[0] + 1..at[0] + 1 + row.cells.len()];
            for (k, p) in row.cells.iter().enumerate() {
                if !p.cell.is_suppressed() {
                    continue;
                }
                checked += 1;
                assert_eq!(Some(band[k].clone()), p.cell.label(5), "{chart}: {p:?}");
                let true_value = truth(&df, period, p).unwrap_or_else(|| panic!("{p:?}"));
                let forms = [
                    format!("{true_value:.0}"),
                    format!("{:.1}", true_value * 100.0).replace('.', ","),
                ];
                for text in band {
                    for form in &forms {
                        assert!(
                            !text.contains(form.as_str()),
                            "{chart}: {p:?} (true {true_value}) drawn as {text:?}"
                        );
                    }
                }
            }
        }
    }
    // The sample's abuse charts have small counts: the test checked real cells.
    assert!(checked >= 5, "only {checked} suppressed cells checked");
}
