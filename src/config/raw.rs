//! The pipeline file exactly as written: plain serde structs, no checks beyond types.
//!
//! Unknown keys are refused, but not by `deny_unknown_fields`, which stops at the first
//! one: `load` collects every ignored key (the way cargo reports unused manifest keys), so
//! one run of `treem check` lists all the problems of a file together.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::value::Datetime;

#[derive(Debug, Deserialize)]
pub struct RawPipeline {
    pub name: String,
    /// GSO code of the one province the pipeline reports on (or `provinces`).
    pub province: Option<String>,
    /// Several provinces, or "all": the pipeline reports on the country as well.
    pub provinces: Option<RawProvinces>,
    pub year: i32,
    pub baseline_year: i32,
    pub org_units: String,
    pub population: String,
    pub periods: Vec<RawPeriod>,
    pub sources: RawSources,
    #[serde(default)]
    pub targets: BTreeMap<String, String>,
    pub rules: RawRules,
    pub disclosure: RawDisclosure,
    #[serde(default)]
    pub privacy: RawPrivacy,
    #[serde(default)]
    pub limits: RawLimits,
    #[serde(default)]
    pub monitoring: RawMonitoring,
    /// Extra header names per table and column: `[headers.child_registry] child_id = ["ID"]`.
    #[serde(default)]
    pub headers: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

#[derive(Debug, Deserialize)]
pub struct RawPeriod {
    pub key: String,
    pub from: Datetime,
    pub to: Datetime,
    pub report_deadline: Datetime,
}

#[derive(Debug, Deserialize)]
pub struct RawSources {
    pub child_registry: Globs,
    pub cases: Globs,
    pub district_reports: Option<Globs>,
    pub fund: Option<Globs>,
}

/// `provinces = ["64", "01"]` or `provinces = "all"`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawProvinces {
    List(Vec<String>),
    Keyword(String),
}

/// One glob or several.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Globs {
    One(String),
    Many(Vec<String>),
}

impl Globs {
    pub fn patterns(&self) -> Vec<&str> {
        match self {
            Globs::One(p) => vec![p.as_str()],
            Globs::Many(ps) => ps.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RawRules {
    pub intervention_within_hours: u32,
    pub plan_within_working_days: u32,
    #[serde(default)]
    pub holidays: Vec<Datetime>,
    pub source_gap_tolerance: f64,
    pub max_rejected_share: f64,
    /// Files that could not be read at all before the quality gate fails; 0 by default.
    #[serde(default)]
    pub max_unreadable_files: u32,
}

#[derive(Debug, Deserialize)]
pub struct RawDisclosure {
    pub min_count: u32,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawPrivacy {
    /// File holding the secret key for `child_key`; the environment variable wins over it.
    pub secret_key_file: Option<String>,
}

/// What the nightly run tells the people who watch it.
#[derive(Debug, Default, Deserialize)]
pub struct RawMonitoring {
    /// The Prometheus metrics file of every run; `<output folder>/treem.prom` by default.
    pub metrics_file: Option<String>,
    /// A command (program, then its arguments) run when a run ends other than `done`.
    pub on_failure: Option<Vec<String>>,
    /// How long the command may take before it is stopped; 60 s by default.
    pub on_failure_timeout_seconds: Option<u64>,
}

/// Bounds on what one input may cost to read; each has a default (see `sources::tabular`).
#[derive(Debug, Default, Deserialize)]
pub struct RawLimits {
    pub max_xlsx_inflated_bytes: Option<u64>,
    pub max_line_bytes: Option<u64>,
    pub max_cells_per_sheet: Option<u64>,
}

/// Parses the text of a pipeline file. Returns the structs and every key that no struct
/// knows, as dotted paths (`rules.colour`); a syntax or type error is returned alone,
/// since nothing after it can be trusted.
pub fn parse(text: &str) -> Result<(RawPipeline, Vec<String>), String> {
    let mut unknown = Vec::new();
    let deserializer = toml::Deserializer::new(text);
    let raw = serde_ignored::deserialize(deserializer, |path| unknown.push(path.to_string()))
        .map_err(|e| e.to_string().trim_end().to_string())?;
    Ok((raw, unknown))
}
