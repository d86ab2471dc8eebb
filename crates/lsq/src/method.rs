//! [`Method`], the [`LeastSquares`] trait the solvers implement, and the bare [`Solution`].

use linalg_core::DoubleDouble;
use nalgebra::{DMatrix, DVector};

use crate::design::check_matrix_finite;
use crate::error::{Error, Input, Result};
use crate::solvers::{
    Core, Covariance, check_zero_columns, inverse_core, normal_equations_core, qr_core,
    qr_core_in_place, round_core,
};

/// How to solve `min ‖Xβ − y‖₂`.
///
/// [`Method::Qr`] is the default and the one to use. [`Method::Inverse`] and
/// [`Method::NormalEquations`] are the textbook formulas; they are here to show, on real data,
/// why QR is the default: both form `XᵀX`, whose condition number is `κ(X)²`, so they lose about
/// twice as many digits as QR and fail outright once `κ(X)` nears `1/√ε ≈ 7·10⁷`.
/// [`Method::ExtendedQr`] runs the same QR in double-double (about 32 digits) to certify results.
///
/// # Examples
///
/// ```
/// use lsq::{LeastSquares, Method};
/// use nalgebra::{dmatrix, dvector};
///
/// let x = dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0];
/// let y = dvector![1.0, 3.0, 5.0];
/// for method in Method::ALL {
///     let beta = method.solve(&x, &y)?.coefficients().clone();
///     assert!((beta[1] - 2.0).abs() < 1e-12, "{method}");
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Method {
    /// The lesson's left inverse, literally: `β = (XᵀX)⁻¹·Xᵀy` with an explicit LU inverse.
    ///
    /// For comparison only. Cost `≈ mn² + 2n³`; error `∝ κ(X)²·ε`, and in practice worse than
    /// the normal equations, because the explicit inverse adds its own error.
    Inverse,
    /// The normal equations `XᵀX·β = Xᵀy`, solved by Cholesky.
    ///
    /// For comparison only. Cost `≈ mn² + n³/3`; error `∝ κ(X)²·ε`. Breaks down (a typed
    /// error) when `XᵀX` is not numerically positive definite.
    NormalEquations,
    /// Householder QR with R's order-keeping column pivoting and back substitution.
    ///
    /// Cost `≈ 2mn² − 2n³/3`; backward stable, error `∝ κ(X)·ε` plus `κ(X)²·ε` times the
    /// relative residual, with `κ` taken after column scaling. Detects rank deficiency.
    #[default]
    Qr,
    /// The same Householder QR in double-double arithmetic, inputs and outputs in `f64`.
    ///
    /// About 10 to 20 times the time of [`Method::Qr`] (measured by `cargo bench --bench lsq`
    /// on 1000×10 and 100 000×10; see `benches/README.md`); error `∝ κ(X)·2⁻¹⁰⁴`, so every digit of
    /// an `f64` answer can be checked for `κ(X)` up to about 10¹⁶.
    ExtendedQr,
}

impl Method {
    /// Every method, in the order reports list them.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{LeastSquares, Method};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let names: std::collections::BTreeSet<_> = Method::ALL.iter().map(|m| m.name()).collect();
    /// assert_eq!(names.len(), 4); // no method listed twice
    /// assert!(Method::ALL.contains(&Method::default()));
    /// let (x, y) = (dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0], dvector![1.0, 3.0, 5.0]);
    /// for method in Method::ALL {
    ///     assert_eq!(method.solve(&x, &y)?.method(), method);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const ALL: [Method; 4] =
        [Method::Inverse, Method::NormalEquations, Method::Qr, Method::ExtendedQr];

    /// The three `f64` methods of the lesson.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::Method;
    ///
    /// assert!(!Method::DOUBLE.contains(&Method::ExtendedQr));
    /// assert_eq!(Method::DOUBLE, Method::ALL[..3]);
    /// ```
    pub const DOUBLE: [Method; 3] = [Method::Inverse, Method::NormalEquations, Method::Qr];

