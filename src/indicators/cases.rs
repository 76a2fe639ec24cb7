//! Indicators of the abuse and injury cases whose `occurred_on` lies in a period's window:
//! children abused and injured (distinct children, by subtype, per 100,000), injury deaths,
//! and how abuse cases were handled — intervention for every abused child and in time
//! (Decree 56/2017 art. 26), the support plan within the working days of art. 28 (T4, T5).
//! A window with no case of any kind gives no rows (no data, so no baseline), not zeros.

use polars::prelude::*;

use super::calendar::working_days_expr;
use super::{Breakdown, Context, Unit, Window};
use crate::columns as c;
use crate::sources::cases::CaseKind;

const MICROS_PER_HOUR: i64 = 3_600_000_000;

pub fn rows(ctx: &Context, w: &Window) -> PolarsResult<Vec<LazyFrame>> {
    let cases = ctx.tables.cases.clone().filter(w.covers(c::OCCURRED_ON));
    let abuse = || ctx.rows(w, cases.clone()).filter(is_kind(CaseKind::Abuse));
    let injury = || ctx.rows(w, cases.clone()).filter(is_kind(CaseKind::Injury));
    let abuse_subtype = || subtype_breakdown(CaseKind::Abuse);
    let injury_subtype = || subtype_breakdown(CaseKind::Injury);
    let died = || col(c::OUTCOME).eq(lit("death"));
    let children = || col(c::CHILD_KEY).n_unique();
    let hours = ctx.rules.intervention_within_hours;
    Ok(vec![
        abuse()
            .by(abuse_subtype())
            .count("abused_children", children())?,
        abuse().by(abuse_subtype()).over_population(
            "abused_children_per_100k",
            children(),
            Unit::Per100k,
        )?,
        injury()
            .by(injury_subtype())
            .count("injured_children", children())?,
        injury().by(injury_subtype()).over_population(
            "injured_children_per_100k",
            children(),
            Unit::Per100k,
        )?,
        injury()
            .filter(died())
            .by(injury_subtype())
            .count("injury_deaths", children())?,
        injury()
            .filter(died())
            .by(injury_subtype())
            .over_population("injury_deaths_per_100k", children(), Unit::Per100k)?,
        abuse().ratio(
            "abused_children_supported_rate",
            col(c::CHILD_KEY)
                .filter(col(c::INTERVENED_AT).is_not_null())
                .n_unique(),
            children(),
        )?,
        abuse().ratio(
            "abuse_intervention_timely_rate",
            intervened_within(hours).cast(DataType::Int64).sum(),
            len(),
        )?,
        abuse()
            .by(delay_breakdown(hours))
            .count("abuse_intervention_delay", len())?,
        abuse().ratio(
            "abuse_plan_timely_rate",
            working_days_expr(
                col(c::REPORTED_AT).dt().date(),
                col(c::PLAN_APPROVED_ON),
                &ctx.rules.holidays,
            )
            .lt_eq(lit(i64::from(ctx.rules.plan_within_working_days)))
            .fill_null(lit(false))
            .cast(DataType::Int64)
            .sum(),
            len(),
        )?,
    ])
}

fn is_kind(kind: CaseKind) -> Expr {
    col(c::KIND).eq(lit(kind.code()))
}

fn subtype_breakdown(kind: CaseKind) -> Breakdown {
    Breakdown::new("subtype", col(c::SUBTYPE), &kind.subtypes())
}

/// Microseconds from reception to intervention; null while there is no intervention.
fn delay_micros() -> Expr {
    col(c::INTERVENED_AT).cast(DataType::Int64) - col(c::REPORTED_AT).cast(DataType::Int64)
}

/// Intervened within `hours` of reception; no intervention (or no reception time) is not.
fn intervened_within(hours: u32) -> Expr {
    delay_micros()
        .lt_eq(lit(i64::from(hours) * MICROS_PER_HOUR))
        .fill_null(lit(false))
}

/// The delay buckets of DESIGN.md: within the rule's hours, then up to 24 h, 5, 14 and 30
/// days, more, and none yet; `unknown` for an intervention without a reception time.
pub fn delay_labels(hours: u32) -> Vec<(String, Option<i64>)> {
    let h = i64::from(hours);
    let mut buckets = vec![(format!("le_{hours}h"), Some(h))];
    if h < 24 {
        buckets.push((format!("{hours}h_24h"), Some(24)));
    }
    buckets.extend([
        ("1d_5d".to_string(), Some(5 * 24)),
        ("6d_14d".to_string(), Some(14 * 24)),
        ("15d_30d".to_string(), Some(30 * 24)),
        ("gt_30d".to_string(), None),
    ]);
    buckets
}

fn delay_breakdown(hours: u32) -> Breakdown {
    let buckets = delay_labels(hours);
    let delay = delay_micros();
    let mut chain = when(col(c::INTERVENED_AT).is_null())
        .then(lit("none_yet"))
        .when(col(c::REPORTED_AT).is_null())
        .then(lit("unknown"));
    let mut last = "gt_30d".to_string();
    for (label, bound) in &buckets {
        match bound {
            Some(b) => {
                chain = chain
                    .when(delay.clone().lt_eq(lit(b * MICROS_PER_HOUR)))
                    .then(lit(label.clone()));
            }
            None => last = label.clone(),
        }
    }
    let mut domain: Vec<String> = buckets.into_iter().map(|(l, _)| l).collect();
    domain.push("none_yet".into());
    Breakdown {
        name: "delay",
        expr: chain.otherwise(lit(last)),
        domain,
    }
}
