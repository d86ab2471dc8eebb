//! [`fit`]: validates the input, weights the rows, solves by the chosen [`Method`], and gathers
//! the statistics and diagnostics into a [`Fit`].

use std::borrow::Cow;

use linalg_core::Real;
use nalgebra::{DMatrix, DVector};

use crate::design::{Design, check_matrix_finite};
use crate::diagnostics::diagnose;
use crate::error::{Error, Input, Result};
use crate::fit_result::Fit;
use crate::method::Method;
use crate::options::FitOptions;
use crate::solve::enforce_rank;
use crate::solvers::{
    Core, check_zero_columns, inverse_core, normal_equations_core, qr_core, round_core,
};
use crate::statistics::{Statistics, statistics};

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
/// weight. Regression statistics follow R's `summary.lm` (Chambers & Hastie, *Statistical
/// Models in S*, 1992).
///
/// # Cost
/// The solve (`≈ 2mn²` for QR), plus `O(mn + n³)` for the statistics and, when
/// [`crate::ConditionNumber`] asks for it, an SVD of `O(mn²)`.
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
/// [`Error::NormalMatrixBreakdown`] and [`Error::SingularNormalMatrix`].
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
/// assert!(fit.r_squared() > 0.99);
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
    let kept: Vec<usize> = (0..m).filter(|&i| weights.is_none_or(|w| w[i] > 0.0)).collect();
    if kept.len() < p {
        return Err(Error::Underdetermined { rows: kept.len(), cols: p });
    }
    let method = options.method;
    let names = design.names();
    let tolerance = options.tolerance;
    let outcome = if method == Method::ExtendedQr {
        let x = design.extended();
        let problem = Weighted::new(&x, y, weights, &kept);
        check_zero_columns(&problem.x, names)?;
        let core =
            enforce_rank(qr_core(&problem.x, &problem.y, tolerance)?, options.rank_policy, names)?;
        check_degrees_of_freedom(&core, kept.len())?;
        let stats = statistics(&x, y, weights, &kept, &core, design.intercept_column().is_some())?;
        Outcome { stats, core: round_core(&core) }
    } else {
        let x = design.matrix();
        let problem = Weighted::new(x, y, weights, &kept);
        check_zero_columns(&problem.x, names)?;
        let core = match method {
            Method::Inverse => inverse_core(&problem.x, &problem.y)?,
            Method::NormalEquations => normal_equations_core(&problem.x, &problem.y)?,
            _ => qr_core(&problem.x, &problem.y, tolerance)?,
        };
        let core = enforce_rank(core, options.rank_policy, names)?;
        check_degrees_of_freedom(&core, kept.len())?;
        let stats = statistics(x, y, weights, &kept, &core, design.intercept_column().is_some())?;
        Outcome { stats, core }
    };
    let Outcome { stats, core } = outcome;
    let diagnostics =
        diagnose(design, y, weights, &kept, method, &core, &stats, options.condition_number);
    Ok(Fit::new(design, weights, kept.len(), core, stats, diagnostics, method))
}

/// The rows with nonzero weight, scaled by `√wᵢ`, in the working precision. Without weights
/// every row is kept as it is, so the design is borrowed rather than copied.
struct Weighted<'a, T: Real> {
    x: Cow<'a, DMatrix<T>>,
    y: DVector<T>,
}

impl<'a, T: Real> Weighted<'a, T> {
    fn new(
        x: &'a DMatrix<T>,
        y: &DVector<f64>,
        weights: Option<&DVector<f64>>,
        kept: &[usize],
    ) -> Self {
        let Some(w) = weights else {
            return Self { x: Cow::Borrowed(x), y: y.map(T::from_f64) };
        };
        let root: Vec<T> = kept.iter().map(|&i| T::from_f64(w[i]).sqrt()).collect();
        let x = DMatrix::from_fn(kept.len(), x.ncols(), |k, j| x[(kept[k], j)] * root[k]);
        let y = DVector::from_fn(kept.len(), |k, _| T::from_f64(y[kept[k]]) * root[k]);
        Self { x: Cow::Owned(x), y }
    }
}

struct Outcome {
    stats: Statistics,
    core: Core<f64>,
}

/// Refuses an interpolating fit, which leaves nothing to estimate `σ²` from.
fn check_degrees_of_freedom<T: Real>(core: &Core<T>, observations: usize) -> Result<()> {
    if core.rank >= observations {
        return Err(Error::NoResidualDegreesOfFreedom { observations, rank: core.rank });
    }
    Ok(())
}
