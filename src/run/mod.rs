//! The step graph of `treem run`: which steps run, in order, into which output folder, and
//! what the run's outcome means for the exit code. Around the steps: the lock of the output
//! folder (`lock.rs`) and the manifest of every run (`manifest.rs`). Between them: the
//! indicators published under disclosure control once, for the charts and the pack.
//!
//! The run only orchestrates. The output folder and atomic publishing that every step uses
//! are `crate::store`'s, beneath the steps, so that no step imports the run that drives it.
//!
//! A step is skipped when what it reads has not changed: each step leaves a fingerprint in
//! its output folder (`.treem-fingerprint`: for ingest, the inputs' sha256 and everything
//! else that shapes the clean tables; for a later step, its upstream's fingerprint, the
//! pipeline file and the build, [`crate::BUILD`]), and a step whose fingerprint is unchanged does
//! not run again unless it is named with `--only` or the run is a `--full-refresh`.

pub mod hook;
pub mod lock;
pub mod manifest;
pub mod metrics;

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::Utc;
use clap::ValueEnum;
use sha2::{Digest, Sha256};

use crate::config::Plan;
use crate::disclosure::{self, Published};
use crate::error::Error;
use crate::indicators::{self, IndicatorSummary};
use crate::ingest::state::{self, InputFile, State};
use crate::ingest::{self, IngestSummary};
use crate::secret_key::RunKey;
use crate::store::layout::{self, Layout};
use manifest::{Manifest, Outcome, StepRecord, StepStatus};

/// The steps of a run, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Step {
    Ingest,
    Indicators,
    Charts,
    Pack,
    Report,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Ingest,
        Step::Indicators,
        Step::Charts,
        Step::Pack,
        Step::Report,
    ];

    /// The folder whose contents the step replaces; its fingerprint is kept there.
    pub fn output(self, layout: &Layout) -> PathBuf {
        match self {
            Step::Ingest => layout.ingested(),
            Step::Indicators => layout.indicators(),
            Step::Charts => layout.charts(),
            Step::Pack => layout.pack(),
            Step::Report => layout.report(),
        }
    }

    pub fn name(self) -> String {
        self.to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Run this step alone, even if nothing it reads has changed.
    pub only: Option<Step>,
    /// Run this step and those after it.
    pub from: Option<Step>,
    /// Read every input again and run every step.
    pub full_refresh: bool,
    /// The output folder; `out/<pipeline name>` when not given.
    pub out: Option<PathBuf>,
    /// The language of the charts and the pack.
    pub lang: crate::text::Lang,
    /// The metrics file, over the pipeline file's `[monitoring] metrics_file`.
    pub metrics_file: Option<PathBuf>,
}

#[derive(Debug)]
pub struct RunOutcome {
    pub layout: Layout,
    pub ingest: Option<IngestSummary>,
    pub indicators: Option<IndicatorSummary>,
    /// Set when the share of rejected rows is above `rules.max_rejected_share`.
    pub quality_gate: Option<String>,
}

impl RunOutcome {
    /// 0 when all is well, 3 when the run finished but the data-quality gate failed.
    pub fn exit_code(&self) -> u8 {
        if self.quality_gate.is_some() {
            3
        } else {
            0
        }
    }
}

pub fn default_out(plan: &Plan) -> PathBuf {
    PathBuf::from("out").join(&plan.name)
}

