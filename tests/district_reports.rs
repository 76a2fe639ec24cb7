//! District report workbooks (forms 1–4): what is ingested, and how each kind of broken
//! workbook is reported — by file, sheet and cell — while the others are still ingested.

mod common;

use common::{read_parquet, Project, Workbook};
use polars::prelude::*;

/// (district, item, value, version) of every ingested report value, sorted.
fn ingested(project: &Project) -> Vec<(String, String, Option<f64>, u32)> {
    let mut out = Vec::new();
    for f in common::parquet_files(&project.out("ingested/district_reports")) {
        let df = read_parquet(&f);
        let d = df.column("district_code").unwrap().str().unwrap().clone();
        let i = df.column("item").unwrap().str().unwrap().clone();
        let v = df.column("value").unwrap().f64().unwrap().clone();
        let n = df.column("version").unwrap().u32().unwrap().clone();
        for k in 0..df.height() {
            out.push((
                d.get(k).unwrap().to_string(),
                i.get(k).unwrap().to_string(),
                v.get(k),
                n.get(k).unwrap(),
            ));
        }
    }
    out.sort_by(|a, b| (&a.0, &a.1, a.3).cmp(&(&b.0, &b.1, b.3)));
    out
}

fn value(
    rows: &[(String, String, Option<f64>, u32)],
    district: &str,
    item: &str,
) -> Vec<(Option<f64>, u32)> {
    rows.iter()
        .filter(|r| r.0 == district && r.1 == item)
        .map(|r| (r.2, r.3))
        .collect()
}

fn pleiku_2021() -> Workbook {
    Workbook {
        unit_name: "Phòng LĐTB&XH thành phố Pleiku".into(),
        unit_code: "622".into(),
        ..Workbook::chu_se_2021()
    }
}

#[test]
fn a_good_workbook_gives_every_value_with_its_sending_date() {
    let p = Project::new();
    p.with_reports_and_fund();
    Workbook::chu_se_2021().write(&p.path("data/district_reports/2021/chu_se.xlsx"));
    p.run(&[]).expect_code(0);
    let rows = ingested(&p);
    assert_eq!(rows.len(), 10);
    assert_eq!(value(&rows, "633", "B1.02"), vec![(Some(412.0), 1)]);
    assert_eq!(value(&rows, "633", "B4.02"), vec![(Some(125_000_000.0), 1)]);
    let f = &common::parquet_files(&p.out("ingested/district_reports"))[0];
    assert!(f.to_string_lossy().contains("year=2021"));
    let df = read_parquet(f);
    assert_eq!(
        df.column("sent_on").unwrap().get(0).unwrap().to_string(),
        "2021-11-15"
    );
    assert_eq!(
        df.column("period").unwrap().str().unwrap().get(0),
        Some("2021")
    );
}

#[test]
fn a_missing_sheet_is_named_and_the_other_forms_and_districts_are_kept() {
    let p = Project::new();
    p.with_reports_and_fund();
    Workbook::chu_se_2021().write(&p.path("data/district_reports/2021/chu_se.xlsx"));
    let mut pleiku = pleiku_2021();
    pleiku.sheets[1] = None;
    pleiku.write(&p.path("data/district_reports/2021/pleiku.xlsx"));
    let run = p.run(&[]);
    run.expect_code(0);
    let err = run.stderr();
    assert!(
        err.contains("pleiku.xlsx") && err.contains("Sheet \"Biểu 2\" is missing"),
        "{err}"
    );
    let rows = ingested(&p);
    assert_eq!(rows.iter().filter(|r| r.0 == "633").count(), 10);
    // Pleiku's forms 1, 3 and 4: 3 + 3 + 1 values; no form 2 item.
    assert_eq!(rows.iter().filter(|r| r.0 == "622").count(), 7);
    assert!(value(&rows, "622", "B2.01").is_empty());
    let rejected = p.rejections("district_reports");
    assert!(
        rejected
            .iter()
            .any(|(r, n, c, _)| r == "missing_sheet" && *n == 0 && c == "sheet"),
        "{rejected:?}"
    );
}