    /// A short, stable name: `inverse`, `normal-equations`, `qr`, `extended-qr`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(lsq::Method::default().name(), "qr");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Method::Inverse => "inverse",
            Method::NormalEquations => "normal-equations",
            Method::Qr => "qr",
            Method::ExtendedQr => "extended-qr",
        }
    }

    /// Whether the method decides numerical rank (the QR methods) or simply fails on a
    /// singular `XᵀX` (the textbook methods).
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Error, LeastSquares, Method};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let a = dmatrix![1.0, 2.0; 1.0, 2.0; 1.0, 2.0]; // the second column is twice the first
    /// let b = dvector![1.0, 2.0, 3.0];
    /// assert!(Method::Qr.detects_rank());
    /// assert!(matches!(Method::Qr.solve(&a, &b), Err(Error::RankDeficient { rank: 1, .. })));
    /// assert!(!Method::NormalEquations.detects_rank());
    /// let singular = Method::NormalEquations.solve(&a, &b);
    /// assert!(matches!(
    ///     singular,
    ///     Err(Error::NormalMatrixBreakdown { .. } | Error::SingularNormalMatrix { .. })
    /// ));
    /// ```
    #[must_use]
    pub const fn detects_rank(self) -> bool {
        matches!(self, Method::Qr | Method::ExtendedQr)
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Method::Inverse => "explicit inverse",
            Method::NormalEquations => "normal equations (Cholesky)",
            Method::Qr => "Householder QR",
            Method::ExtendedQr => "Householder QR in double-double",
        })
    }
}

/// A least-squares solver: `min ‖A·x − b‖₂` for `A` with at least as many rows as columns.
///
/// # Examples
///
/// ```
/// use lsq::{LeastSquares, NormalEquations};
/// use nalgebra::{dmatrix, dvector};
///
/// let s = NormalEquations.solve(&dmatrix![1.0; 1.0], &dvector![1.0, 3.0])?;
/// assert!((s.coefficients()[0] - 2.0).abs() < 1e-15);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait LeastSquares {
    /// The method this solver implements.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{LeastSquares, Method, Qr};
    ///
    /// assert_eq!(Qr::default().method(), Method::Qr);
    /// assert_eq!(Method::Inverse.method(), Method::Inverse);
    /// ```
    fn method(&self) -> Method;

    /// Solves `min ‖A·x − b‖₂`.
    ///
    /// # Errors
    /// Empty or non-finite input, `b` of the wrong length, fewer rows than columns, a zero
    /// column, and the method's own failures: rank deficiency for the QR methods (unless they
    /// were told to drop aliased columns), a singular or indefinite `XᵀX` for the others.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Error, LeastSquares, Qr};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let (a, b) = (dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0], dvector![0.0, 1.0, 3.0]);
    /// let s = Qr::default().solve(&a, &b)?;
    /// // The residual of the least-squares solution is orthogonal to the columns.
    /// assert!((a.transpose() * (&b - &a * s.coefficients())).amax() < 1e-14);
    /// // A wide matrix has no unique least-squares solution.
    /// let wide = Qr::default().solve(&a.transpose(), &dvector![1.0, 2.0]);
    /// assert!(matches!(wide, Err(Error::Underdetermined { rows: 2, cols: 3 })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn solve(&self, a: &DMatrix<f64>, b: &DVector<f64>) -> Result<Solution>;
}

/// What to do when the design is rank deficient.
///
/// # Examples
///
/// ```
/// use lsq::{Design, Error, FitOptions, RankPolicy};
/// use nalgebra::{dmatrix, dvector};
///
/// assert_eq!(RankPolicy::default(), RankPolicy::Error);
/// // The third column is twice the second.
/// let x = dmatrix![1.0, 1.0, 2.0; 1.0, 2.0, 4.0; 1.0, 3.0, 6.0; 1.0, 4.0, 8.0];
/// let design = Design::new(x)?;
/// let y = dvector![1.0, 3.0, 2.0, 5.0];
/// let err = lsq::fit(&design, &y, &FitOptions::default()).unwrap_err();
/// assert!(matches!(err, Error::RankDeficient { rank: 2, ref names, .. } if names == &["x3"]));
/// let fit = lsq::fit(&design, &y, &FitOptions::default().rank_policy(RankPolicy::DropAliased))?;
/// assert_eq!(fit.aliased(), [2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RankPolicy {
    /// Return [`Error::RankDeficient`] naming the aliased columns (the default).
    #[default]
    Error,
    /// Drop the aliased columns, as R's `lm` does: their coefficients are reported as not
    /// estimable and the residual degrees of freedom use the rank.
    DropAliased,
}

