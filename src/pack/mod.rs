//! The published pack: what report writers take away. Everything in it is drawn from the
//! disclosure-controlled table of `disclosure`, never from the internal indicators.
//!
//! The pack step takes the published table the run made (`crate::disclosure`), gathers
//! what the renderers need into one [`Contents`] (names, findings, provenance, charts) and
//! builds `index.html`, the table pages `tables/`, `indicators.xlsx` and `charts/` in the
//! staging folder before
//! swapping the whole folder in as `<out>/pack/`, so a reader never finds half a pack. The renderers
//! (`xlsx`, `html`) are pure functions of [`Contents`]; tests build one by hand.

pub mod html;
pub mod tables;
pub mod words;
pub mod xlsx;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::columns as c;
use crate::config::{Plan, Target};
use crate::disclosure::{Cell, Published, PublishedRow};
use crate::error::Error;
use crate::reference::TopUnit;
use crate::store::layout::{swap_in, Layout};
use crate::text::Lang;

/// One row of `indicators/data_quality.parquet`.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub check: String,
    pub rule: String,
    pub severity: String,
    pub period: Option<String>,
    pub district: Option<String>,
    pub left_item: Option<String>,
    pub left_value: Option<f64>,
    pub right_item: Option<String>,
    pub right_value: Option<f64>,
    pub detail: Option<String>,
    /// Where a form rule's values stand in the district's workbook: the sheet and the
    /// cells of the left and right items (`D14`).
    pub sheet: Option<String>,
    pub left_cell: Option<String>,
    pub right_cell: Option<String>,
}

/// How a finding's negative figure is shown: that it is below zero, not by how much.
pub const NEGATIVE: &str = "< 0";

/// A value as the pack may show it.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    /// A number and the unit it is written in.
    Number(f64, String),
    /// The label of a suppressed value ("<5", "x").
    Label(String),
    Empty,
}

impl Shown {
    fn of(cell: Cell, unit: &str, min_count: u32) -> Self {
        match cell {
            Cell::Value(v) => Shown::Number(v, unit.to_string()),
            Cell::Small | Cell::Hidden => Shown::Label(cell.label(min_count).unwrap_or_default()),
            Cell::Missing => Shown::Empty,
        }
    }

    pub fn text(&self, lang: Lang) -> String {
        match self {
            Shown::Number(v, unit) => words::value(*v, unit, lang),
            Shown::Label(l) => l.clone(),
            Shown::Empty => String::new(),
        }
    }
}

/// A file the pack was built from.
#[derive(Debug, Clone, PartialEq)]
pub struct InputFile {
    pub path: String,
    /// None when the file cannot be read any more.
    pub bytes: Option<u64>,
    pub sha256: Option<String>,
}

impl InputFile {
    pub fn of(path: &Path) -> Self {
        let digest = || -> std::io::Result<(u64, String)> {
            let mut file = std::fs::File::open(path)?;
            let mut hasher = Sha256::new();
            let mut buf = vec![0u8; 64 * 1024];
            let mut bytes = 0u64;
            loop {
                let n = file.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                bytes += n as u64;
                hasher.update(&buf[..n]);
            }
            Ok((bytes, hex::encode(hasher.finalize())))
        };
        let (bytes, sha256) = match digest() {
            Ok((b, s)) => (Some(b), Some(s)),
            Err(_) => (None, None),
        };
        InputFile {
            path: tidy(path),
            bytes,
            sha256,
        }
    }
}

/// `pipelines/../sample_data/x.csv` → `sample_data/x.csv`: the path a reader would type.
fn tidy(path: &Path) -> String {
    use std::path::Component;
    let mut parts: Vec<Component> = Vec::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(parts.last(), Some(Component::Normal(_))) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.iter().collect::<PathBuf>().display().to_string()
}

/// What the pack was built from.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    pub pipeline: InputFile,
    pub inputs: Vec<InputFile>,
    pub version: String,
    pub built_at: String,
    /// Run id and start time from `<out>/manifest.json`, when a run left one.
    pub manifest: Option<(String, String)>,
}

