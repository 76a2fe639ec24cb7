//! The checked plan: the pipeline file resolved against the disk and the calendar before any
//! data is read. Every problem found is collected, so one message lists them all.
//!
//! Relative paths in a pipeline file are read from the folder that holds the file, so a
//! nightly scheduler can start treem from any working directory.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use toml::value::Datetime;

use super::raw::{self, Globs, RawPipeline, RawProvinces};
use super::target::{TargetRule, KNOWN_INDICATORS};
use super::ConfigError;
use crate::columns::{LEVEL_COMMUNE, LEVEL_DISTRICT};
use crate::reference::crosswalk::SplitRule;
use crate::reference::{LoadError, OrgUnits, Scope, TopUnit, UnitLists};
use crate::sources::tabular::Limits;
use crate::sources::SourceKind;

/// A reporting period: its data window and the deadline of the district report for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub key: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub report_deadline: NaiveDate,
}

impl Period {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

/// The files one source's globs matched, in a stable (sorted) order, and every other file
/// under the source's folders with why it is not read: nothing there is dropped unsaid.
#[derive(Debug, Clone)]
pub struct SourceFiles {
    pub kind: SourceKind,
    pub patterns: Vec<String>,
    pub files: Vec<PathBuf>,
    pub ignored: Vec<IgnoredFile>,
}

/// A file under a source's folder that no pattern of any source takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredFile {
    pub path: PathBuf,
    pub reason: String,
    /// A format treem reads: most likely a submission the patterns miss.
    pub readable_format: bool,
}

/// The extensions of the files treem reads (`sources::tabular` tells them apart by their
/// first bytes; these are what offices save them as).
pub const READABLE_EXTENSIONS: [&str; 7] = ["xlsx", "xlsm", "xls", "xlsb", "ods", "csv", "txt"];

#[derive(Debug, Clone)]
pub struct Rules {
    pub intervention_within_hours: u32,
    pub plan_within_working_days: u32,
    pub holidays: BTreeSet<NaiveDate>,
    pub source_gap_tolerance: f64,
    pub max_rejected_share: f64,
    /// A file not read at all is a hole in the data that no share of rows shows: the gate
    /// fails when more than this many are (0 unless the pipeline file says otherwise).
    pub max_unreadable_files: u32,
}

/// One list of org units of a pipeline that crosses a reform (`[[unit_lists]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct UnitListFile {
    pub key: String,
    pub file: PathBuf,
    pub in_force_from: NaiveDate,
    /// The conversion table into this list from the one before.
    pub crosswalk: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct Target {
    pub indicator: String,
    pub rule: TargetRule,
    /// The periods the target judges; `None`: every period of the reporting year. In a
    /// period it does not judge, the target is shown with the distance to it, never as
    /// "not met".
    pub periods: Option<BTreeSet<String>>,
}

impl Target {
    pub fn judges(&self, period: &str) -> bool {
        self.periods.as_ref().is_none_or(|p| p.contains(period))
    }
}

/// The report's letterhead (`[report]`), as the file writes it; what it leaves out is
/// made from the province's name when the report is written.
pub type ReportSettings = raw::RawReport;

#[derive(Debug, Clone)]
pub struct Plan {
    /// The pipeline file itself.
    pub file: PathBuf,
    pub name: String,
    /// The provinces the pipeline reports on, and so the levels of its indicators.
    pub scope: Scope,
    pub year: i32,
    pub baseline_year: i32,
    /// The list of org units the indicators are reported on: the one list, or the
    /// newest of `unit_lists`.
    pub org_units: PathBuf,
    /// Every list of a pipeline that crosses a reform, oldest first; empty with one list.
    pub unit_lists: Vec<UnitListFile>,
    /// Where rows of a commune split by a reform go.
    pub split_rule: SplitRule,
    /// The level below the province: `district`, or `commune` under the 2025 units.
    pub reporting_level: &'static str,
    /// The list each period's reports are written in, where the file names one.
    pub period_units: BTreeMap<String, String>,
    pub population: PathBuf,
    pub periods: Vec<Period>,
    pub sources: Vec<SourceFiles>,
    pub targets: Vec<Target>,
    pub rules: Rules,
    pub min_count: u32,
    pub secret_key_file: Option<PathBuf>,
    /// Extra header names, by source and column.
    pub header_aliases: BTreeMap<(SourceKind, String), Vec<String>>,
    /// Bounds on reading one input.
    pub limits: Limits,
    pub report: ReportSettings,
    /// The metrics file and the failure hook.
    pub monitoring: Monitoring,
}

