//! `treem generate --profile gia-lai --seed N --out DIR`: deterministic synthetic sources.

use std::path::PathBuf;

use crate::error::Error;
use crate::generate::{self, GenerateOptions, Profile};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ProfileArg {
    /// Gia Lai province, 2020–2021, with the mess real exports have.
    GiaLai,
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
}

pub fn run(args: Args) -> Result<u8, Error> {
    let options = GenerateOptions {
        profile: match args.profile {
            ProfileArg::GiaLai => Profile::GiaLai,
        },
        seed: args.seed,
        out: args.out,
    };
    let summary = generate::generate(&options).map_err(|e| Error::Generate(e.to_string()))?;
    let rows: usize = summary.files.iter().map(|(_, n)| n).sum();
    super::log_line(&format!(
        "Wrote {} files ({rows} data rows) under {}.",
        summary.files.len(),
        options.out.display()
    ));
    Ok(0)
}
