//! `treem run [PIPELINE] [--only STEP] [--out DIR] [--lang vi|en]`.

use std::path::PathBuf;

use crate::config;
use crate::error::Error;
use crate::run::{self, RunOptions, Step};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The pipeline file; the bundled Gia Lai sample pipeline when not given.
    pub pipeline: Option<PathBuf>,
    /// Run one step only.
    #[arg(long, value_enum)]
    pub only: Option<Step>,
    /// Output folder (default: out/<pipeline name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Language of the charts and the pack.
    #[arg(long, value_enum, default_value = "vi")]
    pub lang: crate::pack::Lang,
}

pub fn run(args: Args) -> Result<u8, Error> {
    let plan = config::load(&super::pipeline_path(args.pipeline))?;
    let options = RunOptions {
        only: args.only,
        out: args.out,
        lang: args.lang,
    };
    let outcome = run::run(&plan, &options, &mut super::log_line)?;
    super::log_line(&format!(
        "Done: outputs in {}.",
        outcome.layout.root.display()
    ));
    Ok(outcome.exit_code())
}
