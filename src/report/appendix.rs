//! Appendices 1–4 of the report: the items of forms 1–4 summed by district, as the
//! outline asks ("số liệu theo các phụ lục 1–4"). The forms are the districts' own
//! figures, not an indicator, so they are published here the way the indicators are: as
//! rows of the long table's shape (`form_B2.05`, one per item, unit and org unit), put
//! through the same disclosure control (`crate::disclosure`) — the items of forms 1 and 2
//! count children and abuse cases, so a district's 1–4 shows `<5`, and one more cell goes
//! with it where a column would give it back by subtraction from the province's sum.

use polars::prelude::*;

use crate::columns::{self as c, COUNTRY, LEVEL_COUNTRY, LEVEL_DISTRICT, LEVEL_PROVINCE};
use crate::disclosure::{Parents, Published, FORM_ITEM};
use crate::error::Error;
use crate::sources::district_reports::{ItemUnit, ITEMS};
use crate::store::parquet::{scan_parquet_file, scan_partitioned};
use crate::store::Layout;

/// The latest version of every district's report for `period`, item by item, with each
/// province's and (with several provinces) the country's sums, as a frame of the long
/// table's columns.
pub fn items(layout: &Layout, period: &str, national: bool) -> Result<DataFrame, Error> {
    let failed = |e| Error::polars("summing the district reports' items", e);
    let Some(reports) = scan_partitioned(&layout.ingested().join("district_reports")) else {
        return empty().map_err(failed);
    };
    let reports = reports.map_err(failed)?;
    let org_units =
        scan_parquet_file(&layout.ingested().join("org_units.parquet")).map_err(failed)?;
    // The latest version of a district's report gives its values (a value it leaves blank
    // is not reported, even where an earlier version had one).
    let latest = reports
        .filter(col(c::PERIOD).eq(lit(period)))
        .sort([c::VERSION], SortMultipleOptions::default())
        .group_by([col(c::DISTRICT_CODE), col(c::ITEM)])
        .agg([col(c::VALUE).last()]);
    let districts = latest.clone().select([
        col(c::DISTRICT_CODE).alias(c::ORG_UNIT),
        lit(LEVEL_DISTRICT).alias(c::LEVEL),
        col(c::ITEM),
        col(c::VALUE),
    ]);
    let with_province = latest.join(
        org_units.select([col(c::CODE), col(c::PARENT_CODE)]),
        [col(c::DISTRICT_CODE)],
        [col(c::CODE)],
        JoinArgs::new(JoinType::Inner),
    );
    let provinces = with_province
        .clone()
        .group_by([col(c::PARENT_CODE), col(c::ITEM)])
        .agg([col(c::VALUE).sum()])
        .select([
            col(c::PARENT_CODE).alias(c::ORG_UNIT),
            lit(LEVEL_PROVINCE).alias(c::LEVEL),
            col(c::ITEM),
            col(c::VALUE),
        ]);
    let mut parts = vec![districts, provinces];
    if national {
        parts.push(
            with_province
                .group_by([col(c::ITEM)])
                .agg([col(c::VALUE).sum()])
                .select([
                    lit(COUNTRY).alias(c::ORG_UNIT),
                    lit(LEVEL_COUNTRY).alias(c::LEVEL),
                    col(c::ITEM),
                    col(c::VALUE),
                ]),
        );
    }
    let units: Vec<(&str, &str)> = ITEMS
        .iter()
        .map(|i| {
            (
                i.code,
                if i.unit == ItemUnit::Vnd {
                    "vnd"
                } else {
                    "count"
                },
            )
        })
        .collect();
    let unit_of = units.iter().fold(lit("count"), |otherwise, (code, unit)| {
        when(col(c::ITEM).eq(lit(*code)))
            .then(lit(*unit))
            .otherwise(otherwise)
    });
    concat(parts, UnionArgs::default())
        .and_then(|all| {
            all.select([
                (lit(FORM_ITEM) + col(c::ITEM)).alias(c::INDICATOR),
                lit(period).alias(c::PERIOD),
                col(c::ORG_UNIT),
                col(c::LEVEL),
                lit(NULL).cast(DataType::String).alias(c::BREAKDOWN),
                col(c::VALUE).alias(c::NUMERATOR),
                lit(NULL).cast(DataType::Float64).alias(c::DENOMINATOR),
                col(c::VALUE),
                unit_of.alias(c::UNIT),
                lit(NULL).cast(DataType::Float64).alias(c::BASELINE),
                lit(NULL)
                    .cast(DataType::Float64)
                    .alias(c::BASELINE_NUMERATOR),
                lit(NULL)
                    .cast(DataType::Float64)
                    .alias(c::BASELINE_DENOMINATOR),
                lit(NULL).cast(DataType::Float64).alias(c::CHANGE),
                lit(NULL).cast(DataType::String).alias(c::TARGET),
                lit(NULL).cast(DataType::Boolean).alias(c::TARGET_MET),
            ])
            .collect()
        })
        .map_err(failed)
}

fn empty() -> PolarsResult<DataFrame> {
    let text = |name: &str| Column::new(name.into(), Vec::<String>::new());
    let number = |name: &str| Column::new(name.into(), Vec::<f64>::new());
    DataFrame::new(
        0,
        vec![
            text(c::INDICATOR),
            text(c::PERIOD),
            text(c::ORG_UNIT),
            text(c::LEVEL),
            text(c::BREAKDOWN),
            number(c::NUMERATOR),
            number(c::DENOMINATOR),
            number(c::VALUE),
            text(c::UNIT),
            number(c::BASELINE),
            number(c::BASELINE_NUMERATOR),
            number(c::BASELINE_DENOMINATOR),
            number(c::CHANGE),
            text(c::TARGET),
            Column::new(c::TARGET_MET.into(), Vec::<bool>::new()),
        ],
    )
}

/// The items of `period` under disclosure control.
pub fn published(
    layout: &Layout,
    period: &str,
    national: bool,
    min_count: u32,
) -> Result<Published, Error> {
    let table = items(layout, period, national)?;
    let org_units = layout.ingested().join("org_units.parquet");
    let parents = Parents::load(&org_units)
        .map_err(|e| Error::polars(&format!("reading {}", org_units.display()), e))?;
    Published::publish_under(&table, &parents, min_count)
        .map_err(|e| Error::polars("applying disclosure control to the forms' items", e))
}
