//! Weighted Tikhonov (ridge) regression: `β = (HᵀWH + λLᵀL)⁻¹HᵀWy`, the lesson's variant.

use linalg_core::{Real, count_to_f64};
use nalgebra::{DMatrix, DVector};

use crate::design::{Design, check_matrix_finite};
use crate::error::{Error, Input, Quantity, Result};
use crate::format::{significant, table};
use crate::kept::Kept;
use crate::method::{Method, RankPolicy};
use crate::options::FitOptions;
use crate::scaling::{
    Scalar, Scaling, equilibrate_in_place, exponent, normal_value, response_exponent, root_weight,
    scale_by, to_finite,
};
use crate::solve::enforce_rank;
use crate::solvers::{
    Core, check_zero_columns, inverse_core, lift, lower, normal_equations_core, qr_core,
};
use crate::statistics::row_product;
use crate::unavailable::Unavailable;

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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
/// assert!(fit.rss()? > ols.rss()?);
/// assert!(fit.effective_df() < ols.effective_df());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RidgeFit {
    names: Vec<String>,
    method: Method,
    lambda: f64,
    coefficients: DVector<f64>,
    fitted: DVector<f64>,
    residuals: DVector<f64>,
    /// `Σ w̃ᵢr̃ᵢ²` of the scaled problem and the exponent that carries it back.
    scaled_rss: f64,
    rss_exponent: i32,
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
    ///
    /// # Errors
    /// [`Unavailable::OutOfRange`] when it leaves the range of `f64` (responses beyond about
    /// 10¹⁵⁴ in size, say).
    pub fn rss(&self) -> Result<f64, Unavailable> {
        normal_value(self.scaled_rss, self.rss_exponent).ok_or(Unavailable::OutOfRange)
    }

    /// Effective degrees of freedom `tr(S_λ)` of the smoother `S_λ = H(HᵀWH + λLᵀL)⁻¹HᵀW`:
    /// the number of columns at `λ = 0`, shrinking towards the unpenalized count as `λ` grows.
    #[must_use]
    pub fn effective_df(&self) -> f64 {
        self.effective_df
    }

    /// Generalised cross-validation score `n·RSS/(n − df)²` (Golub, Heath & Wahba, 1979).
    ///
    /// # Errors
    /// [`Unavailable::NoResidualDegreesOfFreedom`] when `n − df` is zero up to the rounding of
    /// the trace (`n·max(n, p)·ε`: an interpolating fit); [`Unavailable::OutOfRange`] when the
    /// score leaves the range of `f64`.
    pub fn gcv(&self) -> Result<f64, Unavailable> {
        let n = count_to_f64(self.observations);
        let left = n - self.effective_df;
        let p = count_to_f64(self.coefficients.len());
        if left <= n * n.max(p) * f64::EPSILON {
            return Err(Unavailable::NoResidualDegreesOfFreedom);
        }
        normal_value(n * self.scaled_rss / (left * left), self.rss_exponent)
            .ok_or(Unavailable::OutOfRange)
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
        let show = |v: Result<f64, Unavailable>, digits| {
            v.map_or("NA".to_owned(), |v| significant(v, digits))
        };
        write!(
            f,
            "RSS: {}, effective df: {}, GCV: {}",
            show(self.rss(), 6),
            significant(self.effective_df, 4),
            show(self.gcv(), 4)
        )?;
        for reason in [self.rss(), self.gcv()].into_iter().filter_map(Result::err) {
            write!(f, "\nNA: {}", reason.reason())?;
        }
        Ok(())
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
/// The weights and `λ` share one power-of-two scale and the stacked columns are equilibrated,
/// so no finite input overflows inside the solve.
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
/// even the stacked system is rank deficient (for instance `λ = 0` on a singular design);
/// [`Error::Unrepresentable`] for a coefficient, fitted value or residual beyond the range of
/// `f64`.
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
    let stacking = Stacking { y, weights, kept: &kept, l: &l, lambda };
    let (core, effective_df, scaling) = match options.method {
        Method::ExtendedQr => {
            let (core, df, scaling) = solve_stacked(&design.extended(), &stacking, options, names)?;
            (lower(&core), df, scaling)
        }
        _ => solve_stacked(design.matrix(), &stacking, options, names)?,
    };
    let coefficients = scaling.coefficients(&core.beta)?;
    let (r, h) = (scaling.response, scaling.weights);
    let x = design.matrix();
    let (mut fitted, mut residuals) = (DVector::zeros(m), DVector::zeros(m));
    let mut scaled_rss = 0.0;
    for i in 0..m {
        let (product, e) = row_product(|j| x[(i, j)], &core.beta, &scaling.columns);
        let f = scale_by(product, e - r);
        fitted[i] = to_finite(f, 0, Quantity::FittedValue, i)?;
        residuals[i] = to_finite(y[i] - f, 0, Quantity::Residual, i)?;
        if let Some(w) = weights.map_or(Some(1.0), |w| (w[i] > 0.0).then_some(w[i])) {
            let ri = scale_by(y[i], r) - scale_by(product, e);
            scaled_rss += scale_by(w, 2 * h) * ri * ri;
        }
    }
    Ok(RidgeFit {
        names: names.to_vec(),
        method: options.method,
        lambda,
        coefficients,
        fitted,
        residuals,
        scaled_rss,
        rss_exponent: -2 * (r + h),
        effective_df,
        observations: kept.len(),
    })
}

