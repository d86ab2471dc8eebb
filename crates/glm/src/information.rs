//! The expected information at an iterate, factored in equilibrated form: the Fisher-scoring
//! step, the standard errors of the coefficient criterion, and the Newton step on the observed
//! information for non-canonical links.

use nalgebra::{DMatrix, DVector};

use crate::blocks::is_tall;
use crate::error::Result;
use crate::factor::{FactorKind, TallFactor};
use crate::numeric::unit_scale;
use crate::numeric::{count_to_f64, norm2};
use crate::problem::{Evaluation, Problem};
use crate::tall::{tall_factor, weighted_gram};
use crate::weighted::relabel;

/// The multiple of `κ·ε·max_k |γ_k|` (equilibrated coordinates, `κ` `lsq`'s estimate for the
/// weighted solve) within which a step is the rounding of that solve: the backward error of
/// Householder QR is a small multiple of `ε` per column, amplified by `κ` (Higham, *Accuracy and
/// Stability of Numerical Algorithms*, 2nd ed., §19.3); 8 covers the few roundings of forming
/// `√W` and `z`.
pub(crate) const STEP_ROUNDING: f64 = 8.0;

/// The expected information `XᵀWX` at an evaluation, in the coordinates `γ′ = γ/d` in which
/// `√W·X·diag(d)` has unit-norm columns (`d` powers of two, so every quantity here is
/// independent of the columns' units, bit for bit).
#[derive(Debug, Clone)]
pub(crate) struct Scoring {
    /// The Fisher-scoring iterate `(XᵀWX)⁻¹XᵀWz` (caller's units).
    pub(crate) fisher: DVector<f64>,
    /// The powers of two `d`.
    pub(crate) scales: Vec<f64>,
    /// `C′ = (diag(d)·XᵀWX·diag(d))⁻¹`.
    pub(crate) covariance: DMatrix<f64>,
    /// `√φ̂`: Pearson's `√(χ²/df)` for the families with an estimated dispersion (1 when that is
    /// not a positive finite number), the weights' [`weight_root`] for the others.
    pub(crate) root_dispersion: f64,
    /// `G′ = diag(d)·Xᵀ·diag(W·r)·X·diag(d)`, the expected minus the observed information, when
    /// asked for.
    pub(crate) correction: Option<DMatrix<f64>>,
    /// `lsq`'s estimate of `κ₁` of the equilibrated `√W·X` (its square for a Gram factor: the
    /// factor that amplifies rounding in the step).
    pub(crate) condition: f64,
    /// How the information was factored.
    pub(crate) kind: FactorKind,
}

/// Factors the expected information at `e` (one QR of the equilibrated `√W·X`), with the
/// observed-information correction when `observed` is set.
///
/// When the pass that evaluated `e` already folded the weighted rows (`e.factor`, see
/// `crate::fused`), that factor is used as it is, QR or Gram. Otherwise a tall design
/// ([`is_tall`]) folds its weighted rows into a `TallQr` on every core ([`tall_factor`]) and
/// leaves `a` alone; any other design, or a tall one whose fold declines
/// (a column failing the rank test, a value out of range), is written into the reused storage
/// `a` and solved there by `lsq`.
pub(crate) fn scoring(
    problem: &Problem<'_>,
    cols: &[usize],
    e: &Evaluation,
    a: DMatrix<f64>,
    observed: bool,
) -> Result<(Scoring, DMatrix<f64>)> {
    // The factor folded in the pass that evaluated `e` (`crate::fused`), else a fold now.
    let cached = e.factor.as_deref().filter(|f| f.fisher.len() == cols.len()).cloned();
    let tall = cached.or_else(|| {
        is_tall(problem.kept.len(), cols.len()).then(|| tall_factor(problem, cols, e)).flatten()
    });
    let (factor, correction, storage) = match tall {
        Some(factor) => {
            let correction = observed.then(|| {
                weighted_gram(problem, cols, e, &correction_factors(problem, e), &factor.scales)
            });
            (factor, correction, a)
        }
        None => copying_factor(problem, cols, e, a, observed)?,
    };
    let TallFactor { fisher, scales, covariance, condition, kind, .. } = factor;
    let root_dispersion = if problem.family.estimates_dispersion() {
        let df = problem.observations().saturating_sub(cols.len());
        let pearson: Vec<f64> = problem
            .kept
            .iter()
            .map(|i| {
                problem.weights[i].sqrt()
                    * problem.family.over_variance_root(e.mu[i], problem.y[i] - e.mu[i])
            })
            .collect();
        let root = norm2(&pearson) / count_to_f64(df).sqrt();
        if root.is_finite() && root > 0.0 { root } else { 1.0 }
    } else {
        weight_root(problem)
    };
    let scores =
        Scoring { fisher, scales, covariance, root_dispersion, correction, condition, kind };
    Ok((scores, storage))
}