/// A chart of the pack: its SVG and, when present, its PNG twin (paths inside the pack).
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub svg: String,
    pub png: Option<String>,
}

/// Everything the renderers draw from.
#[derive(Debug, Clone)]
pub struct Contents {
    pub published: Published,
    pub findings: Vec<Finding>,
    /// Org unit code → name as a reader knows it ("Huyện Chư Sê").
    pub names: BTreeMap<String, String>,
    /// The unit the pack speaks for (the province, or the country of a pipeline with
    /// several provinces) and the levels below it.
    pub top: TopUnit,
    pub year: i32,
    /// The periods of the reporting year, in the plan's order.
    pub periods: Vec<String>,
    /// The period the scorecard judges (the whole year, else its last period).
    pub annual_period: Option<String>,
    pub targets: Vec<Target>,
    pub provenance: Provenance,
    pub charts: Vec<Chart>,
    pub lang: Lang,
}

impl Contents {
    pub fn min_count(&self) -> u32 {
        self.published.min_count()
    }

    /// The unit's name, or its code when the org units do not name it; the country, which
    /// they do not list, is "Việt Nam".
    pub fn name(&self, code: &str) -> String {
        match self.names.get(code) {
            Some(name) => name.clone(),
            None if code == crate::columns::COUNTRY => crate::columns::COUNTRY_NAME.to_string(),
            None => code.to_string(),
        }
    }

    /// The published rows of the reporting year, in the table's order.
    pub fn rows_of_year(&self) -> impl Iterator<Item = &PublishedRow> {
        self.published
            .rows()
            .iter()
            .filter(|r| self.periods.contains(&r.period))
    }

    /// The indicators with rows in the reporting year, in order of first appearance.
    pub fn indicators_of_year(&self) -> Vec<String> {
        let mut seen = BTreeSet::new();
        self.rows_of_year()
            .filter(|r| seen.insert(r.indicator.clone()))
            .map(|r| r.indicator.clone())
            .collect()
    }

    /// The indicator's name in the pack's language, in the words of the units that report.
    pub fn indicator_name(&self, code: &str) -> String {
        words::indicator(code, self.lang, self.top.reporting_level)
    }

    /// A finding's description in the pack's language.
    pub fn finding_detail(&self, f: &Finding) -> String {
        words::finding_detail(f, self.lang, self.top.reporting_level)
    }

    /// The column headers in the pack's language.
    pub fn headers(&self) -> words::Headers {
        words::Headers {
            lang: self.lang,
            reporting: self.top.reporting_level,
        }
    }

    /// The top unit's total row of `indicator` in the annual period.
    pub fn score(&self, indicator: &str) -> Option<&PublishedRow> {
        let period = self.annual_period.as_deref()?;
        self.published.get(indicator, period, &self.top.code, None)
    }

    /// The two values of a finding as the pack may show them. The values of form rules and
    /// source gaps are counts of children: shown when 0 or at least min_count. An outlier's
    /// are an indicator's value and baseline: shown as that indicator's published cells.
    pub fn finding_values(&self, f: &Finding) -> (Shown, Shown) {
        let min = self.min_count();
        if f.check == "outlier" {
            let row = match (&f.left_item, &f.period, &f.district) {
                (Some(ind), Some(period), Some(district)) => {
                    self.published.get(ind, period, district, None)
                }
                _ => None,
            };
            return match row {
                Some(r) => (
                    Shown::of(r.value, &r.unit, min),
                    Shown::of(r.baseline, &r.unit, min),
                ),
                // Not in the published table: nothing can be said safely.
                None => (Shown::Label("x".into()), Shown::Label("x".into())),
            };
        }
        if f.check == "source_gap" {
            // The same pair is a `source_gap` row (numerator: the form, denominator: the
            // software): show what that row publishes, complementary suppression included.
            let row = match (&f.left_item, &f.period, &f.district) {
                (Some(item), Some(period), Some(district)) => self.published.get(
                    "source_gap",
                    period,
                    district,
                    Some(&format!("item={item}")),
                ),
                _ => None,
            };
            if let Some(r) = row {
                return (
                    Shown::of(r.numerator, "count", min),
                    Shown::of(r.denominator, "count", min),
                );
            }
        }
        let count = |v: Option<f64>| match v {
            None => Shown::Empty,
            Some(v) if v == 0.0 || v >= f64::from(min) => Shown::Number(v, "count".into()),
            // A negative figure is an error of the form, not a small count, and "<5" would
            // say it is one; its size stays unshown, since −3 may be a mistyped 3.
            Some(v) if v < 0.0 => Shown::Label(NEGATIVE.into()),
            Some(_) => Shown::Label(Cell::Small.label(min).unwrap_or_default()),
        };
        (count(f.left_value), count(f.right_value))
    }

