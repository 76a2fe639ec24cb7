//! A rate by unit against its target, the shape of T1 and T3: a dot plot, sorted lowest
//! first, whose axis starts near the lowest value (and says so, with a break mark, when it
//! does not start at 0), so that 95,4 % and 100 % — and the distance of each to a 98,5 %
//! line — read at a glance; a bar from 0 would make them all the same length. A unit
//! below the target has its dot in the warning colour, a line from the dot to the target
//! (the gap) and the gap in points beside its value.
//!
//! Past [`units::MAX_ROWS`] units a row each would be a strip thousands of pixels long:
//! the chart then draws every unit as a dot in one band (the distribution, its lowest and
//! highest named), and rows only for the units below the target, worst first (or, with no
//! numeric target, the lowest and the highest). The pack's tables keep every unit.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::hbars::{self, RefLine};
use super::units::{self, MAX_ROWS};
use super::{
    anchored, bold, cell_text, font, goal_percent, palette, percent, size, DrawResult, Field,
    Plotted, PlottedRow, Scope,
};
use crate::disclosure::{Cell, Published};
use crate::text::numbers::format_decimal_vi;
use crate::text::Lang;

#[derive(Debug, Clone, PartialEq)]
pub struct DistrictRates {
    pub min_count: u32,
    /// The level of the top unit (province or country), which names its row.
    pub top_level: &'static str,
    /// The level of the units under it (district, province, commune), which the notes name.
    pub child_level: &'static str,
    pub province: Plotted,
    /// (unit name, its rate), every unit of the table: lowest first, then the suppressed
    /// ones, then those without data.
    pub districts: Vec<(String, Plotted)>,
    /// The target's goal, when it is a number.
    pub goal: Option<f64>,
}

pub fn series(published: &Published, scope: &Scope, indicator: &str) -> DistrictRates {
    let at = |org_unit: &str| {
        Plotted::of(
            published,
            indicator,
            &scope.period,
            org_unit,
            None,
            Field::Value,
        )
    };
    let mut districts: Vec<(String, Plotted)> = scope
        .districts(published, indicator)
        .iter()
        .map(|code| (scope.names.name(code), at(code)))
        .collect();
    sort_lowest_first(&mut districts);
    DistrictRates {
        min_count: published.min_count(),
        top_level: scope.top_level,
        child_level: scope.child_level,
        province: at(&scope.top),
        districts,
        goal: scope.goal(indicator),
    }
}

/// Values lowest first; suppressed cells after them, then missing ones; ties by name.
fn sort_lowest_first(rows: &mut [(String, Plotted)]) {
    let rank = |c: Cell| match c {
        Cell::Value(_) => 0,
        Cell::Small | Cell::Hidden => 1,
        Cell::Missing => 2,
    };
    rows.sort_by(|(na, a), (nb, b)| {
        rank(a.cell)
            .cmp(&rank(b.cell))
            .then_with(|| {
                let (va, vb) = (a.cell.value().unwrap_or(0.0), b.cell.value().unwrap_or(0.0));
                va.total_cmp(&vb)
            })
            .then_with(|| na.cmp(nb))
    });
}

pub use units::top_label;

/// The value axis of a rate chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    /// Between ticks.
    pub step: f64,
}

