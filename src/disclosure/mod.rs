//! Disclosure control for the published pack (DESIGN.md, "Disclosure control"): no abused
//! child may be identifiable from a small count. The internal Parquet keeps true values;
//! everything the pack shows — charts, `indicators.xlsx`, `index.html` — is drawn from a
//! [`Published`] table, which only [`Published::publish`] makes and which holds no
//! suppressed true value at all, so a renderer cannot leak one by mistake.
//!
//! The rules, applied to counts of people (children, and abuse cases):
//! 1. **Primary**: a count from 1 to `min_count − 1` is shown as `<5`; a rate built on such
//!    a count (a ratio whose numerator or denominator, a rate per 100,000 whose count) is
//!    hidden (`x`). A true zero stays 0. Baselines follow the same rule with the counts they
//!    were built on, and a change is hidden when either side is.
//! 2. **Complementary**: the districts of each province add up to that province, and the
//!    provinces to the country (org_units' parent_code, as [`Parents`]); the values of a
//!    breakdown add up to their unit's total. Each such group is an equation an attacker
//!    can solve, total = Σ members, so no group may hold exactly one suppressed cell, the
//!    total counted: where one member is suppressed under a published total, the smallest
//!    other non-zero member is hidden too; where the total is suppressed but every member
//!    published (a province hidden as a complement, whose districts would add up to it),
//!    the smallest non-zero member is hidden. Repeated over all groups and levels until
//!    stable, for each count column (value, numerator, denominator, and the baseline's).
//!    In a hierarchy (a tree of equations) this leaves every suppressed cell with at least
//!    one degree of freedom.
//! 3. **Consistency**: a count hidden in one indicator is hidden where the same count is
//!    shown again (the numerator of its rate per 100,000; the software's side of a
//!    district's `source_gap` row, which is then hidden whole, form side and gap included,
//!    since the form usually repeats the same count).
//!
//! This is a per-group algorithm over a few thousand rows, so it runs on plain rows rather
//! than as polars expressions; the result goes back into a polars frame.
//!
//! A module of its own beneath the charts and the pack, which both draw from one
//! [`Published`] table: the run publishes the indicators once ([`publish_outputs`]) and
//! hands the table to both steps, so the two can never show different cells.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;

use crate::columns as c;
use crate::columns::{COUNTRY, LEVEL_COMMUNE, LEVEL_DISTRICT, LEVEL_PROVINCE};
use crate::error::Error;
use crate::store::parquet::scan_parquet_file;
use crate::store::Layout;

/// The indicators step's table in `layout` published under disclosure control, each
/// district adding up to its province in the clean org units (without them, a table of
/// one province: its districts add up to it).
pub fn publish_outputs(layout: &Layout, min_count: u32) -> Result<Published, Error> {
    let table_path = layout.indicators().join("indicators.parquet");
    if !table_path.is_file() {
        return Err(Error::Usage(format!(
            "There is no indicators table \"{}\": run the indicators step first (`treem run`).",
            table_path.display()
        )));
    }
    let table = scan_parquet_file(&table_path)
        .and_then(LazyFrame::collect)
        .map_err(|e| Error::polars(&format!("reading {}", table_path.display()), e))?;
    let org_units = layout.ingested().join("org_units.parquet");
    let parents = match org_units.is_file() {
        true => Parents::load(&org_units)
            .map_err(|e| Error::polars(&format!("reading {}", org_units.display()), e))?,
        false => Parents::default(),
    };
    Published::publish_under(&table, &parents, min_count)
        .map_err(|e| Error::polars("applying disclosure control to the indicators", e))
}

/// How a count of people enters an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum People {
    /// The value is the count (numerator = value).
    Count,
    /// The numerator is a count; the value a rate built on it.
    Numerator,
    /// Numerator and denominator are both counts.
    Both,
}

