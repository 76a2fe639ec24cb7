//! Indicators of the child registry, from the latest snapshot within a period's window:
//! the support rate of children in special circumstances (T1), their share of all children,
//! and the children at risk. A window without a snapshot gives no rows (no baseline).
//!
//! Every registry indicator reads the registry counted: children per snapshot, district and
//! the columns the indicators group by. The ingest step's tally is the source of truth: it
//! counts the rows as they stream past and writes the counts beside them
//! (`ingested/registry_counts/`), which costs nothing then, while counting a national
//! registry again from its Parquet would be most of this step's time. [`counts`] is the
//! same table defined from the rows, kept for clean tables that have no counts (tests,
//! tables made by hand) and as the check on the tally: [`recount_differs`] counts the rows
//! again and compares, and the end-to-end tests run it on the sample and on a generated
//! national set. It is not run by the step itself, which would pay the very cost the tally
//! saves.

use polars::prelude::*;

use super::{Breakdown, Context, Unit, Window};
use crate::columns as c;
use crate::sources::child_registry::special_group_letters;
use crate::store::parquet::scan_partitioned;

pub fn rows(ctx: &Context, w: &Window) -> PolarsResult<Vec<LazyFrame>> {
    let snapshot = ctx.source(latest_snapshot(ctx, w))?;
    let special = || {
        ctx.rows(w, &snapshot)
            .filter(col(c::SPECIAL_GROUP).is_not_null())
    };
    let children = || col(CHILDREN).sum();
    Ok(vec![
        special()
            .by(Breakdown::new(
                "group",
                col(c::SPECIAL_GROUP),
                &special_group_letters(),
            ))
            .ratio(
                "special_support_rate",
                (col(c::SUPPORTED)
                    .fill_null(lit(false))
                    .cast(DataType::Int64)
                    * col(CHILDREN))
                .sum(),
                children(),
            )?,
        special().over_population("special_children_share", children(), Unit::Ratio)?,
        ctx.rows(w, &snapshot)
            .filter(col(c::AT_RISK).fill_null(lit(false)))
            .count("at_risk_children", children())?,
    ])
}

use crate::columns::CHILDREN;

/// The columns of the counted registry, in its order.
pub fn count_columns() -> [Expr; 6] {
    [
        col(c::SNAPSHOT_DATE),
        col(c::DISTRICT_CODE),
        col(c::SPECIAL_GROUP),
        col(c::SUPPORTED),
        col(c::AT_RISK),
        col(CHILDREN),
    ]
}

/// The registry counted: one row per snapshot, district and combination of the columns
/// the registry indicators read, with its number of children — what ingestion writes as
/// `registry_counts`, computed here from the rows when the clean tables lack it (tests,
/// tables written by hand). By polars' streaming engine, so memory stays flat.
pub fn counts(registry: &LazyFrame) -> PolarsResult<DataFrame> {
    registry
        .clone()
        .group_by([
            col(c::SNAPSHOT_DATE),
            col(c::DISTRICT_CODE),
            col(c::SPECIAL_GROUP),
            col(c::SUPPORTED),
            col(c::AT_RISK),
        ])
        .agg([len().cast(DataType::Int64).alias(CHILDREN)])
        .select(count_columns())
        .collect_with_engine(Engine::Streaming)
        // One plan without sinks gives one frame: `Multiple` comes only from several sinks.
        .map(|result| result.unwrap_single())
}

/// [`counts`] by commune: one row per snapshot, commune and combination of the columns the
/// indicators read, for units without districts, where the rows are placed by their commune
/// (`commune_code`, taken through the crosswalk when its list is an earlier one).
pub fn counts_by_commune(registry: &LazyFrame) -> PolarsResult<DataFrame> {
    registry
        .clone()
        .group_by([
            col(c::SNAPSHOT_DATE),
            col(c::COMMUNE_CODE),
            col(c::SPECIAL_GROUP),
            col(c::SUPPORTED),
            col(c::AT_RISK),
        ])
        .agg([len().cast(DataType::Int64).alias(CHILDREN)])
        .collect_with_engine(Engine::Streaming)
        .map(|result| result.unwrap_single())
}

