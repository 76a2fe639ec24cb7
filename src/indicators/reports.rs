//! Indicators of the district reports (forms 1–4): reporting completeness and timeliness,
//! the events every district should hold (T2), participation activities and the training
//! of child-protection staff (T3).
//!
//! Reports are filed per period, not per date window: a window gives rows only when it is
//! exactly a period of the plan (so the baseline of "2021" is the report for "2020", and a
//! window with no period — 2020's first half, say — has no baseline). The latest version
//! of a district's report gives its values; the first sending date decides timeliness.
//! Every district of the province is expected: a district that sent nothing has not held
//! the events and has not reported. A report whose sending date could not be read counts
//! as sent but not as on time (nothing shows it was), and has no days late.

use polars::prelude::*;

use super::{Context, Window};
use crate::columns as c;
use crate::config::Period;
use crate::sources::SourceKind;

/// The three events of target T2, by the form item that reports each.
pub const EVENTS: [(&str, &str); 3] = [
    ("event_month_of_action", "B3.01"),
    ("event_mid_autumn", "B3.02"),
    ("event_children_forum", "B3.03"),
];

const SENT: &str = "__sent";
const ON_TIME: &str = "__on_time";
const FIRST_SENT: &str = "__first_sent_on";
const DAYS_LATE: &str = "__days_late";

pub fn rows(ctx: &Context, w: &Window) -> PolarsResult<Vec<LazyFrame>> {
    // Without the source nobody was asked to report: no rows rather than 0 % everywhere.
    if !ctx.declares(SourceKind::DistrictReports) {
        return Ok(Vec::new());
    }
    let Some(period) = period_of(ctx, w) else {
        return Ok(Vec::new());
    };
    // Across a reform, reports of a period under earlier units (district reports of 2024)
    // cannot be taken to the new communes: no rows rather than every commune at 0 %.
    if !ctx.reports_in_reported_units(period) {
        return Ok(Vec::new());
    }
    let status = status(ctx, period)?.collect()?;
    let sent = ctx.source(status.clone().lazy())?;
    let mut out = vec![
        ctx.rows(w, &sent).ratio(
            "report_completeness",
            col(SENT).cast(DataType::Int64).sum(),
            len(),
        )?,
        ctx.rows(w, &sent).ratio(
            "report_timeliness",
            col(ON_TIME).cast(DataType::Int64).sum(),
            len(),
        )?,
        days_late(status.lazy(), w, ctx.child_level()),
    ];
    for (indicator, item) in EVENTS {
        // Held = the latest report says 1; no report, a blank or 0 = not held.
        let held = expected(ctx).join(
            latest_item(ctx, period, item)?,
            [col(c::DISTRICT_CODE)],
            [col(c::DISTRICT_CODE)],
            JoinArgs::new(JoinType::Left),
        );
        out.push(
            ctx.rows(w, &ctx.source(held)?).ratio(
                indicator,
                col(c::VALUE)
                    .eq(lit(1.0))
                    .fill_null(lit(false))
                    .cast(DataType::Int64)
                    .sum(),
                len(),
            )?,
        );
    }
    out.push(
        ctx.rows(w, &ctx.source(latest_item(ctx, period, "B3.04")?)?)
            .count("participation_activities", col(c::VALUE).sum())?,
    );
    // Σ trained ÷ Σ staff over the districts that report both.
    let staff = latest_item(ctx, period, "B3.05")?.join(
        latest_item(ctx, period, "B3.06")?
            .select([col(c::DISTRICT_CODE), col(c::VALUE).alias("__trained")]),
        [col(c::DISTRICT_CODE)],
        [col(c::DISTRICT_CODE)],
        JoinArgs::new(JoinType::Inner),
    );
    out.push(ctx.rows(w, &ctx.source(staff)?).ratio(
        "staff_trained_rate",
        col("__trained").sum(),
        col(c::VALUE).sum(),
    )?);
    Ok(out)
}

/// The plan period whose window this is, if any.
fn period_of<'a>(ctx: &'a Context, w: &Window) -> Option<&'a Period> {
    ctx.periods
        .iter()
        .find(|p| p.from == w.from && p.to == w.to)
}

/// The districts expected to report (district_code).
fn expected(ctx: &Context) -> LazyFrame {
    ctx.districts()
        .select([col(c::ORG_UNIT).alias(c::DISTRICT_CODE)])
}

