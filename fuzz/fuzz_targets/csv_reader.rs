//! Any bytes as a registry export in CSV: decoding, delimiter sniffing, header matching and
//! row parsing must end in rows or messages, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use treem::sources::tabular::{read_tables_with, Limits};

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("treem-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("tre_em.csv");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let limits = Limits {
        max_xlsx_inflated_bytes: 16 << 20,
        max_line_bytes: 1 << 16,
        max_cells_per_sheet: 100_000,
    };
    let Ok(tables) = read_tables_with(&path, &limits) else {
        return;
    };
    let none = |_: &str| Vec::new();
    let specs = treem::sources::child_registry::COLUMNS;
    if let Ok((table, map)) = treem::sources::headers::locate(&tables, specs, &none) {
        let keys = treem::hash::pseudonymise::Pseudonymiser::new(b"fuzzing secret, long enough")
            .expect("a long secret");
        let snapshot = chrono::NaiveDate::from_ymd_opt(2021, 12, 31).expect("a date");
        for row in table.rows.iter().skip(map.header_index + 1) {
            let century = treem::text::dates::Century::for_reporting_year(2021);
            let _ = treem::sources::child_registry::parse_row(row, &map, snapshot, units(), &keys, century, &mut Default::default());
        }
    }
});

fn units() -> &'static treem::reference::OrgUnits {
    static UNITS: std::sync::OnceLock<treem::reference::OrgUnits> = std::sync::OnceLock::new();
    UNITS.get_or_init(|| {
        let csv = include_str!("../../reference/gia_lai_org_units_2021.csv");
        treem::reference::OrgUnits::from_csv_reader(csv.as_bytes()).expect("the reference list loads")
    })
}