#[test]
fn a_code_naming_another_district_rejects_the_workbook_naming_sheet_and_cell() {
    let p = Project::new();
    p.with_reports_and_fund();
    Workbook::chu_se_2021().write(&p.path("data/district_reports/2021/chu_se.xlsx"));
    // Sent by Chư Sê's office, but with Pleiku's code.
    let wrong = Workbook {
        unit_code: "622".into(),
        ..Workbook::chu_se_2021()
    };
    wrong.write(&p.path("data/district_reports/2021/chu_se_sai_ma.xlsx"));
    let run = p.run(&[]);
    // A workbook refused as a whole is a file not read: the data-quality gate fails.
    run.expect_code(3);
    let err = run.stderr();
    assert!(
        err.contains("chu_se_sai_ma.xlsx")
            && err.contains("Sheet \"Biểu 1\", cell B3")
            && err.contains("622"),
        "{err}"
    );
    let rows = ingested(&p);
    assert!(rows.iter().all(|r| r.0 == "633"));
    assert_eq!(
        value(&rows, "633", "B1.02"),
        vec![(Some(412.0), 1)],
        "the good workbook is one version alone"
    );
    assert!(p
        .rejections("district_reports")
        .iter()
        .any(|(r, ..)| r == "org_unit_mismatch"));
}

#[test]
fn text_in_a_number_cell_names_sheet_and_cell_and_keeps_the_other_values() {
    let p = Project::new();
    p.with_reports_and_fund();
    let mut book = Workbook::chu_se_2021();
    book.values[1].1 = "nhiều".into(); // B1.02, the second item row of Biểu 1: row 9
    book.write(&p.path("data/district_reports/2021/chu_se.xlsx"));
    pleiku_2021().write(&p.path("data/district_reports/2021/pleiku.xlsx"));
    let run = p.run(&[]);
    run.expect_code(0);
    let err = run.stderr();
    assert!(
        err.contains("chu_se.xlsx") && err.contains("Sheet \"Biểu 1\", cell E9 (item B1.02)"),
        "{err}"
    );
    assert!(err.contains("\"nhiều\""), "{err}");
    let rows = ingested(&p);
    assert!(value(&rows, "633", "B1.02").is_empty());
    assert_eq!(rows.iter().filter(|r| r.0 == "633").count(), 9);
    assert_eq!(rows.iter().filter(|r| r.0 == "622").count(), 10);
    let rejected = p.rejections("district_reports");
    assert!(
        rejected
            .iter()
            .any(|(r, n, c, _)| r == "bad_number" && *n == 9 && c == "value"),
        "{rejected:?}"
    );
}

#[test]
fn vietnamese_text_values_and_dashes_are_read() {
    let p = Project::new();
    p.with_reports_and_fund();
    let mut book = Workbook::chu_se_2021();
    book.values[0].1 = "'30.500".into();
    book.values[3].1 = "-".into();
    book.values[9].1 = "125.000.000 đồng".into();
    book.values[2].1 = String::new(); // not reported
    book.write(&p.path("data/district_reports/2021/chu_se.xlsx"));
    p.run(&[]).expect_code(0);
    let rows = ingested(&p);
    assert_eq!(value(&rows, "633", "B1.01"), vec![(Some(30_500.0), 1)]);
    assert_eq!(value(&rows, "633", "B2.01"), vec![(Some(0.0), 1)]);
    assert_eq!(value(&rows, "633", "B4.02"), vec![(Some(125_000_000.0), 1)]);
    assert_eq!(
        value(&rows, "633", "B1.03"),
        vec![(None, 1)],
        "blank is missing, not zero"
    );
}

#[test]
fn a_corrected_workbook_is_a_second_version_and_both_are_kept() {
    let p = Project::new();
    p.with_reports_and_fund();
    Workbook::chu_se_2021().write(&p.path("data/district_reports/2021/chu_se.xlsx"));
    let mut corrected = Workbook::chu_se_2021();
    corrected.sent_on = "25/11/2021".into();
    corrected.values[1].1 = "415".into();
    // Named so it sorts first: the sending date, not the name, orders the versions.
    corrected.write(&p.path("data/district_reports/2021/a_bo_sung.xlsx"));
    p.run(&[]).expect_code(0);
    let rows = ingested(&p);
    assert_eq!(
        value(&rows, "633", "B1.02"),
        vec![(Some(412.0), 1), (Some(415.0), 2)]
    );
}

