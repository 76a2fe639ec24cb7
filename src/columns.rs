//! Column names of the clean tables and of the indicators table, in one place, with the few
//! values every step names (the levels, the country): every step and every test names a
//! column through these, so a rename is one edit and a typo is a compile error.

pub const YEAR: &str = "year";
pub const SNAPSHOT_DATE: &str = "snapshot_date";
pub const CHILD_KEY: &str = "child_key";
pub const CASE_KEY: &str = "case_key";
pub const BIRTH_YEAR: &str = "birth_year";
pub const AGE: &str = "age";
pub const SEX: &str = "sex";
pub const ETHNICITY: &str = "ethnicity";
pub const COMMUNE_CODE: &str = "commune_code";
pub const DISTRICT_CODE: &str = "district_code";
pub const SPECIAL_GROUP: &str = "special_group";
pub const AT_RISK: &str = "at_risk";
pub const SUPPORTED: &str = "supported";
pub const SUPPORT_FORMS: &str = "support_forms";
pub const UPDATED_ON: &str = "updated_on";

pub const KIND: &str = "kind";
pub const SUBTYPE: &str = "subtype";
pub const OCCURRED_ON: &str = "occurred_on";
pub const REPORTED_AT: &str = "reported_at";
pub const INTERVENED_AT: &str = "intervened_at";
pub const PLAN_APPROVED_ON: &str = "plan_approved_on";
pub const OUTCOME: &str = "outcome";

pub const FILE: &str = "file";
pub const SHEET: &str = "sheet";
/// A cell's address in its sheet (`D14`).
pub const CELL: &str = "cell";
/// The sheet and cell of a form rule's two items (`Biểu 2!D14`), in the data-quality table.
pub const LEFT_CELL: &str = "left_cell";
pub const RIGHT_CELL: &str = "right_cell";
pub const ROW: &str = "row";
pub const COLUMN: &str = "column";
pub const REASON: &str = "reason";
pub const DETAIL: &str = "detail";

pub const CODE: &str = "code";
pub const LEVEL: &str = "level";
pub const UNIT_TYPE: &str = "unit_type";
pub const NAME: &str = "name";
pub const PARENT_CODE: &str = "parent_code";
pub const CHILDREN_UNDER_16: &str = "children_under_16";
/// The number of children a row of `registry_counts` stands for.
pub const CHILDREN: &str = "children";

pub const DATE: &str = "date";
pub const VALUE_VND: &str = "value_vnd";
pub const IS_CORRECTION: &str = "is_correction";

pub const PERIOD: &str = "period";
pub const FORM: &str = "form";
pub const ITEM: &str = "item";
pub const VALUE: &str = "value";
pub const SENT_ON: &str = "sent_on";
pub const VERSION: &str = "version";

pub const CHECK: &str = "check";
pub const RULE: &str = "rule";
pub const SEVERITY: &str = "severity";
pub const LEFT_ITEM: &str = "left_item";
pub const LEFT_VALUE: &str = "left_value";
pub const RIGHT_ITEM: &str = "right_item";
pub const RIGHT_VALUE: &str = "right_value";
// The long table of indicators (`indicators/indicators.parquet`).
pub const INDICATOR: &str = "indicator";
pub const ORG_UNIT: &str = "org_unit";
pub const BREAKDOWN: &str = "breakdown";
pub const NUMERATOR: &str = "numerator";
pub const DENOMINATOR: &str = "denominator";
pub const UNIT: &str = "unit";
pub const BASELINE: &str = "baseline";
pub const BASELINE_NUMERATOR: &str = "baseline_numerator";
pub const BASELINE_DENOMINATOR: &str = "baseline_denominator";
pub const CHANGE: &str = "change";
pub const TARGET: &str = "target";
pub const TARGET_MET: &str = "target_met";
/// Across a reform: whether the baseline, recomputed on the new units through the
/// crosswalk, compares exactly with the value (null where no crosswalk was involved).
pub const COMPARABLE: &str = "comparable";
/// Why a row is not exactly comparable, in words.
pub const COMPARABILITY: &str = "comparability";

// The values of `level` in the indicators table, and the country's row: every step that
// reads the table names them, so they live here rather than in the step that writes it.
pub const LEVEL_COUNTRY: &str = "country";
pub const LEVEL_PROVINCE: &str = "province";
pub const LEVEL_DISTRICT: &str = "district";
/// The level below the province since the 2025 reform, which has no districts.
pub const LEVEL_COMMUNE: &str = "commune";

/// The org_unit of the country row (ISO 3166 code of Viet Nam).
pub const COUNTRY: &str = "VN";
/// The country's name wherever a reader sees it (the org units list only provinces and
/// below).
pub const COUNTRY_NAME: &str = "Việt Nam";

// The distance to a target, as indicators of their own (`indicators::distance`): the name
// of the indicator judged, then one of these.
/// What is still missing to reach the goal: children to support, officers to train, đồng.
pub const SHORTFALL: &str = "_shortfall";
/// The đồng still missing, per month left in the reporting year.
pub const SHORTFALL_PER_MONTH: &str = "_shortfall_per_month";
/// A part-year period's value carried to 31 December at its own pace; its range.
pub const PROJECTION: &str = "_projection";
pub const PROJECTION_LOW: &str = "_projection_low";
pub const PROJECTION_HIGH: &str = "_projection_high";

/// The suffixes of distance indicators, longest first (so `_shortfall_per_month` is not
/// read as `_shortfall`).
pub const DISTANCE_SUFFIXES: [&str; 5] = [
    SHORTFALL_PER_MONTH,
    SHORTFALL,
    PROJECTION_LOW,
    PROJECTION_HIGH,
    PROJECTION,
];

/// The indicator a distance indicator measures from (`special_support_rate_shortfall` →
/// `special_support_rate`), and the suffix.
pub fn distance_of(indicator: &str) -> Option<(&str, &'static str)> {
    DISTANCE_SUFFIXES
        .iter()
        .find_map(|s| indicator.strip_suffix(s).map(|base| (base, *s)))
}