    /// The units of a finding's two values in words: a form rule's items in their forms'
    /// units (B2.02 counts children, B2.01 cases); a source gap's form item and the
    /// software's count of the same thing in the item's unit; an outlier's value and
    /// baseline in its indicator's unit.
    pub fn finding_units(&self, f: &Finding) -> (String, String) {
        let lang = self.lang;
        let item = |code: &Option<String>| {
            code.as_deref()
                .and_then(|c| words::item_unit(c, lang))
                .unwrap_or_default()
                .to_string()
        };
        match f.check.as_str() {
            "outlier" => {
                let unit = match (&f.left_item, &f.period, &f.district) {
                    (Some(ind), Some(period), Some(district)) => self
                        .published
                        .get(ind, period, district, None)
                        .map(|r| words::unit(ind, &r.unit, lang)),
                    _ => None,
                }
                .unwrap_or_default();
                (unit.clone(), unit)
            }
            "source_gap" => (item(&f.left_item), item(&f.left_item)),
            _ => (item(&f.left_item), item(&f.right_item)),
        }
    }

    /// Findings by (check, severity): how many.
    pub fn finding_counts(&self) -> BTreeMap<(String, String), usize> {
        let mut out = BTreeMap::new();
        for f in &self.findings {
            *out.entry((f.check.clone(), f.severity.clone()))
                .or_insert(0) += 1;
        }
        out
    }

    /// The pack's title.
    pub fn title(&self) -> String {
        let province = self.name(&self.top.code);
        match self.lang {
            Lang::Vi => format!(
                "Số liệu bảo vệ, chăm sóc trẻ em {province} năm {}",
                self.year
            ),
            Lang::En => format!("Child protection statistics, {province}, {}", self.year),
        }
    }
}

/// Reads `data_quality.parquet`'s rows.
pub fn read_findings(df: &DataFrame) -> PolarsResult<Vec<Finding>> {
    let s = |name: &str| -> PolarsResult<StringChunked> { Ok(df.column(name)?.str()?.clone()) };
    let f = |name: &str| -> PolarsResult<Float64Chunked> {
        Ok(df.column(name)?.cast(&DataType::Float64)?.f64()?.clone())
    };
    let (check, rule, severity, period, district, left, right, detail) = (
        s(c::CHECK)?,
        s(c::RULE)?,
        s(c::SEVERITY)?,
        s(c::PERIOD)?,
        s(c::DISTRICT_CODE)?,
        s(c::LEFT_ITEM)?,
        s(c::RIGHT_ITEM)?,
        s(c::DETAIL)?,
    );
    let (left_value, right_value) = (f(c::LEFT_VALUE)?, f(c::RIGHT_VALUE)?);
    // Tables written before findings had cells lack these columns.
    let located = |name: &str| df.column(name).ok().and_then(|s| s.str().ok().cloned());
    let (sheet, left_cell, right_cell) = (
        located(c::SHEET),
        located(c::LEFT_CELL),
        located(c::RIGHT_CELL),
    );
    let text = |ca: &StringChunked, i: usize| ca.get(i).map(str::to_string);
    let cell = |ca: &Option<StringChunked>, i: usize| ca.as_ref().and_then(|ca| text(ca, i));
    Ok((0..df.height())
        .map(|i| Finding {
            check: text(&check, i).unwrap_or_default(),
            rule: text(&rule, i).unwrap_or_default(),
            severity: text(&severity, i).unwrap_or_default(),
            period: text(&period, i),
            district: text(&district, i),
            left_item: text(&left, i),
            left_value: left_value.get(i),
            right_item: text(&right, i),
            right_value: right_value.get(i),
            detail: text(&detail, i),
            sheet: cell(&sheet, i),
            left_cell: cell(&left_cell, i),
            right_cell: cell(&right_cell, i),
        })
        .collect())
}

