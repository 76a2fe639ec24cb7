//! The indicators step: every indicator of the plan × period × org unit (the province and
//! each of its districts; with several provinces, the country, each province and each
//! district) × breakdown, in one long table with its baseline, change and target
//! (`indicators/indicators.parquet`, DESIGN.md "Indicators").
//!
//! Each family of indicators (`registry.rs`, `cases.rs`; district reports and the fund join
//! the same way) is a [`Family`]: a function from the clean tables and a period's window to
//! LazyFrames of the row shape below, built with [`Rows`] so that every indicator reads as
//! one method chain. [`assemble`] stacks them and joins each row to its baseline, the same
//! row computed over the window shifted back to the baseline year; targets are attached
//! last, with [`TargetRule::is_met`](crate::config::TargetRule::is_met), the one definition
//! of "met". The indicators of a window are lazy and collected together, once for each
//! distinct window (a period's own window is often another period's baseline); what many
//! of them read is worked out before, once: the org units in scope and their populations
//! when the [`Context`] is made, and a family's rows in a window ([`Context::source`]),
//! read into memory and stacked under every level for all the indicators built on them.
//!
//! Two rules shape the helpers. Values above a district are computed from the rows (a child
//! with cases in two districts is one child of the province), never from district ratios:
//! rows are stacked once under their district, once under its province (org_units'
//! parent_code) and once under the country when there is one, then grouped. And
//! every district appears for every indicator and breakdown, with a true 0 where nothing
//! happened, because charts and disclosure control need the zeros; a window in which the
//! source holds no data at all (no snapshot, no case) gives no rows, so its baseline is null
//! rather than a false 0.

pub mod calendar;
pub mod cases;
pub mod distance;
pub mod fund;
pub mod registry;
pub mod reports;
pub mod scorecard;

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{Datelike, Months, NaiveDate};
use polars::prelude::*;

use crate::columns::{self as c, COUNTRY, LEVEL_COMMUNE, LEVEL_COUNTRY, LEVEL_PROVINCE};
use crate::config::{Period, Plan, Rules, Scope};
use crate::error::Error;
use crate::ingest::frames;
use crate::reference::{crosswalk, Level};
use crate::sources::SourceKind;
use crate::store::layout::{swap_in, Layout};
use crate::store::parquet::{scan_parquet_file, scan_partitioned};

/// The columns of a computed row, in order; [`assemble`] adds baseline and change, the
/// targets add target and target_met.
pub const ROW_COLUMNS: [&str; 9] = [
    c::INDICATOR,
    c::PERIOD,
    c::ORG_UNIT,
    c::LEVEL,
    c::BREAKDOWN,
    c::NUMERATOR,
    c::DENOMINATOR,
    c::VALUE,
    c::UNIT,
];

/// The columns that name a row: one value per indicator × period × org unit × breakdown.
const KEY_COLUMNS: [&str; 5] = [c::INDICATOR, c::PERIOD, c::ORG_UNIT, c::LEVEL, c::BREAKDOWN];

/// A working column: the province a district belongs to.
const PROVINCE_CODE: &str = "__province_code";

/// A family of indicators: its rows for one window.
pub type Family = fn(&Context, &Window) -> PolarsResult<Vec<LazyFrame>>;

/// Every family the step computes. A new one is a file beside this one and a line here.
pub const FAMILIES: &[Family] = &[registry::rows, cases::rows, reports::rows, fund::rows];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Ratio,
    Count,
    Per100k,
    Vnd,
    Days,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Ratio => "ratio",
            Unit::Count => "count",
            Unit::Per100k => "per_100k",
            Unit::Vnd => "vnd",
            Unit::Days => "days",
        }
    }
}

/// The data window of a period, labelled with the period's key. A baseline window keeps the
/// key of the period it is the baseline of, so its rows join back to that period's rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Window {
    pub fn of(period: &Period) -> Self {
        Window {
            period: period.key.clone(),
            from: period.from,
            to: period.to,
        }
    }

    /// The same window `years` earlier (29 February becomes the 28th).
    pub fn shifted_back(&self, years: u32) -> Option<Self> {
        Some(Window {
            period: self.period.clone(),
            from: self.from.checked_sub_months(Months::new(12 * years))?,
            to: self.to.checked_sub_months(Months::new(12 * years))?,
        })
    }

    /// The year the window ends in: rates per 100,000 use that year's population.
    pub fn year(&self) -> i32 {
        self.to.year()
    }

    /// `column` (a date) lies in the window, both ends included.
    pub fn covers(&self, column: &str) -> Expr {
        col(column)
            .gt_eq(lit(self.from))
            .and(col(column).lt_eq(lit(self.to)))
    }
}

/// The clean tables, scanned lazily.
pub struct Tables {
    pub registry: LazyFrame,
    /// The registry counted at ingestion (`registry_counts`), when the clean tables have it.
    pub registry_counts: Option<LazyFrame>,
    pub cases: LazyFrame,
    /// Every version of every district report (`district_reports`).
    pub district_reports: LazyFrame,
    pub fund: LazyFrame,
    pub org_units: LazyFrame,
    pub population: LazyFrame,
}

impl Tables {
    /// Scans `ingested/`. A partitioned table with no part (a source with no clean row) is
    /// an empty frame of the table's schema; a missing reference table is an error.
    pub fn scan(ingested: &Path) -> Result<Self, Error> {
        let context = |what: &str| format!("scanning the clean table {what}");
        let registry = match scan_partitioned(&ingested.join("registry")) {
            Some(lf) => lf,
            None => frames::registry(&[]).map(IntoLazy::lazy),
        }
        .map_err(|e| Error::polars(&context("registry"), e))?;
        let cases = match scan_partitioned(&ingested.join("cases")) {
            Some(lf) => lf,
            None => frames::cases(&[]).map(IntoLazy::lazy),
        }
        .map_err(|e| Error::polars(&context("cases"), e))?;
        let district_reports = match scan_partitioned(&ingested.join("district_reports")) {
            Some(lf) => lf,
            None => frames::district_reports(&[]).map(IntoLazy::lazy),
        }
        .map_err(|e| Error::polars(&context("district_reports"), e))?;
        let fund = match scan_partitioned(&ingested.join("fund")) {
            Some(lf) => lf,
            None => frames::fund(&[]).map(IntoLazy::lazy),
        }
        .map_err(|e| Error::polars(&context("fund"), e))?;
        let reference = |name: &str| -> Result<LazyFrame, Error> {
            let path = ingested.join(format!("{name}.parquet"));
            if !path.is_file() {
                return Err(Error::Usage(format!(
                    "There is no clean table \"{}\": run the ingest step first (`treem run`).",
                    path.display()
                )));
            }
            scan_parquet_file(&path).map_err(|e| Error::polars(&context(name), e))
        };
        let registry_counts = scan_partitioned(&ingested.join("registry_counts"))
            .transpose()
            .map_err(|e| Error::polars(&context("registry_counts"), e))?;
        Ok(Tables {
            registry,
            registry_counts,
            cases,
            district_reports,
            fund,
            org_units: reference("org_units")?,
            population: reference("population")?,
        })
    }
}

impl Tables {
    /// Every table read into memory once, but the registry's rows (only its counts are
    /// read): an indicator table is a hundred queries, and each scanning a folder of
    /// Parquet parts again would spend its time opening files. The rest is small — a
    /// national year has some 40,000 cases.
    /// With `by_commune` (a pipeline reporting on the communes of the 2025 units) the
    /// registry is counted by commune from its rows: the tally ingestion writes is by
    /// district, which a commune cannot be taken from.
    pub fn in_memory(&self, by_commune: bool) -> PolarsResult<(Tables, LazyFrame)> {
        let read = |lf: &LazyFrame| lf.clone().collect().map(IntoLazy::lazy);
        let counts = match &self.registry_counts {
            _ if by_commune => registry::counts_by_commune(&self.registry)?,
            Some(counted) => counted
                .clone()
                .select(registry::count_columns())
                .collect()?,
            None => registry::counts(&self.registry)?,
        };
        let counts = counts.lazy();
        let tables = Tables {
            registry: self.registry.clone(),
            registry_counts: Some(counts.clone()),
            cases: read(&self.cases)?,
            district_reports: read(&self.district_reports)?,
            fund: read(&self.fund)?,
            org_units: read(&self.org_units)?,
            population: read(&self.population)?,
        };
        Ok((tables, counts))
    }
}

