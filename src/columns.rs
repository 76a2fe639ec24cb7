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

// The values of `level` in the indicators table, and the country's row: every step that
// reads the table names them, so they live here rather than in the step that writes it.
pub const LEVEL_COUNTRY: &str = "country";
pub const LEVEL_PROVINCE: &str = "province";
pub const LEVEL_DISTRICT: &str = "district";
pub const LEVEL_COMMUNE: &str = "commune";

/// The org_unit of the country row (ISO 3166 code of Viet Nam).
pub const COUNTRY: &str = "VN";
/// The country's name wherever a reader sees it (the org units list only provinces and
/// below).
pub const COUNTRY_NAME: &str = "Việt Nam";
