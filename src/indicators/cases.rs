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
    let cases = ctx.source(ctx.tables.cases.clone().filter(w.covers(c::OCCURRED_ON)))?;
    let abuse = || ctx.rows(w, &cases).filter(is_kind(CaseKind::Abuse));
    let injury = || ctx.rows(w, &cases).filter(is_kind(CaseKind::Injury));
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

#[cfg(test)]
mod tests {
    use super::super::fixture::{self, close, row, Case};
    use super::*;

    // One argument per column of a case row, so the table below reads like the export.
    #[allow(clippy::too_many_arguments)]
    const fn abuse(
        key: &'static str,
        child: &'static str,
        district: &'static str,
        subtype: &'static str,
        occurred: &'static str,
        reported: &'static str,
        intervened: Option<&'static str>,
        plan: Option<&'static str>,
    ) -> Case {
        Case {
            key,
            child,
            district,
            kind: CaseKind::Abuse,
            subtype,
            occurred,
            reported: Some(reported),
            intervened,
            plan,
            outcome: None,
        }
    }

    const fn injury(
        key: &'static str,
        child: &'static str,
        district: &'static str,
        subtype: &'static str,
        occurred: &'static str,
        outcome: &'static str,
    ) -> Case {
        Case {
            key,
            child,
            district,
            kind: CaseKind::Injury,
            subtype,
            occurred,
            reported: Some("2021-01-01 08:00"),
            intervened: None,
            plan: None,
            outcome: Some(outcome),
        }
    }

    // 2021, abuse:
    //   a1 child c1, 622, violence: received Fri 2021-04-16 19:30, intervened 23:00 (3.5 h,
    //      le_12h, timely); plan Thu 2021-04-22: Mon 19, Tue 20, (Wed 21 Hùng Kings), Thu 22
    //      = 3 working days ≤ 5, timely.
    //   a2 child c1 again, 622, sexual_abuse: no intervention (none_yet), no plan.
    //   a3 child c2, 623, violence: received Mon 2021-03-01 08:00, intervened Tue 10:00
    //      (26 h, 1d_5d, late); plan Wed 2021-03-10 = 7 working days, late.
    //   a4 child c3, 622, neglect: received Thu 2021-07-01 10:00, intervened 22:00 (exactly
    //      12 h: le_12h, timely); plan Thu 2021-07-08 = exactly 5 working days, timely.
    //   624 has no case at all.
    //   abused children: 622 {c1, c3} = 2, 623 {c2} = 1, 624 0, province 3.
    //   supported (a child with an intervention in any of its cases): c1 (a1), c2, c3 →
    //      622 2/2 (c1 once, not 2/3 by cases), 623 1/1, province 3/3.
    //   intervention timely: a1 ✓ a2 ✗ a3 ✗ a4 ✓ → province 2/4 = 0.5; 622 2/3, 623 0/1;
    //      the mean of district ratios would be 1/3.
    //   plan timely: a1 ✓ a2 ✗ (no plan) a3 ✗ a4 ✓ → province 2/4, 622 2/3, 623 0/1.
    // 2021, injury: k1 (622) drowned (death) 2021-06-01 and a traffic injury 2021-08-01;
    //   k2 (623) drowning, injured → injured children 622 1, 623 1, province 2; deaths 1.
    // 2020 (the baseline): abuse b1 c9 622, b2 c8 623, b3 c7 623 → 1, 2, province 3;
    //   injury k5 drowning, k6 fall (622), k7 burn death (623), k8 fall on 2020-12-31 (622,
    //   the last day of the window) → injured 622 3, 623 1, province 4; deaths 1.
    const CASES: &[Case] = &[
        abuse(
            "a1",
            "c1",
            "622",
            "violence",
            "2021-04-16",
            "2021-04-16 19:30",
            Some("2021-04-16 23:00"),
            Some("2021-04-22"),
        ),
        abuse(
            "a2",
            "c1",
            "622",
            "sexual_abuse",
            "2021-05-10",
            "2021-05-10 08:00",
            None,
            None,
        ),
        abuse(
            "a3",
            "c2",
            "623",
            "violence",
            "2021-03-01",
            "2021-03-01 08:00",
            Some("2021-03-02 10:00"),
            Some("2021-03-10"),
        ),
        abuse(
            "a4",
            "c3",
            "622",
            "neglect",
            "2021-07-01",
            "2021-07-01 10:00",
            Some("2021-07-01 22:00"),
            Some("2021-07-08"),
        ),
        injury("i1", "k1", "622", "drowning", "2021-06-01", "death"),
        injury("i2", "k1", "622", "traffic", "2021-08-01", "injured"),
        injury("i3", "k2", "623", "drowning", "2021-09-01", "injured"),
        abuse(
            "b1",
            "c9",
            "622",
            "violence",
            "2020-06-01",
            "2020-06-01 08:00",
            None,
            None,
        ),
        abuse(
            "b2",
            "c8",
            "623",
            "violence",
            "2020-08-01",
            "2020-08-01 08:00",
            Some("2020-08-01 09:00"),
            None,
        ),
        abuse(
            "b3",
            "c7",
            "623",
            "neglect",
            "2020-09-01",
            "2020-09-01 08:00",
            Some("2020-09-01 09:00"),
            None,
        ),
        injury("j1", "k5", "622", "drowning", "2020-05-01", "injured"),
        injury("j2", "k6", "622", "fall", "2020-07-01", "injured"),
        injury("j3", "k7", "623", "burn", "2020-08-01", "death"),
        injury("j4", "k8", "622", "fall", "2020-12-31", "injured"),
    ];

