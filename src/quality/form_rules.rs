//! The validation rules of the district report forms, DHIS2-style: each a named check with
//! a severity, run on the latest version of every district's report for every period. A
//! failure is a finding, not a rejection: the workbook stays ingested.

use polars::prelude::*;

use super::{null_of, shape_located, Severity};
use crate::columns as col;

#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// `left <= right`, both reported.
    AtMost {
        left: &'static str,
        right: &'static str,
    },
    /// Each of these items is 0 or 1.
    YesNo(&'static [&'static str]),
    /// No item is negative.
    NonNegative,
}

#[derive(Debug, Clone, Copy)]
pub struct FormRule {
    pub name: &'static str,
    pub severity: Severity,
    pub check: Check,
    /// What the rule means, in the words of the form.
    pub description: &'static str,
    /// The same in English, for a pack built with `--lang en`.
    pub description_en: &'static str,
}

const fn at_most(
    name: &'static str,
    left: &'static str,
    right: &'static str,
    severity: Severity,
    (description, description_en): (&'static str, &'static str),
) -> FormRule {
    FormRule {
        name,
        severity,
        check: Check::AtMost { left, right },
        description,
        description_en,
    }
}

/// The rules of DESIGN.md, "District reports".
pub const RULES: &[FormRule] = &[
    at_most(
        "special_within_children",
        "B1.02",
        "B1.01",
        Severity::Error,
        (
            "Trẻ em có HCĐB không vượt quá tổng số trẻ em",
            "Children in special circumstances do not exceed all children",
        ),
    ),
    at_most(
        "supported_within_special",
        "B1.03",
        "B1.02",
        Severity::Error,
        (
            "Trẻ em HCĐB được trợ giúp không vượt quá số trẻ em HCĐB",
            "Special-circumstance children supported do not exceed those children",
        ),
    ),
    at_most(
        "abused_supported_within_abused",
        "B2.03",
        "B2.02",
        Severity::Error,
        (
            "Trẻ em bị xâm hại được hỗ trợ không vượt quá số trẻ em bị xâm hại",
            "Abused children supported do not exceed abused children",
        ),
    ),
    // One case can involve several children: more children than cases is possible.
    at_most(
        "abused_children_within_cases",
        "B2.02",
        "B2.01",
        Severity::Warning,
        (
            "Số trẻ em bị xâm hại nhiều hơn số vụ (có thể đúng: một vụ nhiều trẻ)",
            "More abused children than cases (possible: one case, several children)",
        ),
    ),
    at_most(
        "deaths_within_injured",
        "B2.05",
        "B2.04",
        Severity::Error,
        (
            "Trẻ em tử vong không vượt quá số trẻ em bị tai nạn thương tích",
            "Child deaths do not exceed injured children",
        ),
    ),
    at_most(
        "drowning_within_injured",
        "B2.06",
        "B2.04",
        Severity::Error,
        (
            "Trẻ em đuối nước không vượt quá số trẻ em bị tai nạn thương tích",
            "Drowned children do not exceed injured children",
        ),
    ),
    at_most(
        "traffic_within_injured",
        "B2.07",
        "B2.04",
        Severity::Error,
        (
            "Trẻ em bị tai nạn giao thông không vượt quá số trẻ em bị tai nạn thương tích",
            "Children in traffic accidents do not exceed injured children",
        ),
    ),
    at_most(
        "trained_within_staff",
        "B3.06",
        "B3.05",
        Severity::Error,
        (
            "Cán bộ được tập huấn không vượt quá số cán bộ",
            "Staff trained do not exceed staff",
        ),
    ),
    FormRule {
        name: "events_yes_no",
        severity: Severity::Error,
        check: Check::YesNo(&["B3.01", "B3.02", "B3.03"]),
        description: "Chỉ tiêu có/không chỉ nhận 1 hoặc 0",
        description_en: "A yes/no item takes only 1 or 0",
    },
    FormRule {
        name: "no_negative_values",
        severity: Severity::Error,
        check: Check::NonNegative,
        description: "Không có số liệu âm",
        description_en: "No figure is negative",
    },
];

/// The latest version of each district's report for each period.
pub fn latest_versions(reports: LazyFrame) -> PolarsResult<LazyFrame> {
    let latest = col(col::VERSION)
        .max()
        .over([col(col::DISTRICT_CODE), col(col::PERIOD)])?;
    Ok(reports.filter(col(col::VERSION).eq(latest)))
}

