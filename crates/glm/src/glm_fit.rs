//! [`GlmFit`]: a fitted generalized linear model and its statistics, and [`ResidualKind`].

use nalgebra::{DMatrix, DVector};
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use crate::error::Result;
use crate::family::Family;
use crate::fit::Convergence;
use crate::link::Link;
use crate::numeric::count_to_f64;
use crate::options::{Method, check_level};

/// The kinds of residuals R's `residuals.glm` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResidualKind {
    /// `y − μ` (for the binomial, on the proportion scale).
    Response,
    /// `(y − μ)·√w/√V(μ)`; their sum of squares is Pearson's χ².
    Pearson,
    /// `sign(y − μ)·√(w·d(y, μ))`; their sum of squares is the deviance.
    Deviance,
    /// `(y − μ)/(dμ/dη)`, the last IRLS working residuals.
    Working,
}

/// A fitted generalized linear model.
///
/// Vectors indexed by coefficient have one entry per design column. Columns dropped as
/// aliased ([`lsq::RankPolicy::DropAliased`]) have coefficient 0 (the fit without them) and
/// NaN standard error, statistic and p-value, the marker R prints as `NA`; [`GlmFit::aliased`]
/// lists them. Vectors indexed by observation have one entry per row, including rows with zero
/// weight. Its `Display` is a summary laid out like R's `summary(glm)`.
///
/// # Examples
///
/// ```
/// use glm::{Family, FitOptions, ResidualKind};
/// use lsq::Design;
/// use nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0; 4.0; 5.0])?;
/// let y = dvector![0.0, 1.0, 0.0, 1.0, 1.0];
/// let fit = glm::fit(&design, &y, Family::Bernoulli, &FitOptions::default())?;
/// let r = fit.residuals(ResidualKind::Deviance);
/// assert!((r.norm_squared() - fit.deviance()).abs() < 1e-12);
/// assert_eq!((fit.df_null(), fit.df_residual()), (4, 3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct GlmFit {
    pub(crate) family: Family,
    pub(crate) link: Link,
    pub(crate) method: Method,
    pub(crate) names: Vec<String>,
    pub(crate) intercept: bool,
    pub(crate) coefficients: DVector<f64>,
    pub(crate) std_errors: DVector<f64>,
    pub(crate) statistics: DVector<f64>,
    pub(crate) p_values: DVector<f64>,
    pub(crate) unscaled_covariance: DMatrix<f64>,
    pub(crate) aliased: Vec<usize>,
    pub(crate) rank: usize,
    pub(crate) dispersion: f64,
    pub(crate) deviance: f64,
    pub(crate) null_deviance: Result<f64>,
    pub(crate) df_residual: usize,
    pub(crate) df_null: usize,
    pub(crate) pearson_chi2: f64,
    pub(crate) log_likelihood: f64,
    pub(crate) aic: f64,
    pub(crate) bic: f64,
    pub(crate) y: DVector<f64>,
    pub(crate) mu: DVector<f64>,
    pub(crate) eta: DVector<f64>,
    pub(crate) prior_weights: DVector<f64>,
    pub(crate) weights: DVector<f64>,
    pub(crate) working_weights: DVector<f64>,
    pub(crate) offset: DVector<f64>,
    pub(crate) history: Vec<f64>,
    pub(crate) convergence: Convergence,
    pub(crate) step_halvings: usize,
    pub(crate) observations: usize,
    pub(crate) confidence_level: f64,
}

impl GlmFit {
    /// The family.
    #[must_use]
    pub fn family(&self) -> Family {
        self.family
    }

    /// The link.
    #[must_use]
    pub fn link(&self) -> Link {
        self.link
    }

    /// The fitting method.
    #[must_use]
    pub fn method(&self) -> Method {
        self.method
    }

    /// Column names of the design.
    #[must_use]
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Whether the design has an intercept column.
    #[must_use]
    pub fn has_intercept(&self) -> bool {
        self.intercept
    }

    /// Estimated coefficients `θ̂` (0 for aliased columns).
    #[must_use]
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// Standard errors `√(φ·[(XᵀWX)⁻¹]_jj)` from the expected information at the optimum.
    #[must_use]
    pub fn std_errors(&self) -> &DVector<f64> {
        &self.std_errors
    }

    /// Wald statistics `θ̂_j/se_j`: z values when the dispersion is fixed, t values when it is
    /// estimated ([`GlmFit::dispersion_is_estimated`]).
    #[must_use]
    pub fn statistics(&self) -> &DVector<f64> {
        &self.statistics
    }

    /// Two-sided p-values of [`GlmFit::statistics`]: standard normal for a fixed dispersion,
    /// Student t with [`GlmFit::df_residual`] degrees of freedom for an estimated one (R's
    /// `summary.glm`).
    #[must_use]
    pub fn p_values(&self) -> &DVector<f64> {
        &self.p_values
    }