/// What every family needs: the tables, the provinces in scope, the plan's rules and the
/// sources it declares.
pub struct Context<'a> {
    pub tables: &'a Tables,
    pub scope: &'a Scope,
    pub rules: &'a Rules,
    /// The plan's periods: district reports are filed per period, not per window.
    pub periods: &'a [Period],
    /// The sources the plan declares: a family whose source is not declared gives no rows
    /// (a pipeline without district reports has no reporting completeness of 0 %).
    pub declared: BTreeSet<SourceKind>,
    /// The registry counted once (`registry::counts`): what every registry indicator reads.
    pub registry_counts: LazyFrame,
    /// The org units in scope and their populations, worked out once (see [`InScope`]).
    in_scope: InScope,
    /// Across a reform: how rows of earlier lists reach the units reported on.
    reform: Option<Reform>,
    /// The periods whose report forms are in the units reported on.
    report_periods: BTreeSet<String>,
}

/// A window whose rows crossed the reform: the org units that received allocated rows of
/// split communes, and the former provinces its rows of earlier lists came from.
#[derive(Clone)]
struct Crossed {
    from: NaiveDate,
    to: NaiveDate,
    inexact: DataFrame,
    present: BTreeSet<String>,
}

/// The province of a commune of a list with districts (or without).
fn province_of(
    units: &crate::reference::OrgUnits,
    commune: &crate::reference::OrgUnit,
) -> Option<String> {
    let parent = units.get(commune.parent_code.as_deref()?)?;
    match parent.level {
        Level::Province => Some(parent.code.clone()),
        _ => parent.parent_code.clone(),
    }
}

/// A pipeline across a reform that reports on communes: rows dated under an earlier list
/// of org units are taken to the newest list's communes by joining the crosswalk
/// (`reference::crosswalk`), and the windows where that happened are remembered, with the
/// units that received allocated rows of split communes, for the `comparable` column.
struct Reform {
    /// The first day of the newest list.
    newest_from: NaiveDate,
    /// Each earlier list: (first day, first day of the next list, its crosswalk).
    earlier: Vec<(NaiveDate, NaiveDate, DataFrame)>,
    /// Windows (from, to) whose rows crossed the reform, and the org units of each that
    /// hold allocated rows.
    crossed: std::sync::Mutex<Vec<Crossed>>,
    split_rule: &'static str,
    /// The former province of each commune of the earlier lists.
    old_province_of: std::collections::HashMap<String, String>,
    /// Each new province and the former provinces its communes came from.
    feeds: std::collections::BTreeMap<String, BTreeSet<String>>,
    /// The former provinces' names ("Bình Định"), for the note of a missing one.
    old_names: std::collections::HashMap<String, String>,
    /// The communes of the newest list (commune_code).
    newest_communes: DataFrame,
    /// Codes of earlier lists that reach no commune of the newest list through the
    /// crosswalk: their rows are left out, and the step says so.
    unplaced: std::sync::Mutex<BTreeSet<String>>,
    /// The new communes that received part of a split commune (district_code): inexact
    /// in any window whose rows crossed the reform, even if no row was allocated to them.
    touched: DataFrame,
}

impl Reform {
    /// The reform of `plan`, when it reports on communes across several lists.
    fn of(plan: &Plan) -> PolarsResult<Option<Self>> {
        if plan.unit_lists.len() < 2 || plan.reporting_level != LEVEL_COMMUNE {
            return Ok(None);
        }
        let lists = plan
            .load_unit_lists()
            .map_err(|e| polars_err!(ComputeError: "{e}"))?;
        let all: Vec<_> = lists.iter().collect();
        let mut earlier = Vec::new();
        let mut touched = Vec::new();
        for pair in all.windows(2) {
            touched.extend(lists.touched(&pair[0].key).iter().cloned());
            let table = lists.to_newest(&pair[0].key).cloned().ok_or_else(
                || polars_err!(ComputeError: "no crosswalk from the list \"{}\"", pair[0].key),
            )?;
            earlier.push((pair[0].in_force_from, pair[1].in_force_from, table));
        }
        // Which former provinces each new one is made of: earlier communes, through the
        // crosswalk, to the new communes' provinces.
        let newest = &lists.latest().units;
        let mut old_province_of = std::collections::HashMap::new();
        let mut feeds: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
        let mut old_names = std::collections::HashMap::new();
        for list in all.iter().take(all.len().saturating_sub(1)) {
            for province in list.units.iter().filter(|u| u.level == Level::Province) {
                old_names.insert(province.code.clone(), province.name.clone());
            }
            for commune in list.units.iter().filter(|u| u.level == Level::Commune) {
                let Some(province) = province_of(&list.units, commune) else {
                    continue;
                };
                old_province_of.insert(commune.code.clone(), province.clone());
                let new_province = lists
                    .newest_commune(&list.key, &commune.code)
                    .and_then(|(new, _)| newest.get_at(new, Level::Commune))
                    .and_then(|u| u.parent_code.clone());
                if let Some(new_province) = new_province {
                    feeds.entry(new_province).or_default().insert(province);
                }
            }
        }
        Ok(Some(Reform {
            newest_from: lists.latest().in_force_from,
            earlier,
            old_province_of,
            feeds,
            old_names,
            newest_communes: df!(c::COMMUNE_CODE => newest
                .iter()
                .filter(|u| u.level == Level::Commune)
                .map(|u| u.code.clone())
                .collect::<Vec<_>>())?,
            unplaced: Default::default(),
            crossed: Default::default(),
            split_rule: plan.split_rule.name(),
            touched: df!(c::DISTRICT_CODE => touched)?,
        }))
    }

    /// `rows` with `district_code` set to the newest list's commune of each row and an
    /// `exact` column; whether any row came from an earlier list. A row's list is the one
    /// in force on its date (a snapshot's, the day a case occurred); rows with no commune
    /// (report forms) keep their unit as it is.
    fn place(&self, rows: DataFrame) -> PolarsResult<(DataFrame, Option<BTreeSet<String>>)> {
        let names: Vec<&str> = rows
            .get_column_names()
            .into_iter()
            .map(|n| n.as_str())
            .collect();
        if !names.contains(&c::COMMUNE_CODE) {
            return Ok((rows, None));
        }
        let Some(date) = [c::SNAPSHOT_DATE, c::OCCURRED_ON]
            .into_iter()
            .find(|d| names.contains(d))
        else {
            return Ok((rows, None));
        };
        // The former provinces the rows of earlier lists come from (a few thousand
        // codes at most, looked up once each).
        let old_codes = rows
            .clone()
            .lazy()
            .filter(col(date).lt(lit(self.newest_from)))
            .select([col(c::COMMUNE_CODE).cast(DataType::String)])
            .unique(None, UniqueKeepStrategy::First)
            .collect()?;
        let codes = old_codes.column(c::COMMUNE_CODE)?.str()?.clone();
        let present: BTreeSet<String> = (0..old_codes.height())
            .filter_map(|i| codes.get(i))
            .filter_map(|code| self.old_province_of.get(code).cloned())
            .collect();
        let lf = rows.lazy();
        let mut parts = vec![lf
            .clone()
            .filter(col(date).gt_eq(lit(self.newest_from)))
            .with_column(lit(true).alias(crosswalk::EXACT))];
        for (i, (from, until, table)) in self.earlier.iter().enumerate() {
            // Rows older than the oldest list are read in it.
            let since = match i {
                0 => col(date).is_not_null(),
                _ => col(date).gt_eq(lit(*from)),
            };
            let dated = lf.clone().filter(since.and(col(date).lt(lit(*until))));
            parts.push(crosswalk::to_newest(dated, c::COMMUNE_CODE, table));
        }
        let placed = concat(parts, UnionArgs::default())?
            .with_column(col(c::COMMUNE_CODE).alias(c::DISTRICT_CODE))
            .collect()?;
        let crossed = old_codes.height() > 0;
        if crossed {
            let unknown = placed
                .clone()
                .lazy()
                .filter(col(date).lt(lit(self.newest_from)))
                .select([col(c::COMMUNE_CODE).cast(DataType::String)])
                .join(
                    self.newest_communes.clone().lazy(),
                    [col(c::COMMUNE_CODE)],
                    [col(c::COMMUNE_CODE)],
                    JoinArgs::new(JoinType::Anti),
                )
                .unique(None, UniqueKeepStrategy::First)
                .collect()?;
            let codes = unknown.column(c::COMMUNE_CODE)?.str()?.clone();
            if let Ok(mut unplaced) = self.unplaced.lock() {
                unplaced
                    .extend((0..unknown.height()).filter_map(|i| codes.get(i).map(String::from)));
            }
        }
        Ok((placed, crossed.then_some(present)))
    }

