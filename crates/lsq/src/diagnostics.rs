//! [`Diagnostics`]: how much a fit's numbers can be trusted, measured rather than assumed.

use linalg_core::{DoubleDouble, Real, count_to_f64};
use nalgebra::{DMatrix, DVector};

use crate::condition::condition_numbers;
use crate::design::Design;
use crate::kept::Kept;
use crate::method::Method;
use crate::options::{ConditionNumber, SVD_AUTO_FLOPS};
use crate::scaling::{Scaling, scale_by};
use crate::solvers::{Core, Covariance, Factor};
use crate::statistics::Statistics;
use crate::unavailable::Unavailable;

/// The most digits any count here reports: `−log₁₀ ε = 52·log₁₀ 2 ≈ 15.65`, the digits of a
/// result whose relative error is one unit in the last place of 1 (ε = 2⁻⁵²). A correctly
/// rounded `f64` is within `ε/2` of its value, so any finer count would describe how the
/// rounding fell rather than the method; the digit estimates and [`crate::certify`] are capped
/// here.
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions, F64_DIGITS};
///
/// approx::assert_relative_eq!(F64_DIGITS, -f64::EPSILON.log10(), max_relative = 1e-15);
/// // No fit claims more digits than an f64 carries.
/// let d = sim::heights();
/// let fit = lsq::fit(&Design::new(d.x)?, &d.y, &FitOptions::default())?;
/// assert!(fit.diagnostics().digits.typical <= F64_DIGITS);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const F64_DIGITS: f64 = 15.653_559_774_527_022;

/// An estimate of the correct significant digits of the coefficients, as a range.
///
/// From first-order, componentwise forward-error bounds for the method (Higham, *Accuracy and
/// Stability*, §20.1–20.4), evaluated with the fit's own `(XᵀWX)⁻¹`, coefficients, column norms
/// and residual, and taken at the least accurate nonzero coefficient. QR's error grows like
/// `κ(X)·u` (after column scaling) plus `κ(X)²·u` times the relative residual; the normal
/// equations and the inverse like `κ(X)²·u` (the explicit inverse somewhat worse).
///
/// The digits are counted against the data before they were rounded to `f64`: the bound adds
/// what rounding the input cost, half an ulp per entry of `y` and of every column that is not
/// a column of integers up to `2⁵³` (those are exact), and for a polynomial design `k` such
/// roundings for the power `xᵏ` formed in `f64`, or, when [`crate::Method::ExtendedQr`] rebuilds
/// the powers from `x`, the structured perturbation that rounding `x` alone causes. So even the
/// double-double fit claims no digit that rounding decimal data to `f64` took away
/// ([`crate::certify`] instead measures an `f64` fit against the exact solution of the data as
/// stored). Data that were exact in `f64` for another reason make the estimate pessimistic.
/// `guaranteed` uses the worst-case constant `m·n`; `typical` the constant 1, which rounding
/// errors that partly cancel usually attain. Both lie in `[0, `[`F64_DIGITS`]`]`.
/// See [`Diagnostics`] for an example.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Digits {
    /// Digits guaranteed by the worst-case bound.
    pub guaranteed: f64,
    /// Digits a typical computation attains.
    pub typical: f64,
}