/// Org unit names from the clean `org_units` table: "Huyện Chư Sê", "Tỉnh Gia Lai".
pub fn read_names(df: &DataFrame, lang: Lang) -> PolarsResult<BTreeMap<String, String>> {
    let (code, kind, name) = (
        df.column(c::CODE)?.str()?,
        df.column(c::UNIT_TYPE)?.str()?,
        df.column(c::NAME)?.str()?,
    );
    Ok((0..df.height())
        .filter_map(|i| {
            let shown = match (lang, kind.get(i)) {
                (Lang::Vi, Some(k)) => format!("{k} {}", name.get(i)?),
                _ => name.get(i)?.to_string(),
            };
            Some((code.get(i)?.to_string(), shown))
        })
        .collect())
}

fn read_parquet(path: &Path) -> Result<DataFrame, Error> {
    let file = std::fs::File::open(path).map_err(|_| {
        Error::Usage(format!(
            "There is no \"{}\": run the indicators step first (`treem run --only indicators`).",
            path.display()
        ))
    })?;
    ParquetReader::new(file)
        .finish()
        .map_err(|e| Error::polars(&format!("reading {}", path.display()), e))
}

/// Run id and start time of `<out>/manifest.json`, whatever else it holds.
fn read_manifest(path: &Path) -> Option<(String, String)> {
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let field = |name: &str| json.get(name)?.as_str().map(str::to_string);
    Some((field("run_id")?, field("started").unwrap_or_default()))
}

