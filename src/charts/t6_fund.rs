//! T6: the provincial Child Protection Fund — what was raised, cumulatively month by
//! month against the 4-billion line, and by kind (cash, in kind, programmes), in tỷ đồng
//! (`fund_raised_vnd` and its `cumulative_month=` and `kind=` breakdowns).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::hbars::{self, Bar, Panel, RefLine, Row};
use super::{
    anchored, billion_vnd, bold, cell_text, font, page, palette, size, Chart, DrawResult, Field,
    Plotted, PlottedRow, Scope,
};
use crate::disclosure::{Cell, Published};
use crate::text::numbers::format_decimal_vi;
use crate::text::Lang;

pub const INDICATOR: &str = "fund_raised_vnd";
const KINDS: [&str; 3] = ["cash", "in_kind", "programme"];

#[derive(Debug, Clone, PartialEq)]
pub struct Fund {
    pub year: i32,
    pub min_count: u32,
    pub total: Plotted,
    pub goal: Option<f64>,
    /// ("YYYY-MM", raised since the start of the period), in month order.
    pub months: Vec<(String, Plotted)>,
    /// (kind, raised), in the ledger's order of kinds.
    pub kinds: Vec<(String, Plotted)>,
}

pub fn series(published: &Published, scope: &Scope) -> Fund {
    let at = |breakdown: Option<&str>| {
        Plotted::of(
            published,
            INDICATOR,
            &scope.period,
            &scope.top,
            breakdown,
            Field::Value,
        )
    };
    let mut months = scope.breakdowns(published, INDICATOR, "cumulative_month");
    months.sort();
    let found = scope.breakdowns(published, INDICATOR, "kind");
    let mut kinds: Vec<String> = KINDS
        .iter()
        .map(|k| k.to_string())
        .filter(|k| found.contains(k))
        .collect();
    kinds.extend(
        found
            .iter()
            .filter(|k| !kinds.contains(k))
            .cloned()
            .collect::<Vec<_>>(),
    );
    Fund {
        year: scope.year,
        min_count: published.min_count(),
        total: at(None),
        goal: scope.goal(INDICATOR),
        months: months
            .into_iter()
            .map(|m| {
                let p = at(Some(&format!("cumulative_month={m}")));
                (m, p)
            })
            .collect(),
        kinds: kinds
            .into_iter()
            .map(|k| {
                let p = at(Some(&format!("kind={k}")));
                (k, p)
            })
            .collect(),
    }
}

pub fn kind_name(kind: &str, lang: Lang) -> String {
    match kind {
        "cash" => lang.pick("Tiền mặt", "Cash"),
        "in_kind" => lang.pick("Hiện vật (quy ra tiền)", "In kind (valued)"),
        "programme" => lang.pick("Chương trình hỗ trợ", "Support programmes"),
        other => other,
    }
    .to_string()
}

/// "2021-03" → "T3" / "Mar".
fn month_name(month: &str, lang: Lang) -> String {
    let n: usize = month
        .rsplit('-')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match lang {
        Lang::Vi => format!("T{n}"),
        Lang::En => EN.get(n.wrapping_sub(1)).unwrap_or(&"?").to_string(),
    }
}

/// Billions with `decimals` decimals and no unit: "3,49" / "3.49".
fn billions(v: f64, decimals: usize, lang: Lang) -> String {
    let vi = format_decimal_vi(v / 1e9, decimals);
    match lang {
        Lang::Vi => vi,
        Lang::En => vi.replace(',', "."),
    }
}

impl Fund {
    pub fn title(&self, lang: Lang) -> String {
        format!(
            "{} – {}",
            lang.pick(
                "Vận động Quỹ Bảo trợ trẻ em tỉnh",
                "Provincial Child Protection Fund raised",
            ),
            self.year
        )
    }

    fn goal_label(&self, goal: f64, lang: Lang) -> String {
        format!(
            "{} {}",
            lang.pick("Mục tiêu", "Target"),
            billion_vnd(goal, 0, lang)
        )
    }

