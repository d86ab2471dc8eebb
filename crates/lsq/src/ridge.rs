//! Weighted Tikhonov (ridge) regression: `β = (HᵀWH + λLᵀL)⁻¹HᵀWy`, the lesson's variant.

use linalg_core::{Real, count_to_f64};
use nalgebra::{DMatrix, DVector};

use crate::design::{Design, check_matrix_finite};
use crate::error::{Error, Input, Result};
use crate::format::{significant, table};
use crate::method::Method;
use crate::options::check_weights;
use crate::solvers::{
    Core, check_zero_columns, inverse_core, normal_equations_core, qr_core, round_core,
};

/// Options for [`ridge`]; start from `RidgeOptions::new(lambda)`.
///
/// # Examples
///
/// ```
/// use lsq::{Method, RidgeOptions};
///
/// let options = RidgeOptions::new(0.5).method(Method::NormalEquations).penalize_intercept(true);
/// assert_eq!(options.lambda(), 0.5);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RidgeOptions {
    lambda: f64,
    penalty: Option<DMatrix<f64>>,
    penalize_intercept: bool,
    weights: Option<DVector<f64>>,
    method: Method,
}

impl RidgeOptions {
    /// Penalty weight `λ ≥ 0`; every other option at its default.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, FitOptions, RidgeOptions};
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
    /// # let y = dvector![1.0, 2.0, 2.9, 4.2];
    ///
    /// assert_eq!(RidgeOptions::new(2.0).lambda(), 2.0);
    /// // With λ = 0, ridge is ordinary least squares.
    /// let ridge = lsq::ridge(&design, &y, &RidgeOptions::new(0.0))?;
    /// let ols = lsq::fit(&design, &y, &FitOptions::default())?;
    /// approx::assert_relative_eq!(ridge.coefficients(), ols.coefficients(), max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn new(lambda: f64) -> Self {
        Self { lambda, penalty: None, penalize_intercept: false, weights: None, method: Method::Qr }
    }

    /// The penalty matrix `L` (k×p). Default: the identity, without the intercept's row unless
    /// [`RidgeOptions::penalize_intercept`] is set.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, RidgeOptions};
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
    /// # let y = dvector![1.0, 2.0, 2.9, 4.2];
    /// // L = I on both columns shrinks the intercept too.
    /// let l = nalgebra::DMatrix::identity(2, 2);
    /// let full = lsq::ridge(&design, &y, &RidgeOptions::new(1.0).penalty(l))?;
    /// let both = lsq::ridge(&design, &y, &RidgeOptions::new(1.0).penalize_intercept(true))?;
    /// approx::assert_relative_eq!(full.coefficients(), both.coefficients(), max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn penalty(mut self, l: DMatrix<f64>) -> Self {
        self.penalty = Some(l);
        self
    }

    /// Whether the default `L = I` also shrinks the intercept. Default: `false`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, RidgeOptions};
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
    /// # let y = dvector![1.0, 2.0, 2.9, 4.2];
    /// // A huge λ flattens the slope; an unpenalized intercept then settles at the mean of y.
    /// let free = lsq::ridge(&design, &y, &RidgeOptions::new(1e6))?;
    /// approx::assert_relative_eq!(free.coefficients()[0], y.mean(), max_relative = 1e-3);
    /// let shrunk = lsq::ridge(&design, &y, &RidgeOptions::new(1e6).penalize_intercept(true))?;
    /// assert!(shrunk.coefficients()[0].abs() < 1e-3 * y.mean());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn penalize_intercept(mut self, yes: bool) -> Self {
        self.penalize_intercept = yes;
        self
    }

    /// Prior weights `W`, as [`crate::FitOptions::weights`]. Default: all ones.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, RidgeOptions};
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
    /// # let y = dvector![1.0, 2.0, 2.9, 4.2];
    /// // A zero weight leaves the third observation out, as if its row were deleted.
    /// let options = RidgeOptions::new(1.0).weights(dvector![1.0, 1.0, 0.0, 1.0]);
    /// let weighted = lsq::ridge(&design, &y, &options)?;
    /// let fewer = Design::with_intercept(&dmatrix![1.0; 2.0; 4.0])?;
    /// let dropped = lsq::ridge(&fewer, &dvector![1.0, 2.0, 4.2], &RidgeOptions::new(1.0))?;
    /// let (a, b) = (weighted.coefficients(), dropped.coefficients());
    /// approx::assert_relative_eq!(a, b, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn weights(mut self, weights: DVector<f64>) -> Self {
        self.weights = Some(weights);
        self
    }

    /// Solver. Default: [`Method::Qr`], which stacks `[√W·H; √λ·L]` over `[√W·y; 0]` and never
    /// forms `HᵀWH + λLᵀL`; the textbook methods form exactly that matrix.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Method, RidgeOptions};
    /// # use lsq::Design;
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
    /// # let y = dvector![1.0, 2.0, 2.9, 4.2];
    ///
    /// let options = RidgeOptions::new(1.0).method(Method::NormalEquations);
    /// let normal = lsq::ridge(&design, &y, &options)?;
    /// assert_eq!(normal.method(), Method::NormalEquations);
    /// let qr = lsq::ridge(&design, &y, &RidgeOptions::new(1.0))?;
    /// approx::assert_relative_eq!(normal.coefficients(), qr.coefficients(), max_relative = 1e-10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// The penalty weight.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Method, RidgeOptions};
    ///
    /// // Other setters leave λ alone.
    /// let options = RidgeOptions::new(0.5).method(Method::Inverse).penalize_intercept(true);
    /// assert_eq!(options.lambda(), 0.5);
    /// ```
    #[must_use]
    pub fn lambda(&self) -> f64 {
        self.lambda
    }
}

