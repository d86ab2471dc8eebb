//! [`solve`] and [`solve_in_place`]: the bare least-squares solve behind every [`Method`], and
//! its [`Solution`].

use linalg_core::DoubleDouble;
use nalgebra::{DMatrix, DVector};

use crate::design::check_matrix_finite;
use crate::error::{Error, Input, Result};
use crate::kept::Kept;
use crate::method::{Method, RankPolicy};
use crate::options::FitOptions;
use crate::scaling::{
    Problem, Scaling, equilibrate_in_place, problem, response_exponent, root_weights, scale_by,
};
use crate::solvers::{
    Core, check_zero_columns, inverse_core, lower, normal_equations_core, qr_core, qr_core_in_place,
};

/// Solves `min ‖A·x − b‖₂` (weighted: `min ‖√W(A·x − b)‖₂`) by the options' [`Method`], without
/// the statistics of [`crate::fit`].
///
/// Uses the options' method, rank tolerance, [`RankPolicy`] and weights (each row scaled by
/// `√wᵢ`; a zero weight leaves a zero row). The condition-number option does not apply: a
/// [`Solution`] carries the cheap estimate from the factor.
///
/// # Algorithm
/// See [`Method`]: Householder QR with R's order-keeping pivoting (Golub & Van Loan, *Matrix
/// Computations*, 4th ed., §5.2 and §5.4.1), in `f64` or double-double, or for comparison the
/// normal equations by Cholesky and the explicit inverse, each on the problem with its columns,
/// `b` and weights scaled by powers of two (exactly; see the crate's numerical notes), so that
/// no finite input overflows inside the solve and the units of a column change only the units of
/// its coefficient.
///
/// # Cost
/// QR `2mn² − 2n³/3` flops (about 10 to 20 times that for [`Method::ExtendedQr`]); normal
/// equations `mn² + n³/3`; the inverse adds `≈ 2n³`. One copy of `A` (see [`solve_in_place`]).
///
/// # Accuracy
/// QR is backward stable: relative error `∝ κ(A)·ε` plus `κ(A)²·ε` times the relative residual,
/// with `κ` taken after column scaling. The normal equations and the inverse lose `∝ κ(A)²·ε`.
/// Near rank deficiency the QR methods drop or report the aliased columns (by the relative test
/// `|r_kk| ≤ tol·‖a_k‖`) rather than return a meaningless solution.
///
/// # Errors
/// [`Error::EmptyDesign`], [`Error::DimensionMismatch`], [`Error::NonFinite`],
/// [`Error::Underdetermined`] (more columns than rows), [`Error::ZeroColumn`], invalid options
/// ([`Error::InvalidOption`], [`Error::NegativeWeight`]); [`Error::RankDeficient`] under
/// [`RankPolicy::Error`]; the textbook methods' [`Error::NormalMatrixBreakdown`],
/// [`Error::SingularNormalMatrix`] and [`Error::IllConditionedNormalMatrix`];
/// [`Error::Unrepresentable`] for a coefficient beyond the range of `f64`.
///
/// # Examples
///
/// ```
/// use lsq::{Error, FitOptions, Method};
/// use lsq::nalgebra::{dmatrix, dvector};
///
/// let (a, b) = (dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0], dvector![0.0, 1.0, 3.0]);
/// let s = lsq::solve(&a, &b, &FitOptions::default())?;
/// // The residual of the least-squares solution is orthogonal to the columns.
/// assert!((a.transpose() * (&b - &a * s.coefficients())).amax() < 1e-14);
/// assert_eq!((s.rank(), s.aliased()), (2, &[][..]));
/// let covariance = s.unscaled_covariance()?; // (AᵀA)⁻¹ from R⁻¹, never by inverting AᵀA
/// assert!((covariance[(1, 1)] - 0.5).abs() < 1e-14);
/// // A wide matrix has no unique least-squares solution.
/// let wide = lsq::solve(&a.transpose(), &dvector![1.0, 2.0], &FitOptions::default());
/// assert!(matches!(wide, Err(Error::Underdetermined { rows: 2, cols: 3 })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn solve(a: &DMatrix<f64>, b: &DVector<f64>, options: &FitOptions) -> Result<Solution> {
    check_problem(a, b, options)?;
    let rows: Vec<usize> = (0..a.nrows()).collect();
    let weights = options.weights.as_ref();
    if options.method == Method::ExtendedQr {
        let extended = a.map(DoubleDouble::from);
        let Problem { x, y, norms, scaling } = problem(&extended, b, weights, &rows);
        let rebuild = || problem(&extended, b, weights, &rows).x;
        let core = qr_core(x, &y, &norms, options.tolerance, rebuild)?;
        return Solution::new(lower(&enforce_rank(core, options.rank_policy, &[])?), scaling);
    }
    let Problem { x, y, norms, scaling } = problem(a, b, weights, &rows);
    let core = match options.method {
        Method::Inverse => inverse_core(&x, &y)?,
        Method::NormalEquations => normal_equations_core(&x, &y)?,
        _ => {
            let rebuild = || problem(a, b, weights, &rows).x;
            qr_core(x, &y, &norms, options.tolerance, rebuild)?
        }
    };
    Solution::new(enforce_rank(core, options.rank_policy, &[])?, scaling)
}

