//! The record of a run: `manifest.json` for the last run and `runs/<run id>.json` for each
//! one — what it read (with sha256 and row counts, and whether each input was read again
//! or reused), which steps ran or were skipped and for how long, what it wrote (with rows
//! and sha256), and how it ended. Both files are written atomically, a failed run's too:
//! then `manifest.json` tells the failure while the last good outputs stay in place.
//! The schema is plain serde structs so that `treem status` and any other tool read it back.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::ingest::IngestSummary;
use crate::store::layout::{published, write_atomic, Layout};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Still running, or killed: `runs/<run id>.json` says so from the start.
    Running,
    Done,
    Failed,
    QualityGateFailed,
}

impl Outcome {
    /// The word the manifest, the metrics file and the failure hook use.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Running => "running",
            Outcome::Done => "done",
            Outcome::Failed => "failed",
            Outcome::QualityGateFailed => "quality_gate_failed",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub run_id: String,
    /// The pipeline file.
    pub pipeline: PathBuf,
    pub treem_version: String,
    pub started: DateTime<Utc>,
    pub ended: Option<DateTime<Utc>>,
    /// `--only`, `--from`, `--full-refresh` as given.
    pub only: Option<String>,
    pub from: Option<String>,
    pub full_refresh: bool,
    /// The random id of the secret the run keyed with (never the secret, nor anything
    /// derived from it); none when the run did not ingest.
    #[serde(default)]
    pub key_id: Option<String>,
    pub outcome: Outcome,
    /// The error a failed run stopped on.
    pub error: Option<String>,
    /// Why the data-quality gate failed, when it did.
    pub quality_gate: Option<String>,
    pub inputs: Vec<InputRecord>,
    /// Files under a source's folder that no pattern takes, with why.
    #[serde(default)]
    pub ignored: Vec<IgnoredRecord>,
    pub steps: Vec<StepRecord>,
    pub outputs: Vec<OutputRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum InputStatus {
    /// Read and ingested this run.
    Reingested,
    /// Unchanged: its earlier outcome was taken over.
    Reused,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputRecord {
    pub table: String,
    pub path: PathBuf,
    pub sha256: String,
    pub bytes: u64,
    pub rows_read: u64,
    pub kept: u64,
    pub rejected: u64,
    pub excluded: u64,
    pub status: InputStatus,
    /// What went wrong with the file, when anything did.
    pub problem: Option<String>,
    /// Nothing of the file was taken: it could not be read, or was refused as a whole.
    #[serde(default)]
    pub not_read: bool,
}

/// A file under a source's folder that was not read, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IgnoredRecord {
    /// The source, as the pipeline file names it (`district_reports`).
    pub source: String,
    pub path: PathBuf,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Run,
    Skipped,
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StepRecord {
    pub step: String,
    pub status: StepStatus,
    /// Why it was skipped.
    pub reason: Option<String>,
    pub started: DateTime<Utc>,
    pub duration_seconds: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutputRecord {
    /// Relative to the output folder.
    pub path: PathBuf,
    /// Rows of a Parquet file.
    pub rows: Option<u64>,
    pub bytes: u64,
    pub sha256: String,
}

/// The outputs' hashes by size and modification time, in the output folder.
const OUTPUT_HASHES: &str = ".treem-output-hashes.json";

impl Manifest {
    pub fn start(run_id: &str, pipeline: &Path, started: DateTime<Utc>) -> Self {
        Manifest {
            run_id: run_id.to_string(),
            pipeline: pipeline.to_path_buf(),
            treem_version: crate::BUILD.to_string(),
            started,
            ended: None,
            only: None,
            from: None,
            full_refresh: false,
            key_id: None,
            outcome: Outcome::Running,
            error: None,
            quality_gate: None,
            inputs: Vec::new(),
            ignored: Vec::new(),
            steps: Vec::new(),
            outputs: Vec::new(),
        }
    }

    pub fn record_ignored(&mut self, plan: &crate::config::Plan) {
        self.ignored = plan
            .sources
            .iter()
            .flat_map(|s| {
                s.ignored.iter().map(|f| IgnoredRecord {
                    source: s.kind.name().to_string(),
                    path: f.path.clone(),
                    reason: f.reason.clone(),
                })
            })
            .collect();
    }

    pub fn record_inputs(&mut self, summary: &IngestSummary) {
        self.inputs = summary
            .tables
            .iter()
            .flat_map(|t| {
                t.files.iter().map(|f| InputRecord {
                    table: t.table.clone(),
                    path: f.path.clone(),
                    sha256: f.sha256.clone(),
                    bytes: f.bytes,
                    rows_read: f.counts.read,
                    kept: f.counts.kept,
                    rejected: f.counts.rejected,
                    excluded: f.counts.excluded,
                    status: if f.reused {
                        InputStatus::Reused
                    } else {
                        InputStatus::Reingested
                    },
                    problem: f.problem.clone(),
                    not_read: f.not_read(),
                })
            })
            .collect();
    }

    /// Lists every published output file as it stands now (the last good ones, after a
    /// failure). Outputs are hashed on every core, and one a step did not touch (the clean tables,
    /// to the indicators step) keeps its recorded hash, as an input does.
    pub fn record_outputs(&mut self, layout: &Layout) {
        let files: Vec<PathBuf> = published(&layout.root)
            .iter()
            .flat_map(|name| visible_files(&layout.root.join(name)))
            .collect();
        let labelled: Vec<(&'static str, &PathBuf)> = files.iter().map(|p| ("", p)).collect();
        let hashed = crate::ingest::state::hash_files(&labelled, &layout.root.join(OUTPUT_HASHES));
        let mut outputs = Vec::new();
        for file in hashed {
            let path = file.path;
            let rows = path
                .extension()
                .is_some_and(|x| x == "parquet")
                .then(|| parquet_rows(&path))
                .flatten();
            outputs.push(OutputRecord {
                path: path
                    .strip_prefix(&layout.root)
                    .unwrap_or(&path)
                    .to_path_buf(),
                rows,
                bytes: file.bytes,
                sha256: file.sha256,
            });
        }
        outputs.sort_by(|a, b| a.path.cmp(&b.path));
        self.outputs = outputs;
    }

    /// Writes `runs/<run id>.json`, then `manifest.json`, each atomically.
    pub fn write(&self, layout: &Layout) -> Result<(), Error> {
        let text = self.write_run(layout)?;
        write_atomic(&layout.manifest(), &text).map_err(|e| Error::write(&layout.manifest(), e))
    }

    /// `runs/<run id>.json`: this run's record, which later runs leave as it is.
    pub fn path(&self, layout: &Layout) -> PathBuf {
        layout.runs().join(format!("{}.json", self.run_id))
    }

    /// Writes `runs/<run id>.json` alone: at the start, so that a run killed before its
    /// end still leaves a trace (outcome `running`, no end).
    pub fn write_run(&self, layout: &Layout) -> Result<Vec<u8>, Error> {
        let run = self.path(layout);
        let text = serde_json::to_vec_pretty(self)
            .map_err(|e| Error::write(&run, std::io::Error::other(e)))?;
        write_atomic(&run, &text).map_err(|e| Error::write(&run, e))?;
        Ok(text)
    }

    pub fn read(path: &Path) -> Result<Manifest, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Usage(format!(
                "There is no readable manifest at {}: {e}. Has `treem run` run there?",
                path.display()
            ))
        })?;
        serde_json::from_str(&text).map_err(|e| {
            Error::Usage(format!(
                "The manifest {} cannot be read: {e}.",
                path.display()
            ))
        })
    }
}

fn parquet_rows(path: &Path) -> Option<u64> {
    let file = std::fs::File::open(path).ok()?;
    use polars::prelude::SerReader;
    polars::prelude::ParquetReader::new(file)
        .num_rows()
        .ok()
        .map(|n| n as u64)
}

/// Files under `dir` (through links), leaving out hidden ones such as the ingest state.
fn visible_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}
