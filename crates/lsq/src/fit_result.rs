//! [`Fit`]: what a least-squares fit produced, and the regression statistics derived from it.

use linalg_core::count_to_f64;
use nalgebra::{DMatrix, DVector};
use statrs::distribution::{ContinuousCDF, FisherSnedecor, StudentsT};

use crate::design::Design;
use crate::diagnostics::Diagnostics;
use crate::error::Result;
use crate::method::Method;
use crate::options::check_level;
use crate::solvers::{Core, Covariance};
use crate::statistics::{Statistics, student_t, t_value};

/// A fitted least-squares regression: what the fit produced (coefficients, the factor behind
/// `(XᵀWX)⁻¹`, fitted values, residuals, sums of squares, diagnostics), with the statistics of R's
/// `summary(lm)` derived from it on request (t and F tests, p-values, intervals, likelihood).
///
/// Vectors indexed by coefficient have one entry per design column. When the fit dropped
/// aliased columns ([`crate::RankPolicy::DropAliased`]), their coefficients are 0 (the fit
/// without them) and their standard errors, t and p values are NaN, the "not available"
/// marker R prints as `NA`; [`Fit::aliased`] lists them. `Display` prints R's summary.
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
/// assert!(se[1] > 0.0 && p[1] < 1e-3);
/// let (lo, hi) = fit.confidence_intervals(0.95)?;
/// assert!(lo[1] < fit.coefficients()[1] && fit.coefficients()[1] < hi[1]);
/// assert!(fit.r_squared() > 0.99 && fit.f_p_value().is_some_and(|p| p < 1e-3));
/// assert!(fit.bic() < fit.aic()); // with 5 observations ln n < 2
/// assert!(fit.diagnostics().orthogonality < 1e-12); // Xᵀr ≈ 0
/// println!("{fit}"); // R's summary(lm)
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Fit {
    names: Vec<String>,
    method: Method,
    coefficients: DVector<f64>,
    stats: Statistics,
    rank: usize,
    aliased: Vec<usize>,
    observations: usize,
    weights: Option<DVector<f64>>,
    intercept: bool,
    diagnostics: Diagnostics,
}

impl Fit {
    pub(crate) fn new(
        design: &Design,
        weights: Option<&DVector<f64>>,
        observations: usize,
        core: Core<f64>,
        stats: Statistics,
        diagnostics: Diagnostics,
        method: Method,
    ) -> Self {
        Self {
            names: design.names().to_vec(),
            method,
            coefficients: core.beta,
            rank: core.rank,
            aliased: core.aliased,
            observations,
            weights: weights.cloned(),
            intercept: design.intercept_column().is_some(),
            diagnostics,
            stats,
        }
    }