/// The latest version of every district's report for `period`.
pub fn latest(ctx: &Context, period: &Period) -> PolarsResult<LazyFrame> {
    crate::quality::form_rules::latest_versions(
        ctx.tables
            .district_reports
            .clone()
            .filter(col(c::PERIOD).eq(lit(period.key.as_str()))),
    )
}

/// (district_code, value) of `item` in the latest reports of `period`; blanks dropped.
fn latest_item(ctx: &Context, period: &Period, item: &str) -> PolarsResult<LazyFrame> {
    Ok(latest(ctx, period)?
        .filter(col(c::ITEM).eq(lit(item)).and(col(c::VALUE).is_not_null()))
        .select([col(c::DISTRICT_CODE), col(c::VALUE)]))
}

/// One row per expected district: whether and when it first sent its report, and whether
/// that was on time (on or before the deadline). A resend counts once. The first sending
/// date is the earliest one known: a version whose date could not be read (null) still
/// makes the district one that sent, but cannot make it on time, and with no known date
/// at all its days late are null, as for a district that sent nothing.
pub fn status(ctx: &Context, period: &Period) -> PolarsResult<LazyFrame> {
    let first_sent = ctx
        .tables
        .district_reports
        .clone()
        .filter(col(c::PERIOD).eq(lit(period.key.as_str())))
        .group_by([col(c::DISTRICT_CODE)])
        .agg([
            col(c::SENT_ON).min().alias(FIRST_SENT),
            lit(true).first().alias(SENT),
        ]);
    let late_by = (col(FIRST_SENT) - lit(period.report_deadline))
        .dt()
        .total_days(false);
    Ok(expected(ctx)
        .join(
            first_sent,
            [col(c::DISTRICT_CODE)],
            [col(c::DISTRICT_CODE)],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            col(SENT).fill_null(lit(false)),
            col(FIRST_SENT)
                .lt_eq(lit(period.report_deadline))
                .fill_null(lit(false))
                .alias(ON_TIME),
            when(col(FIRST_SENT).is_null())
                .then(lit(NULL).cast(DataType::Float64))
                .when(late_by.clone().gt(lit(0)))
                .then(late_by.cast(DataType::Float64))
                .otherwise(lit(0.0))
                .alias(DAYS_LATE),
        ]))
}

