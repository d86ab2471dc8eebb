//! [`fit`]: validates the input, weights the rows, solves by the chosen [`Method`], and gathers
//! the statistics and diagnostics into a [`Fit`].

use linalg_core::{HouseholderQr, Real};
use nalgebra::{DMatrix, DVector};

use crate::design::{Design, check_matrix_finite};
use crate::diagnostics::{Inputs, diagnose, input_rounding, wants_condition_number};
use crate::error::{Error, Input, Result};
use crate::fit_result::Fit;
use crate::kept::Kept;
use crate::method::Method;
use crate::options::FitOptions;
use crate::scaling::{Problem, Scalar, Scaling, problem};
use crate::solve::enforce_rank;
use crate::solvers::{
    Core, Factor, check_zero_columns, inverse_core, lower, normal_equations_core, qr_core,
};
use crate::statistics::{Setting, Statistics, statistics};
use crate::tall::{TallSolution, is_tall, tall_qr_core};

/// Fits `y ≈ Xβ` by least squares and computes the statistics of a regression.
///
/// Minimises `Σ wᵢ(yᵢ − xᵢᵀβ)²` (weights default to one) with the method of
/// [`FitOptions::method`], then computes standard errors from the method's factor (`R⁻¹` for
/// QR), t and F tests, R², the log-likelihood and information criteria, and the numerical
/// [`crate::Diagnostics`]. For [`Method::ExtendedQr`] the residuals, sums of squares, standard errors
/// and R² are computed in double-double before rounding.
///
/// # Algorithm
/// See [`Method`]. Weighted problems are solved as `min ‖√W(y − Xβ)‖₂` on the rows with nonzero
/// weight. Every method works on the equilibrated problem (columns, response and weights scaled
/// by powers of two; see the crate's numerical notes), where the solve, the sums of squares, the
/// statistics and the diagnostics are computed before they are scaled back exactly. Regression
/// statistics follow R's `summary.lm` (Chambers & Hastie, *Statistical Models in S*, 1992);
/// those the data leave undefined are [`crate::Unavailable`].
///
/// # Cost
/// The solve (`≈ 2mn²` for QR), plus `O(mn + n³)` for the statistics and, when
/// [`crate::ConditionNumber`] asks for it, `O(n³)` for `κ₂` from `R` (the textbook methods first
/// factor the design, `≈ 2mn²`). Memory: the design, one equilibrated copy that the QR factors
/// in place, the scaled response, and the fitted values and residuals the fit returns. A tall
/// design under [`Method::Qr`] (64 rows per column on the rows with nonzero weight, and at
/// least 2¹² entries unweighted with three columns or more, else 2²¹) needs no equilibrated
/// copy: its rows are equilibrated block by block and
/// folded into a [`linalg_core::TallQr`] on every core (the result does not depend on the
/// number of cores), so the solve adds `O(m + n²)` memory and one cache-sized block per thread
/// to the design; a column that fails the rank test sends such a design to the copying path.
///
/// # Accuracy
/// QR's coefficients have relative error about `κ(X)·ε + κ(X)²·ε·‖r‖/(‖X‖‖β‖)`, with `κ` after
/// column scaling; the normal equations and the inverse about `κ(X)²·ε`. The fit's
/// [`crate::Diagnostics::digits`] turns this into an estimate of the correct digits.
///
/// # Errors
/// [`Error::DimensionMismatch`], [`Error::NonFinite`], [`Error::NegativeWeight`],
/// [`Error::InvalidOption`] for bad input; [`Error::Underdetermined`] when fewer observations
/// have nonzero weight than there are columns; [`Error::ZeroColumn`];
/// [`Error::RankDeficient`] (unless [`crate::RankPolicy::DropAliased`]);
/// [`Error::NoResidualDegreesOfFreedom`] for an interpolating fit; the textbook methods'
/// [`Error::NormalMatrixBreakdown`], [`Error::SingularNormalMatrix`] and
/// [`Error::IllConditionedNormalMatrix`]; [`Error::Unrepresentable`] for a coefficient, standard
/// error, fitted value or residual beyond the range of `f64` in the caller's units;
/// [`Error::Kernel`] when a rank tolerance of 0 lets through a factor too close to singular for
/// `R⁻¹`.
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions};
/// use nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0; 5.0])?;
/// let y = dvector![2.1, 3.9, 6.2, 7.8, 10.1];
/// let fit = lsq::fit(&design, &y, &FitOptions::default())?;
/// assert!((fit.coefficients()[1] - 1.99).abs() < 1e-12);
/// assert!(fit.r_squared()? > 0.99);
/// println!("{fit}"); // an R-style summary
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn fit(design: &Design, y: &DVector<f64>, options: &FitOptions) -> Result<Fit> {
    let (m, p) = (design.nrows(), design.ncols());
    if y.len() != m {
        return Err(Error::DimensionMismatch {
            input: Input::Response,
            expected: m,
            found: y.len(),
        });
    }
    check_matrix_finite(y, Input::Response)?;
    options.validate(m)?;
    let weights = options.weights.as_ref();
    // Rows of zero weight are left out; with none, every row is kept and listed nowhere.
    let listed: Option<Vec<usize>> = weights
        .filter(|w| w.iter().any(|&w| w <= 0.0))
        .map(|w| (0..m).filter(|&i| w[i] > 0.0).collect());
    let kept = listed.as_deref().map_or(Kept::Every(m), Kept::Listed);
    if kept.len() < p {
        return Err(Error::Underdetermined { rows: kept.len(), cols: p });
    }
    let method = options.method;
    let wants = wants_condition_number(options.condition_number, method, kept.len(), p);
    let outcome = match method {
        Method::ExtendedQr => {
            let x = design.extended();
            by_qr(&Data { x: &x, y, kept, design, options }, wants)?
        }
        Method::Inverse | Method::NormalEquations => {
            by_textbook(&Data { x: design.matrix(), y, kept, design, options }, wants)?
        }
        Method::Qr if is_tall(kept.len(), p, weights.is_some()) => {
            by_tall_qr(&Data { x: design.matrix(), y, kept, design, options }, wants)?
        }
        _ => by_qr(&Data { x: design.matrix(), y, kept, design, options }, wants)?,
    };
    let Outcome { core, stats, scaling, norms, factor } = outcome;
    let rounding = input_rounding(design, y, method, weights, kept, &scaling, &core.beta, &stats);
    let inputs = Inputs {
        method,
        norms: &norms,
        rounding: &rounding,
        exponents: &scaling.columns,
        observations: kept.len(),
        factor: factor.as_ref(),
    };
    let diagnostics = diagnose(&inputs, &core, &stats);
    Fit::new(design, weights, kept.len(), core, stats, scaling, diagnostics, method)
}