/// Where the counts ingestion wrote under `ingested/` differ from the registry counted
/// again from its rows ([`counts`]): the first few differing rows as text, or `None` when
/// they agree. Parts of one district in several files are summed first, as the indicators
/// sum them.
pub fn recount_differs(ingested: &std::path::Path) -> PolarsResult<Option<String>> {
    let Some(registry) = scan_partitioned(&ingested.join("registry")).transpose()? else {
        return Ok(None);
    };
    let tallied = scan_partitioned(&ingested.join("registry_counts"))
        .transpose()?
        .ok_or_else(|| polars_err!(NoData: "the clean tables have no registry_counts"))?;
    let keys = || {
        [
            col(c::SNAPSHOT_DATE),
            col(c::DISTRICT_CODE).cast(DataType::String),
            col(c::SPECIAL_GROUP).cast(DataType::String),
            col(c::SUPPORTED),
            col(c::AT_RISK),
        ]
    };
    let summed = |counted: LazyFrame| {
        counted
            .select(count_columns())
            .group_by(keys())
            .agg([col(CHILDREN).sum().alias("tallied")])
    };
    let compared = summed(tallied)
        .join(
            summed(counts(&registry)?.lazy()).rename(["tallied"], ["recounted"], true),
            keys(),
            keys(),
            JoinArgs {
                nulls_equal: true,
                ..JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns)
            },
        )
        .filter(
            col("tallied")
                .fill_null(lit(0))
                .neq(col("recounted").fill_null(lit(0))),
        )
        .sort_by_exprs(keys(), SortMultipleOptions::default())
        .collect()?;
    Ok((compared.height() > 0).then(|| format!("{}", compared.head(Some(10)))))
}