/// The charts in `dir` (a pack's `charts/`): every SVG, with its PNG twin when there is one.
pub fn list_charts(dir: &Path) -> Vec<Chart> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut svgs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "svg"))
        .collect();
    // The report's order: the targets' charts (t1_…, t6_…), then the others by name.
    svgs.sort_by_cached_key(|p| {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        (!name.starts_with('t'), name)
    });
    svgs.iter()
        .filter_map(|svg| {
            let name = svg.file_name()?.to_str()?.to_string();
            let png = svg.with_extension("png");
            let png = png
                .is_file()
                .then(|| png.file_name()?.to_str().map(|n| format!("charts/{n}")))
                .flatten();
            Some(Chart {
                svg: format!("charts/{name}"),
                png,
            })
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// What the step leaves for the run.
#[derive(Debug)]
pub struct PackSummary {
    pub dir: PathBuf,
    pub rows: usize,
    pub suppressed: usize,
    pub charts: usize,
}

/// Runs the step: builds `<out>/pack/` from `published` (the indicators under disclosure
/// control, [`crate::disclosure::publish_outputs`]) and the rest of `layout`.
pub fn run(
    plan: &Plan,
    layout: &Layout,
    published: Published,
    lang: Lang,
    log: &mut dyn FnMut(&str),
) -> Result<PackSummary, Error> {
    let quality = read_parquet(&layout.indicators().join("data_quality.parquet"))?;
    let findings =
        read_findings(&quality).map_err(|e| Error::polars("reading the data-quality table", e))?;
    let names = match std::fs::File::open(layout.ingested().join("org_units.parquet")) {
        Ok(file) => ParquetReader::new(file)
            .finish()
            .and_then(|df| read_names(&df, lang))
            .map_err(|e| Error::polars("reading the org unit names", e))?,
        Err(_) => BTreeMap::new(),
    };

    let staging = layout.staging();
    let _ = std::fs::remove_dir_all(&staging);
    let built = staging.join("pack");
    std::fs::create_dir_all(&built).map_err(|e| Error::write(&built, e))?;
    let charts_out = layout.root.join("charts");
    if charts_out.is_dir() {
        copy_dir(&charts_out, &built.join("charts"))
            .map_err(|e| Error::write(&built.join("charts"), e))?;
    }

    let mut inputs = vec![
        InputFile::of(&plan.org_units),
        InputFile::of(&plan.population),
    ];
    for source in &plan.sources {
        inputs.extend(source.files.iter().map(|f| InputFile::of(f)));
    }
    let in_year = crate::indicators::periods_in_year(plan);
    let contents = Contents {
        findings,
        names,
        top: plan.top_unit(),
        year: plan.year,
        periods: plan
            .periods
            .iter()
            .filter(|p| in_year.contains(&p.key))
            .map(|p| p.key.clone())
            .collect(),
        annual_period: crate::indicators::scorecard::annual_period(plan).map(|p| p.key.clone()),
        targets: plan.targets.clone(),
        provenance: Provenance {
            pipeline: InputFile::of(&plan.file),
            inputs,
            version: crate::BUILD.to_string(),
            built_at: chrono::Utc::now()
                .format("%Y-%m-%d %H:%M:%S UTC")
                .to_string(),
            manifest: read_manifest(&layout.root.join("manifest.json")),
        },
        charts: list_charts(&built.join("charts")),
        lang,
        published,
    };

    xlsx::write(&contents, &built.join("indicators.xlsx"))?;
    let pages = tables::pages(&contents);
    std::fs::create_dir_all(built.join(tables::DIR))
        .map_err(|e| Error::write(&built.join(tables::DIR), e))?;
    for table in &pages {
        let path = built.join(&table.file);
        std::fs::write(&path, tables::render(&contents, table))
            .map_err(|e| Error::write(&path, e))?;
    }
    let page = built.join("index.html");
    std::fs::write(&page, html::render(&contents, &pages)).map_err(|e| Error::write(&page, e))?;

    let target = layout.pack();
    swap_in(&built, &target).map_err(|e| Error::write(&target, e))?;
    let _ = std::fs::remove_dir_all(&staging);
    let rows: Vec<&PublishedRow> = contents.rows_of_year().collect();
    let suppressed = rows
        .iter()
        .filter(|r| {
            [r.numerator, r.denominator, r.value, r.baseline, r.change]
                .iter()
                .any(|c| c.is_suppressed())
        })
        .count();
    log(&format!(
        "pack: {} rows of {} ({suppressed} with suppressed cells), {} charts, in {}.",
        rows.len(),
        plan.year,
        contents.charts.len(),
        target.display()
    ));
    Ok(PackSummary {
        dir: target,
        rows: rows.len(),
        suppressed,
        charts: contents.charts.len(),
    })
}

#[cfg(test)]
pub(crate) mod fixture;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_negative_form_figure_is_said_to_be_negative_not_small() {
        let contents = fixture::contents(Lang::Vi);
        let mut f = contents.findings[0].clone();
        f.check = "form_rule".into();
        f.rule = "no_negative_values".into();
        f.left_value = Some(-3.0);
        f.right_value = None;
        let (left, right) = contents.finding_values(&f);
        assert_eq!(left, Shown::Label(NEGATIVE.into()));
        assert_eq!(right, Shown::Empty);
        f.left_value = Some(3.0);
        assert_eq!(contents.finding_values(&f).0, Shown::Label("<5".into()));
        f.left_value = Some(12.0);
        assert_eq!(
            contents.finding_values(&f).0,
            Shown::Number(12.0, "count".into())
        );
    }
}
