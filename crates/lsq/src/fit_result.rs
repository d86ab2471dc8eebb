//! [`Fit`]: what a least-squares fit produced, and the regression statistics derived from it.

use linalg_core::count_to_f64;
use nalgebra::{DMatrix, DVector};

use crate::design::Design;
use crate::diagnostics::Diagnostics;
use crate::error::{Quantity, Result};
use crate::method::Method;
use crate::options::check_level;
use crate::scaling::{Scaling, normal_value, to_finite};
use crate::solvers::{Core, Covariance};
use crate::statistics::{Statistics, f_test_p_value, t_quantile, t_test_p_value};
use crate::unavailable::Unavailable;

/// A fitted least-squares regression: what the fit produced (coefficients, the factor behind
/// `(XᵀWX)⁻¹`, fitted values, residuals, sums of squares, diagnostics), with the statistics of R's
/// `summary(lm)` derived from it on request (t and F tests, p-values, intervals, likelihood).
///
/// Every statistic is computed on the equilibrated problem (columns and `y` scaled by powers of
/// two) and scaled back exactly, so that the units of the columns and of `y` change only the
/// units of the results. A statistic that is undefined for the data (R² of a constant response,
/// t tests of an exact fit, an F test without model terms) or whose value does not fit in an
/// `f64` (a sum of squares of responses near 10²⁰⁰) is an `Err` of [`Unavailable`] saying why;
/// a value returned is finite.
///
/// Vectors indexed by coefficient have one entry per design column. When the fit dropped
/// aliased columns ([`crate::RankPolicy::DropAliased`]), their coefficients are 0 (the fit
/// without them), their t and p values are [`Unavailable::Aliased`], and their standard errors,
/// confidence bounds and covariance rows are NaN, the one "not available" marker stored as a
/// number (R's `NA` in a numeric vector); [`Fit::aliased`] lists them. `Display` prints R's
/// summary.
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions};
/// use lsq::nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0; 5.0])?.with_names(["(Intercept)", "x"])?;
/// let fit = lsq::fit(&design, &dvector![2.1, 3.9, 6.2, 7.8, 10.1], &FitOptions::default())?;
/// assert!((fit.coefficients()[1] - 1.99).abs() < 1e-12);
/// assert_eq!((fit.observations(), fit.rank(), fit.df_residual()), (5, 2, 3));
/// let (se, p) = (fit.std_errors(), fit.p_values());
/// assert!(se[1] > 0.0 && p[1].clone()? < 1e-3);
/// let (lo, hi) = fit.confidence_intervals(0.95)?;
/// assert!(lo[1] < fit.coefficients()[1] && fit.coefficients()[1] < hi[1]);
/// assert!(fit.r_squared()? > 0.99 && fit.f_p_value()? < 1e-3);
/// assert!(fit.bic()? < fit.aic()?); // with 5 observations ln n < 2
/// assert!(fit.diagnostics().orthogonality < 1e-12); // Xᵀr ≈ 0
/// println!("{fit}"); // R's summary(lm)
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "crate::stored::StoredFit"))]
pub struct Fit {
    names: Vec<String>,
    method: Method,
    /// Coefficients and standard errors in the caller's units.
    coefficients: DVector<f64>,
    std_errors: DVector<f64>,
    /// The coefficients `β̃` of the equilibrated problem; `stats` holds its other numbers.
    scaled_coefficients: DVector<f64>,
    stats: Statistics,
    scaling: Scaling,
    rank: usize,
    aliased: Vec<usize>,
    observations: usize,
    weights: Option<DVector<f64>>,
    intercept: bool,
    diagnostics: Diagnostics,
}

#[cfg(feature = "serde")]
impl TryFrom<crate::stored::StoredFit> for Fit {
    type Error = String;

    /// Accepts a stored fit whose parts fit together ([`crate::stored::StoredFit::check`]).
    fn try_from(s: crate::stored::StoredFit) -> Result<Self, String> {
        s.check()?;
        Ok(Self {
            names: s.names,
            method: s.method,
            coefficients: s.coefficients,
            std_errors: s.std_errors,
            scaled_coefficients: s.scaled_coefficients,
            stats: s.stats,
            scaling: s.scaling,
            rank: s.rank,
            aliased: s.aliased,
            observations: s.observations,
            weights: s.weights,
            intercept: s.intercept,
            diagnostics: s.diagnostics,
        })
    }
}

