//! The metrics file of every run, failed ones included: the run's record in the Prometheus
//! text format, as node_exporter's textfile collector reads it (a `*.prom` file in its
//! folder, replaced whole by a rename so that a scrape never sees half of it). Every
//! series carries the pipeline's name as `pipeline`; the steps and sources are the ones
//! the run recorded and the plan declares, so a new step or source needs nothing here.
//!
//! The encoding is prometheus-client's (the official Rust client), in its Prometheus text
//! format 0.0.4 rather than OpenMetrics, which is what the textfile collector parses.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;

use chrono::{DateTime, Utc};
use prometheus_client::encoding::{prometheus_text, EncodeMetric, MetricEncoder};
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;
use serde::Deserialize;

use super::manifest::{Manifest, Outcome, StepStatus};
use crate::config::Plan;
use crate::error::Error;
use crate::indicators::scorecard::TargetTally;
use crate::store::layout::{write_atomic, Layout};

/// The metrics file's name in the output folder when neither the pipeline file nor the
/// command line names one.
pub const DEFAULT_FILE: &str = "treem.prom";

/// The outcomes a finished run can have, each a series of `treem_last_run_outcome`.
const OUTCOMES: [Outcome; 3] = [Outcome::Done, Outcome::Failed, Outcome::QualityGateFailed];

const STEP_STATUSES: [(StepStatus, &str); 3] = [
    (StepStatus::Run, "run"),
    (StepStatus::Skipped, "skipped"),
    (StepStatus::Failed, "failed"),
];

type Labels = Vec<(String, String)>;
type FloatGauge = Gauge<f64, AtomicU64>;

/// Where the metrics file goes: the command line's choice, the pipeline file's, or
/// `<output folder>/treem.prom`.
pub fn path(plan: &Plan, chosen: Option<&Path>, layout: &Layout) -> PathBuf {
    chosen
        .map(Path::to_path_buf)
        .or_else(|| plan.monitoring.metrics_file.clone())
        .unwrap_or_else(|| layout.root.join(DEFAULT_FILE))
}

/// What goes into the file besides the run's record.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// When the last run that ended `done` ended (this one, if it did).
    pub last_success: Option<DateTime<Utc>>,
    /// The targets of the indicators in place.
    pub targets: Option<TargetTally>,
}

/// Renders the metrics of the run `m` of `plan` and writes them to `path` atomically.
pub fn write(path: &Path, plan: &Plan, m: &Manifest, context: &Context) -> Result<(), Error> {
    let text = render(plan, m, context).map_err(|e| {
        Error::Internal(format!(
            "the metrics of run {} cannot be encoded: {e}",
            m.run_id
        ))
    })?;
    write_atomic(path, text.as_bytes()).map_err(|e| Error::write(path, e))
}

