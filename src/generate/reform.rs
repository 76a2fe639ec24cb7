//! The sample across the 2025 reform (`treem generate --profile gia-lai-2026`): the new Gia
//! Lai (52), formed on 1 July 2025 of old Gia Lai (64) and Bình Định (52). The 2024
//! registry snapshot and cases carry the codes of the list in force then (both former
//! provinces, their districts); 2026 snapshots and cases carry the new commune codes, and
//! one export of the last snapshot still writes old codes.
//!
//! Planted, with numbers the tests work out by hand (children in special circumstances,
//! supported / all; the rest of the province is drawn at random):
//! - a whole merge: Phường Diên Hồng (23563) = Yên Đỗ (23557) 2/3, Diên Hồng (23560) 4/4,
//!   Ia Kring (23563) 3/5, Diên Phú (23605) 1/2 in 2024: a baseline of 10/14; 12/12 at the
//!   end of 2026, 3 of them in an export that still writes Yên Đỗ's old code 23557;
//! - a split commune: Canh Hiệp (22000) went partly to Vân Canh (21994) and partly to Canh
//!   Vinh (22006); its rows go to Vân Canh (neither kept its code: the first listed), so
//!   Vân Canh's baseline is Vân Canh 3/3 + Canh Hiệp 2/4 + Canh Thuận 2/2 + Canh Hòa 1/1 =
//!   8/10 and not exactly comparable; 8/9 in 2026;
//! - a code that meant another place: 22006 was Xã Canh Hiển in 2024 (3/3) and is Xã Canh
//!   Vinh, which merged it with the old Canh Vinh (22003, 1/2), since: a baseline of 4/5,
//!   not exactly comparable (parts of Canh Hiệp and Canh Liên joined it); 6/6 in 2026;
//! - injuries: one injured child in each of Yên Đỗ, Diên Hồng and Ia Kring in 2024 (3 for
//!   the new Diên Hồng), two in Diên Hồng in 2026.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::district_reports::{
    write_workbook, HeaderLayout, SentOnStyle, SheetNaming, TextEncoding, ValueStyle, WorkbookSpec,
    FORM_ITEMS,
};
use super::layout::{CASE_HEADERS, REGISTRY_HEADERS};
use super::{GenerateError, GenerateSummary};
use crate::reference::crosswalk::{SplitRule, Step, NEW_CODE, OLD_CODE};

const OLD_LIST: &str = include_str!("../../reference/vn_org_units_2025-01-04.csv");
const NEW_LIST: &str = include_str!("../../reference/vn_org_units_2025-07-01.csv");
const CROSSWALK: &str = include_str!("../../reference/commune_crosswalk_2025.csv");

/// The new province and the two it was formed of.
const NEW_PROVINCE: &str = "52";
const OLD_PROVINCES: [&str; 2] = ["64", "52"];

/// Children in special circumstances planted in 2024 by old commune: (supported, all).
pub const PLANTED_2024: [(&str, usize, usize); 11] = [
    ("23557", 2, 3),
    ("23560", 4, 4),
    ("23563", 3, 5),
    ("23605", 1, 2),
    ("21994", 3, 3),
    ("22000", 2, 4),
    ("22009", 2, 2),
    ("22012", 1, 1),
    ("21997", 2, 2),
    ("22003", 1, 2),
    ("22006", 3, 3),
];

/// Planted at the end of 2026 by new commune: (supported, all).
pub const PLANTED_2026: [(&str, usize, usize); 4] = [
    ("23563", 12, 12),
    ("21994", 8, 9),
    ("22006", 6, 6),
    ("21997", 2, 2),
];

/// Communes of the list, from the first, that send their 2026 report (with the planted
/// ones): a sample of the 135, kept small.
pub const REPORTING_COMMUNES: usize = 16;
/// The commune whose 2026 report comes late, and when (the deadline is 20 November).
pub const LATE_COMMUNE: &str = "23563";
pub const LATE_SENT_ON: (i32, u32, u32) = (2026, 11, 27);

/// Of the new Diên Hồng's 2026 children, those listed in the export that still writes
/// Yên Đỗ's old code.
pub const STALE_ROWS: usize = 3;

/// One unit of a list: code, full name, parent code.
#[derive(Debug, Clone)]
struct Unit {
    code: String,
    level: String,
    unit_type: String,
    name: String,
    full_name: String,
    parent: String,
}

