//! The over-dispersion check of a Poisson fit (the lesson's third exercise): variance against
//! mean, Pearson χ²/df, and Cameron and Trivedi's auxiliary-regression test.

use lsq::Design;
use nalgebra::{DMatrix, DVector};
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::error::{Error, Result};
use crate::family::Family;
use crate::glm_fit::GlmFit;
use crate::numeric::count_to_f64;

/// The result of [`overdispersion_test`].
///
/// # Examples
///
/// See [`overdispersion_test`].
///
/// ```
/// # use glm::{Family, FitOptions};
/// # use lsq::Design;
/// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
/// # let design = Design::new(s.x.clone())?;
/// # let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
/// // The lesson's counts are Poisson: no evidence of over-dispersion.
/// let test = glm::overdispersion_test(&fit)?;
/// assert!(!test.rejects_at(0.05));
/// assert!((test.pearson_dispersion() - 1.0).abs() < 0.5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct OverdispersionTest {
    variance_to_mean: f64,
    pearson_dispersion: f64,
    alpha: f64,
    alpha_std_error: f64,
    statistic: f64,
    df: usize,
    p_value: f64,
}

impl OverdispersionTest {
    /// The sample variance of `y` over its mean (about 1 for Poisson data without
    /// covariates). Covariates make the marginal variance larger than the mean even for
    /// Poisson data, which is why the test works with the fitted means instead.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// # let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// let test = glm::overdispersion_test(&fit)?;
    /// let mean = s.y.mean();
    /// let variance = s.y.map(|y| (y - mean).powi(2)).sum() / 79.0;
    /// assert_relative_eq!(test.variance_to_mean(), variance / mean, max_relative = 1e-12);
    /// // The covariate spreads the Poisson counts: well above 1, unlike Pearson χ²/df.
    /// assert!(test.variance_to_mean() > 2.0 * test.pearson_dispersion());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn variance_to_mean(&self) -> f64 {
        self.variance_to_mean
    }

    /// Pearson χ²/df of the Poisson fit: about 1 under the Poisson model, larger under
    /// over-dispersion (it estimates the quasi-Poisson dispersion).
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// # let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// let test = glm::overdispersion_test(&fit)?;
    /// assert_eq!(Some(test.pearson_dispersion()), fit.pearson_dispersion());
    /// assert!((test.pearson_dispersion() - 1.0).abs() < 0.5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn pearson_dispersion(&self) -> f64 {
        self.pearson_dispersion
    }

    /// The estimated NB2 over-dispersion `α` in `Var(y) = μ + αμ²` (for MASS's
    /// `negative.binomial(θ)`, `α = 1/θ`).
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
    /// # let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// # let test = glm::overdispersion_test(&fit)?;
    /// // The slope of ((y − μ̂)² − y)/μ̂ on μ̂, without intercept.
    /// let (y, mu) = (fit.response(), fit.fitted_values());
    /// let z = DVector::from_fn(80, |i, _| ((y[i] - mu[i]).powi(2) - y[i]) / mu[i]);
    /// assert_relative_eq!(test.alpha(), z.dot(mu) / mu.dot(mu), epsilon = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Standard error of [`OverdispersionTest::alpha`] from the auxiliary regression.
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
    /// # let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// # let test = glm::overdispersion_test(&fit)?;
    /// let (y, mu) = (fit.response(), fit.fitted_values());
    /// let z = DVector::from_fn(80, |i, _| ((y[i] - mu[i]).powi(2) - y[i]) / mu[i]);
    /// // The residual variance of the auxiliary regression, on n − 1 = 79 degrees of freedom.
    /// let residual_variance = (&z - mu * test.alpha()).norm_squared() / 79.0;
    /// let se = (residual_variance / mu.norm_squared()).sqrt();
    /// assert_relative_eq!(test.alpha_std_error(), se, max_relative = 1e-10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn alpha_std_error(&self) -> f64 {
        self.alpha_std_error
    }

    /// The t statistic `α̂/se(α̂)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// # let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// let test = glm::overdispersion_test(&fit)?;
    /// assert_relative_eq!(test.statistic(), test.alpha() / test.alpha_std_error());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn statistic(&self) -> f64 {
        self.statistic
    }

    /// Degrees of freedom of the t test: observations minus one.
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// # let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// let test = glm::overdispersion_test(&fit)?;
    /// assert_eq!(test.df(), fit.observations() - 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn df(&self) -> usize {
        self.df
    }

    /// One-sided p-value `P(T ≥ t)` against over-dispersion (`α > 0`).
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
    /// # let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// let test = glm::overdispersion_test(&fit)?;
    /// // One-sided: the upper tail of Student's t with `df` degrees of freedom.
    /// let t = StudentsT::new(0.0, 1.0, 79.0)?;
    /// assert_relative_eq!(test.p_value(), t.sf(test.statistic()), max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn p_value(&self) -> f64 {
        self.p_value
    }

    /// Whether the test rejects equidispersion at `level` (p-value below it).
    ///
    /// # Examples
    ///
    /// ```
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
    /// # let design = Design::new(s.x.clone())?;
    /// # let fit = glm::fit(&design, &s.y, Family::Poisson, &FitOptions::default())?;
    /// let test = glm::overdispersion_test(&fit)?;
    /// for level in [0.01, 0.05, 0.1, 0.5, 0.99] {
    ///     assert_eq!(test.rejects_at(level), test.p_value() < level);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn rejects_at(&self, level: f64) -> bool {
        self.p_value < level
    }
}

