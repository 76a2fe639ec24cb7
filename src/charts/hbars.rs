//! The horizontal bar panel most charts are made of: one row per district or category,
//! one bar per series in a row, a value label at every bar and reference lines (targets).
//! Shared so that every chart treats suppressed cells alike: no bar, the `<5` / `x` label
//! where the bar would start.
//!
//! Each row's label is drawn right before the labels of its bars, so in the SVG a row's
//! label text is followed by its bars' labels in order (the disclosure test relies on it).

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{anchored, bold, font, palette, size, DrawResult};
use crate::disclosure::Cell;

/// One bar: the published cell, the text drawn for it and its colour.
#[derive(Debug, Clone)]
pub struct Bar {
    pub cell: Cell,
    pub text: String,
    pub colour: RGBColor,
}

/// One row of bars.
#[derive(Debug, Clone)]
pub struct Row {
    pub label: String,
    pub bars: Vec<Bar>,
    /// Bold label (the province's row).
    pub strong: bool,
}

/// A vertical line across the panel, labelled at its top (a target).
#[derive(Debug, Clone)]
pub struct RefLine {
    pub at: f64,
    pub label: String,
}

pub struct Panel<'a> {
    pub heading: Option<String>,
    pub rows: Vec<Row>,
    /// Series names and colours; no legend when empty.
    pub legend: Vec<(String, RGBColor)>,
    pub lines: Vec<RefLine>,
    /// The value axis, from..to.
    pub range: (f64, f64),
    pub tick: &'a dyn Fn(f64) -> String,
    /// Room for the row labels, in pixels.
    pub label_width: u32,
}

/// The value axis for values in `values` with room for labels: 0 always in, and a margin
/// of `pad` (a share of the span) on the sides where bars reach.
pub fn range_of(values: impl IntoIterator<Item = f64>, at_least: f64, pad: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, at_least);
    for v in values {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    let span = (hi - lo).max(1e-9);
    let lo = if lo < 0.0 { lo - pad * span } else { 0.0 };
    (lo, hi + pad * span)
}

/// The colour of text on a bar: white on dark bars, dark on light ones.
fn on(bar: RGBColor) -> RGBColor {
    let RGBColor(r, g, b) = bar;
    let luminance = 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
    if luminance < 140.0 {
        WHITE
    } else {
        palette::TEXT
    }
}

pub fn paint<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
) -> DrawResult<(), DB> {
    let mut area = area.clone();
    if let Some(heading) = &panel.heading {
        area.draw(&Text::new(heading.clone(), (60, 10), bold(size::LABEL)))?;
        area = area.split_vertically((size::LABEL * 1.6) as i32).1;
    }
    if !panel.legend.is_empty() {
        let mut x = panel.label_width as i32 + 40;
        for (name, colour) in &panel.legend {
            area.draw(&Rectangle::new([(x, 8), (x + 40, 44)], colour.filled()))?;
            area.draw(&Text::new(
                name.clone(),
                (x + 55, 26),
                anchored(font(size::LABEL), HPos::Left, VPos::Center),
            ))?;
            x += 80 + (name.chars().count() as f64 * size::LABEL * 0.6) as i32;
        }
        area = area.split_vertically(60).1;
    }
    let n = panel.rows.len().max(1) as f64;
    let (lo, hi) = panel.range;
    let top = if panel.lines.is_empty() { 10 } else { 60 };
    let mut chart = ChartBuilder::on(&area)
        .margin_top(top)
        .margin_right(60)
        .margin_left(20)
        .x_label_area_size(70)
        .y_label_area_size(panel.label_width)
        .build_cartesian_2d(lo..hi, 0.0..n)?;
    let tick = |x: &f64| (panel.tick)(*x);
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(8)
        .x_label_formatter(&tick)
        .x_label_style(font(size::TICK))
        .bold_line_style(palette::GRID)
        .light_line_style(WHITE)
        .axis_style(palette::MUTED)
        .draw()?;

    let span = hi - lo;
    for (i, row) in panel.rows.iter().enumerate() {
        let top = n - i as f64 - 0.15;
        let band = 0.7 / row.bars.len().max(1) as f64;
        let centre = |j: usize| top - band * (j as f64 + 0.5);
        for (j, bar) in row.bars.iter().enumerate() {
            if let Cell::Value(v) = bar.cell {
                let (y0, y1) = (top - band * (j as f64 + 1.0), top - band * j as f64);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [
                        (v.min(0.0), y0 + band * 0.04),
                        (v.max(0.0), y1 - band * 0.04),
                    ],
                    bar.colour.filled(),
                )))?;
            }
        }
        row_label(&mut chart, (lo, n - i as f64 - 0.5), &row.label, row.strong)?;
        for (j, bar) in row.bars.iter().enumerate() {
            let y = centre(j);
            let style = font(size::LABEL);
            let inside = on(bar.colour);
            let element = match bar.cell {
                // Long bars carry their label inside, in white; short ones beside the end.
                Cell::Value(v) if v > 0.3 * span => {
                    EmptyElement::at((v, y))
                        + Text::new(
                            bar.text.clone(),
                            // Clear of a target line just short of the bar's end.
                            (-48, 0),
                            anchored(style.color(&inside), HPos::Right, VPos::Center),
                        )
                }
                Cell::Value(v) if v < 0.0 => {
                    EmptyElement::at((v, y))
                        + Text::new(
                            bar.text.clone(),
                            (-14, 0),
                            anchored(style, HPos::Right, VPos::Center),
                        )
                }
                Cell::Value(v) => {
                    EmptyElement::at((v, y))
                        + Text::new(
                            bar.text.clone(),
                            (14, 0),
                            anchored(style, HPos::Left, VPos::Center),
                        )
                }
                _ => {
                    EmptyElement::at((0.0, y))
                        + Text::new(
                            bar.text.clone(),
                            (14, 0),
                            anchored(style.color(&palette::MUTED), HPos::Left, VPos::Center),
                        )
                }
            };
            chart.draw_series(std::iter::once(element))?;
        }
    }
    for line in &panel.lines {
        target_line(&mut chart, line, n)?;
    }
    if lo < 0.0 {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (0.0, n)],
            palette::TEXT.stroke_width(2),
        )))?;
    }
    Ok(())
}

/// A target line across rows 0..`n` of a chart, labelled above its top.
pub fn target_line<DB: DrawingBackend>(
    chart: &mut ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    line: &RefLine,
    n: f64,
) -> DrawResult<(), DB> {
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(line.at, 0.0), (line.at, n)],
        palette::TARGET.stroke_width(5),
    )))?;
    chart.draw_series(std::iter::once(
        EmptyElement::at((line.at, n))
            + Text::new(
                line.label.clone(),
                (0, -14),
                anchored(
                    bold(size::LABEL).color(&palette::TARGET),
                    HPos::Center,
                    VPos::Bottom,
                ),
            ),
    ))?;
    Ok(())
}

/// A row's label, right-aligned left of the plot at `at` (bold for the top unit's row).
pub fn row_label<DB: DrawingBackend>(
    chart: &mut ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    at: (f64, f64),
    label: &str,
    strong: bool,
) -> DrawResult<(), DB> {
    let style = if strong {
        bold(size::LABEL)
    } else {
        font(size::LABEL)
    };
    chart.draw_series(std::iter::once(
        EmptyElement::at(at)
            + Text::new(
                label.to_string(),
                (-20, 0),
                anchored(style, HPos::Right, VPos::Center),
            ),
    ))?;
    Ok(())
}
