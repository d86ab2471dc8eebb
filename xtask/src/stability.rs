//! The solver-stability study: forward and backward errors of every method against κ.
//!
//! For each κ, seeded known-answer problems from `sim::known_answer` (A with ‖A‖₂ = 1 and the
//! prescribed κ₂, a unit x*, and a consistent y = A·x*) are solved by every method. The report
//! (`reports/stability.md`) and the `stability` bench both call [`run`], so the figure and the
//! bench print the same numbers.

use std::fmt::Write as _;

use anyhow::Result;
use linalg_core::count_to_f64;
use lsq::{FitOptions, Method};
use nalgebra::{DMatrix, DVector};

/// The study's parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// log₁₀ κ values to test.
    pub log_kappas: Vec<i32>,
    /// Problems per κ.
    pub problems: usize,
    /// Rows of each problem.
    pub rows: usize,
    /// Columns of each problem.
    pub cols: usize,
    /// Seed of the first problem; problem i at κ index k uses `seed + 1000·k + i`.
    pub seed: u64,
}

impl Default for Config {
    /// κ = 10⁰, 10², …, 10¹⁶; 25 problems of 60×12 each.
    fn default() -> Self {
        Self {
            log_kappas: (0..=16).step_by(2).collect(),
            problems: 25,
            rows: 60,
            cols: 12,
            seed: 20_240_611,
        }
    }
}

/// Errors of one method at one κ, over the problems that it solved.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The method.
    pub method: Method,
    /// The prescribed κ₂(A).
    pub kappa: f64,
    /// Median relative forward error ‖x̂ − x*‖/‖x*‖.
    pub median_forward: f64,
    /// Largest relative forward error.
    pub worst_forward: f64,
    /// Median normwise backward error ‖b − Ax̂‖/(‖A‖_F‖x̂‖ + ‖b‖).
    pub median_backward: f64,
    /// Largest normwise backward error.
    pub worst_backward: f64,
    /// Problems the method refused (typed errors such as a singular normal matrix).
    pub refused: usize,
    /// Problems attempted.
    pub problems: usize,
}

/// The whole study.
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    /// The parameters it ran with.
    pub config: Config,
    /// One cell per (κ, method), κ-major.
    pub cells: Vec<Cell>,
}

/// The methods the study compares: the three of the lesson, QR without a rank cut-off so that
/// it is measured up to κ = 1/ε, and QR in double-double as the exact-arithmetic reference.
pub const METHODS: [Method; 4] =
    [Method::Inverse, Method::NormalEquations, Method::Qr, Method::ExtendedQr];

fn solve(method: Method, a: &DMatrix<f64>, b: &DVector<f64>) -> lsq::Result<lsq::Solution> {
    // A zero tolerance turns QR's rank decision off (the textbook methods have none): the
    // study measures the arithmetic.
    lsq::solve(a, b, &FitOptions::default().method(method).tolerance(0.0))
}

/// Runs the study.
///
/// # Errors
/// If `sim` rejects the configuration (for example κ < 1 or cols > rows).
pub fn run(config: &Config) -> Result<Study> {
    let mut cells = Vec::new();
    for (k, &log_kappa) in config.log_kappas.iter().enumerate() {
        let kappa = 10f64.powi(log_kappa);
        let mut errors: Vec<Vec<(f64, f64)>> = vec![Vec::new(); METHODS.len()];
        let mut refused = [0usize; METHODS.len()];
        for i in 0..config.problems {
            let seed = config.seed + 1000 * u64::try_from(k)? + u64::try_from(i)?;
            let problem = sim::known_answer(
                config.rows,
                config.cols,
                kappa,
                0.0,
                &mut sim::rng_from_seed(seed),
            )?;
            let a_norm = problem.a.norm();
            for (mi, &method) in METHODS.iter().enumerate() {
                match solve(method, &problem.a, &problem.y) {
                    Ok(solution) => {
                        let x = solution.coefficients();
                        let forward = (x - &problem.x_star).norm() / problem.x_star.norm();
                        let residual = (&problem.y - &problem.a * x).norm();
                        let backward = residual / (a_norm * x.norm() + problem.y.norm());
                        errors[mi].push((forward, backward));
                    }
                    Err(_) => refused[mi] += 1,
                }
            }
        }
        for (mi, &method) in METHODS.iter().enumerate() {
            let mut forward: Vec<f64> = errors[mi].iter().map(|e| e.0).collect();
            let mut backward: Vec<f64> = errors[mi].iter().map(|e| e.1).collect();
            cells.push(Cell {
                method,
                kappa,
                median_forward: median(&mut forward),
                worst_forward: forward.iter().copied().fold(f64::NAN, f64::max),
                median_backward: median(&mut backward),
                worst_backward: backward.iter().copied().fold(f64::NAN, f64::max),
                refused: refused[mi],
                problems: config.problems,
            });
        }
    }
    Ok(Study { config: config.clone(), cells })
}

fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    lsq::format::quantile_sorted(values, 0.5)
}

impl Study {
    /// The cells of one method, in κ order.
    pub fn method(&self, method: Method) -> impl Iterator<Item = &Cell> {
        self.cells.iter().filter(move |c| c.method == method)
    }

    /// Comma-separated values, one row per (κ, method), with a header.
    pub fn to_csv(&self) -> String {
        let mut out = "kappa,method,median_forward,worst_forward,median_backward,worst_backward,refused,problems\n".to_owned();
        for c in &self.cells {
            let _ = writeln!(
                out,
                "{:e},{},{:e},{:e},{:e},{:e},{},{}",
                c.kappa,
                c.method.name(),
                c.median_forward,
                c.worst_forward,
                c.median_backward,
                c.worst_backward,
                c.refused,
                c.problems
            );
        }
        out
    }

    /// Where the numbers depart from the textbook picture: QR's forward error within a
    /// generous factor of κ·ε, the normal equations' and the inverse's growing like κ²·ε (until
    /// they refuse), and the inverse no better than the normal equations. Empty when the
    /// picture holds.
    pub fn deviations(&self) -> Vec<String> {
        /// Forward errors may exceed κ·ε (or κ²·ε) by this factor: the constants of the bounds
        /// grow with the dimensions (about m·n), and medians stay far below them.
        const SLACK: f64 = 1e3;
        let eps = f64::EPSILON;
        let mut out = Vec::new();
        for c in &self.cells {
            let k = c.kappa;
            if c.refused == c.problems {
                continue;
            }
            let bound = match c.method {
                Method::Qr | Method::ExtendedQr => (SLACK * k * eps).min(1.0),
                _ => (SLACK * k * k * eps).min(1.0),
            };
            if c.median_forward > bound.max(SLACK * eps) {
                out.push(format!(
                    "{} at κ = {k:.0e}: median forward error {:.1e} exceeds {bound:.1e}",
                    c.method.name(),
                    c.median_forward
                ));
            }
            if matches!(c.method, Method::NormalEquations | Method::Inverse)
                && k * k * eps > 1e-3
                && k * k * eps < 1e-1
                && c.median_forward < k * eps
            {
                out.push(format!(
                    "{} at κ = {k:.0e}: error {:.1e} below κ·ε; the κ² growth is not visible",
                    c.method.name(),
                    c.median_forward
                ));
            }
        }
        for (inv, ne) in self.method(Method::Inverse).zip(self.method(Method::NormalEquations)) {
            if inv.refused < inv.problems
                && ne.refused < ne.problems
                && inv.median_forward < 0.1 * ne.median_forward
            {
                out.push(format!(
                    "inverse at κ = {:.0e} is better than the normal equations ({:.1e} < {:.1e})",
                    inv.kappa, inv.median_forward, ne.median_forward
                ));
            }
        }
        out
    }

    /// Least-squares slope of log₁₀(median forward error) against log₁₀ κ over the κ where the
    /// method solved every problem and the error is above rounding level and below 0.1.
    pub fn slope(&self, method: Method) -> Option<f64> {
        let points: Vec<(f64, f64)> = self
            .method(method)
            .filter(|c| {
                c.refused == 0 && c.median_forward > 1e3 * f64::EPSILON && c.median_forward < 0.1
            })
            .map(|c| (c.kappa.log10(), c.median_forward.log10()))
            .collect();
        if points.len() < 2 {
            return None;
        }
        let n = count_to_f64(points.len());
        let (mx, my) = (
            points.iter().map(|p| p.0).sum::<f64>() / n,
            points.iter().map(|p| p.1).sum::<f64>() / n,
        );
        let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
        Some(sxy / sxx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_study_shows_the_textbook_picture() {
        let config = Config { log_kappas: vec![0, 4, 8, 12], problems: 5, ..Config::default() };
        let study = run(&config).expect("valid configuration");
        assert_eq!(study.cells.len(), 4 * METHODS.len());
        assert!(study.deviations().is_empty(), "{:#?}", study.deviations());
        let qr = study.slope(Method::Qr).expect("QR solves every problem");
        assert!((0.7..1.3).contains(&qr), "QR slope {qr}");
        let csv = study.to_csv();
        assert_eq!(csv.lines().count(), 1 + study.cells.len());
    }
}