/// A fit's input: the design in the working precision (the design itself, or its double-double
/// rebuild), the response, the rows with nonzero weight, and the options.
struct Data<'a, T: Real> {
    x: &'a DMatrix<T>,
    y: &'a DVector<f64>,
    kept: Kept<'a>,
    design: &'a Design,
    options: &'a FitOptions,
}

/// What the solve and the statistics produced, in the equilibrated problem's units.
struct Outcome {
    core: Core<f64>,
    stats: Statistics,
    scaling: Scaling,
    norms: Vec<f64>,
    /// The QR factor `R` of the equilibrated design, when `κ₂` was asked for.
    factor: Option<DMatrix<f64>>,
}

/// Equilibrates and solves by Householder QR in the precision of the data.
fn by_qr<T: Scalar>(data: &Data<'_, T>, wants_condition: bool) -> Result<Outcome> {
    let weights = data.options.weights.as_ref();
    let rows = data.kept.indices();
    let Problem { x, y, norms, scaling } = problem(data.x, data.y, weights, &rows);
    check_zero_columns(&x, data.design.names())?;
    let rebuild = || problem(data.x, data.y, weights, &rows).x;
    let core = qr_core(x, &y, &norms, data.options.tolerance, rebuild)?;
    // The statistics rebuild every row from the design; the scaled response can go.
    drop(y);
    let factor = match (&core.factor, wants_condition) {
        (Factor::Qr { r, .. }, true) => Some(r.map(Real::to_f64)),
        _ => None,
    };
    finish(data, core, scaling, norms, factor)
}

/// Solves a tall design by folding its equilibrated rows into a `TallQr` (see `crate::tall`),
/// without an equilibrated copy of the design; a zero column or one that fails the rank test
/// takes [`by_qr`], which reports the first or finds the aliased columns.
fn by_tall_qr(data: &Data<'_, f64>, wants_condition: bool) -> Result<Outcome> {
    let weights = data.options.weights.as_ref();
    let known = Some(data.design.column_steps());
    match tall_qr_core(data.x, data.y, weights, data.kept, data.options.tolerance, known)? {
        Some(TallSolution { core, scaling, norms }) => {
            let factor = match (&core.factor, wants_condition) {
                (Factor::Qr { r, .. }, true) => Some(r.clone()),
                _ => None,
            };
            finish(data, core, scaling, norms, factor)
        }
        None => by_qr(data, wants_condition),
    }
}

/// Equilibrates and solves by the explicit inverse or the normal equations.
fn by_textbook(data: &Data<'_, f64>, wants_condition: bool) -> Result<Outcome> {
    let weights = data.options.weights.as_ref();
    let Problem { x, y, norms, scaling } = problem(data.x, data.y, weights, &data.kept.indices());
    check_zero_columns(&x, data.design.names())?;
    let core = if data.options.method == Method::Inverse {
        inverse_core(&x, &y)?
    } else {
        normal_equations_core(&x, &y)?
    };
    // The textbook methods have no R of their own: factor the equilibrated design for the
    // diagnostic alone, in the buffer the solve no longer needs.
    drop(y);
    let factor = if wants_condition { Some(HouseholderQr::new(x)?.r()) } else { None };
    finish(data, core, scaling, norms, factor)
}

/// Applies the rank policy, refuses an interpolating fit and computes the statistics.
fn finish<T: Scalar>(
    data: &Data<'_, T>,
    core: Core<T>,
    scaling: Scaling,
    norms: Vec<f64>,
    factor: Option<DMatrix<f64>>,
) -> Result<Outcome> {
    let core = enforce_rank(core, data.options.rank_policy, data.design.names())?;
    check_degrees_of_freedom(&core, data.kept.len())?;
    let setting = Setting {
        weights: data.options.weights.as_ref(),
        kept: data.kept,
        scaling: &scaling,
        norms: &norms,
        intercept: data.design.intercept_column().is_some(),
    };
    let stats = statistics(data.x, data.y, &setting, &core)?;
    Ok(Outcome { core: lower(&core), stats, scaling, norms, factor })
}

/// Refuses an interpolating fit, which leaves nothing to estimate `σ²` from.
fn check_degrees_of_freedom<T: Scalar>(core: &Core<T>, observations: usize) -> Result<()> {
    if core.rank >= observations {
        return Err(Error::NoResidualDegreesOfFreedom { observations, rank: core.rank });
    }
    Ok(())
}