/// The explicit-inverse solver; see [`Method::Inverse`].
///
/// # Examples
///
/// ```
/// use lsq::{Inverse, LeastSquares, Method, Qr};
/// use nalgebra::{dmatrix, dvector};
///
/// let (a, b) = (dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0], dvector![0.0, 1.0, 3.0]);
/// let s = Inverse.solve(&a, &b)?;
/// assert_eq!(s.method(), Method::Inverse);
/// // On a well-conditioned problem it agrees with QR.
/// assert!((s.coefficients() - Qr::default().solve(&a, &b)?.coefficients()).amax() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Inverse;

/// The normal-equations solver; see [`Method::NormalEquations`].
///
/// # Examples
///
/// ```
/// use lsq::{Error, LeastSquares, NormalEquations, Qr};
/// use nalgebra::{dmatrix, dvector};
///
/// let (a, b) = (dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0], dvector![0.0, 1.0, 3.0]);
/// let s = NormalEquations.solve(&a, &b)?;
/// assert!((s.coefficients() - Qr::default().solve(&a, &b)?.coefficients()).amax() < 1e-12);
/// // It cannot decide rank: a repeated column makes XᵀX singular, an error.
/// let repeated = NormalEquations.solve(&dmatrix![1.0, 1.0; 1.0, 1.0; 1.0, 1.0], &b);
/// assert!(matches!(
///     repeated,
///     Err(Error::NormalMatrixBreakdown { .. } | Error::SingularNormalMatrix { .. })
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NormalEquations;

/// The Householder QR solver; see [`Method::Qr`].
///
/// # Examples
///
/// ```
/// use lsq::{LeastSquares, Qr, RankPolicy};
/// use nalgebra::{dmatrix, dvector};
///
/// // The second column repeats the first.
/// let a = dmatrix![1.0, 1.0; 1.0, 1.0; 1.0, 1.0];
/// assert!(Qr::default().solve(&a, &dvector![1.0, 2.0, 3.0]).is_err());
/// let s = Qr::default().rank_policy(RankPolicy::DropAliased).solve(&a, &dvector![1.0, 2.0, 3.0])?;
/// assert_eq!(s.aliased(), &[1]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Qr {
    tolerance: Option<f64>,
    policy: RankPolicy,
}

impl Qr {
    /// Relative rank tolerance in `[0, 1)` on the column-scaled design. Default: `max(m, n)·ε`.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Error, LeastSquares, Qr};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // The columns differ by 10⁻⁹: independent at the default tolerance, dependent at 10⁻⁶.
    /// let a = dmatrix![1.0, 1.0; 1.0, 1.0; 1.0, 1.0 + 1e-9];
    /// let b = dvector![1.0, 2.0, 3.0];
    /// assert_eq!(Qr::default().solve(&a, &b)?.rank(), 2);
    /// let coarse = Qr::default().tolerance(1e-6).solve(&a, &b);
    /// assert!(matches!(coarse, Err(Error::RankDeficient { rank: 1, .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn tolerance(mut self, tol: f64) -> Self {
        self.tolerance = Some(tol);
        self
    }

    /// What to do on rank deficiency. Default: [`RankPolicy::Error`].
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{LeastSquares, Qr, RankPolicy};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let a = dmatrix![1.0, 2.0; 1.0, 2.0; 1.0, 2.0]; // the second column is twice the first
    /// let b = dvector![1.0, 2.0, 3.0];
    /// let s = Qr::default().rank_policy(RankPolicy::DropAliased).solve(&a, &b)?;
    /// assert_eq!((s.rank(), s.aliased()), (1, &[1][..]));
    /// // The aliased coefficient is 0 and the kept column alone fits the mean of b.
    /// assert_eq!(s.coefficients()[1], 0.0);
    /// assert!((s.coefficients()[0] - 2.0).abs() < 1e-14);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rank_policy(mut self, policy: RankPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// [`LeastSquares::solve`] without a copy of `a`: the columns are scaled and factored in
    /// the caller's storage, for callers that solve many large problems of one shape (each
    /// step of IRLS, say) and rebuild `a` each time anyway.
    ///
    /// Returns `Ok(Some(solution))`, identical bit for bit to what `solve` returns, when the
    /// design is of full rank by the rank test. Returns `Ok(None)` when some column fails it: the
    /// aliased columns are then found by the column-by-column pivoted factorization, which
    /// needs the design again, so the caller refills `a` and calls [`LeastSquares::solve`],
    /// which applies the [rank policy](Qr::rank_policy).
    ///
    /// `a` is overwritten: on `Ok` it holds the packed factorization, in the same shape and
    /// allocation; after an error its contents are unspecified. `b` is not modified.
    ///
    /// # Errors
    /// As [`LeastSquares::solve`], except [`Error::RankDeficient`], which is `Ok(None)` here.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{LeastSquares, Qr};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let design = dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0; 1.0, 3.0];
    /// let b = dvector![1.0, 3.0, 2.0, 5.0];
    /// let mut a = design.clone();
    /// let fast = Qr::default().solve_full_rank_in_place(&mut a, &b)?.ok_or("rank deficient")?;
    /// assert_eq!(fast.coefficients(), Qr::default().solve(&design, &b)?.coefficients());
    /// assert_eq!(a.shape(), (4, 2)); // now the packed factorization, not the design
    ///
    /// // A repeated column: no solution in place, the caller falls back to `solve`.
    /// let mut repeated = dmatrix![1.0, 1.0; 1.0, 1.0; 1.0, 1.0; 1.0, 1.0];
    /// assert!(Qr::default().solve_full_rank_in_place(&mut repeated, &b)?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn solve_full_rank_in_place(
        &self,
        a: &mut DMatrix<f64>,
        b: &DVector<f64>,
    ) -> Result<Option<Solution>> {
        check_problem(a, b, &[])?;
        check_tolerance(self.tolerance)?;
        Ok(qr_core_in_place(a, b, self.tolerance)?
            .map(|core| Solution::from_core(Method::Qr, core)))
    }
}