/// `[monitoring]`: where the metrics file goes, and the command run after a failure.
#[derive(Debug, Clone, Default)]
pub struct Monitoring {
    /// `None`: `<output folder>/treem.prom`.
    pub metrics_file: Option<PathBuf>,
    pub on_failure: Option<Hook>,
}

/// A command run when a run ends other than `done`: `program args… <outcome> <run id>
/// <manifest>`, stopped after `timeout`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    /// A bare name is looked up on `PATH`; a path with a folder is read from the pipeline
    /// file's folder when relative.
    pub program: PathBuf,
    pub args: Vec<String>,
    pub timeout: std::time::Duration,
}

/// The failure hook's time limit when the pipeline file gives none.
pub const HOOK_TIMEOUT_SECONDS: u64 = 60;
/// The longest a failure hook may be given: a notification, not a second job.
pub const HOOK_TIMEOUT_MAX_SECONDS: u64 = 3600;

impl Plan {
    /// The unit the pipeline's summaries speak for, with the levels below it.
    pub fn top_unit(&self) -> TopUnit {
        TopUnit::reporting(&self.scope, self.reporting_level)
    }

    pub fn source(&self, kind: SourceKind) -> Option<&SourceFiles> {
        self.sources.iter().find(|s| s.kind == kind)
    }

    /// Every list of org units with its crosswalk, read: one list in force from any date,
    /// or the pipeline's lists across a reform.
    pub fn load_unit_lists(&self) -> Result<UnitLists, LoadError> {
        if self.unit_lists.is_empty() {
            return OrgUnits::load(&self.org_units).map(UnitLists::single);
        }
        let files: Vec<_> = self
            .unit_lists
            .iter()
            .map(|l| {
                (
                    l.key.clone(),
                    l.in_force_from,
                    l.file.clone(),
                    l.crosswalk.clone(),
                )
            })
            .collect();
        UnitLists::load(&files, self.split_rule)
    }