/// The 2021 row of `indicator` for `org_unit`: (numerator, denominator, value).
fn indicator(project: &Project, indicator: &str, org_unit: &str) -> [Option<f64>; 3] {
    let df = read_parquet(&project.out("indicators/indicators.parquet"))
        .lazy()
        .filter(
            col("indicator")
                .eq(lit(indicator))
                .and(col("period").eq(lit("2021")))
                .and(col("org_unit").eq(lit(org_unit)))
                .and(col("breakdown").is_null()),
        )
        .collect()
        .unwrap();
    assert_eq!(df.height(), 1, "{indicator} {org_unit}");
    let f = |c: &str| df.column(c).unwrap().f64().unwrap().get(0);
    [f("numerator"), f("denominator"), f("value")]
}

#[test]
fn a_sending_date_in_words_or_with_a_two_digit_year_is_read() {
    let p = Project::new();
    p.with_reports_and_fund();
    let chu_se = Workbook {
        sent_on: "ngày 16 tháng 11 năm 2021".into(),
        ..Workbook::chu_se_2021()
    };
    chu_se.write(&p.path("data/district_reports/2021/chu_se.xlsx"));
    let pleiku = Workbook {
        sent_on: "Ngày 22/11/21".into(),
        ..pleiku_2021()
    };
    pleiku.write(&p.path("data/district_reports/2021/pleiku.xlsx"));
    p.run(&[]).expect_code(0);
    // Deadline 20/11/2021: Chư Sê on time, Pleiku two days late.
    assert_eq!(indicator(&p, "report_days_late", "633")[2], Some(0.0));
    assert_eq!(indicator(&p, "report_days_late", "622")[2], Some(2.0));
    assert_eq!(p.rejections("district_reports"), []);
}

#[test]
fn an_unreadable_sending_date_costs_that_value_only() {
    let p = Project::new();
    p.with_reports_and_fund();
    // "hôm qua" (yesterday) in the header block of all four forms.
    let chu_se = Workbook {
        sent_on: "hôm qua".into(),
        ..Workbook::chu_se_2021()
    };
    chu_se.write(&p.path("data/district_reports/2021/chu_se.xlsx"));
    pleiku_2021().write(&p.path("data/district_reports/2021/pleiku.xlsx"));
    let run = p.run(&[]);
    run.expect_code(0);
    let err = run.stderr();
    // 10 values each, and the one unreadable date.
    assert!(
        err.contains("district_reports: 21 rows read = 20 kept + 1 rejected + 0 excluded"),
        "{err}"
    );

    // The forms are kept, with no sending date.
    let rows = ingested(&p);
    assert_eq!(rows.iter().filter(|r| r.0 == "633").count(), 10);
    assert_eq!(value(&rows, "633", "B1.02"), vec![(Some(412.0), 1)]);
    let files = common::parquet_files(&p.out("ingested/district_reports"));
    let sent_on: Vec<(String, Option<String>)> = files
        .iter()
        .map(|f| {
            let df = read_parquet(f);
            let district = df.column("district_code").unwrap().str().unwrap().get(0);
            let sent = df.column("sent_on").unwrap().get(0).unwrap();
            let sent = (!sent.is_null()).then(|| sent.to_string());
            (district.unwrap().to_string(), sent)
        })
        .collect();
    assert!(sent_on.contains(&("633".to_string(), None)), "{sent_on:?}");
    assert!(
        sent_on.contains(&("622".to_string(), Some("2021-11-15".to_string()))),
        "{sent_on:?}"
    );

    // The date is one rejected value: file, sheet, row and cell, and why.
    assert_eq!(
        p.rejections("district_reports"),
        [(
            "bad_date".to_string(),
            5,
            "sent_on".to_string(),
            "rejected".to_string()
        )]
    );
    let rejected = read_parquet(&p.out("rejected/district_reports.parquet"));
    let text = |c: &str| {
        rejected
            .column(c)
            .unwrap()
            .str()
            .unwrap()
            .get(0)
            .unwrap()
            .to_string()
    };
    assert!(text("file").ends_with("chu_se.xlsx"), "{}", text("file"));
    assert_eq!(text("sheet"), "Biểu 1");
    let detail = text("detail");
    for part in [
        "chu_se.xlsx",
        "Sheet \"Biểu 1\", cell A5",
        "\"hôm qua\"",
        "sheet \"Biểu 4\", cell A5",
        "sending date is unknown",
    ] {
        assert!(detail.contains(part), "{part:?} in {detail}");
    }

    // Sent, but not on time and with no days late; data quality says why.
    assert_eq!(indicator(&p, "report_completeness", "64")[0], Some(2.0));
    assert_eq!(indicator(&p, "report_completeness", "633")[2], Some(1.0));
    assert_eq!(indicator(&p, "report_timeliness", "64")[0], Some(1.0));
    assert_eq!(indicator(&p, "report_timeliness", "633")[2], Some(0.0));
    assert_eq!(indicator(&p, "report_days_late", "633")[2], None);
    assert_eq!(indicator(&p, "report_days_late", "622")[2], Some(0.0));
    let quality = read_parquet(&p.out("indicators/data_quality.parquet"))
        .lazy()
        .filter(col("check").eq(lit("report_sent_on")))
        .collect()
        .unwrap();
    let s = |c: &str| {
        quality
            .column(c)
            .unwrap()
            .str()
            .unwrap()
            .get(0)
            .map(str::to_string)
    };
    assert_eq!(quality.height(), 1);
    assert_eq!(
        (s("rule"), s("period"), s("district_code")),
        (
            Some("sending_date_unknown".into()),
            Some("2021".into()),
            Some("633".into())
        )
    );
}