/// Runs the pipeline under the output folder's lock and records it in the manifest,
/// whatever the outcome.
pub fn run(
    plan: &Plan,
    options: &RunOptions,
    log: &mut dyn FnMut(&str),
) -> Result<RunOutcome, Error> {
    let layout = Layout::new(options.out.clone().unwrap_or_else(|| default_out(plan)));
    std::fs::create_dir_all(&layout.root).map_err(|e| Error::write(&layout.root, e))?;
    let started = Utc::now();
    let run_id = format!(
        "{}-{}",
        started.format("%Y%m%dT%H%M%SZ"),
        std::process::id()
    );
    let holder = format!(
        "pid {}, started {}, run {run_id}",
        std::process::id(),
        started.format("%Y-%m-%d %H:%M:%S UTC")
    );
    let lock = lock::RunLock::acquire(&layout.lock_file(), &holder)?;
    for line in layout::clean_leftovers(&layout.root).map_err(|e| Error::write(&layout.root, e))? {
        log(&line);
    }

    let mut record = Manifest::start(&run_id, &plan.file, started);
    record.only = options.only.map(Step::name);
    record.from = options.from.map(Step::name);
    record.full_refresh = options.full_refresh;
    record.record_ignored(plan);
    record.write_run(&layout)?;
    let result = run_steps(plan, options, &layout, &mut record, log);
    record.ended = Some(Utc::now());
    match &result {
        Ok(outcome) => {
            record.outcome = match outcome.quality_gate {
                Some(_) => Outcome::QualityGateFailed,
                None => Outcome::Done,
            };
            record.quality_gate = outcome.quality_gate.clone();
        }
        Err(e) => {
            record.outcome = Outcome::Failed;
            record.error = Some(e.to_string());
        }
    }
    if record.inputs.is_empty() {
        // Steps that did not ingest describe the clean tables they read.
        if let Some(state) = State::load(&layout.ingested()) {
            record.record_inputs(&IngestSummary::from_state(&state));
        }
    }
    record.record_outputs(&layout);
    let written = record.write(&layout);
    write_metrics(plan, options, &layout, &record, log);
    // The hook may take its time, and may start another run: the folder is free by then.
    drop(lock);
    if record.outcome != Outcome::Done {
        if let Some(hook) = &plan.monitoring.on_failure {
            let call = hook::Call {
                outcome: record.outcome.name(),
                run_id: &record.run_id,
                manifest: absolute(&record.path(&layout)),
                output: layout.runs().join(format!("{run_id}.hook.log")),
            };
            hook::run(hook, &call, log);
        }
    }
    let outcome = result?;
    written?;
    Ok(outcome)
}

/// Writes the run's metrics file. Monitoring never changes a run's outcome: a file that
/// cannot be written is a warning, and the metrics' own staleness then tells.
fn write_metrics(
    plan: &Plan,
    options: &RunOptions,
    layout: &Layout,
    record: &Manifest,
    log: &mut dyn FnMut(&str),
) {
    let path = metrics::path(plan, options.metrics_file.as_deref(), layout);
    let context = metrics::Context {
        last_success: metrics::last_success(layout, record),
        targets: crate::indicators::scorecard::target_tally(
            &layout.indicators().join("indicators.parquet"),
        ),
    };
    match metrics::write(&path, plan, record, &context) {
        Ok(()) => log(&crate::log::debug(&format!(
            "Metrics written to {}.",
            path.display()
        ))),
        Err(e) => log(&crate::log::warning(&format!(
            "The metrics file was not written: {e}"
        ))),
    }
}