/// Numerical diagnostics reported with every [`crate::Fit`]: a record of measured numbers.
///
/// Every number is computed on the equilibrated problem (columns and response scaled by powers of
/// two, see [`crate::fit`]), so none depends on the units of the columns or of `y`, except
/// [`Diagnostics::condition_number`], which describes the design as given. `Display` prints them
/// as the last lines of the fit's summary.
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions};
/// use lsq::nalgebra::{dmatrix, dvector};
///
/// // y is exactly 1 + 2t: it lies in the column space of [1, t].
/// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
/// let exact = lsq::fit(&design, &dvector![1.0, 3.0, 5.0, 7.0], &FitOptions::default())?;
/// let d = exact.diagnostics();
/// assert!(d.exact_fit);
/// assert!(d.condition_number.is_ok_and(|k| k >= 1.0) && d.condition_estimate >= 1.0);
/// let noisy = lsq::fit(&design, &dvector![1.0, 3.1, 4.9, 7.0], &FitOptions::default())?;
/// let d = noisy.diagnostics();
/// assert!(!d.exact_fit && d.orthogonality < 1e-14 && d.relative_residual > 0.0);
/// assert!(d.digits.guaranteed <= d.digits.typical && d.digits.guaranteed > 12.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Diagnostics {
    method: Method,
    rank: usize,
    columns: usize,
    /// The relative rank tolerance, for the methods that decide rank.
    pub tolerance: Option<f64>,
    /// Cheap estimate of `κ₁(X)` after column scaling, from the method's own factor (QR's `R`,
    /// the Cholesky factor, or the explicit inverse). Finite, except `f64::INFINITY` for a
    /// factor singular in `f64`, which only a rank tolerance of 0 lets through.
    pub condition_estimate: f64,
    /// `κ₂(X)` of the (weighted) design as given, over the columns kept in the fit, from the
    /// singular values of the QR factor `R` (`σ(X) = σ(R)`; see [`crate::ConditionNumber`]).
    /// The normal equations work with `κ₂(XᵀX) = κ₂(X)²`. [`Unavailable::OutOfRange`] when the
    /// columns' units put it beyond `f64`; [`Unavailable::NotComputed`] when not asked for.
    pub condition_number: Result<f64, Unavailable>,
    /// `κ₂` of the design with its columns scaled to unit norm: the condition number that
    /// governs QR's accuracy, independent of the columns' units.
    pub scaled_condition_number: Result<f64, Unavailable>,
    /// `‖Xₛᵀr‖/(‖Xₛ‖_F·‖r‖)` on the weighted rows, `Xₛ` the design with its columns scaled to
    /// unit norm: how orthogonal the residual is to the columns (0 in exact arithmetic; 0 when
    /// `r = 0`). Forming `r = y − Xβ̂` rounds by about `ε·(‖y‖ + Σ|β̂_k|·‖x_k‖)`, so a
    /// backward-stable solve gives a few ε times `(‖y‖ + Σ|β̂_k|·‖x_k‖)/‖r‖`: a few ε when the
    /// residual is not small against the response, more for a close fit.
    pub orthogonality: f64,
    /// `‖r‖/‖y‖` on the weighted rows (0 when `y = 0`).
    pub relative_residual: f64,
    /// Whether `y` lies in the column space of `X` up to rounding (see
    /// [`crate::EXACT_FIT_TOLERANCE`]).
    /// The t tests, the F test and the likelihood of such a fit are
    /// [`Unavailable::ExactFit`].
    pub exact_fit: bool,
    /// The estimated correct digits of the coefficients.
    pub digits: Digits,
}

impl std::fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Method: {}; rank {} of {}", self.method, self.rank, self.columns)?;
        if let Some(tol) = self.tolerance {
            write!(f, " (relative tolerance {tol:.1e})")?;
        }
        writeln!(f)?;
        if self.condition_estimate.is_finite() {
            write!(f, "Condition: estimate {:.2e} after column scaling", self.condition_estimate)?;
        } else {
            f.write_str("Condition: estimate beyond the range of f64 (R is singular in f64)")?;
        }
        match (self.condition_number, self.scaled_condition_number) {
            (Ok(k), Ok(ks)) => {
                write!(f, "; κ₂(X) = {k:.3e}, scaled {ks:.3e}, κ₂(XᵀX) = ")?;
                let normal = k * k;
                if normal.is_finite() {
                    write!(f, "{normal:.3e}")?;
                } else {
                    f.write_str("beyond the range of f64")?;
                }
            }
            (Err(Unavailable::OutOfRange), Ok(ks)) => {
                write!(f, "; κ₂(X) beyond the range of f64, scaled {ks:.3e}")?;
            }
            (_, Err(Unavailable::OutOfRange)) => {
                f.write_str("; κ₂(X) beyond the range of f64, even with unit columns")?;
            }
            _ => {}
        }
        writeln!(f)?;
        writeln!(
            f,
            "Orthogonality ‖Xᵀr‖/(‖X‖‖r‖), unit columns = {:.0e}; relative residual {:.3e}{}",
            self.orthogonality,
            self.relative_residual,
            if self.exact_fit { " (exact fit: y lies in the column space)" } else { "" }
        )?;
        write!(
            f,
            "Estimated correct digits: {:.1} to {:.1}",
            self.digits.guaranteed, self.digits.typical
        )
    }
}

