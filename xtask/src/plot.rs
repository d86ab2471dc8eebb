//! SVG figures drawn with plotters' SVG backend: no system fonts, no native libraries.
//!
//! A [`Figure`] is plain data (title, axes, series); [`Figure::to_svg`] renders it to a string,
//! and [`side_by_side`] renders several as panels of one figure, so figures are as pure and
//! testable as the markdown around them. The ticks of every axis are chosen here rather than by
//! plotters, so that each axis has one label format: a fixed number of decimals on a linear
//! axis, powers of ten on a logarithmic one.

use std::ops::Range;

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;

use crate::markdown::superscript;

/// Okabe–Ito colours, distinguishable with the common colour-vision deficiencies.
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];

/// Figure size in pixels.
const SIZE: (u32, u32) = (860, 520);

/// About this many labelled ticks on a linear axis (the 1-2-5 steps give between 4 and 11).
const LINEAR_TICKS: f64 = 8.0;

/// At most this many labelled decades on a logarithmic axis; beyond it every second (third, …)
/// decade is labelled.
const LOG_TICKS: usize = 9;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A polyline through the points.
    Line,
    /// A dashed polyline (reference curves).
    Dashed,
    /// Markers only, with vertical error bars when the series has them.
    Points,
    /// A polyline with markers.
    LinePoints,
}

/// One labelled series.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// The points, in data coordinates.
    pub points: Vec<(f64, f64)>,
    /// How to draw it.
    pub style: Style,
    /// Index into the palette.
    pub color: usize,
    /// Half-widths of vertical error bars, one per point (empty: no error bars). Drawn for
    /// [`Style::Points`] only.
    pub errors: Vec<f64>,
}

impl Series {
    /// A series with the given label, points, style and palette colour.
    pub fn new(
        label: impl Into<String>,
        points: Vec<(f64, f64)>,
        style: Style,
        color: usize,
    ) -> Self {
        Self { label: label.into(), points, style, color, errors: Vec::new() }
    }

    /// Adds vertical error bars `y ± errors[i]` to a [`Style::Points`] series.
    #[must_use]
    pub fn with_errors(mut self, errors: Vec<f64>) -> Self {
        self.errors = errors;
        self
    }

    /// The finite points with their error half-widths (0 without error bars).
    fn drawable(&self, y_log: bool) -> Vec<(f64, f64, f64)> {
        self.points
            .iter()
            .enumerate()
            .map(|(i, &(x, y))| (x, y, self.errors.get(i).copied().unwrap_or(0.0)))
            .filter(|&(x, y, e)| {
                x.is_finite() && y.is_finite() && e.is_finite() && (!y_log || y > 0.0)
            })
            .collect()
    }
}

/// Where the legend sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Legend {
    /// Top left corner (the default).
    #[default]
    UpperLeft,
    /// Left edge, half-way up.
    MiddleLeft,
    /// Top right corner.
    UpperRight,
    /// Bottom left corner.
    LowerLeft,
    /// Bottom right corner.
    LowerRight,
}

/// A 2-D chart: title, axis labels, optional log scales, series.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Title drawn above the plot.
    pub title: String,
    /// Label of the horizontal axis.
    pub x_label: String,
    /// Label of the vertical axis.
    pub y_label: String,
    /// Logarithmic horizontal axis.
    pub x_log: bool,
    /// Logarithmic vertical axis.
    pub y_log: bool,
    /// The data.
    pub series: Vec<Series>,
    /// Legend placement.
    pub legend: Legend,
}