/// The indicators that count people, and how. Events, staff, reports and the fund count
/// districts, officers, days or đồng, none of which identifies a child.
fn people(indicator: &str) -> Option<People> {
    Some(match indicator {
        "at_risk_children"
        | "abused_children"
        | "injured_children"
        | "injury_deaths"
        | "abuse_intervention_delay" => People::Count,
        "abused_children_per_100k"
        | "injured_children_per_100k"
        | "injury_deaths_per_100k"
        | "special_children_share" => People::Numerator,
        "special_support_rate"
        | "abused_children_supported_rate"
        | "abuse_intervention_timely_rate"
        | "abuse_plan_timely_rate"
        | "source_gap" => People::Both,
        // A form item summed by district (the report's appendices, `form_B2.05`): the
        // items of forms 1 and 2 count children or abuse cases; forms 3 and 4 count
        // events, officers, communes and đồng.
        other => {
            let item = crate::sources::district_reports::find_item(other.strip_prefix(FORM_ITEM)?)?;
            match item.form {
                1 | 2 => People::Count,
                _ => return None,
            }
        }
    })
}

/// The prefix of a form item published as an indicator (`form_B1.02`).
pub const FORM_ITEM: &str = "form_";

/// A published cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Value(f64),
    /// A count from 1 to min_count − 1: shown as "<5".
    Small,
    /// Hidden to protect a small count elsewhere: shown as "x".
    Hidden,
    /// Nothing to show (no data, or a zero denominator).
    Missing,
}

impl Cell {
    fn of(v: Option<f64>) -> Self {
        v.map_or(Cell::Missing, Cell::Value)
    }

    pub fn value(self) -> Option<f64> {
        match self {
            Cell::Value(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_suppressed(self) -> bool {
        matches!(self, Cell::Small | Cell::Hidden)
    }

    /// What a reader sees instead of a suppressed value, e.g. "<5" or "x".
    pub fn label(self, min_count: u32) -> Option<String> {
        match self {
            Cell::Small => Some(format!("<{min_count}")),
            Cell::Hidden => Some("x".to_string()),
            _ => None,
        }
    }
}

/// One row of the published table.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedRow {
    pub indicator: String,
    pub period: String,
    pub org_unit: String,
    pub level: String,
    pub breakdown: Option<String>,
    pub unit: String,
    pub numerator: Cell,
    pub denominator: Cell,
    pub value: Cell,
    pub baseline_numerator: Cell,
    pub baseline_denominator: Cell,
    pub baseline: Cell,
    pub change: Cell,
    pub target: Option<String>,
    pub target_met: Option<bool>,
    /// Across a reform: whether the baseline, recomputed on the new units, compares
    /// exactly (false: communes split by the reform were allocated); null otherwise.
    pub comparable: Option<bool>,
}

/// The indicators as the pack may show them.
#[derive(Debug, Clone)]
pub struct Published {
    rows: Vec<PublishedRow>,
    min_count: u32,
    /// The unit each unit of the rows adds up into, as suppression used it.
    parent_of: BTreeMap<String, String>,
    /// The positions of the rows by the hash of their key ([`row_key`]), in table order:
    /// every chart, page, workbook and document looks rows up one cell at a time, and a
    /// search of all rows per look-up made the pack of 3,321 communes' half a million rows
    /// take minutes.
    index: foldhash::HashMap<u64, Vec<usize>>,
}

/// The hash of a row's key (indicator, period, org unit, breakdown), the same for a row and
/// for the look-up of its key.
fn row_key(indicator: &str, period: &str, org_unit: &str, breakdown: Option<&str>) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one((indicator, period, org_unit, breakdown))
}

impl Published {
    /// Applies the rules of the module doc to the indicators table of one province: its
    /// districts add up to it. A table of several provinces needs their districts' parents:
    /// [`Published::publish_under`].
    pub fn publish(indicators: &DataFrame, min_count: u32) -> PolarsResult<Self> {
        Self::publish_under(indicators, &Parents::default(), min_count)
    }