impl Axis {
    /// From the values drawn and the goal: a round step giving five to ten ticks, the
    /// lowest value half a step in, and 0 itself when the values come near it.
    pub fn of(values: impl IntoIterator<Item = f64>, goal: Option<f64>) -> Axis {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.into_iter().chain(goal) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if !lo.is_finite() {
            return Axis {
                lo: 0.0,
                hi: 1.0,
                step: 0.2,
            };
        }
        // A span of at least two points, so that a chart where every unit is at 100 %
        // still has an axis.
        let span = (hi - lo).max(0.02);
        let step = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2]
            .into_iter()
            .find(|s| span / s <= 8.0)
            .unwrap_or(0.5);
        let mut from = ((lo - 0.5 * step) / step).floor() * step;
        // An axis that would start within a quarter of its length from 0 starts at 0.
        if from <= 0.25 * hi {
            from = 0.0;
        }
        let to = ((hi + 0.5 * step) / step).ceil() * step;
        Axis {
            lo: from.max(0.0),
            hi: to,
            step,
        }
    }

    pub fn from_zero(&self) -> bool {
        self.lo <= 1e-12
    }

    /// Decimals of a tick label: enough to tell two ticks apart.
    pub fn decimals(&self) -> usize {
        if self.step * 100.0 >= 1.0 - 1e-9 {
            0
        } else if self.step * 1000.0 >= 1.0 - 1e-9 {
            1
        } else {
            2
        }
    }
}

impl DistrictRates {
    /// Whether the units are too many for a row each.
    pub fn many(&self) -> bool {
        units::too_many(self.districts.len())
    }

    fn below(&self, cell: Cell) -> bool {
        matches!((cell, self.goal), (Cell::Value(v), Some(g)) if v < g - 1e-9)
    }

    /// The units drawn as rows, top to bottom: all of them, or past [`MAX_ROWS`] the worst
    /// of those below the target (with no numeric target: the lowest and the highest).
    pub fn drawn(&self) -> Vec<&(String, Plotted)> {
        if !self.many() {
            return self.districts.iter().collect();
        }
        if self.goal.is_some() {
            return self
                .districts
                .iter()
                .filter(|(_, p)| self.below(p.cell))
                .take(MAX_ROWS)
                .collect();
        }
        let valued: Vec<&(String, Plotted)> = self
            .districts
            .iter()
            .filter(|(_, p)| p.cell.value().is_some())
            .collect();
        let half = MAX_ROWS / 2;
        if valued.len() <= MAX_ROWS {
            return valued;
        }
        valued[..half]
            .iter()
            .chain(&valued[valued.len() - half..])
            .copied()
            .collect()
    }

    pub fn rows(&self) -> impl Iterator<Item = (bool, &str, &Plotted)> {
        std::iter::once((true, "", &self.province)).chain(
            self.drawn()
                .into_iter()
                .map(|(name, p)| (false, name.as_str(), p)),
        )
    }

    pub fn plotted(&self, lang: Lang) -> Vec<PlottedRow> {
        self.rows()
            .map(|(province, name, p)| PlottedRow {
                label: if province {
                    top_label(self.top_level, lang).to_string()
                } else {
                    name.to_string()
                },
                cells: vec![p.clone()],
            })
            .collect()
    }

    /// The axis: every unit's value counts, drawn as a row or only in the band.
    pub fn axis(&self) -> Axis {
        Axis::of(
            std::iter::once(&self.province)
                .chain(self.districts.iter().map(|(_, p)| p))
                .filter_map(|p| p.cell.value()),
            self.goal,
        )
    }

    /// Row slots of the distribution band (only with many units).
    fn band_slots(&self) -> f64 {
        if self.many() {
            3.0
        } else {
            0.0
        }
    }

    pub fn height(&self) -> u32 {
        let slots = self.drawn().len() as f64 + 1.0 + self.band_slots();
        520 + (78.0 * slots) as u32
    }

    /// "Toàn tỉnh: 98,2 % (mục tiêu 98,5 %)".
    pub fn province_note(&self, lang: Lang) -> String {
        let value = cell_text(self.province.cell, self.min_count, lang, |v| {
            percent(v, 1, lang)
        });
        match self.goal {
            Some(goal) => format!(
                "{}: {value} ({} {})",
                top_label(self.top_level, lang),
                lang.pick("mục tiêu", "target"),
                goal_percent(goal, lang)
            ),
            None => format!("{}: {value}", top_label(self.top_level, lang)),
        }
    }