    /// Remembers that `window`'s rows crossed the reform, where they were allocated and
    /// which former provinces they came from.
    fn note(&self, window: &Window, inexact: &DataFrame, present: &BTreeSet<String>) {
        if let Ok(mut crossed) = self.crossed.lock() {
            crossed.push(Crossed {
                from: window.from,
                to: window.to,
                inexact: inexact.clone(),
                present: present.clone(),
            });
        }
    }

    /// For each period whose baseline window crossed the reform: (period, org_unit,
    /// `__inexact`) of every unit, true where allocated rows of split communes reached it.
    fn baseline_marks(&self, baselines: &[Window]) -> PolarsResult<Option<LazyFrame>> {
        let crossed = match self.crossed.lock() {
            Ok(c) => c.clone(),
            Err(_) => return Ok(None),
        };
        let mut frames = Vec::new();
        for w in baselines {
            let hits: Vec<&Crossed> = crossed
                .iter()
                .filter(|x| x.from == w.from && x.to == w.to)
                .collect();
            if hits.is_empty() {
                continue;
            }
            let mut units = vec![df!(c::ORG_UNIT => Vec::<String>::new())?.lazy()];
            units.extend(hits.iter().map(|x| x.inexact.clone().lazy()));
            frames.push(
                concat(units, UnionArgs::default())?
                    .unique(None, UniqueKeepStrategy::First)
                    .with_columns([
                        lit(w.period.as_str()).alias(c::PERIOD),
                        lit(true).alias("__inexact"),
                        lit(NULL).cast(DataType::String).alias("__missing"),
                    ]),
            );
            // A new province whose baseline has no row at all of a former province it was
            // made of (a file not sent, a province left out): its baseline covers part of it.
            let present: BTreeSet<&String> = hits.iter().flat_map(|x| &x.present).collect();
            for (province, olds) in &self.feeds {
                let missing: Vec<String> = olds
                    .iter()
                    .filter(|o| !present.contains(o))
                    .map(|o| match self.old_names.get(o) {
                        Some(name) => format!("{o} ({name})"),
                        None => o.clone(),
                    })
                    .collect();
                if !missing.is_empty() {
                    frames.push(
                        df!(c::ORG_UNIT => [province.as_str()])?
                            .lazy()
                            .with_columns([
                                lit(w.period.as_str()).alias(c::PERIOD),
                                lit(true).alias("__inexact"),
                                lit(missing.join(", ")).alias("__missing"),
                            ]),
                    );
                }
            }
            // The period crossed the reform even where nothing was allocated.
            frames.push(df!(c::ORG_UNIT => [None::<String>])?.lazy().with_columns([
                lit(w.period.as_str()).alias(c::PERIOD),
                lit(false).alias("__inexact"),
                lit(NULL).cast(DataType::String).alias("__missing"),
            ]));
        }
        if frames.is_empty() {
            return Ok(None);
        }
        Ok(Some(concat(frames, UnionArgs::default())?))
    }
}

/// What every indicator reads of the org units and the population, worked out once when
/// the context is made. Derived per indicator, they were most of the step's work on the
/// national data: each of some fifty indicators filtered the 11,000 org units by level
/// (a string comparison) and joined districts to provinces again, several times over.
struct InScope {
    /// Every district of the provinces in scope with its province (district_code,
    /// province_code): the path a row takes up the levels.
    district_provinces: DataFrame,
    /// The units every indicator shows (org_unit, level): the country when the scope has
    /// several provinces, each province, each district.
    units: DataFrame,
    /// Children under 16 (year, org_unit, level, children_under_16) of every unit shown,
    /// every year of the population table: a district's, and their sums for its province
    /// and the country.
    population: DataFrame,
    /// The level of the units below the province.
    child_level: &'static str,
}

impl<'a> Context<'a> {
    /// The context of `plan` over `tables` (already in memory, [`Tables::in_memory`]).
    pub fn new(
        plan: &'a Plan,
        tables: &'a Tables,
        registry_counts: LazyFrame,
    ) -> PolarsResult<Self> {
        let provinces = provinces_in(&plan.scope, &tables.org_units)?;
        // The units below the province: districts, or the communes of the 2025 units,
        // whose parent is their province as a district's is. Working columns keep the
        // district's names for both.
        let child_level = plan.reporting_level;
        let district_provinces = tables
            .org_units
            .clone()
            .filter(col(c::LEVEL).eq(lit(child_level)))
            .select([
                col(c::CODE).alias(c::DISTRICT_CODE),
                col(c::PARENT_CODE).alias(PROVINCE_CODE),
            ])
            .join(
                provinces
                    .clone()
                    .select([col(c::ORG_UNIT).alias(PROVINCE_CODE)]),
                [col(PROVINCE_CODE)],
                [col(PROVINCE_CODE)],
                JoinArgs::new(JoinType::Inner),
            )
            .collect()?;
        let mut units = Vec::new();
        if plan.scope.has_country() {
            units.push(df!(c::ORG_UNIT => [COUNTRY], c::LEVEL => [LEVEL_COUNTRY])?.lazy());
        }
        units.push(provinces);
        units.push(districts_of(&district_provinces, child_level));
        let units = concat(units, UnionArgs::default())?.collect()?;
        let population = stacked_at_levels(
            tables.population.clone(),
            &district_provinces,
            plan.scope.has_country(),
            child_level,
        )?
        .group_by([col(c::YEAR), col(c::ORG_UNIT), col(c::LEVEL)])
        .agg([col(c::CHILDREN_UNDER_16).sum()])
        .collect()?;
        Ok(Context {
            tables,
            scope: &plan.scope,
            rules: &plan.rules,
            periods: &plan.periods,
            declared: plan.sources.iter().map(|s| s.kind).collect(),
            registry_counts,
            in_scope: InScope {
                district_provinces,
                units,
                population,
                child_level,
            },
            reform: Reform::of(plan)?,
            report_periods: plan
                .periods
                .iter()
                .filter(|p| {
                    plan.unit_lists.is_empty()
                        || plan.unit_lists.last().map(|l| l.key.as_str())
                            == Some(plan.period_list(p))
                })
                .map(|p| p.key.clone())
                .collect(),
        })
    }