/// What [`diagnose`] reads besides the solution and the statistics.
pub(crate) struct Inputs<'a> {
    pub(crate) method: Method,
    /// `‖x̃_j‖`, the norms of the equilibrated columns.
    pub(crate) norms: &'a [f64],
    /// How rounding the data to `f64` perturbs the problem ([`input_rounding`]).
    pub(crate) rounding: &'a InputRounding,
    /// The exponents `c_j` of the equilibrated columns.
    pub(crate) exponents: &'a [i32],
    /// Rows with nonzero weight.
    pub(crate) observations: usize,
    /// The QR factor of the equilibrated design when `κ₂` was asked for: the method's own for
    /// the QR methods, one computed for the purpose for the textbook methods.
    pub(crate) factor: Option<&'a DMatrix<f64>>,
}

/// Whether [`crate::ConditionNumber`] asks for `κ₂` on an m×n problem solved by `method`: its
/// cost is an SVD of the n×n factor (`≈ n³`) for the QR methods, and a QR factorization of the
/// design first (`≈ m·n²`) for the textbook methods, which have no `R`.
pub(crate) fn wants_condition_number(
    when: ConditionNumber,
    method: Method,
    m: usize,
    n: usize,
) -> bool {
    match when {
        ConditionNumber::Always => true,
        ConditionNumber::Never => false,
        ConditionNumber::Auto => {
            let cost = match method {
                Method::Qr | Method::ExtendedQr => count_to_f64(n) * count_to_f64(n * n),
                Method::Inverse | Method::NormalEquations => count_to_f64(m) * count_to_f64(n * n),
            };
            cost <= SVD_AUTO_FLOPS
        }
    }
}

/// Computes the diagnostics of a fit from its equilibrated solution and statistics.
pub(crate) fn diagnose(inputs: &Inputs<'_>, core: &Core<f64>, stats: &Statistics) -> Diagnostics {
    let p = core.beta.len();
    let (condition_number, scaled_condition_number) = match (inputs.factor, &core.factor) {
        (Some(r), Factor::Qr { columns, .. }) => {
            let exponents: Vec<i32> = columns.iter().map(|&j| inputs.exponents[j]).collect();
            condition_numbers(r, &exponents)
        }
        (Some(r), _) => condition_numbers(r, inputs.exponents),
        (None, _) => (Err(Unavailable::NotComputed), Err(Unavailable::NotComputed)),
    };
    let relative_residual = if stats.y_norm > 0.0 { stats.r_norm / stats.y_norm } else { 0.0 };
    let inverse_residual = match &core.factor {
        Factor::Explicit { inverse, gram } => {
            let residual = inverse * gram - DMatrix::<f64>::identity(p, p);
            Some(residual.abs() * core.beta.abs())
        }
        _ => None,
    };
    let sizes = Sizes {
        column_norms: inputs.norms,
        rounding: inputs.rounding,
        cross: &stats.cross,
        inverse_residual,
        y_norm: stats.y_norm,
        r_norm: stats.r_norm,
        m: inputs.observations,
    };
    let digits =
        estimate_digits(inputs.method, &core.beta, &core.aliased, &stats.covariance, &sizes);
    Diagnostics {
        method: inputs.method,
        rank: core.rank,
        columns: p,
        tolerance: core.tolerance,
        condition_estimate: core.condition_estimate,
        condition_number,
        scaled_condition_number,
        orthogonality: stats.orthogonality,
        relative_residual,
        exact_fit: stats.exact_fit,
        digits,
    }
}

