//! Ingesting the district report workbooks: each workbook read by
//! `sources::district_reports` (its period folder, its forms, its row rules: all that
//! knows the source), its problems kept as rejected rows, and the reports of a district for
//! a period numbered as versions in the order they were sent. All versions are kept; the
//! latest gives the values, the first decides timeliness (later steps). A version whose
//! sending date is unknown comes before the dated ones: a dated report is never overridden
//! by one that cannot say when it was sent.
//!
//! What stays here is the ingest step's part: reusing an unchanged workbook, its keys and
//! rejected rows, the versions and the Parquet parts. It sits with the step's generic
//! machinery (`mod.rs`, `state.rs`, `frames.rs`), which `sources` must not import.
//!
//! Versions tie a district's workbooks together, so an unchanged workbook is not read
//! again but its part is rewritten with the version number it has now (a correction sent
//! later makes it version 1 of 2): the report each workbook holds is kept in the state.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::prelude::*;

use super::frames::{self, ReportRow};
use super::{
    part_path, write_parquet, Context, FileSummary, RejectedRows, TableOutcome, TableSummary,
};
use crate::columns as col;
use crate::config::SourceFiles;
use crate::error::Error;
use crate::sources::district_reports::{self, DistrictReport};
use crate::sources::row::{Reason, Rejection};

pub const TABLE: &str = "district_reports";

/// Which report a workbook holds: what orders the versions of a district's period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReportKey {
    pub district_code: String,
    pub period: String,
    /// `None` when no form's header block gives a sending date that can be read.
    pub sent_on: Option<NaiveDate>,
}

/// A workbook's report, its values and where it came from.
type Sent<'a> = (ReportKey, Values, &'a Path);

/// A report's values: read from its workbook now, or the last run's parts of it.
enum Values {
    Read(DistrictReport),
    Reused(Vec<PathBuf>),
}

