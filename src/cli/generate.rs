//! `treem generate --profile gia-lai|national --seed N --out DIR`: deterministic synthetic
//! sources. The national profile also takes `--snapshots` and `--scale`.

use std::path::PathBuf;

use crate::error::Error;
use crate::generate::national::{self, NationalOptions};
use crate::generate::{self, GenerateOptions, Profile};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProfileArg {
    /// Gia Lai province, 2020–2021, with the mess real exports have.
    GiaLai,
    /// The new Gia Lai (52) across the 2025 reform: 2024 under the old units, 2026 under
    /// the new communes.
    #[value(name = "gia-lai-2026")]
    GiaLai2026,
    /// The whole country, monthly snapshots of 2021, one clean CSV per province.
    National,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value = "gia-lai")]
    pub profile: ProfileArg,
    /// The same seed writes the same files, byte for byte.
    #[arg(long, default_value_t = 2021)]
    pub seed: u64,
    /// Folder to write into (the bundled sample is `sample_data`).
    #[arg(long)]
    pub out: PathBuf,
    /// National profile: month ends of 2021 written, the last ones (1 = 31 December only,
    /// 12 = every month end; the default).
    #[arg(long)]
    pub snapshots: Option<usize>,
    /// National profile: fraction of the national numbers (1.0 = about 4 million registry
    /// rows per snapshot; 0.001 for a test-sized sample).
    #[arg(long)]
    pub scale: Option<f64>,
}

pub fn run(args: Args) -> Result<u8, Error> {
    match args.profile {
        ProfileArg::GiaLai | ProfileArg::GiaLai2026 => {
            if args.snapshots.is_some() || args.scale.is_some() {
                return Err(Error::Generate(
                    "--snapshots and --scale apply to the \"national\" profile only".to_string(),
                ));
            }
            let options = GenerateOptions {
                profile: match args.profile {
                    ProfileArg::GiaLai2026 => Profile::GiaLai2026,
                    _ => Profile::GiaLai,
                },
                seed: args.seed,
                out: args.out,
            };
            let summary =
                generate::generate(&options).map_err(|e| Error::Generate(e.to_string()))?;
            let rows: usize = summary.files.iter().map(|(_, n)| n).sum();
            super::log_line(&format!(
                "Wrote {} files ({rows} data rows) under {}.",
                summary.files.len(),
                options.out.display()
            ));
        }
        ProfileArg::National => {
            let mut options = NationalOptions::new(args.seed, args.out);
            if let Some(n) = args.snapshots {
                options.snapshots = n;
            }
            if let Some(scale) = args.scale {
                options.scale = scale;
            }
            let summary = national::generate_national(&options)
                .map_err(|e| Error::Generate(e.to_string()))?;
            for s in &summary.snapshots {
                super::log_line(&format!(
                    "Snapshot {}: {} children in special circumstances ({} supported), {} at risk.",
                    s.date.format("%Y-%m-%d"),
                    s.special_children,
                    s.special_supported,
                    s.at_risk_rows
                ));
            }
            let case_rows: usize = summary.case_rows.iter().map(|(_, n)| n).sum();
            super::log_line(&format!(
                "Wrote {} files ({} data rows, {case_rows} of them cases; {} bytes) under {} in {:.2} s.",
                summary.files.len(),
                summary.rows(),
                summary.bytes(),
                options.out.display(),
                summary.seconds
            ));
        }
    }
    Ok(0)
}