    /// Whether the dispersion is estimated (Gaussian, Gamma, inverse Gaussian), so that the
    /// tests are t tests.
    #[must_use]
    pub fn dispersion_is_estimated(&self) -> bool {
        self.family.estimates_dispersion()
    }

    /// Wald confidence intervals `θ̂ ± q·se` at the level of
    /// [`crate::FitOptions::confidence_level`], with `q` the normal or t quantile matching
    /// [`GlmFit::p_values`] (R's `confint.default` always uses the normal); `(lower, upper)`.
    #[must_use]
    pub fn confidence_intervals(&self) -> (DVector<f64>, DVector<f64>) {
        self.interval(self.quantile(self.confidence_level))
    }

    /// Wald confidence intervals at another level in `(0, 1)`; `(lower, upper)`.
    ///
    /// # Errors
    /// [`crate::Error::InvalidOption`] for a level outside `(0, 1)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::{Family, FitOptions};
    /// use lsq::Design;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
    /// let fit = glm::fit(&design, &dvector![2.0, 3.0, 6.0, 7.0], Family::Poisson, &FitOptions::default())?;
    /// let (lo90, _) = fit.confidence_intervals_at(0.90)?;
    /// let (lo99, _) = fit.confidence_intervals_at(0.99)?;
    /// assert!(lo99[1] < lo90[1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn confidence_intervals_at(&self, level: f64) -> Result<(DVector<f64>, DVector<f64>)> {
        check_level(level)?;
        Ok(self.interval(self.quantile(level)))
    }

    fn quantile(&self, level: f64) -> f64 {
        let p = 0.5 + level / 2.0;
        if self.dispersion_is_estimated() {
            StudentsT::new(0.0, 1.0, count_to_f64(self.df_residual))
                .map_or(f64::NAN, |t| t.inverse_cdf(p))
        } else {
            Normal::standard().inverse_cdf(p)
        }
    }

    fn interval(&self, q: f64) -> (DVector<f64>, DVector<f64>) {
        let half = self.std_errors.map(|se| q * se);
        (&self.coefficients - &half, &self.coefficients + &half)
    }

    /// Covariance of the coefficients, `φ·(XᵀWX)⁻¹`; rows and columns of aliased coefficients
    /// are NaN.
    #[must_use]
    pub fn covariance(&self) -> DMatrix<f64> {
        let mut c = &self.unscaled_covariance * self.dispersion;
        for &j in &self.aliased {
            c.row_mut(j).fill(f64::NAN);
            c.column_mut(j).fill(f64::NAN);
        }
        c
    }

    /// `(XᵀWX)⁻¹` at the optimum, computed as `R⁻¹R⁻ᵀ` from the QR factor of `√W·X`; rows and
    /// columns of aliased coefficients are 0.
    #[must_use]
    pub fn unscaled_covariance(&self) -> &DMatrix<f64> {
        &self.unscaled_covariance
    }

    /// Zero-based indices of aliased (not estimable) columns, ascending.
    #[must_use]
    pub fn aliased(&self) -> &[usize] {
        &self.aliased
    }

    /// Rank of the design (the number of coefficients estimated).
    #[must_use]
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// The dispersion `φ` the standard errors use: 1 for Poisson, binomial and negative
    /// binomial, Pearson χ²/df for the others.
    #[must_use]
    pub fn dispersion(&self) -> f64 {
        self.dispersion
    }

    /// Pearson's estimate of the dispersion, `χ²/df_residual`, for any family (the
    /// over-dispersion check for Poisson and binomial fits); `None` without residual degrees
    /// of freedom.
    #[must_use]
    pub fn pearson_dispersion(&self) -> Option<f64> {
        (self.df_residual > 0).then(|| self.pearson_chi2 / count_to_f64(self.df_residual))
    }

    /// Residual deviance `D = Σ wᵢ·d(yᵢ, μ̂ᵢ)`.
    #[must_use]
    pub fn deviance(&self) -> f64 {
        self.deviance
    }

    /// Deviance of the intercept-only model with the same weights and offset (refitted by IRLS
    /// when there is an offset, as R does), or of `μ = g⁻¹(offset)` without an intercept.
    ///
    /// # Errors
    /// [`crate::Error::InvalidNullModel`] when that mean leaves the family's domain (R reports NaN),
    /// or the refit's error.
    pub fn null_deviance(&self) -> Result<f64> {
        self.null_deviance.clone()
    }

    /// Residual degrees of freedom: observations with positive weight minus the rank.
    #[must_use]
    pub fn df_residual(&self) -> usize {
        self.df_residual
    }

    /// Degrees of freedom of the null model: observations minus one for an intercept.
    #[must_use]
    pub fn df_null(&self) -> usize {
        self.df_null
    }

    /// Pearson's χ², `Σ wᵢ(yᵢ − μ̂ᵢ)²/V(μ̂ᵢ)`.
    #[must_use]
    pub fn pearson_chi2(&self) -> f64 {
        self.pearson_chi2
    }

    /// The log-likelihood with R's conventions (`logLik.glm`): every constant included, and
    /// for the families with a dispersion the value R's `family$aic` plugs in (`D/n` for the
    /// Gaussian, `D/Σw` for Gamma and inverse Gaussian).
    #[must_use]
    pub fn log_likelihood(&self) -> f64 {
        self.log_likelihood
    }

    /// Akaike's criterion `−2ℓ + 2k`, with `k` the rank plus one for an estimated dispersion
    /// (R's `AIC`).
    #[must_use]
    pub fn aic(&self) -> f64 {
        self.aic
    }

    /// Schwarz's criterion `−2ℓ + ln(n)·k`, `k` as in [`GlmFit::aic`] (R's `BIC`).
    #[must_use]
    pub fn bic(&self) -> f64 {
        self.bic
    }

    /// The response on the model's scale (for the binomial, the proportion of successes).
    #[must_use]
    pub fn response(&self) -> &DVector<f64> {
        &self.y
    }

    /// Fitted means `μ̂ = g⁻¹(η̂)`.
    #[must_use]
    pub fn fitted_values(&self) -> &DVector<f64> {
        &self.mu
    }

    /// Linear predictor `η̂ = Xθ̂ + offset`.
    #[must_use]
    pub fn linear_predictor(&self) -> &DVector<f64> {
        &self.eta
    }

    /// Prior weights (ones if none were given).
    #[must_use]
    pub fn prior_weights(&self) -> &DVector<f64> {
        &self.prior_weights
    }

    /// Total weights: prior weights times binomial trials (R's `weights(fit, "prior")` for a
    /// binomial fit given successes and failures).
    #[must_use]
    pub fn weights(&self) -> &DVector<f64> {
        &self.weights
    }

    /// The IRLS weights `W = w·(dμ/dη)²/V(μ)` at the optimum (0 for rows with zero weight).
    #[must_use]
    pub fn working_weights(&self) -> &DVector<f64> {
        &self.working_weights
    }

    /// The offset (zeros if none was given).
    #[must_use]
    pub fn offset(&self) -> &DVector<f64> {
        &self.offset
    }

    /// Residuals of the given kind, one per observation.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::{Family, FitOptions, ResidualKind};
    /// use lsq::Design;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
    /// let fit = glm::fit(&design, &dvector![2.0, 3.0, 6.0, 7.0], Family::Poisson, &FitOptions::default())?;
    /// let pearson = fit.residuals(ResidualKind::Pearson);
    /// assert!((pearson.norm_squared() - fit.pearson_chi2()).abs() < 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn residuals(&self, kind: ResidualKind) -> DVector<f64> {
        let n = self.y.len();
        DVector::from_fn(n, |i, _| {
            let (y, mu, w) = (self.y[i], self.mu[i], self.weights[i]);
            match kind {
                ResidualKind::Response => y - mu,
                ResidualKind::Pearson => (y - mu) * w.sqrt() / self.family.variance(mu).sqrt(),
                ResidualKind::Deviance => {
                    (y - mu).signum() * (w * self.family.unit_deviance(y, mu)).sqrt()
                }
                ResidualKind::Working => (y - mu) / self.link.mu_eta(self.eta[i]),
            }
        })
    }

    /// The per-iteration history: for IRLS the deviance, for gradient ascent the average
    /// log-likelihood at unit dispersion. Entry 0 is the starting point (for IRLS the
    /// deviance at R's starting means), entry k the value after iteration k.
    #[must_use]
    pub fn history(&self) -> &[f64] {
        &self.history
    }

    /// How the iterations ended.
    #[must_use]
    pub fn convergence(&self) -> Convergence {
        self.convergence
    }

    /// Iterations run (R's "Number of Fisher Scoring iterations" for IRLS).
    #[must_use]
    pub fn iterations(&self) -> usize {
        self.convergence.iterations()
    }

    /// IRLS step halvings over all iterations (0 for gradient ascent): how often a step left
    /// the domain of `η` or `μ` or raised the deviance and was shortened.
    #[must_use]
    pub fn step_halvings(&self) -> usize {
        self.step_halvings
    }

    /// Observations with positive weight.
    #[must_use]
    pub fn observations(&self) -> usize {
        self.observations
    }

    /// The level of [`GlmFit::confidence_intervals`].
    #[must_use]
    pub fn confidence_level(&self) -> f64 {
        self.confidence_level
    }
}