    /// The key of the list a period's reports are written in: the one the file names, else
    /// the one in force on the period's last day. Empty for a pipeline with one list.
    pub fn period_list<'a>(&'a self, period: &Period) -> &'a str {
        if let Some(key) = self.period_units.get(&period.key) {
            return key;
        }
        self.unit_lists
            .iter()
            .rev()
            .find(|l| l.in_force_from <= period.to)
            .or_else(|| self.unit_lists.first())
            .map(|l| l.key.as_str())
            .unwrap_or("")
    }

    pub fn aliases(&self, kind: SourceKind, column: &str) -> &[String] {
        self.header_aliases
            .get(&(kind, column.to_string()))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

/// Reads and checks a pipeline file.
pub fn load(path: &Path) -> Result<Plan, ConfigError> {
    let fail = |problems: Vec<String>| ConfigError {
        file: path.to_path_buf(),
        problems,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| fail(vec![format!("Cannot read the pipeline file: {e}.")]))?;
    let (raw, unknown) = raw::parse(&text).map_err(|e| fail(vec![e]))?;
    let mut problems: Vec<String> = unknown
        .iter()
        .map(|key| format!("Unknown key \"{key}\"."))
        .collect();
    let base = path.parent().unwrap_or(Path::new("."));
    let plan = resolve(raw, path, base, &mut problems);
    if problems.is_empty() {
        Ok(plan)
    } else {
        Err(fail(problems))
    }
}

fn resolve(raw: RawPipeline, file: &Path, base: &Path, problems: &mut Vec<String>) -> Plan {
    if raw.name.is_empty()
        || !raw
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        problems.push(format!(
            "Key \"name\" is \"{}\": use letters, digits, '-' and '_' only (it names the output folder).",
            raw.name
        ));
    }
    let scope = resolve_scope(raw.province.as_deref(), raw.provinces.as_ref(), problems);
    if scope.has_country() && raw.sources.fund.is_some() {
        problems.push(
            "Key \"sources.fund\": the fund ledger is one province's, so it needs \"province\", not \"provinces\"."
                .into(),
        );
    }
    if raw.baseline_year >= raw.year {
        problems.push(format!(
            "Key \"baseline_year\" ({}) must come before \"year\" ({}).",
            raw.baseline_year, raw.year
        ));
    }
    let (org_units, unit_lists) = resolve_unit_lists(&raw, base, problems);
    let split_rule = match &raw.crosswalk {
        None => SplitRule::KeptCode,
        Some(c) => SplitRule::parse(&c.split_rule).unwrap_or_else(|| {
            problems.push(format!(
                "Key \"crosswalk.split_rule\" is \"{}\": use one of {}.",
                c.split_rule,
                SplitRule::NAMES.join(", ")
            ));
            SplitRule::KeptCode
        }),
    };
    let reporting_level = match raw.reporting_level.as_deref() {
        None | Some("district") => LEVEL_DISTRICT,
        Some("commune") => LEVEL_COMMUNE,
        Some(other) => {
            problems.push(format!(
                "Key \"reporting_level\" is \"{other}\": use \"district\" or \"commune\"."
            ));
            LEVEL_DISTRICT
        }
    };
    let mut period_units = BTreeMap::new();
    for p in &raw.periods {
        if let Some(key) = &p.org_units {
            if !unit_lists.iter().any(|l| &l.key == key) {
                problems.push(format!(
                    "Period \"{}\": \"org_units\" names \"{key}\", which is no key of \"unit_lists\".",
                    p.key
                ));
            }
            period_units.insert(p.key.clone(), key.clone());
        }
    }
    let population = existing_file(base, "population", &raw.population, problems);
    let periods = resolve_periods(&raw.periods, problems);

    let mut sources = Vec::new();
    let declared = [
        (SourceKind::ChildRegistry, Some(&raw.sources.child_registry)),
        (SourceKind::Cases, Some(&raw.sources.cases)),
        (
            SourceKind::DistrictReports,
            raw.sources.district_reports.as_ref(),
        ),
        (SourceKind::Fund, raw.sources.fund.as_ref()),
    ];
    for (kind, globs) in declared {
        if let Some(globs) = globs {
            sources.push(resolve_source(kind, globs, base, problems));
        }
    }
    // Sources may share a folder: a file another source reads is not ignored.
    let taken: BTreeSet<PathBuf> = sources
        .iter()
        .flat_map(|s: &SourceFiles| s.files.iter().cloned())
        .collect();
    for source in &mut sources {
        source.ignored.retain(|f| !taken.contains(&f.path));
    }

    let mut targets = Vec::new();
    for (indicator, written) in &raw.targets {
        if !KNOWN_INDICATORS.contains(&indicator.as_str()) {
            problems.push(format!(
                "Key \"targets.{indicator}\" names no indicator treem computes (known: {}).",
                KNOWN_INDICATORS.join(", ")
            ));
            continue;
        }
        let (expr, judged) = match written {
            raw::RawTarget::Rule(expr) => (expr, None),
            raw::RawTarget::Judged { rule, periods } => (rule, Some(periods)),
        };
        let periods = judged.map(|keys| {
            for key in keys.iter().filter(|k| !raw.periods.iter().any(|p| &&p.key == k)) {
                problems.push(format!(
                    "Key \"targets.{indicator}.periods\" names period \"{key}\", which \"periods\" does not declare."
                ));
            }
            keys.iter().cloned().collect::<BTreeSet<String>>()
        });
        match expr.parse::<TargetRule>() {
            Ok(rule) => targets.push(Target {
                indicator: indicator.clone(),
                rule,
                periods,
            }),
            Err(e) => problems.push(format!("Key \"targets.{indicator}\": {e}")),
        }
    }

    let r = &raw.rules;
    if r.intervention_within_hours == 0 {
        problems.push("Key \"rules.intervention_within_hours\" must be at least 1.".into());
    }
    if r.plan_within_working_days == 0 {
        problems.push("Key \"rules.plan_within_working_days\" must be at least 1.".into());
    }
    for (key, share) in [
        ("source_gap_tolerance", r.source_gap_tolerance),
        ("max_rejected_share", r.max_rejected_share),
    ] {
        if !(0.0..=1.0).contains(&share) {
            problems.push(format!(
                "Key \"rules.{key}\" is {share}: a share between 0 and 1 is expected."
            ));
        }
    }
    let holidays = r
        .holidays
        .iter()
        .filter_map(|d| date_of(d, "rules.holidays", problems))
        .collect();
    if raw.disclosure.min_count < 2 {
        problems.push(format!(
            "Key \"disclosure.min_count\" is {}: at least 2 is needed for any count to be suppressed.",
            raw.disclosure.min_count
        ));
    }

    let mut header_aliases = BTreeMap::new();
    for (table, columns) in &raw.headers {
        let Some(kind) = SourceKind::from_name(table) else {
            problems.push(format!(
                "Key \"headers.{table}\" names no source (known: child_registry, cases, district_reports, fund)."
            ));
            continue;
        };
        for (column, names) in columns {
            if !kind.columns().contains(&column.as_str()) {
                problems.push(format!(
                    "Key \"headers.{table}.{column}\" names no column of {table} (known: {}).",
                    kind.columns().join(", ")
                ));
                continue;
            }
            header_aliases.insert((kind, column.clone()), names.clone());
        }
    }

    let defaults = Limits::default();
    let limits = Limits {
        max_xlsx_inflated_bytes: raw
            .limits
            .max_xlsx_inflated_bytes
            .unwrap_or(defaults.max_xlsx_inflated_bytes),
        max_line_bytes: raw.limits.max_line_bytes.unwrap_or(defaults.max_line_bytes),
        max_cells_per_sheet: raw
            .limits
            .max_cells_per_sheet
            .unwrap_or(defaults.max_cells_per_sheet),
    };
    for (key, value) in [
        ("max_xlsx_inflated_bytes", limits.max_xlsx_inflated_bytes),
        ("max_line_bytes", limits.max_line_bytes),
        ("max_cells_per_sheet", limits.max_cells_per_sheet),
    ] {
        if value == 0 {
            problems.push(format!("Key \"limits.{key}\" is 0: nothing could be read."));
        }
    }

    let monitoring = resolve_monitoring(&raw.monitoring, base, problems);

    Plan {
        file: file.to_path_buf(),
        name: raw.name,
        scope,
        year: raw.year,
        baseline_year: raw.baseline_year,
        org_units,
        unit_lists,
        split_rule,
        reporting_level,
        period_units,
        population,
        periods,
        sources,
        targets,
        rules: Rules {
            intervention_within_hours: r.intervention_within_hours,
            plan_within_working_days: r.plan_within_working_days,
            holidays,
            source_gap_tolerance: r.source_gap_tolerance,
            max_rejected_share: r.max_rejected_share,
            max_unreadable_files: r.max_unreadable_files,
        },
        min_count: raw.disclosure.min_count,
        secret_key_file: raw.privacy.secret_key_file.map(|p| base.join(p)),
        header_aliases,
        limits,
        report: raw.report,
        monitoring,
    }
}