/// The double-double QR solver; see [`Method::ExtendedQr`].
///
/// # Examples
///
/// ```
/// use lsq::{ExtendedQr, LeastSquares, Method, Qr};
/// use nalgebra::{dmatrix, dvector};
///
/// let (a, b) = (dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0], dvector![0.0, 1.0, 3.0]);
/// let s = ExtendedQr::default().solve(&a, &b)?;
/// assert_eq!(s.method(), Method::ExtendedQr);
/// assert!((s.coefficients() - Qr::default().solve(&a, &b)?.coefficients()).amax() < 1e-14);
/// // Its default rank tolerance is max(m, n)·2⁻¹⁰⁴, far below f64's ε.
/// assert!(s.tolerance().is_some_and(|t| t < 1e-30));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ExtendedQr {
    tolerance: Option<f64>,
    policy: RankPolicy,
}

impl ExtendedQr {
    /// Relative rank tolerance in `[0, 1)`. Default: `max(m, n)·2⁻¹⁰⁴`.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Error, ExtendedQr, LeastSquares};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // The columns differ by 10⁻⁹: independent at the default tolerance, dependent at 10⁻⁶.
    /// let a = dmatrix![1.0, 1.0; 1.0, 1.0; 1.0, 1.0 + 1e-9];
    /// let b = dvector![1.0, 2.0, 3.0];
    /// assert_eq!(ExtendedQr::default().solve(&a, &b)?.rank(), 2);
    /// let coarse = ExtendedQr::default().tolerance(1e-6).solve(&a, &b);
    /// assert!(matches!(coarse, Err(Error::RankDeficient { rank: 1, .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn tolerance(mut self, tol: f64) -> Self {
        self.tolerance = Some(tol);
        self
    }

    /// What to do on rank deficiency. Default: [`RankPolicy::Error`].
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{ExtendedQr, LeastSquares, RankPolicy};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let a = dmatrix![1.0, 2.0; 1.0, 2.0; 1.0, 2.0]; // the second column is twice the first
    /// let b = dvector![1.0, 2.0, 3.0];
    /// assert!(ExtendedQr::default().solve(&a, &b).is_err());
    /// let s = ExtendedQr::default().rank_policy(RankPolicy::DropAliased).solve(&a, &b)?;
    /// assert_eq!((s.rank(), s.aliased()), (1, &[1][..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rank_policy(mut self, policy: RankPolicy) -> Self {
        self.policy = policy;
        self
    }
}

