//! The command line: one file per subcommand, each with its arguments and its `run`.

pub mod check;
pub mod generate;
pub mod key;
pub mod progress;
pub mod report;
pub mod run;
pub mod share;
pub mod sql;
pub mod status;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::error::Error;

/// The pipeline a fresh checkout runs with no arguments.
pub const DEFAULT_PIPELINE: &str = "pipelines/gia_lai_2021.toml";

#[derive(Debug, Parser)]
#[command(
    name = "treem",
    version = crate::BUILD,
    about = "Child-protection statistics for a Vietnamese province: ingest, indicators, chart pack."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print warnings and errors only.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print debug detail too: every file read or reused, where the metrics went, the
    /// failure hook's output.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the pipeline: every step, or one with --only.
    Run(run::Args),
    /// Write synthetic source data (the Gia Lai sample).
    Generate(generate::Args),
    /// Query the clean tables and the indicators with SQL.
    Sql(sql::Args),
    /// Check the pipeline file and every input; write nothing.
    Check(check::Args),
    /// The last run: when, how it ended, what changed, targets met.
    Status(status::Args),
    /// The pipeline's secret key: create, show (where and fingerprint) or rotate it.
    Key(key::Args),
    /// Copy what may be shared (clean tables, indicators, pack; never the key) to a folder.
    Share(share::Args),
    /// Draft the Word report and the districts' feedback (`run --only report`).
    Report(report::Args),
}

/// Runs the parsed command line; the exit code is the caller's to use.
pub fn dispatch(cli: Cli) -> Result<u8, Error> {
    progress::set_verbosity(match (cli.quiet, cli.verbose) {
        (true, _) => progress::Verbosity::Quiet,
        (_, true) => progress::Verbosity::Verbose,
        _ => progress::Verbosity::Normal,
    });
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Sql(args) => sql::run(args),
        Command::Check(args) => check::run(args),
        Command::Status(args) => status::run(args),
        Command::Key(args) => key::run(args),
        Command::Share(args) => share::run(args),
        Command::Report(args) => report::run(args),
    }
}

fn pipeline_path(arg: Option<PathBuf>) -> PathBuf {
    arg.unwrap_or_else(|| PathBuf::from(DEFAULT_PIPELINE))
}

/// Progress goes to stderr (see `progress`); stdout stays for results.
fn log_line(line: &str) {
    progress::log_line(line);
}
