//! Indicators of the child registry, from the latest snapshot within a period's window:
//! the support rate of children in special circumstances (T1), their share of all children,
//! and the children at risk. A window without a snapshot gives no rows (no baseline).

use polars::prelude::*;

use super::{Breakdown, Context, Unit, Window};
use crate::columns as c;
use crate::sources::child_registry::special_group_letters;

pub fn rows(ctx: &Context, w: &Window) -> PolarsResult<Vec<LazyFrame>> {
    let snapshot = latest_snapshot(ctx, w);
    let special = || {
        ctx.rows(w, snapshot.clone())
            .filter(col(c::SPECIAL_GROUP).is_not_null())
    };
    Ok(vec![
        special()
            .by(Breakdown::new(
                "group",
                col(c::SPECIAL_GROUP),
                &special_group_letters(),
            ))
            .ratio(
                "special_support_rate",
                col(c::SUPPORTED)
                    .fill_null(lit(false))
                    .cast(DataType::Int64)
                    .sum(),
                len(),
            )?,
        special().over_population("special_children_share", len(), Unit::Ratio)?,
        ctx.rows(w, snapshot.clone())
            .filter(col(c::AT_RISK).fill_null(lit(false)))
            .count("at_risk_children", len())?,
    ])
}

/// The registry rows of the latest snapshot taken within the window (province-wide).
pub fn latest_snapshot(ctx: &Context, w: &Window) -> LazyFrame {
    ctx.tables
        .registry
        .clone()
        .filter(w.covers(c::SNAPSHOT_DATE))
        .filter(col(c::SNAPSHOT_DATE).eq(col(c::SNAPSHOT_DATE).max()))
}