#[test]
fn a_workbook_in_the_folder_of_another_period_is_rejected() {
    let p = Project::new();
    p.with_reports_and_fund();
    std::fs::create_dir_all(p.path("data/district_reports/2021S1")).unwrap();
    Workbook::chu_se_2021().write(&p.path("data/district_reports/2021S1/chu_se.xlsx"));
    let run = p.run(&[]);
    // Refused as a whole: not read, so the data-quality gate fails.
    run.expect_code(3);
    assert!(
        run.stderr().contains("period 2021") && run.stderr().contains("folder of period 2021S1"),
        "{}",
        run.stderr()
    );
    assert!(ingested(&p).is_empty());
    assert!(p
        .rejections("district_reports")
        .iter()
        .any(|(r, ..)| r == "period_mismatch"));
}

/// TCVN3 (ABC) font bytes as the Latin-1 characters an old workbook stores them as.
fn tcvn3(s: &str) -> String {
    treem::text::legacy::encode_tcvn3(s)
        .expect("encodable")
        .into_iter()
        .map(char::from)
        .collect()
}

#[test]
fn a_tcvn3_workbook_reads_exactly_as_its_unicode_twin() {
    let dir = tempfile::tempdir().unwrap();
    let unicode = dir.path().join("unicode.xlsx");
    let legacy = dir.path().join("tcvn3.xlsx");
    Workbook::chu_se_2021().write(&unicode);
    Workbook {
        text: tcvn3,
        ..Workbook::chu_se_2021()
    }
    .write(&legacy);
    assert_eq!(
        tcvn3("hộp mứt tết"),
        "hép møt tÕt",
        "the fixture really is TCVN3"
    );

    let read = |path| treem::sources::tabular::read_tables(path).unwrap();
    let (a, b) = (read(&unicode), read(&legacy));
    let cells = |tables: &Vec<treem::sources::tabular::RawTable>| -> Vec<String> {
        tables
            .iter()
            .flat_map(|t| {
                t.rows
                    .iter()
                    .flat_map(|r| r.cells().map(str::to_string).collect::<Vec<_>>())
            })
            .collect()
    };
    assert_eq!(cells(&a), cells(&b));
    assert!(cells(&b).contains(&"ĐƠN VỊ: Phòng LĐTB&XH huyện Chư Sê".to_string()));
    assert!(cells(&b).contains(&"Trong đó: được hỗ trợ, can thiệp".to_string()));

    let units = treem::reference::OrgUnits::load(
        &std::path::Path::new(common::REPO).join("reference/gia_lai_org_units_2021.csv"),
    )
    .unwrap();
    let gia_lai = treem::config::Scope::Province("64".into());
    let century = treem::text::dates::Century::for_reporting_year(2021);
    let ra = treem::sources::district_reports::read(&a, "2021", &units, &gia_lai, century);
    let rb = treem::sources::district_reports::read(&b, "2021", &units, &gia_lai, century);
    assert!(
        ra.problems.is_empty() && rb.problems.is_empty(),
        "{:?} {:?}",
        ra.problems,
        rb.problems
    );
    assert_eq!(ra.report, rb.report);
    assert_eq!(rb.report.unwrap().values.len(), 10);
}

