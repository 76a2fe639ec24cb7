//! One test per rejection reason: a small registry and case file with one fault per row,
//! run through the real binary; each test asserts the reason code and the row number.

mod common;

use std::sync::OnceLock;

use common::{Project, CASES_HEADER, REGISTRY_HEADER};

struct Fixture {
    project: Project,
    registry: Vec<(String, u32, String, String)>,
    cases: Vec<(String, u32, String, String)>,
    stderr: String,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let project = Project::kept("rejections");
        project.file(
            "data/child_registry/2021-12-31/chu_se.csv",
            &[
                REGISTRY_HEADER,
                // row 2: good, by code
                "TE1,Nguyễn Văn An,05/03/2012,Nam,Kinh,23944,,,d,Không,Có,Trợ cấp xã hội,30/11/2021",
                // row 3: blank child id
                ",Trần Thị Bình,05/03/2012,Nữ,Kinh,23944,,,d,Không,Có,,",
                // row 4: impossible birth date
                "TE3,Lê Văn Cường,31/02/2012,Nam,Kinh,23944,,,d,Không,Có,,",
                // row 5: unknown commune code
                "TE4,Phạm Thị Dung,05/03/2012,Nữ,Jrai,99999,,,d,Không,Có,,",
                // row 6: a commune name found in two districts, no district given
                "TE5,Rơ Châm H'Ly,05/03/2012,Nữ,Jrai,,Ia O,,d,Không,Có,,",
                // row 7: a Chư Sê commune said to be in Pleiku
                "TE6,Siu Thị Hiên,05/03/2012,Nữ,Jrai,23944,,Pleiku,d,Không,Có,,",
                // row 8: the id of row 2 again
                "TE1,Nguyễn Văn An,05/03/2012,Nam,Kinh,23944,,,d,Không,Có,,",
                // row 9: born after the snapshot
                "TE8,Ksor Y Nhi,05/01/2022,Nữ,Jrai,23944,,,d,Không,Có,,",
                // row 10: 17 at the snapshot: excluded, not rejected
                "TE9,Đinh Văn Blui,01/01/2004,Nam,Bahnar,23944,,,d,Không,Có,,",
                // row 11: not a group of art. 10
                "TE10,Hoàng Văn Em,05/03/2012,Nam,Kinh,23944,,,z,Không,Có,,",
                // row 12: good, by names
                "TE11,Vũ Thị Giang,2013-04-01,Nữ,Kinh,,ia tiem,H. Chư Sê,Trẻ em khuyết tật,Không,Không,,",
                // row 13: good, the townlet by name, the district without diacritics
                "TE12,Đỗ Văn Hải,44197,Nam,Kinh,,TT. Chư Sê,Chu Se,,x,Không,,",
            ]
            .join("\n"),
        );
        project.file("data/child_registry/2021-12-31/broken.xlsx", "this is not a zip archive");
        project.file(
            "data/child_registry/latest/undated.csv",
            &format!("{REGISTRY_HEADER}\nTE20,Tên,05/03/2012,Nam,Kinh,23944,,,d,Không,Có,,"),
        );
        project.file(
            "data/child_registry/2021-06-30/no_birth_dates.csv",
            "Mã trẻ em,Họ và tên,Mã xã,Nhóm hoàn cảnh đặc biệt,Có nguy cơ,Đã được trợ giúp\nTE30,Tên,23944,d,Không,Có",
        );
        project.file(
            "data/cases/2021/cases.csv",
            &[
                CASES_HEADER,
                // row 2: good abuse case
                "V1,TE1,Nguyễn Văn An,23944,Xâm hại,Bạo lực,01/03/2021,01/03/2021 08:00,01/03/2021 15:00,05/03/2021,,Nam,05/03/2012",
                // row 3: the case id of row 2 again
                "V1,TE1,Nguyễn Văn An,23944,Xâm hại,Bạo lực,01/03/2021,01/03/2021 08:00,01/03/2021 15:00,05/03/2021,,Nam,05/03/2012",
                // row 4: occurred after it was reported
                "V3,TE2,Trần Thị Bình,23944,Xâm hại,Bạo lực,05/03/2021,01/03/2021 08:00,,,,Nữ,05/03/2012",
                // row 5: abuse without the time it was reported
                "V4,TE2,Trần Thị Bình,23944,Xâm hại,Bạo lực,05/03/2021,,,,,Nữ,05/03/2012",
                // row 6: good injury, a death by drowning
                "V5,TE9,Lê Thị Hoa,23944,Tai nạn thương tích,Đuối nước,10/06/2021,10/06/2021 17:00,,,Tử vong,Nữ,01/01/2015",
                // row 7: not a kind of case
                "V6,TE9,Lê Thị Hoa,23944,Khác,Đuối nước,10/06/2021,10/06/2021 17:00,,,Bị thương,Nữ,01/01/2015",
                // row 8: 21 years old: excluded
                "V7,TE40,Người Lớn,23944,Tai nạn thương tích,Ngã,10/06/2021,10/06/2021 17:00,,,Bị thương,Nam,01/01/2000",
                // row 9: born after the case occurred
                "V8,TE41,Trẻ Sơ Sinh,23944,Tai nạn thương tích,Ngã,10/06/2021,10/06/2021 17:00,,,Bị thương,Nam,07/08/2021",
            ]
            .join("\n"),
        );
        let run = project.run(&[]);
        // Three files cannot be read at all: the data-quality gate fails (exit 3).
        run.expect_code(3);
        assert!(
            run.stderr().contains("3 files could not be read at all"),
            "{}",
            run.stderr()
        );
        let registry = project.rejections("registry");
        let cases = project.rejections("cases");
        let stderr = run.stderr();
        Fixture { project, registry, cases, stderr }
    })
}

