//! The charts of the annual report: one file per chart, each with `series` (the numbers it
//! plots, as published [`Cell`]s, so tests can check them without looking at pixels) and a
//! [`Chart`] implementation that paints them, once into a print PNG and once into an SVG.
//!
//! Charts draw only from the disclosure-controlled [`Published`] table, which the run makes
//! once and hands to the charts and the pack alike (`crate::disclosure`): a suppressed cell
//! gets no bar and its `<5` / `x` label, a true 0 is drawn as 0. The font (DejaVu Sans) is
//! carried in the binary and registered once, so Vietnamese diacritics need no system font;
//! numbers are written in Vietnamese style (`98,5 %`, `5.545`, `3,5 tỷ đồng`) unless the
//! language is English.

pub mod district_rates;
pub mod hbars;
pub mod report_timeliness;
pub mod scorecard;
pub mod subtypes;
pub mod t1_support_rate;
pub mod t2_events;
pub mod t3_staff_trained;
pub mod t4_abuse_delays;
pub mod t5_abuse_by_subtype;
pub mod t5_injuries_by_district;
pub mod t5_injuries_by_subtype;
pub mod t6_fund;
pub mod units;

#[cfg(test)]
pub(crate) mod fixture;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use polars::prelude::*;

use crate::columns as c;
use crate::config::{Plan, Target};
use crate::disclosure::{Cell, Published, PublishedRow};
use crate::error::Error;
use crate::store::layout::{swap_in, Layout};
use crate::text::numbers::{format_decimal_vi, format_integer_vi};
use crate::text::Lang;

/// The font family every chart asks for; registered from the embedded DejaVu fonts.
pub const FONT: &str = "sans";

/// Width of every PNG: 2400 px is 20 cm at 300 dpi, a full page width in print.
pub const WIDTH: u32 = 2400;

/// Print-friendly colours: dark enough to survive a grey-scale photocopy, distinct for
/// colour-blind readers (after the Okabe–Ito palette).
pub mod palette {
    use plotters::style::RGBColor;
    pub const BAR: RGBColor = RGBColor(0x1f, 0x4e, 0x79);
    pub const PROVINCE: RGBColor = RGBColor(0x33, 0x33, 0x33);
    pub const WARNING: RGBColor = RGBColor(0xd5, 0x5e, 0x00);
    pub const GOOD: RGBColor = RGBColor(0x00, 0x7a, 0x5a);
    pub const BASELINE: RGBColor = RGBColor(0x9e, 0xb9, 0xd4);
    pub const TARGET: RGBColor = RGBColor(0xb0, 0x00, 0x20);
    pub const TEXT: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
    pub const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);
    pub const GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);
    pub const MISSING: RGBColor = RGBColor(0xee, 0xee, 0xee);
}

/// Font sizes in pixels at [`WIDTH`].
pub mod size {
    pub const TITLE: f64 = 60.0;
    pub const NOTE: f64 = 38.0;
    pub const LABEL: f64 = 38.0;
    pub const TICK: f64 = 34.0;
}

/// Registers DejaVu Sans (regular and bold) under [`FONT`], once per process.
pub fn register_fonts() -> Result<(), Error> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            let failed = |_| "the embedded DejaVu Sans font cannot be read".to_string();
            plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular())
                .map_err(failed)?;
            plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold())
                .map_err(failed)
        })
        .clone()
        .map_err(|message| Error::Chart {
            chart: "(fonts)".to_string(),
            message,
        })
}

pub fn font(px: f64) -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FONT), px, FontStyle::Normal).color(&palette::TEXT)
}

pub fn bold(px: f64) -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FONT), px, FontStyle::Bold).color(&palette::TEXT)
}

pub fn anchored<'a>(style: TextStyle<'a>, h: HPos, v: VPos) -> TextStyle<'a> {
    style.pos(Pos::new(h, v))
}

// ---------------------------------------------------------------------------------------
// Numbers as the reader sees them.

/// Swaps `.` and `,`: Vietnamese grouping and decimals turned English.
fn english(vi: &str) -> String {
    vi.chars()
        .map(|ch| match ch {
            '.' => ',',
            ',' => '.',
            other => other,
        })
        .collect()
}

/// A count: `5.545` / `5,545`.
pub fn count(v: f64, lang: Lang) -> String {
    let vi = format_integer_vi(v.round() as i64);
    match lang {
        Lang::Vi => vi,
        Lang::En => english(&vi),
    }
}