    /// The chart's notes: the top unit's value and where the axis starts; what the colours
    /// say; with many units, what the rows are.
    pub fn notes(&self, lang: Lang) -> Vec<String> {
        let axis = self.axis();
        let mut first = self.province_note(lang);
        if !axis.from_zero() {
            let from = percent(axis.lo, axis.decimals(), lang);
            first.push_str(&match lang {
                Lang::Vi => format!(". Trục ngang bắt đầu từ {from}, không từ 0"),
                Lang::En => format!(". The axis starts at {from}, not at 0"),
            });
        }
        let unit = lang.units_word(self.child_level);
        let mut notes = vec![first];
        if self.goal.is_some() {
            notes.push(match lang {
                Lang::Vi => format!(
                    "Màu cam: {unit} dưới mục tiêu; vạch đến đường mục tiêu là khoảng cách còn thiếu"
                ),
                Lang::En => format!(
                    "Orange: {unit} below the target; the line to the target is the gap to close"
                ),
            });
        }
        notes.extend(self.selection_notes(lang));
        notes
    }

    /// With many units: how many are below the target, at or above it, not published;
    /// which rows are drawn. Nothing with a row for every unit.
    pub fn selection_notes(&self, lang: Lang) -> Vec<String> {
        if !self.many() {
            return Vec::new();
        }
        let unit = lang.units_word(self.child_level);
        let one = lang.unit_word(self.child_level);
        let all = self.districts.len();
        let below = self
            .districts
            .iter()
            .filter(|(_, p)| self.below(p.cell))
            .count();
        let hidden = self
            .districts
            .iter()
            .filter(|(_, p)| p.cell.is_suppressed())
            .count();
        let met = all - below - hidden - self.missing();
        let drawn = self.drawn().len();
        let m = self.min_count;
        match (self.goal.is_some(), lang) {
            (true, Lang::Vi) => vec![
                format!("{all} {unit}: {below} dưới mục tiêu, {met} đạt, {hidden} không công bố (<{m}, x)"),
                format!("Các hàng: {drawn} {unit} thấp nhất dưới mục tiêu; số liệu từng {one} ở bảng chỉ tiêu"),
            ],
            (true, Lang::En) => vec![
                format!("{all} {unit}: {below} below the target, {met} at or above it, {hidden} not published (<{m}, x)"),
                format!("Rows: the {drawn} lowest below the target; every {one} is in the indicator tables"),
            ],
            (false, Lang::Vi) => vec![
                format!("{all} {unit}, {hidden} không công bố (<{m}, x)"),
                format!("Các hàng: {drawn} {unit} thấp nhất và cao nhất; số liệu từng {one} ở bảng chỉ tiêu"),
            ],
            (false, Lang::En) => vec![
                format!("{all} {unit}, {hidden} not published (<{m}, x)"),
                format!("Rows: the {drawn} lowest and highest; every {one} is in the indicator tables"),
            ],
        }
    }

    fn missing(&self) -> usize {
        self.districts
            .iter()
            .filter(|(_, p)| p.cell == Cell::Missing)
            .count()
    }