    fn rows(&self, lang: Lang) -> Vec<(String, bool, &Plotted)> {
        std::iter::once((
            lang.pick("Tổng cộng", "Total").to_string(),
            true,
            &self.total,
        ))
        .chain(
            self.kinds
                .iter()
                .map(|(k, p)| (kind_name(k, lang), false, p)),
        )
        .collect()
    }

    fn paint_months<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        lang: Lang,
    ) -> DrawResult<(), DB> {
        area.draw(&Text::new(
            lang.pick(
                "Số tiền vận động cộng dồn theo tháng (tỷ đồng)",
                "Raised since January, month by month (billion VND)",
            )
            .to_string(),
            (60, 10),
            bold(size::LABEL),
        ))?;
        let area = area.split_vertically((size::LABEL * 1.6) as i32).1;
        let values: Vec<Option<f64>> = self.months.iter().map(|(_, p)| p.cell.value()).collect();
        let top = values
            .iter()
            .flatten()
            .copied()
            .chain(self.goal)
            .fold(1e9, f64::max)
            * 1.15;
        let n = self.months.len().max(1);
        let mut chart = ChartBuilder::on(&area)
            .margin_right(80)
            .margin_left(20)
            .margin_top(20)
            .x_label_area_size(70)
            .y_label_area_size(160)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), 0.0..top)?;
        let months = &self.months;
        let x_label = |x: &f64| {
            let i = x.round();
            if (x - i).abs() > 1e-9 || i < 0.0 {
                return String::new();
            }
            months
                .get(i as usize)
                .map(|(m, _)| month_name(m, lang))
                .unwrap_or_default()
        };
        let y_label = |y: &f64| billions(*y, 1, lang);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&x_label)
            .y_labels(8)
            .y_label_formatter(&y_label)
            .label_style(font(size::TICK))
            .bold_line_style(palette::GRID)
            .light_line_style(WHITE)
            .axis_style(palette::MUTED)
            .draw()?;
        if let Some(goal) = self.goal {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(-0.5, goal), (n as f64 - 0.5, goal)],
                palette::TARGET.stroke_width(5),
            )))?;
            chart.draw_series(std::iter::once(
                EmptyElement::at((-0.3, goal))
                    + Text::new(
                        self.goal_label(goal, lang),
                        (0, -12),
                        anchored(
                            bold(size::LABEL).color(&palette::TARGET),
                            HPos::Left,
                            VPos::Bottom,
                        ),
                    ),
            ))?;
        }
        let points: Vec<(f64, f64)> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i as f64, v)))
            .collect();
        chart.draw_series(LineSeries::new(
            points.clone(),
            palette::BAR.stroke_width(6),
        ))?;
        chart.draw_series(
            points
                .iter()
                .map(|&p| Circle::new(p, 12, palette::BAR.filled())),
        )?;
        for (i, (_, p)) in self.months.iter().enumerate() {
            let (y, text) = match p.cell {
                Cell::Value(v) => (v, billions(v, 2, lang)),
                other => (
                    0.0,
                    cell_text(other, self.min_count, lang, |_| String::new()),
                ),
            };
            chart.draw_series(std::iter::once(
                EmptyElement::at((i as f64, y))
                    + Text::new(
                        text,
                        (0, 24),
                        anchored(font(size::TICK), HPos::Center, VPos::Top),
                    ),
            ))?;
        }
        Ok(())
    }
}