/// The counted registry of the latest snapshot taken within the window.
pub fn latest_snapshot(ctx: &Context, w: &Window) -> LazyFrame {
    ctx.registry_counts
        .clone()
        .filter(w.covers(c::SNAPSHOT_DATE))
        .filter(col(c::SNAPSHOT_DATE).eq(col(c::SNAPSHOT_DATE).max()))
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{self, close, row, Child};

    // 2021-12-31, the latest snapshot of 2021:
    //   622: four special children, d ✓, d ✓ (also at risk), d ✗, a ✓ → 3/4 = 0.75; one
    //        more child at risk only → 2 at risk.
    //   623: one special child, d ✓ → 1/1.
    //   624: no special child (0/0 → null); two at risk.
    //   province: 4/5 = 0.80, while the mean of the district ratios is (0.75 + 1)/2 = 0.875.
    // 2021-06-30: 622 has two special children, neither supported → 0/2 for 2021S1 only.
    // 2020-12-31 (baseline of 2021): 622 d ✓, d ✗; 623 d ✓, a ✓ → province 3/4 = 0.75.
    const CHILDREN: &[Child] = &[
        ("2021-12-31", "c1", "622", Some("d"), false, true),
        ("2021-12-31", "c2", "622", Some("d"), true, true),
        ("2021-12-31", "c3", "622", Some("d"), false, false),
        ("2021-12-31", "c4", "622", Some("a"), false, true),
        ("2021-12-31", "r1", "622", None, true, false),
        ("2021-12-31", "c5", "623", Some("d"), false, true),
        ("2021-12-31", "r2", "624", None, true, false),
        ("2021-12-31", "r3", "624", None, true, false),
        ("2021-06-30", "c1", "622", Some("d"), false, false),
        ("2021-06-30", "c2", "622", Some("d"), false, false),
        ("2020-12-31", "c1", "622", Some("d"), false, true),
        ("2020-12-31", "c2", "622", Some("d"), false, false),
        ("2020-12-31", "c5", "623", Some("d"), false, true),
        ("2020-12-31", "c6", "623", Some("a"), false, true),
    ];

    fn table() -> polars::prelude::DataFrame {
        fixture::table(
            fixture::registry(CHILDREN),
            fixture::cases(&[]),
            &[("special_support_rate", ">= 0.8")],
        )
    }

    #[test]
    fn support_rate_uses_the_latest_snapshot_and_counts_the_province_from_rows() {
        let t = table();
        let p = row(&t, "special_support_rate", "2021", "64", None);
        assert_eq!((p.numerator, p.denominator), (Some(4.0), Some(5.0)));
        assert!(
            close(p.value, 0.8),
            "not the mean of districts (0.875): {p:?}"
        );
        assert_eq!(p.unit, "ratio");
        assert!(close(p.baseline, 0.75));
        assert!(close(p.change, 0.05));
        assert_eq!(p.target.as_deref(), Some(">= 0.8"));
        assert_eq!(p.target_met, Some(true));
        let d622 = row(&t, "special_support_rate", "2021", "622", None);
        assert!(close(d622.value, 0.75));
        assert!(close(d622.baseline, 0.5));
        assert_eq!(d622.target_met, Some(false));
        // The earlier snapshot of the half-year: 0/2.
        let s1 = row(&t, "special_support_rate", "2021S1", "622", None);
        assert_eq!(
            (s1.numerator, s1.denominator, s1.value),
            (Some(0.0), Some(2.0), Some(0.0))
        );
    }

    #[test]
    fn a_district_without_special_children_has_a_null_rate_and_no_verdict() {
        let t = table();
        let r = row(&t, "special_support_rate", "2021", "624", None);
        assert_eq!(
            (r.numerator, r.denominator, r.value),
            (Some(0.0), Some(0.0), None)
        );
        assert_eq!(r.target_met, None);
        assert_eq!(r.target.as_deref(), Some(">= 0.8"));
    }

    #[test]
    fn support_rate_by_group_at_both_levels() {
        let t = table();
        // Group d in the province: 622 ✓ ✓ ✗ and 623 ✓ → 3/4.
        let d = row(&t, "special_support_rate", "2021", "64", Some("group=d"));
        assert_eq!((d.numerator, d.denominator), (Some(3.0), Some(4.0)));
        assert_eq!(d.target, None, "targets are for totals only");
        let a = row(&t, "special_support_rate", "2021", "622", Some("group=a"));
        assert!(close(a.value, 1.0));
        // A group nobody is in still shows, with a null rate.
        let b = row(&t, "special_support_rate", "2021", "623", Some("group=đ"));
        assert_eq!(
            (b.numerator, b.denominator, b.value),
            (Some(0.0), Some(0.0), None)
        );
    }

    #[test]
    fn no_snapshot_in_the_shifted_window_means_no_baseline() {
        // 2021S1 shifted back is 2020-01-01..2020-06-30: no snapshot there.
        let t = table();
        let r = row(&t, "special_support_rate", "2021S1", "64", None);
        assert_eq!((r.baseline, r.change), (None, None));
        // The 2020 period's own baseline (2019) has no data either, and gets no target.
        let r = row(&t, "special_support_rate", "2020", "64", None);
        assert_eq!((r.baseline, r.target), (None, None));
    }

    #[test]
    fn special_children_share_divides_by_the_population_of_the_province_only() {
        let t = table();
        // 5 special children over 40,000 + 10,000 + 0 (701's 99,999 is another province).
        let p = row(&t, "special_children_share", "2021", "64", None);
        assert_eq!((p.numerator, p.denominator), (Some(5.0), Some(50_000.0)));
        assert!(close(p.value, 1e-4));
        // 624 has no children under 16 on record: 0/0 → null.
        let r = row(&t, "special_children_share", "2021", "624", None);
        assert_eq!((r.denominator, r.value), (Some(0.0), None));
        // 2020 uses the 2020 population: 2 + 2 over 39,000 + 9,000 + 1,000.
        let b = row(&t, "special_children_share", "2020", "64", None);
        assert!(close(b.value, 4.0 / 49_000.0));
    }

    #[test]
    fn at_risk_children_count_true_zeros() {
        let t = table();
        let count = |unit: &str| row(&t, "at_risk_children", "2021", unit, None).value;
        assert_eq!(count("64"), Some(4.0));
        assert_eq!(count("622"), Some(2.0));
        assert_eq!(
            count("623"),
            Some(0.0),
            "a district with none is 0, not missing"
        );
        assert_eq!(count("624"), Some(2.0));
        assert!(!fixture::has_org_unit(&t, "at_risk_children", "701"));
        assert_eq!(
            row(&t, "at_risk_children", "2021", "64", None).unit,
            "count"
        );
    }

    #[test]
    fn a_tally_that_disagrees_with_the_rows_is_found() {
        use polars::prelude::*;
        let dir = tempfile::tempdir().unwrap();
        let part = |table: &str| dir.path().join(table).join("year=2021/a.parquet");
        let mut registry = fixture::registry(CHILDREN);
        crate::store::parquet::write_parquet(&mut registry, &part("registry")).unwrap();
        let mut counted = super::counts(&registry.lazy()).unwrap();
        crate::store::parquet::write_parquet(&mut counted, &part("registry_counts")).unwrap();
        assert_eq!(super::recount_differs(dir.path()).unwrap(), None);

        let children = counted.column(super::CHILDREN).unwrap().i64().unwrap() + 1;
        let mut wrong = counted.clone();
        wrong.with_column(children.into_column()).unwrap();
        crate::store::parquet::write_parquet(&mut wrong, &part("registry_counts")).unwrap();
        let differs = super::recount_differs(dir.path()).unwrap();
        assert!(differs.is_some_and(|d| d.contains("622")));
    }
}
