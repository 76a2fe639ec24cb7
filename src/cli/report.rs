//! `treem report [PIPELINE] [--out DIR]`: the report step alone (`treem run --only report`),
//! from the indicators and charts already in the output folder.

use std::path::PathBuf;

use crate::config;
use crate::error::Error;
use crate::run::{self, RunOptions, Step};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The pipeline file; the bundled Gia Lai sample pipeline when not given.
    pub pipeline: Option<PathBuf>,
    /// Output folder (default: out/<pipeline name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<u8, Error> {
    let plan = config::load(&super::pipeline_path(args.pipeline))?;
    let options = RunOptions {
        only: Some(Step::Report),
        out: args.out,
        ..RunOptions::default()
    };
    let outcome = run::run(&plan, &options, &mut |line| super::log_line(line))?;
    super::log_line(&format!(
        "Done: the report in {}, the districts' feedback in {}.",
        outcome.layout.report().display(),
        outcome.layout.feedback().display()
    ));
    Ok(outcome.exit_code())
}
