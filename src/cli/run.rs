//! `treem run [PIPELINE] [--only STEP | --from STEP] [--full-refresh] [--out DIR] [--lang vi|en]
//! [--metrics-file FILE.prom]`.

use std::path::PathBuf;

use crate::config;
use crate::error::Error;
use crate::run::{self, RunOptions, Step};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The pipeline file; the bundled Gia Lai sample pipeline when not given.
    pub pipeline: Option<PathBuf>,
    /// Run one step only, even if nothing it reads has changed.
    #[arg(long, value_enum, conflicts_with = "from")]
    pub only: Option<Step>,
    /// Run this step and the ones after it.
    #[arg(long, value_enum)]
    pub from: Option<Step>,
    /// Read every input again and run every step, changed or not.
    #[arg(long)]
    pub full_refresh: bool,
    /// Output folder (default: out/<pipeline name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Language of the charts and the pack.
    #[arg(long, value_enum, default_value = "vi")]
    pub lang: crate::text::Lang,
    /// The Prometheus metrics file written at the end of the run (default: the pipeline
    /// file's `[monitoring] metrics_file`, else treem.prom in the output folder).
    #[arg(long, value_name = "FILE.prom")]
    pub metrics_file: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<u8, Error> {
    let plan = config::load(&super::pipeline_path(args.pipeline))?;
    let options = RunOptions {
        only: args.only,
        from: args.from,
        full_refresh: args.full_refresh,
        out: args.out,
        lang: args.lang,
        metrics_file: args.metrics_file,
    };
    let mut progress = super::progress::Progress::new();
    let outcome = run::run(&plan, &options, &mut |line| progress.line(line));
    progress.finish();
    let outcome = outcome?;
    let index = outcome.layout.pack().join("index.html");
    super::log_line(&match index.is_file() {
        true => format!(
            "Done: open {} (the pack); all outputs in {}.",
            index.display(),
            outcome.layout.root.display()
        ),
        false => format!("Done: outputs in {}.", outcome.layout.root.display()),
    });
    Ok(outcome.exit_code())
}