/// `path` from the root, for a command started elsewhere; as it is if that cannot be told.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn run_steps(
    plan: &Plan,
    options: &RunOptions,
    layout: &Layout,
    record: &mut Manifest,
    log: &mut dyn FnMut(&str),
) -> Result<RunOutcome, Error> {
    let steps: Vec<Step> = match (options.only, options.from) {
        (Some(step), _) => vec![step],
        (None, Some(from)) => Step::ALL.into_iter().filter(|s| *s >= from).collect(),
        (None, None) => Step::ALL.to_vec(),
    };
    // The org units (a national list: some 40 ms of folding names) are read while the
    // inputs are hashed, for an ingest that may run; the step reports a failure to read them.
    let (inputs, mut org_units) = std::thread::scope(|threads| {
        let units = steps
            .contains(&Step::Ingest)
            .then(|| threads.spawn(|| plan.load_unit_lists()));
        let inputs = state::hash_inputs(plan, &layout.root.join(".treem-hashes.json"));
        let units = units.map(|reading| match reading.join() {
            Ok(units) => units,
            Err(panic) => std::panic::resume_unwind(panic),
        });
        (inputs, units)
    });
    // A file under a source's folder that no pattern takes may be a submission missed.
    for line in ignored_lines(plan) {
        match line.starts_with(' ') {
            true => log(&line),
            false => log(&crate::log::warning(&line)),
        }
    }
    // The secret is found (or made) only for a run that ingests; a key left in the output
    // folder by an older treem is moved out here, under the lock.
    let key = match steps.contains(&Step::Ingest) {
        true => {
            let key = crate::secret_key::for_run(
                &crate::secret_key::KeyEnv::from_process(),
                plan.secret_key_file.as_deref(),
                &plan.name,
                &layout.root,
            )
            .map_err(Error::Secret)?;
            for event in &key.events {
                log(&event.to_string());
            }
            record.key_id = Some(key.id.clone());
            Some(key)
        }
        false => None,
    };
    let mut outcome = RunOutcome {
        layout: layout.clone(),
        ingest: None,
        indicators: None,
        quality_gate: None,
    };
    // Disclosure control, computed once for the charts and the pack when either runs.
    let mut published: Option<Published> = None;
    for step in steps {
        let clock = Instant::now();
        let started = Utc::now();
        let fingerprint = fingerprint(step, plan, options, layout, &inputs, key.as_ref())?;
        let forced = options.full_refresh || options.only == Some(step);
        let unchanged = fingerprint.is_some() && stored_fingerprint(step, layout) == fingerprint;
        let mut done = |status, reason: Option<&str>| {
            record.steps.push(StepRecord {
                step: step.name(),
                status,
                reason: reason.map(str::to_string),
                started,
                duration_seconds: clock.elapsed().as_secs_f64(),
            })
        };
        if unchanged && !forced {
            let reason = "nothing it reads has changed since the last run";
            log(&format!("Step {}: skipped, {reason}.", step.name()));
            if step == Step::Ingest {
                outcome.ingest =
                    State::load(&layout.ingested()).map(|s| IngestSummary::from_state(&s));
            }
            done(StepStatus::Skipped, Some(reason));
            continue;
        }
        let ran = match step {
            Step::Ingest => {
                log("Step ingest: reading the sources.");
                ingest::run(
                    plan,
                    layout,
                    &inputs,
                    org_units.take(),
                    key.as_ref().ok_or_else(|| {
                        Error::Internal("the ingest step ran without a key".into())
                    })?,
                    options.full_refresh,
                    log,
                )
                .map(|summary| outcome.ingest = Some(summary))
            }
            Step::Indicators => {
                log("Step indicators: computing the indicators from the clean tables.");
                indicators::run(plan, layout, log).map(|s| outcome.indicators = Some(s))
            }
            Step::Charts => {
                log("Step charts: drawing the published indicators.");
                published_once(&mut published, plan, layout).and_then(|published| {
                    crate::charts::run(plan, layout, published, options.lang, log).map(|_| ())
                })
            }
            Step::Pack => {
                log("Step pack: publishing the indicators under disclosure control.");
                published_once(&mut published, plan, layout).and_then(|published| {
                    crate::pack::run(plan, layout, published.clone(), options.lang, log).map(|_| ())
                })
            }
            Step::Report => {
                log("Step report: drafting the report and the districts' feedback.");
                published_once(&mut published, plan, layout).and_then(|published| {
                    crate::report::run(plan, layout, published, options.lang, log).map(|_| ())
                })
            }
        };
        if let Err(e) = ran {
            done(StepStatus::Failed, None);
            if let Some(summary) = &outcome.ingest {
                record.record_inputs(summary);
            }
            return Err(e);
        }
        // Written after the outputs are in place: a run killed in between only reruns the step.
        if let Some(fingerprint) = &fingerprint {
            let path = step.output(layout).join(FINGERPRINT);
            layout::write_atomic(&path, fingerprint.as_bytes())
                .map_err(|e| Error::write(&path, e))?;
        }
        done(StepStatus::Run, None);
    }
    if let Some(summary) = &outcome.ingest {
        record.record_inputs(summary);
        outcome.quality_gate = quality_gate(plan, summary);
    }
    if let Some(gate) = &outcome.quality_gate {
        log(&crate::log::warning(&format!(
            "Data-quality gate failed: {gate}"
        )));
    }
    Ok(outcome)
}

/// The indicators under disclosure control, published by the first step that needs them.
fn published_once<'a>(
    published: &'a mut Option<Published>,
    plan: &Plan,
    layout: &Layout,
) -> Result<&'a Published, Error> {
    if published.is_none() {
        *published = Some(disclosure::publish_outputs(layout, plan.min_count)?);
    }
    published
        .as_ref()
        .ok_or_else(|| Error::Internal("the published table went missing".into()))
}