fn resolve_monitoring(
    raw: &raw::RawMonitoring,
    base: &Path,
    problems: &mut Vec<String>,
) -> Monitoring {
    let metrics_file = raw.metrics_file.as_deref().and_then(|value| {
        let path = base.join(value);
        match value.ends_with(".prom") {
            true => Some(path),
            false => {
                problems.push(format!(
                    "Key \"monitoring.metrics_file\" is \"{value}\": the file must end in \".prom\", \
                     the only files node_exporter's textfile collector reads."
                ));
                None
            }
        }
    });
    let timeout = raw
        .on_failure_timeout_seconds
        .unwrap_or(HOOK_TIMEOUT_SECONDS);
    if !(1..=HOOK_TIMEOUT_MAX_SECONDS).contains(&timeout) {
        problems.push(format!(
            "Key \"monitoring.on_failure_timeout_seconds\" is {timeout}: give 1 to \
             {HOOK_TIMEOUT_MAX_SECONDS} seconds."
        ));
    }
    let on_failure = match raw.on_failure.as_deref() {
        None => None,
        Some([]) => {
            problems.push(
                "Key \"monitoring.on_failure\" is empty: give the program, then its arguments."
                    .into(),
            );
            None
        }
        Some([program, args @ ..]) => {
            let program = Path::new(program);
            // `notify-send` is looked up on PATH; `./notify.sh` or `scripts/notify.sh` is
            // the pipeline file's, like every other path in it.
            let program = match program.components().count() > 1 && program.is_relative() {
                true => base.join(program),
                false => program.to_path_buf(),
            };
            Some(Hook {
                program,
                args: args.to_vec(),
                timeout: std::time::Duration::from_secs(timeout),
            })
        }
    };
    Monitoring {
        metrics_file,
        on_failure,
    }
}

