//! `treem status [PIPELINE] [--out DIR] [--format text|json]`: the last run in a few
//! lines, read from its manifest (and the targets from the indicators it left), for
//! whoever comes in the morning after a nightly run; or as one JSON object for a script.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config;
use crate::error::Error;
use crate::indicators::scorecard::{target_tally, TargetTally};
use crate::run::default_out;
use crate::run::manifest::{InputStatus, Manifest, Outcome, StepStatus};
use crate::store::Layout;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The pipeline file; the bundled Gia Lai sample pipeline when not given.
    pub pipeline: Option<PathBuf>,
    /// Output folder (default: out/<pipeline name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// `text` for a person, `json` for a script.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// At most this many changed inputs are named.
const MAX_NAMED: usize = 10;

pub fn run(args: Args) -> Result<u8, Error> {
    let root = match args.out {
        Some(out) => out,
        None => default_out(&config::load(&super::pipeline_path(args.pipeline))?),
    };
    let layout = Layout::new(root);
    let m = Manifest::read(&layout.manifest())?;
    let targets = target_tally(&layout.indicators().join("indicators.parquet"));
    match args.format {
        Format::Text => {
            for line in lines(&m) {
                println!("{line}");
            }
            if let Some(tally) = &targets {
                println!("{}", targets_line(tally));
            }
        }
        Format::Json => {
            let status = status_json(&m, layout.manifest(), targets);
            let text = serde_json::to_string_pretty(&status).map_err(|e| {
                Error::Internal(format!("the status cannot be written as JSON: {e}"))
            })?;
            println!("{text}");
        }
    }
    Ok(0)
}

pub fn lines(m: &Manifest) -> Vec<String> {
    let mut out = Vec::new();
    let outcome = match m.outcome {
        Outcome::Done => "done".to_string(),
        Outcome::Running => "still running, or killed (no end recorded)".to_string(),
        Outcome::Failed => format!(
            "failed: {} The outputs of the last good run are still in place.",
            m.error.as_deref().unwrap_or("no error recorded.")
        ),
        Outcome::QualityGateFailed => format!(
            "done, but the data-quality gate failed: {}",
            m.quality_gate.as_deref().unwrap_or("")
        ),
    };
    out.push(format!("Last run {}: {outcome}", m.run_id));
    let took = m
        .ended
        .map(|e| format!(", took {:.1} s", (e - m.started).as_seconds_f64()))
        .unwrap_or_default();
    out.push(format!(
        "Started {}{took}; pipeline {}; treem {}.",
        m.started.format("%Y-%m-%d %H:%M:%S UTC"),
        m.pipeline.display(),
        m.treem_version
    ));
    let changed: Vec<_> = m
        .inputs
        .iter()
        .filter(|i| i.status == InputStatus::Reingested)
        .collect();
    out.push(format!(
        "Inputs: {} files, {} changed or new and ingested, {} unchanged and reused.",
        m.inputs.len(),
        changed.len(),
        m.inputs.len() - changed.len()
    ));
    for i in changed.iter().take(MAX_NAMED) {
        out.push(format!("  ingested {} ({})", i.path.display(), i.table));
    }
    if changed.len() > MAX_NAMED {
        out.push(format!("  … and {} more.", changed.len() - MAX_NAMED));
    }
    let sum =
        |f: fn(&crate::run::manifest::InputRecord) -> u64| -> u64 { m.inputs.iter().map(f).sum() };
    let unreadable = m.inputs.iter().filter(|i| i.not_read).count();
    out.push(format!(
        "Rows: {} read, {} kept, {} rejected, {} excluded; {unreadable} file{} not read.",
        sum(|i| i.rows_read),
        sum(|i| i.kept),
        sum(|i| i.rejected),
        sum(|i| i.excluded),
        if unreadable == 1 { "" } else { "s" }
    ));
    for i in m.inputs.iter().filter(|i| i.not_read).take(MAX_NAMED) {
        out.push(format!(
            "  not readable: {}: {}",
            i.path.display(),
            i.problem.as_deref().unwrap_or_default()
        ));
    }
    if !m.ignored.is_empty() {
        out.push(format!(
            "Ignored: {} file{} under the sources' folders that no pattern takes:",
            m.ignored.len(),
            if m.ignored.len() == 1 { "" } else { "s" }
        ));
        for f in m.ignored.iter().take(MAX_NAMED) {
            out.push(format!(
                "  {} ({}): {}",
                f.path.display(),
                f.source,
                f.reason
            ));
        }
        if m.ignored.len() > MAX_NAMED {
            out.push(format!("  … and {} more.", m.ignored.len() - MAX_NAMED));
        }
    }
    let steps: Vec<String> = m
        .steps
        .iter()
        .map(|s| match s.status {
            StepStatus::Run => format!("{} ran ({:.1} s)", s.step, s.duration_seconds),
            StepStatus::Skipped => format!("{} skipped (unchanged)", s.step),
            StepStatus::Failed => format!("{} failed", s.step),
        })
        .collect();
    out.push(format!("Steps: {}.", steps.join(", ")));
    out
}