/// The Prometheus text of the run `m`.
pub fn render(plan: &Plan, m: &Manifest, context: &Context) -> Result<String, std::fmt::Error> {
    let mut r = Registry::with_prefix_and_labels(
        "treem",
        [(Cow::Borrowed("pipeline"), Cow::Owned(plan.name.clone()))].into_iter(),
    );
    family(
        &mut r,
        "build_info",
        "The treem version that ran, always 1",
        vec![(labels(&[("version", &m.treem_version)]), 1.0)],
    );
    family(
        &mut r,
        "last_run_outcome",
        "How the last run ended: 1 for its outcome, 0 for the others",
        OUTCOMES
            .iter()
            .map(|o| (labels(&[("outcome", o.name())]), flag(m.outcome == *o)))
            .collect(),
    );
    gauge(
        &mut r,
        "last_run_start_timestamp_seconds",
        "When the last run started, in seconds since the Unix epoch",
        seconds(&m.started),
    );
    if let Some(ended) = &m.ended {
        gauge(
            &mut r,
            "last_run_end_timestamp_seconds",
            "When the last run ended, in seconds since the Unix epoch",
            seconds(ended),
        );
        gauge(
            &mut r,
            "last_run_duration_seconds",
            "How long the last run took",
            (*ended - m.started).as_seconds_f64(),
        );
    }
    gauge(
        &mut r,
        "last_success_timestamp_seconds",
        "When the last run that ended done ended, in seconds since the Unix epoch; 0 if none is on record",
        context.last_success.as_ref().map(seconds).unwrap_or(0.0),
    );
    family(
        &mut r,
        "step_duration_seconds",
        "How long each step of the last run took",
        m.steps
            .iter()
            .map(|s| (labels(&[("step", &s.step)]), s.duration_seconds))
            .collect(),
    );
    family(
        &mut r,
        "step_status",
        "What each step of the last run did: 1 for its status (run, skipped, failed), 0 for the others",
        m.steps
            .iter()
            .flat_map(|s| {
                STEP_STATUSES.iter().map(|(status, name)| {
                    (
                        labels(&[("step", &s.step), ("status", name)]),
                        flag(s.status == *status),
                    )
                })
            })
            .collect(),
    );
    sources(&mut r, plan, m);
    if matches!(m.outcome, Outcome::Done | Outcome::QualityGateFailed) {
        gauge(
            &mut r,
            "quality_gate_failed",
            "1 when the last run's data-quality gate failed (too many rows rejected or files unreadable), 0 when it passed",
            flag(m.outcome == Outcome::QualityGateFailed),
        );
    }
    if let Some(tally) = &context.targets {
        targets(&mut r, tally);
    }
    let mut text = String::new();
    prometheus_text::encode(&mut text, &r)?;
    Ok(text)
}

/// Files and rows by source, for every source the plan declares: one with no file at all
/// is there with 0, which is what an alert looks for.
fn sources(r: &mut Registry, plan: &Plan, m: &Manifest) {
    let mut files = Vec::new();
    let mut ignored = Vec::new();
    let mut not_read = Vec::new();
    let mut rows: [Vec<(Labels, f64)>; 4] = Default::default();
    for source in &plan.sources {
        let label = labels(&[("source", source.kind.name())]);
        let paths: BTreeSet<&PathBuf> = source.files.iter().collect();
        let inputs: Vec<_> = m
            .inputs
            .iter()
            .filter(|i| paths.contains(&i.path))
            .collect();
        files.push((label.clone(), source.files.len() as f64));
        ignored.push((label.clone(), source.ignored.len() as f64));
        not_read.push((
            label.clone(),
            inputs.iter().filter(|i| i.not_read).count() as f64,
        ));
        let sums = [
            inputs.iter().map(|i| i.rows_read).sum::<u64>(),
            inputs.iter().map(|i| i.kept).sum(),
            inputs.iter().map(|i| i.rejected).sum(),
            inputs.iter().map(|i| i.excluded).sum(),
        ];
        for (series, sum) in rows.iter_mut().zip(sums) {
            series.push((label.clone(), sum as f64));
        }
    }
    family(
        r,
        "source_files",
        "Files the source's patterns match",
        files,
    );
    family(
        r,
        "source_files_not_read",
        "Files of the source of which nothing could be read",
        not_read,
    );
    family(
        r,
        "source_files_ignored",
        "Files under the source's folders that no pattern takes",
        ignored,
    );
    let [read, kept, rejected, excluded] = rows;
    for (name, help, series) in [
        (
            "source_rows_read",
            "Rows read from the source's files",
            read,
        ),
        (
            "source_rows_kept",
            "Rows of the source kept in its clean table",
            kept,
        ),
        (
            "source_rows_rejected",
            "Rows of the source rejected, each with its reason",
            rejected,
        ),
        (
            "source_rows_excluded",
            "Rows of the source left out by a rule (e.g. a child aged out)",
            excluded,
        ),
    ] {
        family(r, name, help, series);
    }
}