    /// The level of the units below the province: district, or commune.
    pub fn child_level(&self) -> &'static str {
        self.in_scope.child_level
    }

    /// Whether `period`'s report forms are written in the units reported on: always with
    /// one list; across a reform, when the period's list is the newest.
    pub fn reports_in_reported_units(&self, period: &Period) -> bool {
        self.report_periods.contains(&period.key)
    }

    pub fn declares(&self, kind: SourceKind) -> bool {
        self.declared.contains(&kind)
    }

    /// The districts of the provinces in scope (org_unit, level).
    pub fn districts(&self) -> LazyFrame {
        districts_of(&self.in_scope.district_provinces, self.in_scope.child_level)
    }

    /// Children under 16 by org unit (org_unit, level, children_under_16) in `year`: each
    /// district in scope, and their sums for its province and the country.
    pub fn population(&self, year: i32) -> LazyFrame {
        self.in_scope
            .population
            .clone()
            .lazy()
            .filter(col(c::YEAR).eq(lit(year)))
            .select([col(c::ORG_UNIT), col(c::LEVEL), col(c::CHILDREN_UNDER_16)])
    }

    /// A source's rows in a window (`rows`, already cut to it), read into memory once and
    /// stacked under every level, for all the indicators built on them.
    pub fn source(&self, rows: LazyFrame) -> PolarsResult<Source> {
        let rows = rows.collect()?;
        let covered = rows.height() > 0;
        let (rows, present) = match &self.reform {
            Some(reform) => reform.place(rows)?,
            None => (rows, None),
        };
        let crossed = present.is_some();
        let stacked = stacked_at_levels(
            rows.lazy(),
            &self.in_scope.district_provinces,
            self.scope.has_country(),
            self.in_scope.child_level,
        )?
        .collect()?;
        let inexact = match (crossed, &self.reform) {
            (true, Some(reform)) => {
                let touched = stacked_at_levels(
                    reform.touched.clone().lazy(),
                    &self.in_scope.district_provinces,
                    self.scope.has_country(),
                    self.in_scope.child_level,
                )?
                .select([col(c::ORG_UNIT)]);
                let allocated = stacked
                    .clone()
                    .lazy()
                    .filter(col(crosswalk::EXACT).not())
                    .select([col(c::ORG_UNIT)]);
                Some(
                    concat([allocated, touched], UnionArgs::default())?
                        .unique(None, UniqueKeepStrategy::First)
                        .collect()?,
                )
            }
            _ => None,
        };
        Ok(Source {
            covered,
            stacked,
            inexact,
            present: present.unwrap_or_default(),
        })
    }

    /// The rows of `source` as the start of an indicator.
    pub fn rows<'s>(&'s self, window: &'s Window, source: &'s Source) -> Rows<'s> {
        if let (Some(reform), Some(inexact)) = (&self.reform, &source.inexact) {
            reform.note(window, inexact, &source.present);
        }
        Rows {
            ctx: self,
            window,
            source,
            subset: None,
            breakdowns: Vec::new(),
        }
    }
}

/// The provinces in scope (org_unit, level): those named in the pipeline file, or for
/// "all" every province of the org units.
fn provinces_in(scope: &Scope, org_units: &LazyFrame) -> PolarsResult<LazyFrame> {
    Ok(match scope.named_provinces() {
        Some(codes) => df!(
            c::ORG_UNIT => codes.clone(),
            c::LEVEL => vec![LEVEL_PROVINCE; codes.len()],
        )?
        .lazy(),
        None => org_units
            .clone()
            .filter(col(c::LEVEL).eq(lit(LEVEL_PROVINCE)))
            .select([col(c::CODE).alias(c::ORG_UNIT), col(c::LEVEL)]),
    })
}

/// The districts (org_unit, level) of a table of district_provinces, labelled
/// `child_level` (district, or commune under the 2025 units).
fn districts_of(district_provinces: &DataFrame, child_level: &str) -> LazyFrame {
    district_provinces.clone().lazy().select([
        col(c::DISTRICT_CODE).alias(c::ORG_UNIT),
        lit(child_level).alias(c::LEVEL),
    ])
}

/// `lf` (with a district_code) stacked under each level, as org_unit and level: under
/// its district, under the district's province, and under the country when `country`.
/// Rows of districts outside `district_provinces` (the scope) are dropped. Grouping the
/// stack gives every level from the same rows, so a ratio is always Σ numerator ÷
/// Σ denominator.
fn stacked_at_levels(
    lf: LazyFrame,
    district_provinces: &DataFrame,
    country: bool,
    child_level: &str,
) -> PolarsResult<LazyFrame> {
    let placed = lf.join(
        district_provinces.clone().lazy(),
        [col(c::DISTRICT_CODE)],
        [col(c::DISTRICT_CODE)],
        JoinArgs::new(JoinType::Inner),
    );
    let under = |org_unit: Expr, level: &str| {
        placed
            .clone()
            .with_columns([org_unit.alias(c::ORG_UNIT), lit(level).alias(c::LEVEL)])
    };
    let mut levels = vec![
        under(col(c::DISTRICT_CODE), child_level),
        under(col(PROVINCE_CODE), LEVEL_PROVINCE),
    ];
    if country {
        levels.push(under(lit(COUNTRY), LEVEL_COUNTRY));
    }
    concat(levels, UnionArgs::default())
}

/// A source's rows in one window, read once for every indicator built on them
/// ([`Context::source`]).
pub struct Source {
    /// The rows of districts in scope, once under their district, once under its province
    /// and once under the country when the scope has one (org_unit and level added).
    stacked: DataFrame,
    /// Whether the window holds any row of the source, in scope or not: a window without
    /// one gives no rows (no data, so no baseline) rather than zeros.
    covered: bool,
    /// Across a reform, when rows of an earlier list were taken to the new units: the org
    /// units (every level) some of whose rows came from a split commune, allocated.
    inexact: Option<DataFrame>,
    /// The former provinces its rows of earlier lists came from.
    present: BTreeSet<String>,
}

/// Orders levels from the top: the country, then provinces, then districts.
fn level_rank() -> Expr {
    when(col(c::LEVEL).eq(lit(LEVEL_COUNTRY)))
        .then(lit(0))
        .when(col(c::LEVEL).eq(lit(LEVEL_PROVINCE)))
        .then(lit(1))
        .otherwise(lit(2))
}

/// A breakdown of an indicator: rows are counted again by `expr`, labelled `name=<value>`.
/// `domain` lists the values every org unit shows, as 0 when absent.
pub struct Breakdown {
    pub name: &'static str,
    pub expr: Expr,
    pub domain: Vec<String>,
}

impl Breakdown {
    pub fn new(name: &'static str, expr: Expr, domain: &[&str]) -> Self {
        Breakdown {
            name,
            expr,
            domain: domain.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn label(&self, value: &str) -> String {
        format!("{}={value}", self.name)
    }
}

/// An indicator being built: the window's rows of a source, a subset of them, breakdowns;
/// it ends with `count`, `ratio` or `over_population`, which give rows of the long shape.
pub struct Rows<'a> {
    ctx: &'a Context<'a>,
    window: &'a Window,
    source: &'a Source,
    subset: Option<Expr>,
    breakdowns: Vec<Breakdown>,
}

impl Rows<'_> {
    /// Keeps the rows where `predicate` holds (the source still decides coverage).
    pub fn filter(mut self, predicate: Expr) -> Self {
        self.subset = Some(match self.subset.take() {
            Some(p) => p.and(predicate),
            None => predicate,
        });
        self
    }

    pub fn by(mut self, breakdown: Breakdown) -> Self {
        self.breakdowns.push(breakdown);
        self
    }

    /// A count per org unit and breakdown: numerator = value = `count`, no denominator.
    pub fn count(&self, indicator: &str, count: Expr) -> PolarsResult<LazyFrame> {
        let filled = self.filled(vec![count.alias(c::NUMERATOR)])?;
        Ok(self.finish(
            filled.with_columns([
                lit(NULL).cast(DataType::Float64).alias(c::DENOMINATOR),
                col(c::NUMERATOR).alias(c::VALUE),
            ]),
            indicator,
            Unit::Count,
        ))
    }

    /// `numerator ÷ denominator` per org unit and breakdown; null where the denominator is 0.
    pub fn ratio(
        &self,
        indicator: &str,
        numerator: Expr,
        denominator: Expr,
    ) -> PolarsResult<LazyFrame> {
        let filled = self.filled(vec![
            numerator.alias(c::NUMERATOR),
            denominator.alias(c::DENOMINATOR),
        ])?;
        Ok(self.finish(
            filled.with_column(quotient(1.0).alias(c::VALUE)),
            indicator,
            Unit::Ratio,
        ))
    }