/// "Targets (province): 2021: 8 of 13 met (not met: …); 2021S1: 3 of 6 met." from the
/// indicators table, for its top level: the country when the table has one, the province
/// otherwise.
fn targets_line(tally: &TargetTally) -> String {
    if tally.periods.is_empty() {
        return "Targets: none in the indicators table.".to_string();
    }
    let parts: Vec<String> = tally
        .periods
        .iter()
        .map(|p| {
            let missed = match p.not_met.is_empty() {
                true => String::new(),
                false => format!(" (not met: {})", p.not_met.join(", ")),
            };
            format!(
                "{}: {} of {} met{missed}",
                p.period,
                p.met.len(),
                p.met.len() + p.not_met.len()
            )
        })
        .collect();
    format!("Targets ({}): {}.", tally.level, parts.join("; "))
}

/// `treem status --format json`: the last run for scripts, one object with stable keys.
/// The whole record is `manifest.json`; this is what a script checks in the morning.
#[derive(Debug, Serialize)]
pub struct StatusJson<'a> {
    pub run_id: &'a str,
    pub pipeline: &'a std::path::Path,
    pub treem_version: &'a str,
    pub outcome: Outcome,
    pub started: DateTime<Utc>,
    pub ended: Option<DateTime<Utc>>,
    pub duration_seconds: Option<f64>,
    pub error: Option<&'a str>,
    pub quality_gate: Option<&'a str>,
    /// The manifest the summary was read from.
    pub manifest: std::path::PathBuf,
    pub inputs: InputsJson,
    /// Rows and files by clean table.
    pub tables: Vec<TableJson>,
    pub steps: Vec<StepJson<'a>>,
    /// Targets met and not met of the indicators in place; `null` when there are none.
    pub targets: Option<TargetTally>,
}

#[derive(Debug, Serialize)]
pub struct InputsJson {
    pub files: usize,
    pub reingested: usize,
    pub reused: usize,
    pub not_read: usize,
    /// Files under the sources' folders that no pattern takes.
    pub ignored: usize,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct TableJson {
    pub table: String,
    pub files: u64,
    pub files_not_read: u64,
    pub rows_read: u64,
    pub kept: u64,
    pub rejected: u64,
    pub excluded: u64,
}

#[derive(Debug, Serialize)]
pub struct StepJson<'a> {
    pub step: &'a str,
    pub status: StepStatus,
    pub reason: Option<&'a str>,
    pub duration_seconds: f64,
}

pub fn status_json<'a>(
    m: &'a Manifest,
    manifest: std::path::PathBuf,
    targets: Option<TargetTally>,
) -> StatusJson<'a> {
    let mut tables: BTreeMap<&str, TableJson> = BTreeMap::new();
    for i in &m.inputs {
        let t = tables.entry(i.table.as_str()).or_insert_with(|| TableJson {
            table: i.table.clone(),
            files: 0,
            files_not_read: 0,
            rows_read: 0,
            kept: 0,
            rejected: 0,
            excluded: 0,
        });
        t.files += 1;
        t.files_not_read += u64::from(i.not_read);
        t.rows_read += i.rows_read;
        t.kept += i.kept;
        t.rejected += i.rejected;
        t.excluded += i.excluded;
    }
    let reingested = m
        .inputs
        .iter()
        .filter(|i| i.status == InputStatus::Reingested)
        .count();
    StatusJson {
        run_id: &m.run_id,
        pipeline: &m.pipeline,
        treem_version: &m.treem_version,
        outcome: m.outcome,
        started: m.started,
        ended: m.ended,
        duration_seconds: m.ended.map(|e| (e - m.started).as_seconds_f64()),
        error: m.error.as_deref(),
        quality_gate: m.quality_gate.as_deref(),
        manifest,
        inputs: InputsJson {
            files: m.inputs.len(),
            reingested,
            reused: m.inputs.len() - reingested,
            not_read: m.inputs.iter().filter(|i| i.not_read).count(),
            ignored: m.ignored.len(),
        },
        tables: tables.into_values().collect(),
        steps: m
            .steps
            .iter()
            .map(|s| StepJson {
                step: &s.step,
                status: s.status,
                reason: s.reason.as_deref(),
                duration_seconds: s.duration_seconds,
            })
            .collect(),
        targets,
    }
}