/// Validates `(A, b)` for a solve: shape, finiteness, zero columns.
pub(crate) fn check_problem(a: &DMatrix<f64>, b: &DVector<f64>, names: &[String]) -> Result<()> {
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
    check_zero_columns(a, names)
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

/// Checks a rank tolerance option.
pub(crate) fn check_tolerance(tolerance: Option<f64>) -> Result<()> {
    match tolerance {
        Some(tol) if !(0.0..1.0).contains(&tol) => Err(Error::InvalidOption {
            name: "tolerance",
            value: tol,
            reason: "must lie in [0, 1)",
        }),
        _ => Ok(()),
    }
}

impl LeastSquares for Inverse {
    fn method(&self) -> Method {
        Method::Inverse
    }
    fn solve(&self, a: &DMatrix<f64>, b: &DVector<f64>) -> Result<Solution> {
        check_problem(a, b, &[])?;
        Ok(Solution::from_core(Method::Inverse, inverse_core(a, b)?))
    }
}

impl LeastSquares for NormalEquations {
    fn method(&self) -> Method {
        Method::NormalEquations
    }
    fn solve(&self, a: &DMatrix<f64>, b: &DVector<f64>) -> Result<Solution> {
        check_problem(a, b, &[])?;
        Ok(Solution::from_core(Method::NormalEquations, normal_equations_core(a, b)?))
    }
}

impl LeastSquares for Qr {
    fn method(&self) -> Method {
        Method::Qr
    }
    fn solve(&self, a: &DMatrix<f64>, b: &DVector<f64>) -> Result<Solution> {
        check_problem(a, b, &[])?;
        check_tolerance(self.tolerance)?;
        let core = enforce_rank(qr_core(a, b, self.tolerance)?, self.policy, &[])?;
        Ok(Solution::from_core(Method::Qr, core))
    }
}

impl LeastSquares for ExtendedQr {
    fn method(&self) -> Method {
        Method::ExtendedQr
    }
    fn solve(&self, a: &DMatrix<f64>, b: &DVector<f64>) -> Result<Solution> {
        check_problem(a, b, &[])?;
        check_tolerance(self.tolerance)?;
        let core = qr_core(&a.map(DoubleDouble::from), &b.map(DoubleDouble::from), self.tolerance)?;
        let core = enforce_rank(core, self.policy, &[])?;
        Ok(Solution::from_core(Method::ExtendedQr, round_core(&core)))
    }
}

impl LeastSquares for Method {
    fn method(&self) -> Method {
        *self
    }
    fn solve(&self, a: &DMatrix<f64>, b: &DVector<f64>) -> Result<Solution> {
        match self {
            Method::Inverse => Inverse.solve(a, b),
            Method::NormalEquations => NormalEquations.solve(a, b),
            Method::Qr => Qr::default().solve(a, b),
            Method::ExtendedQr => ExtendedQr::default().solve(a, b),
        }
    }
}

/// The result of a bare solve: coefficients, rank, and `(AᵀA)⁻¹` on request.
///
/// For the statistics a regression needs (standard errors, R², tests) use [`crate::fit`].
///
/// # Examples
///
/// ```
/// use lsq::{LeastSquares, Method};
/// use nalgebra::{dmatrix, dvector};
///
/// let s = Method::Qr.solve(&dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0], &dvector![0.0, 1.0, 3.0])?;
/// assert_eq!(s.rank(), 2);
/// let c = s.unscaled_covariance()?; // (AᵀA)⁻¹
/// assert!((c[(1, 1)] - 0.5).abs() < 1e-14);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Solution {
    method: Method,
    core: Core<f64>,
}

impl Solution {
    pub(crate) fn from_core(method: Method, core: Core<f64>) -> Self {
        Self { method, core }
    }