pub(crate) fn ingest(
    ctx: &Context,
    source: &SourceFiles,
    log: &mut dyn FnMut(&str),
) -> Result<TableOutcome, Error> {
    let (plan, units) = (ctx.plan, ctx.units);
    let mut summary = TableSummary::new(TABLE);
    let mut rejected = RejectedRows::default();
    let mut reports: Vec<Sent> = Vec::new();
    for path in &source.files {
        if let Some(file) = super::reuse(
            ctx,
            TABLE,
            path,
            &mut super::KeySet::default(),
            &mut rejected,
        )? {
            if let (Some(key), Some(previous)) = (&file.report, ctx.previous) {
                let parts = file.parts.iter().map(|p| previous.ingested.join(p));
                reports.push((key.clone(), Values::Reused(parts.collect()), path));
            }
            log(&format!("  reused {}", path.display()));
            summary.push(file);
            continue;
        }
        log(&format!("  read {}", path.display()));
        super::write_keys(ctx, TABLE, path, &[])?;
        let mut file = FileSummary::new(path, ctx);
        let mut fail =
            |file: &mut FileSummary, reason: Reason, column: &'static str, message: String| {
                let message = format!("Cannot ingest {}: {message}", path.display());
                rejected.push(
                    path,
                    None,
                    0,
                    Rejection::new(column, reason, message.clone()),
                    false,
                );
                file.problem = Some(message);
            };
        let periods: Vec<&str> = plan.periods.iter().map(|p| p.key.as_str()).collect();
        // A report is read in the list of its period (the folder): district reports of
        // 2024, commune reports since the 2025 reform.
        let folder = path
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let units = plan
            .periods
            .iter()
            .find(|p| p.key == folder)
            .and_then(|p| ctx.lists.get(plan.period_list(p)))
            .map(|l| &l.units)
            .unwrap_or(units);
        let outcome = match district_reports::read_workbook(
            path,
            &periods,
            &plan.limits,
            units,
            &plan.scope,
            ctx.century(),
        ) {
            Ok(outcome) => outcome,
            Err(refused) => {
                fail(&mut file, refused.reason, refused.column, refused.message);
                summary.files.push(file);
                continue;
            }
        };
        let mut messages = Vec::new();
        for problem in outcome.problems {
            let message = format!("{}: {}", path.display(), problem.rejection.detail());
            if problem.row > 0 {
                file.counts.read += 1;
                file.counts.rejected += 1;
            }
            messages.push(message.clone());
            let rejection = Rejection::new(
                problem.rejection.column(),
                problem.rejection.reason(),
                message,
            );
            rejected.push(
                path,
                problem.sheet.as_deref(),
                problem.row,
                rejection,
                false,
            );
        }
        // Workbooks are few and each problem needs a person: all are named in the log. The
        // file's own problem, which the summaries count as a file not read, is only for a
        // workbook of which nothing was taken; one with a rejected value was read.
        if outcome.report.is_none() && !messages.is_empty() {
            file.problem = Some(messages.join("\n  "));
        } else {
            for message in &messages {
                log(&format!("    {message}"));
            }
        }
        if let Some(report) = outcome.report {
            let sent = match report.sent_on {
                Some(date) => date.to_string(),
                None => "on an unknown date".to_string(),
            };
            file.read_as = format!(
                "district {}, period {}, sent {sent}",
                report.district_code, report.period
            );
            file.counts.read += report.values.len() as u64;
            file.counts.kept += report.values.len() as u64;
            let key = ReportKey {
                district_code: report.district_code.clone(),
                period: report.period.clone(),
                sent_on: report.sent_on,
            };
            file.report = Some(key.clone());
            reports.push((key, Values::Read(report), path));
        }
        summary.push(file);
    }
    let Some(out) = ctx.out else {
        return Ok(TableOutcome { summary, rejected });
    };

    // Versions: per district and period, in the order sent (then by file name).
    let mut by_key: BTreeMap<(String, String), Vec<Sent>> = BTreeMap::new();
    for (key, values, path) in reports {
        by_key
            .entry((key.district_code.clone(), key.period.clone()))
            .or_default()
            .push((key, values, path));
    }
    let mut parts: HashMap<PathBuf, Vec<PathBuf>> = HashMap::new();
    for ((_, period), mut versions) in by_key {
        // An unknown sending date (None) sorts first: see the module's comment.
        versions.sort_by(|a, b| (a.0.sent_on, a.2).cmp(&(b.0.sent_on, b.2)));
        let year = plan
            .periods
            .iter()
            .find(|p| p.key == period)
            .map(|p| chrono::Datelike::year(&p.to))
            .unwrap_or(plan.year);
        for (i, (_, values, path)) in versions.into_iter().enumerate() {
            let version = i as u32 + 1;
            let part = part_path(Path::new(""), TABLE, year, path);
            let mut df = match values {
                Values::Read(report) => frames::district_reports(&rows(&report, path, version))
                    .map_err(|e| Error::polars("building the district reports", e))?,
                Values::Reused(old) => renumber(&old, version)?,
            };
            write_parquet(&mut df, &out.ingested.join(&part))?;
            parts.entry(path.to_path_buf()).or_default().push(part);
        }
    }
    for file in &mut summary.files {
        file.parts = parts.remove(&file.path).unwrap_or_default();
    }
    Ok(TableOutcome { summary, rejected })
}

fn rows(report: &DistrictReport, path: &Path, version: u32) -> Vec<ReportRow> {
    report
        .values
        .iter()
        .map(|v| ReportRow {
            district_code: report.district_code.clone(),
            period: report.period.clone(),
            form: i32::from(v.item.form),
            item: v.item.code,
            value: v.value,
            sent_on: report.sent_on,
            file: path.display().to_string(),
            version,
            sheet: v.sheet.clone(),
            cell: Some(v.cell.clone()),
        })
        .collect()
}

/// The last run's rows of a workbook, with the version number it has now.
fn renumber(parts: &[PathBuf], version: u32) -> Result<DataFrame, Error> {
    let context = "renumbering the district reports kept from the last run";
    let mut all = frames::district_reports(&[]).map_err(|e| Error::polars(context, e))?;
    for part in parts {
        let file = std::fs::File::open(part).map_err(|e| Error::write(part, e))?;
        let mut df = ParquetReader::new(file)
            .finish()
            .map_err(|e| Error::polars(context, e))?;
        let versions = Column::new(col::VERSION.into(), vec![version; df.height()]);
        df.with_column(versions)
            .map_err(|e| Error::polars(context, e))?;
        all.vstack_mut(&df).map_err(|e| Error::polars(context, e))?;
    }
    Ok(all)
}
