//! The step graph of `treem run`: which steps run, in order, into which output folder, and
//! what the run's outcome means for the exit code.

pub mod layout;

use std::path::PathBuf;

use crate::config::Plan;
use crate::error::Error;
use crate::indicators::{self, IndicatorSummary};
use crate::ingest::{self, IngestSummary};
use layout::Layout;

/// The steps of a run, in the order they run. Later steps (indicators, charts, pack) join
/// this list as they are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Step {
    Ingest,
    Indicators,
    Charts,
}

impl Step {
    pub const ALL: [Step; 3] = [Step::Ingest, Step::Indicators, Step::Charts];
}

#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Run this step alone.
    pub only: Option<Step>,
    /// The output folder; `out/<pipeline name>` when not given.
    pub out: Option<PathBuf>,
    /// The language of the charts and the pack.
    pub lang: crate::pack::Lang,
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

pub fn run(
    plan: &Plan,
    options: &RunOptions,
    log: &mut dyn FnMut(&str),
) -> Result<RunOutcome, Error> {
    let layout = Layout::new(options.out.clone().unwrap_or_else(|| default_out(plan)));
    std::fs::create_dir_all(&layout.root).map_err(|e| Error::write(&layout.root, e))?;
    let steps: Vec<Step> = match options.only {
        Some(step) => vec![step],
        None => Step::ALL.to_vec(),
    };
    let mut outcome = RunOutcome {
        layout: layout.clone(),
        ingest: None,
        indicators: None,
        quality_gate: None,
    };
    for step in steps {
        match step {
            Step::Ingest => {
                log("Step ingest: reading the sources.");
                let summary = ingest::run(plan, &layout, log)?;
                let share = summary.rejected_share();
                if share > plan.rules.max_rejected_share {
                    outcome.quality_gate = Some(format!(
                        "{:.2} % of the rows read were rejected, above the {:.2} % that rules.max_rejected_share allows.",
                        share * 100.0,
                        plan.rules.max_rejected_share * 100.0
                    ));
                }
                outcome.ingest = Some(summary);
            }
            Step::Indicators => {
                log("Step indicators: computing the indicators from the clean tables.");
                outcome.indicators = Some(indicators::run(plan, &layout, log)?);
            }
            Step::Charts => {
                log("Step charts: drawing the published indicators.");
                crate::charts::run(plan, &layout, options.lang, log)?;
            }
        }
    }
    if let Some(gate) = &outcome.quality_gate {
        log(&format!("Data-quality gate failed: {gate}"));
    }
    Ok(outcome)
}
