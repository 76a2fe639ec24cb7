//! The library's error: each variant is something a user can act on, and knows the exit
//! code it ends the process with (DESIGN.md, "Running it").

use std::path::{Path, PathBuf};

use polars::prelude::PolarsError;

use crate::config::ConfigError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The pipeline file is wrong; every problem is listed.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The command line asks for something that cannot be done as asked.
    #[error("{0}")]
    Usage(String),
    #[error("The org units file cannot be used: {0}")]
    Reference(String),
    #[error("{0}")]
    Secret(String),
    #[error("Cannot write {}: {source}.", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("Failed while {context}: {source}")]
    Polars {
        context: String,
        source: PolarsError,
    },
    #[error("{0}")]
    Generate(String),
    /// Another run holds the output folder's lock.
    #[error("Another run is writing to this output folder ({holder}); lock file {}.", path.display())]
    Locked { path: PathBuf, holder: String },
    /// A broken promise inside treem itself, not a problem with the inputs.
    #[error("Internal error: {0}.")]
    Internal(String),
    #[error("Cannot draw the chart \"{chart}\": {message}.")]
    Chart { chart: String, message: String },
}

impl Error {
    pub fn write(path: &Path, source: std::io::Error) -> Self {
        Error::Write {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn polars(context: &str, source: PolarsError) -> Self {
        Error::Polars {
            context: context.to_string(),
            source,
        }
    }

    /// 2 for a bad command line, pipeline file or secret key, 75 (EX_TEMPFAIL: try again later) when
    /// another run holds the lock, 1 for a run that failed.
    pub fn exit_code(&self) -> u8 {
        match self {
            // A key that is missing, exposed or too short is the operator's to fix, like
            // the pipeline file.
            Error::Config(_) | Error::Usage(_) | Error::Secret(_) => 2,
            Error::Locked { .. } => 75,
            _ => 1,
        }
    }
}