/// A signed count, for changes: `+3`, `−5`, `0`.
pub fn signed_count(v: f64, lang: Lang) -> String {
    let n = v.round();
    let magnitude = count(n.abs(), lang);
    if n > 0.0 {
        format!("+{magnitude}")
    } else if n < 0.0 {
        format!("−{magnitude}")
    } else {
        magnitude
    }
}

/// A ratio as a percentage with `decimals` decimals: `98,5 %` / `98.5%`.
pub fn percent(ratio: f64, decimals: usize, lang: Lang) -> String {
    let vi = format_decimal_vi(ratio * 100.0, decimals);
    match lang {
        Lang::Vi => format!("{vi} %"),
        Lang::En => format!("{}%", english(&vi)),
    }
}

/// A goal as a percentage: whole percentages without decimals (`100 %`), others with one
/// (`98,5 %`).
pub fn goal_percent(ratio: f64, lang: Lang) -> String {
    let decimals = if (ratio * 100.0).fract().abs() < 1e-9 {
        0
    } else {
        1
    };
    percent(ratio, decimals, lang)
}

/// An amount in billions of đồng: `3,49 tỷ đồng` / `3.49 billion VND`.
pub fn billion_vnd(v: f64, decimals: usize, lang: Lang) -> String {
    let vi = format_decimal_vi(v / 1e9, decimals);
    match lang {
        Lang::Vi => format!("{vi} tỷ đồng"),
        Lang::En => format!("{} billion VND", english(&vi)),
    }
}

/// What a cell shows: its value through `format`, its suppression label, or "no data".
pub fn cell_text(cell: Cell, min_count: u32, lang: Lang, format: impl Fn(f64) -> String) -> String {
    match cell {
        Cell::Value(v) => format(v),
        Cell::Missing => no_data(lang).to_string(),
        suppressed => suppressed.label(min_count).unwrap_or_default(),
    }
}

/// What `<5` and `x` mean, under every chart that counts people.
pub fn suppression_note(min_count: u32, lang: Lang) -> String {
    let last = min_count.saturating_sub(1);
    match lang {
        Lang::Vi => format!(
            "<{min_count}: từ 1 đến {last} (số nhỏ không công bố); x: ẩn để không suy ra được số nhỏ"
        ),
        Lang::En => format!(
            "<{min_count}: 1 to {last} (small counts are not published); x: hidden so that no small count can be worked out"
        ),
    }
}

pub fn no_data(lang: Lang) -> &'static str {
    lang.pick("không có số liệu", "no data")
}

// ---------------------------------------------------------------------------------------
// What a chart plots.

/// Which number of a published row a chart plots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Value,
    Numerator,
    Denominator,
    Baseline,
    Change,
}

/// One plotted number and the published row it comes from, so a test can find the row's
/// true value in the internal table and check it is nowhere near the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Plotted {
    pub indicator: String,
    pub org_unit: String,
    pub breakdown: Option<String>,
    pub field: Field,
    pub cell: Cell,
}

impl Plotted {
    /// The `field` of the row (`Missing` when the table has no such row).
    pub fn of(
        published: &Published,
        indicator: &str,
        period: &str,
        org_unit: &str,
        breakdown: Option<&str>,
        field: Field,
    ) -> Self {
        let cell = published
            .get(indicator, period, org_unit, breakdown)
            .map_or(Cell::Missing, |row| field_of(row, field));
        Plotted {
            indicator: indicator.to_string(),
            org_unit: org_unit.to_string(),
            breakdown: breakdown.map(str::to_string),
            field,
            cell,
        }
    }
}

pub fn field_of(row: &PublishedRow, field: Field) -> Cell {
    match field {
        Field::Value => row.value,
        Field::Numerator => row.numerator,
        Field::Denominator => row.denominator,
        Field::Baseline => row.baseline,
        Field::Change => row.change,
    }
}

/// A row of a chart as a test sees it: the label drawn for it, and the numbers drawn on
/// that row, in the order their labels are drawn right after the row's label.
#[derive(Debug, Clone, PartialEq)]
pub struct PlottedRow {
    pub label: String,
    pub cells: Vec<Plotted>,
}

/// Codes → names of the org units (`ingested/org_units.parquet`).
#[derive(Debug, Clone, Default)]
pub struct OrgUnitNames {
    names: BTreeMap<String, String>,
}