impl Fit {
    /// Carries an equilibrated fit back to the caller's units.
    #[expect(clippy::too_many_arguments, reason = "a private constructor taking what fit has")]
    pub(crate) fn new(
        design: &Design,
        weights: Option<&DVector<f64>>,
        observations: usize,
        core: Core<f64>,
        stats: Statistics,
        scaling: Scaling,
        diagnostics: Diagnostics,
        method: Method,
    ) -> Result<Self> {
        let coefficients = scaling.coefficients(&core.beta)?;
        let std_errors = stats
            .std_errors
            .iter()
            .enumerate()
            .map(|(j, &se)| {
                if se.is_nan() {
                    Ok(f64::NAN)
                } else {
                    to_finite(se, scaling.columns[j] - scaling.response, Quantity::StandardError, j)
                }
            })
            .collect::<Result<Vec<f64>>>()?;
        Ok(Self {
            names: design.names().to_vec(),
            method,
            coefficients,
            std_errors: DVector::from_vec(std_errors),
            scaled_coefficients: core.beta,
            rank: core.rank,
            aliased: core.aliased,
            observations,
            weights: weights.cloned(),
            intercept: design.intercept_column().is_some(),
            diagnostics,
            stats,
            scaling,
        })
    }

    /// [`Fit::df_residual`] as an `f64`, the degrees of freedom of the t tests.
    fn df(&self) -> f64 {
        count_to_f64(self.df_residual())
    }

    /// The exponent that carries a sum of squares of the scaled problem back: `2^{−2r−2h}`.
    fn squares_exponent(&self) -> i32 {
        -2 * (self.scaling.response + self.scaling.weights)
    }

    /// Column names of the design.
    #[must_use]
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The method used.
    #[must_use]
    pub fn method(&self) -> Method {
        self.method
    }

    /// Estimated coefficients `β̂` (0 for aliased columns).
    #[must_use]
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// Standard errors `σ̂·√[(XᵀWX)⁻¹]_jj`, from `R⁻¹` for the QR methods; NaN for aliased
    /// columns. At an exact fit they are rounding-level, as `σ̂` is.
    #[must_use]
    pub fn std_errors(&self) -> &DVector<f64> {
        &self.std_errors
    }

    /// t statistics `β̂_j / se_j`, computed on the equilibrated problem (so they do not depend
    /// on units). [`Unavailable::Aliased`] for aliased columns, [`Unavailable::ExactFit`] for
    /// every coefficient of an exact fit (where `se` is rounding and t would measure it).
    #[must_use]
    pub fn t_values(&self) -> Vec<Result<f64, Unavailable>> {
        (0..self.coefficients.len())
            .map(|j| {
                if self.aliased.contains(&j) {
                    Err(Unavailable::Aliased)
                } else if self.stats.exact_fit {
                    Err(Unavailable::ExactFit)
                } else {
                    Ok(self.scaled_coefficients[j] / self.stats.std_errors[j])
                }
            })
            .collect()
    }

    /// Two-sided p-values of the t tests, Student t with [`Fit::df_residual`] degrees of
    /// freedom; unavailable where the t value is.
    #[must_use]
    pub fn p_values(&self) -> Vec<Result<f64, Unavailable>> {
        let df = self.df();
        self.t_values().into_iter().map(|t| t.map(|t| t_test_p_value(t, df))).collect()
    }

    /// Confidence intervals `β̂ ± t_{df, (1+level)/2}·se` at `level` in `(0, 1)` (R's `confint`);
    /// returns `(lower, upper)`, NaN for aliased columns. The quantile comes from the exact tail
    /// `1 − level`, so levels just below 1 give wide, finite intervals.
    ///
    /// # Errors
    /// [`crate::Error::InvalidOption`] for a level outside `(0, 1)`;
    /// [`crate::Error::Unrepresentable`] for a bound beyond the range of `f64`.
    pub fn confidence_intervals(&self, level: f64) -> Result<(DVector<f64>, DVector<f64>)> {
        check_level(level)?;
        let q = t_quantile(self.df(), level);
        let p = self.coefficients.len();
        let (mut lower, mut upper) = (DVector::zeros(p), DVector::zeros(p));
        for j in 0..p {
            if self.aliased.contains(&j) {
                (lower[j], upper[j]) = (f64::NAN, f64::NAN);
                continue;
            }
            let (b, half) = (self.scaled_coefficients[j], q * self.stats.std_errors[j]);
            let e = self.scaling.columns[j] - self.scaling.response;
            lower[j] = to_finite(b - half, e, Quantity::ConfidenceBound, j)?;
            upper[j] = to_finite(b + half, e, Quantity::ConfidenceBound, j)?;
        }
        Ok((lower, upper))
    }