/// `org_units` (one list) or `unit_lists` (several, across a reform): the list reported
/// on — the one, or the newest — and the lists, oldest first.
fn resolve_unit_lists(
    raw: &RawPipeline,
    base: &Path,
    problems: &mut Vec<String>,
) -> (PathBuf, Vec<UnitListFile>) {
    match (&raw.org_units, raw.unit_lists.as_slice()) {
        (Some(file), []) => (existing_file(base, "org_units", file, problems), Vec::new()),
        (None, []) => {
            problems.push(
                "Key \"org_units\" is missing: name the list of org units (or several, as \"unit_lists\")."
                    .into(),
            );
            (base.join("org_units.csv"), Vec::new())
        }
        (Some(_), [_, ..]) => {
            problems.push("Keys \"org_units\" and \"unit_lists\" are both given: keep one.".into());
            (base.join("org_units.csv"), Vec::new())
        }
        (None, lists) => {
            let mut files = Vec::new();
            let mut keys = BTreeSet::new();
            for (i, l) in lists.iter().enumerate() {
                let at = format!("unit_lists[{}]", l.key);
                if !keys.insert(l.key.clone()) {
                    problems.push(format!("Key \"unit_lists\" names \"{}\" twice.", l.key));
                }
                let file = existing_file(base, &format!("{at}.file"), &l.file, problems);
                let crosswalk = l
                    .crosswalk
                    .as_ref()
                    .map(|c| existing_file(base, &format!("{at}.crosswalk"), c, problems));
                if i > 0 && crosswalk.is_none() {
                    problems.push(format!(
                        "Key \"{at}.crosswalk\" is missing: a list after the first needs the conversion table from the one before."
                    ));
                }
                let Some(in_force_from) =
                    date_of(&l.in_force_from, &format!("{at}.in_force_from"), problems)
                else {
                    continue;
                };
                if let Some(before) = files.last().map(|f: &UnitListFile| f.in_force_from) {
                    if in_force_from <= before {
                        problems.push(format!(
                            "Key \"{at}.in_force_from\" ({in_force_from}) must come after the list before it ({before}): list them oldest first."
                        ));
                    }
                }
                files.push(UnitListFile {
                    key: l.key.clone(),
                    file,
                    in_force_from,
                    crosswalk,
                });
            }
            let newest = files
                .last()
                .map(|f| f.file.clone())
                .unwrap_or_else(|| base.join("org_units.csv"));
            (newest, files)
        }
    }
}