fn has(rows: &[(String, u32, String, String)], reason: &str, row: u32, column: &str) -> bool {
    rows.iter()
        .any(|(r, n, c, _)| r == reason && *n == row && c == column)
}

#[test]
fn blank_child_id_is_missing_value_on_its_row() {
    assert!(
        has(&fixture().registry, "missing_value", 3, "child_id"),
        "{:?}",
        fixture().registry
    );
}

#[test]
fn impossible_birth_date_is_bad_date() {
    assert!(
        has(&fixture().registry, "bad_date", 4, "birth_date"),
        "{:?}",
        fixture().registry
    );
}

#[test]
fn unknown_commune_code_is_unknown_org_unit() {
    assert!(
        has(&fixture().registry, "unknown_org_unit", 5, "commune_code"),
        "{:?}",
        fixture().registry
    );
}

#[test]
fn commune_name_in_two_districts_is_ambiguous() {
    assert!(
        has(&fixture().registry, "ambiguous_org_unit", 6, "commune"),
        "{:?}",
        fixture().registry
    );
}

#[test]
fn commune_outside_the_named_district_is_a_mismatch() {
    assert!(
        has(&fixture().registry, "org_unit_mismatch", 7, "district_code"),
        "{:?}",
        fixture().registry
    );
}

#[test]
fn second_row_of_a_child_in_a_snapshot_is_a_duplicate() {
    assert!(
        has(&fixture().registry, "duplicate_id", 8, "child_id"),
        "{:?}",
        fixture().registry
    );
    assert!(
        has(&fixture().cases, "duplicate_id", 3, "case_id"),
        "{:?}",
        fixture().cases
    );
}

#[test]
fn dates_in_an_impossible_order_are_date_order() {
    assert!(
        has(&fixture().registry, "date_order", 9, "birth_date"),
        "{:?}",
        fixture().registry
    );
    assert!(
        has(&fixture().cases, "date_order", 4, "occurred_on"),
        "{:?}",
        fixture().cases
    );
}

#[test]
fn a_child_of_sixteen_or_more_is_excluded_not_rejected() {
    let f = fixture();
    assert!(f
        .registry
        .iter()
        .any(|(r, n, _, o)| r == "aged_out" && *n == 10 && o == "excluded"));
    assert!(f
        .cases
        .iter()
        .any(|(r, n, _, o)| r == "aged_out" && *n == 8 && o == "excluded"));
}

#[test]
fn unknown_group_and_kind_are_bad_value() {
    assert!(
        has(&fixture().registry, "bad_value", 11, "special_group"),
        "{:?}",
        fixture().registry
    );
    assert!(
        has(&fixture().cases, "bad_value", 7, "kind"),
        "{:?}",
        fixture().cases
    );
}