    /// Covariance matrix of the coefficients, `σ̂²·(XᵀWX)⁻¹`; rows and columns of aliased
    /// coefficients are NaN.
    ///
    /// # Errors
    /// [`Unavailable::OutOfRange`] when a variance leaves the range of `f64` (a column in units
    /// near 10⁻²⁰⁰ has a coefficient variance near 10⁴⁰⁰).
    pub fn covariance(&self) -> Result<DMatrix<f64>, Unavailable> {
        let s2 = self.stats.sigma * self.stats.sigma;
        let scaled = self.stats.covariance.matrix() * s2;
        let extra = -(self.scaling.response + self.scaling.weights);
        let mut c = self.scaling.covariance(&scaled, extra).map_err(|_| Unavailable::OutOfRange)?;
        for &j in &self.aliased {
            c.row_mut(j).fill(f64::NAN);
            c.column_mut(j).fill(f64::NAN);
        }
        Ok(c)
    }

    /// Fitted values `Xβ̂`, one per observation (including those with zero weight).
    #[must_use]
    pub fn fitted_values(&self) -> &DVector<f64> {
        &self.stats.fitted
    }

    /// Response residuals `y − Xβ̂`, one per observation (unweighted, as R's `residuals`).
    #[must_use]
    pub fn residuals(&self) -> &DVector<f64> {
        &self.stats.residuals
    }

    /// Residual sum of squares `Σ wᵢ rᵢ²`.
    ///
    /// # Errors
    /// [`Unavailable::OutOfRange`] when it leaves the range of `f64` (responses beyond about
    /// 10¹⁵⁴ or below about 10⁻¹⁵⁴ in size).
    pub fn rss(&self) -> Result<f64, Unavailable> {
        in_range(self.stats.rss, self.squares_exponent())
    }

    /// Residual standard error `σ̂ = √(RSS/df)`, in the units of `√w·y`. At an exact fit it is
    /// the size of the rounding.
    ///
    /// # Errors
    /// [`Unavailable::OutOfRange`] when it leaves the range of `f64`.
    pub fn sigma(&self) -> Result<f64, Unavailable> {
        in_range(self.stats.sigma, -(self.scaling.response + self.scaling.weights))
    }

    /// Residual degrees of freedom: observations with nonzero weight minus the rank.
    #[must_use]
    pub fn df_residual(&self) -> usize {
        self.observations - self.rank
    }

    /// Model degrees of freedom: the rank, minus one for the intercept.
    #[must_use]
    pub fn df_model(&self) -> usize {
        self.rank - usize::from(self.intercept)
    }

    /// Observations with nonzero weight.
    #[must_use]
    pub fn observations(&self) -> usize {
        self.observations
    }

    /// Numerical rank of the design.
    #[must_use]
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// Zero-based indices of aliased (not estimable) columns, ascending.
    #[must_use]
    pub fn aliased(&self) -> &[usize] {
        &self.aliased
    }

    /// Whether the model has an intercept (decides how R² is centred).
    #[must_use]
    pub(crate) fn has_intercept(&self) -> bool {
        self.intercept
    }

    /// The prior weights, if any were given.
    #[must_use]
    pub(crate) fn weights(&self) -> Option<&DVector<f64>> {
        self.weights.as_ref()
    }

    /// R²: `1 − RSS/TSS`, with TSS about the (weighted) mean when the model has an intercept and
    /// about zero otherwise (R's and NIST's convention), computed on the scaled problem.
    ///
    /// # Errors
    /// [`Unavailable::ConstantResponse`] when TSS is zero up to rounding.
    pub fn r_squared(&self) -> Result<f64, Unavailable> {
        self.explained(self.stats.r_squared)
    }

    /// Adjusted R²: `1 − (1 − R²)·(n − i)/df`, with `i = 1` for an intercept, else 0.
    ///
    /// # Errors
    /// As [`Fit::r_squared`].
    pub fn adj_r_squared(&self) -> Result<f64, Unavailable> {
        self.explained(self.stats.adj_r_squared)
    }

    /// A statistic that measures variation explained: unavailable for a constant response.
    fn explained(&self, value: f64) -> Result<f64, Unavailable> {
        if self.stats.constant_response { Err(Unavailable::ConstantResponse) } else { Ok(value) }
    }