/// Days each district's first report came after the deadline (0 on time; null: nothing
/// sent). District rows only: a sum of days late says nothing about the province.
fn days_late(status: LazyFrame, w: &Window, child_level: &str) -> LazyFrame {
    status.select([
        lit("report_days_late").alias(c::INDICATOR),
        lit(w.period.as_str()).alias(c::PERIOD),
        col(c::DISTRICT_CODE).alias(c::ORG_UNIT),
        lit(child_level).alias(c::LEVEL),
        lit(NULL).cast(DataType::String).alias(c::BREAKDOWN),
        lit(NULL).cast(DataType::Float64).alias(c::NUMERATOR),
        lit(NULL).cast(DataType::Float64).alias(c::DENOMINATOR),
        col(DAYS_LATE).alias(c::VALUE),
        lit("days").alias(c::UNIT),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::compute;
    use crate::indicators::fixture::{self, close, d};

    // Deadlines: 2021 → 2021-11-20, 2020 → 2020-11-20. Districts 622, 623, 624.
    // 2021:
    //   622 sends on time (15/11), then a correction (01/12) that says no forum, staff 8/10
    //       trained and 6 activities: the correction's values count, the first date decides.
    //   623 sends 3 days late (23/11): month of action yes, mid-autumn no, forum yes,
    //       staff 4/4, activities left blank.
    //   624 sends nothing: not reported, no event held.
    // 2020 (the baseline of 2021): all three send on time, and hold the month of action.
    const REPORTS: &[fixture::Report] = &[
        ("622", "2021", "B3.01", Some(1.0), "2021-11-15", 1),
        ("622", "2021", "B3.02", Some(1.0), "2021-11-15", 1),
        ("622", "2021", "B3.03", Some(1.0), "2021-11-15", 1),
        ("622", "2021", "B3.04", Some(5.0), "2021-11-15", 1),
        ("622", "2021", "B3.05", Some(10.0), "2021-11-15", 1),
        ("622", "2021", "B3.06", Some(10.0), "2021-11-15", 1),
        ("622", "2021", "B3.01", Some(1.0), "2021-12-01", 2),
        ("622", "2021", "B3.02", Some(1.0), "2021-12-01", 2),
        ("622", "2021", "B3.03", Some(0.0), "2021-12-01", 2),
        ("622", "2021", "B3.04", Some(6.0), "2021-12-01", 2),
        ("622", "2021", "B3.05", Some(10.0), "2021-12-01", 2),
        ("622", "2021", "B3.06", Some(8.0), "2021-12-01", 2),
        ("623", "2021", "B3.01", Some(1.0), "2021-11-23", 1),
        ("623", "2021", "B3.02", Some(0.0), "2021-11-23", 1),
        ("623", "2021", "B3.03", Some(1.0), "2021-11-23", 1),
        ("623", "2021", "B3.04", None, "2021-11-23", 1),
        ("623", "2021", "B3.05", Some(4.0), "2021-11-23", 1),
        ("623", "2021", "B3.06", Some(4.0), "2021-11-23", 1),
        ("622", "2020", "B3.01", Some(1.0), "2020-11-10", 1),
        ("623", "2020", "B3.01", Some(1.0), "2020-11-10", 1),
        ("624", "2020", "B3.01", Some(1.0), "2020-11-20", 1),
    ];

    fn table() -> DataFrame {
        let mut plan = fixture::plan(&[
            ("report_timeliness", "= 1"),
            ("event_children_forum", "= 1"),
        ]);
        for p in &mut plan.periods {
            p.report_deadline = d(&format!("{}-11-20", p.from.format("%Y")));
        }
        compute(&plan, &fixture::report_tables(REPORTS)).unwrap()
    }

    /// (numerator, denominator, value, baseline) of a 2021 total row.
    fn get(
        df: &DataFrame,
        indicator: &str,
        org_unit: &str,
    ) -> (Option<f64>, Option<f64>, Option<f64>, Option<f64>) {
        let row = df
            .clone()
            .lazy()
            .filter(
                col(c::INDICATOR)
                    .eq(lit(indicator))
                    .and(col(c::PERIOD).eq(lit("2021")))
                    .and(col(c::ORG_UNIT).eq(lit(org_unit)))
                    .and(col(c::BREAKDOWN).is_null()),
            )
            .collect()
            .unwrap();
        assert_eq!(row.height(), 1, "{indicator} {org_unit}");
        let f = |name: &str| row.column(name).unwrap().f64().unwrap().get(0);
        (
            f(c::NUMERATOR),
            f(c::DENOMINATOR),
            f(c::VALUE),
            f(c::BASELINE),
        )
    }

    #[test]
    fn completeness_counts_every_sender_once_against_every_district() {
        let df = table();
        let (n, dd, v, base) = get(&df, "report_completeness", "64");
        assert_eq!((n, dd), (Some(2.0), Some(3.0)));
        assert!(close(v, 2.0 / 3.0));
        assert_eq!(base, Some(1.0), "all three sent in 2020");
        assert_eq!(get(&df, "report_completeness", "624").2, Some(0.0));
        assert_eq!(
            get(&df, "report_completeness", "622").2,
            Some(1.0),
            "a resend counts once"
        );
    }

    #[test]
    fn timeliness_takes_the_first_sending_date_and_never_exceeds_one() {
        let df = table();
        let (n, dd, _, _) = get(&df, "report_timeliness", "64");
        assert_eq!((n, dd), (Some(1.0), Some(3.0)));
        assert_eq!(get(&df, "report_timeliness", "622").2, Some(1.0));
        assert_eq!(get(&df, "report_timeliness", "623").2, Some(0.0));
        assert_eq!(get(&df, "report_days_late", "622").2, Some(0.0));
        assert_eq!(get(&df, "report_days_late", "623").2, Some(3.0));
        assert_eq!(
            get(&df, "report_days_late", "624").2,
            None,
            "nothing sent: no days"
        );
        let met = df
            .lazy()
            .filter(
                col(c::INDICATOR)
                    .eq(lit("report_timeliness"))
                    .and(col(c::PERIOD).eq(lit("2021")))
                    .and(col(c::ORG_UNIT).eq(lit("64"))),
            )
            .collect()
            .unwrap();
        assert_eq!(
            met.column(c::TARGET_MET).unwrap().bool().unwrap().get(0),
            Some(false)
        );
    }

    #[test]
    fn a_report_with_an_unknown_sending_date_is_sent_but_not_on_time() {
        // Deadline 2021-11-20. 622: one version, its date unreadable. 623: an undated
        // version, then one dated five days late. 624: on time.
        let reports: &[fixture::Report] = &[
            ("622", "2021", "B3.01", Some(1.0), "", 1),
            ("623", "2021", "B3.01", Some(1.0), "", 1),
            ("623", "2021", "B3.01", Some(1.0), "2021-11-25", 2),
            ("624", "2021", "B3.01", Some(1.0), "2021-11-18", 1),
        ];
        let mut plan = fixture::plan(&[]);
        for p in &mut plan.periods {
            p.report_deadline = d(&format!("{}-11-20", p.from.format("%Y")));
        }
        let df = compute(&plan, &fixture::report_tables(reports)).unwrap();
        let (n, dd, _, _) = get(&df, "report_completeness", "64");
        assert_eq!((n, dd), (Some(3.0), Some(3.0)), "all three sent");
        let (n, dd, _, _) = get(&df, "report_timeliness", "64");
        assert_eq!((n, dd), (Some(1.0), Some(3.0)), "only 624 is known on time");
        assert_eq!(get(&df, "report_timeliness", "622").2, Some(0.0));
        assert_eq!(get(&df, "report_days_late", "622").2, None, "no date known");
        // The earliest date known: the undated version may have come earlier, but
        // nothing shows it, so 623 is not on time.
        assert_eq!(get(&df, "report_timeliness", "623").2, Some(0.0));
        assert_eq!(get(&df, "report_days_late", "623").2, Some(5.0));
        assert_eq!(get(&df, "report_days_late", "624").2, Some(0.0));
    }

    #[test]
    fn a_district_with_no_report_has_not_held_the_events() {
        let df = table();
        assert_eq!(get(&df, "event_month_of_action", "64").0, Some(2.0));
        assert_eq!(get(&df, "event_month_of_action", "64").1, Some(3.0));
        assert_eq!(get(&df, "event_mid_autumn", "64").0, Some(1.0));
        // The correction's "no forum" replaces 622's first "yes".
        assert_eq!(get(&df, "event_children_forum", "64").0, Some(1.0));
        assert_eq!(get(&df, "event_children_forum", "622").2, Some(0.0));
        assert_eq!(get(&df, "event_children_forum", "624").2, Some(0.0));
        assert_eq!(
            get(&df, "event_month_of_action", "64").3,
            Some(1.0),
            "2020: 3 of 3"
        );
    }

    #[test]
    fn staff_trained_is_a_province_sum_not_a_mean_of_districts() {
        let df = table();
        // (8 + 4) / (10 + 4) = 12/14, while the mean of 0.8 and 1.0 is 0.9.
        let (n, dd, v, _) = get(&df, "staff_trained_rate", "64");
        assert_eq!((n, dd), (Some(12.0), Some(14.0)));
        assert!(close(v, 12.0 / 14.0));
        assert_eq!(
            get(&df, "staff_trained_rate", "624").2,
            None,
            "0 of 0 is no value"
        );
        assert_eq!(get(&df, "participation_activities", "64").2, Some(6.0));
        assert_eq!(get(&df, "participation_activities", "623").2, Some(0.0));
    }

    #[test]
    fn a_window_that_is_no_period_has_no_report_rows() {
        // 2021S1 shifted back is 2020's first half, which is no period: no baseline.
        let df = table();
        let s1 = df
            .lazy()
            .filter(
                col(c::INDICATOR)
                    .eq(lit("report_completeness"))
                    .and(col(c::PERIOD).eq(lit("2021S1")))
                    .and(col(c::ORG_UNIT).eq(lit("64"))),
            )
            .collect()
            .unwrap();
        assert_eq!(
            s1.column(c::VALUE).unwrap().f64().unwrap().get(0),
            Some(0.0)
        );
        assert_eq!(s1.column(c::BASELINE).unwrap().f64().unwrap().get(0), None);
    }
}
