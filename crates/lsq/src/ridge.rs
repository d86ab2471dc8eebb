//! Weighted Tikhonov (ridge) regression: `β = (HᵀWH + λLᵀL)⁻¹HᵀWy`, the lesson's variant.

use linalg_core::{Real, count_to_f64};
use nalgebra::{DMatrix, DVector};

use crate::design::{Design, check_matrix_finite};
use crate::error::{Error, Input, Result};
use crate::format::{significant, table};
use crate::method::{Method, RankPolicy};
use crate::options::FitOptions;
use crate::solve::enforce_rank;
use crate::solvers::{
    Core, check_zero_columns, inverse_core, normal_equations_core, qr_core, round_core,
};

/// The penalty of [`ridge`]: its weight `λ ≥ 0`, the matrix `L`, and whether the intercept is
/// penalized. How to solve (method, weights, rank tolerance) is the [`FitOptions`] of any fit.
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions, Method, Penalty};
/// use lsq::nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
/// let y = dvector![1.0, 2.0, 2.9, 4.2];
/// let options = FitOptions::default();
/// // With λ = 0, ridge is ordinary least squares.
/// let ols = lsq::ridge(&design, &y, &Penalty::new(0.0), &options)?;
/// let fit = lsq::fit(&design, &y, &options)?;
/// approx::assert_relative_eq!(ols.coefficients(), fit.coefficients(), max_relative = 1e-12);
/// // A penalty on the slope alone (the intercept is left free by default), or on both.
/// let slope = lsq::ridge(&design, &y, &Penalty::new(5.0), &options)?;
/// let both = Penalty::new(5.0).penalize_intercept(true);
/// let all = lsq::ridge(&design, &y, &both, &options.clone().method(Method::NormalEquations))?;
/// assert!(slope.coefficients()[1].abs() < ols.coefficients()[1].abs());
/// assert!(all.coefficients()[0].abs() < slope.coefficients()[0].abs());
/// // A first-difference penalty L = [-1, 1] shrinks the coefficients towards each other.
/// let smooth = Penalty::new(1e6).matrix(dmatrix![-1.0, 1.0]);
/// let flat = lsq::ridge(&design, &y, &smooth, &options)?;
/// assert!((flat.coefficients()[0] - flat.coefficients()[1]).abs() < 1e-4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Penalty {
    lambda: f64,
    matrix: Option<DMatrix<f64>>,
    penalize_intercept: bool,
}

impl Penalty {
    /// Penalty weight `λ ≥ 0` (checked by [`ridge`]), on every coefficient but the intercept.
    #[must_use]
    pub fn new(lambda: f64) -> Self {
        Self { lambda, matrix: None, penalize_intercept: false }
    }

    /// The penalty matrix `L` (k×p). Default: the identity, without the intercept's row unless
    /// [`Penalty::penalize_intercept`] is set.
    #[must_use]
    pub fn matrix(mut self, l: DMatrix<f64>) -> Self {
        self.matrix = Some(l);
        self
    }

    /// Whether the default `L` penalizes the intercept too. Default: `false`, as is usual (the
    /// intercept only shifts the level of `y`).
    #[must_use]
    pub fn penalize_intercept(mut self, yes: bool) -> Self {
        self.penalize_intercept = yes;
        self
    }
}

/// A fitted ridge regression.
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions, Penalty};
/// use lsq::nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
/// let y = dvector![1.0, 2.0, 2.9, 4.2];
/// let ols = lsq::ridge(&design, &y, &Penalty::new(0.0), &FitOptions::default())?;
/// let fit = lsq::ridge(&design, &y, &Penalty::new(5.0), &FitOptions::default())?;
/// assert_eq!(fit.lambda(), 5.0);
/// // Shrinking trades fit for stability: a larger residual, fewer effective parameters.
/// assert!(fit.rss() > ols.rss());
/// assert!(fit.effective_df() < ols.effective_df());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RidgeFit {
    names: Vec<String>,
    method: Method,
    lambda: f64,
    coefficients: DVector<f64>,
    fitted: DVector<f64>,
    residuals: DVector<f64>,
    rss: f64,
    effective_df: f64,
    observations: usize,
}