/// How rounding the data to `f64` before any method sees them perturbs the (equilibrated)
/// problem, in units of `ε/2` relative: each entry of `y` is rounded once; column k carries
/// `columns[k]` roundings (none for a column of integers up to `2⁵³`, such as an intercept's
/// ones, which are exact; one for other data; `k` for the power `xᵏ` a polynomial design forms
/// in `f64` by repeated multiplication). When the extended
/// method rebuilds the powers from the rounded `x`, their perturbations are not independent:
/// `Δx̃_ik = k·x̃_ik·δᵢ` with one `|δᵢ| ≤ ε/2` per row, so `ΔX̃β̃` is bounded row by row by
/// `(ε/2)·|Σ_k k·x̃_ik·β̃_k|` (the slope of the fitted polynomial), whose norm is `structured`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InputRounding {
    /// `ρ_k` for each column.
    pub(crate) columns: Vec<f64>,
    /// The same for `y`: 0 when it holds integers up to `2⁵³`, else 1.
    pub(crate) response: f64,
    /// `‖(Σ_k k·x̃_ik·β̃_k)_i‖₂` when the powers of a polynomial design are rebuilt from `x`.
    pub(crate) structured: Option<f64>,
    /// With the same structure, the bound `Σ_i |r̃_i|·|Σ_k C̃_jk·k·x̃_ik|` on the residual's
    /// part of the perturbation of each coefficient j (`C̃·ΔX̃ᵀr̃`), keeping the cancellation
    /// between the columns that the unstructured `‖r̃‖·Σ_k ρ_k|C̃_jk|‖x̃_k‖` throws away.
    pub(crate) structured_residual: Option<Vec<f64>>,
}

/// The [`InputRounding`] of a fit by `method` on `design` (equilibrated as `scaling` says, with
/// equilibrated coefficients `beta` and the fit's statistics).
#[expect(clippy::too_many_arguments, reason = "a private helper taking what fit already has")]
pub(crate) fn input_rounding(
    design: &Design,
    y: &DVector<f64>,
    method: Method,
    weights: Option<&DVector<f64>>,
    kept: Kept<'_>,
    scaling: &Scaling,
    beta: &DVector<f64>,
    stats: &Statistics,
) -> InputRounding {
    let p = design.ncols();
    let x = design.matrix();
    let m = x.nrows();
    let exact = |k: usize| all_exact_integers(&x.as_slice()[k * m..(k + 1) * m], kept);
    let polynomial = design.is_polynomial();
    let columns = (0..p)
        .map(|k| match (exact(k), polynomial) {
            (true, _) => 0.0,
            (false, true) => count_to_f64(k),
            (false, false) => 1.0,
        })
        .collect();
    let response = if all_exact_integers(y.as_slice(), kept) { 0.0 } else { 1.0 };
    let rebuilt = polynomial && method == Method::ExtendedQr;
    if !rebuilt || p < 2 || exact(1) {
        return InputRounding { columns, response, structured: None, structured_residual: None };
    }
    let c = stats.covariance.matrix();
    // Row i of the equilibrated design and its √w̃ᵢ, and r̃ᵢ = √w̃ᵢ·rᵢ·2^r.
    let root = |i: usize| weights.map_or(1.0, |w| scale_by(w[i].sqrt(), scaling.weights));
    let row = |i: usize| -> Vec<f64> {
        (0..p).map(|k| root(i) * scale_by(x[(i, k)], scaling.columns[k])).collect()
    };
    let mut slope_sq = 0.0;
    let mut residual_terms = vec![0.0; p];
    for i in kept.iter() {
        let xi = row(i);
        let slope: f64 = (1..p).map(|k| count_to_f64(k) * xi[k] * beta[k]).sum();
        slope_sq += slope * slope;
        let r = scale_by(root(i) * stats.residuals[i], scaling.response).abs();
        for (j, term) in residual_terms.iter_mut().enumerate() {
            let g: f64 = (1..p).map(|k| c[(j, k)] * count_to_f64(k) * xi[k]).sum();
            *term += r * g.abs();
        }
    }
    InputRounding {
        columns,
        response,
        structured: Some(slope_sq.sqrt()),
        structured_residual: Some(residual_terms),
    }
}

/// Whether every kept one of `values` (a column of a problem, one value per row) passes
/// [`is_exact_integer`]. With every row kept, the values go in chunks of eight checked without
/// branches, which the compiler vectorises, and the check stops at the first chunk holding a
/// non-integer: an intercept's column of ones is read at memory speed, not one compare and
/// branch per row.
fn all_exact_integers(values: &[f64], kept: Kept<'_>) -> bool {
    match kept {
        Kept::Every(_) => {
            let chunks = values.chunks_exact(8);
            let tail = chunks.remainder();
            chunks.into_iter().all(|c| c.iter().fold(true, |all, &v| all & is_exact_integer(v)))
                && tail.iter().all(|&v| is_exact_integer(v))
        }
        Kept::Listed(rows) => rows.iter().all(|&i| is_exact_integer(values[i])),
    }
}

