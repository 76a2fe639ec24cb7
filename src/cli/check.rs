//! `treem check [PIPELINE]`: what an analyst runs on a district's workbook before the
//! deadline. The pipeline file is checked as a run checks it (every problem at once, exit
//! 2), then every input goes through the ingest code in its dry mode — the same parsing,
//! nothing written, no secret created — and every problem is listed on stdout with its
//! file, sheet, row, column and reason. Exit 0 when clean, 3 when inputs have problems.

use std::path::PathBuf;

use crate::config;
use crate::error::Error;
use crate::ingest::{self, frames::RejectedRow};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The pipeline file; the bundled Gia Lai sample pipeline when not given.
    pub pipeline: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<u8, Error> {
    let path = super::pipeline_path(args.pipeline);
    let plan = config::load(&path)?;
    println!("The pipeline file {} is valid.", path.display());
    let outcome = ingest::check(&plan, &mut |_| {})?;
    let mut problems: Vec<String> = outcome.reference_problems.clone();
    // A file of a format treem reads that no pattern takes is most likely a submission
    // the pipeline would never see: a problem. Other files are listed for the record.
    for line in crate::run::ignored_lines(&plan) {
        println!("{line}");
    }
    problems.extend(plan.sources.iter().flat_map(|s| {
        s.ignored
            .iter()
            .filter(|f| f.readable_format)
            .map(move |f| format!("{}: not read: {}", f.path.display(), f.reason))
    }));
    let mut unreadable = 0;
    for t in &outcome.tables {
        let c = t.summary.counts;
        println!(
            "{}: {} files, {} rows read = {} kept + {} rejected + {} excluded.",
            t.summary.table,
            t.summary.files.len(),
            c.read,
            c.kept,
            c.rejected,
            c.excluded
        );
        unreadable += t.summary.unreadable_files();
        problems.extend(
            t.rejected
                .rows
                .iter()
                .filter(|r| r.outcome == "rejected")
                .map(describe),
        );
    }
    if problems.is_empty() {
        println!("No problems found.");
        return Ok(0);
    }
    println!(
        "{} problem{} ({unreadable} file{} that cannot be read as a whole):",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        if unreadable == 1 { "" } else { "s" }
    );
    for p in &problems {
        println!("  - {p}");
    }
    Ok(3)
}

/// `data/x.xlsx, sheet "Biểu 1", row 12, column "value": bad_value: …`.
fn describe(r: &RejectedRow) -> String {
    let mut at = r.file.clone();
    if let Some(sheet) = &r.sheet {
        at.push_str(&format!(", sheet \"{sheet}\""));
    }
    if r.row > 0 {
        at.push_str(&format!(", row {}", r.row));
    }
    if !r.column.is_empty() {
        at.push_str(&format!(", column \"{}\"", r.column));
    }
    let detail = r.detail.trim();
    if detail.is_empty() {
        format!("{at}: {}.", r.reason)
    } else {
        format!("{at}: {}: {detail}", r.reason)
    }
}