/// [`solve`] in the storage of `a`: the design is weighted, equilibrated and factored where it
/// lies, with no copy, and the storage is handed back beside the solution, holding the packed
/// factorization, for the next problem of the same shape.
///
/// The result is the one [`solve`] returns, bit for bit, whenever the design has full rank by
/// the rank test. When some column fails the test, the order-keeping pivoted factorization that
/// names the aliased columns runs on the design rebuilt from the factors (`Q·R`, equal to it
/// up to rounding), so the rank decision and the answer agree with [`solve`]'s up to rounding.
/// Methods other than [`Method::Qr`] solve as [`solve`] does and hand the storage back with
/// unspecified contents.
///
/// # Algorithm
/// As [`solve`].
///
/// # Cost
/// As [`solve`], without the copy of `A`; a rank-deficient design costs one more product
/// `Q·R` (`≈ 2mn²` flops) and an `m×n` buffer for it.
///
/// # Accuracy
/// As [`solve`].
///
/// # Errors
/// As [`solve`]; on an error the storage is dropped.
///
/// # Examples
///
/// ```
/// use lsq::{Error, FitOptions, RankPolicy};
/// use lsq::nalgebra::{dmatrix, dvector};
///
/// let design = dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0; 1.0, 3.0];
/// let b = dvector![1.0, 3.0, 2.0, 5.0];
/// let options = FitOptions::default();
/// let (fast, storage) = lsq::solve_in_place(design.clone(), &b, &options)?;
/// assert_eq!(fast.coefficients(), lsq::solve(&design, &b, &options)?.coefficients());
/// assert_eq!(storage.shape(), (4, 2)); // now the packed factorization, ready for reuse
///
/// // A repeated column is reported as aliased, as `solve` reports it.
/// let repeated = dmatrix![1.0, 1.0; 1.0, 1.0; 1.0, 1.0; 1.0, 1.0];
/// let err = lsq::solve_in_place(repeated.clone(), &b, &options).unwrap_err();
/// assert!(matches!(err, Error::RankDeficient { rank: 1, ref aliased, .. } if aliased == &[1]));
/// let drop = options.rank_policy(RankPolicy::DropAliased);
/// assert_eq!(lsq::solve_in_place(repeated, &b, &drop)?.0.aliased(), [1]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn solve_in_place(
    mut a: DMatrix<f64>,
    b: &DVector<f64>,
    options: &FitOptions,
) -> Result<(Solution, DMatrix<f64>)> {
    check_problem(&a, b, options)?;
    if matches!(options.method, Method::ExtendedQr) {
        let solution = solve(&a, b, options)?;
        return Ok((solution, a));
    }
    let (h, roots) = root_weights::<f64>(options.weights.as_ref(), Kept::Every(a.nrows()));
    let (columns, norms) = equilibrate_in_place(&mut a, roots.as_deref());
    let r = response_exponent(b, Kept::Every(b.len()));
    let y = DVector::from_fn(b.len(), |i, _| {
        scale_by(b[i], r) * roots.as_ref().map_or(1.0, |roots| roots[i])
    });
    let scaling = Scaling { columns, response: r, weights: h };
    let (core, storage) = match options.method {
        Method::Inverse => (inverse_core(&a, &y)?, a),
        Method::NormalEquations => (normal_equations_core(&a, &y)?, a),
        _ => qr_core_in_place(a, &y, &norms, options.tolerance)?,
    };
    let solution = Solution::new(enforce_rank(core, options.rank_policy, &[])?, scaling)?;
    Ok((solution, storage))
}