    /// Applies the rules of the module doc to the indicators table, each district adding
    /// up to its province in `parents`.
    pub fn publish_under(
        indicators: &DataFrame,
        parents: &Parents,
        min_count: u32,
    ) -> PolarsResult<Self> {
        let mut rows = read_rows(indicators)?;
        let parent_of = parents.of_rows(&rows)?;
        let small = |cell: Cell| {
            cell.value()
                .is_some_and(|v| v >= 1.0 && v < f64::from(min_count))
        };
        for row in &mut rows {
            let Some(kind) = people(&row.indicator) else {
                continue;
            };
            for (num, den) in [
                (&mut row.numerator, &mut row.denominator),
                (&mut row.baseline_numerator, &mut row.baseline_denominator),
            ] {
                if small(*num) {
                    *num = Cell::Small;
                }
                if kind == People::Both && small(*den) {
                    *den = Cell::Small;
                }
            }
            if kind == People::Count && small(row.value) {
                row.value = Cell::Small;
            }
            if kind == People::Count && small(row.baseline) {
                row.baseline = Cell::Small;
            }
        }
        complement(&mut rows, &parent_of);
        hide_repeats(&mut rows);
        hide_source_gaps(&mut rows);
        for row in &mut rows {
            if let Some(kind) = people(&row.indicator) {
                derive(row, kind);
            }
        }
        hide_distances(&mut rows);
        let mut index: foldhash::HashMap<u64, Vec<usize>> = Default::default();
        for (i, r) in rows.iter().enumerate() {
            let key = row_key(&r.indicator, &r.period, &r.org_unit, r.breakdown.as_deref());
            index.entry(key).or_default().push(i);
        }
        Ok(Published {
            rows,
            min_count,
            parent_of,
            index,
        })
    }

    pub fn rows(&self) -> &[PublishedRow] {
        &self.rows
    }

    pub fn min_count(&self) -> u32 {
        self.min_count
    }

    /// The unit `org_unit` adds up into (a district's province, a province's country), as
    /// complementary suppression took it; None for the top unit.
    pub fn parent(&self, org_unit: &str) -> Option<&str> {
        self.parent_of.get(org_unit).map(String::as_str)
    }

    /// The row of `indicator` for `period`, `org_unit` and `breakdown` (None = the total).
    pub fn get(
        &self,
        indicator: &str,
        period: &str,
        org_unit: &str,
        breakdown: Option<&str>,
    ) -> Option<&PublishedRow> {
        let at = self
            .index
            .get(&row_key(indicator, period, org_unit, breakdown))?;
        // Two keys may share a hash: the first row whose key is the one asked for, as a
        // search in table order would find it.
        at.iter().map(|&i| &self.rows[i]).find(|r| {
            r.indicator == indicator
                && r.period == period
                && r.org_unit == org_unit
                && r.breakdown.as_deref() == breakdown
        })
    }

