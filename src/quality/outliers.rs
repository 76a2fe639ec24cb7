//! Units whose year-over-year change stands out from the other units' of their level (the
//! level that sends the forms: districts, or communes under the 2025 units): for each
//! indicator and period, the modified z-score of the change (Iglewicz and Hoaglin:
//! 0.6745 · (x − median) / MAD, robust to the outliers it looks for) above 3.5.
//!
//! The change compared is relative for counts (a district ten times larger moves ten times
//! more) and absolute for ratios (already relative). Small numbers are left out — a count
//! whose baseline, or a ratio whose denominator, is under `MIN_BASE` — since one child more
//! or less moves them further than any real change would (2 → 6 abused children is +200 %);
//! rates per 100,000 repeat their counts and are left out too. Where the districts' changes
//! have no spread (MAD = 0) nothing can stand out, and nothing is flagged.

use polars::prelude::*;

use super::{shape, Severity};
use crate::columns as c;

/// Iglewicz and Hoaglin's threshold.
pub const THRESHOLD: f64 = 3.5;
/// The smallest baseline count, or ratio denominator, a change is judged on.
pub const MIN_BASE: f64 = 10.0;
const SCALE: f64 = 0.6745;

/// Outlier findings from the assembled indicators (with baseline and change), among the
/// units of `level`.
pub fn failures(indicators: LazyFrame, level: &str) -> PolarsResult<LazyFrame> {
    let group = [col(c::INDICATOR), col(c::PERIOD), col(c::UNIT)];
    let relative = col(c::UNIT).eq(lit("ratio")).not();
    let x = when(relative)
        .then(col(c::CHANGE) / col(c::BASELINE))
        .otherwise(col(c::CHANGE));
    let median = col("x").median().over(group.clone())?;
    let deviation = (col("x") - col("median")).abs();
    let mad = col("deviation").median().over(group)?;
    let found = indicators
        .filter(
            col(c::LEVEL)
                .eq(lit(level.to_string()))
                .and(col(c::BREAKDOWN).is_null())
                .and(col(c::BASELINE).is_not_null())
                .and(col(c::CHANGE).is_not_null())
                .and(
                    (col(c::UNIT)
                        .eq(lit("ratio"))
                        .and(col(c::DENOMINATOR).gt_eq(lit(MIN_BASE))))
                    .or(col(c::UNIT)
                        .eq(lit("count"))
                        .and(col(c::BASELINE).gt_eq(lit(MIN_BASE)))),
                ),
        )
        .with_column(x.alias("x"))
        .with_column(median.alias("median"))
        .with_column(deviation.alias("deviation"))
        .with_column(mad.alias("mad"))
        .filter(col("mad").gt(lit(0.0)))
        .with_column((lit(SCALE) * (col("x") - col("median")) / col("mad")).alias("z"))
        .filter(col("z").abs().gt(lit(THRESHOLD)))
        .with_columns([
            lit("outlier").alias(c::CHECK),
            lit("year_over_year_modified_z").alias(c::RULE),
            lit(Severity::Warning.code()).alias(c::SEVERITY),
            col(c::ORG_UNIT).alias(c::DISTRICT_CODE),
            col(c::INDICATOR).alias(c::LEFT_ITEM),
            col(c::VALUE).alias(c::LEFT_VALUE),
            lit("baseline").alias(c::RIGHT_ITEM),
            col(c::BASELINE).alias(c::RIGHT_VALUE),
            lit(format!(
                "Thay đổi so với năm gốc khác xa các {} khác (modified z-score > 3,5)",
                crate::text::Lang::Vi.unit_word(level)
            ))
            .alias(c::DETAIL),
        ]);
    Ok(shape(found))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ten districts' injured children this year and last: nine change by −10 % … +10 %,
    /// district "D9" triples.
    fn indicators() -> LazyFrame {
        let baseline = [20.0, 30.0, 40.0, 50.0, 25.0, 35.0, 45.0, 55.0, 60.0, 20.0];
        let change_pct = [-0.10, -0.05, 0.0, 0.05, 0.10, -0.08, 0.08, -0.02, 0.02, 2.0];
        let value: Vec<f64> = baseline
            .iter()
            .zip(change_pct)
            .map(|(b, p)| b * (1.0 + p))
            .collect();
        let change: Vec<f64> = value.iter().zip(baseline).map(|(v, b)| v - b).collect();
        let units: Vec<String> = (0..10).map(|i| format!("D{i}")).collect();
        df!(
            c::INDICATOR => vec!["injured_children"; 10],
            c::PERIOD => vec!["2021"; 10],
            c::ORG_UNIT => units,
            c::LEVEL => vec!["district"; 10],
            c::BREAKDOWN => vec![None::<&str>; 10],
            c::VALUE => value,
            c::DENOMINATOR => vec![None::<f64>; 10],
            c::UNIT => vec!["count"; 10],
            c::BASELINE => baseline.to_vec(),
            c::CHANGE => change,
        )
        .unwrap()
        .lazy()
    }

    #[test]
    fn a_district_that_triples_among_steady_ones_is_flagged_alone() {
        // Relative changes sorted: −.10 −.08 −.05 −.02 0 .02 .05 .08 .10 2.0, median 0.01;
        // absolute deviations sorted .01 .01 .03 .04 .06 .07 .09 .09 .11 1.99, MAD = 0.065.
        // D9: z = 0.6745 · (2.0 − 0.01) / 0.065 = 20.6 > 3.5; D4 (+10 %): 0.93; D0: −1.14.
        let df = failures(indicators(), c::LEVEL_DISTRICT)
            .unwrap()
            .collect()
            .unwrap();
        assert_eq!(df.height(), 1);
        assert_eq!(
            df.column(c::DISTRICT_CODE).unwrap().str().unwrap().get(0),
            Some("D9")
        );
        assert_eq!(
            df.column(c::LEFT_VALUE).unwrap().f64().unwrap().get(0),
            Some(60.0)
        );
        assert_eq!(
            df.column(c::RIGHT_VALUE).unwrap().f64().unwrap().get(0),
            Some(20.0)
        );
    }

    #[test]
    fn small_counts_are_not_judged() {
        // D9's baseline is 20; at 5 (tripling to 15) it is under MIN_BASE and left out.
        let small = indicators().with_columns([when(col(c::ORG_UNIT).eq(lit("D9")))
            .then(lit(5.0))
            .otherwise(col(c::BASELINE))
            .alias(c::BASELINE)]);
        assert_eq!(
            failures(small, c::LEVEL_DISTRICT)
                .unwrap()
                .collect()
                .unwrap()
                .height(),
            0
        );
    }

    #[test]
    fn no_spread_flags_nothing() {
        // Every district doubles: all relative changes are exactly 1, MAD = 0.
        let flat = indicators().with_columns([
            (col(c::BASELINE) * lit(2.0)).alias(c::VALUE),
            col(c::BASELINE).alias(c::CHANGE),
        ]);
        assert_eq!(
            failures(flat, c::LEVEL_DISTRICT)
                .unwrap()
                .collect()
                .unwrap()
                .height(),
            0
        );
    }

    #[test]
    fn communes_are_judged_among_communes_under_the_2025_units() {
        let communes = indicators().with_column(lit(c::LEVEL_COMMUNE).alias(c::LEVEL));
        // Rows of another level than the one that reports are never judged.
        let df = failures(communes.clone(), c::LEVEL_DISTRICT)
            .unwrap()
            .collect()
            .unwrap();
        assert_eq!(df.height(), 0);
        let df = failures(communes, c::LEVEL_COMMUNE)
            .unwrap()
            .collect()
            .unwrap();
        assert_eq!(
            df.column(c::DISTRICT_CODE).unwrap().str().unwrap().get(0),
            Some("D9")
        );
        assert_eq!(
            df.column(c::DETAIL).unwrap().str().unwrap().get(0),
            Some("Thay đổi so với năm gốc khác xa các xã khác (modified z-score > 3,5)")
        );
    }
}
