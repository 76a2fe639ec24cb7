//! The report step: the provincial department's report on carrying out the plan, drafted
//! as a Word document for each period of the reporting year (`report/bao_cao_<period>.docx`),
//! and the feedback each district gets back (`feedback/`, [`feedback`]).
//!
//! The report takes the shape of a Vietnamese administrative report (Decree
//! 30/2020/NĐ-CP: A4, Times New Roman 13 pt, its margins, letterhead with the national
//! motto, number and date lines left for the office's register, "Nơi nhận", signature) and
//! follows the plan's outline: I. situation, II. results by target, III. evaluation with
//! the comparison with the same period of the baseline year, IV. the next period with the
//! distance to every target; appendices 1–4 with the forms' items by district. Every
//! figure is a cell of a disclosure-controlled table — the indicators the pack publishes,
//! or the forms' items published the same way ([`appendix`]) — written through one
//! function ([`text::figure`]); where only a person can write (causes, qualitative results)
//! the document says so in a marked placeholder rather than inventing prose.
//!
//! `document.rs` lays out the Word document (docx-rs), `text.rs` writes the sentences.

pub mod appendix;
pub mod document;
pub mod feedback;
pub mod text;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::config::{Period, Plan};
use crate::disclosure::Published;
use crate::error::Error;
use crate::reference::TopUnit;
use crate::store::layout::{publish, Layout};

/// The step's two published folders (`Layout::report`, `Layout::feedback`).
const REPORT: &str = "report";
const FEEDBACK: &str = "feedback";
use crate::text::Lang;

/// Everything the document of one period is written from.
pub struct Contents<'a> {
    pub plan: &'a Plan,
    pub published: &'a Published,
    /// The forms' items of the period, under disclosure control.
    pub forms: Published,
    pub period: &'a Period,
    /// Org unit code → name as a reader knows it ("Huyện Chư Sê").
    pub names: &'a BTreeMap<String, String>,
    pub top: TopUnit,
    /// The charts step's PNGs, by file stem.
    pub charts: BTreeMap<String, PathBuf>,
}

impl Contents<'_> {
    /// The indicator's name in Vietnamese, in the words of the units that report.
    pub fn indicator_name(&self, code: &str) -> String {
        crate::pack::words::indicator(code, Lang::Vi, self.top.reporting_level)
    }

    pub fn name(&self, code: &str) -> String {
        match self.names.get(code) {
            Some(name) => name.clone(),
            None if code == crate::columns::COUNTRY => crate::columns::COUNTRY_NAME.to_string(),
            None => code.to_string(),
        }
    }

    /// The units one level below the top (districts of the province, provinces of the
    /// country), in the order of their codes.
    pub fn children(&self) -> Vec<String> {
        let mut units: Vec<String> = self
            .published
            .rows()
            .iter()
            .filter(|r| r.level == self.top.child_level && r.period == self.period.key)
            .map(|r| r.org_unit.clone())
            .collect();
        units.sort();
        units.dedup();
        units
    }
}

/// The periods a report is written for: every period of the reporting year (the annual
/// report and the six-month one).
pub fn periods(plan: &Plan) -> Vec<&Period> {
    let in_year = crate::indicators::periods_in_year(plan);
    plan.periods
        .iter()
        .filter(|p| in_year.contains(&p.key))
        .collect()
}

/// The file a period's report is written to, inside `report/`.
pub fn file_name(period: &str) -> String {
    format!("bao_cao_{period}.docx")
}

/// The PNGs of the charts step, by stem (`t1_support_rate`).
fn charts(dir: &Path) -> BTreeMap<String, PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .filter_map(|p| Some((p.file_stem()?.to_str()?.to_string(), p.clone())))
        .collect()
}

/// What the step leaves for the run.
#[derive(Debug)]
pub struct ReportSummary {
    pub documents: Vec<PathBuf>,
    pub feedback: Vec<PathBuf>,
}

/// Runs the step: `report/` (a document per period of the year) and `feedback/` (a
/// workbook per district, per province at national scope), built together in the staging
/// folder and published as one version, as the ingest step publishes its two folders.
pub fn run(
    plan: &Plan,
    layout: &Layout,
    published: &Published,
    lang: Lang,
    log: &mut dyn FnMut(&str),
) -> Result<ReportSummary, Error> {
    let read_names = |lang| -> Result<BTreeMap<String, String>, Error> {
        match std::fs::File::open(layout.ingested().join("org_units.parquet")) {
            Ok(file) => ParquetReader::new(file)
                .finish()
                .and_then(|df| crate::pack::read_names(&df, lang))
                .map_err(|e| Error::polars("reading the org unit names", e)),
            Err(_) => Ok(BTreeMap::new()),
        }
    };
    // The documents are in Vietnamese; the feedback files are named as the pack, in the
    // run's language, links them.
    let names = read_names(Lang::Vi)?;
    let file_names = read_names(lang)?;
    let top = plan.top_unit();
    let charts = charts(&layout.charts());
    let staging = layout.staging();
    let _ = std::fs::remove_dir_all(&staging);
    let step = staging.join("report-step");
    let built = step.join(REPORT);
    std::fs::create_dir_all(&built).map_err(|e| Error::write(&built, e))?;
    let mut documents = Vec::new();
    for period in periods(plan) {
        let forms = appendix::published(
            layout,
            &period.key,
            plan.scope.has_country(),
            plan.min_count,
        )?;
        let contents = Contents {
            plan,
            published,
            forms,
            period,
            names: &names,
            top: top.clone(),
            charts: charts.clone(),
        };
        let path = built.join(file_name(&period.key));
        document::write(&contents, &path)?;
        documents.push(layout.report().join(file_name(&period.key)));
    }
    let target = layout.report();
    let feedback = feedback::write(
        plan,
        layout,
        published,
        &names,
        &file_names,
        &top,
        &step.join(FEEDBACK),
    )?;
    publish(&step, &[REPORT, FEEDBACK], &layout.root, "report")
        .map_err(|e| Error::write(&target, e))?;
    let _ = std::fs::remove_dir_all(&staging);
    log(&format!(
        "report: {} document{} in {}, {} feedback workbook{} in {}.",
        documents.len(),
        if documents.len() == 1 { "" } else { "s" },
        target.display(),
        feedback.len(),
        if feedback.len() == 1 { "" } else { "s" },
        layout.feedback().display()
    ));
    Ok(ReportSummary {
        documents,
        feedback,
    })
}