impl OrgUnitNames {
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        OrgUnitNames {
            names: pairs.into_iter().collect(),
        }
    }

    /// Reads code and name of every unit from the clean org units table.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let context = format!("reading the org unit names from {}", path.display());
        let df = crate::store::parquet::scan_parquet_file(path)
            .and_then(|lf| lf.select([col(c::CODE), col(c::NAME)]).collect())
            .map_err(|e| Error::polars(&context, e))?;
        let codes = df
            .column(c::CODE)
            .and_then(|s| s.str().cloned())
            .map_err(|e| Error::polars(&context, e))?;
        let names = df
            .column(c::NAME)
            .and_then(|s| s.str().cloned())
            .map_err(|e| Error::polars(&context, e))?;
        Ok(OrgUnitNames::new(
            codes
                .iter()
                .zip(names.iter())
                .filter_map(|(code, name)| Some((code?.to_string(), name?.to_string()))),
        ))
    }

    /// The unit's name, or its code when the table does not name it; the country, which
    /// the org units do not list, is "Việt Nam".
    pub fn name(&self, code: &str) -> String {
        match self.names.get(code) {
            Some(name) => name.clone(),
            None if code == crate::columns::COUNTRY => crate::columns::COUNTRY_NAME.to_string(),
            None => code.to_string(),
        }
    }
}

/// What every chart's `series` needs besides the table: which period and units to draw.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The unit the charts speak for: the province, or the country of a pipeline with
    /// several provinces ([`TopUnit`](crate::reference::TopUnit)).
    pub top: String,
    /// The top unit's level: province, or country.
    pub top_level: &'static str,
    /// The level of the units drawn beside it: districts or communes, or provinces.
    pub child_level: &'static str,
    /// The level of the units that send the forms and hold the events, which the event
    /// and report charts count: districts, or communes under the 2025 units.
    pub reporting_level: &'static str,
    /// The reporting year's annual period.
    pub period: String,
    pub year: i32,
    pub baseline_year: i32,
    /// Every period of the plan, in the plan's order (the timeliness grid's columns).
    pub periods: Vec<String>,
    /// The report deadline of each of `periods`.
    pub deadlines: Vec<chrono::NaiveDate>,
    pub targets: Vec<Target>,
    pub intervention_within_hours: u32,
    pub names: OrgUnitNames,
}

impl Scope {
    pub fn new(plan: &Plan, names: OrgUnitNames) -> Result<Self, Error> {
        let period = crate::indicators::scorecard::annual_period(plan).ok_or_else(|| {
            Error::Usage(format!(
                "No period of the pipeline file lies within {}, so there is nothing to chart.",
                plan.year
            ))
        })?;
        let top = plan.top_unit();
        Ok(Scope {
            top: top.code,
            top_level: top.level,
            child_level: top.child_level,
            reporting_level: top.reporting_level,
            period: period.key.clone(),
            year: plan.year,
            baseline_year: plan.baseline_year,
            periods: plan.periods.iter().map(|p| p.key.clone()).collect(),
            deadlines: plan.periods.iter().map(|p| p.report_deadline).collect(),
            targets: plan.targets.clone(),
            intervention_within_hours: plan.rules.intervention_within_hours,
            names,
        })
    }

    /// The goal value of `indicator`'s target, when it compares with a number.
    pub fn goal(&self, indicator: &str) -> Option<f64> {
        self.targets
            .iter()
            .find(|t| t.indicator == indicator)
            .and_then(|t| match t.rule.goal {
                crate::config::target::Goal::Value(v) => Some(v),
                crate::config::target::Goal::Baseline => None,
            })
    }

    /// The codes of the child units (districts, or provinces under the country) the table
    /// has rows for under `indicator` in the period, sorted.
    pub fn districts(&self, published: &Published, indicator: &str) -> Vec<String> {
        let mut codes: Vec<String> = published
            .rows()
            .iter()
            .filter(|r| {
                r.indicator == indicator
                    && r.period == self.period
                    && r.level == self.child_level
                    && r.breakdown.is_none()
            })
            .map(|r| r.org_unit.clone())
            .collect();
        codes.sort();
        codes.dedup();
        codes
    }