/// Whether `v` is an integer no larger than `2⁵³` in magnitude: such data are exact in `f64`
/// whatever decimal text they were read from (an intercept's ones, counts, years), so rounding
/// them cost nothing.
///
/// Below `2⁵²`, adding `2⁵²` rounds a magnitude to an integer, so subtracting it again gives the
/// magnitude back exactly when it was one; from `2⁵²` on every `f64` is an integer. This is
/// `v.fract() == 0.0` without the call to `trunc` that the baseline x86-64 instruction set
/// needs, which took 4 % of a 10⁴×10 fit.
#[expect(clippy::float_cmp, reason = "the rounded value is exactly the value or not")]
#[expect(
    clippy::needless_bitwise_bool,
    reason = "the tests are cheap and pure: without branches, `all_exact_integers` vectorises"
)]
fn is_exact_integer(v: f64) -> bool {
    /// `2⁵²`: from here on every `f64` is an integer.
    const INTEGERS_ONLY: f64 = 4_503_599_627_370_496.0;
    /// `2⁵³`: every integer up to it is an `f64`.
    const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;
    let a = v.abs();
    (a <= EXACT_INTEGERS) & ((a >= INTEGERS_ONLY) | ((a + INTEGERS_ONLY) - INTEGERS_ONLY == a))
}

/// Norms of the weighted problem that enter the error bounds.
struct Sizes<'a> {
    /// `‖x_k‖` for each column.
    column_norms: &'a [f64],
    /// The rounding of the data to `f64`.
    rounding: &'a InputRounding,
    /// `|x_kᵀy|` for each column.
    cross: &'a [f64],
    /// For the explicit inverse, `|Ĉ·G − I|·|β̂|`: the error the computed inverse itself commits,
    /// measured a posteriori from its residual.
    inverse_residual: Option<DVector<f64>>,
    y_norm: f64,
    r_norm: f64,
    m: usize,
}