#[test]
fn abuse_case_without_report_time_is_missing_value() {
    assert!(
        has(&fixture().cases, "missing_value", 5, "reported_at"),
        "{:?}",
        fixture().cases
    );
}

#[test]
fn whole_file_problems_are_row_zero_with_the_file_named() {
    let f = fixture();
    let df = common::read_parquet(&f.project.out("rejected/registry.parquet"));
    let files: Vec<String> = df
        .column("file")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap().to_string())
        .collect();
    let reasons: Vec<String> = df
        .column("reason")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap().to_string())
        .collect();
    let rows: Vec<u32> = df
        .column("row")
        .unwrap()
        .u32()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    let find = |suffix: &str| {
        (0..df.height())
            .find(|&i| files[i].ends_with(suffix))
            .map(|i| (reasons[i].clone(), rows[i]))
    };
    assert_eq!(find("broken.xlsx"), Some(("unreadable_file".into(), 0)));
    assert_eq!(find("latest/undated.csv"), Some(("bad_date".into(), 0)));
    assert_eq!(
        find("no_birth_dates.csv"),
        Some(("missing_columns".into(), 0))
    );
    assert!(
        f.stderr.contains("no_birth_dates.csv") && f.stderr.contains("Ngày sinh"),
        "{}",
        f.stderr
    );
}

#[test]
fn counts_add_up_and_good_rows_are_kept() {
    let f = fixture();
    // Registry: 12 data rows in the dated file; rows 2, 12, 13 kept, row 10 excluded.
    assert!(
        f.stderr
            .contains("registry: 12 rows read = 3 kept + 8 rejected + 1 excluded"),
        "{}",
        f.stderr
    );
    // Cases: 8 rows; rows 2 and 6 kept, row 8 excluded.
    assert!(
        f.stderr
            .contains("cases: 8 rows read = 2 kept + 5 rejected + 1 excluded"),
        "{}",
        f.stderr
    );
    assert_eq!(common::parquet_rows(&f.project.out("ingested/registry")), 3);
    assert_eq!(common::parquet_rows(&f.project.out("ingested/cases")), 2);
}

#[test]
fn a_birth_after_the_case_is_date_order_on_its_row() {
    assert!(
        has(&fixture().cases, "date_order", 9, "birth_date"),
        "{:?}",
        fixture().cases
    );
}

/// Every name, id and birth date of the fixture, birth dates as written and as treem
/// would write them: none may appear in a rejected row, whatever its reason.
#[test]
fn rejected_rows_carry_no_name_no_raw_id_and_no_birth_date() {
    let f = fixture();
    let mut personal = vec![
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Ksor Y Nhi",
        "Đinh Văn Blui",
        "Người Lớn",
        "Trẻ Sơ Sinh",
        "TE1",
        "TE8",
        "TE9",
        "TE40",
        "TE41",
        "V1",
        "V8",
    ];
    for (written, iso) in [
        ("31/02/2012", "2012-02-31"),
        ("05/03/2012", "2012-03-05"),
        ("05/01/2022", "2022-01-05"),
        ("01/01/2004", "2004-01-01"),
        ("01/01/2000", "2000-01-01"),
        ("07/08/2021", "2021-08-07"),
    ] {
        personal.push(written);
        personal.push(iso);
    }
    let mut reasons = std::collections::BTreeSet::new();
    for table in ["registry", "cases"] {
        let df = common::read_parquet(&f.project.out(&format!("rejected/{table}.parquet")));
        for cell in common::string_cells(&df) {
            for value in &personal {
                assert!(
                    !cell.contains(value),
                    "{table}: {cell:?} contains {value:?}"
                );
            }
        }
        reasons.extend(
            df.column("reason")
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .flatten()
                .map(str::to_string),
        );
    }
    // The rows above reach every reason a personal column can be rejected for.
    for reason in [
        "missing_value",
        "bad_date",
        "duplicate_id",
        "date_order",
        "aged_out",
    ] {
        assert!(
            reasons.contains(reason),
            "{reason} not reached: {reasons:?}"
        );
    }
}