impl RidgeFit {
    /// Coefficients `β̂_λ`.
    #[must_use]
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// Fitted values `Hβ̂_λ`.
    #[must_use]
    pub fn fitted_values(&self) -> &DVector<f64> {
        &self.fitted
    }

    /// Residuals `y − Hβ̂_λ`.
    #[must_use]
    pub fn residuals(&self) -> &DVector<f64> {
        &self.residuals
    }

    /// Weighted residual sum of squares.
    #[must_use]
    pub fn rss(&self) -> f64 {
        self.rss
    }

    /// Effective degrees of freedom `tr(S_λ)` of the smoother `S_λ = H(HᵀWH + λLᵀL)⁻¹HᵀW`:
    /// the number of columns at `λ = 0`, shrinking towards the unpenalized count as `λ` grows.
    #[must_use]
    pub fn effective_df(&self) -> f64 {
        self.effective_df
    }

    /// Generalised cross-validation score `n·RSS/(n − df)²` (Golub, Heath & Wahba, 1979).
    #[must_use]
    pub fn gcv(&self) -> f64 {
        let n = count_to_f64(self.observations);
        n * self.rss / (n - self.effective_df).powi(2)
    }

    /// The penalty weight `λ`.
    #[must_use]
    pub fn lambda(&self) -> f64 {
        self.lambda
    }
}

impl std::fmt::Display for RidgeFit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "Ridge fit by {}, lambda = {}", self.method, significant(self.lambda, 4))?;
        let mut rows = vec![vec![String::new(), "Estimate".to_owned()]];
        rows.extend(
            self.names
                .iter()
                .zip(self.coefficients.iter())
                .map(|(n, b)| vec![n.clone(), significant(*b, 6)]),
        );
        f.write_str(&table(&rows))?;
        write!(
            f,
            "RSS: {}, effective df: {}, GCV: {}",
            significant(self.rss, 6),
            significant(self.effective_df, 4),
            significant(self.gcv(), 4)
        )
    }
}