    /// The published table as a frame: each numeric column null where suppressed, with a
    /// `<column>_label` column saying "<5" or "x" there.
    pub fn frame(&self) -> PolarsResult<DataFrame> {
        let r = &self.rows;
        let text = |name: &str, f: &dyn Fn(&PublishedRow) -> Option<String>| {
            Column::new(name.into(), r.iter().map(f).collect::<Vec<_>>())
        };
        let mut columns = vec![
            text(c::INDICATOR, &|x| Some(x.indicator.clone())),
            text(c::PERIOD, &|x| Some(x.period.clone())),
            text(c::ORG_UNIT, &|x| Some(x.org_unit.clone())),
            text(c::LEVEL, &|x| Some(x.level.clone())),
            text(c::BREAKDOWN, &|x| x.breakdown.clone()),
            text(c::UNIT, &|x| Some(x.unit.clone())),
        ];
        let cells: [(&str, CellOf); 5] = [
            (c::NUMERATOR, |x| x.numerator),
            (c::DENOMINATOR, |x| x.denominator),
            (c::VALUE, |x| x.value),
            (c::BASELINE, |x| x.baseline),
            (c::CHANGE, |x| x.change),
        ];
        for (name, get) in cells {
            columns.push(Column::new(
                name.into(),
                r.iter().map(|x| get(x).value()).collect::<Vec<_>>(),
            ));
            columns.push(Column::new(
                format!("{name}_label").into(),
                r.iter()
                    .map(|x| get(x).label(self.min_count))
                    .collect::<Vec<_>>(),
            ));
        }
        columns.push(text(c::TARGET, &|x| x.target.clone()));
        columns.push(Column::new(
            c::TARGET_MET.into(),
            r.iter().map(|x| x.target_met).collect::<Vec<_>>(),
        ));
        if r.iter().any(|x| x.comparable.is_some()) {
            columns.push(Column::new(
                c::COMPARABLE.into(),
                r.iter().map(|x| x.comparable).collect::<Vec<_>>(),
            ));
        }
        DataFrame::new(r.len(), columns)
    }
}

fn read_rows(df: &DataFrame) -> PolarsResult<Vec<PublishedRow>> {
    let s = |name: &str| -> PolarsResult<StringChunked> { Ok(df.column(name)?.str()?.clone()) };
    let f = |name: &str| -> PolarsResult<Float64Chunked> {
        Ok(df.column(name)?.cast(&DataType::Float64)?.f64()?.clone())
    };
    let (indicator, period, org_unit, level, breakdown, unit, target) = (
        s(c::INDICATOR)?,
        s(c::PERIOD)?,
        s(c::ORG_UNIT)?,
        s(c::LEVEL)?,
        s(c::BREAKDOWN)?,
        s(c::UNIT)?,
        s(c::TARGET)?,
    );
    let (num, den, value, base, base_num, base_den, change) = (
        f(c::NUMERATOR)?,
        f(c::DENOMINATOR)?,
        f(c::VALUE)?,
        f(c::BASELINE)?,
        f(c::BASELINE_NUMERATOR)?,
        f(c::BASELINE_DENOMINATOR)?,
        f(c::CHANGE)?,
    );
    let met = df.column(c::TARGET_MET)?.bool()?.clone();
    // Only a pipeline across a reform has the column.
    let comparable = df
        .column(c::COMPARABLE)
        .ok()
        .and_then(|c| c.bool().ok().cloned());
    let text = |ca: &StringChunked, i: usize| ca.get(i).unwrap_or_default().to_string();
    Ok((0..df.height())
        .map(|i| PublishedRow {
            indicator: text(&indicator, i),
            period: text(&period, i),
            org_unit: text(&org_unit, i),
            level: text(&level, i),
            breakdown: breakdown.get(i).map(str::to_string),
            unit: text(&unit, i),
            numerator: Cell::of(num.get(i)),
            denominator: Cell::of(den.get(i)),
            value: Cell::of(value.get(i)),
            baseline_numerator: Cell::of(base_num.get(i)),
            baseline_denominator: Cell::of(base_den.get(i)),
            baseline: Cell::of(base.get(i)),
            change: Cell::of(change.get(i)),
            target: target.get(i).map(str::to_string),
            target_met: met.get(i),
            comparable: comparable.as_ref().and_then(|ca| ca.get(i)),
        })
        .collect())
}

/// The unit each unit adds up into: a district into its province, a province into the
/// country. Read from the clean org units (`ingested/org_units.parquet`).
#[derive(Debug, Clone, Default)]
pub struct Parents {
    of: BTreeMap<String, String>,
}

impl Parents {
    /// Districts → their parent_code; provinces → the country.
    pub fn from_org_units(org_units: &DataFrame) -> PolarsResult<Self> {
        let (code, level, parent) = (
            org_units.column(c::CODE)?.str()?,
            org_units.column(c::LEVEL)?.str()?,
            org_units.column(c::PARENT_CODE)?.str()?,
        );
        let of = (0..org_units.height())
            .filter_map(|i| {
                let parent = match level.get(i)? {
                    LEVEL_DISTRICT | LEVEL_COMMUNE => parent.get(i)?,
                    LEVEL_PROVINCE => COUNTRY,
                    _ => return None,
                };
                Some((code.get(i)?.to_string(), parent.to_string()))
            })
            .collect();
        Ok(Parents { of })
    }

    /// Unit → the unit it adds up into.
    pub fn map(&self) -> &BTreeMap<String, String> {
        &self.of
    }

    /// Reads the clean org units table at `path`.
    pub fn load(path: &std::path::Path) -> PolarsResult<Self> {
        let df = scan_parquet_file(path)?
            .select([col(c::CODE), col(c::LEVEL), col(c::PARENT_CODE)])
            .collect()?;
        Self::from_org_units(&df)
    }