#[test]
fn the_fund_ledger_keeps_corrections_and_rejects_a_bad_kind() {
    let p = Project::new();
    p.with_reports_and_fund();
    p.file(
        "data/fund/quy_2021.csv",
        "Ngày,Nhà tài trợ,Hình thức,Giá trị (đồng),Ghi chú\n\
         05/01/2021,Công ty A,Tiền mặt,\"1.500.000.000\",\n\
         01/06/2021,Ngân hàng B,Hiện vật,250.000.000 đ,Quà Tết thiếu nhi\n\
         15/09/2021,Hội C,Chương trình,300000000,\n\
         20/09/2021,Công ty A,Tiền mặt,-500.000.000,Điều chỉnh giảm do ghi trùng\n\
         21/09/2021,Ông D,Vàng,10.000.000,\n",
    );
    let run = p.run(&[]);
    run.expect_code(0);
    assert!(
        run.stderr()
            .contains("fund: 5 rows read = 4 kept + 1 rejected + 0 excluded"),
        "{}",
        run.stderr()
    );
    let mut total = 0i64;
    let mut corrections = 0;
    for f in common::parquet_files(&p.out("ingested/fund")) {
        let df = read_parquet(&f);
        total += df
            .column("value_vnd")
            .unwrap()
            .i64()
            .unwrap()
            .sum()
            .unwrap();
        corrections += df
            .column("is_correction")
            .unwrap()
            .bool()
            .unwrap()
            .sum()
            .unwrap();
        assert!(
            df.get_column_names().iter().all(|c| c.as_str() != "donor"),
            "donors stay behind"
        );
    }
    // 1,500,000,000 + 250,000,000 + 300,000,000 − 500,000,000
    assert_eq!(total, 1_550_000_000);
    assert_eq!(corrections, 1);
    let rejected = p.rejections("fund");
    assert_eq!(
        rejected
            .iter()
            .map(|r| (r.0.as_str(), r.1, r.2.as_str()))
            .collect::<Vec<_>>(),
        vec![("bad_value", 6, "kind")]
    );
}