impl Figure {
    /// A figure with linear axes and no series yet.
    pub fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
    ) -> Self {
        Self {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            x_log: false,
            y_log: false,
            series: Vec::new(),
            legend: Legend::UpperLeft,
        }
    }

    /// Switches both axes to logarithmic scales.
    #[must_use]
    pub fn log_log(mut self) -> Self {
        self.x_log = true;
        self.y_log = true;
        self
    }

    /// Adds a series.
    #[must_use]
    pub fn with(mut self, series: Series) -> Self {
        self.series.push(series);
        self
    }

    /// Renders the figure to an SVG document.
    ///
    /// # Errors
    /// If there is nothing to draw or plotters fails (it does not on valid data).
    pub fn to_svg(&self) -> Result<String> {
        side_by_side(std::slice::from_ref(self))
    }

    /// The data's extent on each axis, error bars included, with a margin: 5% on linear axes,
    /// a quarter decade on log axes.
    fn ranges(&self) -> Result<((f64, f64), (f64, f64))> {
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for s in &self.series {
            for (x, y, e) in s.drawable(self.y_log) {
                xs.push(x);
                ys.extend([y - e, y + e]);
            }
        }
        let span = |values: &[f64], log: bool| -> Result<(f64, f64)> {
            let (lo, hi) = values
                .iter()
                .copied()
                .filter(|v| !log || *v > 0.0)
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
            if !(lo.is_finite() && hi.is_finite()) {
                return Err(anyhow!("figure `{}` has no finite data to draw", self.title));
            }
            Ok(if log {
                (lo / 10f64.powf(0.25), hi * 10f64.powf(0.25))
            } else {
                let pad = if hi > lo { 0.05 * (hi - lo) } else { 0.5 * hi.abs().max(1.0) };
                (lo - pad, hi + pad)
            })
        };
        Ok((span(&xs, self.x_log)?, span(&ys, self.y_log)?))
    }

    fn draw(&self, area: &DrawingArea<SVGBackend<'_>, Shift>) -> Result<()> {
        let ((x0, x1), (y0, y1)) = self.ranges()?;
        let (x_axis, y_axis) = (Axis::new(x0, x1, self.x_log), Axis::new(y0, y1, self.y_log));
        let (x_labels, y_labels) = (x_axis.ticks.len(), y_axis.ticks.len());
        let mut chart = ChartBuilder::on(area)
            .caption(&self.title, ("sans-serif", 22))
            .margin(18)
            .x_label_area_size(48)
            .y_label_area_size(78)
            .build_cartesian_2d(x_axis.clone(), y_axis.clone())
            .map_err(draw_error)?;
        chart
            .configure_mesh()
            .x_labels(x_labels)
            .y_labels(y_labels)
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .x_label_formatter(&|v| x_axis.label(*v))
            .y_label_formatter(&|v| y_axis.label(*v))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(draw_error)?;
        for series in &self.series {
            let color = PALETTE[series.color % PALETTE.len()];
            let drawable = series.drawable(self.y_log);
            let points: Vec<(f64, f64)> = drawable.iter().map(|&(x, y, _)| (x, y)).collect();
            let line = ShapeStyle { color: color.to_rgba(), filled: false, stroke_width: 2 };
            let markers = || points.iter().map(|p| Circle::new(*p, 3, color.filled()));
            let anno = match series.style {
                Style::Line => {
                    chart.draw_series(LineSeries::new(points.clone(), line)).map_err(draw_error)?
                }
                Style::LinePoints => {
                    chart.draw_series(markers()).map_err(draw_error)?;
                    chart.draw_series(LineSeries::new(points.clone(), line)).map_err(draw_error)?
                }
                Style::Dashed => chart
                    .draw_series(DashedLineSeries::new(points.clone(), 8, 6, line))
                    .map_err(draw_error)?,
                Style::Points => {
                    if !series.errors.is_empty() {
                        let bar = ShapeStyle { stroke_width: 1, ..line };
                        chart
                            .draw_series(drawable.iter().map(|&(x, y, e)| {
                                PathElement::new(vec![(x, y - e), (x, y + e)], bar)
                            }))
                            .map_err(draw_error)?;
                        // Caps four pixels either side of each end of the bar.
                        let cap = |at: (f64, f64)| {
                            EmptyElement::at(at) + PathElement::new(vec![(-4, 0), (4, 0)], bar)
                        };
                        chart
                            .draw_series(
                                drawable
                                    .iter()
                                    .flat_map(|&(x, y, e)| [cap((x, y - e)), cap((x, y + e))]),
                            )
                            .map_err(draw_error)?;
                    }
                    chart.draw_series(markers()).map_err(draw_error)?
                }
            };
            let anno = anno.label(series.label.as_str());
            match series.style {
                Style::Points => {
                    anno.legend(move |(lx, ly)| Circle::new((lx + 10, ly), 3, color.filled()));
                }
                Style::Dashed => {
                    anno.legend(move |(lx, ly)| {
                        EmptyElement::at((lx, ly))
                            + PathElement::new(vec![(0, 0), (8, 0)], line)
                            + PathElement::new(vec![(12, 0), (20, 0)], line)
                    });
                }
                Style::Line | Style::LinePoints => {
                    anno.legend(move |(lx, ly)| {
                        PathElement::new(vec![(lx, ly), (lx + 20, ly)], line)
                    });
                }
            }
        }
        chart
            .configure_series_labels()
            .position(match self.legend {
                Legend::UpperLeft => SeriesLabelPosition::UpperLeft,
                Legend::MiddleLeft => SeriesLabelPosition::MiddleLeft,
                Legend::UpperRight => SeriesLabelPosition::UpperRight,
                Legend::LowerLeft => SeriesLabelPosition::LowerLeft,
                Legend::LowerRight => SeriesLabelPosition::LowerRight,
            })
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()
            .map_err(draw_error)?;
        Ok(())
    }
}

