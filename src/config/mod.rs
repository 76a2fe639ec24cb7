//! The pipeline file (`pipelines/*.toml`), read in two stages: `raw` deserialises it into
//! plain structs, `plan` checks them against the disk and the calendar. Nothing province-
//! or year-specific lives in the code; it all comes through here.

pub mod plan;
pub mod raw;
pub mod target;

use std::fmt;
use std::path::PathBuf;

pub use crate::reference::scope::Scope;
pub use plan::{load, Hook, Monitoring, Period, Plan, Rules, SourceFiles, Target};
pub use target::{Comparison, Goal, TargetRule};

/// Everything wrong with a pipeline file, reported together.
#[derive(Debug)]
pub struct ConfigError {
    pub file: PathBuf,
    pub problems: Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "The pipeline file {} has {n} problem{}:",
            self.file.display(),
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}