    pub fn paint<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        lang: Lang,
    ) -> DrawResult<(), DB> {
        let axis = self.axis();
        let rows: Vec<RateRow> = self
            .rows()
            .map(|(top, name, p)| RateRow {
                label: if top {
                    top_label(self.top_level, lang).to_string()
                } else {
                    name.to_string()
                },
                cell: p.cell,
                text: cell_text(p.cell, self.min_count, lang, |v| percent(v, 1, lang)),
                strong: top,
            })
            .collect();
        let band = self.band_slots();
        let layout = DotLayout {
            label_width: 460,
            value_width: 190,
            band,
        };
        let mut chart = paint_dots(area, &rows, self.goal, axis, &layout, lang)?;
        if self.many() {
            let n = rows.len() as f64 + band;
            self.paint_band(&mut chart, axis, n - 1.0 - band, band, lang)?;
        }
        Ok(())
    }

    /// Every unit as a small dot in one band from `bottom` to `bottom + slots`, dots of the
    /// same value stacked; the lowest and the highest named under it.
    fn paint_band<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
        axis: Axis,
        bottom: f64,
        slots: f64,
        lang: Lang,
    ) -> DrawResult<(), DB> {
        let valued: Vec<(&str, f64)> = self
            .districts
            .iter()
            .filter_map(|(name, p)| Some((name.as_str(), p.cell.value()?)))
            .collect();
        let bins = 160.0;
        let mut stacked: std::collections::BTreeMap<i64, usize> = Default::default();
        let mut dots = Vec::new();
        for (_, v) in &valued {
            let bin = ((v - axis.lo) / (axis.hi - axis.lo) * bins).round() as i64;
            let k = stacked.entry(bin).or_insert(0);
            dots.push((*v, *k));
            *k += 1;
        }
        let base = bottom + 0.75;
        let rise = (slots - 1.2) / 8.0;
        chart.draw_series(dots.iter().map(|&(v, k)| {
            let colour = if self.below(Cell::Value(v)) {
                palette::WARNING
            } else {
                palette::BAR
            };
            Circle::new((v, base + rise * k.min(8) as f64), 9, colour.filled())
        }))?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((axis.lo, bottom + slots / 2.0))
                + Text::new(
                    match lang {
                        Lang::Vi => format!(
                            "Cả {} {}",
                            self.districts.len(),
                            lang.units_word(self.child_level)
                        ),
                        Lang::En => format!(
                            "All {} {}",
                            self.districts.len(),
                            lang.units_word(self.child_level)
                        ),
                    },
                    (-20, 0),
                    anchored(bold(size::LABEL), HPos::Right, VPos::Center),
                ),
        ))?;
        // The extremes, named under the band: the lowest at its left end, the highest at
        // its right end, where their dots are.
        let lowest = valued.first();
        let highest = valued.last();
        if let (Some(&(lo_name, lo)), Some(&(hi_name, hi))) = (lowest, highest) {
            let named =
                |word: &str, name: &str, v: f64| format!("{word} {name} {}", percent(v, 1, lang));
            chart.draw_series(std::iter::once(
                EmptyElement::at((axis.lo, bottom + 0.3))
                    + Text::new(
                        named(lang.pick("thấp nhất:", "lowest:"), lo_name, lo),
                        (12, 0),
                        anchored(font(size::TICK), HPos::Left, VPos::Center),
                    ),
            ))?;
            if valued.len() > 1 {
                chart.draw_series(std::iter::once(
                    EmptyElement::at((axis.hi, bottom + 0.3))
                        + Text::new(
                            named(lang.pick("cao nhất:", "highest:"), hi_name, hi),
                            (-12, 0),
                            anchored(font(size::TICK), HPos::Right, VPos::Center),
                        ),
                ))?;
            }
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(axis.lo, bottom), (axis.hi, bottom)],
            palette::MUTED.stroke_width(2),
        )))?;
        Ok(())
    }
}

/// One row of a dot panel: its label, the published cell, the text of its value, and
/// whether it is the top unit's (bold, a larger dot).
#[derive(Debug, Clone)]
pub struct RateRow {
    pub label: String,
    pub cell: Cell,
    pub text: String,
    pub strong: bool,
}

/// Room in a dot panel: for the row labels, for the value column (the gap in points
/// follows it), and row slots left free under the first row (the distribution band).
#[derive(Debug, Clone)]
pub struct DotLayout {
    pub label_width: u32,
    pub value_width: i32,
    pub band: f64,
}

