//! Issue 19: a CSV saved on an English (US) computer writes its dates month first. Its
//! dates that read two ways are rejected, naming the cell that shows the order; the ones
//! that read one way are read that way; none is read swapped; a day-first file next to it
//! reads as it always did.

mod common;

use common::{parquet_files, read_parquet, Project, CASES_HEADER, REGISTRY_HEADER};
use polars::prelude::*;

/// (file name, row, column, reason, detail) of every rejected row of `table`, by row.
fn rejected(project: &Project, table: &str) -> Vec<(String, u32, String, String, String)> {
    let mut out: Vec<_> = project
        .rejected(table)
        .into_iter()
        .map(|r| (r.file_name, r.row, r.column, r.reason, r.detail))
        .collect();
    out.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    out
}

/// (snapshot, birth year, update date) of every kept registry row, sorted.
fn kept_registry(project: &Project) -> Vec<(String, i32, Option<String>)> {
    let mut out = Vec::new();
    for part in parquet_files(&project.out("ingested/registry")) {
        let df = read_parquet(&part);
        let text = |c: &str| -> Vec<Option<String>> {
            df.column(c)
                .unwrap()
                .cast(&DataType::String)
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .map(|v| v.map(str::to_string))
                .collect()
        };
        let (snapshots, updated) = (text("snapshot_date"), text("updated_on"));
        let years: Vec<i32> = df
            .column("birth_year")
            .unwrap()
            .cast(&DataType::Int32)
            .unwrap()
            .i32()
            .unwrap()
            .iter()
            .map(|v| v.unwrap())
            .collect();
        for i in 0..df.height() {
            out.push((snapshots[i].clone().unwrap(), years[i], updated[i].clone()));
        }
    }
    out.sort();
    out
}

#[test]
fn a_registry_written_month_first_rejects_its_two_way_dates_and_reads_none_swapped() {
    let project = Project::new();
    project.file(
        "data/child_registry/2021-12-31/en_us.csv",
        &[
            REGISTRY_HEADER,
            // row 2: 16 January 2012, 30 December 2021 — one way only: kept
            "TE1,Tên,01/16/2012,Nam,Kinh,23944,,,d,Không,Có,,12/30/2021",
            // row 3: 4 March or 3 April 2012: rejected, the birth date not quoted
            "TE2,Tên,03/04/2012,Nữ,Kinh,23944,,,d,Không,Có,,12/30/2021",
            // row 4: birth one way; update 1 December or 12 January 2021: rejected
            "TE3,Tên,05/05/2012,Nam,Kinh,23944,,,d,Không,Có,,12/01/2021",
            // row 5: 4 April 2013, 13 December 2021 (two-digit years, as LibreOffice
            // en-US writes them): kept
            "TE4,Tên,04/04/13,Nữ,Kinh,23944,,,d,Không,Có,,12/13/21",
        ]
        .join("\n"),
    );
    // Day-first, as the software writes it: 1 April 2012, 16 June 2021; and 2 March.
    project.file(
        "data/child_registry/2021-06-30/vi.csv",
        &[
            REGISTRY_HEADER,
            "TE1,Tên,01/04/2012,Nam,Kinh,23944,,,d,Không,Có,,16/06/2021",
            "TE2,Tên,16/01/2012,Nữ,Kinh,23944,,,d,Không,Có,,02/03/2021",
        ]
        .join("\n"),
    );
    project.file(
        "data/cases/2021/cases.csv",
        &[
            CASES_HEADER,
            "V1,TE1,Tên,23944,Xâm hại,Bạo lực,01/03/2021,01/03/2021 08:00,01/03/2021 15:00,05/03/2021,,Nam,05/03/2012",
        ]
        .join("\n"),
    );
    project.pipeline("");
    let run = project.run(&[]);
    run.expect_code(0);

    let month_first = "The file writes dates month first (row 2, birth_date)";
    assert_eq!(
        rejected(&project, "registry"),
        vec![
            (
                "en_us.csv".to_string(),
                3,
                "birth_date".to_string(),
                "bad_date".to_string(),
                // A personal column's fixed sentence: the code and the column say why.
                "The cell is not a date.".to_string(),
            ),
            (
                "en_us.csv".to_string(),
                4,
                "updated_on".to_string(),
                "bad_date".to_string(),
                format!("{month_first}: \"12/01/2021\" could be 1 December or 12 January."),
            ),
        ]
    );
    assert_eq!(
        kept_registry(&project),
        vec![
            ("2021-06-30".into(), 2012, Some("2021-03-02".into())),
            ("2021-06-30".into(), 2012, Some("2021-06-16".into())),
            ("2021-12-31".into(), 2012, Some("2021-12-30".into())),
            ("2021-12-31".into(), 2013, Some("2021-12-13".into())),
        ]
    );
    // The birth date that shows the order is named by row and column only.
    let all = rejected(&project, "registry");
    assert!(all.iter().all(|r| !r.4.contains("2012")), "{all:?}");
}
