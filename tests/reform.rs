//! The new Gia Lai across the 2025 reform, end to end: `pipelines/gia_lai_2026.toml` on the
//! bundled sample (`sample_data/gia_lai_2026`), run by the binary, and the facts the
//! generator planted (`src/generate/reform.rs`) read back from the indicators with numbers
//! worked out by hand.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use polars::prelude::*;

struct Reform {
    out: common::Folder,
    stderr: String,
}

fn reform_run() -> &'static Reform {
    static RUN: OnceLock<Reform> = OnceLock::new();
    RUN.get_or_init(|| {
        let out = common::Folder::kept("reform-run");
        let out_arg = out.path().to_string_lossy().into_owned();
        let run = common::treem(
            Path::new(common::REPO),
            &["run", "pipelines/gia_lai_2026.toml", "--out", &out_arg],
        );
        run.expect_code(0);
        Reform {
            stderr: run.stderr(),
            out,
        }
    })
}

/// One total row of the indicators: (numerator, denominator, value, baseline numerator,
/// baseline denominator, baseline, comparable, level).
#[derive(Debug, PartialEq)]
struct Total {
    numerator: Option<f64>,
    denominator: Option<f64>,
    value: Option<f64>,
    baseline_numerator: Option<f64>,
    baseline_denominator: Option<f64>,
    baseline: Option<f64>,
    comparable: Option<bool>,
    level: String,
}

fn total(indicator: &str, period: &str, org_unit: &str) -> Total {
    let df = common::indicator_row(reform_run().out.path(), indicator, period, org_unit);
    let f = |c: &str| df.column(c).unwrap().f64().unwrap().get(0);
    Total {
        numerator: f("numerator"),
        denominator: f("denominator"),
        value: f("value"),
        baseline_numerator: f("baseline_numerator"),
        baseline_denominator: f("baseline_denominator"),
        baseline: f("baseline"),
        comparable: df.column("comparable").unwrap().bool().unwrap().get(0),
        level: df
            .column("level")
            .unwrap()
            .str()
            .unwrap()
            .get(0)
            .unwrap()
            .to_string(),
    }
}

#[test]
fn a_whole_merge_sums_the_old_communes_into_the_baseline() {
    // Phường Diên Hồng (23563) merged Yên Đỗ 2/3, Diên Hồng 4/4, Ia Kring 3/5 and Diên Phú
    // 1/2 (supported / in special circumstances, 31 December 2024): 10/14. At the end of
    // 2026 it has 12/12, three of them in an export that still writes Yên Đỗ's code.
    let t = total("special_support_rate", "2026", "23563");
    assert_eq!(t.level, "commune");
    assert_eq!((t.numerator, t.denominator), (Some(12.0), Some(12.0)));
    assert_eq!(
        (t.baseline_numerator, t.baseline_denominator),
        (Some(10.0), Some(14.0))
    );
    assert_eq!(t.comparable, Some(true));
    // Injured children: one in each of three old wards in 2024, two in 2026.
    let injured = total("injured_children", "2026", "23563");
    assert_eq!(
        (injured.numerator, injured.baseline),
        (Some(2.0), Some(3.0))
    );
    assert_eq!(injured.comparable, Some(true));
}

#[test]
fn a_split_commune_is_allocated_by_the_rule_and_marked_not_comparable() {
    // Canh Hiệp (22000, 2/4) was split between Vân Canh and Canh Vinh and kept no code:
    // kept_code sends its rows to the first listed, Vân Canh (21994), whose baseline is
    // Vân Canh 3/3 + Canh Hiệp 2/4 + Canh Thuận 2/2 + Canh Hòa 1/1 = 8/10.
    let t = total("special_support_rate", "2026", "21994");
    assert_eq!((t.numerator, t.denominator), (Some(8.0), Some(9.0)));
    assert_eq!(
        (t.baseline_numerator, t.baseline_denominator),
        (Some(8.0), Some(10.0))
    );
    assert_eq!(t.comparable, Some(false));
    // Canh Liên (21997) kept its code for its remainder: its 2/2 stays there.
    let t = total("special_support_rate", "2026", "21997");
    assert_eq!(
        (t.baseline_numerator, t.baseline_denominator),
        (Some(2.0), Some(2.0))
    );
    assert_eq!(t.comparable, Some(false));
}