/// The data of the stacked problem besides the design.
struct Stacking<'a> {
    y: &'a DVector<f64>,
    weights: Option<&'a DVector<f64>>,
    kept: &'a [usize],
    l: &'a DMatrix<f64>,
    lambda: f64,
}

/// Solves the equilibrated stacked problem by the options' method: the solution, the
/// effective degrees of freedom and the scaling.
fn solve_stacked<T: Scalar>(
    h: &DMatrix<T>,
    stacking: &Stacking<'_>,
    options: &FitOptions,
    names: &[String],
) -> Result<(Core<T>, f64, Scaling)> {
    let (x, y, norms, scaling) = stacked(h, stacking);
    check_zero_columns(&x, names)?;
    let n = stacking.kept.len();
    let core = match options.method {
        Method::Inverse | Method::NormalEquations => {
            let (xf, yf) = (x.map(Real::to_f64), y.map(Real::to_f64));
            let core = if options.method == Method::Inverse {
                inverse_core(&xf, &yf)?
            } else {
                normal_equations_core(&xf, &yf)?
            };
            lift(&core)
        }
        _ => qr_core(x.clone(), &y, &norms, options.tolerance, || x.clone())?,
    };
    let core = enforce_rank(core, RankPolicy::Error, names)?;
    let df = effective_df(&x, n, &core)?;
    Ok((core, df, scaling))
}

/// The equilibrated stacked system `[√W̃·H; √λ̃·L]·2^C` and `[√W̃·y·2^r; 0]` in the working
/// precision, with the column norms and the scaling. The weights and `λ` share one power of two
/// (`w̃ = w·2^{2h}`, `λ̃ = λ·2^{2h}`, the largest of them in `[1/4, 1)`), which leaves the
/// minimiser unchanged and keeps every root at most 1.
fn stacked<T: Scalar>(
    h: &DMatrix<T>,
    stacking: &Stacking<'_>,
) -> (DMatrix<T>, DVector<T>, Vec<f64>, Scaling) {
    let Stacking { y, weights, kept, l, lambda } = *stacking;
    let k = if lambda > 0.0 { l.nrows() } else { 0 };
    let n = kept.len();
    let largest = kept.iter().fold(lambda, |big, &i| big.max(weights.map_or(1.0, |w| w[i])));
    let shift = if largest > 0.0 { -(exponent(largest) + 2).div_euclid(2) } else { 0 };
    let root = |w: f64| root_weight::<T>(w, shift);
    let roots: Vec<T> = kept
        .iter()
        .map(|&i| root(weights.map_or(1.0, |w| w[i])))
        .chain(std::iter::repeat_n(root(lambda), k))
        .collect();
    let mut x = DMatrix::from_fn(n + k, h.ncols(), |r, j| {
        if r < n { h[(kept[r], j)] } else { T::from_f64(l[(r - n, j)]) }
    });
    let (columns, norms) = equilibrate_in_place(&mut x, Some(&roots));
    let response = response_exponent(y, Kept::Listed(kept));
    let yy = DVector::from_fn(n + k, |r, _| {
        if r < n { scale_by(T::from_f64(y[kept[r]]), response) * roots[r] } else { T::ZERO }
    });
    (x, yy, norms, Scaling { columns, response, weights: shift })
}

/// `tr(S_λ) = Σᵢ x̃ᵢᵀ(X̃ᵀX̃)⁻¹x̃ᵢ` over the first `n` (data) rows of the stacked matrix.
fn effective_df<T: Scalar>(stacked: &DMatrix<T>, n: usize, core: &Core<T>) -> Result<f64> {
    let covariance = core.factor.covariance(stacked.ncols())?;
    let total = (0..n).fold(T::ZERO, |s, i| {
        let row: Vec<T> = stacked.row(i).iter().copied().collect();
        s + covariance.quadratic_form(&row)
    });
    Ok(total.to_f64())
}