/// Tests a Poisson fit for over-dispersion of the negative-binomial (NB2) kind,
/// `Var(y) = μ + αμ²` with `H₀: α = 0` against `H₁: α > 0`.
///
/// # Algorithm
/// Cameron & Trivedi's auxiliary regression (*Regression Analysis of Count Data*, 2nd ed.,
/// 2013, §3.4): regress `((y − μ̂)² − y)/μ̂` on `μ̂` without intercept by least squares
/// (`lsq`'s QR); the slope estimates `α` and its t statistic, with `n − 1` degrees of freedom,
/// gives a one-sided p-value. Also reports the variance-to-mean ratio of `y` and the fit's
/// Pearson χ²/df.
///
/// # Cost
/// `O(n)`.
///
/// # Accuracy
/// The regression has one column, so rounding is negligible; the test is asymptotic (valid
/// for many observations with moderate means).
///
/// # Errors
/// [`Error::Unsupported`] for a family other than Poisson or a fit with prior weights other
/// than 1; [`Error::NoResidualDegreesOfFreedom`] for a saturated fit; [`Error::LeastSquares`]
/// when the auxiliary regression cannot be solved.
///
/// # Examples
///
/// ```
/// use glm::{Family, FitOptions};
/// use lsq::Design;
/// use nalgebra::DMatrix;
///
/// // Negative-binomial counts with θ = 2 (Var = μ + μ²/2), fitted as Poisson.
/// let mut rng = sim::rng_from_seed(3);
/// let x = sim::intercept_gaussian(400, 1, &mut rng)?;
/// let theta = nalgebra::dvector![1.5, 0.4];
/// let sample = sim::glm_response(x, &theta, f64::exp, sim::ResponseKind::NegativeBinomial { theta: 2.0 }, &mut rng)?;
/// let fit = glm::fit(&Design::new(sample.x.clone())?, &sample.y, Family::Poisson, &FitOptions::default())?;
/// let test = glm::overdispersion_test(&fit)?;
/// assert!(test.rejects_at(0.01));
/// assert!(test.pearson_dispersion() > 2.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[expect(clippy::float_cmp, reason = "the test assumes prior weights of exactly 1")]
pub fn overdispersion_test(fit: &GlmFit) -> Result<OverdispersionTest> {
    if fit.family() != Family::Poisson {
        return Err(Error::Unsupported { what: "the over-dispersion test", family: fit.family() });
    }
    let kept: Vec<usize> = (0..fit.weights().len()).filter(|&i| fit.weights()[i] > 0.0).collect();
    if kept.iter().any(|&i| fit.prior_weights()[i] != 1.0) {
        return Err(Error::Unsupported {
            what: "the over-dispersion test with prior weights other than 1",
            family: fit.family(),
        });
    }
    let (y, mu) = (fit.response(), fit.fitted_values());
    let n = kept.len();
    if fit.df_residual() == 0 {
        return Err(Error::NoResidualDegreesOfFreedom { observations: n, rank: fit.rank() });
    }
    let mu_column = DMatrix::from_fn(n, 1, |r, _| mu[kept[r]]);
    let z = DVector::from_fn(n, |r, _| {
        let i = kept[r];
        ((y[i] - mu[i]).powi(2) - y[i]) / mu[i]
    });
    let aux = lsq::fit(&Design::new(mu_column)?, &z, &lsq::FitOptions::default())?;
    let alpha = aux.coefficients()[0];
    let alpha_std_error = aux.std_errors()[0];
    let statistic = alpha / alpha_std_error;
    let df = aux.df_residual();
    let p_value = StudentsT::new(0.0, 1.0, count_to_f64(df)).map_or(f64::NAN, |t| t.sf(statistic));
    let count = count_to_f64(n);
    let mean = kept.iter().map(|&i| y[i]).sum::<f64>() / count;
    let variance = kept.iter().map(|&i| (y[i] - mean).powi(2)).sum::<f64>() / (count - 1.0);
    let pearson_dispersion = fit.pearson_chi2() / count_to_f64(fit.df_residual());
    Ok(OverdispersionTest {
        variance_to_mean: variance / mean,
        pearson_dispersion,
        alpha,
        alpha_std_error,
        statistic,
        df,
        p_value,
    })
}