/// The factor of [`scoring`] by `lsq`'s QR of the equilibrated `√W·X`, written into `a`, with
/// the observed-information correction formed from the same rows when `observed` is set.
pub(crate) fn copying_factor(
    problem: &Problem<'_>,
    cols: &[usize],
    e: &Evaluation,
    mut a: DMatrix<f64>,
    observed: bool,
) -> Result<(TallFactor, Option<DMatrix<f64>>, DMatrix<f64>)> {
    let b = problem.weighted_problem(cols, e, &mut a);
    let scales: Vec<f64> = a.column_iter().map(|c| unit_scale(norm2(c.as_slice()))).collect();
    for (mut column, &scale) in a.column_iter_mut().zip(&scales) {
        column *= scale;
    }
    let correction = observed.then(|| {
        let r = correction_factors(problem, e);
        let p = a.ncols();
        DMatrix::from_fn(p, p, |j, k| {
            a.column(j).iter().zip(a.column(k).iter()).zip(&r).map(|((x, y), r)| x * y * r).sum()
        })
    });
    let (solution, storage) = lsq::solve_in_place(a, &b, &lsq::FitOptions::default())
        .map_err(|err| relabel(err, cols, problem.names))?;
    let covariance = solution.unscaled_covariance()?;
    let fisher = DVector::from_fn(cols.len(), |j, _| solution.coefficients()[j] * scales[j]);
    let condition = solution.condition_estimate();
    let kind = FactorKind::Qr;
    let factor = TallFactor { fisher, scales, covariance, condition, kind, spread: None };
    Ok((factor, correction, storage))
}

/// `r_i = (y_i − μ_i)·(μ″/μ′² − V′/V)` on the kept rows, so that `W·r = W − (observed weight)`:
/// the expected minus the observed information is `Xᵀ·diag(W·r)·X`.
fn correction_factors(problem: &Problem<'_>, e: &Evaluation) -> Vec<f64> {
    problem
        .kept
        .iter()
        .map(|i| {
            let (mu, eta) = (e.mu[i], e.eta[i]);
            let d = problem.link.mu_eta(eta);
            (problem.y[i] - mu)
                * (problem.link.mu_eta_derivative(eta) / d / d
                    - problem.family.variance_log_derivative(mu))
        })
        .collect()
}

/// For a family with a fixed dispersion, the power of two nearest `√w̄` for the mean prior
/// weight `w̄` of the kept observations: the standard errors of the criterion are taken as if the
/// weights averaged 1, as they do for an estimated dispersion (which absorbs a common factor of
/// the weights). Prior weights of 10⁻³⁰⁰ would otherwise make every standard error 10¹⁵⁰ times
/// larger and any step "negligible", though they leave the optimum where it was; a power of two
/// keeps the measure exactly independent of power-of-two units of the weights.
fn weight_root(problem: &Problem<'_>) -> f64 {
    let mean = problem.mean_weight();
    let root = (mean.log2() / 2.0).round().exp2();
    if root.is_finite() && root > 0.0 { root } else { 1.0 }
}

impl Scoring {
    /// The standard error of coefficient `j` in the scaled coordinates, `√φ̂·√C′_jj`.
    pub(crate) fn scaled_std_error(&self, j: usize) -> f64 {
        self.root_dispersion * self.covariance[(j, j)].max(0.0).sqrt()
    }

