//! SVG figures drawn with plotters' SVG backend: no system fonts, no native libraries.
//!
//! A [`Figure`] is plain data (title, axes, series); [`Figure::to_svg`] renders it to a string,
//! so figures are as pure and testable as the markdown around them.

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;

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

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A polyline through the points.
    Line,
    /// A dashed polyline (reference curves).
    Dashed,
    /// Markers only.
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
}

impl Series {
    /// A series with the given label, points, style and palette colour.
    pub fn new(
        label: impl Into<String>,
        points: Vec<(f64, f64)>,
        style: Style,
        color: usize,
    ) -> Self {
        Self { label: label.into(), points, style, color }
    }
}

/// Where the legend sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Legend {
    /// Top left corner (the default).
    #[default]
    UpperLeft,
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
        let (x_range, y_range) = self.ranges()?;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            root.fill(&WHITE).map_err(draw_error)?;
            match (self.x_log, self.y_log) {
                (true, true) => self.draw(
                    &root,
                    (x_range.0..x_range.1).log_scale(),
                    (y_range.0..y_range.1).log_scale(),
                )?,
                (false, false) => self.draw(&root, x_range.0..x_range.1, y_range.0..y_range.1)?,
                (true, false) => {
                    self.draw(&root, (x_range.0..x_range.1).log_scale(), y_range.0..y_range.1)?;
                }
                (false, true) => {
                    self.draw(&root, x_range.0..x_range.1, (y_range.0..y_range.1).log_scale())?;
                }
            }
            root.present().map_err(draw_error)?;
        }
        Ok(svg)
    }

    /// Data ranges with a margin: 5% on linear axes, a quarter decade on log axes.
    fn ranges(&self) -> Result<((f64, f64), (f64, f64))> {
        let points = || {
            self.series
                .iter()
                .flat_map(|s| s.points.iter().copied())
                .filter(|(x, y)| x.is_finite() && y.is_finite())
        };
        let span = |values: Vec<f64>, log: bool| -> Result<(f64, f64)> {
            let values: Vec<f64> = values.into_iter().filter(|v| !log || *v > 0.0).collect();
            let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if !(lo.is_finite() && hi.is_finite()) {
                return Err(anyhow!("figure has no finite data to draw"));
            }
            Ok(if log {
                (lo / 10f64.powf(0.25), hi * 10f64.powf(0.25))
            } else {
                let pad = if hi > lo { 0.05 * (hi - lo) } else { 0.5 * hi.abs().max(1.0) };
                (lo - pad, hi + pad)
            })
        };
        Ok((
            span(points().map(|p| p.0).collect(), self.x_log)?,
            span(points().map(|p| p.1).collect(), self.y_log)?,
        ))
    }

    fn draw<X, Y>(&self, root: &DrawingArea<SVGBackend<'_>, Shift>, x: X, y: Y) -> Result<()>
    where
        X: plotters::coord::ranged1d::AsRangedCoord<Value = f64>,
        Y: plotters::coord::ranged1d::AsRangedCoord<Value = f64>,
        X::CoordDescType: plotters::coord::ranged1d::ValueFormatter<f64>,
        Y::CoordDescType: plotters::coord::ranged1d::ValueFormatter<f64>,
    {
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 22))
            .margin(18)
            .x_label_area_size(48)
            .y_label_area_size(78)
            .build_cartesian_2d(x, y)
            .map_err(draw_error)?;
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .x_label_formatter(&|v| axis_label(*v))
            .y_label_formatter(&|v| axis_label(*v))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(draw_error)?;
        for series in &self.series {
            let color = PALETTE[series.color % PALETTE.len()];
            let points: Vec<(f64, f64)> = series
                .points
                .iter()
                .copied()
                .filter(|(x, y)| x.is_finite() && y.is_finite() && (!self.y_log || *y > 0.0))
                .collect();
            let line = ShapeStyle { color: color.to_rgba(), filled: false, stroke_width: 2 };
            if series.style == Style::LinePoints {
                chart
                    .draw_series(points.iter().map(|p| Circle::new(*p, 3, color.filled())))
                    .map_err(draw_error)?;
            }
            let anno = match series.style {
                Style::Line | Style::LinePoints => {
                    chart.draw_series(LineSeries::new(points.clone(), line)).map_err(draw_error)?
                }
                Style::Dashed => chart
                    .draw_series(DashedLineSeries::new(points.clone(), 8, 6, line))
                    .map_err(draw_error)?,
                Style::Points => chart
                    .draw_series(points.iter().map(|p| Circle::new(*p, 3, color.filled())))
                    .map_err(draw_error)?,
            };
            let marker = series.style;
            anno.label(series.label.as_str()).legend(
                move |(lx, ly)| -> DynElement<'static, SVGBackend<'_>, (i32, i32)> {
                    if marker == Style::Points {
                        Circle::new((lx + 10, ly), 3, color.filled()).into_dyn()
                    } else {
                        PathElement::new(vec![(lx, ly), (lx + 20, ly)], line).into_dyn()
                    }
                },
            );
        }
        chart
            .configure_series_labels()
            .position(match self.legend {
                Legend::UpperLeft => SeriesLabelPosition::UpperLeft,
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

/// Axis tick labels: compact scientific notation for very large or small values.
fn axis_label(v: f64) -> String {
    if v == 0.0 {
        "0".to_owned()
    } else if v.abs() >= 1e4 || v.abs() < 1e-2 {
        format!("{v:.0e}")
    } else {
        lsq::format::significant(v, 3)
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
        for text in ["errors", "qr", "slope", "error"] {
            assert!(svg.contains(text), "missing {text}");
        }
        assert_eq!(svg, fig.to_svg().expect("renders"), "rendering is deterministic");
    }

    #[test]
    fn empty_figures_are_an_error() {
        assert!(Figure::new("t", "x", "y").to_svg().is_err());
    }
}
