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
    for r in &summary.reports {
        println!(
            "reports\t{}\tdeadline {}\tsent {}\tlate {:?}\tmissing {:?}\tresent {:?}",
            r.period, r.deadline, r.districts_sent, r.late, r.missing, r.resent
        );
        for s in &r.submissions {
            println!(
                "  workbook\t{}\t{}\tv{}",
                s.file.display(),
                s.sent_on,
                s.version
            );
        }
        println!(
            "  events\tmonth of action {:?} none\tmid-autumn {:?} none\tforum {:?} none",
            r.districts_with("B3.01", 0),
            r.districts_with("B3.02", 0),
            r.districts_with("B3.03", 0)
        );
        println!(
            "  staff\ttrained {} of {} ({:.4})",
            r.sum("B3.06"),
            r.sum("B3.05"),
            r.sum("B3.06") as f64 / r.sum("B3.05") as f64
        );
        for d in &r.values {
            println!("  values\t{}\t{:?}", d.district_code, d.values);
        }
    }
    for a in &summary.report_anomalies {
        println!(
            "anomaly\t{}\t{}\t{}\t{:?}\t{}",
            a.file.display(),
            a.district_code,
            a.period,
            a.kind,
            a.detail
        );
    }
    for f in &summary.fund {
        println!(
            "fund\t{}\t{}\trows {}\ttotal {}\tcash {}\tin kind {}\tprogrammes {}\tcorrections {}\tby month {:?}",
            f.year,
            f.file.display(),
            f.rows,
            f.total,
            f.cash,
            f.in_kind,
            f.programmes,
            f.corrections,
            f.by_month
        );
    }
    ExitCode::SUCCESS
}