impl Chart for Fund {
    fn name(&self) -> &'static str {
        "t6_fund"
    }

    fn height(&self) -> u32 {
        2000
    }

    fn paint<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        lang: Lang,
    ) -> DrawResult<(), DB> {
        let total = cell_text(self.total.cell, self.min_count, lang, |v| {
            billion_vnd(v, 2, lang)
        });
        let note = match self.goal {
            Some(goal) => format!(
                "{}: {total} ({} {})",
                lang.pick("Cả năm", "Whole year"),
                lang.pick("mục tiêu", "target"),
                billion_vnd(goal, 0, lang)
            ),
            None => format!("{}: {total}", lang.pick("Cả năm", "Whole year")),
        };
        let area = page(root, &self.title(lang), &[note])?;
        let (upper, lower) = area.split_vertically(1150);
        self.paint_months(&upper, lang)?;
        let short = |cell: Cell| matches!((cell, self.goal), (Cell::Value(v), Some(g)) if v < g);
        let rows = self
            .rows(lang)
            .into_iter()
            .map(|(label, total, p)| Row {
                label,
                bars: vec![Bar {
                    cell: p.cell,
                    text: cell_text(p.cell, self.min_count, lang, |v| billion_vnd(v, 2, lang)),
                    colour: if total && short(p.cell) {
                        palette::WARNING
                    } else if total {
                        palette::PROVINCE
                    } else {
                        palette::BAR
                    },
                }],
                strong: total,
            })
            .collect();
        let range = hbars::range_of(
            self.rows(lang)
                .iter()
                .filter_map(|(_, _, p)| p.cell.value()),
            self.goal.unwrap_or(0.0),
            0.12,
        );
        let tick = |x: f64| billions(x, 1, lang);
        hbars::paint(
            &lower,
            &Panel {
                heading: Some(
                    lang.pick("Theo hình thức (tỷ đồng)", "By kind (billion VND)")
                        .to_string(),
                ),
                rows,
                legend: Vec::new(),
                lines: self
                    .goal
                    .map(|g| RefLine {
                        at: g,
                        label: self.goal_label(g, lang),
                    })
                    .into_iter()
                    .collect(),
                range,
                tick: &tick,
                label_width: 560,
            },
        )
    }

    /// The rows of the kind panel (the monthly line is not a row chart; the fund counts
    /// đồng, which disclosure control never suppresses).
    fn plotted(&self, lang: Lang) -> Vec<PlottedRow> {
        self.rows(lang)
            .into_iter()
            .map(|(label, _, p)| PlottedRow {
                label,
                cells: vec![p.clone()],
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::fixture::{count, publish, scope};

    #[test]
    fn months_in_order_and_kinds_in_ledger_order_never_suppressed() {
        // đồng identify no child: an in-kind gift worth 3 đồng is shown as it is.
        let vnd = |b: Option<&'static str>, v: f64| count(INDICATOR, "64", b, v, None).unit("vnd");
        let p = publish(&[
            vnd(None, 3.5e9),
            vnd(Some("kind=programme"), 1.5e9 - 3.0),
            vnd(Some("kind=in_kind"), 3.0),
            vnd(Some("kind=cash"), 2e9),
            vnd(Some("cumulative_month=2021-02"), 3.5e9),
            vnd(Some("cumulative_month=2021-01"), 1e9),
        ]);
        let s = series(&p, &scope(&[(INDICATOR, ">= 4000000000")]));
        let months: Vec<(&str, Cell)> =
            s.months.iter().map(|(m, p)| (m.as_str(), p.cell)).collect();
        assert_eq!(
            months,
            [
                ("2021-01", Cell::Value(1e9)),
                ("2021-02", Cell::Value(3.5e9))
            ]
        );
        let kinds: Vec<(&str, Cell)> = s.kinds.iter().map(|(k, p)| (k.as_str(), p.cell)).collect();
        assert_eq!(
            kinds,
            [
                ("cash", Cell::Value(2e9)),
                ("in_kind", Cell::Value(3.0)),
                ("programme", Cell::Value(1.5e9 - 3.0))
            ]
        );
        assert_eq!((s.total.cell, s.goal), (Cell::Value(3.5e9), Some(4e9)));
        assert_eq!(month_name("2021-03", Lang::Vi), "T3");
        assert_eq!(month_name("2021-03", Lang::En), "Mar");
    }
}