/// Why the data-quality gate fails, if it does: too large a share of the rows rejected,
/// or more files than allowed that could not be read at all (a district whose every
/// workbook is unreadable is missing from completeness however few rows that is).
fn quality_gate(plan: &Plan, summary: &IngestSummary) -> Option<String> {
    let mut failures = Vec::new();
    let share = summary.rejected_share();
    if share > plan.rules.max_rejected_share {
        failures.push(format!(
            "{:.2} % of the rows read were rejected, above the {:.2} % that rules.max_rejected_share allows.",
            share * 100.0,
            plan.rules.max_rejected_share * 100.0
        ));
    }
    let unreadable: Vec<&std::path::Path> = summary
        .tables
        .iter()
        .flat_map(|t| t.files.iter().filter(|f| f.not_read()))
        .map(|f| f.path.as_path())
        .collect();
    if unreadable.len() > plan.rules.max_unreadable_files as usize {
        let named: Vec<String> = unreadable
            .iter()
            .take(3)
            .map(|p| p.display().to_string())
            .collect();
        failures.push(format!(
            "{} file{} could not be read at all ({}{}), more than the {} that rules.max_unreadable_files allows.",
            unreadable.len(),
            if unreadable.len() == 1 { "" } else { "s" },
            named.join(", "),
            if unreadable.len() > 3 { ", …" } else { "" },
            plan.rules.max_unreadable_files
        ));
    }
    match failures.is_empty() {
        true => None,
        false => Some(failures.join(" ")),
    }
}

/// What the log, `treem check` and `treem status` say of the files no pattern takes: a
/// count per source, then each file with its reason.
pub fn ignored_lines(plan: &Plan) -> Vec<String> {
    let mut lines = Vec::new();
    for source in plan.sources.iter().filter(|s| !s.ignored.is_empty()) {
        lines.push(format!(
            "{}: {} file{} under its folder not read:",
            source.kind.name(),
            source.ignored.len(),
            if source.ignored.len() == 1 { "" } else { "s" }
        ));
        for f in &source.ignored {
            lines.push(format!("  {}: {}", f.path.display(), f.reason));
        }
    }
    lines
}

/// The file in a step's output folder that says what it was built from.
const FINGERPRINT: &str = ".treem-fingerprint";

fn stored_fingerprint(step: Step, layout: &Layout) -> Option<String> {
    read_fingerprint(&step.output(layout))
}

fn read_fingerprint(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join(FINGERPRINT)).ok()
}

/// What the step's outputs would be built from now; `None` when that cannot be known
/// (its upstream has no fingerprint), and then the step runs.
fn fingerprint(
    step: Step,
    plan: &Plan,
    options: &RunOptions,
    layout: &Layout,
    inputs: &[InputFile],
    key: Option<&RunKey>,
) -> Result<Option<String>, Error> {
    let upstream = match Step::ALL.iter().take_while(|s| **s < step).last() {
        None => return Ok(key.map(|key| ingest::fingerprint(plan, key, inputs))),
        Some(before) => stored_fingerprint(*before, layout),
    };
    let Some(upstream) = upstream else {
        return Ok(None);
    };
    let pipeline = crate::hash::file_hash::sha256_file(&plan.file)
        .map(|(s, _)| s)
        .unwrap_or_default();
    // What the reader sees depends on the language too: a pack in English is not the
    // pack in Vietnamese.
    let lang = match step {
        Step::Charts | Step::Pack | Step::Report => format!("{:?}", options.lang),
        _ => String::new(),
    };
    Ok(Some(step_fingerprint(
        &step.name(),
        crate::BUILD,
        &pipeline,
        &upstream,
        &lang,
    )))
}

/// A later step's fingerprint: the digest of the step, the build that runs it, the
/// pipeline file's hash, its upstream's fingerprint and the readers' language.
fn step_fingerprint(step: &str, build: &str, pipeline: &str, upstream: &str, lang: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [step, build, pipeline, upstream, lang] {
        hasher.update(part.as_bytes());
        hasher.update(b"\0");
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_build_of_the_same_version_builds_the_steps_again() {
        let (version, id) = crate::BUILD.split_once('+').unwrap();
        assert_eq!(version, env!("CARGO_PKG_VERSION"));
        assert_eq!(id.len(), 16);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
        let of = |build| step_fingerprint("pack", build, "p", "u", "Vi");
        assert_eq!(of(crate::BUILD), of(crate::BUILD));
        assert_ne!(of(crate::BUILD), of("0.1.0+0000000000000000"));
        // Each part is delimited: moving text between parts changes the fingerprint.
        assert_ne!(
            step_fingerprint("pack", "b", "pu", "", "Vi"),
            step_fingerprint("pack", "b", "p", "u", "Vi")
        );
    }
}