    /// `count ÷ children under 16` of the org unit in the year the window ends in, as a
    /// ratio or per 100,000; null where the population is missing or 0.
    pub fn over_population(
        &self,
        indicator: &str,
        count: Expr,
        unit: Unit,
    ) -> PolarsResult<LazyFrame> {
        let scale = match unit {
            Unit::Per100k => 100_000.0,
            _ => 1.0,
        };
        let population = self.ctx.population(self.window.year());
        let filled = self
            .filled(vec![count.alias(c::NUMERATOR)])?
            .join(
                population,
                [col(c::ORG_UNIT), col(c::LEVEL)],
                [col(c::ORG_UNIT), col(c::LEVEL)],
                JoinArgs::new(JoinType::Left),
            )
            .with_column(col(c::CHILDREN_UNDER_16).alias(c::DENOMINATOR));
        Ok(self.finish(
            filled.with_column(quotient(scale).alias(c::VALUE)),
            indicator,
            unit,
        ))
    }

    /// The aggregates per org unit and breakdown, on the full skeleton: every unit and every
    /// breakdown value of a covered window, with 0 where no row fell.
    fn filled(&self, aggs: Vec<Expr>) -> PolarsResult<LazyFrame> {
        let names: Vec<String> = aggs
            .iter()
            .map(|e| e.clone().meta().output_name().map(|n| n.to_string()))
            .collect::<PolarsResult<_>>()?;
        let grouped = self.grouped(aggs)?;
        let mut join = JoinArgs::new(JoinType::Left);
        join.nulls_equal = true;
        let keys = [col(c::ORG_UNIT), col(c::LEVEL), col(c::BREAKDOWN)];
        Ok(self
            .skeleton(&grouped)?
            .join(grouped, keys.clone(), keys, join)
            .with_columns(
                names
                    .iter()
                    .map(|n| col(n.as_str()).fill_null(lit(0)))
                    .collect::<Vec<_>>(),
            ))
    }

    fn grouped(&self, aggs: Vec<Expr>) -> PolarsResult<LazyFrame> {
        // The subset reads the source's own columns, so it keeps the same rows under every
        // level as it would before the stacking.
        let rows = self.source.stacked.clone().lazy();
        let rows = match &self.subset {
            Some(p) => rows.filter(p.clone()),
            None => rows,
        };
        let mut parts = vec![rows
            .clone()
            .with_column(lit(NULL).cast(DataType::String).alias(c::BREAKDOWN))];
        for b in &self.breakdowns {
            parts.push(
                rows.clone()
                    .filter(b.expr.clone().is_not_null())
                    .with_column(
                        concat_str(
                            [
                                lit(format!("{}=", b.name)),
                                b.expr.clone().cast(DataType::String),
                            ],
                            "",
                            false,
                        )
                        .alias(c::BREAKDOWN),
                    ),
            );
        }
        Ok(concat(parts, UnionArgs::default())?
            .group_by([col(c::ORG_UNIT), col(c::LEVEL), col(c::BREAKDOWN)])
            .agg(aggs))
    }

    /// Every (org unit, breakdown) the indicator shows: the units × the total, the declared
    /// breakdown values and any other value found; no row at all when the source has no row
    /// in the window.
    fn skeleton(&self, grouped: &LazyFrame) -> PolarsResult<LazyFrame> {
        let mut labels: Vec<Option<String>> = vec![None];
        for b in &self.breakdowns {
            labels.extend(b.domain.iter().map(|v| Some(b.label(v))));
        }
        let declared = df!(c::BREAKDOWN => labels)?.lazy();
        let breakdowns = concat(
            [declared, grouped.clone().select([col(c::BREAKDOWN)])],
            UnionArgs::default(),
        )?
        .unique_stable(None, UniqueKeepStrategy::First);
        let skeleton = self
            .ctx
            .in_scope
            .units
            .clone()
            .lazy()
            .cross_join(breakdowns, None)
            .select([col(c::ORG_UNIT), col(c::LEVEL), col(c::BREAKDOWN)]);
        Ok(if self.source.covered {
            skeleton
        } else {
            skeleton.limit(0)
        })
    }

    /// Labels the rows and gives them the long shape and its types.
    fn finish(&self, lf: LazyFrame, indicator: &str, unit: Unit) -> LazyFrame {
        lf.select([
            lit(indicator).alias(c::INDICATOR),
            lit(self.window.period.as_str()).alias(c::PERIOD),
            col(c::ORG_UNIT),
            col(c::LEVEL),
            col(c::BREAKDOWN),
            col(c::NUMERATOR).cast(DataType::Float64),
            col(c::DENOMINATOR).cast(DataType::Float64),
            col(c::VALUE).cast(DataType::Float64),
            lit(unit.as_str()).alias(c::UNIT),
        ])
    }
}

/// numerator ÷ denominator × scale, null (never 0 or NaN) where the denominator is 0 or null.
fn quotient(scale: f64) -> Expr {
    let den = col(c::DENOMINATOR).cast(DataType::Float64);
    when(den.clone().gt(lit(0.0)))
        .then(col(c::NUMERATOR).cast(DataType::Float64) / den * lit(scale))
        .otherwise(lit(NULL).cast(DataType::Float64))
}

/// Stacks computed rows and joins each to its baseline row (same indicator, period key, org
/// unit and breakdown, computed over the shifted window): adds `baseline` and
/// `change = value − baseline`. Families added later plug in by passing their frames here.
pub fn assemble(current: Vec<LazyFrame>, baseline: Vec<LazyFrame>) -> PolarsResult<LazyFrame> {
    if current.is_empty() {
        polars_bail!(ComputeError: "no indicator rows to assemble");
    }
    let current = stack_rows(current)?;
    let keys = || KEY_COLUMNS.map(col);
    let with_baseline = if baseline.is_empty() {
        current.with_columns([
            lit(NULL).cast(DataType::Float64).alias(c::BASELINE),
            lit(NULL)
                .cast(DataType::Float64)
                .alias(c::BASELINE_NUMERATOR),
            lit(NULL)
                .cast(DataType::Float64)
                .alias(c::BASELINE_DENOMINATOR),
        ])
    } else {
        // The baseline's counts travel with it: disclosure control judges a baseline rate
        // by the counts it was built on.
        let mut select: Vec<Expr> = keys().to_vec();
        select.push(col(c::VALUE).alias(c::BASELINE));
        select.push(col(c::NUMERATOR).alias(c::BASELINE_NUMERATOR));
        select.push(col(c::DENOMINATOR).alias(c::BASELINE_DENOMINATOR));
        let baseline = concat(baseline, UnionArgs::default())?.select(select);
        let mut join = JoinArgs::new(JoinType::Left);
        join.nulls_equal = true;
        current.join(baseline, keys(), keys(), join)
    };
    Ok(with_baseline.with_column((col(c::VALUE) - col(c::BASELINE)).alias(c::CHANGE)))
}

/// Computed rows stacked into one frame of the row columns, in order.
fn stack_rows(frames: Vec<LazyFrame>) -> PolarsResult<LazyFrame> {
    concat(
        frames
            .into_iter()
            .map(|lf| lf.select(ROW_COLUMNS.map(col)))
            .collect::<Vec<_>>(),
        UnionArgs::default(),
    )
}

/// Every family's rows of each window, computed once per window. A window is often both a
/// period's own and the baseline of another (2020 is the window of the period "2020" and
/// the baseline of "2021"), and its rows differ only by the period they are labelled with.
struct WindowRows<'a> {
    ctx: &'a Context<'a>,
    /// (from, to, the families' rows) of the windows computed so far.
    computed: Vec<(NaiveDate, NaiveDate, DataFrame)>,
}