fn targets(r: &mut Registry, tally: &TargetTally) {
    let level = tally.level.as_str();
    let count = |list: fn(&crate::indicators::scorecard::PeriodTargets) -> usize| {
        tally
            .periods
            .iter()
            .map(|p| {
                (
                    labels(&[("period", &p.period), ("level", level)]),
                    list(p) as f64,
                )
            })
            .collect()
    };
    family(
        r,
        "targets_met",
        "Targets of the plan met, by period, at the top level of the indicators in place",
        count(|p| p.met.len()),
    );
    family(
        r,
        "targets_not_met",
        "Targets of the plan not met, by period, at the top level of the indicators in place",
        count(|p| p.not_met.len()),
    );
    family(
        r,
        "target_met",
        "1 when the indicator's target is met in the period, 0 when it is not",
        tally
            .periods
            .iter()
            .flat_map(|p| {
                let met = p.met.iter().map(|i| (i, true));
                let not_met = p.not_met.iter().map(|i| (i, false));
                met.chain(not_met).map(|(indicator, met)| {
                    (
                        labels(&[
                            ("period", &p.period),
                            ("level", level),
                            ("indicator", indicator),
                        ]),
                        flag(met),
                    )
                })
            })
            .collect(),
    );
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn flag(on: bool) -> f64 {
    if on {
        1.0
    } else {
        0.0
    }
}

fn seconds(time: &DateTime<Utc>) -> f64 {
    time.timestamp_micros() as f64 / 1e6
}

fn gauge(r: &mut Registry, name: &str, help: &str, value: f64) {
    let gauge = FloatGauge::default();
    gauge.set(value);
    r.register(name, help, gauge);
}

fn family(r: &mut Registry, name: &str, help: &str, series: Vec<(Labels, f64)>) {
    let series = series
        .into_iter()
        .map(|(labels, value)| {
            let gauge = FloatGauge::default();
            gauge.set(value);
            (labels, gauge)
        })
        .collect();
    r.register(name, help, Series(series));
}

/// The gauges of one family, written in the order given (the steps' order, the plan's
/// sources'). prometheus-client's `Family` keeps its series in a hash map, so each run
/// wrote them in another order and two nights' files could not be compared with `diff`.
#[derive(Debug)]
struct Series(Vec<(Labels, FloatGauge)>);

impl EncodeMetric for Series {
    fn encode(&self, mut encoder: MetricEncoder) -> Result<(), std::fmt::Error> {
        for (labels, gauge) in &self.0 {
            gauge.encode(encoder.encode_family(labels)?)?;
        }
        Ok(())
    }

    fn metric_type(&self) -> MetricType {
        MetricType::Gauge
    }

    // As a `Family` with no series: no descriptor for a family with nothing in it.
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The end of this run if it is done, else of the latest earlier run recorded done in
/// `runs/`. Run ids begin with their start time, so the newest come last by name; only
/// the outcome and end of each are read.
pub fn last_success(layout: &Layout, m: &Manifest) -> Option<DateTime<Utc>> {
    if m.outcome == Outcome::Done {
        return m.ended;
    }
    #[derive(Deserialize)]
    struct Ending {
        outcome: Outcome,
        ended: Option<DateTime<Utc>>,
    }
    let mut runs: Vec<PathBuf> = std::fs::read_dir(layout.runs())
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    runs.sort();
    runs.iter().rev().find_map(|path| {
        let text = std::fs::read(path).ok()?;
        let ending: Ending = serde_json::from_slice(&text).ok()?;
        (ending.outcome == Outcome::Done)
            .then_some(ending.ended)
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::fixture::plan;

    #[test]
    fn a_family_writes_its_series_in_the_order_given() {
        let steps = [
            "ingest",
            "indicators",
            "charts",
            "pack",
            "report",
            "a",
            "b",
            "c",
        ];
        let series = steps
            .iter()
            .enumerate()
            .map(|(i, s)| (labels(&[("step", s)]), i as f64))
            .collect();
        let mut r = Registry::default();
        family(&mut r, "treem_test", "A test family", series);
        let mut text = String::new();
        prometheus_text::encode(&mut text, &r).unwrap();
        let written: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("treem_test{"))
            .filter_map(|l| l.split('"').nth(1))
            .collect();
        assert_eq!(written, steps);
        // Nothing given: no descriptor, as before.
        let mut r = Registry::default();
        family(&mut r, "treem_none", "Empty", Vec::new());
        let mut text = String::new();
        prometheus_text::encode(&mut text, &r).unwrap();
        assert!(!text.contains("treem_none"), "{text}");
    }
    use crate::indicators::scorecard::PeriodTargets;
    use crate::run::manifest::StepRecord;

    fn record(outcome: Outcome, steps: &[(&str, StepStatus)]) -> Manifest {
        let started: DateTime<Utc> = "2026-12-05T01:30:00Z".parse().unwrap();
        let mut m = Manifest::start("20261205T013000Z-1", Path::new("p.toml"), started);
        m.outcome = outcome;
        m.ended = Some(started + chrono::Duration::milliseconds(62_500));
        m.steps = steps
            .iter()
            .map(|(step, status)| StepRecord {
                step: step.to_string(),
                status: *status,
                reason: None,
                started,
                duration_seconds: 1.5,
            })
            .collect();
        m
    }

    fn lines(text: &str) -> Vec<&str> {
        text.lines().filter(|l| !l.starts_with('#')).collect()
    }

    #[test]
    fn the_steps_are_the_run_s_whatever_they_are() {
        let m = record(
            Outcome::Failed,
            &[("ingest", StepStatus::Run), ("report", StepStatus::Failed)],
        );
        let text = render(&plan(&[]), &m, &Context::default()).unwrap();
        let lines = lines(&text);
        assert!(lines
            .contains(&r#"treem_step_status{pipeline="test",step="report",status="failed"} 1.0"#));
        assert!(
            lines.contains(&r#"treem_step_duration_seconds{pipeline="test",step="report"} 1.5"#)
        );
        assert!(!text.contains(r#"step="pack""#), "{text}");
        assert!(lines.contains(&r#"treem_last_run_duration_seconds{pipeline="test"} 62.5"#));
        assert!(lines.contains(&r#"treem_last_success_timestamp_seconds{pipeline="test"} 0.0"#));
        assert!(lines.contains(&r#"treem_last_run_outcome{pipeline="test",outcome="failed"} 1.0"#));
        // Every source the plan declares, with no files at all.
        for source in ["child_registry", "cases", "district_reports", "fund"] {
            let line = format!(r#"treem_source_files{{pipeline="test",source="{source}"}} 0.0"#);
            assert!(lines.contains(&line.as_str()), "{line} in\n{text}");
        }
        // Each family is described once: HELP and TYPE.
        assert_eq!(text.matches("# TYPE treem_step_status gauge\n").count(), 1);
        assert_eq!(text.matches("# HELP treem_step_status ").count(), 1);
    }

    #[test]
    fn targets_are_counted_by_period_and_named_by_indicator() {
        let m = record(Outcome::QualityGateFailed, &[("ingest", StepStatus::Run)]);
        let context = Context {
            last_success: None,
            targets: Some(TargetTally {
                level: "province".into(),
                periods: vec![PeriodTargets {
                    period: "2021".into(),
                    met: vec!["fund_raised_vnd".into()],
                    not_met: vec!["special_support_rate".into(), "staff_trained_rate".into()],
                }],
            }),
        };
        let text = render(&plan(&[]), &m, &context).unwrap();
        let lines = lines(&text);
        for want in [
            r#"treem_targets_met{pipeline="test",period="2021",level="province"} 1.0"#,
            r#"treem_targets_not_met{pipeline="test",period="2021",level="province"} 2.0"#,
            r#"treem_target_met{pipeline="test",period="2021",level="province",indicator="special_support_rate"} 0.0"#,
            r#"treem_quality_gate_failed{pipeline="test"} 1.0"#,
        ] {
            assert!(lines.contains(&want), "{want} in\n{text}");
        }
    }
}