/// Fits the weighted Tikhonov problem `min ‖√W(y − Hβ)‖² + λ‖Lβ‖²`.
///
/// The options' method, weights and rank tolerance apply; a rank-deficient stacked system is
/// an error whatever the rank policy, and no condition number is computed.
///
/// # Algorithm
/// The minimiser is `β = (HᵀWH + λLᵀL)⁻¹HᵀWy` (Tikhonov 1963; Hoerl & Kennard 1970). With
/// [`Method::Qr`] it is computed as the least-squares solution of the stacked system
/// `[√W·H; √λ·L]·β ≈ [√W·y; 0]`, never forming the normal matrix (Golub & Van Loan, §6.1.5).
///
/// # Cost
/// As an ordinary fit with k more rows, plus `O(mn²)` for the effective degrees of freedom.
///
/// # Accuracy
/// The penalty improves the conditioning: the stacked matrix has `σ_min ≥ √λ·σ_min(L)`.
///
/// # Errors
/// [`Error::InvalidOption`] for `λ < 0` or non-finite; the input errors of [`crate::fit`];
/// [`Error::DimensionMismatch`] for an `L` without p columns; [`Error::RankDeficient`] when
/// even the stacked system is rank deficient (for instance `λ = 0` on a singular design).
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions, Penalty};
/// use lsq::nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
/// let y = dvector![1.0, 2.0, 2.9, 4.2];
/// let options = FitOptions::default();
/// let plain = lsq::ridge(&design, &y, &Penalty::new(0.0), &options)?;
/// let shrunk = lsq::ridge(&design, &y, &Penalty::new(10.0), &options)?;
/// assert!(shrunk.coefficients()[1].abs() < plain.coefficients()[1].abs());
/// assert!(shrunk.effective_df() < plain.effective_df());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn ridge(
    design: &Design,
    y: &DVector<f64>,
    penalty: &Penalty,
    options: &FitOptions,
) -> Result<RidgeFit> {
    let (m, p) = (design.nrows(), design.ncols());
    let lambda = penalty.lambda;
    if !(lambda >= 0.0 && lambda.is_finite()) {
        return Err(Error::InvalidOption {
            name: "lambda",
            value: lambda,
            reason: "must be finite and non-negative",
        });
    }
    if y.len() != m {
        return Err(Error::DimensionMismatch {
            input: Input::Response,
            expected: m,
            found: y.len(),
        });
    }
    check_matrix_finite(y, Input::Response)?;
    options.validate(m)?;
    let l = if let Some(l) = &penalty.matrix {
        if l.ncols() != p {
            return Err(Error::DimensionMismatch {
                input: Input::Penalty,
                expected: p,
                found: l.ncols(),
            });
        }
        check_matrix_finite(l, Input::Penalty)?;
        l.clone()
    } else {
        let skip = if penalty.penalize_intercept { None } else { design.intercept_column() };
        let rows: Vec<usize> = (0..p).filter(|&j| Some(j) != skip).collect();
        DMatrix::from_fn(rows.len(), p, |r, j| if rows[r] == j { 1.0 } else { 0.0 })
    };
    let weights = options.weights.as_ref();
    let kept: Vec<usize> = (0..m).filter(|&i| weights.is_none_or(|w| w[i] > 0.0)).collect();
    let penalty_rows = if lambda > 0.0 { l.nrows() } else { 0 };
    if kept.len() + penalty_rows < p {
        return Err(Error::Underdetermined { rows: kept.len() + penalty_rows, cols: p });
    }
    let names = design.names();
    let (core, effective_df) = match options.method {
        Method::ExtendedQr => {
            let (x, yy) = stacked(&design.extended(), y, weights, &kept, &l, lambda);
            check_zero_columns(&x, names)?;
            let core =
                enforce_rank(qr_core(&x, &yy, options.tolerance)?, RankPolicy::Error, names)?;
            let df = effective_df(&x, kept.len(), &core)?;
            (round_core(&core), df)
        }
        method => {
            let (x, yy) = stacked(design.matrix(), y, weights, &kept, &l, lambda);
            check_zero_columns(&x, names)?;
            let core = match method {
                Method::Inverse => inverse_core(&x, &yy)?,
                Method::NormalEquations => normal_equations_core(&x, &yy)?,
                _ => qr_core(&x, &yy, options.tolerance)?,
            };
            let core = enforce_rank(core, RankPolicy::Error, names)?;
            let df = effective_df(&x, kept.len(), &core)?;
            (core, df)
        }
    };
    let x = design.matrix();
    let fitted = x * &core.beta;
    let residuals = y - &fitted;
    let rss =
        kept.iter().map(|&i| weights.map_or(1.0, |w| w[i]) * residuals[i] * residuals[i]).sum();
    Ok(RidgeFit {
        names: names.to_vec(),
        method: options.method,
        lambda,
        coefficients: core.beta,
        fitted,
        residuals,
        rss,
        effective_df,
        observations: kept.len(),
    })
}

/// `[√W·H; √λ·L]` and `[√W·y; 0]` in the working precision.
fn stacked<T: Real>(
    h: &DMatrix<T>,
    y: &DVector<f64>,
    weights: Option<&DVector<f64>>,
    kept: &[usize],
    l: &DMatrix<f64>,
    lambda: f64,
) -> (DMatrix<T>, DVector<T>) {
    let k = if lambda > 0.0 { l.nrows() } else { 0 };
    let n = kept.len();
    let root_w: Vec<T> =
        kept.iter().map(|&i| weights.map_or(T::ONE, |w| T::from_f64(w[i]).sqrt())).collect();
    let root_lambda = T::from_f64(lambda).sqrt();
    let x = DMatrix::from_fn(n + k, h.ncols(), |r, j| {
        if r < n { h[(kept[r], j)] * root_w[r] } else { T::from_f64(l[(r - n, j)]) * root_lambda }
    });
    let yy =
        DVector::from_fn(
            n + k,
            |r, _| if r < n { T::from_f64(y[kept[r]]) * root_w[r] } else { T::ZERO },
        );
    (x, yy)
}

/// `tr(S_λ) = Σᵢ x̃ᵢᵀ(X̃ᵀX̃)⁻¹x̃ᵢ` over the first `n` (data) rows of the stacked matrix.
fn effective_df<T: Real>(stacked: &DMatrix<T>, n: usize, core: &Core<T>) -> Result<f64> {
    let covariance = core.factor.covariance(stacked.ncols())?;
    let total = (0..n).fold(T::ZERO, |s, i| {
        let row: Vec<T> = stacked.row(i).iter().copied().collect();
        s + covariance.quadratic_form(&row)
    });
    Ok(total.to_f64())
}