impl WindowRows<'_> {
    /// The families' rows of `w`, labelled with its period; none when no family gives any.
    fn of(&mut self, w: &Window) -> PolarsResult<Option<LazyFrame>> {
        let known = self
            .computed
            .iter()
            .find(|(from, to, _)| *from == w.from && *to == w.to);
        let rows = match known {
            Some((_, _, rows)) => rows.clone(),
            None => {
                let mut frames = Vec::new();
                for family in FAMILIES {
                    frames.extend(family(self.ctx, w)?);
                }
                if frames.is_empty() {
                    return Ok(None);
                }
                let rows = stack_rows(frames)?.collect()?;
                self.computed.push((w.from, w.to, rows.clone()));
                rows
            }
        };
        Ok(Some(
            rows.lazy()
                .with_column(lit(w.period.as_str()).alias(c::PERIOD)),
        ))
    }
}

/// The keys of the periods whose window lies within the plan's year: targets are for them.
pub fn periods_in_year(plan: &Plan) -> BTreeSet<String> {
    plan.periods
        .iter()
        .filter(|p| p.from.year() == plan.year && p.to.year() == plan.year)
        .map(|p| p.key.clone())
        .collect()
}

/// Adds `target` (the rule as written) and `target_met` to the total rows (breakdown null)
/// of every indicator with a target, in the periods of the plan's year. `target_met` is
/// left null in a period the target does not judge (`Target::judges`): a six-month report
/// shows the distance to a yearly goal, not a failure to have reached it.
pub fn attach_targets(mut df: DataFrame, plan: &Plan) -> PolarsResult<DataFrame> {
    let in_year = periods_in_year(plan);
    let (mut target, mut met) = (Vec::new(), Vec::new());
    {
        let indicator = df.column(c::INDICATOR)?.str()?;
        let period = df.column(c::PERIOD)?.str()?;
        let breakdown = df.column(c::BREAKDOWN)?.str()?;
        let value = df.column(c::VALUE)?.f64()?;
        let baseline = df.column(c::BASELINE)?.f64()?;
        for i in 0..df.height() {
            let found = match (indicator.get(i), period.get(i), breakdown.get(i)) {
                (Some(ind), Some(p), None) if in_year.contains(p) => plan
                    .targets
                    .iter()
                    .find(|t| t.indicator == ind)
                    .map(|t| (t.rule, t.judges(p))),
                _ => None,
            };
            target.push(found.map(|(r, _)| r.to_string()));
            met.push(
                found
                    .filter(|(_, judged)| *judged)
                    .and_then(|(r, _)| r.is_met(value.get(i), baseline.get(i))),
            );
        }
    }
    df.with_column(Column::new(c::TARGET.into(), target))?;
    df.with_column(Column::new(c::TARGET_MET.into(), met))?;
    Ok(df)
}

/// Every indicator of the plan over the clean tables, baselines and targets attached,
/// sorted: indicator, period, level from the top (country, province, district), org unit,
/// total before breakdowns.
pub fn compute(plan: &Plan, tables: &Tables) -> PolarsResult<DataFrame> {
    compute_with_notes(plan, tables).map(|(df, _)| df)
}

