//! Source gaps: what a district's report form says against what the commune software
//! holds for the same district and period — special-circumstance children (B1.02) and the
//! supported among them (B1.03) against the registry, abused (B2.02) and injured (B2.04)
//! children against the cases. Each pair is an indicator row (`source_gap`, the relative
//! gap) and, beyond `rules.source_gap_tolerance`, a data-quality finding.

use polars::prelude::*;

use super::{shape, Severity};
use crate::columns as c;
use crate::columns::{LEVEL_COMMUNE, LEVEL_DISTRICT};

/// The finding's description (Vietnamese, English).
pub const DESCRIPTION: (&str, &str) = (
    "Số liệu biểu mẫu lệch so với phần mềm quản lý trẻ em quá ngưỡng cho phép",
    "The form's figure differs from the child-management software's beyond the tolerance",
);

/// (form item, indicator, its column that counts the same thing, the source's name).
pub const PAIRS: [(&str, &str, &str, &str); 4] = [
    ("B1.02", "special_support_rate", c::DENOMINATOR, "registry"),
    ("B1.03", "special_support_rate", c::NUMERATOR, "registry"),
    ("B2.02", "abused_children", c::VALUE, "cases"),
    ("B2.04", "injured_children", c::VALUE, "cases"),
];

pub const INDICATOR: &str = "source_gap";

/// (district_code, period, item, form, source, gap) for every pair both sides give;
/// gap = (form − source) ÷ source, null when the source counts 0.
fn pairs(indicators: &LazyFrame, reports: &LazyFrame) -> PolarsResult<LazyFrame> {
    let latest = crate::quality::form_rules::latest_versions(reports.clone())?;
    let frames: Vec<LazyFrame> = PAIRS
        .iter()
        .map(|(item, indicator, column, source)| {
            let form = latest
                .clone()
                .filter(col(c::ITEM).eq(lit(*item)).and(col(c::VALUE).is_not_null()))
                .select([
                    col(c::DISTRICT_CODE),
                    col(c::PERIOD),
                    col(c::VALUE).alias("form"),
                ]);
            let counted = indicators
                .clone()
                .filter(
                    col(c::INDICATOR)
                        .eq(lit(*indicator))
                        // The units that send the forms: districts, or communes under
                        // the 2025 units.
                        .and(
                            col(c::LEVEL)
                                .eq(lit(LEVEL_DISTRICT))
                                .or(col(c::LEVEL).eq(lit(LEVEL_COMMUNE))),
                        )
                        .and(col(c::BREAKDOWN).is_null())
                        .and(col(*column).is_not_null()),
                )
                .select([
                    col(c::ORG_UNIT).alias(c::DISTRICT_CODE),
                    col(c::PERIOD),
                    col(c::LEVEL),
                    col(*column).alias("source"),
                ]);
            let keys = [col(c::DISTRICT_CODE), col(c::PERIOD)];
            form.join(counted, keys.clone(), keys, JoinArgs::new(JoinType::Inner))
                .with_columns([
                    lit(*item).alias(c::ITEM),
                    lit(*source).alias("source_name"),
                    when(col("source").gt(lit(0.0)))
                        .then((col("form") - col("source")) / col("source"))
                        .otherwise(lit(NULL).cast(DataType::Float64))
                        .alias("gap"),
                ])
        })
        .collect();
    concat(frames, UnionArgs::default())
}

/// The `source_gap` indicator rows, in the long shape with empty baseline and target.
pub fn rows(indicators: &LazyFrame, reports: &LazyFrame) -> PolarsResult<LazyFrame> {
    Ok(pairs(indicators, reports)?.select([
        lit(INDICATOR).alias(c::INDICATOR),
        col(c::PERIOD),
        col(c::DISTRICT_CODE).alias(c::ORG_UNIT),
        col(c::LEVEL),
        concat_str([lit("item="), col(c::ITEM)], "", false).alias(c::BREAKDOWN),
        col("form").alias(c::NUMERATOR),
        col("source").alias(c::DENOMINATOR),
        col("gap").alias(c::VALUE),
        lit("ratio").alias(c::UNIT),
    ]))
}