    /// The values of breakdown `dimension` (`subtype`, `delay`, …) of the top unit's rows
    /// of `indicator` in the period, in table order.
    pub fn breakdowns(
        &self,
        published: &Published,
        indicator: &str,
        dimension: &str,
    ) -> Vec<String> {
        let prefix = format!("{dimension}=");
        let mut out: Vec<String> = Vec::new();
        for r in published.rows() {
            if r.indicator == indicator && r.period == self.period && r.org_unit == self.top {
                if let Some(v) = r.breakdown.as_deref().and_then(|b| b.strip_prefix(&prefix)) {
                    if !out.iter().any(|o| o == v) {
                        out.push(v.to_string());
                    }
                }
            }
        }
        out
    }
}

/// Sorts district rows by their plotted value, highest first; suppressed and missing
/// cells last, ties by code.
pub fn sort_by_value<T>(rows: &mut [T], key: impl Fn(&T) -> (Cell, &str)) {
    rows.sort_by(|a, b| {
        let (ca, na) = key(a);
        let (cb, nb) = key(b);
        let rank = |c: Cell| match c {
            Cell::Value(_) => 0,
            Cell::Small | Cell::Hidden => 1,
            Cell::Missing => 2,
        };
        rank(ca)
            .cmp(&rank(cb))
            .then_with(|| {
                let (va, vb) = (ca.value().unwrap_or(0.0), cb.value().unwrap_or(0.0));
                vb.total_cmp(&va)
            })
            .then_with(|| na.cmp(nb))
    });
}

// ---------------------------------------------------------------------------------------
// Painting and saving.

pub type DrawResult<T, DB> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A chart: its file name, its size, how it paints itself, and the rows a test checks.
pub trait Chart {
    /// The file name without extension.
    fn name(&self) -> &'static str;
    fn height(&self) -> u32;
    fn paint<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        lang: Lang,
    ) -> DrawResult<(), DB>;
    /// The plotted numbers, row by row, as they are labelled.
    fn plotted(&self, lang: Lang) -> Vec<PlottedRow>;
}

/// Writes `<name>.png` and `<name>.svg` into `dir`.
pub fn save<C: Chart>(chart: &C, lang: Lang, dir: &Path) -> Result<Vec<PathBuf>, Error> {
    register_fonts()?;
    let size = (WIDTH, chart.height());
    let failed = |e: String| Error::Chart {
        chart: chart.name().to_string(),
        message: e,
    };
    let png = dir.join(format!("{}.png", chart.name()));
    {
        let root = BitMapBackend::new(&png, size).into_drawing_area();
        chart
            .paint(&root, lang)
            .and_then(|()| root.present())
            .map_err(|e| failed(e.to_string()))?;
    }
    let svg = dir.join(format!("{}.svg", chart.name()));
    {
        let root = SVGBackend::new(&svg, size).into_drawing_area();
        chart
            .paint(&root, lang)
            .and_then(|()| root.present())
            .map_err(|e| failed(e.to_string()))?;
    }
    Ok(vec![png, svg])
}

/// Paints the white page, the title and the lines under it; returns the area left below.
pub fn page<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    notes: &[String],
) -> DrawResult<DrawingArea<DB, Shift>, DB> {
    root.fill(&WHITE)?;
    let left = 60;
    let mut y = 40;
    root.draw(&Text::new(title.to_string(), (left, y), bold(size::TITLE)))?;
    y += (size::TITLE * 1.3) as i32;
    for note in notes {
        root.draw(&Text::new(
            note.clone(),
            (left, y),
            font(size::NOTE).color(&palette::MUTED),
        ))?;
        y += (size::NOTE * 1.35) as i32;
    }
    Ok(root.split_vertically(y + 20).1)
}

/// The texts of an SVG as a reader sees them (`<text>` contents, unescaped), in document
/// order: what tests and the pack's checks search, rather than the raw markup.
pub fn svg_texts(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        rest = &rest[start..];
        let Some(open_end) = rest.find('>') else {
            break;
        };
        rest = &rest[open_end + 1..];
        let Some(close) = rest.find("</text>") else {
            break;
        };
        out.push(
            rest[..close]
                .trim()
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&apos;", "'")
                .replace("&amp;", "&"),
        );
        rest = &rest[close..];
    }
    out
}