fn read_list(text: &str) -> Result<Vec<Unit>, GenerateError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut units = Vec::new();
    for record in reader.records() {
        let r = record.map_err(|e| GenerateError::InvalidOption(e.to_string()))?;
        let field = |i: usize| r.get(i).unwrap_or_default().to_string();
        units.push(Unit {
            code: field(0),
            level: field(1),
            unit_type: field(2),
            name: field(3),
            full_name: field(4),
            parent: field(6),
        });
    }
    Ok(units)
}

/// A child row of the registry.
struct Child {
    id: String,
    name: String,
    birth: NaiveDate,
    male: bool,
    group: Option<char>,
    at_risk: bool,
    supported: bool,
}

const GROUPS: [char; 8] = ['a', 'b', 'c', 'd', 'd', 'd', 'n', 'h'];
const FAMILY: [&str; 8] = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Rơ Châm",
    "Siu",
    "Đinh",
    "Ksor",
];
const GIVEN: [&str; 8] = ["An", "Bình", "H'Hen", "Khang", "Mai", "Nguyên", "Yũ", "Thư"];

struct Writer {
    out: PathBuf,
    files: Vec<(PathBuf, usize)>,
}

impl Writer {
    fn write(
        &mut self,
        relative: &str,
        header: &[&str],
        rows: &[Vec<String>],
    ) -> Result<(), GenerateError> {
        let path = self.out.join(relative);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| GenerateError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let csv_error = |source| GenerateError::Csv {
            path: path.clone(),
            source,
        };
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_path(&path)
            .map_err(csv_error)?;
        w.write_record(header).map_err(csv_error)?;
        for row in rows {
            w.write_record(row).map_err(csv_error)?;
        }
        w.flush().map_err(|source| GenerateError::Io {
            path: path.clone(),
            source,
        })?;
        self.files.push((PathBuf::from(relative), rows.len()));
        Ok(())
    }
}

