//! `treem status [PIPELINE] [--out DIR]`: the last run in a few lines, read from its
//! manifest (and the targets from the indicators it left), for whoever comes in the
//! morning after a nightly run.

use std::collections::BTreeMap;
use std::path::PathBuf;

use polars::prelude::*;

use crate::columns as c;
use crate::config;
use crate::error::Error;
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
    for line in lines(&m) {
        println!("{line}");
    }
    if let Some(line) = targets_line(&layout) {
        println!("{line}");
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

/// "Targets (province): 2021 8 of 13 met; 2021S1 3 of 6 met." from the indicators table,
/// for its top level: the country when the table has one, the province otherwise.
fn targets_line(layout: &Layout) -> Option<String> {
    let path = layout.indicators().join("indicators.parquet");
    let table = crate::store::parquet::scan_parquet_file(&path).ok()?;
    let has_country = table
        .clone()
        .filter(col(c::LEVEL).eq(lit(crate::columns::LEVEL_COUNTRY)))
        .limit(1)
        .collect()
        .ok()?
        .height()
        > 0;
    let top = match has_country {
        true => crate::columns::LEVEL_COUNTRY,
        false => crate::columns::LEVEL_PROVINCE,
    };
    let df = table
        .filter(
            col(c::LEVEL)
                .eq(lit(top))
                .and(col(c::BREAKDOWN).is_null())
                .and(col(c::TARGET_MET).is_not_null()),
        )
        .select([col(c::PERIOD), col(c::INDICATOR), col(c::TARGET_MET)])
        .collect()
        .ok()?;
    let periods = df.column(c::PERIOD).ok()?.str().ok()?.clone();
    let met = df.column(c::TARGET_MET).ok()?.bool().ok()?.clone();
    let names = df.column(c::INDICATOR).ok()?.str().ok()?.clone();
    let mut by_period: BTreeMap<String, (usize, usize, Vec<String>)> = BTreeMap::new();
    for i in 0..df.height() {
        let entry = by_period
            .entry(periods.get(i).unwrap_or("").to_string())
            .or_default();
        entry.1 += 1;
        if met.get(i) == Some(true) {
            entry.0 += 1;
        } else {
            entry.2.push(names.get(i).unwrap_or("").to_string());
        }
    }
    if by_period.is_empty() {
        return Some("Targets: none in the indicators table.".to_string());
    }
    let parts: Vec<String> = by_period
        .iter()
        .map(|(period, (met, all, not_met))| {
            let missed = match not_met.is_empty() {
                true => String::new(),
                false => format!(" (not met: {})", not_met.join(", ")),
            };
            format!("{period}: {met} of {all} met{missed}")
        })
        .collect();
    Some(format!("Targets ({top}): {}.", parts.join("; ")))
}
