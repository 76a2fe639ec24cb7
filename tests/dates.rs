//! Dates as workbooks store them and offices write them, through the real binary: a
//! workbook's date-time cell read to the second (a case intervened exactly 12 hours after
//! it was received is on time); two-digit years and dates in words.

mod common;

use common::{read_parquet, Project, CASES_HEADER};
use polars::prelude::*;

/// (numerator, denominator, value) of the row of `indicator` in period 2021 for the
/// province (64), of `breakdown` (`None` for the total).
fn indicator(project: &Project, indicator: &str, breakdown: Option<&str>) -> [Option<f64>; 3] {
    let df = read_parquet(&project.out("indicators/indicators.parquet"));
    let breakdown_matches = match breakdown {
        Some(b) => col("breakdown").eq(lit(b)),
        None => col("breakdown").is_null(),
    };
    let row = df
        .lazy()
        .filter(
            col("indicator")
                .eq(lit(indicator))
                .and(col("period").eq(lit("2021")))
                .and(col("org_unit").eq(lit("64")))
                .and(breakdown_matches),
        )
        .collect()
        .unwrap();
    assert_eq!(row.height(), 1, "{indicator} {breakdown:?}");
    let f = |c: &str| row.column(c).unwrap().f64().unwrap().get(0);
    [f("numerator"), f("denominator"), f("value")]
}

/// Two abuse cases in a workbook, each received at 13:10 on 1 March 2021 in a date-time
/// cell (stored as 44256.54861111111, a hair below 13:10) and intervened on 2 March, typed
/// as text: V1 at 01:10, exactly 12 hours later; V2 at 01:11, 12 hours and a minute.
fn cases_workbook(project: &Project) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let path = project.path("data/cases/2021/vu_viec.xlsx");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in CASES_HEADER.split(',').enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    let day = Format::new().set_num_format("dd/mm/yyyy");
    let moment = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let received = ExcelDateTime::from_ymd(2021, 3, 1)
        .unwrap()
        .and_hms(13, 10, 0)
        .unwrap();
    let occurred = ExcelDateTime::from_ymd(2021, 3, 1).unwrap();
    for (r, (id, intervened)) in [("V1", "02/03/2021 01:10"), ("V2", "02/03/2021 01:11")]
        .into_iter()
        .enumerate()
    {
        let r = r as u32 + 1;
        for (c, text) in [
            (0, id),
            (1, "TE1"),
            (2, "Nguyễn Văn An"),
            (3, "23944"),
            (4, "Xâm hại"),
            (5, "Bạo lực"),
            (8, intervened),
            (9, "05/03/2021"),
            (11, "Nam"),
            (12, "05/03/2012"),
        ] {
            ws.write_string(r, c, text).unwrap();
        }
        ws.write_datetime_with_format(r, 6, &occurred, &day)
            .unwrap();
        ws.write_datetime_with_format(r, 7, &received, &moment)
            .unwrap();
    }
    book.save(&path).unwrap();
}

#[test]
fn a_case_intervened_exactly_twelve_hours_after_a_workbook_reception_time_is_timely() {
    let p = Project::new();
    cases_workbook(&p);
    p.run(&[]).expect_code(0);

    let files = common::parquet_files(&p.out("ingested/cases"));
    assert_eq!(files.len(), 1);
    let received: Vec<String> = read_parquet(&files[0])
        .column("reported_at")
        .unwrap()
        .as_materialized_series()
        .iter()
        .map(|v| v.to_string())
        .collect();
    assert_eq!(
        received,
        ["2021-03-01 13:10:00", "2021-03-01 13:10:00"],
        "the reception time to the second, not 13:09:59"
    );

    // V1: 12 h 00 min, timely; V2: 12 h 01 min, not.
    assert_eq!(
        indicator(&p, "abuse_intervention_timely_rate", None),
        [Some(1.0), Some(2.0), Some(0.5)]
    );
    assert_eq!(
        indicator(&p, "abuse_intervention_delay", Some("delay=le_12h"))[2],
        Some(1.0)
    );
    assert_eq!(
        indicator(&p, "abuse_intervention_delay", Some("delay=12h_24h"))[2],
        Some(1.0)
    );
}

#[test]
fn a_registry_saved_again_with_two_digit_years_and_words_reads_as_written() {
    let p = Project::new();
    p.file(
        "data/child_registry/2021-12-31/luu_lai.csv",
        &[
            common::REGISTRY_HEADER,
            // row 2: 05/03/12 is 2012 in a pipeline of 2021; the update 30/11/21 is 2021.
            "TE1,Nguyễn Văn An,05/03/12,Nam,Kinh,23944,,,d,Không,Có,,30/11/21",
            // row 3: in words, in capitals, without diacritics.
            "TE2,Trần Thị Bình,NGAY 5 THANG 3 NAM 2013,Nữ,Kinh,23944,,,d,Không,Có,,",
            // row 4: 25 is 2025 (at most ten years ahead), after the snapshot: date_order.
            "TE3,Lê Văn Cường,05/03/25,Nam,Kinh,23944,,,d,Không,Có,,",
            // row 5: 95 is 1995, 26 at the snapshot: excluded as aged out.
            "TE4,Phạm Thị Dung,05/03/95,Nữ,Kinh,23944,,,d,Không,Có,,",
            // row 6: dashes with a two-digit year read two ways: bad_date.
            "TE5,Siu Thị Hiên,05-03-12,Nữ,Jrai,23944,,,d,Không,Có,,",
        ]
        .join("\n"),
    );
    let run = p.run(&[]);
    run.expect_code(0);
    assert!(
        run.stderr()
            .contains("registry: 5 rows read = 2 kept + 2 rejected + 1 excluded"),
        "{}",
        run.stderr()
    );
    let kept = read_parquet(&common::parquet_files(&p.out("ingested/registry"))[0]);
    let years: Vec<Option<i32>> = kept
        .column("birth_year")
        .unwrap()
        .i32()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(years, [Some(2012), Some(2013)]);
    assert_eq!(
        kept.column("updated_on")
            .unwrap()
            .get(0)
            .unwrap()
            .to_string(),
        "2021-11-30"
    );
    let rejected = p.rejections("registry");
    let expected = [
        ("date_order", 4, "birth_date", "rejected"),
        ("aged_out", 5, "birth_date", "excluded"),
        ("bad_date", 6, "birth_date", "rejected"),
    ];
    let got: Vec<(&str, u32, &str, &str)> = rejected
        .iter()
        .map(|(r, n, c, o)| (r.as_str(), *n, c.as_str(), o.as_str()))
        .collect();
    assert_eq!(got, expected);
    // No birth date in any rejected row, however it was written or read.
    let details = common::string_cells(&read_parquet(&p.out("rejected/registry.parquet")));
    for birth in ["05/03/25", "2025-03-05", "05/03/95", "1995", "05-03-12"] {
        assert!(
            !details.iter().any(|d| d.contains(birth)),
            "{birth} in {details:?}"
        );
    }
}