/// Exactly one of `province` and `provinces`; every code a GSO code (digits).
fn resolve_scope(
    province: Option<&str>,
    provinces: Option<&RawProvinces>,
    problems: &mut Vec<String>,
) -> Scope {
    let is_code = |code: &str| !code.is_empty() && code.chars().all(|c| c.is_ascii_digit());
    match (province, provinces) {
        (Some(code), None) => {
            if !is_code(code) {
                problems.push(format!(
                    "Key \"province\" is \"{code}\": give the province's GSO code, such as \"64\"."
                ));
            }
            Scope::Province(code.to_string())
        }
        (None, Some(RawProvinces::Keyword(word))) => {
            if word != "all" {
                problems.push(format!(
                    "Key \"provinces\" is \"{word}\": give a list of GSO codes, such as [\"64\", \"01\"], or \"all\"."
                ));
            }
            Scope::AllProvinces
        }
        (None, Some(RawProvinces::List(codes))) => {
            if codes.is_empty() {
                problems.push(
                    "Key \"provinces\" is empty: give at least one GSO code, or \"all\".".into(),
                );
            }
            let mut seen = BTreeSet::new();
            for code in codes {
                if !is_code(code) {
                    problems.push(format!(
                        "Key \"provinces\" holds \"{code}\": give GSO codes, such as \"64\"."
                    ));
                } else if !seen.insert(code.as_str()) {
                    problems.push(format!("Key \"provinces\" names \"{code}\" twice."));
                }
            }
            Scope::Provinces(codes.clone())
        }
        (Some(_), Some(_)) => {
            problems.push(
                "Keys \"province\" and \"provinces\" are both given: keep one (\"province\" for one province, \"provinces\" for several or \"all\")."
                    .into(),
            );
            Scope::AllProvinces
        }
        (None, None) => {
            problems.push(
                "Key \"province\" is missing: give the province's GSO code (province = \"64\"), or several (provinces = [\"64\", \"01\"] or \"all\")."
                    .into(),
            );
            Scope::AllProvinces
        }
    }
}

fn existing_file(base: &Path, key: &str, value: &str, problems: &mut Vec<String>) -> PathBuf {
    let path = base.join(value);
    if !path.is_file() {
        problems.push(format!(
            "Key \"{key}\": file \"{}\" does not exist.",
            path.display()
        ));
    }
    path
}

fn date_of(value: &Datetime, key: &str, problems: &mut Vec<String>) -> Option<NaiveDate> {
    let date = match (value.date, value.time) {
        (Some(d), None) => {
            NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        }
        _ => None,
    };
    if date.is_none() {
        problems.push(format!(
            "Key \"{key}\" is {value}: a plain date such as 2021-05-25 is expected."
        ));
    }
    date
}

fn resolve_periods(raw: &[raw::RawPeriod], problems: &mut Vec<String>) -> Vec<Period> {
    if raw.is_empty() {
        problems.push("Key \"periods\" is empty: declare at least one period.".into());
    }
    let mut seen = BTreeSet::new();
    let mut periods = Vec::new();
    for p in raw {
        if !seen.insert(p.key.clone()) {
            problems.push(format!("Period \"{}\" is declared twice.", p.key));
        }
        let key = format!("periods[{}]", p.key);
        let (Some(from), Some(to), Some(report_deadline)) = (
            date_of(&p.from, &format!("{key}.from"), problems),
            date_of(&p.to, &format!("{key}.to"), problems),
            date_of(
                &p.report_deadline,
                &format!("{key}.report_deadline"),
                problems,
            ),
        ) else {
            continue;
        };
        if to < from {
            problems.push(format!(
                "Period \"{}\" ends ({to}) before it starts ({from}).",
                p.key
            ));
            continue;
        }
        periods.push(Period {
            key: p.key.clone(),
            from,
            to,
            report_deadline,
        });
    }
    periods
}