    /// Student's t with [`Fit::df_residual`] degrees of freedom.
    #[expect(clippy::expect_used, reason = "the invariant is stated in the message")]
    fn t_distribution(&self) -> StudentsT {
        student_t(count_to_f64(self.df_residual()))
            .expect("fit refuses interpolating fits, so df_residual ≥ 1 and Student's t exists")
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

    /// Standard errors `σ̂·√[(XᵀWX)⁻¹]_jj`, from `R⁻¹` for the QR methods.
    #[must_use]
    pub fn std_errors(&self) -> &DVector<f64> {
        &self.stats.std_errors
    }

    /// t statistics `β̂_j / se_j` (NaN for aliased columns).
    #[must_use]
    pub fn t_values(&self) -> DVector<f64> {
        self.coefficients.zip_map(&self.stats.std_errors, t_value)
    }

    /// Two-sided p-values of the t tests, Student t with [`Fit::df_residual`] degrees of freedom.
    #[must_use]
    pub fn p_values(&self) -> DVector<f64> {
        let t_dist = self.t_distribution();
        self.t_values().map(|t| if t.is_nan() { f64::NAN } else { 2.0 * t_dist.sf(t.abs()) })
    }

    /// Confidence intervals `β̂ ± t_{df, (1+level)/2}·se` at `level` in `(0, 1)` (R's `confint`);
    /// returns `(lower, upper)`.
    ///
    /// # Errors
    /// [`crate::Error::InvalidOption`] for a level outside `(0, 1)`.
    pub fn confidence_intervals(&self, level: f64) -> Result<(DVector<f64>, DVector<f64>)> {
        check_level(level)?;
        let q = self.t_distribution().inverse_cdf(0.5 + level / 2.0);
        let half = self.stats.std_errors.map(|se| q * se);
        Ok((&self.coefficients - &half, &self.coefficients + &half))
    }

    /// Covariance matrix of the coefficients, `σ̂²·(XᵀWX)⁻¹`; rows and columns of aliased
    /// coefficients are NaN.
    #[must_use]
    pub fn covariance(&self) -> DMatrix<f64> {
        let s2 = self.stats.sigma * self.stats.sigma;
        let mut c = self.stats.covariance.matrix() * s2;
        for &j in &self.aliased {
            c.row_mut(j).fill(f64::NAN);
            c.column_mut(j).fill(f64::NAN);
        }
        c
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
    #[must_use]
    pub fn rss(&self) -> f64 {
        self.stats.rss
    }

    /// Residual standard error `σ̂ = √(RSS/df)`.
    #[must_use]
    pub fn sigma(&self) -> f64 {
        self.stats.sigma
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
    /// about zero otherwise (R's and NIST's convention).
    #[must_use]
    pub fn r_squared(&self) -> f64 {
        self.stats.r_squared
    }

    /// Adjusted R²: `1 − (1 − R²)·(n − i)/df`, with `i = 1` for an intercept, else 0.
    #[must_use]
    pub fn adj_r_squared(&self) -> f64 {
        self.stats.adj_r_squared
    }

    /// The total sum of squares R² is measured against.
    #[must_use]
    pub fn tss(&self) -> f64 {
        self.stats.tss
    }

    /// F statistic of the model against the intercept-only (or empty) model, `None` when the
    /// model has no other term; infinite for an exact fit.
    #[must_use]
    pub fn f_statistic(&self) -> Option<f64> {
        self.stats.f_statistic
    }

    /// p-value of the F statistic.
    #[must_use]
    pub fn f_p_value(&self) -> Option<f64> {
        let f = self.stats.f_statistic?;
        if f.is_infinite() {
            return Some(0.0);
        }
        // `f_statistic` is `Some` only with df_model ≥ 1, and df_residual ≥ 1 always.
        let df = (count_to_f64(self.df_model()), count_to_f64(self.df_residual()));
        FisherSnedecor::new(df.0, df.1).ok().map(|dist| dist.sf(f))
    }

    /// Gaussian log-likelihood at the maximum-likelihood `σ²`, as R's `logLik.lm`.
    #[must_use]
    pub fn log_likelihood(&self) -> f64 {
        let n = count_to_f64(self.observations);
        let log_weights: f64 = self
            .weights
            .as_ref()
            .map_or(0.0, |w| w.iter().filter(|&&v| v > 0.0).map(|v| v.ln()).sum());
        0.5 * (log_weights
            - n * ((2.0 * std::f64::consts::PI).ln() + 1.0 - n.ln() + self.stats.rss.ln()))
    }

    /// Akaike's criterion `−2ℓ + 2(rank + 1)` (the `+1` counts `σ²`), as R's `AIC`.
    #[must_use]
    pub fn aic(&self) -> f64 {
        -2.0 * self.log_likelihood() + 2.0 * count_to_f64(self.rank + 1)
    }

    /// Schwarz's criterion `−2ℓ + ln(n)·(rank + 1)`, as R's `BIC`.
    #[must_use]
    pub fn bic(&self) -> f64 {
        -2.0 * self.log_likelihood()
            + count_to_f64(self.observations).ln() * count_to_f64(self.rank + 1)
    }

    /// Numerical diagnostics: conditioning, orthogonality, exact fit, digits.
    #[must_use]
    pub fn diagnostics(&self) -> &Diagnostics {
        &self.diagnostics
    }

    pub(crate) fn covariance_factor(&self) -> &Covariance<f64> {
        &self.stats.covariance
    }
}