/// (file name, row, column, detail) of every rejected row of `table`.
fn rejected_details(project: &Project, table: &str) -> Vec<(String, u32, String, String)> {
    let df = read_parquet(&project.out(&format!("rejected/{table}.parquet")));
    let text = |c: &str| df.column(c).unwrap().str().unwrap().clone();
    let (file, column, detail) = (text("file"), text("column"), text("detail"));
    let row = df.column("row").unwrap().u32().unwrap().clone();
    let mut out: Vec<_> = (0..df.height())
        .map(|k| {
            let name = std::path::Path::new(file.get(k).unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let column = column.get(k).unwrap_or("").to_string();
            let detail = detail.get(k).unwrap_or("").to_string();
            (name, row.get(k).unwrap(), column, detail)
        })
        .collect();
    out.sort();
    out
}

/// Every kept amount of the fund ledger, sorted.
fn fund_values(project: &Project) -> Vec<i64> {
    let mut values: Vec<i64> = common::parquet_files(&project.out("ingested/fund"))
        .iter()
        .flat_map(|f| {
            let df = read_parquet(f);
            let v = df.column("value_vnd").unwrap().i64().unwrap().clone();
            v.iter().flatten().collect::<Vec<_>>()
        })
        .collect();
    values.sort();
    values
}

#[test]
fn an_english_locale_ledger_is_read_in_thousands_and_what_stays_ambiguous_is_refused() {
    let p = Project::new();
    p.with_reports_and_fund();
    // Saved as CSV on an English-locale computer: "800,000" is 800,000 đồng, as
    // "13,000,000" in the same column shows (it was read as 800 before).
    p.file(
        "data/fund/english.csv",
        "Ngày,Nhà tài trợ,Hình thức,Giá trị (đồng),Ghi chú\n\
         05/01/2021,Công ty A,Tiền mặt,\"13,000,000\",\n\
         06/01/2021,Nguyễn Văn An,Tiền mặt,\"800,000\",\n\
         07/01/2021,Hội C,Hiện vật,\"900,000\",\n\
         08/01/2021,Công ty A,Chương trình,94.000.000 đ,typed by hand\n",
    );
    // This column writes "." as a decimal point (row 2): "1.500" could be 1.5 đồng as well
    // as 1,500, and is refused; "800,000" is still 800,000.
    p.file(
        "data/fund/decimals.csv",
        "Ngày,Nhà tài trợ,Hình thức,Giá trị (đồng),Ghi chú\n\
         05/02/2021,Công ty A,Tiền mặt,\"1,250,000.00\",\n\
         06/02/2021,Nguyễn Văn An,Tiền mặt,1.500,\n\
         07/02/2021,Hội C,Tiền mặt,\"800,000\",\n",
    );
    let run = p.run(&[]);
    run.expect_code(0);
    assert!(
        run.stderr()
            .contains("fund: 7 rows read = 6 kept + 1 rejected + 0 excluded"),
        "{}",
        run.stderr()
    );
    assert_eq!(
        fund_values(&p),
        vec![800_000, 800_000, 900_000, 1_250_000, 13_000_000, 94_000_000]
    );
    let rejected = rejected_details(&p, "fund");
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    let (file, row, column, detail) = &rejected[0];
    assert_eq!(
        (file.as_str(), *row, column.as_str()),
        ("decimals.csv", 3, "value_vnd")
    );
    assert_eq!(
        detail,
        "Cannot read \"1.500\" as an amount in đồng for sure: with \".\" grouping thousands \
         it is 1500, but row 2 of the same column (\"1,250,000.00\") uses \".\" as the \
         decimal mark, which makes it 1.5."
    );
    assert!(!detail.contains("Nguyễn"), "no donor in a message");
    assert_eq!(p.rejections("fund")[0].0, "bad_number");
}

#[test]
fn form_values_are_whole_numbers_read_as_their_sheet_column() {
    let p = Project::new();
    p.with_reports_and_fund();
    // Chư Sê types "405,0": its Biểu 1 writes "," as the decimal mark, so "30,500" children
    // could be 30.5 as well as 30,500, and is refused; "98,5" people is no count at all.
    let mut chu_se = Workbook::chu_se_2021();
    chu_se.values[0].1 = "'30,500".into(); // B1.01, Biểu 1 row 8
    chu_se.values[2].1 = "'405,0".into(); // B1.03, row 10
    chu_se.values[3].1 = "'98,5".into(); // B2.01, Biểu 2 row 8
    chu_se.values[9].1 = "'125,000,000".into(); // B4.02
    chu_se.write(&p.path("data/district_reports/2021/chu_se.xlsx"));
    // Pleiku writes English thousands throughout: "30,500" is 30,500.
    let mut pleiku = pleiku_2021();
    pleiku.values[0].1 = "'30,500".into();
    pleiku.values[9].1 = "'125,000,000".into();
    pleiku.write(&p.path("data/district_reports/2021/pleiku.xlsx"));
    let run = p.run(&[]);
    run.expect_code(0);
    let rows = ingested(&p);
    assert_eq!(value(&rows, "622", "B1.01"), vec![(Some(30_500.0), 1)]);
    assert_eq!(value(&rows, "622", "B4.02"), vec![(Some(125_000_000.0), 1)]);
    assert_eq!(value(&rows, "633", "B1.03"), vec![(Some(405.0), 1)]);
    assert_eq!(value(&rows, "633", "B4.02"), vec![(Some(125_000_000.0), 1)]);
    assert!(value(&rows, "633", "B1.01").is_empty());
    assert!(value(&rows, "633", "B2.01").is_empty());
    assert_eq!(rows.iter().filter(|r| r.0 == "633").count(), 8);
    let rejected = rejected_details(&p, "district_reports");
    let at: Vec<(&str, u32, &str)> = rejected
        .iter()
        .map(|r| (r.0.as_str(), r.1, r.2.as_str()))
        .collect();
    assert_eq!(
        at,
        vec![("chu_se.xlsx", 8, "value"), ("chu_se.xlsx", 8, "value")]
    );
    // Each detail names the workbook, then the sheet, cell and item.
    let file = "pipelines/../data/district_reports/2021/chu_se.xlsx: ";
    let details: Vec<&str> = rejected
        .iter()
        .filter_map(|r| r.3.strip_prefix(file))
        .collect();
    assert!(
        details.contains(
            &"Sheet \"Biểu 1\", cell E8 (item B1.01): Cannot read \"30,500\" as a whole \
              number for sure: with \",\" grouping thousands it is 30500, but cell E10 of the \
              same column (\"405,0\") uses \",\" as the decimal mark, which makes it 30,5."
        ),
        "{details:?}"
    );
    assert!(
        details.contains(
            &"Sheet \"Biểu 2\", cell E8 (item B2.01): Cannot read \"98,5\" as a whole \
              number: it has a fractional part."
        ),
        "{details:?}"
    );
}