    /// The parent of every unit of `rows` that has one in the table: from the org units;
    /// else a province's is the country, and a district's the table's only province. A
    /// district whose province cannot be known is an error: its cells could not be
    /// protected.
    fn of_rows(&self, rows: &[PublishedRow]) -> PolarsResult<BTreeMap<String, String>> {
        let provinces: BTreeSet<&str> = rows
            .iter()
            .filter(|r| r.level == LEVEL_PROVINCE)
            .map(|r| r.org_unit.as_str())
            .collect();
        let only_province = match provinces.len() {
            1 => provinces.first().copied(),
            _ => None,
        };
        let mut out = BTreeMap::new();
        for r in rows {
            if out.contains_key(&r.org_unit) {
                continue;
            }
            let parent = match (self.of.get(&r.org_unit), r.level.as_str()) {
                (Some(parent), _) => parent.as_str(),
                (None, LEVEL_PROVINCE) => COUNTRY,
                (None, LEVEL_DISTRICT | LEVEL_COMMUNE) => only_province.ok_or_else(|| {
                    polars_err!(
                        ComputeError: "District \"{}\" has no province in the org units, so its \
                        cells cannot be protected.",
                        r.org_unit
                    )
                })?,
                _ => continue,
            };
            out.insert(r.org_unit.clone(), parent.to_string());
        }
        Ok(out)
    }
}

type Accessor = fn(&mut PublishedRow) -> &mut Cell;
/// Reads one cell of a row, for the columns of [`Published::frame`].
type CellOf = fn(&PublishedRow) -> Cell;

/// The count columns complementary suppression protects, for an indicator's kind.
fn count_columns(kind: People) -> Vec<Accessor> {
    let mut columns: Vec<Accessor> = vec![|r| &mut r.numerator, |r| &mut r.baseline_numerator];
    if kind == People::Count {
        columns.push(|r| &mut r.value);
        columns.push(|r| &mut r.baseline);
    }
    if kind == People::Both {
        columns.push(|r| &mut r.denominator);
        columns.push(|r| &mut r.baseline_denominator);
    }
    columns
}

/// A group of cells under one total (per indicator and period).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    /// The units under `parent` (districts under their province, provinces under the
    /// country), for one breakdown value ("" = the totals).
    Children { parent: String, breakdown: String },
    /// The values of one breakdown `dimension` under `unit`'s total.
    Breakdown { unit: String, dimension: String },
}

/// Rule 2: in each group of cells under a total, never leave exactly one suppressed cell,
/// the total counted. The groups: the units under their parent (per indicator, period,
/// breakdown), and the values of one breakdown under a unit's total (per indicator,
/// period, org unit, breakdown dimension — subtypes add up to the total closely enough to
/// subtract).
fn complement(rows: &mut [PublishedRow], parent_of: &BTreeMap<String, String>) {
    type Key = (String, String, Group);
    let mut totals: BTreeMap<Key, usize> = BTreeMap::new();
    let mut members: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    let mut dimensions: BTreeMap<(String, String, String), BTreeSet<String>> = BTreeMap::new();
    for r in rows.iter() {
        if let Some((dimension, _)) = r.breakdown.as_deref().and_then(|b| b.split_once('=')) {
            dimensions
                .entry((r.indicator.clone(), r.period.clone(), r.org_unit.clone()))
                .or_default()
                .insert(dimension.to_string());
        }
    }
    for (i, r) in rows.iter().enumerate() {
        if people(&r.indicator).is_none() {
            continue;
        }
        let key = |group| (r.indicator.clone(), r.period.clone(), group);
        let breakdown = r.breakdown.clone().unwrap_or_default();
        totals.insert(
            key(Group::Children {
                parent: r.org_unit.clone(),
                breakdown: breakdown.clone(),
            }),
            i,
        );
        if let Some(parent) = parent_of.get(&r.org_unit) {
            members
                .entry(key(Group::Children {
                    parent: parent.clone(),
                    breakdown,
                }))
                .or_default()
                .push(i);
        }
        match r.breakdown.as_deref().and_then(|b| b.split_once('=')) {
            Some((dimension, _)) => members
                .entry(key(Group::Breakdown {
                    unit: r.org_unit.clone(),
                    dimension: dimension.to_string(),
                }))
                .or_default()
                .push(i),
            // A unit's total heads every breakdown dimension of that unit.
            None => {
                let unit = (r.indicator.clone(), r.period.clone(), r.org_unit.clone());
                for dimension in dimensions.get(&unit).into_iter().flatten() {
                    totals.insert(
                        key(Group::Breakdown {
                            unit: r.org_unit.clone(),
                            dimension: dimension.clone(),
                        }),
                        i,
                    );
                }
            }
        }
    }
    let groups: Vec<(usize, Vec<usize>)> = members
        .into_iter()
        .filter_map(|(key, m)| totals.get(&key).map(|&t| (t, m)))
        .collect();
    // Hiding a cell in one group can leave another group — the group it heads, the group
    // above it, a breakdown — with a single suppressed cell: repeat until nothing changes.
    let mut changed = true;
    while changed {
        changed = false;
        for (total, members) in &groups {
            let Some(kind) = people(&rows[*total].indicator) else {
                continue;
            };
            for column in count_columns(kind) {
                changed |= protect(rows, *total, members, column);
            }
        }
    }
}