    /// The coefficient criterion's measure of the step from `from` to `to`:
    /// `max_j |Δγ_j|/(|γ_j| + SE_j)`, in the scaled coordinates (so exactly unit-free). A step
    /// component within the rounding of the weighted solve, [`STEP_ROUNDING`]`·κ·ε·max_k |γ_k|`
    /// (scaled), counts as 0: at an exact fit the standard errors vanish with the residuals, and
    /// a step of rounding size would otherwise never be negligible against them.
    pub(crate) fn measure(&self, from: &DVector<f64>, to: &DVector<f64>) -> f64 {
        self.step_ratios(from, to)
            .filter(|&(_, rounding)| !rounding)
            .fold(0.0, |m, (r, _)| m.max(r))
    }

    /// The largest ratio `|Δγ_j|/(|γ_j| + SE_j)` among the step components that
    /// [`Scoring::measure`] counts as rounding; 0 when there are none. At or above the tolerance,
    /// the measure calls the step negligible only because the weighted solve cannot resolve it:
    /// at an exact fit, or where the information is so ill-conditioned (`κ·ε` near 1, as when
    /// weights run off to 0 under separation) that its rounding covers real steps.
    pub(crate) fn masked(&self, from: &DVector<f64>, to: &DVector<f64>) -> f64 {
        self.step_ratios(from, to).filter(|&(_, rounding)| rounding).fold(0.0, |m, (r, _)| m.max(r))
    }

    /// Each component's `|Δγ_j|/(|γ_j| + SE_j)` (scaled; 0 without a step, infinite for a step
    /// against a size of 0) and whether the step lies within the rounding of the weighted solve.
    fn step_ratios<'s>(
        &'s self,
        from: &'s DVector<f64>,
        to: &'s DVector<f64>,
    ) -> impl Iterator<Item = (f64, bool)> + 's {
        let largest = (0..to.len()).fold(0.0_f64, |m, j| m.max((to[j] / self.scales[j]).abs()));
        let condition = if self.condition.is_finite() { self.condition } else { f64::MAX };
        let rounding = STEP_ROUNDING * condition * f64::EPSILON * largest;
        (0..to.len()).map(move |j| {
            let step = ((to[j] - from[j]) / self.scales[j]).abs();
            let size = (to[j] / self.scales[j]).abs() + self.scaled_std_error(j);
            let ratio = if step == 0.0 {
                0.0
            } else if size > 0.0 {
                step / size
            } else {
                f64::INFINITY
            };
            (ratio, step <= rounding)
        })
    }

    /// The Newton iterate from `gamma` on the observed information `C′⁻¹ − G′`: the Fisher step
    /// `δ_F` corrected to `(I − C′G′)⁻¹δ_F` (in scaled coordinates). `None` without the
    /// correction, or when `I − C′G′` is singular or the step not finite.
    pub(crate) fn newton(&self, gamma: &DVector<f64>) -> Option<DVector<f64>> {
        let g = self.correction.as_ref()?;
        let p = gamma.len();
        let fisher_step = DVector::from_fn(p, |j, _| (self.fisher[j] - gamma[j]) / self.scales[j]);
        let m = DMatrix::identity(p, p) - &self.covariance * g;
        let step = m.lu().solve(&fisher_step)?;
        let next = DVector::from_fn(p, |j, _| gamma[j] + step[j] * self.scales[j]);
        next.iter().all(|v| v.is_finite()).then_some(next)
    }

    /// `(C′_obs, d)` for the observed information `C′⁻¹ − G′`: its inverse `(I − C′G′)⁻¹C′`,
    /// `None` when it is singular or not positive definite (the point is not a maximum).
    pub(crate) fn observed_covariance(&self) -> Option<DMatrix<f64>> {
        let g = self.correction.as_ref()?;
        let p = self.covariance.nrows();
        let m = DMatrix::identity(p, p) - &self.covariance * g;
        let c = m.lu().solve(&self.covariance)?;
        let symmetric = (&c + c.transpose()) * 0.5;
        let positive = symmetric.clone().cholesky().is_some();
        (positive && symmetric.iter().all(|v| v.is_finite())).then_some(symmetric)
    }
}