#[test]
fn a_reused_code_is_read_in_its_own_list() {
    // 22006 was Xã Canh Hiển (3/3) in 2024; since 1 July 2025 it is Xã Canh Vinh, which
    // merged it with the old Canh Vinh (22003, 1/2) and took parts of two split communes:
    // a baseline of 4/5, not exactly comparable; 6/6 in 2026.
    let t = total("special_support_rate", "2026", "22006");
    assert_eq!((t.numerator, t.denominator), (Some(6.0), Some(6.0)));
    assert_eq!(
        (t.baseline_numerator, t.baseline_denominator),
        (Some(4.0), Some(5.0))
    );
    assert_eq!(t.comparable, Some(false));
    // An Hòa (21628) took part of An Nghĩa's area but none of its people: exact.
    assert_eq!(
        total("special_support_rate", "2026", "21628").comparable,
        Some(true)
    );
}

#[test]
fn the_province_baseline_covers_both_former_provinces() {
    let province = total("special_support_rate", "2026", "52");
    assert_eq!(province.level, "province");
    // Every child of the 2024 snapshot, of old Gia Lai and of Bình Định, counted from the
    // bundled files themselves.
    let mut special = 0.0;
    for name in [
        "tre_em_gia_lai_cu_31122024.csv",
        "tre_em_binh_dinh_31122024.csv",
    ] {
        let path = Path::new(common::REPO)
            .join("sample_data/gia_lai_2026/child_registry/2024-12-31")
            .join(name);
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let in_file = reader
            .records()
            .filter(|r| {
                r.as_ref()
                    .map(|r| !r.get(8).unwrap_or_default().is_empty())
                    .unwrap_or(false)
            })
            .count();
        assert!(in_file > 0, "{name} has children in special circumstances");
        special += in_file as f64;
    }
    assert_eq!(province.baseline_denominator, Some(special));
    // Communes split by the reform lie in the province: its trend is not exact either.
    assert_eq!(province.comparable, Some(false));
}

#[test]
fn communes_send_the_forms_and_a_late_one_is_late() {
    // 20 of the 135 communes sent their 2026 report; Diên Hồng's came on 27 November,
    // 7 days after the deadline of the 20th.
    let completeness = total("report_completeness", "2026", "52");
    assert_eq!(
        (completeness.numerator, completeness.denominator),
        (Some(20.0), Some(135.0))
    );
    let timeliness = total("report_timeliness", "2026", "52");
    assert_eq!(
        (timeliness.numerator, timeliness.denominator),
        (Some(19.0), Some(135.0))
    );
    let late = total("report_days_late", "2026", "23563");
    assert_eq!(late.level, "commune");
    assert_eq!(late.value, Some(7.0));
    // The district reports of 2024 are not in the new units: no baseline, not a false 0.
    assert_eq!(completeness.baseline, None);
}

#[test]
fn old_codes_in_a_new_export_are_mapped_and_said_so() {
    // And every 2024 code reaches a new commune: nothing is left out unsaid.
    assert!(
        !reform_run().stderr.contains("reach no commune"),
        "{}",
        reform_run().stderr
    );
    assert!(
        reform_run().stderr.contains(
            "3 rows dated under the list \"2025\" still wrote commune codes of an earlier list"
        ),
        "{}",
        reform_run().stderr
    );
}