/// [`compute`], and what the log should say of it: across a reform, the codes of earlier
/// lists that reach no new commune through the crosswalk (their rows are left out).
pub fn compute_with_notes(plan: &Plan, tables: &Tables) -> PolarsResult<(DataFrame, Vec<String>)> {
    let (tables, registry_counts) = tables.in_memory(plan.reporting_level == LEVEL_COMMUNE)?;
    let tables = &tables;
    let ctx = Context::new(plan, tables, registry_counts)?;
    let shift = u32::try_from(plan.year - plan.baseline_year)
        .ok()
        .filter(|y| *y > 0);
    let mut windows = WindowRows {
        ctx: &ctx,
        computed: Vec::new(),
    };
    let (mut current, mut baseline) = (Vec::new(), Vec::new());
    let mut baseline_windows = Vec::new();
    for period in &plan.periods {
        let window = Window::of(period);
        current.extend(windows.of(&window)?);
        if let Some(shifted) = shift.and_then(|y| window.shifted_back(y)) {
            baseline.extend(windows.of(&shifted)?);
            baseline_windows.push(shifted);
        }
    }
    // Source gaps compare the report forms with the counts just computed, so they come
    // after the families, from the collected rows.
    let assembled = assemble(current, baseline)?.collect()?;
    let gaps =
        crate::quality::source_gap::rows(&assembled.clone().lazy(), &tables.district_reports)?
            .collect()?;
    let assembled = match &ctx.reform {
        Some(reform) => comparability(
            assembled.lazy(),
            reform.baseline_marks(&baseline_windows)?,
            reform.split_rule,
        )?,
        None => assembled,
    };
    // A gap has no baseline and never crosses a reform: those columns come as nulls.
    let gaps = like(gaps, &assembled)?;
    let df = concat([assembled.lazy(), gaps.lazy()], UnionArgs::default())?.collect()?;
    let df = attach_targets(df, plan)?;
    // The distance to each target is measured from the finished rows, targets attached.
    let distances = like(distance::frame(&distance::distances(plan, &df)?)?, &df)?;
    let df = concat([df.lazy(), distances.lazy()], UnionArgs::default())?
        .sort_by_exprs(
            [
                col(c::INDICATOR),
                col(c::PERIOD),
                level_rank(),
                col(c::ORG_UNIT),
                col(c::BREAKDOWN),
            ],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()?;
    let mut notes = Vec::new();
    if let Some(unplaced) = ctx.reform.as_ref().and_then(|r| r.unplaced.lock().ok()) {
        if !unplaced.is_empty() {
            let shown: Vec<&str> = unplaced.iter().take(10).map(String::as_str).collect();
            notes.push(format!(
                "{} commune codes of earlier lists reach no commune of the newest list through the crosswalk, so their rows are left out of the indicators: {}{}.",
                unplaced.len(),
                shown.join(", "),
                if unplaced.len() > shown.len() { ", …" } else { "" }
            ));
        }
    }
    Ok((df, notes))
}

/// `rows` with the columns of `table`, in its order: a column `rows` lacks (such as the
/// comparability of a pipeline across a reform, which distances do not have) comes as
/// nulls of its type, so the two can be stacked.
fn like(rows: DataFrame, table: &DataFrame) -> PolarsResult<DataFrame> {
    let have = rows.schema().clone();
    let columns: Vec<Expr> = table
        .schema()
        .iter()
        .map(|(name, dtype)| {
            if have.contains(name) {
                col(name.clone()).cast(dtype.clone())
            } else {
                lit(NULL).cast(dtype.clone()).alias(name.clone())
            }
        })
        .collect();
    rows.lazy().select(columns).collect()
}

/// Adds `comparable` and `comparability` to the rows of a pipeline across a reform: where a
/// period's baseline was counted under earlier units and taken to the new ones through the
/// crosswalk, `comparable` is true — or false for units that received allocated rows of
/// communes split by the reform, which the text says; null where the baseline is null or
/// never crossed the reform.
fn comparability(
    rows: LazyFrame,
    marks: Option<LazyFrame>,
    split_rule: &str,
) -> PolarsResult<DataFrame> {
    let Some(marks) = marks else {
        return rows
            .with_columns([
                lit(NULL).cast(DataType::Boolean).alias(c::COMPARABLE),
                lit(NULL).cast(DataType::String).alias(c::COMPARABILITY),
            ])
            .collect();
    };
    let crossed = marks
        .clone()
        .filter(col(c::ORG_UNIT).is_null())
        .select([col(c::PERIOD), lit(true).alias("__crossed")])
        .unique(None, UniqueKeepStrategy::First);
    // A unit may be marked twice (allocated rows, and a missing former province).
    let allocated = marks
        .filter(col(c::ORG_UNIT).is_not_null())
        .group_by([col(c::PERIOD), col(c::ORG_UNIT)])
        .agg([col("__inexact").any(true), col("__missing").max()]);
    let comparable = when(col(c::BASELINE).is_null().or(col("__crossed").is_null()))
        .then(lit(NULL).cast(DataType::Boolean))
        .otherwise(col("__inexact").fill_null(lit(false)).not());
    rows.with_row_index("__order", None)
        .join(
            crossed,
            [col(c::PERIOD)],
            [col(c::PERIOD)],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            allocated,
            [col(c::PERIOD), col(c::ORG_UNIT)],
            [col(c::PERIOD), col(c::ORG_UNIT)],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(comparable.alias(c::COMPARABLE))
        .with_column(
            when(
                col("__missing")
                    .is_not_null()
                    .and(col(c::BASELINE).is_not_null()),
            )
            .then(concat_str(
                [
                    lit("not comparable: the baseline has no rows of the former province(s) "),
                    col("__missing"),
                    lit(" of this province, counted under the earlier units"),
                ],
                "",
                false,
            ))
            .when(col(c::COMPARABLE).eq(lit(false)))
            .then(lit(format!(
                "not exactly comparable: the baseline, counted under the earlier units, \
                     allocates rows of communes split by the reform (rule {split_rule})"
            )))
            .when(col(c::COMPARABLE).eq(lit(true)))
            .then(lit(
                "baseline recomputed on the new units through the crosswalk (whole merges summed)",
            ))
            .otherwise(lit(NULL).cast(DataType::String))
            .alias(c::COMPARABILITY),
        )
        .sort(["__order"], SortMultipleOptions::default())
        .drop(cols(["__order", "__crossed", "__inexact", "__missing"]))
        .collect()
}

/// What the step leaves for the run and the scorecard.
#[derive(Debug)]
pub struct IndicatorSummary {
    pub rows: usize,
    pub table: DataFrame,
}

/// Runs the step: reads the clean tables under `layout`, writes
/// `indicators/indicators.parquet` (built in the staging folder, then swapped in) and prints
/// the scorecard of the plan's targets through `log`.
pub fn run(
    plan: &Plan,
    layout: &Layout,
    log: &mut dyn FnMut(&str),
) -> Result<IndicatorSummary, Error> {
    let tables = Tables::scan(&layout.ingested())?;
    let (mut table, notes) = compute_with_notes(plan, &tables)
        .map_err(|e| Error::polars("computing the indicators", e))?;
    for note in &notes {
        log(note);
    }
    let staging = layout.staging();
    let _ = std::fs::remove_dir_all(&staging);
    let built = staging.join("indicators");
    crate::store::parquet::write_parquet(&mut table, &built.join("indicators.parquet"))?;
    let mut findings = crate::quality::findings(
        &table.clone().lazy(),
        &tables.district_reports,
        plan.rules.source_gap_tolerance,
        plan.reporting_level,
    )
    .and_then(LazyFrame::collect)
    .map_err(|e| Error::polars("checking the data quality", e))?;
    crate::store::parquet::write_parquet(&mut findings, &built.join("data_quality.parquet"))?;
    let target = layout.indicators();
    swap_in(&built, &target).map_err(|e| Error::write(&target, e))?;
    let _ = std::fs::remove_dir_all(&staging);
    log(&format!(
        "indicators: {} rows written to {}.",
        table.height(),
        target.join("indicators.parquet").display()
    ));
    log(&quality_line(&findings));
    for line in scorecard::lines(plan, &table) {
        log(&line);
    }
    Ok(IndicatorSummary {
        rows: table.height(),
        table,
    })
}

/// "data quality: 7 findings (1 error, 6 warnings): form_rule 1, report_sent_on 0,
/// source_gap 1, outlier 5."
fn quality_line(findings: &DataFrame) -> String {
    let count = |column: &str, value: &str| {
        findings
            .column(column)
            .ok()
            .and_then(|s| {
                s.str()
                    .ok()
                    .map(|s| s.iter().filter(|v| *v == Some(value)).count())
            })
            .unwrap_or(0)
    };
    let checks: Vec<String> = [
        "form_rule",
        crate::quality::sending_dates::CHECK,
        "source_gap",
        "outlier",
    ]
    .iter()
    .map(|k| format!("{k} {}", count(c::CHECK, k)))
    .collect();
    format!(
        "data quality: {} findings ({} errors, {} warnings): {}.",
        findings.height(),
        count(c::SEVERITY, "error"),
        count(c::SEVERITY, "warning"),
        checks.join(", ")
    )
}

#[cfg(test)]
pub(crate) mod fixture;

#[cfg(test)]
mod tests {
    use super::fixture::{self, d, plan, row};
    use super::*;

    /// Rows of the long shape from (org_unit, breakdown, value).
    fn rows(period: &str, values: &[(&str, Option<&str>, Option<f64>)]) -> LazyFrame {
        let n = values.len();
        df!(
            c::INDICATOR => vec!["injured_children"; n],
            c::PERIOD => vec![period; n],
            c::ORG_UNIT => values.iter().map(|v| v.0).collect::<Vec<_>>(),
            c::LEVEL => values.iter().map(|v| if v.0 == "64" { LEVEL_PROVINCE } else { crate::columns::LEVEL_DISTRICT }).collect::<Vec<_>>(),
            c::BREAKDOWN => values.iter().map(|v| v.1).collect::<Vec<_>>(),
            c::NUMERATOR => values.iter().map(|v| v.2).collect::<Vec<_>>(),
            c::DENOMINATOR => vec![None::<f64>; n],
            c::VALUE => values.iter().map(|v| v.2).collect::<Vec<_>>(),
            c::UNIT => vec!["count"; n],
        )
        .unwrap()
        .lazy()
    }

    // Two provinces of two districts each, the latest snapshot of 2021:
    //   622: 4 special children, 3 supported; 1 at risk.   623: 1 special, supported.
    //   001: 4 special, 1 supported; 2 at risk.            002: none special; 1 at risk.
    //   701 (province 70, outside the scope): 1 special, supported; 1 at risk.
    // Support rate: 64 = 4/5 = 0.80, 01 = 1/4 = 0.25, the country (4 + 1)/(5 + 4) = 5/9,
    // while the mean of the province rates is (0.80 + 0.25)/2 = 0.525.
    const NATIONAL: &[fixture::Child] = &[
        ("2021-12-31", "a1", "622", Some("d"), false, true),
        ("2021-12-31", "a2", "622", Some("d"), true, true),
        ("2021-12-31", "a3", "622", Some("d"), false, false),
        ("2021-12-31", "a4", "622", Some("a"), false, true),
        ("2021-12-31", "a5", "623", Some("d"), false, true),
        ("2021-12-31", "h1", "001", Some("d"), true, true),
        ("2021-12-31", "h2", "001", Some("d"), true, false),
        ("2021-12-31", "h3", "001", Some("a"), false, false),
        ("2021-12-31", "h4", "001", Some("a"), false, false),
        ("2021-12-31", "h5", "002", None, true, false),
        ("2021-12-31", "x1", "701", Some("d"), true, true),
    ];

    fn national() -> DataFrame {
        fixture::national_table(fixture::registry(NATIONAL), fixture::cases(&[]))
    }

    #[test]
    fn a_country_rate_is_summed_from_the_rows_not_a_mean_of_province_rates() {
        let t = national();
        let rate = |unit| row(&t, "special_support_rate", "2021", unit, None);
        assert_eq!(
            (rate("64").numerator, rate("64").denominator),
            (Some(4.0), Some(5.0))
        );
        assert_eq!(
            (rate("01").numerator, rate("01").denominator),
            (Some(1.0), Some(4.0))
        );
        let country = rate(COUNTRY);
        assert_eq!(
            (country.numerator, country.denominator),
            (Some(5.0), Some(9.0))
        );
        assert!(fixture::close(country.value, 5.0 / 9.0));
        assert!(!fixture::close(country.value, (0.8 + 0.25) / 2.0));
        // Targets are judged at every level, the country included.
        assert_eq!(country.target_met, Some(true));
        assert_eq!(rate("01").target_met, Some(false));
        // A breakdown adds up the same way: group d is 3/4 in 64 and 1/2 in 01.
        let d = row(&t, "special_support_rate", "2021", COUNTRY, Some("group=d"));
        assert_eq!((d.numerator, d.denominator), (Some(4.0), Some(6.0)));
    }

    #[test]
    fn country_counts_are_the_sum_of_provinces_and_of_districts() {
        let t = national();
        let at_risk = |unit| row(&t, "at_risk_children", "2021", unit, None).value;
        assert_eq!(at_risk("622"), Some(1.0));
        assert_eq!(
            at_risk("623"),
            Some(0.0),
            "no child at risk: 0, not missing"
        );
        assert_eq!((at_risk("001"), at_risk("002")), (Some(2.0), Some(1.0)));
        assert_eq!((at_risk("64"), at_risk("01")), (Some(1.0), Some(3.0)));
        assert_eq!(at_risk(COUNTRY), Some(4.0), "701 is outside the scope");
        assert!(!fixture::has_org_unit(&t, "at_risk_children", "70"));
        assert!(!fixture::has_org_unit(&t, "at_risk_children", "701"));
    }

    #[test]
    fn population_is_summed_per_level() {
        let t = national();
        let share = |unit| row(&t, "special_children_share", "2021", unit, None);
        assert_eq!(share("001").denominator, Some(20_000.0));
        assert_eq!(share("64").denominator, Some(50_000.0));
        assert_eq!(share("01").denominator, Some(50_000.0));
        let country = share(COUNTRY);
        assert_eq!(
            (country.numerator, country.denominator),
            (Some(9.0), Some(100_000.0))
        );
    }

    #[test]
    fn levels_run_from_the_country_down_and_undeclared_sources_give_no_rows() {
        let t = national();
        let level = t.column(c::LEVEL).unwrap().str().unwrap().clone();
        let indicator = t.column(c::INDICATOR).unwrap().str().unwrap().clone();
        let first = (0..t.height())
            .find(|&i| indicator.get(i) == Some("special_support_rate"))
            .unwrap();
        assert_eq!(level.get(first), Some(LEVEL_COUNTRY));
        for absent in [
            "report_completeness",
            "staff_trained_rate",
            "fund_raised_vnd",
        ] {
            assert!(
                !(0..t.height()).any(|i| indicator.get(i) == Some(absent)),
                "{absent} has rows without its source"
            );
        }
    }

    #[test]
    fn one_province_has_no_country_row() {
        let t = fixture::table(fixture::registry(NATIONAL), fixture::cases(&[]), &[]);
        assert!(!fixture::has_org_unit(&t, "special_support_rate", COUNTRY));
        let r = row(&t, "special_support_rate", "2021", "64", None);
        assert_eq!((r.numerator, r.denominator), (Some(4.0), Some(5.0)));
    }

    #[test]
    fn assemble_joins_baselines_on_the_total_and_on_each_breakdown() {
        let current = rows(
            "2021",
            &[
                ("64", None, Some(398.0)),
                ("64", Some("subtype=drowning"), Some(87.0)),
                ("622", None, Some(0.0)),
            ],
        );
        // The baseline rows carry the period key of the period they are the baseline of.
        let baseline = rows(
            "2021",
            &[
                ("64", None, Some(452.0)),
                ("64", Some("subtype=drowning"), Some(90.0)),
            ],
        );
        let df = assemble(vec![current], vec![baseline])
            .unwrap()
            .collect()
            .unwrap();
        let df = attach_targets(df, &plan(&[("injured_children", "< baseline")])).unwrap();
        let total = row(&df, "injured_children", "2021", "64", None);
        assert_eq!((total.baseline, total.change), (Some(452.0), Some(-54.0)));
        assert_eq!(total.target.as_deref(), Some("< baseline"));
        assert_eq!(total.target_met, Some(true));
        let drowning = row(
            &df,
            "injured_children",
            "2021",
            "64",
            Some("subtype=drowning"),
        );
        assert_eq!(
            (drowning.baseline, drowning.change),
            (Some(90.0), Some(-3.0))
        );
        assert_eq!((drowning.target, drowning.target_met), (None, None));
        // No baseline row: null baseline, null change, a target that cannot be judged.
        let d622 = row(&df, "injured_children", "2021", "622", None);
        assert_eq!(
            (d622.baseline, d622.change, d622.target_met),
            (None, None, None)
        );
        assert_eq!(df.height(), 3, "the join adds no rows");
    }

    #[test]
    fn a_period_the_target_does_not_judge_shows_the_goal_without_a_verdict() {
        // 2021S1: 3 injured children against a goal of fewer than 2 — a verdict of
        // "not met" there would be wrong for a target that judges the year only.
        let df = assemble(
            vec![
                rows("2021S1", &[("64", None, Some(3.0))]),
                rows("2021", &[("64", None, Some(1.0))]),
            ],
            vec![],
        )
        .unwrap()
        .collect()
        .unwrap();
        let mut p = plan(&[("injured_children", "< 2")]);
        p.targets[0].periods = Some(["2021".to_string()].into());
        let df = attach_targets(df, &p).unwrap();
        let half = row(&df, "injured_children", "2021S1", "64", None);
        assert_eq!(
            (half.target.as_deref(), half.target_met),
            (Some("< 2"), None)
        );
        let year = row(&df, "injured_children", "2021", "64", None);
        assert_eq!(year.target_met, Some(true));
    }

    #[test]
    fn targets_are_attached_only_in_periods_of_the_plan_year() {
        let df = assemble(vec![rows("2020", &[("64", None, Some(1.0))])], vec![])
            .unwrap()
            .collect()
            .unwrap();
        let df = attach_targets(df, &plan(&[("injured_children", "< 5")])).unwrap();
        let r = row(&df, "injured_children", "2020", "64", None);
        assert_eq!((r.target, r.target_met, r.baseline), (None, None, None));
    }

    #[test]
    fn a_window_shifts_back_whole_years() {
        let w = Window {
            period: "2024".into(),
            from: d("2024-01-01"),
            to: d("2024-02-29"),
        };
        let b = w.shifted_back(1).unwrap();
        assert_eq!((b.from, b.to), (d("2023-01-01"), d("2023-02-28")));
        assert_eq!(b.period, "2024");
    }

    #[test]
    fn the_scorecard_uses_the_whole_year_or_the_last_period_of_it() {
        let mut p = plan(&[]);
        assert_eq!(scorecard::annual_period(&p).unwrap().key, "2021");
        p.periods.retain(|x| x.key != "2021");
        assert_eq!(scorecard::annual_period(&p).unwrap().key, "2021S1");
        p.periods.retain(|x| x.key != "2021S1");
        assert!(
            scorecard::annual_period(&p).is_none(),
            "2020 is not in the plan year"
        );
    }

    #[test]
    fn the_scorecard_prints_what_the_table_holds() {
        let df = assemble(
            vec![rows("2021", &[("64", None, Some(398.0))])],
            vec![rows("2021", &[("64", None, Some(452.0))])],
        )
        .unwrap()
        .collect()
        .unwrap();
        let p = plan(&[
            ("injured_children", "< baseline"),
            ("fund_raised_vnd", ">= 4000000000"),
        ]);
        let df = attach_targets(df, &p).unwrap();
        let lines = scorecard::lines(&p, &df);
        assert_eq!(lines[0], "Scorecard 2021 (period 2021, province 64):");
        assert!(
            lines.contains(
                &"  injured_children: 398; goal < baseline: met; baseline 452, change -54."
                    .to_string()
            ),
            "{lines:?}"
        );
        assert!(
            lines.contains(&"  fund_raised_vnd: not computed yet; goal >= 4000000000.".to_string()),
            "{lines:?}"
        );
        assert_eq!(scorecard::format_value(5419.0 / 5518.0, "ratio"), "98.21 %");
    }
}
