//! Data-quality checks: what the data says about itself. Each check returns rows of the
//! one `data_quality` table — which check, which rule, how serious, for which district and
//! period, and the values behind it — so a statistician reads every finding in one place.
//!
//! The indicators step runs the checks and the disclosure control reads what they name;
//! what the checks share with the indicators (columns, levels) is in `crate::columns`, so
//! this module imports no step.

pub mod form_rules;
pub mod outliers;
pub mod sending_dates;
pub mod source_gap;

use polars::prelude::*;

use crate::columns as col;

/// The columns of `indicators/data_quality.parquet`, in order.
pub const COLUMNS: [&str; 13] = [
    col::CHECK,
    col::RULE,
    col::SEVERITY,
    col::PERIOD,
    col::DISTRICT_CODE,
    col::LEFT_ITEM,
    col::LEFT_VALUE,
    col::RIGHT_ITEM,
    col::RIGHT_VALUE,
    col::DETAIL,
    col::SHEET,
    col::LEFT_CELL,
    col::RIGHT_CELL,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The data cannot be right as it stands.
    Error,
    /// Possible but worth a look.
    Warning,
}

impl Severity {
    pub fn code(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A typed null of `dtype`, for columns a check has no value for.
pub fn null_of(dtype: DataType) -> Expr {
    lit(NULL).cast(dtype)
}

/// Puts a check's rows into the shared column order and types; a check that points at no
/// cell of a workbook (all but the form rules) has no sheet or cells.
pub fn shape(lf: LazyFrame) -> LazyFrame {
    shape_located(lf.with_columns([
        null_of(DataType::String).alias(col::SHEET),
        null_of(DataType::String).alias(col::LEFT_CELL),
        null_of(DataType::String).alias(col::RIGHT_CELL),
    ]))
}

/// [`shape`] for a check whose rows say where in the workbook the values stand.
pub fn shape_located(lf: LazyFrame) -> LazyFrame {
    lf.select([
        col(col::CHECK).cast(DataType::String),
        col(col::RULE).cast(DataType::String),
        col(col::SEVERITY).cast(DataType::String),
        col(col::PERIOD).cast(DataType::String),
        col(col::DISTRICT_CODE).cast(DataType::String),
        col(col::LEFT_ITEM).cast(DataType::String),
        col(col::LEFT_VALUE).cast(DataType::Float64),
        col(col::RIGHT_ITEM).cast(DataType::String),
        col(col::RIGHT_VALUE).cast(DataType::Float64),
        col(col::DETAIL).cast(DataType::String),
        col(col::SHEET).cast(DataType::String),
        col(col::LEFT_CELL).cast(DataType::String),
        col(col::RIGHT_CELL).cast(DataType::String),
    ])
}

/// Every finding: the form rules on the district reports, the reports whose sending date
/// is unknown, the source gaps and the outliers of the assembled indicators among the
/// units of `reporting_level` (the units that send the forms).
pub fn findings(
    indicators: &LazyFrame,
    reports: &LazyFrame,
    tolerance: f64,
    reporting_level: &str,
) -> PolarsResult<LazyFrame> {
    concat(
        [
            form_rules::failures(reports.clone())?,
            sending_dates::failures(reports.clone()),
            source_gap::failures(indicators, reports, tolerance)?,
            outliers::failures(indicators.clone(), reporting_level)?,
        ],
        UnionArgs::default(),
    )
}