/// Hides cells of the group `total` = Σ `members` in `column` until not exactly one of
/// them, the total counted, is suppressed. Returns whether anything was hidden.
fn protect(rows: &mut [PublishedRow], total: usize, members: &[usize], column: Accessor) -> bool {
    let mut changed = false;
    loop {
        let total_suppressed = column(&mut rows[total]).is_suppressed();
        let suppressed = members
            .iter()
            .filter(|&&i| column(&mut rows[i]).is_suppressed())
            .count()
            + usize::from(total_suppressed);
        if suppressed != 1 {
            return changed;
        }
        let next = members
            .iter()
            .filter_map(|&i| column(&mut rows[i]).value().map(|v| (v, i)))
            .filter(|(v, _)| *v > 0.0)
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        match next {
            Some((_, i)) => *column(&mut rows[i]) = Cell::Hidden,
            // Every other cell is 0: the total minus zeros is the suppressed cell; only
            // hiding the total protects it.
            None if !total_suppressed => *column(&mut rows[total]) = Cell::Hidden,
            // A suppressed total over members that are all 0 (or none): they add up to
            // nothing that would give it away.
            None => return changed,
        }
        changed = true;
    }
}

/// Rule 3: a count suppressed in a count indicator is suppressed as the numerator of its
/// rate per 100,000 too.
fn hide_repeats(rows: &mut [PublishedRow]) {
    let hidden: BTreeSet<(String, String, String, Option<String>, bool)> = rows
        .iter()
        .filter(|r| people(&r.indicator) == Some(People::Count))
        .flat_map(|r| {
            let key = |baseline| {
                (
                    r.indicator.clone(),
                    r.period.clone(),
                    r.org_unit.clone(),
                    r.breakdown.clone(),
                    baseline,
                )
            };
            let mut out = Vec::new();
            if r.value.is_suppressed() || r.numerator.is_suppressed() {
                out.push(key(false));
            }
            if r.baseline.is_suppressed() || r.baseline_numerator.is_suppressed() {
                out.push(key(true));
            }
            out
        })
        .collect();
    for r in rows.iter_mut() {
        let Some(base) = r.indicator.strip_suffix("_per_100k") else {
            continue;
        };
        let key = |baseline| {
            (
                base.to_string(),
                r.period.clone(),
                r.org_unit.clone(),
                r.breakdown.clone(),
                baseline,
            )
        };
        if hidden.contains(&key(false)) && !r.numerator.is_suppressed() {
            r.numerator = Cell::Hidden;
        }
        if hidden.contains(&key(true)) && !r.baseline_numerator.is_suppressed() {
            r.baseline_numerator = Cell::Hidden;
        }
    }
}