/// Findings: gaps beyond `tolerance` either way, and a form that counts children where
/// the software has none.
pub fn failures(
    indicators: &LazyFrame,
    reports: &LazyFrame,
    tolerance: f64,
) -> PolarsResult<LazyFrame> {
    let beyond = col("gap")
        .abs()
        .gt(lit(tolerance))
        .or(col("gap").is_null().and(col("form").gt(lit(0.0))));
    Ok(shape(
        pairs(indicators, reports)?.filter(beyond).with_columns([
            lit("source_gap").alias(c::CHECK),
            concat_str([col(c::ITEM), lit("_vs_"), col("source_name")], "", false).alias(c::RULE),
            lit(Severity::Warning.code()).alias(c::SEVERITY),
            col(c::ITEM).alias(c::LEFT_ITEM),
            col("form").alias(c::LEFT_VALUE),
            col("source_name").alias(c::RIGHT_ITEM),
            col("source").alias(c::RIGHT_VALUE),
            lit(DESCRIPTION.0).alias(c::DETAIL),
        ]),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indicators() -> LazyFrame {
        // Registry: 622 has 100 special children (95 supported), 623 has 0.
        df!(
            c::INDICATOR => ["special_support_rate", "special_support_rate", "special_support_rate"],
            c::PERIOD => ["2021", "2021", "2021"],
            c::ORG_UNIT => ["64", "622", "623"],
            c::LEVEL => ["province", "district", "district"],
            c::BREAKDOWN => [None::<&str>, None, None],
            c::NUMERATOR => [95.0, 95.0, 0.0],
            c::DENOMINATOR => [100.0, 100.0, 0.0],
            c::VALUE => [Some(0.95), Some(0.95), None],
        )
        .unwrap()
        .lazy()
    }

    fn reports(b102_622: f64, b102_623: f64) -> LazyFrame {
        df!(
            c::DISTRICT_CODE => ["622", "622", "623"],
            c::PERIOD => ["2021", "2021", "2021"],
            c::ITEM => ["B1.02", "B1.03", "B1.02"],
            c::VALUE => [b102_622, 95.0, b102_623],
            c::VERSION => [1u32, 1, 1],
        )
        .unwrap()
        .lazy()
    }

    #[test]
    fn gaps_are_relative_to_the_source_and_flagged_beyond_the_tolerance() {
        // 622: form 104 vs registry 100 → +4 %, within 5 %; B1.03 95 vs 95 → 0.
        let rows = rows(&indicators(), &reports(104.0, 0.0))
            .unwrap()
            .collect()
            .unwrap();
        let gap = |item: &str, unit: &str| {
            rows.clone()
                .lazy()
                .filter(
                    col(c::BREAKDOWN)
                        .eq(lit(format!("item={item}")))
                        .and(col(c::ORG_UNIT).eq(lit(unit))),
                )
                .collect()
                .unwrap()
                .column(c::VALUE)
                .unwrap()
                .f64()
                .unwrap()
                .get(0)
        };
        assert!((gap("B1.02", "622").unwrap() - 0.04).abs() < 1e-12);
        assert_eq!(gap("B1.03", "622"), Some(0.0));
        assert_eq!(gap("B1.02", "623"), None, "a source of 0 gives no ratio");
        let flagged = failures(&indicators(), &reports(104.0, 0.0), 0.05)
            .unwrap()
            .collect()
            .unwrap();
        assert_eq!(flagged.height(), 0);
        // 106 vs 100 is beyond 5 %; 623's form counting 3 where the registry has none too.
        let flagged = failures(&indicators(), &reports(106.0, 3.0), 0.05)
            .unwrap()
            .collect()
            .unwrap();
        let districts: Vec<&str> = flagged
            .column(c::DISTRICT_CODE)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert_eq!(districts.len(), 2);
        assert!(districts.contains(&"622") && districts.contains(&"623"));
        // 94 vs 100 (−6 %) fires too: a gap either way.
        assert_eq!(
            failures(&indicators(), &reports(94.0, 0.0), 0.05)
                .unwrap()
                .collect()
                .unwrap()
                .height(),
            1
        );
    }
}