fn resolve_source(
    kind: SourceKind,
    globs: &Globs,
    base: &Path,
    problems: &mut Vec<String>,
) -> SourceFiles {
    let mut files = BTreeSet::new();
    let mut patterns = Vec::new();
    let mut under = BTreeSet::new();
    for pattern in globs.patterns() {
        patterns.push(pattern.to_string());
        let full = base.join(pattern);
        let root = glob_root(&full);
        let exists = if root == full {
            root.is_file()
        } else {
            root.is_dir()
        };
        if !exists {
            problems.push(format!(
                "Key \"sources.{}\": \"{}\" does not exist.",
                kind.name(),
                root.display()
            ));
            continue;
        }
        // Matched without regard to case, as Windows names files (`BAOCAO.XLSX`); `*`
        // stays within one folder, `**` crosses folders.
        let matcher = match globset::GlobBuilder::new(&full.to_string_lossy())
            .case_insensitive(true)
            .literal_separator(true)
            .build()
        {
            Ok(glob) => glob.compile_matcher(),
            Err(e) => {
                problems.push(format!(
                    "Key \"sources.{}\": pattern \"{pattern}\" is not a valid glob: {e}.",
                    kind.name()
                ));
                continue;
            }
        };
        for entry in walkdir::WalkDir::new(&root)
            .follow_links(true)
            .sort_by_file_name()
        {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let path = e.into_path();
                    if matcher.is_match(&path) && !is_office_clutter(&path) {
                        files.insert(path);
                    } else {
                        under.insert(path);
                    }
                }
                Ok(_) => {}
                Err(e) => problems.push(format!(
                    "Key \"sources.{}\": cannot read \"{}\": {e}.",
                    kind.name(),
                    e.path().unwrap_or(&root).display(),
                )),
            }
        }
    }
    let ignored = under
        .into_iter()
        .filter(|p| !files.contains(p))
        .map(|path| {
            let reason = why_ignored(&path, &patterns);
            let readable_format = !is_office_clutter(&path) && readable_extension(&path);
            IgnoredFile {
                path,
                reason,
                readable_format,
            }
        })
        .collect();
    SourceFiles {
        kind,
        patterns,
        files: files.into_iter().collect(),
        ignored,
    }
}

fn readable_extension(path: &Path) -> bool {
    path.extension().is_some_and(|e| {
        READABLE_EXTENSIONS.contains(&e.to_string_lossy().to_ascii_lowercase().as_str())
    })
}

/// Why a file under a source's folder is not read, in words an officer can act on.
fn why_ignored(path: &Path, patterns: &[String]) -> String {
    if is_office_clutter(path) {
        return "An Excel lock file or a hidden file.".to_string();
    }
    let quoted = patterns
        .iter()
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if READABLE_EXTENSIONS.contains(&ext.as_str()) {
        format!(
            "No pattern of the source takes it ({quoted}), although treem reads .{ext} files: \
             add a pattern for it, or move it out of the folder."
        )
    } else if ext.is_empty() {
        format!("No pattern of the source takes it ({quoted}).")
    } else {
        format!("No pattern of the source takes it ({quoted}); treem does not read .{ext} files.")
    }
}

/// The folder a glob starts from: its path up to the first component with a wildcard.
fn glob_root(pattern: &Path) -> PathBuf {
    let mut root = PathBuf::new();
    for part in pattern.components() {
        let s = part.as_os_str().to_string_lossy();
        if s.contains(['*', '?', '[']) {
            break;
        }
        root.push(part);
    }
    root
}

