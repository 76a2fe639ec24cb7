//! Ingesting the district report workbooks: each workbook read by
//! `sources::district_reports`, its problems kept as rejected rows, and the reports of a
//! district for a period numbered as versions in the order they were sent. All versions
//! are kept; the latest gives the values, the first decides timeliness (later steps).

use std::collections::BTreeMap;
use std::path::Path;

use super::frames::{self, ReportRow};
use super::{part_path, write_parquet, Counts, FileSummary, RejectedRows, TableSummary};
use crate::config::{Plan, SourceFiles};
use crate::error::Error;
use crate::reference::OrgUnits;
use crate::sources::district_reports::{self, DistrictReport};
use crate::sources::row::{Reason, Rejection};
use crate::sources::tabular::read_tables_with;

pub const TABLE: &str = "district_reports";

pub fn ingest(
    plan: &Plan,
    units: &OrgUnits,
    source: &SourceFiles,
    ingested: &Path,
    rejected_dir: &Path,
) -> Result<TableSummary, Error> {
    let mut summary = TableSummary {
        table: TABLE,
        files: Vec::new(),
        counts: Counts::default(),
    };
    let mut rejected = RejectedRows { rows: Vec::new() };
    let mut reports: Vec<(DistrictReport, &Path)> = Vec::new();
    for path in &source.files {
        let mut file = FileSummary {
            path: path.clone(),
            read_as: String::new(),
            counts: Counts::default(),
            problem: None,
        };
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
        let folder = path
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !plan.periods.iter().any(|p| p.key == folder) {
            let keys: Vec<&str> = plan.periods.iter().map(|p| p.key.as_str()).collect();
            fail(
                &mut file,
                Reason::PeriodMismatch,
                "period",
                format!(
                    "its folder \"{folder}\" is not a period of the pipeline ({}).",
                    keys.join(", ")
                ),
            );
            summary.files.push(file);
            continue;
        }
        let tables = match read_tables_with(path, &plan.limits) {
            Ok(t) => t,
            Err(e) => {
                fail(&mut file, Reason::UnreadableFile, "", e.message);
                summary.files.push(file);
                continue;
            }
        };
        let outcome = district_reports::read(&tables, &folder, units, &plan.province);
        for problem in outcome.problems {
            let message = format!("{}: {}", path.display(), problem.rejection.detail);
            if problem.row > 0 {
                file.counts.read += 1;
                file.counts.rejected += 1;
            }
            // Workbooks are few and each problem needs a person: name them all in the log.
            file.problem = Some(match file.problem.take() {
                Some(before) => format!("{before}\n  {message}"),
                None => message.clone(),
            });
            let rejection = Rejection {
                detail: message,
                ..problem.rejection
            };
            rejected.push(
                path,
                problem.sheet.as_deref(),
                problem.row,
                rejection,
                false,
            );
        }
        if let Some(report) = outcome.report {
            file.read_as = format!(
                "district {}, period {}, sent {}",
                report.district_code, report.period, report.sent_on
            );
            file.counts.read += report.values.len() as u64;
            file.counts.kept += report.values.len() as u64;
            reports.push((report, path));
        }
        summary.counts.add(file.counts);
        summary.files.push(file);
    }

    // Versions: per district and period, in the order sent (then by file name).
    let mut by_key: BTreeMap<(String, String), Vec<(DistrictReport, &Path)>> = BTreeMap::new();
    for (report, path) in reports {
        by_key
            .entry((report.district_code.clone(), report.period.clone()))
            .or_default()
            .push((report, path));
    }
    let mut by_file: BTreeMap<(i32, &Path), Vec<ReportRow>> = BTreeMap::new();
    for ((_, period), mut versions) in by_key {
        versions.sort_by(|a, b| (a.0.sent_on, a.1).cmp(&(b.0.sent_on, b.1)));
        let year = plan
            .periods
            .iter()
            .find(|p| p.key == period)
            .map(|p| chrono::Datelike::year(&p.to))
            .unwrap_or(plan.year);
        for (i, (report, path)) in versions.into_iter().enumerate() {
            let rows = by_file.entry((year, path)).or_default();
            for v in &report.values {
                rows.push(ReportRow {
                    district_code: report.district_code.clone(),
                    period: report.period.clone(),
                    form: i32::from(v.item.form),
                    item: v.item.code,
                    value: v.value,
                    sent_on: report.sent_on,
                    file: path.display().to_string(),
                    version: i as u32 + 1,
                });
            }
        }
    }
    for ((year, path), rows) in by_file {
        let mut df = frames::district_reports(&rows)
            .map_err(|e| Error::polars("building the district reports", e))?;
        write_parquet(&mut df, &part_path(ingested, TABLE, year, path))?;
    }
    rejected.write(rejected_dir, TABLE)?;
    Ok(summary)
}
