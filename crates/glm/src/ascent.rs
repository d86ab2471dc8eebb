//! [`Ascent`]: the state of one gradient-ascent run (the iterate in working coordinates, its
//! evaluation, objective and gradient, the history) and how a point is evaluated.

use nalgebra::DVector;

use crate::error::{Iterate, Result};
use crate::numeric::count_to_f64;
use crate::problem::{Evaluation, Problem};
use crate::standardize::Standardization;

/// A point in the working coordinates with what gradient ascent needs of it.
#[derive(Debug, Clone)]
pub(crate) struct Point {
    /// The coefficients in the working coordinates.
    pub(crate) theta: DVector<f64>,
    /// `η`, `μ` and the deviance at the design's coefficients.
    pub(crate) e: Evaluation,
    /// `ℓ̄`, NaN outside the domains.
    pub(crate) value: f64,
    /// The average magnitude of the terms of `ℓ̄`, for its rounding.
    pub(crate) magnitude: f64,
    /// `∇ℓ̄` in the working coordinates (empty outside the domains).
    pub(crate) gradient: DVector<f64>,
}

impl Point {
    /// Whether `η` and `μ` are in their domains and `ℓ̄` is finite.
    pub(crate) fn is_valid(&self) -> bool {
        self.e.invalid.is_none() && self.value.is_finite()
    }
}

/// One run: the problem, the coordinates, the current point and the history.
pub(crate) struct Ascent<'a, 'p> {
    pub(crate) problem: &'a Problem<'p>,
    pub(crate) cols: &'a [usize],
    pub(crate) map: Standardization,
    /// The current iterate.
    pub(crate) current: Point,
    /// The iterate before it (the momentum of the accelerated rule).
    pub(crate) previous: DVector<f64>,
    /// The gradient at the iterate before it (the Barzilai–Borwein trial step of the line
    /// search).
    pub(crate) previous_gradient: DVector<f64>,
    /// `ℓ̄` at every accepted iterate, entry 0 at the start.
    pub(crate) history: Vec<f64>,
    /// The last accepted step size, where the searching rules start from.
    pub(crate) alpha: f64,
    /// The line search's record of `ℓ̄` at every accepted iterate: each step adds its rise,
    /// measured where it exceeds the rounding of `ℓ̄` and estimated from the gradients where it
    /// does not (so the non-monotone test keeps its meaning down to the last digits).
    pub(crate) levels: Vec<f64>,
    /// The Barzilai–Borwein step of the current cycle (NaN before the first).
    pub(crate) cycle_step: f64,
    /// Iterations since the accelerated rule's momentum was reset.
    pub(crate) momentum: usize,
    /// Points evaluated (each with its gradient), the start included.
    pub(crate) evaluations: usize,
    /// Line-search halvings over all iterations.
    pub(crate) halvings: usize,
}

impl<'a, 'p> Ascent<'a, 'p> {
    /// Starts at `beta` (design coordinates), checking that it is a valid point with a finite
    /// objective.
    pub(crate) fn new(
        problem: &'a Problem<'p>,
        cols: &'a [usize],
        map: Standardization,
        beta: &DVector<f64>,
        alpha: f64,
    ) -> Result<Self> {
        let theta = map.to_standard(beta);
        let mut ascent = Self {
            problem,
            cols,
            previous: theta.clone(),
            previous_gradient: DVector::zeros(0),
            current: Point {
                theta: DVector::zeros(0),
                e: problem.evaluate(cols, beta),
                value: f64::NAN,
                magnitude: f64::NAN,
                gradient: DVector::zeros(0),
            },
            map,
            history: Vec::new(),
            alpha,
            momentum: 0,
            levels: Vec::new(),
            cycle_step: f64::NAN,
            evaluations: 0,
            halvings: 0,
        };
        let start = ascent.point(theta);
        if let Some(index) = start.e.invalid {
            return Err(problem.invalid_start(&start.e, index));
        }
        if !start.value.is_finite() {
            return Err(problem.out_of_range("log-likelihood", start.value, |i| {
                problem.log_likelihood_term(i, &start.e.mu, 1.0)
            }));
        }
        ascent.history.push(start.value);
        ascent.levels.push(start.value);
        ascent.current = start;
        Ok(ascent)
    }

    /// Evaluates `theta` (working coordinates): `η`, `μ`, `ℓ̄` and, inside the domains, the
    /// gradient. Counts one evaluation.
    pub(crate) fn point(&mut self, theta: DVector<f64>) -> Point {
        self.evaluations += 1;
        let e = self.problem.evaluate(self.cols, &self.map.to_original(&theta));
        let (value, magnitude) = average_log_likelihood(self.problem, &e);
        let gradient = if e.invalid.is_none() && value.is_finite() {
            self.map.gradient(&self.problem.average_score(self.cols, &e))
        } else {
            DVector::zeros(0)
        };
        Point { theta, e, value, magnitude, gradient }
    }

    /// Makes `next` the current iterate and records its objective.
    pub(crate) fn accept(&mut self, next: Point) {
        self.history.push(next.value);
        let old = std::mem::replace(&mut self.current, next);
        self.previous = old.theta;
        self.previous_gradient = old.gradient;
    }

    /// The current iterate in the design's coordinates, one per kept column.
    pub(crate) fn beta(&self) -> DVector<f64> {
        self.map.to_original(&self.current.theta)
    }

    /// The current iterate expanded to every design column, with the history so far (which it
    /// takes), for an error.
    pub(crate) fn take_iterate(&mut self) -> Iterate {
        Iterate {
            coefficients: self.problem.expand(self.cols, &self.beta()),
            history: std::mem::take(&mut self.history),
        }
    }
}

/// The average log-likelihood at unit dispersion and the average magnitude of its terms (NaN
/// outside the domains; the deviance is not needed).
fn average_log_likelihood(problem: &Problem<'_>, e: &Evaluation) -> (f64, f64) {
    if e.invalid.is_some() {
        return (f64::NAN, f64::NAN);
    }
    let n = count_to_f64(problem.observations());
    let (sum, magnitude) = problem.log_likelihood(&e.mu, 1.0);
    (sum / n, magnitude / n)
}