/// Rule 3 for source gaps: a `source_gap` row's denominator is the software's count of a
/// district (`quality::source_gap::PAIRS`); where that count is suppressed in its own
/// indicator, the gap row shows none of its counts.
fn hide_source_gaps(rows: &mut [PublishedRow]) {
    let suppressed: BTreeSet<(String, String, String)> = rows
        .iter()
        .filter(|r| r.breakdown.is_none())
        .flat_map(|r| {
            crate::quality::source_gap::PAIRS
                .iter()
                .filter(|(_, indicator, _, _)| *indicator == r.indicator)
                .filter(|(_, _, column, _)| {
                    let cell = match *column {
                        c::NUMERATOR => r.numerator,
                        c::DENOMINATOR => r.denominator,
                        _ => r.value,
                    };
                    cell.is_suppressed()
                })
                .map(|(item, _, _, _)| (item.to_string(), r.period.clone(), r.org_unit.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    for r in rows.iter_mut().filter(|r| r.indicator == "source_gap") {
        let Some(item) = r.breakdown.as_deref().and_then(|b| b.strip_prefix("item=")) else {
            continue;
        };
        if suppressed.contains(&(item.to_string(), r.period.clone(), r.org_unit.clone())) {
            for cell in [&mut r.numerator, &mut r.denominator] {
                if cell.value().is_some() {
                    *cell = Cell::Hidden;
                }
            }
        }
    }
}

/// Rule 3 for the distance to a target (`crate::columns::distance_of`): it is computed
/// from its indicator's row (children still to support = ⌈goal × denominator⌉ −
/// numerator), so it is shown only where every cell of that row it could be worked back
/// to is shown, and hidden (`x`) where any is suppressed or the row is not there.
fn hide_distances(rows: &mut [PublishedRow]) {
    let hidden: BTreeSet<(String, String, String)> = rows
        .iter()
        .filter(|r| r.breakdown.is_none() && c::distance_of(&r.indicator).is_none())
        .filter(|r| {
            [
                r.numerator,
                r.denominator,
                r.value,
                r.baseline,
                r.baseline_numerator,
                r.baseline_denominator,
            ]
            .iter()
            .any(|cell| cell.is_suppressed())
        })
        .map(|r| (r.indicator.clone(), r.period.clone(), r.org_unit.clone()))
        .collect();
    let present: BTreeSet<(String, String, String)> = rows
        .iter()
        .filter(|r| r.breakdown.is_none())
        .map(|r| (r.indicator.clone(), r.period.clone(), r.org_unit.clone()))
        .collect();
    for r in rows.iter_mut() {
        let Some((source, _)) = c::distance_of(&r.indicator) else {
            continue;
        };
        let key = (source.to_string(), r.period.clone(), r.org_unit.clone());
        if (hidden.contains(&key) || !present.contains(&key)) && r.value != Cell::Missing {
            r.value = Cell::Hidden;
        }
    }
}

/// Rule 1's consequences within a row: a count's value is its numerator; a rate built on a
/// suppressed count is hidden; a change is hidden when either side is suppressed.
fn derive(row: &mut PublishedRow, kind: People) {
    let suppressed_inputs =
        |num: Cell, den: Cell| num.is_suppressed() || (kind == People::Both && den.is_suppressed());
    match kind {
        People::Count => {
            // numerator and value are the same count: show them alike.
            for (a, b) in [
                (&mut row.value, &mut row.numerator),
                (&mut row.baseline, &mut row.baseline_numerator),
            ] {
                if a.is_suppressed() || b.is_suppressed() {
                    let cell = if *a == Cell::Small || *b == Cell::Small {
                        Cell::Small
                    } else {
                        Cell::Hidden
                    };
                    if a.value().is_some() || a.is_suppressed() {
                        *a = cell;
                    }
                    if b.value().is_some() || b.is_suppressed() {
                        *b = cell;
                    }
                }
            }
        }
        People::Numerator | People::Both => {
            if suppressed_inputs(row.numerator, row.denominator) && row.value != Cell::Missing {
                row.value = Cell::Hidden;
            }
            if suppressed_inputs(row.baseline_numerator, row.baseline_denominator)
                && row.baseline != Cell::Missing
            {
                row.baseline = Cell::Hidden;
            }
        }
    }
    if (row.value.is_suppressed() || row.baseline.is_suppressed()) && row.change != Cell::Missing {
        row.change = Cell::Hidden;
    }
}

#[cfg(test)]
mod tests;