/// A fitted ridge regression.
///
/// # Examples
///
/// ```
/// # use lsq::{Design, RidgeOptions};
/// # use nalgebra::{dmatrix, dvector};
/// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
/// # let y = dvector![1.0, 2.0, 2.9, 4.2];
/// let ols = lsq::ridge(&design, &y, &RidgeOptions::new(0.0))?;
/// let fit = lsq::ridge(&design, &y, &RidgeOptions::new(5.0))?;
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
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, RidgeOptions};
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
    /// # let y = dvector![1.0, 2.0, 2.9, 4.2];
    /// // The slope shrinks towards zero as λ grows.
    /// let slope = |lambda| {
    ///     lsq::ridge(&design, &y, &RidgeOptions::new(lambda)).map(|f| f.coefficients()[1])
    /// };
    /// assert!(slope(0.0)? > slope(1.0)? && slope(1.0)? > slope(10.0)? && slope(10.0)? > 0.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// Fitted values `Hβ̂_λ`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, RidgeOptions};
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
    /// # let y = dvector![1.0, 2.0, 2.9, 4.2];
    /// let fit = lsq::ridge(&design, &y, &RidgeOptions::new(1.0))?;
    /// let hb = design.matrix() * fit.coefficients();
    /// approx::assert_relative_eq!(*fit.fitted_values(), hb, max_relative = 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn fitted_values(&self) -> &DVector<f64> {
        &self.fitted
    }

    /// Residuals `y − Hβ̂_λ`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, RidgeOptions};
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
    /// # let y = dvector![1.0, 2.0, 2.9, 4.2];
    /// let fit = lsq::ridge(&design, &y, &RidgeOptions::new(1.0))?;
    /// let difference = &y - fit.fitted_values();
    /// approx::assert_relative_eq!(*fit.residuals(), difference, max_relative = 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn residuals(&self) -> &DVector<f64> {
        &self.residuals
    }

    /// Weighted residual sum of squares.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, RidgeOptions};
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
    /// # let y = dvector![1.0, 2.0, 2.9, 4.2];
    /// let w = dvector![1.0, 2.0, 1.0, 0.5];
    /// let fit = lsq::ridge(&design, &y, &RidgeOptions::new(1.0).weights(w.clone()))?;
    /// let weighted: f64 = fit.residuals().iter().zip(w.iter()).map(|(r, w)| w * r * r).sum();
    /// approx::assert_relative_eq!(fit.rss(), weighted, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rss(&self) -> f64 {
        self.rss
    }

    /// Effective degrees of freedom `tr(S_λ)` of the smoother `S_λ = H(HᵀWH + λLᵀL)⁻¹HᵀW`:
    /// the number of columns at `λ = 0`, shrinking towards the unpenalized count as `λ` grows.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, RidgeOptions};
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
    /// # let y = dvector![1.0, 2.0, 2.9, 4.2];
    /// let df = |lambda| {
    ///     lsq::ridge(&design, &y, &RidgeOptions::new(lambda)).map(|f| f.effective_df())
    /// };
    /// // Two columns at λ = 0; towards one (the unpenalized intercept) as λ grows.
    /// approx::assert_relative_eq!(df(0.0)?, 2.0, max_relative = 1e-12);
    /// assert!(df(1.0)? < 2.0 && df(1e8)? > 1.0);
    /// approx::assert_relative_eq!(df(1e8)?, 1.0, max_relative = 1e-6);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn effective_df(&self) -> f64 {
        self.effective_df
    }

    /// Generalised cross-validation score `n·RSS/(n − df)²` (Golub, Heath & Wahba, 1979).
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, RidgeOptions};
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
    /// # let y = dvector![1.0, 2.0, 2.9, 4.2];
    /// let fit = lsq::ridge(&design, &y, &RidgeOptions::new(1.0))?;
    /// // n = 4 observations.
    /// let expected = 4.0 * fit.rss() / (4.0 - fit.effective_df()).powi(2);
    /// approx::assert_relative_eq!(fit.gcv(), expected, max_relative = 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn gcv(&self) -> f64 {
        let n = count_to_f64(self.observations);
        n * self.rss / (n - self.effective_df).powi(2)
    }

    /// The penalty weight `λ`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, RidgeOptions};
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
    /// # let y = dvector![1.0, 2.0, 2.9, 4.2];
    /// let fit = lsq::ridge(&design, &y, &RidgeOptions::new(0.25))?;
    /// assert_eq!(fit.lambda(), 0.25);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn lambda(&self) -> f64 {
        self.lambda
    }

    /// The method used.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, RidgeOptions};
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
    /// # let y = dvector![1.0, 2.0, 2.9, 4.2];
    /// let fit = lsq::ridge(&design, &y, &RidgeOptions::new(1.0))?;
    /// assert_eq!(fit.method(), lsq::Method::Qr); // the default
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn method(&self) -> Method {
        self.method
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
/// use lsq::{Design, RidgeOptions};
/// use nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0])?;
/// let y = dvector![1.0, 2.0, 2.9, 4.2];
/// let plain = lsq::ridge(&design, &y, &RidgeOptions::new(0.0))?;
/// let shrunk = lsq::ridge(&design, &y, &RidgeOptions::new(10.0))?;
/// assert!(shrunk.coefficients()[1].abs() < plain.coefficients()[1].abs());
/// assert!(shrunk.effective_df() < plain.effective_df());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn ridge(design: &Design, y: &DVector<f64>, options: &RidgeOptions) -> Result<RidgeFit> {
    let (m, p) = (design.nrows(), design.ncols());
    if !(options.lambda >= 0.0 && options.lambda.is_finite()) {
        return Err(Error::InvalidOption {
            name: "lambda",
            value: options.lambda,
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
    if let Some(w) = &options.weights {
        check_weights(w, m)?;
    }
    let l = if let Some(l) = &options.penalty {
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
        let skip = if options.penalize_intercept { None } else { design.intercept_column() };
        let rows: Vec<usize> = (0..p).filter(|&j| Some(j) != skip).collect();
        DMatrix::from_fn(rows.len(), p, |r, j| if rows[r] == j { 1.0 } else { 0.0 })
    };
    let weights = options.weights.as_ref();
    let kept: Vec<usize> = (0..m).filter(|&i| weights.is_none_or(|w| w[i] > 0.0)).collect();
    let penalty_rows = if options.lambda > 0.0 { l.nrows() } else { 0 };
    if kept.len() + penalty_rows < p {
        return Err(Error::Underdetermined { rows: kept.len() + penalty_rows, cols: p });
    }
    let names = design.names();
    let (core, effective_df) = match options.method {
        Method::ExtendedQr => {
            let (x, yy) = stacked(&design.extended(), y, weights, &kept, &l, options.lambda);
            check_zero_columns(&x, names)?;
            let core = crate::method::enforce_rank(
                qr_core(&x, &yy, None)?,
                crate::RankPolicy::Error,
                names,
            )?;
            let df = effective_df(&x, kept.len(), &core)?;
            (round_core(&core), df)
        }
        method => {
            let (x, yy) = stacked(design.matrix(), y, weights, &kept, &l, options.lambda);
            check_zero_columns(&x, names)?;
            let core = match method {
                Method::Inverse => inverse_core(&x, &yy)?,
                Method::NormalEquations => normal_equations_core(&x, &yy)?,
                _ => qr_core(&x, &yy, None)?,
            };
            let core = crate::method::enforce_rank(core, crate::RankPolicy::Error, names)?;
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
        lambda: options.lambda,
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