/// Validates `(A, b)` and the options for a solve: shape, finiteness, zero columns, weights.
fn check_problem(a: &DMatrix<f64>, b: &DVector<f64>, options: &FitOptions) -> Result<()> {
    let (rows, cols) = a.shape();
    if rows == 0 || cols == 0 {
        return Err(Error::EmptyDesign { rows, cols });
    }
    if b.len() != rows {
        return Err(Error::DimensionMismatch {
            input: Input::Response,
            expected: rows,
            found: b.len(),
        });
    }
    check_matrix_finite(a, Input::Design)?;
    check_matrix_finite(b, Input::Response)?;
    if rows < cols {
        return Err(Error::Underdetermined { rows, cols });
    }
    options.validate(rows)?;
    check_zero_columns(a, &[])
}

/// Applies the rank policy to a core result.
pub(crate) fn enforce_rank<T: linalg_core::Real>(
    core: Core<T>,
    policy: RankPolicy,
    names: &[String],
) -> Result<Core<T>> {
    let p = core.beta.len();
    if core.rank < p && policy == RankPolicy::Error {
        let name = |j: usize| names.get(j).cloned().unwrap_or_else(|| format!("x{}", j + 1));
        return Err(Error::RankDeficient {
            rank: core.rank,
            cols: p,
            tolerance: core.tolerance.unwrap_or(0.0),
            names: core.aliased.iter().map(|&j| name(j)).collect(),
            aliased: core.aliased,
        });
    }
    Ok(core)
}

/// The result of a bare [`solve`]: coefficients, rank, and `(AᵀA)⁻¹` on request.
///
/// For the statistics a regression needs (standard errors, R², tests) use [`crate::fit`].
/// Aliased coefficients (under [`RankPolicy::DropAliased`]) are 0, the solution without them.
/// See [`solve`] for an example.
#[derive(Debug, Clone)]
pub struct Solution {
    /// The solution of the equilibrated problem.
    core: Core<f64>,
    scaling: Scaling,
    /// The coefficients in the caller's units.
    coefficients: DVector<f64>,
}

impl Solution {
    /// Carries the equilibrated solution back to the caller's units.
    fn new(core: Core<f64>, scaling: Scaling) -> Result<Self> {
        let coefficients = scaling.coefficients(&core.beta)?;
        Ok(Self { core, scaling, coefficients })
    }

    /// The coefficients `x`, one per column of `A`.
    #[must_use]
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// The numerical rank: the number of columns minus the aliased ones (always the number of
    /// columns for the textbook methods, which fail rather than decide rank).
    #[must_use]
    pub fn rank(&self) -> usize {
        self.core.rank
    }

    /// The aliased columns, in increasing order (empty at full rank).
    #[must_use]
    pub fn aliased(&self) -> &[usize] {
        &self.core.aliased
    }

    /// The relative rank tolerance the QR methods used; `None` for the textbook methods.
    #[must_use]
    pub fn tolerance(&self) -> Option<f64> {
        self.core.tolerance
    }

    /// A cheap estimate of `κ₁` of `A` after scaling its columns (by powers of two) to
    /// comparable size; within a factor of n of the 2-norm condition number of the scaled `A`.
    /// Finite, except `f64::INFINITY` for a factor singular in `f64`, which only a rank
    /// tolerance of 0 lets through.
    #[must_use]
    pub fn condition_estimate(&self) -> f64 {
        self.core.condition_estimate
    }

    /// `(AᵀWA)⁻¹` (`W` the weights, `I` without), formed from the method's own factor
    /// (`R⁻¹·R⁻ᵀ` for QR, never by inverting `RᵀR`) on the equilibrated problem and scaled back
    /// exactly. Rows and columns of aliased coefficients are zero. `O(n³)` flops.
    ///
    /// # Errors
    /// [`Error::NormalMatrixBreakdown`] if the Cholesky factor of the normal equations has a pivot
    /// too small to invert; [`Error::Kernel`] for the analogous failure of `R`;
    /// [`Error::Unrepresentable`] for a diagonal entry beyond the range of `f64` (columns in
    /// units near 10⁻¹⁵⁰ make `(AᵀA)⁻¹` near 10³⁰⁰).
    pub fn unscaled_covariance(&self) -> Result<DMatrix<f64>> {
        let scaled = self.core.factor.covariance(self.core.beta.len())?.matrix();
        self.scaling.covariance(&scaled, 0)
    }
}
