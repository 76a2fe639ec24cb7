//! The provincial Child Protection Fund (T6): what the ledger shows raised in a period's
//! window — in total, by kind (cash, in kind, programmes) and cumulatively month by month
//! for the chart against the 4-billion line. The fund is the province's, so every row is
//! at province level; corrections (negative rows) count. Only a provincial pipeline has a
//! fund (the plan refuses one beside `provinces`), so any other scope gives no rows.

use chrono::{Datelike, Months, NaiveDate};
use polars::prelude::*;

use super::{Context, Window};
use crate::columns as c;
use crate::columns::LEVEL_PROVINCE;
use crate::sources::fund::FundKind;

pub const INDICATOR: &str = "fund_raised_vnd";
const KINDS: [FundKind; 3] = [FundKind::Cash, FundKind::InKind, FundKind::Programme];

pub fn rows(ctx: &Context, w: &Window) -> PolarsResult<Vec<LazyFrame>> {
    let Some(province) = ctx.scope.single_province() else {
        return Ok(Vec::new());
    };
    let ledger = ctx
        .tables
        .fund
        .clone()
        .filter(w.covers(c::DATE))
        .with_column(col(c::DATE).dt().strftime("%Y-%m").alias("__month"));
    // A window the ledger does not cover at all gives no rows: no baseline, not a zero.
    let covered = ledger
        .clone()
        .select([len().alias("__rows")])
        .filter(col("__rows").gt(lit(0)));
    let total = ledger
        .clone()
        .select([col(c::VALUE_VND).sum().alias(c::VALUE)])
        .with_column(lit(NULL).cast(DataType::String).alias(c::BREAKDOWN));

    let kinds = df!(c::KIND => KINDS.map(FundKind::code))?.lazy();
    let by_kind = kinds
        .join(
            ledger
                .clone()
                .group_by([col(c::KIND)])
                .agg([col(c::VALUE_VND).sum().alias(c::VALUE)]),
            [col(c::KIND)],
            [col(c::KIND)],
            JoinArgs::new(JoinType::Left),
        )
        .select([
            col(c::VALUE).fill_null(lit(0)),
            concat_str([lit("kind="), col(c::KIND)], "", false).alias(c::BREAKDOWN),
        ]);

    let months = df!("__month" => months_of(w.from, w.to))?.lazy();
    let cumulative = months
        .join(
            ledger
                .group_by([col("__month")])
                .agg([col(c::VALUE_VND).sum().alias("__in_month")]),
            [col("__month")],
            [col("__month")],
            JoinArgs::new(JoinType::Left),
        )
        .sort(["__month"], SortMultipleOptions::default())
        .select([
            col("__in_month")
                .fill_null(lit(0))
                .cum_sum(false)
                .alias(c::VALUE),
            concat_str([lit("cumulative_month="), col("__month")], "", false).alias(c::BREAKDOWN),
        ]);

    let rows = concat([total, by_kind, cumulative], UnionArgs::default())?
        .cross_join(covered, None)
        .select([
            lit(INDICATOR).alias(c::INDICATOR),
            lit(w.period.as_str()).alias(c::PERIOD),
            lit(province).alias(c::ORG_UNIT),
            lit(LEVEL_PROVINCE).alias(c::LEVEL),
            col(c::BREAKDOWN),
            col(c::VALUE).cast(DataType::Float64).alias(c::NUMERATOR),
            lit(NULL).cast(DataType::Float64).alias(c::DENOMINATOR),
            col(c::VALUE).cast(DataType::Float64),
            lit("vnd").alias(c::UNIT),
        ]);
    Ok(vec![rows])
}