/// Every chart of the pack, in the order of the report.
pub struct Charts {
    pub t1_support_rate: t1_support_rate::SupportRate,
    pub t2_events: t2_events::Events,
    pub t3_staff_trained: t3_staff_trained::StaffTrained,
    pub t4_abuse_delays: t4_abuse_delays::AbuseDelays,
    pub t5_injuries_by_subtype: t5_injuries_by_subtype::InjuriesBySubtype,
    pub t5_injuries_by_district: t5_injuries_by_district::InjuriesByDistrict,
    pub t5_abuse_by_subtype: t5_abuse_by_subtype::AbuseBySubtype,
    pub t6_fund: t6_fund::Fund,
    pub report_timeliness: report_timeliness::ReportTimeliness,
    pub scorecard: scorecard::Scorecard,
    /// The charts not drawn, with what the table lacks for them ("fund").
    pub skipped: Vec<(&'static str, &'static str)>,
}

/// The indicators a chart draws, and what they are called in the line that says the chart
/// is skipped: a chart none of whose indicators the table holds — its source is not in the
/// pipeline, as the fund ledger and district reports are not in the national one — is
/// skipped rather than drawn as an empty "no data" chart. The scorecard is always drawn.
fn drawn_from(chart: &str) -> Option<(Vec<&'static str>, &'static str)> {
    Some(match chart {
        "t1_support_rate" => (vec![t1_support_rate::INDICATOR], "support rate"),
        "t2_events" => (
            crate::indicators::reports::EVENTS
                .iter()
                .map(|(indicator, _)| *indicator)
                .collect(),
            "event",
        ),
        "t3_staff_trained" => (vec![t3_staff_trained::INDICATOR], "staff training"),
        "t4_abuse_delays" => (
            vec![
                t4_abuse_delays::DELAY,
                t4_abuse_delays::TIMELY,
                t4_abuse_delays::SUPPORTED,
            ],
            "abuse intervention",
        ),
        "t5_injuries_by_subtype" | "t5_injuries_by_district" => {
            (vec![t5_injuries_by_district::INDICATOR], "injury")
        }
        "t5_abuse_by_subtype" => (vec![t5_abuse_by_subtype::INDICATOR], "abuse"),
        "t6_fund" => (vec![t6_fund::INDICATOR], "fund"),
        "report_timeliness" => (vec![report_timeliness::TIMELINESS], "report timeliness"),
        _ => return None,
    })
}

impl Charts {
    pub fn series(published: &Published, scope: &Scope) -> Self {
        let mut charts = Self::all(published, scope);
        charts.skipped = charts
            .names()
            .into_iter()
            .filter_map(|name| {
                let (indicators, what) = drawn_from(name)?;
                let absent = !published
                    .rows()
                    .iter()
                    .any(|r| indicators.contains(&r.indicator.as_str()));
                absent.then_some((name, what))
            })
            .collect();
        charts
    }

    /// The lines that say which charts are skipped and why.
    pub fn skip_lines(&self) -> Vec<String> {
        self.skipped
            .iter()
            .map(|(name, what)| format!("Chart {name}: skipped, no {what} indicators."))
            .collect()
    }

    fn is_drawn(&self, name: &str) -> bool {
        !self.skipped.iter().any(|(n, _)| *n == name)
    }

