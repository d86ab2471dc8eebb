//! The last checks before a fit is returned: that the statistics it will report exist (no
//! exact fit for a family whose dispersion is estimated) and are representable in `f64` (no
//! deviance, dispersion or log-likelihood overflowed or underflowed through extreme units).

use nalgebra::{DMatrix, DVector};

use crate::domain::Domain;
use crate::error::{Error, Iterate, Result};
use crate::glm_fit::GlmFit;
use crate::link::PROBABILITY_FLOOR;
use crate::numeric::{count_to_f64, norm2};
use crate::problem::{Evaluation, Problem};
use crate::weighted::relabel;

/// The rounding allowance of the exact-fit test, per observation or coefficient: the fit is
/// exact when `‖r‖₂ ≤ max(n, p)·EXACT_FIT_TOLERANCE·‖a‖₂` for the Pearson residuals `r` and the
/// rounding scale `a` of [`check_statistics`] (`lsq`'s rule for least squares, in the
/// Pearson metric of the last IRLS step).
pub(crate) const EXACT_FIT_TOLERANCE: f64 = f64::EPSILON;

/// The smallest dispersion or deviance reported for a family whose dispersion is estimated:
/// `2⁻⁹⁷⁰ = 2⁻¹⁰²²/ε`. Below it the squared residuals round to subnormal numbers and lose
/// digits (a Gaussian response in units of `10⁻¹⁵⁵` or smaller), so the statistics would
/// silently depend on the units.
const SMALLEST_DISPERSION: f64 = f64::MIN_POSITIVE / f64::EPSILON;

/// How close to 0 or 1 a mean of a probability link is held by its clamp: `2ε`, since the
/// probit holds it at `Φ(−8.1259) = ε` only to within `10⁻¹⁴` (see [`PROBABILITY_FLOOR`]).
const AT_BOUND: f64 = 2.0 * PROBABILITY_FLOOR;

/// The largest cosine between the Pearson residuals and the column space of `√W·X` at a
/// stationary point: R's criterion `10⁻⁸` on the relative deviance change leaves a cosine of
/// about `√10⁻⁸ = 10⁻⁴` after a quadratically convergent step, and up to about `3·10⁻³` after
/// the slow linear steps of a non-canonical link (an inverse-Gaussian identity fit in the
/// hostile-input suite); `10⁻²` separates those from a fit pinned at a boundary, whose
/// residuals lie in the column space (a cosine near 1).
const STATIONARY_COSINE: f64 = 1e-2;

/// What the fit at the optimum `e` (coefficients `gamma` on the columns `cols`) will report.
pub(crate) struct Reported<'e> {
    pub(crate) e: &'e Evaluation,
    pub(crate) gamma: &'e DVector<f64>,
    pub(crate) null_deviance: f64,
    pub(crate) log_likelihood: f64,
    pub(crate) history: &'e [f64],
    /// The observation IRLS's last step was halved for, if any.
    pub(crate) boundary: Option<usize>,
    /// Whether the fit claims a stationary point (it converged, rather than ran a fixed number
    /// of gradient-ascent steps).
    pub(crate) converged: bool,
}

/// Checks that the statistics of a fit exist and are representable.
///
/// - The deviance is finite, and the null deviance finite or the documented NaN.
/// - For a family whose dispersion is estimated: the Pearson residuals
///   `rᵢ = √wᵢ(yᵢ − μᵢ)/√V(μᵢ)` exceed the rounding of the data, `max(n, p)·ε·‖a‖₂` with
///   `aᵢ = √wᵢ/√V(μᵢ)·(|yᵢ| + |μᵢ| + |dμ/dη|·(|offsetᵢ| + Σⱼ|xᵢⱼγⱼ|))` (the size of what was
///   subtracted to form `rᵢ`), else [`Error::ExactFit`]; then the dispersion `Σrᵢ²/(n − p)` and
///   the deviance are at least [`SMALLEST_DISPERSION`] and finite.
/// - The log-likelihood is finite.
///
/// - A converged fit held at the boundary (a mean at a probability link's clamp, or a last IRLS
///   step halved to stay in the domain) is stationary ([`Error::Boundary`]). Gradient ascent
///   run for a fixed number of steps claims no stationary point and is not checked.
///
/// Every other failure is [`Error::OutOfRange`], naming the observation that contributes most.
pub(crate) fn check_statistics(
    problem: &Problem<'_>,
    cols: &[usize],
    reported: &Reported<'_>,
) -> Result<()> {
    let e = reported.e;
    if !e.deviance.is_finite() {
        return Err(problem.deviance_out_of_range(e));
    }
    if reported.null_deviance.is_infinite() {
        return Err(problem.out_of_range("null deviance", reported.null_deviance, |i| {
            problem.weights[i] * problem.y[i]
        }));
    }
    let family = problem.family;
    if family.estimates_dispersion() {
        let (residuals, scale) = pearson_residuals_and_scale(problem, cols, reported);
        let (residual_norm, scale_norm) = (norm2(&residuals), norm2(&scale));
        let n = problem.observations();
        let rounding = count_to_f64(n.max(cols.len())) * EXACT_FIT_TOLERANCE * scale_norm;
        if residual_norm <= rounding {
            return Err(Error::ExactFit {
                family,
                residual_norm,
                rounding,
                last: Box::new(Iterate {
                    coefficients: problem.expand(cols, reported.gamma),
                    history: reported.history.to_vec(),
                }),
            });
        }
        let df = count_to_f64(n - cols.len());
        // Squared after scaling, so that the test itself cannot overflow.
        let dispersion = (residual_norm / df.sqrt()).powi(2);
        for (statistic, value) in [("dispersion", dispersion), ("deviance", e.deviance)] {
            if !(SMALLEST_DISPERSION..=f64::MAX).contains(&value) {
                let mut by_row = vec![0.0; problem.y.len()];
                for (i, &r) in problem.kept.iter().zip(&residuals) {
                    by_row[i] = r;
                }
                return Err(problem.out_of_range(statistic, value, |i| by_row[i]));
            }
        }
    }
    if reported.converged {
        check_boundary(problem, cols, reported)?;
    }
    if !reported.log_likelihood.is_finite() {
        let dispersion = problem.likelihood_dispersion(e.deviance);
        return Err(problem.out_of_range("log-likelihood", reported.log_likelihood, |i| {
            problem.log_likelihood_term(i, &e.mu, dispersion)
        }));
    }
    Ok(())
}