/// Renders figures as panels side by side in one SVG document of the usual size.
///
/// # Errors
/// If there are no figures, a figure has nothing to draw, or plotters fails.
pub fn side_by_side(figures: &[Figure]) -> Result<String> {
    if figures.is_empty() {
        return Err(anyhow!("no figure to draw"));
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        for (figure, area) in figures.iter().zip(root.split_evenly((1, figures.len()))) {
            figure.draw(&area)?;
        }
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

/// One axis: its range, scale, labelled ticks and grid lines, and the one label format they
/// share. It is the coordinate plotters maps with, so plotters draws exactly these ticks.
#[derive(Debug, Clone, PartialEq)]
struct Axis {
    lo: f64,
    hi: f64,
    log: bool,
    /// Labelled ticks.
    ticks: Vec<f64>,
    /// Light grid lines between them.
    minor: Vec<f64>,
    /// The format every label of this axis uses.
    format: TickFormat,
}

/// How the ticks of one axis are written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum TickFormat {
    /// Fixed decimals, the same for every tick: `0.0, 0.5, 1.0`.
    Decimals(usize),
    /// A fixed-decimals mantissa times one power of ten for the whole axis: `2.5×10⁶`.
    Scaled { decimals: usize, exponent: i32 },
    /// Powers of ten, `10⁻⁴`, for decade ticks.
    Power,
    /// A one-digit mantissa times a power of ten, `2×10⁻¹`, for a log axis shorter than two
    /// decades.
    MantissaPower,
}

impl Axis {
    fn new(lo: f64, hi: f64, log: bool) -> Self {
        let (ticks, minor, format) = if log { log_ticks(lo, hi) } else { linear_ticks(lo, hi) };
        Self { lo, hi, log, ticks, minor, format }
    }

    fn label(&self, v: f64) -> String {
        match self.format {
            TickFormat::Decimals(d) => fixed(v, d),
            TickFormat::Scaled { decimals, exponent } => {
                format!("{}×10{}", fixed(v / 10f64.powi(exponent), decimals), superscript(exponent))
            }
            TickFormat::Power => format!("10{}", superscript(decade(v))),
            TickFormat::MantissaPower => {
                let e = decade(v);
                format!("{}×10{}", fixed(v / 10f64.powi(e), 0), superscript(e))
            }
        }
    }
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let t = if self.log {
            (value.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (value - self.lo) / (self.hi - self.lo)
        };
        let pixels = f64::from(limit.1 - limit.0) * t;
        // Pixel coordinates are small integers; points far outside the range are clamped so
        // that they stay representable (plotters clips them to the plotting area).
        limit.0 + float_to_pixels(pixels.clamp(-1e6, 1e6))
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() { self.minor.clone() } else { self.ticks.clone() }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

#[expect(
    clippy::cast_possible_truncation,
    reason = "the value is clamped to ±1e6 and rounded, so it fits in an i32"
)]
fn float_to_pixels(v: f64) -> i32 {
    v.round() as i32
}

#[expect(
    clippy::cast_possible_truncation,
    reason = "decimal exponents of finite f64 values lie within ±330"
)]
fn decade(v: f64) -> i32 {
    v.abs().log10().floor() as i32
}

/// Ticks at multiples of a 1-2-5 step, all written with the decimals the step needs.
fn linear_ticks(lo: f64, hi: f64) -> (Vec<f64>, Vec<f64>, TickFormat) {
    let raw = (hi - lo) / LINEAR_TICKS;
    let magnitude = 10f64.powi(decade(raw));
    let (nice, subdivisions) = match raw / magnitude {
        f if f <= 1.0 => (1.0, 5.0),
        f if f <= 2.0 => (2.0, 4.0),
        f if f <= 5.0 => (5.0, 5.0),
        _ => (10.0, 5.0),
    };
    let step = nice * magnitude;
    let multiples = |step: f64| -> Vec<f64> {
        let (first, last) = ((lo / step).ceil(), (hi / step).floor());
        std::iter::successors(Some(first), |k| Some(k + 1.0))
            .take_while(|k| *k <= last)
            .map(|k| k * step)
            .collect()
    };
    let ticks = multiples(step);
    let minor = multiples(step / subdivisions);
    let step_decade = decade(step);
    let largest = ticks.iter().fold(0.0f64, |m, t| m.max(t.abs()));
    let format = if largest >= 1e6 || step_decade < -4 {
        let exponent = decade(largest.max(step));
        TickFormat::Scaled {
            decimals: usize::try_from(exponent - step_decade).unwrap_or(0),
            exponent,
        }
    } else {
        TickFormat::Decimals(usize::try_from(-step_decade).unwrap_or(0))
    };
    (ticks, minor, format)
}