    fn table() -> DataFrame {
        fixture::table(
            fixture::registry(&[]),
            fixture::cases(CASES),
            &[
                ("abused_children", "< baseline"),
                ("injured_children", "< baseline"),
                ("abuse_intervention_timely_rate", "= 1"),
            ],
        )
    }

    fn value(t: &DataFrame, indicator: &str, unit: &str, breakdown: Option<&str>) -> Option<f64> {
        row(t, indicator, "2021", unit, breakdown).value
    }

    #[test]
    fn abused_children_are_distinct_and_every_district_shows() {
        let t = table();
        assert_eq!(value(&t, "abused_children", "64", None), Some(3.0));
        assert_eq!(
            value(&t, "abused_children", "622", None),
            Some(2.0),
            "c1 counted once"
        );
        assert_eq!(value(&t, "abused_children", "623", None), Some(1.0));
        assert_eq!(
            value(&t, "abused_children", "624", None),
            Some(0.0),
            "no case: 0, not missing"
        );
        let v = |unit, b| value(&t, "abused_children", unit, Some(b));
        assert_eq!(v("64", "subtype=violence"), Some(2.0));
        assert_eq!(v("622", "subtype=sexual_abuse"), Some(1.0));
        assert_eq!(v("624", "subtype=trafficking"), Some(0.0));
        // Baseline 3 (c9, c8, c7): 3 < 3 is not met.
        let p = row(&t, "abused_children", "2021", "64", None);
        assert_eq!(
            (p.baseline, p.change, p.target_met),
            (Some(3.0), Some(0.0), Some(false))
        );
        assert!(!fixture::has_org_unit(&t, "abused_children", "701"));
    }

    #[test]
    fn rates_per_100k_use_the_population_of_the_year_and_null_for_none() {
        let t = table();
        // 3 children over 50,000 → 6; 622: 2/40,000 → 5; 623: 1/10,000 → 10; 624: 0/0 → null.
        assert!(close(
            value(&t, "abused_children_per_100k", "64", None),
            6.0
        ));
        assert!(close(
            value(&t, "abused_children_per_100k", "622", None),
            5.0
        ));
        assert!(close(
            value(&t, "abused_children_per_100k", "623", None),
            10.0
        ));
        assert_eq!(value(&t, "abused_children_per_100k", "624", None), None);
        assert!(close(
            value(&t, "injured_children_per_100k", "64", None),
            4.0
        ));
        assert_eq!(
            row(&t, "injured_children_per_100k", "2021", "64", None).unit,
            "per_100k"
        );
        // The 2020 baseline of injuries per 100k: 4 over 49,000.
        let b = row(&t, "injured_children_per_100k", "2021", "64", None).baseline;
        assert!(close(b, 4.0 * 100_000.0 / 49_000.0));
    }

    #[test]
    fn injured_children_and_deaths_against_the_baseline() {
        let t = table();
        let p = row(&t, "injured_children", "2021", "64", None);
        assert_eq!(
            (p.value, p.baseline, p.change),
            (Some(2.0), Some(4.0), Some(-2.0))
        );
        assert_eq!(p.target_met, Some(true));
        assert_eq!(
            value(&t, "injured_children", "622", None),
            Some(1.0),
            "k1 counted once"
        );
        assert_eq!(
            value(&t, "injured_children", "64", Some("subtype=drowning")),
            Some(2.0)
        );
        assert_eq!(
            value(&t, "injured_children", "622", Some("subtype=traffic")),
            Some(1.0)
        );
        assert_eq!(value(&t, "injured_children", "624", None), Some(0.0));
        // The window is closed at both ends: k8 (2020-12-31) is in 2020 only.
        assert_eq!(
            row(&t, "injured_children", "2021", "622", None).baseline,
            Some(3.0)
        );
        assert_eq!(value(&t, "injury_deaths", "64", None), Some(1.0));
        assert_eq!(value(&t, "injury_deaths", "623", None), Some(0.0));
        assert_eq!(
            value(&t, "injury_deaths", "64", Some("subtype=drowning")),
            Some(1.0)
        );
        assert_eq!(
            row(&t, "injury_deaths", "2021", "64", None).baseline,
            Some(1.0)
        );
        assert!(close(value(&t, "injury_deaths_per_100k", "64", None), 2.0));
    }

    #[test]
    fn a_window_without_cases_has_no_baseline_rather_than_zero() {
        // The 2020 period's baseline window is 2019, which holds no case.
        let t = table();
        let r = row(&t, "injured_children", "2020", "64", None);
        assert_eq!((r.value, r.baseline, r.target), (Some(4.0), None, None));
    }