/// The [`Digits`] range: the smallest, over the estimable nonzero coefficients, of
/// `−log₁₀(|Δβ_j|/|β_j|)` from first-order componentwise bounds, `C = (XᵀX)⁻¹`.
///
/// - QR is backward stable column by column, `‖Δx_k‖ ≤ c·u·‖x_k‖`, `‖Δy‖ ≤ c·u·‖y‖` (Higham,
///   Thm 20.3), and `Δβ = X⁺(Δy − ΔX·β) + C·ΔXᵀr` with `‖e_jᵀX⁺‖ = √C_jj`, so
///   `|Δβ_j| ≤ c·u·(√C_jj·(‖y‖ + Σ_k |β_k|‖x_k‖) + ‖r‖·Σ_k |C_jk|‖x_k‖)`.
/// - The normal equations commit `|ΔG| ≤ c·u·|X|ᵀ|X|` in forming and factoring `G = XᵀX`, so
///   `|Δβ_j| ≤ c·u·Σ_k |C_jk|‖x_k‖·(‖y‖ + Σ_l |β_l|‖x_l‖)`.
/// - The explicit inverse `Ĉ` adds its own error. With `Ĉ·G = I + E`, `β̂ = Ĉ·Xᵀy = (I + E)·β`,
///   so it adds `|E|·|β̂|`, measured a posteriori from the residual `E` (which a priori bounds
///   overstate by orders of magnitude), plus `u·Σ_k |Ĉ_jk|·|x_kᵀy|` for the product.
///
/// `u` is the working precision, `c = m·n` for the guaranteed end and 1 for the typical end;
/// rounding the result to `f64` adds `ε/2`.
///
/// The data were rounded to `f64` before any method saw them ([`InputRounding`]), a
/// perturbation of the same form as QR's backward error with `u = ε/2`: it moves the exact
/// solution by `(ε/2)·(√C_jj·(‖y‖ + Σ_k ρ_k|β_k|‖x_k‖) + ‖r‖·Σ_k ρ_k|C_jk|‖x_k‖)`, the middle
/// sum replaced by the structured norm when the powers of a polynomial design are rebuilt from
/// `x`. Every method's estimate includes it, so the digits are counted against the data before
/// they were rounded; data that were exact in `f64` lose nothing to it, and there the estimate
/// is pessimistic by that term.
fn estimate_digits(
    method: Method,
    beta: &DVector<f64>,
    aliased: &[usize],
    covariance: &Covariance<f64>,
    sizes: &Sizes<'_>,
) -> Digits {
    let p = beta.len();
    let u = match method {
        Method::ExtendedQr => <DoubleDouble as Real>::EPSILON,
        _ => f64::EPSILON,
    };
    let c = covariance.matrix();
    let norms = sizes.column_norms;
    let weighted_beta: f64 = (0..p).map(|k| beta[k].abs() * norms[k]).sum();
    let row_weighted: Vec<f64> =
        (0..p).map(|j| (0..p).map(|k| c[(j, k)].abs() * norms[k]).sum()).collect();
    let rho = &sizes.rounding.columns;
    let rounded_beta = sizes
        .rounding
        .structured
        .unwrap_or_else(|| (0..p).map(|k| rho[k] * beta[k].abs() * norms[k]).sum());
    let rounded_rows: Vec<f64> =
        (0..p).map(|j| (0..p).map(|k| rho[k] * c[(j, k)].abs() * norms[k]).sum()).collect();
    let worst = count_to_f64(sizes.m * p);
    let mut digits = Digits { guaranteed: F64_DIGITS, typical: F64_DIGITS };
    for j in (0..p).filter(|j| !aliased.contains(j) && beta[*j] != 0.0) {
        let qr = c[(j, j)].max(0.0).sqrt() * (sizes.y_norm + weighted_beta)
            + sizes.r_norm * row_weighted[j];
        let normal = row_weighted[j] * (sizes.y_norm + weighted_beta);
        let amplification = match method {
            Method::Qr | Method::ExtendedQr => qr,
            Method::NormalEquations => normal,
            Method::Inverse => {
                normal + (0..p).map(|k| c[(j, k)].abs() * sizes.cross[k]).sum::<f64>()
            }
        };
        let measured = sizes.inverse_residual.as_ref().map_or(0.0, |e| e[j]);
        let residual_part = sizes
            .rounding
            .structured_residual
            .as_ref()
            .map_or(sizes.r_norm * rounded_rows[j], |terms| terms[j]);
        let input = f64::EPSILON / 2.0
            * (c[(j, j)].max(0.0).sqrt() * (sizes.rounding.response * sizes.y_norm + rounded_beta)
                + residual_part);
        let to_digits = |factor: f64| {
            let relative = (factor * u * amplification + measured + input) / beta[j].abs()
                + f64::EPSILON / 2.0;
            if relative.is_finite() { (-relative.log10()).clamp(0.0, F64_DIGITS) } else { 0.0 }
        };
        digits.guaranteed = digits.guaranteed.min(to_digits(worst));
        digits.typical = digits.typical.min(to_digits(1.0));
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::dvector;

    /// Two unit columns at angle δ: `x₁ = (1, 0)`, `x₂ = (1, δ)`, so `κ₂ ≈ 2/δ` even after
    /// column scaling; `β = (1, 1)` and `y = Xβ`.
    #[track_caller]
    fn check(method: Method, delta: f64, rounding: f64, low: f64, high: f64) {
        let x = nalgebra::dmatrix![1.0, 1.0; 0.0, delta];
        // (XᵀX)⁻¹ = [[1 + δ², −1], [−1, 1]]/δ², exactly, even where XᵀX rounds to singular.
        let d2 = delta * delta;
        let covariance = Covariance::Explicit(
            nalgebra::dmatrix![(1.0 + d2) / d2, -1.0 / d2; -1.0 / d2, 1.0 / d2],
        );
        let y = &x * dvector![1.0, 1.0];
        let norms: Vec<f64> = x.column_iter().map(|c| c.norm()).collect();
        let cross: Vec<f64> = x.column_iter().map(|c| c.dot(&y).abs()).collect();
        let inverse_residual = (method == Method::Inverse).then(|| {
            let g = x.tr_mul(&x);
            let Covariance::Explicit(c) = &covariance else {
                unreachable!("explicit covariance in this test")
            };
            (c * g - DMatrix::<f64>::identity(2, 2)).abs() * dvector![1.0, 1.0]
        });
        let rounding_of_data = InputRounding {
            columns: vec![rounding, rounding],
            response: rounding,
            structured: None,
            structured_residual: None,
        };
        let sizes = Sizes {
            column_norms: &norms,
            rounding: &rounding_of_data,
            cross: &cross,
            inverse_residual,
            y_norm: y.norm(),
            r_norm: 0.0,
            m: 2,
        };
        let d = estimate_digits(method, &dvector![1.0, 1.0], &[], &covariance, &sizes);
        assert!(d.guaranteed <= d.typical);
        assert!(
            (low..=high).contains(&d.typical),
            "{method}: typical {} not in [{low}, {high}]",
            d.typical
        );
    }

    #[test]
    fn digits_shrink_with_the_condition_number_twice_as_fast_for_the_normal_equations() {
        // Data exact in f64 (no input rounding): the solvers' own errors.
        check(Method::Qr, 1.0, 0.0, 14.5, F64_DIGITS);
        // κ ≈ 2·10³: QR keeps about 16 − 3.4, the normal equations 16 − 2·3.4, the inverse less.
        check(Method::Qr, 1e-3, 0.0, 11.5, 12.5);
        check(Method::NormalEquations, 1e-3, 0.0, 8.0, 9.0);
        check(Method::Inverse, 1e-3, 0.0, 7.5, 9.0);
        check(Method::ExtendedQr, 1e-3, 0.0, 15.5, F64_DIGITS);
        check(Method::NormalEquations, 1e-9, 0.0, 0.0, 0.0);
    }

    #[test]
    fn rounding_the_data_to_f64_caps_every_method_near_the_digits_qr_keeps() {
        // Rounding the input perturbs the problem as QR's backward error does, so even the
        // double-double solve is not counted beyond what rounding the data left.
        check(Method::ExtendedQr, 1e-3, 1.0, 11.8, 12.6);
        check(Method::Qr, 1e-3, 1.0, 11.3, 12.4);
        check(Method::ExtendedQr, 1.0, 1.0, 14.5, F64_DIGITS);
    }

    /// The chunked check agrees with a value-by-value one, for a non-integer in every position
    /// (in a chunk and in the tail) and none, with every row kept and with rows left out.
    #[test]
    fn a_column_is_all_integers_exactly_when_every_kept_value_is() {
        for len in [0, 1, 7, 8, 9, 23, 64] {
            for bad in (0..len).map(Some).chain([None]) {
                let values: Vec<f64> = (0..len)
                    .map(|i| if Some(i) == bad { 2.5 } else { count_to_f64(i * 3) - 9.0 })
                    .collect();
                let every = Kept::Every(len);
                assert_eq!(all_exact_integers(&values, every), bad.is_none(), "{len} {bad:?}");
                let odd: Vec<usize> = (1..len).step_by(2).collect();
                let expected = bad.is_none_or(|b| b % 2 == 0);
                let listed = Kept::Listed(&odd);
                assert_eq!(all_exact_integers(&values, listed), expected, "{len} {bad:?}");
            }
        }
    }

    #[test]
    fn exact_integers_are_found_without_trunc() {
        let two52 = 2.0_f64.powi(52);
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -3.0,
            0.5,
            0.499_999_999_999_999_94,
            1e-300,
            f64::MIN_POSITIVE / 4.0,
            two52 - 0.5,
            two52 - 1.0,
            two52,
            two52 + 1.0,
            2.0 * two52 - 1.0,
            2.0 * two52,
            2.0 * two52 + 2.0,
            f64::MAX,
            1e300,
        ];
        for k in 0..2000 {
            let v = f64::from(k) * 0.37 - 300.0;
            values.extend([v, v.round(), v * 1e13, (v * 1e13).round(), -v * 1e15]);
        }
        let two53 = 2.0 * two52;
        for v in values {
            let expected = v.abs() <= two53 && v.fract() == 0.0;
            assert_eq!(is_exact_integer(v), expected, "{v:e}");
        }
    }
}
