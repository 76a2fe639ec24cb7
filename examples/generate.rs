//! Regenerates the committed `sample_data/` (what `treem generate --profile gia-lai --seed
//! 2021 --out sample_data` does) and prints the planted facts and faults.

use std::path::PathBuf;
use std::process::ExitCode;

use treem::generate::{generate, GenerateOptions, Profile};

fn main() -> ExitCode {
    let out = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("sample_data"), PathBuf::from);
    let opts = GenerateOptions {
        profile: Profile::GiaLai,
        seed: 2021,
        out,
    };
    let summary = match generate(&opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    for (path, rows) in &summary.files {
        println!("file\t{}\t{rows}", path.display());
    }
    for s in &summary.snapshots {
        println!(
            "snapshot\t{}\tspecial {}\tsupported {}\trate {:.4}\tat-risk rows {} (≈{})",
            s.date,
            s.special_children,
            s.special_supported,
            s.special_support_rate(),
            s.at_risk_rows,
            s.at_risk_rows * summary.at_risk_sample_ratio
        );
        for d in &s.districts {
            println!(
                "  district\t{}\t{}\t{}\t{:.4}\t{}",
                d.district_code,
                d.special_children,
                d.special_supported,
                d.special_support_rate(),
                d.at_risk_rows
            );
        }
    }
    for y in &summary.case_years {
        println!("cases\t{y:?}");
    }
    for f in &summary.faults {
        println!(
            "fault\t{}\trow {}\t{:?}\t{}",
            f.file.display(),
            f.row,
            f.kind,
            f.detail
        );
    }
    ExitCode::SUCCESS
}