pub type RateChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Rates as dots against `goal` on `axis`, the shape of every rate chart: rows top to
/// bottom (the first one, then `layout.band` free slots, then the others), a dot at each
/// published value, below the goal in the warning colour with a line to the goal and the
/// gap in points beside the value; a suppressed cell has no dot, its label in the value
/// column. Returns the chart, for what a caller adds.
pub fn paint_dots<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    rows: &[RateRow],
    goal: Option<f64>,
    axis: Axis,
    layout: &DotLayout,
    lang: Lang,
) -> DrawResult<RateChart<'a, DB>, DB> {
    let band = layout.band;
    let n = rows.len() as f64 + band;
    let mut chart = ChartBuilder::on(area)
        .margin_top(70)
        .margin_right(40 + layout.value_width + 330)
        .margin_left(20)
        .x_label_area_size(70)
        .y_label_area_size(layout.label_width)
        .build_cartesian_2d(axis.lo..axis.hi, 0.0..n)?;
    let decimals = axis.decimals();
    let tick = |x: &f64| {
        if *x > 1.0 + 1e-9 || *x < axis.lo - 1e-9 {
            String::new()
        } else {
            percent(*x, decimals, lang)
        }
    };
    let ticks = ((axis.hi - axis.lo) / axis.step).round() as usize + 1;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(ticks)
        .x_label_formatter(&tick)
        .x_label_style(font(size::TICK))
        .bold_line_style(palette::GRID)
        .light_line_style(WHITE)
        .axis_style(palette::MUTED)
        .draw()?;
    if !axis.from_zero() {
        // The break mark: the axis does not start at 0.
        chart.draw_series(std::iter::once(
            EmptyElement::at((axis.lo, 0.0))
                + Rectangle::new([(12, -5), (44, 5)], WHITE.filled())
                + PathElement::new(
                    vec![(12, 0), (18, -10), (30, 10), (38, 0), (44, 0)],
                    palette::TEXT.stroke_width(4),
                ),
        ))?;
    }

    // Every other row shaded, under everything else.
    for i in (2..rows.len()).step_by(2) {
        let y = n - band - i as f64 - 0.5;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(axis.lo, y - 0.5), (axis.hi, y + 0.5)],
            RGBColor(0xf4, 0xf6, 0xf8).filled(),
        )))?;
    }
    // The goal line first, so the dots sit on it.
    if let Some(goal) = goal {
        let line = RefLine {
            at: goal,
            label: format!(
                "{} {}",
                lang.pick("Mục tiêu", "Target"),
                goal_percent(goal, lang)
            ),
        };
        hbars::target_line(&mut chart, &line, n)?;
    }

    // Row centres: the top unit, then the band (with many units), then the rows.
    let centre = |i: usize| {
        if i == 0 {
            n - 0.5
        } else {
            n - band - i as f64 - 0.5
        }
    };
    for (i, row) in rows.iter().enumerate() {
        let y = centre(i);
        let below = matches!((row.cell, goal), (Cell::Value(v), Some(g)) if v < g - 1e-9);
        let colour = if below {
            palette::WARNING
        } else if row.strong {
            palette::PROVINCE
        } else {
            palette::BAR
        };
        if let (Cell::Value(v), Some(goal)) = (row.cell, goal) {
            if below {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(v, y), (goal, y)],
                    palette::WARNING.mix(0.55).stroke_width(8),
                )))?;
            }
        }
        if let Cell::Value(v) = row.cell {
            chart.draw_series(std::iter::once(Circle::new(
                (v, y),
                if row.strong { 18 } else { 15 },
                colour.filled(),
            )))?;
        }
        // The row's label, then its value's (the disclosure tests read them in this
        // order), then the gap.
        hbars::row_label(&mut chart, (axis.lo, y), &row.label, row.strong)?;
        let value_style = if row.cell.value().is_some() {
            font(size::LABEL)
        } else {
            font(size::LABEL).color(&palette::MUTED)
        };
        chart.draw_series(std::iter::once(
            EmptyElement::at((axis.hi, y))
                + Text::new(
                    row.text.clone(),
                    (40, 0),
                    anchored(value_style, HPos::Left, VPos::Center),
                ),
        ))?;
        if let (Cell::Value(v), Some(goal), true) = (row.cell, goal, below) {
            chart.draw_series(std::iter::once(
                EmptyElement::at((axis.hi, y))
                    + Text::new(
                        gap_points(v - goal, lang),
                        (40 + layout.value_width, 0),
                        anchored(
                            font(size::TICK).color(&palette::WARNING),
                            HPos::Left,
                            VPos::Center,
                        ),
                    ),
            ))?;
        }
    }
    Ok(chart)
}