/// Lock files Excel leaves beside an open workbook (`~$name.xlsx`) and hidden files.
fn is_office_clutter(path: &Path) -> bool {
    path.file_name()
        .map(|n| {
            let n = n.to_string_lossy();
            n.starts_with("~$") || n.starts_with('.')
        })
        .unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope_of(province: Option<&str>, provinces: Option<RawProvinces>) -> (Scope, Vec<String>) {
        let mut problems = Vec::new();
        let scope = resolve_scope(province, provinces.as_ref(), &mut problems);
        (scope, problems)
    }

    #[test]
    fn one_province_a_list_or_all() {
        assert_eq!(
            scope_of(Some("64"), None),
            (Scope::Province("64".into()), vec![])
        );
        let list = RawProvinces::List(vec!["64".into(), "01".into()]);
        assert_eq!(
            scope_of(None, Some(list)),
            (Scope::Provinces(vec!["64".into(), "01".into()]), vec![])
        );
        let all = RawProvinces::Keyword("all".into());
        assert_eq!(scope_of(None, Some(all)), (Scope::AllProvinces, vec![]));
    }

    #[test]
    fn a_scope_needs_exactly_one_key_and_gso_codes() {
        let (_, both) = scope_of(Some("64"), Some(RawProvinces::Keyword("all".into())));
        assert!(both[0].contains("both given"), "{both:?}");
        let (_, neither) = scope_of(None, None);
        assert!(neither[0].contains("is missing"), "{neither:?}");
        let (_, word) = scope_of(None, Some(RawProvinces::Keyword("every".into())));
        assert!(word[0].contains("\"every\""), "{word:?}");
        let bad = RawProvinces::List(vec!["64".into(), "Hà Nội".into(), "64".into()]);
        let (_, list) = scope_of(None, Some(bad));
        assert_eq!(
            list,
            [
                "Key \"provinces\" holds \"Hà Nội\": give GSO codes, such as \"64\".",
                "Key \"provinces\" names \"64\" twice.",
            ]
        );
        let (_, empty) = scope_of(None, Some(RawProvinces::List(vec![])));
        assert!(empty[0].contains("is empty"), "{empty:?}");
    }

    #[test]
    fn glob_root_stops_at_the_first_wildcard() {
        assert_eq!(glob_root(Path::new("a/b/*/c*.csv")), PathBuf::from("a/b"));
        assert_eq!(
            glob_root(Path::new("a/b/x.csv")),
            PathBuf::from("a/b/x.csv")
        );
    }

    const REPO: &str = env!("CARGO_MANIFEST_DIR");

    #[test]
    fn the_2026_pipeline_has_two_lists_and_reports_on_communes() {
        let plan = load(&Path::new(REPO).join("pipelines/gia_lai_2026.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let keys: Vec<&str> = plan.unit_lists.iter().map(|l| l.key.as_str()).collect();
        assert_eq!(keys, ["2024", "2025"]);
        assert!(plan.unit_lists[0].crosswalk.is_none());
        assert!(plan.unit_lists[1].crosswalk.is_some());
        assert_eq!(
            plan.org_units, plan.unit_lists[1].file,
            "reported on the newest"
        );
        assert_eq!(plan.reporting_level, LEVEL_COMMUNE);
        assert_eq!(plan.split_rule, SplitRule::KeptCode);
        // A period's reports are in the list in force on its last day.
        let list_of = |key: &str| {
            let period = plan.periods.iter().find(|p| p.key == key).unwrap();
            plan.period_list(period).to_string()
        };
        assert_eq!(
            (list_of("2024"), list_of("2026")),
            ("2024".into(), "2025".into())
        );
        let lists = plan.load_unit_lists().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(lists.latest().units.communes_of_province("52").len(), 135);
        // The province's rows of the conversion table: 376 rows, 373 old communes.
        assert_eq!(lists.to_newest("2024").map(|t| t.height()), Some(373));
    }

    #[test]
    fn every_problem_of_the_unit_lists_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let text = std::fs::read_to_string(Path::new(REPO).join("pipelines/gia_lai_2026.toml"))
            .unwrap()
            .replace("../", &format!("{REPO}/"))
            .replace("in_force_from = 2025-07-01", "in_force_from = 2024-07-01")
            .replace("crosswalk = \"", "# crosswalk = \"")
            .replace("split_rule = \"kept_code\"", "split_rule = \"largest\"")
            .replace(
                "reporting_level = \"commune\"",
                "reporting_level = \"ward\"",
            )
            .replace(
                "{ key = \"2024\",",
                "{ key = \"2024\", org_units = \"2023\",",
            );
        let path = dir.path().join("p.toml");
        std::fs::write(&path, text).unwrap();
        let err = load(&path).unwrap_err();
        let problems = err.problems.join("\n");
        for expected in [
            "Key \"unit_lists[2025].in_force_from\" (2024-07-01) must come after the list before it (2024-11-01)",
            "Key \"unit_lists[2025].crosswalk\" is missing",
            "Key \"crosswalk.split_rule\" is \"largest\": use one of kept_code, first_listed.",
            "Key \"reporting_level\" is \"ward\"",
            "Period \"2024\": \"org_units\" names \"2023\", which is no key of \"unit_lists\".",
        ] {
            assert!(problems.contains(expected), "{expected}\n---\n{problems}");
        }
        assert_eq!(err.problems.len(), 5, "{problems}");
    }

    #[test]
    fn excel_lock_files_are_not_sources() {
        assert!(is_office_clutter(Path::new("x/~$report.xlsx")));
        assert!(!is_office_clutter(Path::new("x/report.xlsx")));
    }
}