#[test]
fn the_pack_marks_what_is_not_exactly_comparable_and_charts_stay_short() {
    let out = reform_run().out.path();
    // The full tables are pages by parent unit; the baselines of split communes are marked.
    let mut tables = String::new();
    for entry in std::fs::read_dir(out.join("pack/tables")).unwrap() {
        tables.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(tables.contains("class=\"approx\""));
    assert!(tables.contains("Không so sánh được hoàn toàn"));
    // 135 communes: the support-rate chart names them all in one band and draws a row
    // only for those under the target, so it stays a page, not a strip.
    let svg = std::fs::read_to_string(out.join("charts/t1_support_rate.svg")).unwrap();
    assert!(svg.contains("Cả 135 xã"), "the band of every commune");
    assert!(
        svg.contains("Các hàng: 1 xã thấp nhất dưới mục tiêu"),
        "{svg}"
    );
    let height: f64 = svg
        .split("height=\"")
        .nth(1)
        .and_then(|h| h.split('"').next())
        .and_then(|h| h.parse().ok())
        .unwrap();
    assert!(height <= 1500.0, "the chart is {height} px tall");
}

#[test]
fn the_sample_is_rebuilt_byte_for_byte_by_its_seed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_string_lossy().into_owned();
    common::treem(
        Path::new(common::REPO),
        &[
            "generate",
            "--profile",
            "gia-lai-2026",
            "--seed",
            "2026",
            "--out",
            &out,
        ],
    )
    .expect_code(0);
    let bundled = Path::new(common::REPO).join("sample_data/gia_lai_2026");
    let made = common::all_files(dir.path());
    assert_eq!(made.len(), common::all_files(&bundled).len());
    for path in made {
        let relative = path.strip_prefix(dir.path()).unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(bundled.join(relative)).unwrap(),
            "{} differs",
            relative.display()
        );
    }
}

#[test]
fn a_baseline_without_a_former_province_says_which_part_is_missing() {
    // The sample without Bình Định's 2024 rows: its registry file left out, its 2024
    // cases (communes coded below 23000) dropped.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let bundled = Path::new(common::REPO).join("sample_data/gia_lai_2026");
    for path in common::all_files(&bundled) {
        let relative = path.strip_prefix(&bundled).unwrap();
        if relative.ends_with("tre_em_binh_dinh_31122024.csv") {
            continue;
        }
        let target = data.join(relative);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&path, &target).unwrap();
    }
    let cases = data.join("cases/2024/vu_viec_2024.csv");
    let text = std::fs::read_to_string(&cases).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .enumerate()
        .filter(|(i, line)| *i == 0 || line.split(',').nth(3).is_some_and(|c| c >= "23000"))
        .map(|(_, line)| line)
        .collect();
    std::fs::write(&cases, kept.join("\n") + "\n").unwrap();
    let pipeline =
        std::fs::read_to_string(Path::new(common::REPO).join("pipelines/gia_lai_2026.toml"))
            .unwrap()
            .replace("../sample_data/gia_lai_2026/", "data/");
    std::fs::write(dir.path().join("p.toml"), pipeline).unwrap();
    common::treem(
        dir.path(),
        &["run", "p.toml", "--only", "ingest", "--out", "out"],
    )
    .expect_code(0);
    common::treem(
        dir.path(),
        &["run", "p.toml", "--only", "indicators", "--out", "out"],
    )
    .expect_code(0);
    let df = common::read_parquet(&dir.path().join("out/indicators/indicators.parquet"))
        .lazy()
        .filter(
            col("indicator")
                .eq(lit("special_support_rate"))
                .and(col("period").eq(lit("2026")))
                .and(col("org_unit").eq(lit("52")))
                .and(col("breakdown").is_null()),
        )
        .collect()
        .unwrap();
    assert_eq!(
        df.column("comparable").unwrap().bool().unwrap().get(0),
        Some(false)
    );
    let why = df
        .column("comparability")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_string();
    assert!(why.contains("former province(s) 52 (Bình Định)"), "{why}");
    // The whole bundled sample lacks nothing: its note is the split communes'.
    let whole = total("special_support_rate", "2026", "52");
    assert_eq!(whole.comparable, Some(false));
}

