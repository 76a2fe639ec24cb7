//! The working-day calendar of Decree 56/2017 art. 28 (a support plan within N working days):
//! weekends and the pipeline file's public holidays are not working days. It exists twice,
//! as a plain function (the definition, easy to read and to test) and as a polars
//! expression (for whole columns of cases), and the tests hold the two to each other.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use polars::prelude::*;

pub fn is_working_day(day: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&day)
}

/// Working days in `(from, to]`: the day a case is received does not count, the day its
/// plan is approved does. Negative when `to` is before `from`.
pub fn working_days_between(from: NaiveDate, to: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> i64 {
    let (start, end, sign) = if from <= to {
        (from, to, 1)
    } else {
        (to, from, -1)
    };
    let count = start
        .iter_days()
        .skip(1)
        .take_while(|d| *d <= end)
        .filter(|d| is_working_day(*d, holidays))
        .count() as i64;
    sign * count
}

/// Days from 1970-01-01 (a Thursday) shifted so that day 0 is a Monday and every date
/// from year −1900 on is positive, which keeps integer division a floor division.
const MONDAY_SHIFT: i64 = 3 + 7 * 100_000;

/// [`working_days_between`] over two `date` expressions: the weekdays up to each date,
/// minus the weekday holidays up to each date, subtracted. Null where either date is null.
pub fn working_days_expr(from: Expr, to: Expr, holidays: &BTreeSet<NaiveDate>) -> Expr {
    let weekday_holidays: Vec<NaiveDate> = holidays
        .iter()
        .copied()
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect();
    (weekdays_through(to.clone()) - holidays_through(to, &weekday_holidays))
        - (weekdays_through(from.clone()) - holidays_through(from, &weekday_holidays))
}

/// Mondays-to-Fridays from a fixed Monday up to and including `date`.
fn weekdays_through(date: Expr) -> Expr {
    let m = date.cast(DataType::Int64) + lit(MONDAY_SHIFT);
    let weeks = m.clone().floor_div(lit(7i64));
    let rem = m - weeks.clone() * lit(7i64);
    weeks * lit(5i64)
        + when(rem.clone().gt_eq(lit(5i64)))
            .then(lit(5i64))
            .otherwise(rem + lit(1i64))
}

/// Weekday holidays on or before `date`.
fn holidays_through(date: Expr, holidays: &[NaiveDate]) -> Expr {
    holidays.iter().fold(lit(0i64), |acc, h| {
        acc + date.clone().gt_eq(lit(*h)).cast(DataType::Int64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn hung_kings() -> BTreeSet<NaiveDate> {
        [d("2021-04-21"), d("2021-04-30"), d("2021-05-03")].into()
    }

    #[test]
    fn friday_evening_to_thursday_across_hung_kings_day_is_three_working_days() {
        // Received Fri 16/4; Sat, Sun off; Mon 19, Tue 20 count; Wed 21 is the Hùng Kings
        // holiday; Thu 22 (the approval day) counts: 3.
        assert_eq!(
            working_days_between(d("2021-04-16"), d("2021-04-22"), &hung_kings()),
            3
        );
        // Without the holiday list Wednesday counts: 4.
        assert_eq!(
            working_days_between(d("2021-04-16"), d("2021-04-22"), &BTreeSet::new()),
            4
        );
    }

    #[test]
    fn same_day_is_zero_and_reversed_spans_are_negative() {
        let h = hung_kings();
        assert_eq!(
            working_days_between(d("2021-04-16"), d("2021-04-16"), &h),
            0
        );
        // (Fri 30/4 holiday, Sat, Sun, Mon 3/5 holiday, Tue 4/5]: only Tuesday.
        assert_eq!(
            working_days_between(d("2021-04-29"), d("2021-05-04"), &h),
            1
        );
        assert_eq!(
            working_days_between(d("2021-05-04"), d("2021-04-29"), &h),
            -1
        );
    }

    #[test]
    fn a_holiday_on_a_weekend_is_not_subtracted_twice() {
        let h: BTreeSet<NaiveDate> = [d("2021-04-24")].into(); // a Saturday
                                                               // (Fri 23/4, Fri 30/4]: Mon 26 … Fri 30 = 5.
        assert_eq!(
            working_days_between(d("2021-04-23"), d("2021-04-30"), &h),
            5
        );
        assert_eq!(
            eval(&[(d("2021-04-23"), d("2021-04-30"))], &h),
            vec![Some(5)]
        );
    }

    fn eval(pairs: &[(NaiveDate, NaiveDate)], holidays: &BTreeSet<NaiveDate>) -> Vec<Option<i64>> {
        let from: Vec<NaiveDate> = pairs.iter().map(|p| p.0).collect();
        let to: Vec<NaiveDate> = pairs.iter().map(|p| p.1).collect();
        let df = df!("from" => from, "to" => to).unwrap();
        let out = df
            .lazy()
            .select([working_days_expr(col("from"), col("to"), holidays).alias("n")])
            .collect()
            .unwrap();
        out.column("n").unwrap().i64().unwrap().iter().collect()
    }

    #[test]
    fn the_expression_agrees_with_the_definition_day_by_day() {
        // Every pair of days over ten weeks around the April–May 2021 holidays, both ways.
        let h = hung_kings();
        let days: Vec<NaiveDate> = d("2021-04-01").iter_days().take(70).collect();
        let pairs: Vec<(NaiveDate, NaiveDate)> = days
            .iter()
            .flat_map(|a| days.iter().map(move |b| (*a, *b)))
            .collect();
        let got = eval(&pairs, &h);
        for (i, (a, b)) in pairs.iter().enumerate() {
            assert_eq!(got[i], Some(working_days_between(*a, *b, &h)), "{a} → {b}");
        }
    }

    #[test]
    fn the_expression_gives_null_for_a_missing_date() {
        let df =
            df!("from" => [Some(d("2021-04-16")), None], "to" => [None, Some(d("2021-04-22"))])
                .unwrap();
        let out = df
            .lazy()
            .select([working_days_expr(col("from"), col("to"), &hung_kings()).alias("n")])
            .collect()
            .unwrap();
        let n: Vec<Option<i64>> = out.column("n").unwrap().i64().unwrap().iter().collect();
        assert_eq!(n, vec![None, None]);
    }
}