/// Ticks at powers of ten (every k-th decade on long axes), grid lines at the decades or at
/// their 2…9 multiples; short axes get ticks at 1, 2 and 5 times the powers of ten.
fn log_ticks(lo: f64, hi: f64) -> (Vec<f64>, Vec<f64>, TickFormat) {
    const ALL: [f64; 9] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];
    let (first, last) = (decade(lo), decade(hi));
    let multiples = |factors: &[f64]| -> Vec<f64> {
        (first..=last)
            .flat_map(|k| factors.iter().map(move |f| f * 10f64.powi(k)))
            .filter(|v| (lo..=hi).contains(v))
            .collect()
    };
    let decades: Vec<i32> =
        (first..=last).filter(|&k| (lo..=hi).contains(&10f64.powi(k))).collect();
    if decades.len() < 2 {
        return (multiples(&[1.0, 2.0, 5.0]), multiples(&ALL), TickFormat::MantissaPower);
    }
    let stride = i32::try_from(decades.len().div_ceil(LOG_TICKS)).unwrap_or(i32::MAX);
    let ticks =
        decades.iter().filter(|k| k.rem_euclid(stride) == 0).map(|&k| 10f64.powi(k)).collect();
    let minor = if stride == 1 {
        multiples(&ALL)
    } else {
        decades.iter().map(|&k| 10f64.powi(k)).collect()
    };
    (ticks, minor, TickFormat::Power)
}

/// `v` with `decimals` decimals, without a minus sign on zero.
fn fixed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') {
        s.trim_start_matches('-').to_owned()
    } else {
        s
    }
}

fn draw_error<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow!("drawing a figure failed: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_render_to_standalone_svg_with_their_labels() {
        let fig = Figure::new("errors", "κ", "error")
            .log_log()
            .with(Series::new("qr", vec![(1.0, 1e-16), (1e8, 1e-8)], Style::LinePoints, 0))
            .with(Series::new("slope", vec![(1.0, 1e-16), (1e8, 1e-8)], Style::Dashed, 1));
        let svg = fig.to_svg().expect("renders");
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        for text in ["errors", "qr", "slope", "error", "10⁻¹⁶", "10⁴"] {
            assert!(svg.contains(text), "missing {text}");
        }
        assert_eq!(svg, fig.to_svg().expect("renders"), "rendering is deterministic");
    }

    #[test]
    fn empty_figures_are_an_error() {
        assert!(Figure::new("t", "x", "y").to_svg().is_err());
        assert!(side_by_side(&[]).is_err());
    }

    #[track_caller]
    fn check_labels(lo: f64, hi: f64, log: bool, expected: &[&str]) {
        let axis = Axis::new(lo, hi, log);
        let labels: Vec<String> = axis.ticks.iter().map(|&t| axis.label(t)).collect();
        assert_eq!(labels, expected);
    }

    #[test]
    fn every_tick_of_an_axis_has_the_same_format() {
        check_labels(-0.15, 3.15, false, &["0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0"]);
        check_labels(-0.9, 17.9, false, &["0", "5", "10", "15"]);
        check_labels(
            -2.231,
            -2.218,
            false,
            &["-2.230", "-2.228", "-2.226", "-2.224", "-2.222", "-2.220", "-2.218"],
        );
        check_labels(
            0.0,
            3e6,
            false,
            &["0.0×10⁶", "0.5×10⁶", "1.0×10⁶", "1.5×10⁶", "2.0×10⁶", "2.5×10⁶", "3.0×10⁶"],
        );
        check_labels(0.005, 2e5, true, &["10⁻²", "10⁻¹", "10⁰", "10¹", "10²", "10³", "10⁴", "10⁵"]);
        check_labels(
            0.5,
            1e16,
            true,
            &["10⁰", "10²", "10⁴", "10⁶", "10⁸", "10¹⁰", "10¹²", "10¹⁴", "10¹⁶"],
        );
        check_labels(0.15, 0.9, true, &["2×10⁻¹", "5×10⁻¹"]);
    }

    #[test]
    fn error_bars_widen_the_range() {
        let fig = Figure::new("t", "x", "y").with(
            Series::new("s", vec![(0.0, 1.0), (1.0, 2.0)], Style::Points, 0)
                .with_errors(vec![1.0, 3.0]),
        );
        let (_, (lo, hi)) = fig.ranges().expect("finite data");
        assert!(lo < 0.0 && hi > 5.0, "{lo} {hi}");
    }
}