    /// The method that produced it.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{LeastSquares, Method, NormalEquations};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let s = NormalEquations.solve(&dmatrix![1.0; 1.0], &dvector![1.0, 3.0])?;
    /// assert_eq!(s.method(), Method::NormalEquations);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn method(&self) -> Method {
        self.method
    }

    /// The coefficients; entries of aliased columns are zero (the basic solution).
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{LeastSquares, Method};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // b = A·(1, 2) exactly, so every method recovers (1, 2).
    /// let a = dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0];
    /// let b = &a * dvector![1.0, 2.0];
    /// for method in Method::ALL {
    ///     let x = method.solve(&a, &b)?.coefficients().clone();
    ///     assert!((x - dvector![1.0, 2.0]).amax() < 1e-12, "{method}");
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.core.beta
    }

    /// Numerical rank (the number of columns for the methods that do not decide rank).
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{LeastSquares, Method, Qr, RankPolicy};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let b = dvector![1.0, 2.0, 3.0];
    /// assert_eq!(Method::Inverse.solve(&dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0], &b)?.rank(), 2);
    /// // A repeated column: QR, told to drop it, reports rank 1.
    /// let qr = Qr::default().rank_policy(RankPolicy::DropAliased);
    /// assert_eq!(qr.solve(&dmatrix![1.0, 1.0; 1.0, 1.0; 1.0, 1.0], &b)?.rank(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rank(&self) -> usize {
        self.core.rank
    }

    /// Zero-based indices of the aliased columns, ascending.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{LeastSquares, Method, Qr, RankPolicy};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let b = dvector![1.0, 2.0, 3.0];
    /// let full = Method::Qr.solve(&dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0], &b)?;
    /// assert!(full.aliased().is_empty());
    /// // The third column is the sum of the first two.
    /// let a = dmatrix![1.0, 0.0, 1.0; 1.0, 1.0, 2.0; 1.0, 2.0, 3.0; 1.0, 4.0, 5.0];
    /// let qr = Qr::default().rank_policy(RankPolicy::DropAliased);
    /// assert_eq!(qr.solve(&a, &dvector![1.0, 2.0, 3.0, 5.0])?.aliased(), [2]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn aliased(&self) -> &[usize] {
        &self.core.aliased
    }

    /// The relative rank tolerance used, for the QR methods.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{LeastSquares, Method};
    /// # use nalgebra::{dmatrix, dvector};
    /// let (a, b) = (dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0], dvector![0.0, 1.0, 3.0]);
    /// // The QR default is max(m, n)·ε; the textbook methods do not decide rank.
    /// assert_eq!(Method::Qr.solve(&a, &b)?.tolerance(), Some(3.0 * f64::EPSILON));
    /// assert_eq!(Method::Inverse.solve(&a, &b)?.tolerance(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn tolerance(&self) -> Option<f64> {
        self.core.tolerance
    }

    /// Cheap estimate of `κ₁` of `A` after scaling its columns (by powers of two) to comparable
    /// size; within a factor of n of the 2-norm condition number of the scaled `A`.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{LeastSquares, Method};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let b = dvector![1.0, 2.0, 3.0];
    /// // Orthonormal columns are perfectly conditioned; nearly parallel ones are not.
    /// let orthogonal = Method::Qr.solve(&dmatrix![1.0, 0.0; 0.0, 1.0; 0.0, 0.0], &b)?;
    /// approx::assert_relative_eq!(orthogonal.condition_estimate(), 1.0, max_relative = 1e-12);
    /// let close = Method::Qr.solve(&dmatrix![1.0, 1.0; 1.0, 1.0; 1.0, 1.0 + 1e-9], &b)?;
    /// assert!(close.condition_estimate() > 1e8);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn condition_estimate(&self) -> f64 {
        self.core.condition_estimate
    }

    /// `(AᵀA)⁻¹`, formed from the method's own factor (`R⁻¹·R⁻ᵀ` for QR, never by inverting
    /// `RᵀR`). Rows and columns of aliased coefficients are zero. `O(n³)` flops.
    ///
    /// # Errors
    /// [`Error::NormalMatrixBreakdown`] if the Cholesky factor of the normal equations has a pivot
    /// too small to invert; [`Error::Kernel`] for the analogous failure of `R`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{LeastSquares, Method};
    /// # use nalgebra::{dmatrix, dvector};
    /// let (a, b) = (dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0], dvector![0.0, 1.0, 3.0]);
    /// let s = Method::Qr.solve(&a, &b)?;
    /// let explicit = (a.transpose() * &a).try_inverse().ok_or("AᵀA is singular")?;
    /// approx::assert_relative_eq!(s.unscaled_covariance()?, explicit, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unscaled_covariance(&self) -> Result<DMatrix<f64>> {
        Ok(self.covariance()?.matrix())
    }

    /// The diagonal of `(AᵀA)⁻¹`: multiply by `σ²` for the coefficient variances.
    ///
    /// # Errors
    /// As [`Solution::unscaled_covariance`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{LeastSquares, Method};
    /// # use nalgebra::{dmatrix, dvector};
    /// let (a, b) = (dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0], dvector![0.0, 1.0, 3.0]);
    /// let s = Method::Qr.solve(&a, &b)?;
    /// let c = s.unscaled_covariance()?;
    /// approx::assert_relative_eq!(s.variance_factors()?, c.diagonal(), max_relative = 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn variance_factors(&self) -> Result<DVector<f64>> {
        let covariance = self.covariance()?;
        Ok(DVector::from_fn(self.core.beta.len(), |j, _| covariance.diagonal(j)))
    }

    fn covariance(&self) -> Result<Covariance<f64>> {
        self.core.factor.covariance(self.core.beta.len())
    }
}