    fn names(&self) -> Vec<&'static str> {
        macro_rules! each {
            ($($chart:ident),*) => {
                vec![$(self.$chart.name()),*]
            };
        }
        each!(
            t1_support_rate,
            t2_events,
            t3_staff_trained,
            t4_abuse_delays,
            t5_injuries_by_subtype,
            t5_injuries_by_district,
            t5_abuse_by_subtype,
            t6_fund,
            report_timeliness,
            scorecard
        )
    }

    fn all(published: &Published, scope: &Scope) -> Self {
        Charts {
            t1_support_rate: t1_support_rate::series(published, scope),
            t2_events: t2_events::series(published, scope),
            t3_staff_trained: t3_staff_trained::series(published, scope),
            t4_abuse_delays: t4_abuse_delays::series(published, scope),
            t5_injuries_by_subtype: t5_injuries_by_subtype::series(published, scope),
            t5_injuries_by_district: t5_injuries_by_district::series(published, scope),
            t5_abuse_by_subtype: t5_abuse_by_subtype::series(published, scope),
            t6_fund: t6_fund::series(published, scope),
            report_timeliness: report_timeliness::series(published, scope),
            scorecard: scorecard::series(published, scope),
            skipped: Vec::new(),
        }
    }

    /// (file name, plotted rows) of every chart drawn.
    pub fn plotted(&self, lang: Lang) -> Vec<(&'static str, Vec<PlottedRow>)> {
        self.plotted_all(lang)
            .into_iter()
            .filter(|(name, _)| self.is_drawn(name))
            .collect()
    }

    fn plotted_all(&self, lang: Lang) -> Vec<(&'static str, Vec<PlottedRow>)> {
        macro_rules! each {
            ($($chart:ident),*) => {
                vec![$((self.$chart.name(), self.$chart.plotted(lang))),*]
            };
        }
        each!(
            t1_support_rate,
            t2_events,
            t3_staff_trained,
            t4_abuse_delays,
            t5_injuries_by_subtype,
            t5_injuries_by_district,
            t5_abuse_by_subtype,
            t6_fund,
            report_timeliness,
            scorecard
        )
    }

    /// Writes every chart drawn.
    pub fn save_all(&self, lang: Lang, dir: &Path) -> Result<Vec<PathBuf>, Error> {
        let mut out = Vec::new();
        macro_rules! each {
            ($($chart:ident),*) => {
                $(if self.is_drawn(self.$chart.name()) {
                    out.extend(save(&self.$chart, lang, dir)?);
                })*
            };
        }
        each!(
            t1_support_rate,
            t2_events,
            t3_staff_trained,
            t4_abuse_delays,
            t5_injuries_by_subtype,
            t5_injuries_by_district,
            t5_abuse_by_subtype,
            t6_fund,
            report_timeliness,
            scorecard
        );
        Ok(out)
    }
}

/// Draws every chart of the pack into `dir` (which must exist); returns the files written.
pub fn render_all(
    published: &Published,
    plan: &Plan,
    names: &OrgUnitNames,
    lang: Lang,
    dir: &Path,
    log: &mut dyn FnMut(&str),
) -> Result<Vec<PathBuf>, Error> {
    let scope = Scope::new(plan, names.clone())?;
    let charts = Charts::series(published, &scope);
    for line in charts.skip_lines() {
        log(&line);
    }
    charts.save_all(lang, dir)
}