/// Every failure of every rule on `reports` (the `district_reports` table, all versions).
pub fn failures(reports: LazyFrame) -> PolarsResult<LazyFrame> {
    let latest = latest_versions(reports)?.select([
        col(col::DISTRICT_CODE),
        col(col::PERIOD),
        col(col::ITEM),
        col(col::VALUE),
        col(col::SHEET),
        col(col::CELL),
    ]);
    let frames: Vec<LazyFrame> = RULES
        .iter()
        .map(|rule| shape_located(check(rule, latest.clone())))
        .collect();
    concat(frames, UnionArgs::default())
}

/// One item's value (as `alias`) and cell (as `cell`) in each report.
fn item(latest: &LazyFrame, code: &str, alias: &str, cell: &str) -> LazyFrame {
    latest
        .clone()
        .filter(
            col(col::ITEM)
                .eq(lit(code))
                .and(col(col::VALUE).is_not_null()),
        )
        .select([
            col(col::DISTRICT_CODE),
            col(col::PERIOD),
            col(col::VALUE).alias(alias),
            col(col::SHEET).alias(format!("{cell}_sheet")),
            col(col::CELL).alias(cell),
        ])
}

fn check(rule: &FormRule, latest: LazyFrame) -> LazyFrame {
    let keys = [col(col::DISTRICT_CODE), col(col::PERIOD)];
    let found = match rule.check {
        Check::AtMost { left, right } => item(&latest, left, col::LEFT_VALUE, col::LEFT_CELL)
            .join(
                item(&latest, right, col::RIGHT_VALUE, col::RIGHT_CELL),
                keys.clone(),
                keys,
                JoinArgs::new(JoinType::Inner),
            )
            .filter(col(col::LEFT_VALUE).gt(col(col::RIGHT_VALUE)))
            .with_columns([
                lit(left).alias(col::LEFT_ITEM),
                lit(right).alias(col::RIGHT_ITEM),
                // The sheet of the value to correct: the left one's (both stand on one form).
                col(format!("{}_sheet", col::LEFT_CELL)).alias(col::SHEET),
            ]),
        Check::YesNo(items) => {
            let listed = items
                .iter()
                .map(|code| col(col::ITEM).eq(lit(*code)))
                .reduce(|a, b| a.or(b))
                .unwrap_or(lit(false));
            latest
                .filter(
                    listed.and(
                        col(col::VALUE)
                            .neq(lit(0.0))
                            .and(col(col::VALUE).neq(lit(1.0))),
                    ),
                )
                .with_columns([
                    col(col::ITEM).alias(col::LEFT_ITEM),
                    col(col::VALUE).alias(col::LEFT_VALUE),
                    null_of(DataType::String).alias(col::RIGHT_ITEM),
                    null_of(DataType::Float64).alias(col::RIGHT_VALUE),
                    col(col::CELL).alias(col::LEFT_CELL),
                    null_of(DataType::String).alias(col::RIGHT_CELL),
                ])
        }
        Check::NonNegative => latest.filter(col(col::VALUE).lt(lit(0.0))).with_columns([
            col(col::ITEM).alias(col::LEFT_ITEM),
            col(col::VALUE).alias(col::LEFT_VALUE),
            null_of(DataType::String).alias(col::RIGHT_ITEM),
            null_of(DataType::Float64).alias(col::RIGHT_VALUE),
            col(col::CELL).alias(col::LEFT_CELL),
            null_of(DataType::String).alias(col::RIGHT_CELL),
        ]),
    };
    found.with_columns([
        lit("form_rule").alias(col::CHECK),
        lit(rule.name).alias(col::RULE),
        lit(rule.severity.code()).alias(col::SEVERITY),
        lit(rule.description).alias(col::DETAIL),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One district's latest report for 2021 with `values`, plus an older version whose
    /// values break every rule (it must be ignored).
    fn reports(values: &[(&str, f64)]) -> LazyFrame {
        let mut items: Vec<&str> = values.iter().map(|v| v.0).collect();
        let mut vals: Vec<f64> = values.iter().map(|v| v.1).collect();
        let mut versions: Vec<u32> = vec![2; values.len()];
        items.extend(["B1.03", "B1.02", "B3.01"]);
        vals.extend([999.0, 1.0, 7.0]);
        versions.extend([1, 1, 1]);
        let n = items.len();
        let cells: Vec<String> = (0..n).map(|i| format!("D{}", 10 + i)).collect();
        df!(
            col::DISTRICT_CODE => vec!["633"; n],
            col::PERIOD => vec!["2021"; n],
            col::ITEM => items,
            col::VALUE => vals,
            col::VERSION => versions,
            col::SHEET => vec!["Biểu 1"; n],
            col::CELL => cells,
        )
        .unwrap()
        .lazy()
    }

    /// (rule, left item, left value, right value) of every failure.
    fn fired(values: &[(&str, f64)]) -> Vec<(String, String, f64, Option<f64>)> {
        let df = failures(reports(values)).unwrap().collect().unwrap();
        let s = |c: &str| df.column(c).unwrap().str().unwrap().clone();
        let f = |c: &str| df.column(c).unwrap().f64().unwrap().clone();
        let (rule, left, lv, rv) = (
            s(col::RULE),
            s(col::LEFT_ITEM),
            f(col::LEFT_VALUE),
            f(col::RIGHT_VALUE),
        );
        let mut out: Vec<_> = (0..df.height())
            .map(|i| {
                (
                    rule.get(i).unwrap().to_string(),
                    left.get(i).unwrap().to_string(),
                    lv.get(i).unwrap(),
                    rv.get(i),
                )
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    fn fires(rule: &str, values: &[(&str, f64)]) -> bool {
        fired(values).iter().any(|f| f.0 == rule)
    }

    #[test]
    fn every_at_most_rule_fires_above_and_not_at_the_bound() {
        for rule in RULES {
            let Check::AtMost { left, right } = rule.check else {
                continue;
            };
            assert!(
                fires(rule.name, &[(left, 11.0), (right, 10.0)]),
                "{} should fire for {left} 11 > {right} 10",
                rule.name
            );
            assert!(
                !fires(rule.name, &[(left, 10.0), (right, 10.0)]),
                "{} should not fire at equality",
                rule.name
            );
            assert!(
                !fires(rule.name, &[(left, 11.0)]),
                "{} needs both items reported",
                rule.name
            );
        }
    }

    #[test]
    fn a_failure_carries_its_values_and_severity() {
        let df = failures(reports(&[("B1.03", 420.0), ("B1.02", 412.0)]))
            .unwrap()
            .collect()
            .unwrap();
        assert_eq!(df.height(), 1);
        let row = df.get(0).unwrap();
        let text: Vec<String> = row.iter().map(|v| v.to_string()).collect();
        assert_eq!(text[1], "\"supported_within_special\"");
        assert_eq!(text[2], "\"error\"");
        assert_eq!(text[4], "\"633\"");
        assert_eq!(text[6], "420.0");
        assert_eq!(text[8], "412.0");
        // Where each value stands, for the district to correct: the fixture's D10 and D11.
        assert_eq!(text[10], "\"Biểu 1\"");
        assert_eq!(text[11], "\"D10\"");
        assert_eq!(text[12], "\"D11\"");
    }

    #[test]
    fn more_abused_children_than_cases_is_only_a_warning() {
        let df = failures(reports(&[("B2.02", 5.0), ("B2.01", 3.0)]))
            .unwrap()
            .collect()
            .unwrap();
        let severity = df.column(col::SEVERITY).unwrap().str().unwrap().get(0);
        assert_eq!(severity, Some("warning"));
    }

    #[test]
    fn yes_no_items_must_be_zero_or_one() {
        assert_eq!(
            fired(&[("B3.02", 2.0)]),
            vec![("events_yes_no".to_string(), "B3.02".to_string(), 2.0, None)]
        );
        assert!(fired(&[("B3.01", 1.0), ("B3.02", 0.0), ("B3.03", 1.0)]).is_empty());
        // A count item may be 2.
        assert!(fired(&[("B3.04", 2.0)]).is_empty());
    }

    #[test]
    fn negative_values_fire_and_zero_does_not() {
        assert_eq!(
            fired(&[("B4.02", -5.0)]),
            vec![(
                "no_negative_values".to_string(),
                "B4.02".to_string(),
                -5.0,
                None
            )]
        );
        assert!(fired(&[("B4.02", 0.0)]).is_empty());
    }

    #[test]
    fn only_the_latest_version_is_checked() {
        // The fixture's version 1 breaks three rules; version 2 here breaks none.
        assert!(fired(&[("B1.02", 5.0), ("B1.03", 5.0)]).is_empty());
    }
}
