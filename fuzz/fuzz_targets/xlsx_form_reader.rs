//! Any bytes as a district report workbook: reading it as tables and then as forms 1–4
//! must end in a report or a message, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use treem::sources::tabular::{read_tables_with, Limits};

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("treem-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("bao_cao.xlsx");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let limits = Limits {
        max_xlsx_inflated_bytes: 16 << 20,
        max_line_bytes: 1 << 16,
        max_cells_per_sheet: 100_000,
    };
    if let Ok(tables) = read_tables_with(&path, &limits) {
        let scope = treem::config::Scope::Province("64".into());
        let century = treem::text::dates::Century::for_reporting_year(2021);
        let _ = treem::sources::district_reports::read(&tables, "2021", units(), &scope, century);
    }
});

fn units() -> &'static treem::reference::OrgUnits {
    static UNITS: std::sync::OnceLock<treem::reference::OrgUnits> = std::sync::OnceLock::new();
    UNITS.get_or_init(|| {
        let csv = include_str!("../../reference/gia_lai_org_units_2021.csv");
        treem::reference::OrgUnits::from_csv_reader(csv.as_bytes()).expect("the reference list loads")
    })
}