    #[test]
    fn abused_children_supported_counts_children_not_cases() {
        let t = table();
        let r = row(&t, "abused_children_supported_rate", "2021", "622", None);
        assert_eq!(
            (r.numerator, r.denominator, r.value),
            (Some(2.0), Some(2.0), Some(1.0))
        );
        assert!(close(
            value(&t, "abused_children_supported_rate", "64", None),
            1.0
        ));
        let none = row(&t, "abused_children_supported_rate", "2021", "624", None);
        assert_eq!(
            (none.denominator, none.value),
            (Some(0.0), None),
            "0/0 is null"
        );
        // Baseline: c9 none, c8 and c7 intervened → 2/3.
        assert!(close(
            row(&t, "abused_children_supported_rate", "2021", "64", None).baseline,
            2.0 / 3.0
        ));
    }

    #[test]
    fn intervention_timeliness_is_computed_from_cases_not_district_ratios() {
        let t = table();
        let p = row(&t, "abuse_intervention_timely_rate", "2021", "64", None);
        assert_eq!((p.numerator, p.denominator), (Some(2.0), Some(4.0)));
        assert!(close(p.value, 0.5), "not the mean of 2/3 and 0: {p:?}");
        assert_eq!(p.target_met, Some(false));
        assert!(close(
            value(&t, "abuse_intervention_timely_rate", "622", None),
            2.0 / 3.0
        ));
        assert_eq!(
            value(&t, "abuse_intervention_timely_rate", "623", None),
            Some(0.0)
        );
        assert_eq!(
            value(&t, "abuse_intervention_timely_rate", "624", None),
            None
        );
    }

    #[test]
    fn intervention_delays_fall_into_their_buckets() {
        let t = table();
        let n = |unit, b: &str| value(&t, "abuse_intervention_delay", unit, Some(b));
        assert_eq!(n("64", "delay=le_12h"), Some(2.0), "3.5 h and exactly 12 h");
        assert_eq!(n("64", "delay=12h_24h"), Some(0.0));
        assert_eq!(n("64", "delay=1d_5d"), Some(1.0), "26 h");
        assert_eq!(n("64", "delay=none_yet"), Some(1.0));
        assert_eq!(n("64", "delay=gt_30d"), Some(0.0));
        assert_eq!(n("624", "delay=le_12h"), Some(0.0));
        assert_eq!(value(&t, "abuse_intervention_delay", "64", None), Some(4.0));
        assert_eq!(
            row(&t, "abuse_intervention_delay", "2021", "64", None).unit,
            "count"
        );
    }

    #[test]
    fn delay_labels_follow_the_rules_hours() {
        let labels: Vec<String> = delay_labels(12).into_iter().map(|(l, _)| l).collect();
        assert_eq!(
            labels,
            ["le_12h", "12h_24h", "1d_5d", "6d_14d", "15d_30d", "gt_30d"]
        );
        let labels: Vec<String> = delay_labels(24).into_iter().map(|(l, _)| l).collect();
        assert_eq!(labels[0], "le_24h");
        assert_eq!(labels[1], "1d_5d");
    }

    #[test]
    fn plan_timeliness_counts_working_days_across_the_holiday() {
        let t = table();
        // a1 (3 working days across Hùng Kings) and a4 (exactly 5) are timely; a2 has no
        // plan and a3 took 7.
        let p = row(&t, "abuse_plan_timely_rate", "2021", "64", None);
        assert_eq!((p.numerator, p.denominator), (Some(2.0), Some(4.0)));
        assert!(close(
            value(&t, "abuse_plan_timely_rate", "622", None),
            2.0 / 3.0
        ));
        assert_eq!(value(&t, "abuse_plan_timely_rate", "623", None), Some(0.0));
        // In the first half-year a1 is the only timely one of a1, a2, a3.
        let s1 = row(&t, "abuse_plan_timely_rate", "2021S1", "64", None);
        assert_eq!((s1.numerator, s1.denominator), (Some(1.0), Some(3.0)));
    }

    #[test]
    fn the_holiday_list_decides_a1_under_a_three_day_rule() {
        // Guards the calendar wiring: with a 3-working-day rule a1 is timely only because
        // Wednesday 21/4 is a holiday.
        let mut plan = fixture::plan(&[]);
        plan.rules.plan_within_working_days = 3;
        let with = super::super::compute(
            &plan,
            &fixture::tables(fixture::registry(&[]), fixture::cases(CASES)),
        )
        .unwrap();
        assert_eq!(
            row(&with, "abuse_plan_timely_rate", "2021S1", "64", None).numerator,
            Some(1.0)
        );
        plan.rules.holidays.clear();
        let without = super::super::compute(
            &plan,
            &fixture::tables(fixture::registry(&[]), fixture::cases(CASES)),
        )
        .unwrap();
        assert_eq!(
            row(&without, "abuse_plan_timely_rate", "2021S1", "64", None).numerator,
            Some(0.0)
        );
    }
}