#[test]
fn the_report_and_the_feedback_speak_of_communes() {
    let out = reform_run().out.path();
    // One feedback workbook per commune of the new province, each linked from the pack.
    let feedback: Vec<String> = std::fs::read_dir(out.join("feedback"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(feedback.len(), 135, "{feedback:?}");
    assert!(feedback.contains(&"23563_phuong_dien_hong.xlsx".to_string()));
    let index = std::fs::read_to_string(out.join("pack/index.html")).unwrap();
    assert!(index.contains("href=\"../feedback/23563_phuong_dien_hong.xlsx\""));
    // The report counts the communes that sent their forms, not districts.
    let file = std::fs::File::open(out.join("report/bao_cao_2026.docx")).unwrap();
    let mut docx = ::zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut docx.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(
        xml.contains("20/135 đơn vị cấp xã đã gửi báo cáo kỳ này"),
        "{xml}"
    );
    assert!(!xml.contains("đơn vị cấp huyện"));
}

/// Every XML member of a zip file (a workbook's sheets and strings, a document's body),
/// one after the other.
fn zipped_text(path: &Path) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = ::zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    for i in 0..zip.len() {
        let mut member = zip.by_index(i).unwrap();
        if member.name().ends_with(".xml") {
            std::io::Read::read_to_string(&mut member, &mut text).unwrap();
        }
    }
    text
}

#[test]
fn nothing_a_reader_sees_speaks_of_districts_under_the_2025_units() {
    let out = reform_run().out.path();
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut read = |path: std::path::PathBuf, text: String| {
        texts.push((path.display().to_string(), text));
    };
    read(
        out.join("pack/index.html"),
        std::fs::read_to_string(out.join("pack/index.html")).unwrap(),
    );
    for page in common::files_with_extension(&out.join("pack/tables"), "html") {
        let text = std::fs::read_to_string(&page).unwrap();
        read(page, text);
    }
    for chart in common::files_with_extension(&out.join("charts"), "svg") {
        let text = std::fs::read_to_string(&chart).unwrap();
        read(chart, text);
    }
    let workbook = out.join("pack/indicators.xlsx");
    let sheets = zipped_text(&workbook);
    assert!(sheets.contains("Xã tổ chức Diễn đàn trẻ em"));
    read(workbook, sheets);
    for period in ["2026", "2026S1"] {
        let docx = out.join(format!("report/bao_cao_{period}.docx"));
        let body = zipped_text(&docx);
        read(docx, body);
    }
    for (path, text) in &texts {
        let lower = text.to_lowercase();
        assert!(!lower.contains("huyện"), "{path} speaks of districts");
    }
    let index = &texts[0].1;
    for name in [
        "Xã tổ chức Tháng hành động vì trẻ em",
        "Tỷ lệ xã gửi báo cáo đúng hạn",
    ] {
        assert!(index.contains(name), "index.html lacks \"{name}\"");
    }
}

#[test]
fn a_commune_report_with_a_code_the_reform_retired_says_what_to_write() {
    // Phường Quy Nhơn's 2026 report, on last year's template: its unit code is that of
    // Phường Đống Đa (21556), one of the wards merged into it on 1 July 2025.
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(
        &Path::new(common::REPO).join("sample_data/gia_lai_2026"),
        &dir.path().join("data"),
    );
    let pipeline =
        std::fs::read_to_string(Path::new(common::REPO).join("pipelines/gia_lai_2026.toml"))
            .unwrap()
            .replace("../sample_data/gia_lai_2026", "data");
    std::fs::write(dir.path().join("p.toml"), pipeline).unwrap();
    let workbook = dir
        .path()
        .join("data/commune_reports/2026/bao_cao_21583_2026.xlsx");
    let mut zip = ::zip::ZipArchive::new(std::fs::File::open(&workbook).unwrap()).unwrap();
    let mut members = Vec::new();
    for i in 0..zip.len() {
        let mut member = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut member, &mut bytes).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        if member.name().ends_with(".xml") && text.contains("21583") {
            bytes = text.replace("21583", "21556").into_bytes();
        }
        members.push((member.name().to_string(), bytes));
    }
    let mut out = ::zip::ZipWriter::new(std::fs::File::create(&workbook).unwrap());
    for (name, bytes) in members {
        out.start_file(name, ::zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut out, &bytes).unwrap();
    }
    out.finish().unwrap();

    let run = common::treem(
        dir.path(),
        &["run", "p.toml", "--out", "out", "--only", "ingest"],
    );
    let said = "Commune code \"21556\" was Phường Đống Đa in the list \"2024\"; since 01/07/2025 it is part of 21583 (Phường Quy Nhơn): write 21583 and report for the whole new commune.";
    assert!(run.stderr().contains(said), "{}", run.stderr());
    // The file is refused, not read as someone else's: one rejected row that says so.
    let rejected = common::rejected_rows(&dir.path().join("out/rejected/district_reports.parquet"));
    let refusal: Vec<_> = rejected
        .iter()
        .filter(|r| r.detail.contains(said))
        .collect();
    assert_eq!(refusal.len(), 1, "{rejected:?}");
    assert_eq!(refusal[0].file_name, "bao_cao_21583_2026.xlsx");
}
