//! The reference tables (source 5) copied into the clean tables with fixed types, so a
//! query of the indicators can join org unit names and rates can use the population.
//! Both are small, trusted CSVs: polars reads them lazily and sinks them to Parquet; a
//! value that does not fit its type fails the step with polars' message.

use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;

use crate::columns as col;
use crate::config::Plan;
use crate::error::Error;

pub fn write(plan: &Plan, ingested: &Path) -> Result<(), Error> {
    let org_units = scan_text_csv(&plan.org_units)?.select([
        col(col::CODE),
        col(col::LEVEL),
        col(col::UNIT_TYPE),
        col(col::NAME),
        col(col::PARENT_CODE),
    ]);
    sink(
        org_units,
        &ingested.join("org_units.parquet"),
        &plan.org_units,
    )?;

    let population = scan_text_csv(&plan.population)?.select([
        col(col::DISTRICT_CODE),
        col(col::YEAR).strict_cast(DataType::Int32),
        col(col::CHILDREN_UNDER_16).strict_cast(DataType::Int64),
    ]);
    sink(
        population,
        &ingested.join("population.parquet"),
        &plan.population,
    )
}

/// The reference files read as a run reads them, nothing written: each problem, for
/// `treem check`.
pub fn check(plan: &Plan) -> Vec<String> {
    let mut problems = Vec::new();
    let population = scan_text_csv(&plan.population).and_then(|lf| {
        lf.select([
            col(col::DISTRICT_CODE),
            col(col::YEAR).strict_cast(DataType::Int32),
            col(col::CHILDREN_UNDER_16).strict_cast(DataType::Int64),
        ])
        .collect()
        .map_err(|e| Error::polars(&format!("reading {}", plan.population.display()), e))
    });
    if let Err(e) = population {
        problems.push(e.to_string());
    }
    problems
}

/// Every column as text: codes such as "01" keep their leading zeros.
fn scan_text_csv(path: &Path) -> Result<LazyFrame, Error> {
    LazyCsvReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .finish()
        .map_err(|e| Error::polars(&format!("reading {}", path.display()), e))
}

/// Runs `lf` into one Parquet file, under a temporary name renamed into place; `source`
/// names the input in an error.
pub fn sink(lf: LazyFrame, out: &Path, source: &Path) -> Result<(), Error> {
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
    }
    let tmp = crate::store::layout::temporary_name(out);
    lf.sink(
        SinkDestination::File {
            target: SinkTarget::Path(PlRefPath::new(tmp.to_string_lossy().as_ref())),
        },
        FileWriteFormat::Parquet(Arc::new(ParquetWriteOptions::default())),
        UnifiedSinkArgs::default(),
    )
    .and_then(|lf| lf.collect())
    .map_err(|e| Error::polars(&format!("reading {}", source.display()), e))?;
    std::fs::rename(&tmp, out).map_err(|e| Error::write(out, e))
}