/// A gap to the target in percentage points: "−3,1 điểm %" / "−3.1 pp".
pub fn gap_points(gap: f64, lang: Lang) -> String {
    let vi = format_decimal_vi(gap.abs() * 100.0, 1);
    let sign = if gap < 0.0 { "−" } else { "+" };
    match lang {
        Lang::Vi => format!("{sign}{vi} điểm %"),
        Lang::En => format!("{sign}{} pp", vi.replace(',', ".")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::fixture::{publish, ratio, scope};

    #[test]
    fn an_axis_for_rates_near_their_target_starts_near_the_lowest() {
        // 63 provinces between 96,7 % and 98,0 %, target 98,5 %.
        let a = Axis::of([0.967, 0.975, 0.98], Some(0.985));
        assert!(!a.from_zero());
        assert!(a.lo > 0.95 && a.lo < 0.967 - 0.001, "{a:?}");
        assert!(a.hi >= 0.985, "{a:?}");
        // Kông Chro's 95,4 % and Đăk Pơ's 100 %: one axis from 95 % or so.
        let b = Axis::of([0.954, 1.0], Some(0.985));
        assert!(b.lo > 0.9 && b.lo <= 0.954, "{b:?}");
        // Rates spread down to 20 %: from 0, no break.
        let c = Axis::of([0.2, 0.9], Some(1.0));
        assert!(c.from_zero(), "{c:?}");
        // Everyone at 100 %: still an axis.
        let d = Axis::of([1.0, 1.0], Some(1.0));
        assert!(d.hi > d.lo, "{d:?}");
    }

    #[test]
    fn the_gap_reads_in_points() {
        assert_eq!(gap_points(0.954 - 0.985, Lang::Vi), "−3,1 điểm %");
        assert_eq!(gap_points(0.954 - 0.985, Lang::En), "−3.1 pp");
    }

    #[test]
    fn many_units_draw_the_worst_below_target_and_name_the_rest_in_the_note() {
        // 40 units, 64 + codes 622.. with rates from 90 % up; target 98,5 %.
        let codes: Vec<&'static str> = (0..40)
            .map(|i| &*Box::leak(format!("{}", 700 + i).into_boxed_str()))
            .collect();
        let mut rows = vec![ratio("special_support_rate", "64", 3900.0, 4000.0)];
        for (i, code) in codes.iter().enumerate() {
            rows.push(ratio(
                "special_support_rate",
                code,
                900.0 + 2.5 * i as f64,
                1000.0,
            ));
        }
        let mut sc = scope(&[("special_support_rate", ">= 0.985")]);
        sc.names = crate::charts::OrgUnitNames::new(
            codes.iter().map(|c| (c.to_string(), format!("Unit {c}"))),
        );
        let s = series(&publish(&rows), &sc, "special_support_rate");
        assert!(s.many());
        assert_eq!(s.districts.len(), 40);
        // 90 %, 90,25 % … below 98,5 %: i < 34 (900 + 2.5 i < 985).
        let drawn = s.drawn();
        assert_eq!(drawn.len(), MAX_ROWS);
        assert_eq!(drawn[0].0, "Unit 700", "worst first");
        assert!(drawn.iter().all(|(_, p)| p.cell.value().unwrap() < 0.985));
        let notes = s.selection_notes(Lang::Vi);
        assert_eq!(
            notes[0],
            "40 huyện: 34 dưới mục tiêu, 6 đạt, 0 không công bố (<5, x)"
        );
        assert_eq!(s.plotted(Lang::Vi).len(), MAX_ROWS + 1);
        // Far fewer pixels than a row each.
        assert!(s.height() < 520 + 78 * 35, "{}", s.height());
    }
}
