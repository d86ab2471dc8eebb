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
///
/// # Examples
///
/// ```
/// # use approx::assert_relative_eq;
/// # use lsq::Design;
/// use glm::{Family, FitOptions, ResidualKind};
///
/// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
/// # let design = Design::new(s.x.clone())?;
/// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
/// let (y, mu) = (fit.response(), fit.fitted_values());
/// assert_eq!(fit.residuals(ResidualKind::Response), y - mu);
/// // Under the log link dμ/dη = μ, so the working residuals are (y − μ)/μ.
/// let working = fit.residuals(ResidualKind::Working);
/// assert_relative_eq!(working, (y - mu).component_div(mu), max_relative = 1e-14);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert_eq!(fit.family(), Family::Poisson);
    /// // The family decides the default link and whether the tests are z or t tests.
    /// assert_eq!(fit.link(), fit.family().default_link());
    /// assert_eq!(fit.dispersion_is_estimated(), fit.family().estimates_dispersion());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn family(&self) -> Family {
        self.family
    }

    /// The link.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use glm::Link;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let options = FitOptions::default().link(Link::Sqrt);
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &options)?;
    /// assert_eq!(fit.link(), Link::Sqrt);
    /// // The fitted means are the inverse link of the linear predictor, μ̂ = η̂².
    /// for (&eta, &mu) in fit.linear_predictor().iter().zip(fit.fitted_values().iter()) {
    ///     assert_relative_eq!(mu, fit.link().inverse(eta), max_relative = 1e-15);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn link(&self) -> Link {
        self.link
    }

    /// The fitting method.
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use glm::Method;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert_eq!(fit.method(), Method::Irls);
    /// let lesson = FitOptions::default().method(Method::GradientAscent).step(0.02);
    /// let ga = glm::fit(&design, &s.y, Family::Poisson, &lesson)?;
    /// assert_eq!(ga.method(), Method::GradientAscent);
    /// assert!(ga.to_string().contains("fitted by gradient ascent"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn method(&self) -> Method {
        self.method
    }

    /// Column names of the design.
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let named = Design::new(s.x.clone())?.with_names(["(Intercept)", "t"])?;
    /// let fit = glm::fit(&named, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert_eq!(fit.names(), ["(Intercept)", "t"]);
    /// assert_eq!(fit.names().len(), fit.coefficients().len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Whether the design has an intercept column.
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert!(fit.has_intercept());
    /// // Without a column of ones the null model keeps all n degrees of freedom.
    /// let slope_only = Design::new(s.x.columns(1, 1).into_owned())?;
    /// let origin = glm::fit(&slope_only, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert!(!origin.has_intercept());
    /// assert_eq!((fit.df_null(), origin.df_null()), (79, 80));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn has_intercept(&self) -> bool {
        self.intercept
    }

    /// Estimated coefficients `θ̂` (0 for aliased columns).
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert_eq!(fit.coefficients().len(), 2);
    /// // At the optimum of a canonical-link fit the score Xᵀ(y − μ̂) vanishes.
    /// let score = s.x.transpose() * (fit.response() - fit.fitted_values());
    /// assert!(score.amax() < 1e-8 * s.y.sum());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// Standard errors `√(φ·[(XᵀWX)⁻¹]_jj)` from the expected information at the optimum.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// // The square roots of the diagonal of the covariance.
    /// let from_covariance = fit.covariance().diagonal().map(f64::sqrt);
    /// assert_relative_eq!(fit.std_errors(), &from_covariance, max_relative = 1e-15);
    /// assert!(fit.std_errors().iter().all(|&se| se > 0.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn std_errors(&self) -> &DVector<f64> {
        &self.std_errors
    }

    /// Wald statistics `θ̂_j/se_j`: z values when the dispersion is fixed, t values when it is
    /// estimated ([`GlmFit::dispersion_is_estimated`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// let z = fit.coefficients().component_div(fit.std_errors());
    /// assert_relative_eq!(fit.statistics(), &z, max_relative = 1e-15);
    /// // The slope of the lesson's counts is far from 0.
    /// assert!(fit.statistics()[1] > 5.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn statistics(&self) -> &DVector<f64> {
        &self.statistics
    }

    /// Two-sided p-values of [`GlmFit::statistics`]: standard normal for a fixed dispersion,
    /// Student t with [`GlmFit::df_residual`] degrees of freedom for an estimated one (R's
    /// `summary.glm`).
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// use statrs::distribution::{ContinuousCDF, Normal};
    ///
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// // Poisson: fixed dispersion, so two-sided standard normal tail probabilities.
    /// let normal = Normal::standard();
    /// for (&z, &p) in fit.statistics().iter().zip(fit.p_values().iter()) {
    ///     assert_relative_eq!(p, 2.0 * normal.sf(z.abs()), max_relative = 1e-12);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn p_values(&self) -> &DVector<f64> {
        &self.p_values
    }

    /// Whether the dispersion is estimated (Gaussian, Gamma, inverse Gaussian), so that the
    /// tests are t tests.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// use statrs::distribution::{ContinuousCDF, StudentsT};
    ///
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert!(!fit.dispersion_is_estimated());
    /// let gaussian = glm::fit(&design, &s.y, Family::Gaussian, &FitOptions::default())?;
    /// assert!(gaussian.dispersion_is_estimated());
    /// // So its p-values are Student t with df_residual = 78 degrees of freedom.
    /// let t = StudentsT::new(0.0, 1.0, 78.0)?;
    /// let z = gaussian.statistics()[0];
    /// assert_relative_eq!(gaussian.p_values()[0], 2.0 * t.sf(z.abs()), max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn dispersion_is_estimated(&self) -> bool {
        self.family.estimates_dispersion()
    }

    /// Wald confidence intervals `θ̂ ± q·se` at the level of
    /// [`crate::FitOptions::confidence_level`], with `q` the normal or t quantile matching
    /// [`GlmFit::p_values`] (R's `confint.default` always uses the normal); `(lower, upper)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// let (lower, upper) = fit.confidence_intervals();
    /// // 95 % by default, θ̂ ± 1.96·se with the normal quantile for a Poisson fit.
    /// let half_width = fit.std_errors() * 1.959_963_984_540_054;
    /// assert_relative_eq!((&upper - &lower) / 2.0, half_width, max_relative = 1e-9);
    /// assert_relative_eq!((&upper + &lower) / 2.0, fit.coefficients().clone(), epsilon = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let gaussian = glm::fit(&design, &s.y, Family::Gaussian, &FitOptions::default())?;
    /// let cov = gaussian.covariance();
    /// // φ·(XᵀWX)⁻¹, with φ estimated for the Gaussian.
    /// let scaled = gaussian.unscaled_covariance() * gaussian.dispersion();
    /// assert_relative_eq!(cov, scaled, max_relative = 1e-15);
    /// assert_relative_eq!(cov[(1, 1)].sqrt(), gaussian.std_errors()[1], max_relative = 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::DMatrix;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// // The inverse of XᵀWX with the IRLS weights W at the optimum.
    /// let w = DMatrix::from_diagonal(fit.working_weights());
    /// let information = s.x.transpose() * w * &s.x;
    /// let product = information * fit.unscaled_covariance();
    /// assert!((product - DMatrix::<f64>::identity(2, 2)).amax() < 1e-10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn unscaled_covariance(&self) -> &DMatrix<f64> {
        &self.unscaled_covariance
    }

    /// Zero-based indices of aliased (not estimable) columns, ascending.
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::DMatrix;
    /// use lsq::RankPolicy;
    ///
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// // A third column, twice the second, is not estimable.
    /// let x = DMatrix::from_fn(80, 3, |i, j| if j < 2 { s.x[(i, j)] } else { 2.0 * s.x[(i, 1)] });
    /// let options = FitOptions::default().rank_policy(RankPolicy::DropAliased);
    /// let fit = glm::fit(&Design::new(x)?, &s.y, Family::Poisson, &options)?;
    /// assert_eq!(fit.aliased(), [2]);
    /// assert_eq!(fit.coefficients()[2], 0.0);
    /// assert!(fit.std_errors()[2].is_nan());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn aliased(&self) -> &[usize] {
        &self.aliased
    }

    /// Rank of the design (the number of coefficients estimated).
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert_eq!(fit.rank(), 2);
    /// assert_eq!(fit.rank(), fit.coefficients().len() - fit.aliased().len());
    /// assert_eq!(fit.df_residual(), fit.observations() - fit.rank());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// The dispersion `φ` the standard errors use: 1 for Poisson, binomial and negative
    /// binomial, Pearson χ²/df for the others.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert_eq!(fit.dispersion(), 1.0);
    /// // For the Gaussian, Pearson χ²/df is the residual variance, the deviance over df.
    /// let gaussian = glm::fit(&design, &s.y, Family::Gaussian, &FitOptions::default())?;
    /// let df = 78.0;
    /// assert_relative_eq!(gaussian.dispersion(), gaussian.pearson_chi2() / df);
    /// assert_relative_eq!(gaussian.dispersion(), gaussian.deviance() / df, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn dispersion(&self) -> f64 {
        self.dispersion
    }

    /// Pearson's estimate of the dispersion, `χ²/df_residual`, for any family (the
    /// over-dispersion check for Poisson and binomial fits); `None` without residual degrees
    /// of freedom.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::{dmatrix, dvector};
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// let phi = fit.pearson_dispersion().ok_or("no residual degrees of freedom")?;
    /// assert_relative_eq!(phi, fit.pearson_chi2() / 78.0, max_relative = 1e-15);
    /// assert!((phi - 1.0).abs() < 0.5); // Poisson counts: no over-dispersion.
    ///
    /// // A saturated fit has no residual degrees of freedom.
    /// let two = Design::with_intercept(&dmatrix![0.0; 1.0])?;
    /// let y = dvector![1.0, 3.0];
    /// let saturated = glm::fit(&two, &y, Family::Poisson, &FitOptions::default())?;
    /// assert_eq!(saturated.pearson_dispersion(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn pearson_dispersion(&self) -> Option<f64> {
        (self.df_residual > 0).then(|| self.pearson_chi2 / count_to_f64(self.df_residual))
    }

    /// Residual deviance `D = Σ wᵢ·d(yᵢ, μ̂ᵢ)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// let mu = fit.fitted_values();
    /// let d: f64 = (0..80).map(|i| Family::Poisson.unit_deviance(s.y[i], mu[i])).sum();
    /// assert_relative_eq!(fit.deviance(), d, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::DMatrix;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// let null = fit.null_deviance()?;
    /// assert!(null >= fit.deviance());
    /// // It is the deviance of the intercept-only fit.
    /// let ones = Design::new(DMatrix::from_element(80, 1, 1.0))?;
    /// let intercept_only = glm::fit(&ones, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert_relative_eq!(null, intercept_only.deviance(), max_relative = 1e-10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn null_deviance(&self) -> Result<f64> {
        self.null_deviance.clone()
    }

    /// Residual degrees of freedom: observations with positive weight minus the rank.
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::DVector;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert_eq!(fit.df_residual(), 80 - 2);
    /// // Observations with zero weight do not count.
    /// let w = DVector::from_fn(80, |i, _| if i < 10 { 0.0 } else { 1.0 });
    /// let fewer = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default().weights(w))?;
    /// assert_eq!(fewer.df_residual(), 70 - 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn df_residual(&self) -> usize {
        self.df_residual
    }

    /// Degrees of freedom of the null model: observations minus one for an intercept.
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert_eq!(fit.df_null(), 80 - 1);
    /// // The drop in deviance from the null model is χ² on df_null − df_residual = 1 degree of
    /// // freedom, far beyond its 95 % quantile 3.84 for the lesson's slope.
    /// assert_eq!(fit.df_null() - fit.df_residual(), 1);
    /// assert!(fit.null_deviance()? - fit.deviance() > 3.84);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn df_null(&self) -> usize {
        self.df_null
    }

    /// Pearson's χ², `Σ wᵢ(yᵢ − μ̂ᵢ)²/V(μ̂ᵢ)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// // V(μ) = μ for Poisson.
    /// let (y, mu) = (fit.response(), fit.fitted_values());
    /// let chi2: f64 = (0..80).map(|i| (y[i] - mu[i]).powi(2) / mu[i]).sum();
    /// assert_relative_eq!(fit.pearson_chi2(), chi2, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn pearson_chi2(&self) -> f64 {
        self.pearson_chi2
    }

    /// The log-likelihood with R's conventions (`logLik.glm`): every constant included, and
    /// for the families with a dispersion the value R's `family$aic` plugs in (`D/n` for the
    /// Gaussian, `D/Σw` for Gamma and inverse Gaussian).
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// use statrs::function::gamma::ln_gamma;
    ///
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// // Poisson: ℓ = Σ y ln μ̂ − μ̂ − ln y!, constants included.
    /// let (y, mu) = (fit.response(), fit.fitted_values());
    /// let ll: f64 = (0..80).map(|i| y[i] * mu[i].ln() - mu[i] - ln_gamma(y[i] + 1.0)).sum();
    /// assert_relative_eq!(fit.log_likelihood(), ll, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn log_likelihood(&self) -> f64 {
        self.log_likelihood
    }

    /// Akaike's criterion `−2ℓ + 2k`, with `k` the rank plus one for an estimated dispersion
    /// (R's `AIC`).
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// // Poisson: k = 2 coefficients.
    /// assert_relative_eq!(fit.aic(), -2.0 * fit.log_likelihood() + 2.0 * 2.0);
    /// // The Gaussian also estimates its dispersion: k = 3.
    /// let gaussian = glm::fit(&design, &s.y, Family::Gaussian, &FitOptions::default())?;
    /// assert_relative_eq!(gaussian.aic(), -2.0 * gaussian.log_likelihood() + 2.0 * 3.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn aic(&self) -> f64 {
        self.aic
    }

    /// Schwarz's criterion `−2ℓ + ln(n)·k`, `k` as in [`GlmFit::aic`] (R's `BIC`).
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert_relative_eq!(fit.bic(), -2.0 * fit.log_likelihood() + 80.0_f64.ln() * 2.0);
    /// // ln 80 > 2, so BIC penalises the two coefficients more than AIC.
    /// assert!(fit.bic() > fit.aic());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn bic(&self) -> f64 {
        self.bic
    }

    /// The response on the model's scale (for the binomial, the proportion of successes).
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::{Family, FitOptions};
    /// use lsq::Design;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // 2, 5 and 9 successes in 10 trials each.
    /// let design = Design::with_intercept(&dmatrix![-1.0; 0.0; 1.0])?;
    /// let options = FitOptions::default().trials(dvector![10.0, 10.0, 10.0]);
    /// let fit = glm::fit(&design, &dvector![2.0, 5.0, 9.0], Family::Binomial, &options)?;
    /// assert_eq!(fit.response(), &dvector![0.2, 0.5, 0.9]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn response(&self) -> &DVector<f64> {
        &self.y
    }

    /// Fitted means `μ̂ = g⁻¹(η̂)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert!(fit.fitted_values().iter().all(|&mu| mu > 0.0));
    /// // With the canonical link and an intercept, the fitted means add up to the observed total.
    /// assert_relative_eq!(fit.fitted_values().sum(), s.y.sum(), max_relative = 1e-8);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn fitted_values(&self) -> &DVector<f64> {
        &self.mu
    }

    /// Linear predictor `η̂ = Xθ̂ + offset`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// let eta = &s.x * fit.coefficients();
    /// assert_relative_eq!(fit.linear_predictor(), &eta, epsilon = 1e-12);
    /// // μ̂ = exp(η̂) under the log link.
    /// assert_relative_eq!(fit.fitted_values(), &eta.map(f64::exp), max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn linear_predictor(&self) -> &DVector<f64> {
        &self.eta
    }

    /// Prior weights (ones if none were given).
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::DVector;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert!(fit.prior_weights().iter().all(|&w| w == 1.0));
    /// let w = DVector::from_fn(80, |i, _| if i < 10 { 0.0 } else { 1.0 });
    /// let options = FitOptions::default().weights(w.clone());
    /// let weighted = glm::fit(&design, &s.y, Family::Poisson, &options)?;
    /// assert_eq!(weighted.prior_weights(), &w);
    /// assert_eq!(weighted.observations(), 70);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn prior_weights(&self) -> &DVector<f64> {
        &self.prior_weights
    }

    /// Total weights: prior weights times binomial trials (R's `weights(fit, "prior")` for a
    /// binomial fit given successes and failures).
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::{Family, FitOptions};
    /// use lsq::Design;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// let design = Design::with_intercept(&dmatrix![-1.0; 0.0; 1.0])?;
    /// let options = FitOptions::default()
    ///     .weights(dvector![1.0, 2.0, 1.0])
    ///     .trials(dvector![10.0, 10.0, 4.0]);
    /// let fit = glm::fit(&design, &dvector![2.0, 5.0, 3.0], Family::Binomial, &options)?;
    /// assert_eq!(fit.weights(), &dvector![10.0, 20.0, 4.0]);
    /// assert_eq!(fit.prior_weights(), &dvector![1.0, 2.0, 1.0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn weights(&self) -> &DVector<f64> {
        &self.weights
    }

    /// The IRLS weights `W = w·(dμ/dη)²/V(μ)` at the optimum (0 for rows with zero weight).
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// // Under the canonical log link W = w·(dμ/dη)²/V(μ) = μ²/μ = μ.
    /// assert_relative_eq!(fit.working_weights(), fit.fitted_values(), max_relative = 1e-14);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn working_weights(&self) -> &DVector<f64> {
        &self.working_weights
    }

    /// The offset (zeros if none was given).
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::DVector;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert!(fit.offset().iter().all(|&o| o == 0.0));
    /// // Twice the exposure for every count: offset ln 2.
    /// let exposure = DVector::from_element(80, 2.0_f64.ln());
    /// let options = FitOptions::default().offset(exposure.clone());
    /// let rates = glm::fit(&design, &s.y, Family::Poisson, &options)?;
    /// assert_eq!(rates.offset(), &exposure);
    /// assert_relative_eq!(rates.linear_predictor(), &(&s.x * rates.coefficients() + &exposure));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use glm::Method;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// // IRLS: the deviance after each iteration, ending at the fit's deviance. Entry 0, at R's
    /// // starting means y + 0.1 rather than at any θ, is near the saturated model's 0.
    /// let h = fit.history();
    /// assert_eq!(h.len(), fit.iterations() + 1);
    /// assert_eq!(h[fit.iterations()], fit.deviance());
    /// assert!(h[1..].windows(2).all(|pair| pair[1] <= pair[0]));
    /// // Gradient ascent: the average log-likelihood.
    /// let lesson = FitOptions::default().method(Method::GradientAscent).step(0.02);
    /// let ga = glm::fit(&design, &s.y, Family::Poisson, &lesson)?;
    /// assert_relative_eq!(ga.history()[300] * 80.0, ga.log_likelihood(), max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn history(&self) -> &[f64] {
        &self.history
    }

    /// How the iterations ended.
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// use glm::Convergence;
    ///
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// // R's criterion on the last two deviances.
    /// let (h, k) = (fit.history(), fit.iterations());
    /// let change = (h[k] - h[k - 1]).abs() / (h[k].abs() + 0.1);
    /// assert!(matches!(
    ///     fit.convergence(),
    ///     Convergence::Converged { measure, tolerance, .. }
    ///         if (measure - change).abs() <= 1e-12 * change && measure < tolerance
    /// ));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn convergence(&self) -> Convergence {
        self.convergence
    }

    /// Iterations run (R's "Number of Fisher Scoring iterations" for IRLS).
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use glm::Method;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert_eq!(fit.iterations(), fit.convergence().iterations());
    /// assert!(fit.iterations() <= glm::IRLS_MAX_ITER);
    /// // Gradient ascent without a tolerance runs exactly the steps it is given.
    /// let lesson = FitOptions::default().method(Method::GradientAscent).step(0.02).max_iter(50);
    /// assert_eq!(glm::fit(&design, &s.y, Family::Poisson, &lesson)?.iterations(), 50);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn iterations(&self) -> usize {
        self.convergence.iterations()
    }

    /// IRLS step halvings over all iterations (0 for gradient ascent): how often a step left
    /// the domain of `η` or `μ` or raised the deviance and was shortened.
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use glm::{Link, Method};
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// // The canonical fit never needs to shorten a step.
    /// assert_eq!(fit.step_halvings(), 0);
    /// // Under the identity link a step was shortened here, keeping every μ > 0.
    /// let options = FitOptions::default().link(Link::Identity);
    /// let identity = glm::fit(&design, &s.y, Family::Poisson, &options)?;
    /// assert!(identity.step_halvings() > 0);
    /// assert!(identity.fitted_values().min() > 0.0);
    /// // Gradient ascent never halves.
    /// let lesson = FitOptions::default().method(Method::GradientAscent).step(0.02);
    /// assert_eq!(glm::fit(&design, &s.y, Family::Poisson, &lesson)?.step_halvings(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn step_halvings(&self) -> usize {
        self.step_halvings
    }

    /// Observations with positive weight.
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::DVector;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert_eq!(fit.observations(), 80);
    /// let every_other = DVector::from_fn(80, |i, _| if i % 2 == 0 { 1.0 } else { 0.0 });
    /// let options = FitOptions::default().weights(every_other);
    /// let half = glm::fit(&design, &s.y, Family::Poisson, &options)?;
    /// assert_eq!((half.observations(), half.df_residual()), (40, 38));
    /// // Rows with zero weight are still fitted.
    /// assert_eq!(half.fitted_values().len(), 80);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn observations(&self) -> usize {
        self.observations
    }

    /// The level of [`GlmFit::confidence_intervals`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// assert_eq!(fit.confidence_level(), 0.95);
    /// let options = FitOptions::default().confidence_level(0.9);
    /// let fit90 = glm::fit(&design, &s.y, Family::Poisson, &options)?;
    /// assert_eq!(fit90.confidence_level(), 0.9);
    /// assert_eq!(fit90.confidence_intervals(), fit90.confidence_intervals_at(0.9)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn confidence_level(&self) -> f64 {
        self.confidence_level
    }
}