/// [`Error::Boundary`] when the fit may be held at the boundary (see [`check_statistics`]) and
/// the Pearson residuals keep a cosine above [`STATIONARY_COSINE`] with the column space of
/// `√W·X` (one more least-squares solve, only then). Residuals at the rounding level of the
/// data (a saturated fit) carry no direction and pass.
fn check_boundary(problem: &Problem<'_>, cols: &[usize], reported: &Reported<'_>) -> Result<()> {
    let e = reported.e;
    // Only means confined to (0, 1) have a clamp to sit at.
    let clamps = problem.link.mu_domain() == Domain::OpenUnit;
    let clamped = |i: &usize| {
        let mu = e.mu[*i];
        mu <= AT_BOUND || mu >= 1.0 - AT_BOUND
    };
    let at_clamp = if clamps { problem.kept.iter().find(clamped) } else { None };
    let Some(index) = at_clamp.or(reported.boundary) else { return Ok(()) };
    let (residuals, _) = pearson_residuals_and_scale(problem, cols, reported);
    // The rounding of the response and the means alone: a linear predictor swamped by its own
    // rounding (an offset of 10³⁰⁰) must not pass for a saturated fit.
    let data_scale: Vec<f64> = problem
        .kept
        .iter()
        .map(|i| {
            let size = problem.y[i].abs() + e.mu[i].abs();
            problem.weights[i].sqrt() * problem.family.over_variance_root(e.mu[i], size)
        })
        .collect();
    let residual_norm = norm2(&residuals);
    let rounding = count_to_f64(residuals.len()) * EXACT_FIT_TOLERANCE * norm2(&data_scale);
    if residual_norm <= rounding {
        return Ok(());
    }
    let mut a = DMatrix::zeros(0, 0);
    let _ = problem.weighted_problem(cols, e, &mut a);
    let r = DVector::from_vec(residuals);
    let solution = lsq::solve(&a, &r, &lsq::FitOptions::default())
        .map_err(|err| relabel(err, cols, problem.names))?;
    let projected = &a * solution.coefficients();
    let cosine = norm2(projected.as_slice()) / residual_norm;
    if cosine > STATIONARY_COSINE {
        return Err(Error::Boundary {
            index,
            mu: e.mu[index],
            family: problem.family,
            link: problem.link,
            cosine,
            last: Box::new(Iterate {
                coefficients: problem.expand(cols, reported.gamma),
                history: reported.history.to_vec(),
            }),
        });
    }
    Ok(())
}

/// [`Error::CoefficientOutOfRange`] unless every estimable coefficient, its standard error and
/// its Wald statistic are finite, and the standard error a normal number (not 0 or subnormal).
pub(crate) fn check_coefficients(fit: &GlmFit) -> Result<()> {
    let (theta, se, z) = (fit.coefficients(), fit.std_errors(), fit.statistics());
    for j in (0..theta.len()).filter(|j| !fit.aliased().contains(j)) {
        for (quantity, value, normal) in [
            ("estimate", theta[j], false),
            ("standard error", se[j], true),
            ("statistic", z[j], false),
        ] {
            let fine = value.is_finite() && (!normal || value >= f64::MIN_POSITIVE);
            if !fine {
                return Err(Error::CoefficientOutOfRange { quantity, column: j, value });
            }
        }
    }
    Ok(())
}

/// The Pearson residuals of the kept observations and the rounding scale `a` of each (see
/// [`check_statistics`]), both computed without squaring.
fn pearson_residuals_and_scale(
    problem: &Problem<'_>,
    cols: &[usize],
    reported: &Reported<'_>,
) -> (Vec<f64>, Vec<f64>) {
    let (e, gamma) = (reported.e, reported.gamma);
    problem
        .kept
        .iter()
        .map(|i| {
            let pearson = |v: f64| problem.family.over_variance_root(e.mu[i], v);
            let root = problem.weights[i].sqrt();
            let linear: f64 =
                cols.iter().zip(gamma.iter()).map(|(&j, &g)| (problem.x[(i, j)] * g).abs()).sum();
            let eta_size = problem.offset[i].abs() + linear;
            let size =
                problem.y[i].abs() + e.mu[i].abs() + problem.link.mu_eta(e.eta[i]).abs() * eta_size;
            (root * pearson(problem.y[i] - e.mu[i]), root * pearson(size))
        })
        .unzip()
}