/// "YYYY-MM" of every month the window touches.
fn months_of(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut months = Vec::new();
    let mut m = from.with_day(1);
    while let Some(month) = m.filter(|m| *m <= to) {
        months.push(month.format("%Y-%m").to_string());
        m = month.checked_add_months(Months::new(1));
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::fixture::{self, d};
    use crate::indicators::{compute, Tables};
    use crate::ingest::frames;
    use crate::sources::fund::FundRecord;

    #[test]
    fn months_cover_the_window() {
        assert_eq!(
            months_of(d("2021-01-01"), d("2021-06-30")),
            ["2021-01", "2021-02", "2021-03", "2021-04", "2021-05", "2021-06"]
        );
        assert_eq!(
            months_of(d("2021-12-15"), d("2022-01-10")),
            ["2021-12", "2022-01"]
        );
    }

    fn tables(rows: &[(&str, FundKind, i64)]) -> Tables {
        let records: Vec<FundRecord> = rows
            .iter()
            .map(|(date, kind, value)| FundRecord {
                date: d(date),
                kind: *kind,
                value_vnd: *value,
            })
            .collect();
        Tables {
            fund: frames::fund(&records).unwrap().lazy(),
            ..fixture::tables(fixture::registry(&[]), fixture::cases(&[]))
        }
    }

    /// (breakdown, value, baseline) of the 2021 fund rows.
    fn fund_rows(t: &Tables) -> Vec<(Option<String>, Option<f64>, Option<f64>)> {
        let df = compute(&fixture::plan(&[("fund_raised_vnd", ">= 4000000000")]), t).unwrap();
        let df = df
            .lazy()
            .filter(
                col(c::INDICATOR)
                    .eq(lit(INDICATOR))
                    .and(col(c::PERIOD).eq(lit("2021"))),
            )
            .collect()
            .unwrap();
        let b = df.column(c::BREAKDOWN).unwrap().str().unwrap().clone();
        let v = df.column(c::VALUE).unwrap().f64().unwrap().clone();
        let base = df.column(c::BASELINE).unwrap().f64().unwrap().clone();
        (0..df.height())
            .map(|i| (b.get(i).map(str::to_string), v.get(i), base.get(i)))
            .collect()
    }

    fn find(
        rows: &[(Option<String>, Option<f64>, Option<f64>)],
        breakdown: Option<&str>,
    ) -> (Option<f64>, Option<f64>) {
        let r = rows
            .iter()
            .find(|r| r.0.as_deref() == breakdown)
            .unwrap_or_else(|| panic!("no row {breakdown:?} in {rows:?}"));
        (r.1, r.2)
    }

    #[test]
    fn totals_kinds_and_months_count_corrections() {
        // 2021: cash 1.5 bn (Jan) + 0.2 bn (Mar) − 0.2 bn correction (Mar), in kind 0.3 bn
        // (Jun), programme 2.0 bn (Sep) → total 3.8 bn, below 4 bn. 2020: 4.1 bn (baseline).
        let t = tables(&[
            ("2020-05-01", FundKind::Cash, 4_100_000_000),
            ("2021-01-10", FundKind::Cash, 1_500_000_000),
            ("2021-03-01", FundKind::Cash, 200_000_000),
            ("2021-03-02", FundKind::Cash, -200_000_000),
            ("2021-06-01", FundKind::InKind, 300_000_000),
            ("2021-09-15", FundKind::Programme, 2_000_000_000),
        ]);
        let rows = fund_rows(&t);
        assert_eq!(find(&rows, None), (Some(3.8e9), Some(4.1e9)));
        assert_eq!(find(&rows, Some("kind=cash")).0, Some(1.5e9));
        assert_eq!(find(&rows, Some("kind=in_kind")).0, Some(0.3e9));
        assert_eq!(find(&rows, Some("kind=programme")).0, Some(2.0e9));
        // Cumulative: Jan 1.5, Feb 1.5 (nothing), Mar 1.5 (+0.2 −0.2), Jun 1.8, Sep 3.8, Dec 3.8.
        assert_eq!(find(&rows, Some("cumulative_month=2021-02")).0, Some(1.5e9));
        assert_eq!(find(&rows, Some("cumulative_month=2021-03")).0, Some(1.5e9));
        assert_eq!(find(&rows, Some("cumulative_month=2021-06")).0, Some(1.8e9));
        assert_eq!(find(&rows, Some("cumulative_month=2021-12")).0, Some(3.8e9));
        assert_eq!(rows.len(), 1 + 3 + 12);
        let df = compute(&fixture::plan(&[("fund_raised_vnd", ">= 4000000000")]), &t).unwrap();
        let met = df
            .lazy()
            .filter(
                col(c::INDICATOR)
                    .eq(lit(INDICATOR))
                    .and(col(c::PERIOD).eq(lit("2021")))
                    .and(col(c::BREAKDOWN).is_null()),
            )
            .collect()
            .unwrap();
        assert_eq!(
            met.column(c::TARGET_MET).unwrap().bool().unwrap().get(0),
            Some(false)
        );
    }

    #[test]
    fn a_kind_with_no_gift_is_zero_and_an_empty_year_has_no_rows() {
        let t = tables(&[("2021-01-10", FundKind::Cash, 1_000)]);
        let rows = fund_rows(&t);
        assert_eq!(find(&rows, Some("kind=programme")), (Some(0.0), None));
        // 2020 has no ledger row: no baseline, rather than a false 0.
        assert_eq!(find(&rows, None), (Some(1000.0), None));
    }
}