    /// The total sum of squares R² is measured against (0 for a zero response).
    ///
    /// # Errors
    /// [`Unavailable::OutOfRange`] when it leaves the range of `f64`.
    pub fn tss(&self) -> Result<f64, Unavailable> {
        in_range(self.stats.tss, self.squares_exponent())
    }

    /// F statistic of the model against the intercept-only (or empty) model.
    ///
    /// # Errors
    /// [`Unavailable::NoModelTerms`] when the model has no other term,
    /// [`Unavailable::ConstantResponse`] when there is no variation to explain,
    /// [`Unavailable::ExactFit`] when the residual is rounding (F would be its reciprocal).
    pub fn f_statistic(&self) -> Result<f64, Unavailable> {
        let f = self.stats.f_statistic.ok_or(Unavailable::NoModelTerms)?;
        self.explained(f)?;
        if self.stats.exact_fit { Err(Unavailable::ExactFit) } else { Ok(f) }
    }

    /// p-value of the F statistic, Fisher's F with `(df_model, df_residual)` degrees of freedom.
    ///
    /// # Errors
    /// As [`Fit::f_statistic`].
    pub fn f_p_value(&self) -> Result<f64, Unavailable> {
        let f = self.f_statistic()?;
        Ok(f_test_p_value(f, count_to_f64(self.df_model()), self.df()))
    }

    /// Gaussian log-likelihood at the maximum-likelihood `σ²`, as R's `logLik.lm`:
    /// `½(Σ ln wᵢ − n·(ln 2π + 1 − ln n + ln RSS))`, with `ln RSS` taken from the scaled sum so
    /// that it exists for any finite data.
    ///
    /// # Errors
    /// [`Unavailable::ExactFit`] at an exact fit, where the likelihood grows without bound as
    /// `σ² → 0`.
    pub fn log_likelihood(&self) -> Result<f64, Unavailable> {
        if self.stats.exact_fit {
            return Err(Unavailable::ExactFit);
        }
        let n = count_to_f64(self.observations);
        let log_weights: f64 = self
            .weights
            .as_ref()
            .map_or(0.0, |w| w.iter().filter(|&&v| v > 0.0).map(|v| v.ln()).sum());
        let log_rss = match self.rss() {
            Ok(rss) => rss.ln(),
            Err(_) => {
                self.stats.rss.ln() + f64::from(self.squares_exponent()) * std::f64::consts::LN_2
            }
        };
        Ok(0.5 * (log_weights - n * ((2.0 * std::f64::consts::PI).ln() + 1.0 - n.ln() + log_rss)))
    }

    /// Akaike's criterion `−2ℓ + 2(rank + 1)` (the `+1` counts `σ²`), as R's `AIC`.
    ///
    /// # Errors
    /// As [`Fit::log_likelihood`].
    pub fn aic(&self) -> Result<f64, Unavailable> {
        Ok(-2.0 * self.log_likelihood()? + 2.0 * count_to_f64(self.rank + 1))
    }

    /// Schwarz's criterion `−2ℓ + ln(n)·(rank + 1)`, as R's `BIC`.
    ///
    /// # Errors
    /// As [`Fit::log_likelihood`].
    pub fn bic(&self) -> Result<f64, Unavailable> {
        Ok(-2.0 * self.log_likelihood()?
            + count_to_f64(self.observations).ln() * count_to_f64(self.rank + 1))
    }

    /// Numerical diagnostics: conditioning, orthogonality, exact fit, digits.
    #[must_use]
    pub fn diagnostics(&self) -> &Diagnostics {
        &self.diagnostics
    }

    /// `RSS̃` of the equilibrated problem and the exponent that carries it back to `RSS`.
    pub(crate) fn scaled_rss(&self) -> (f64, i32) {
        (self.stats.rss, self.squares_exponent())
    }

    /// What prediction needs: the scaled coefficients, `C̃`'s factor, `σ̃` and the scaling.
    pub(crate) fn scaled(&self) -> (&DVector<f64>, &Covariance<f64>, f64, &Scaling) {
        (&self.scaled_coefficients, &self.stats.covariance, self.stats.sigma, &self.scaling)
    }
}

/// `m·2^e` when it is zero or a normal `f64`, else [`Unavailable::OutOfRange`].
fn in_range(m: f64, e: i32) -> Result<f64, Unavailable> {
    normal_value(m, e).ok_or(Unavailable::OutOfRange)
}