fn yes(b: bool) -> String {
    if b { "Có" } else { "Không" }.to_string()
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Draws children of a commune: `special` in special circumstances of whom `supported`
/// are supported, and `at_risk` at risk only.
fn children(
    rng: &mut ChaCha8Rng,
    next_id: &mut usize,
    snapshot: NaiveDate,
    (supported, special, at_risk): (usize, usize, usize),
) -> Vec<Child> {
    let mut out = Vec::new();
    for i in 0..special + at_risk {
        *next_id += 1;
        let age_days = rng.gen_range(365..15 * 365);
        out.push(Child {
            id: format!("TE-52-{:06}", *next_id),
            name: format!(
                "{} {}",
                FAMILY[rng.gen_range(0..FAMILY.len())],
                GIVEN[rng.gen_range(0..GIVEN.len())]
            ),
            birth: snapshot - chrono::Duration::days(age_days),
            male: rng.gen_bool(0.5),
            group: (i < special).then(|| GROUPS[rng.gen_range(0..GROUPS.len())]),
            at_risk: i >= special,
            supported: i < supported,
        });
    }
    out
}

fn registry_row(
    c: &Child,
    code: &str,
    commune: &str,
    district: &str,
    snapshot: NaiveDate,
) -> Vec<String> {
    vec![
        c.id.clone(),
        c.name.clone(),
        dmy(c.birth),
        if c.male { "Nam" } else { "Nữ" }.to_string(),
        "Kinh".to_string(),
        code.to_string(),
        commune.to_string(),
        district.to_string(),
        c.group.map(String::from).unwrap_or_default(),
        yes(c.at_risk),
        yes(c.supported),
        if c.supported {
            "Trợ cấp xã hội"
        } else {
            ""
        }
        .to_string(),
        dmy(snapshot - chrono::Duration::days(20)),
    ]
}

/// Writes the sample into `out`.
pub fn generate(seed: u64, out: &Path) -> Result<GenerateSummary, GenerateError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let old_all = read_list(OLD_LIST)?;
    let new_all = read_list(NEW_LIST)?;
    let old_districts: BTreeMap<String, Unit> = old_all
        .iter()
        .filter(|u| u.level == "district" && OLD_PROVINCES.contains(&u.parent.as_str()))
        .map(|u| (u.code.clone(), u.clone()))
        .collect();
    let old_units: Vec<Unit> = old_all
        .iter()
        .filter(|u| {
            (u.level == "province" && OLD_PROVINCES.contains(&u.code.as_str()))
                || old_districts.contains_key(&u.code)
                || (u.level == "commune" && old_districts.contains_key(&u.parent))
        })
        .cloned()
        .collect();
    let new_units: Vec<Unit> = new_all
        .iter()
        .filter(|u| u.code == NEW_PROVINCE || (u.level == "commune" && u.parent == NEW_PROVINCE))
        .cloned()
        .collect();
    let new_names: BTreeMap<&str, &str> = new_units
        .iter()
        .map(|u| (u.code.as_str(), u.full_name.as_str()))
        .collect();

    // The province's rows of the conversion table, as published.
    let mut crosswalk_rows = Vec::new();
    let mut reader = csv::Reader::from_reader(CROSSWALK.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| GenerateError::InvalidOption(e.to_string()))?
        .iter()
        .map(String::from)
        .collect();
    for record in reader.records() {
        let r = record.map_err(|e| GenerateError::InvalidOption(e.to_string()))?;
        if r.get(0) == Some(NEW_PROVINCE) {
            crosswalk_rows.push(r.iter().map(String::from).collect::<Vec<_>>());
        }
    }
    let mut w = Writer {
        out: out.to_path_buf(),
        files: Vec::new(),
    };
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    w.write(
        "reference/crosswalk_2025.csv",
        &header_refs,
        &crosswalk_rows,
    )?;
    let step = Step::load(
        &out.join("reference/crosswalk_2025.csv"),
        SplitRule::KeptCode,
    )
    .map_err(|e| GenerateError::InvalidOption(e.to_string()))?;
    let old_to_new: BTreeMap<String, String> = {
        let old = step.table.column(OLD_CODE).and_then(|c| c.str().cloned());
        let new = step.table.column(NEW_CODE).and_then(|c| c.str().cloned());
        match (old, new) {
            (Ok(old), Ok(new)) => (0..step.table.height())
                .filter_map(|i| Some((old.get(i)?.to_string(), new.get(i)?.to_string())))
                .collect(),
            _ => BTreeMap::new(),
        }
    };

    let list_header = [
        "code",
        "level",
        "unit_type",
        "name",
        "full_name",
        "parent_code",
    ];
    let list_rows = |units: &[Unit]| -> Vec<Vec<String>> {
        units
            .iter()
            .map(|u| {
                vec![
                    u.code.clone(),
                    u.level.clone(),
                    u.unit_type.clone(),
                    u.name.clone(),
                    u.full_name.clone(),
                    u.parent.clone(),
                ]
            })
            .collect()
    };
    w.write(
        "reference/org_units_2024.csv",
        &list_header,
        &list_rows(&old_units),
    )?;
    w.write(
        "reference/org_units_2025.csv",
        &list_header,
        &list_rows(&new_units),
    )?;
    let mut population = Vec::new();
    for year in [2024, 2026] {
        for u in new_units.iter().filter(|u| u.level == "commune") {
            population.push(vec![
                u.code.clone(),
                year.to_string(),
                rng.gen_range(2_000..9_000).to_string(),
            ]);
        }
    }
    w.write(
        "reference/population.csv",
        &["district_code", "year", "children_under_16"],
        &population,
    )?;

    // 2024: one export per former province, old codes and district names.
    let mut next_id = 0;
    let snapshot = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap_or_default();
    for province in OLD_PROVINCES {
        let mut rows = Vec::new();
        for c in old_units
            .iter()
            .filter(|u| u.level == "commune")
            .filter(|u| old_districts.get(&u.parent).map(|d| d.parent.as_str()) == Some(province))
        {
            let counts = match PLANTED_2024.iter().find(|p| p.0 == c.code) {
                Some(&(_, supported, special)) => (supported, special, 0),
                None => {
                    let special = rng.gen_range(0..4);
                    let supported = (0..special).filter(|_| rng.gen_bool(0.93)).count();
                    (supported, special, rng.gen_range(0..2))
                }
            };
            let district = old_districts
                .get(&c.parent)
                .map(|d| d.full_name.as_str())
                .unwrap_or_default();
            for child in children(&mut rng, &mut next_id, snapshot, counts) {
                rows.push(registry_row(
                    &child,
                    &c.code,
                    &c.full_name,
                    district,
                    snapshot,
                ));
            }
        }
        let name = if province == "64" {
            "gia_lai_cu"
        } else {
            "binh_dinh"
        };
        w.write(
            &format!("child_registry/2024-12-31/tre_em_{name}_31122024.csv"),
            &REGISTRY_HEADERS,
            &rows,
        )?;
    }

    // 2026: the new communes, no district; the last snapshot's export of one commune
    // still writes Yên Đỗ's old code for part of Diên Hồng.
    for snapshot in [
        NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default(),
        NaiveDate::from_ymd_opt(2026, 12, 31).unwrap_or_default(),
    ] {
        let last = snapshot.month() == 12;
        let (mut rows, mut stale) = (Vec::new(), Vec::new());
        for c in new_units.iter().filter(|u| u.level == "commune") {
            let counts = match PLANTED_2026.iter().find(|p| p.0 == c.code) {
                Some(&(_, supported, special)) if last => (supported, special, 0),
                _ => {
                    let special = rng.gen_range(0..6);
                    let supported = (0..special).filter(|_| rng.gen_bool(0.96)).count();
                    (supported, special, rng.gen_range(0..2))
                }
            };
            for (i, child) in children(&mut rng, &mut next_id, snapshot, counts)
                .iter()
                .enumerate()
            {
                if last && c.code == "23563" && i < STALE_ROWS {
                    stale.push(registry_row(child, "23557", "Phường Yên Đỗ", "", snapshot));
                } else {
                    rows.push(registry_row(child, &c.code, &c.full_name, "", snapshot));
                }
            }
        }
        let day = snapshot.format("%d%m%Y");
        let folder = snapshot.format("%Y-%m-%d");
        w.write(
            &format!("child_registry/{folder}/tre_em_gia_lai_{day}.csv"),
            &REGISTRY_HEADERS,
            &rows,
        )?;
        if last {
            w.write(
                &format!("child_registry/{folder}/tre_em_phuong_dien_hong_phan_mem_cu_{day}.csv"),
                &REGISTRY_HEADERS,
                &stale,
            )?;
        }
    }

    // Cases: injuries planted in the old wards of Diên Hồng (2024) and the new one (2026),
    // and a few at random elsewhere.
    let mut case_no = 0;
    let mut case_rows = |rng: &mut ChaCha8Rng, year: i32, codes: &[String], planted: &[&str]| {
        let mut rows = Vec::new();
        let mut case = |rng: &mut ChaCha8Rng, code: &str, abuse: bool| {
            case_no += 1;
            let day = NaiveDate::from_ymd_opt(year, rng.gen_range(1..=12), rng.gen_range(1..=28))
                .unwrap_or_default();
            let birth = day - chrono::Duration::days(rng.gen_range(400..5000));
            let reported = format!("{} 08:{:02}", day.format("%Y-%m-%d"), rng.gen_range(0..60));
            let intervened = format!("{} 15:00", day.format("%Y-%m-%d"));
            let plan = (day + chrono::Duration::days(2))
                .format("%Y-%m-%d")
                .to_string();
            rows.push(vec![
                format!("VV-{year}-{case_no:04}"),
                format!("TE-52-C{case_no:05}"),
                format!(
                    "{} {}",
                    FAMILY[case_no % FAMILY.len()],
                    GIVEN[case_no % GIVEN.len()]
                ),
                code.to_string(),
                if abuse {
                    "Xâm hại"
                } else {
                    "Tai nạn thương tích"
                }
                .to_string(),
                if abuse {
                    "Bạo lực"
                } else {
                    "Đuối nước"
                }
                .to_string(),
                day.format("%Y-%m-%d").to_string(),
                reported,
                if abuse { intervened } else { String::new() },
                if abuse { plan } else { String::new() },
                if abuse {
                    String::new()
                } else {
                    "Bị thương".to_string()
                },
                if case_no % 2 == 0 { "Nam" } else { "Nữ" }.to_string(),
                birth.format("%Y-%m-%d").to_string(),
            ]);
        };
        for code in planted {
            case(rng, code, false);
        }
        let avoid = ["23557", "23560", "23563", "23605"];
        for _ in 0..40 {
            let code = &codes[rng.gen_range(0..codes.len())];
            if avoid.contains(&code.as_str()) {
                continue;
            }
            let abuse = rng.gen_bool(0.3);
            case(rng, code, abuse);
        }
        rows
    };
    let old_codes: Vec<String> = old_units
        .iter()
        .filter(|u| u.level == "commune")
        .map(|u| u.code.clone())
        .collect();
    let new_codes: Vec<String> = new_units
        .iter()
        .filter(|u| u.level == "commune")
        .map(|u| u.code.clone())
        .collect();
    let rows = case_rows(&mut rng, 2024, &old_codes, &["23557", "23560", "23563"]);
    w.write("cases/2024/vu_viec_2024.csv", &CASE_HEADERS, &rows)?;
    let rows = case_rows(&mut rng, 2026, &new_codes, &["23563", "23563"]);
    w.write("cases/2026/vu_viec_2026.csv", &CASE_HEADERS, &rows)?;

    // Commune reports (forms 1–4) of 2026 from the first communes of the list and the
    // planted ones: all on time but Diên Hồng's, a week late.
    let reporting: Vec<&Unit> = new_units
        .iter()
        .filter(|u| u.level == "commune")
        .enumerate()
        .filter(|(i, u)| *i < REPORTING_COMMUNES || PLANTED_2026.iter().any(|p| p.0 == u.code))
        .map(|(_, u)| u)
        .collect();
    for u in reporting {
        let late = u.code == LATE_COMMUNE;
        let sent_on = match late {
            true => LATE_SENT_ON,
            false => (2026, 11, rng.gen_range(10..=20)),
        };
        let planted = PLANTED_2026.iter().find(|p| p.0 == u.code);
        let (supported, special) = match planted {
            Some(&(_, supported, special)) => (supported as i64, special as i64),
            None => {
                let special = rng.gen_range(0..6);
                (special - rng.gen_range(0..=special.min(1)), special)
            }
        };
        let staff = rng.gen_range(1..4);
        // Abused children all supported, injuries without deaths: the form rules hold.
        let (abused, injured) = (rng.gen_range(0..2), rng.gen_range(0..3));
        let values = FORM_ITEMS
            .iter()
            .map(|item| {
                Some(match item.code {
                    "B1.01" => rng.gen_range(2_000..9_000),
                    "B1.02" => special,
                    "B1.03" => supported,
                    "B1.04" => rng.gen_range(0..20),
                    "B3.01" | "B3.02" => 1,
                    "B3.03" => i64::from(rng.gen_bool(0.8)),
                    "B3.05" => staff,
                    "B3.06" => staff - rng.gen_range(0..=1),
                    "B3.07" | "B3.08" => 1,
                    "B4.01" => rng.gen_range(5..50) * 1_000_000,
                    "B2.01" | "B2.02" | "B2.03" => abused,
                    "B2.04" => injured,
                    "B2.05" | "B2.06" | "B2.07" => 0,
                    _ => rng.gen_range(0..3),
                })
            })
            .collect();
        let code: u32 = u.code.parse().unwrap_or_default();
        let spec = WorkbookSpec {
            district_code: code,
            unit: format!("UBND {}", u.full_name),
            period_label: "Năm 2026".to_string(),
            sent_on: NaiveDate::from_ymd_opt(sent_on.0, sent_on.1, sent_on.2).unwrap_or_default(),
            sheets: SheetNaming::Bieu,
            layout: HeaderLayout {
                title_first: true,
                period_before_code: false,
                code_in_one_cell: true,
                sent_on: SentOnStyle::OneCell,
                blank_rows: 1,
            },
            value_style: ValueStyle::Numbers,
            values,
        };
        let relative = format!("commune_reports/2026/bao_cao_{}_2026.xlsx", u.code);
        write_workbook(&out.join(&relative), &spec, TextEncoding::Unicode)?;
        w.files.push((PathBuf::from(relative), FORM_ITEMS.len()));
    }

    // Every old commune reaches a new one of the province (a check on the lists).
    for code in &old_codes {
        let new = old_to_new.get(code).map(String::as_str).unwrap_or_default();
        if !new_names.contains_key(new) {
            return Err(GenerateError::InvalidOption(format!(
                "old commune {code} reaches no new commune of province {NEW_PROVINCE}"
            )));
        }
    }
    Ok(GenerateSummary::files_only(w.files))
}