/// The charts step: draws every chart of `published` (the indicators under disclosure
/// control, [`crate::disclosure::publish_outputs`]) in a staging folder and swaps it in as
/// `charts/`.
pub fn run(
    plan: &Plan,
    layout: &Layout,
    published: &Published,
    lang: Lang,
    log: &mut dyn FnMut(&str),
) -> Result<Vec<PathBuf>, Error> {
    let org_units = layout.ingested().join("org_units.parquet");
    let names = OrgUnitNames::load(&org_units)?;
    let staging = layout.staging();
    let _ = std::fs::remove_dir_all(&staging);
    let built = staging.join("charts");
    std::fs::create_dir_all(&built).map_err(|e| Error::write(&built, e))?;
    let files = render_all(published, plan, &names, lang, &built, log)?;
    let target = layout.charts();
    swap_in(&built, &target).map_err(|e| Error::write(&target, e))?;
    let _ = std::fs::remove_dir_all(&staging);
    log(&format!(
        "charts: {} files written to {}.",
        files.len(),
        target.display()
    ));
    Ok(files
        .iter()
        .filter_map(|f| f.file_name().map(|n| target.join(n)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_the_vietnamese_way_or_the_english_way() {
        assert_eq!(percent(5419.0 / 5518.0, 1, Lang::Vi), "98,2 %");
        assert_eq!(percent(0.985, 1, Lang::En), "98.5%");
        assert_eq!(count(5545.0, Lang::Vi), "5.545");
        assert_eq!(count(5545.0, Lang::En), "5,545");
        assert_eq!(billion_vnd(3.5e9, 1, Lang::Vi), "3,5 tỷ đồng");
        assert_eq!(billion_vnd(3.5e9, 1, Lang::En), "3.5 billion VND");
        assert_eq!(signed_count(-5.0, Lang::Vi), "−5");
        assert_eq!(signed_count(1234.0, Lang::Vi), "+1.234");
        assert_eq!(
            cell_text(Cell::Small, 5, Lang::Vi, |v| count(v, Lang::Vi)),
            "<5"
        );
        assert_eq!(
            cell_text(Cell::Hidden, 5, Lang::Vi, |v| count(v, Lang::Vi)),
            "x"
        );
        assert_eq!(
            cell_text(Cell::Value(0.0), 5, Lang::Vi, |v| count(v, Lang::Vi)),
            "0"
        );
    }

    #[test]
    fn every_chart_is_written_as_a_wide_png_and_an_svg() {
        let p = fixture::publish(&[fixture::ratio("special_support_rate", "64", 3.0, 4.0)]);
        let dir = tempfile::tempdir().unwrap();
        let plan = crate::indicators::fixture::plan(&[("special_support_rate", ">= 0.985")]);
        let mut lines = Vec::new();
        let files = render_all(
            &p,
            &plan,
            &fixture::names(),
            Lang::Vi,
            dir.path(),
            &mut |l| lines.push(l.to_string()),
        )
        .unwrap();
        // The table holds only the support rate: the support rate and the scorecard are
        // drawn, every other chart skipped with a line saying why.
        assert_eq!(files.len(), 4, "{files:?}");
        assert_eq!(lines.len(), 8, "{lines:?}");
        assert!(lines.contains(&"Chart t6_fund: skipped, no fund indicators.".to_string()));
        assert!(!dir.path().join("t6_fund.svg").exists());
        let png = std::fs::read(dir.path().join("t1_support_rate.png")).unwrap();
        let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        assert!(width >= 2400, "{width}");
        let svg = std::fs::read_to_string(dir.path().join("t1_support_rate.svg")).unwrap();
        let texts = svg_texts(&svg);
        // The province's 75 % rests on counts "<5": hidden, never drawn.
        let province = texts.iter().position(|t| t == "Toàn tỉnh").unwrap();
        assert_eq!(texts[province + 1], "x");
        assert!(texts
            .iter()
            .any(|t| t.starts_with("Toàn tỉnh: x (mục tiêu 98,5 %)")));
        assert!(!texts.iter().any(|t| t.contains("75")), "{texts:?}");
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("Màu cam: huyện dưới mục tiêu")),
            "{texts:?}"
        );
    }

    #[test]
    fn one_hundred_and_fifty_units_make_no_chart_a_strip() {
        // 150 units under the province (the new Gia Lai's 135 communes, and some): every
        // chart with a row per unit draws a bounded page, and its drawn rows are a subset
        // of what the table publishes.
        let codes: Vec<&'static str> = (0..150)
            .map(|i| &*Box::leak(format!("{}", 30000 + i).into_boxed_str()))
            .collect();
        let mut rows = vec![
            fixture::ratio("special_support_rate", "64", 14_000.0, 15_000.0),
            fixture::ratio("staff_trained_rate", "64", 280.0, 300.0),
            fixture::count("injured_children", "64", None, 1500.0, Some(1600.0)),
        ];
        for (i, code) in codes.iter().enumerate() {
            let i = i as f64;
            rows.push(fixture::ratio(
                "special_support_rate",
                code,
                90.0 + (i % 11.0),
                100.0,
            ));
            rows.push(fixture::ratio(
                "staff_trained_rate",
                code,
                2.0 - i % 2.0,
                2.0,
            ));
            rows.push(fixture::count(
                "injured_children",
                code,
                None,
                10.0 + i % 7.0,
                Some(12.0),
            ));
        }
        let p = fixture::publish(&rows);
        let scope = fixture::scope(&[
            ("special_support_rate", ">= 0.985"),
            ("staff_trained_rate", "= 1"),
        ]);
        let charts = Charts::series(&p, &scope);
        assert_eq!(charts.t1_support_rate.rates.districts.len(), 150);
        for (name, height) in [
            ("t1", charts.t1_support_rate.height()),
            ("t3", charts.t3_staff_trained.height()),
            ("t5", charts.t5_injuries_by_district.height()),
        ] {
            assert!(height < 3000, "{name}: {height} px");
        }
        for (name, rows) in charts.plotted(Lang::Vi) {
            assert!(
                rows.len() <= units::MAX_ROWS + 1,
                "{name}: {} rows",
                rows.len()
            );
        }
        let dir = tempfile::tempdir().unwrap();
        save(&charts.t1_support_rate, Lang::En, dir.path()).unwrap();
        let texts =
            svg_texts(&std::fs::read_to_string(dir.path().join("t1_support_rate.svg")).unwrap());
        assert!(
            texts.contains(&"All 150 districts".to_string()),
            "{texts:?}"
        );
        assert!(texts.iter().any(|t| t.starts_with("lowest: ")));
    }
}
