//! [`Family`]: the random component of a GLM (variance function, unit deviance,
//! log-likelihood, domains, starting values) and [`Domain`], the sets those live in.

use statrs::function::gamma::ln_gamma;

use crate::link::Link;
use crate::numeric::{half_poisson_deviance, ln_binomial, t_minus_log1p, x_ln};

/// A subset of the real line: where a response, a mean or a linear predictor may lie.
/// Every domain contains finite numbers only.
///
/// # Examples
///
/// ```
/// use glm::Domain;
///
/// assert!(Domain::OpenUnit.contains(0.5));
/// assert!(!Domain::OpenUnit.contains(1.0));
/// assert!(!Domain::Real.contains(f64::NAN));
/// assert_eq!(Domain::NonNegative.to_string(), "≥ 0");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Domain {
    /// Every finite number.
    Real,
    /// `x > 0`.
    Positive,
    /// `x ≥ 0`.
    NonNegative,
    /// `x ≠ 0`.
    NonZero,
    /// `0 < x < 1`.
    OpenUnit,
    /// `0 ≤ x ≤ 1`.
    ClosedUnit,
    /// `x ∈ {0, 1}`.
    Binary,
}

impl Domain {
    /// Whether `x` is finite and lies in the domain.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::{Domain, Family};
    ///
    /// assert!(Domain::Positive.contains(1e-300));
    /// assert!(!Domain::Positive.contains(0.0));
    /// assert!(!Domain::Positive.contains(f64::INFINITY));
    /// assert!(Domain::Binary.contains(1.0) && !Domain::Binary.contains(0.5));
    /// // Responses are checked against their family's domain this way.
    /// assert!(!Family::Poisson.response_domain().contains(-1.0));
    /// ```
    #[must_use]
    #[expect(clippy::float_cmp, reason = "a binary response is exactly 0 or 1")]
    pub fn contains(self, x: f64) -> bool {
        x.is_finite()
            && match self {
                Domain::Real => true,
                Domain::Positive => x > 0.0,
                Domain::NonNegative => x >= 0.0,
                Domain::NonZero => x != 0.0,
                Domain::OpenUnit => x > 0.0 && x < 1.0,
                Domain::ClosedUnit => (0.0..=1.0).contains(&x),
                Domain::Binary => x == 0.0 || x == 1.0,
            }
    }
}

impl std::fmt::Display for Domain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Domain::Real => "finite",
            Domain::Positive => "> 0",
            Domain::NonNegative => "≥ 0",
            Domain::NonZero => "≠ 0",
            Domain::OpenUnit => "in (0, 1)",
            Domain::ClosedUnit => "in [0, 1]",
            Domain::Binary => "{0, 1}",
        })
    }
}

/// Added to a Poisson response for its starting mean, `μ₀ = y + 0.1` (R's `mustart`), so that
/// `ln μ₀` is finite for `y = 0`.
///
/// # Examples
///
/// ```
/// use glm::{Family, Link, POISSON_START_SHIFT};
///
/// let mu0 = Family::Poisson.starting_mean(0.0, 1.0);
/// assert_eq!(mu0, POISSON_START_SHIFT);
/// // A zero count still gives a finite first linear predictor ln μ₀.
/// assert!(Link::Log.link(mu0).is_finite());
/// assert!(Link::Log.link(0.0).is_infinite());
/// ```
pub const POISSON_START_SHIFT: f64 = 0.1;

/// Added to a zero negative-binomial response for its starting mean, `μ₀ = y + (y = 0)/6`
/// (MASS's `negative.binomial()$initialize`).
///
/// # Examples
///
/// ```
/// use glm::{Family, NEGATIVE_BINOMIAL_START_SHIFT};
///
/// let nb = Family::NegativeBinomial { theta: 2.0 };
/// assert_eq!(nb.starting_mean(0.0, 1.0), NEGATIVE_BINOMIAL_START_SHIFT);
/// // Positive counts start at themselves.
/// assert_eq!(nb.starting_mean(3.0, 1.0), 3.0);
/// ```
pub const NEGATIVE_BINOMIAL_START_SHIFT: f64 = 1.0 / 6.0;

/// The distribution of the response: an exponential-dispersion family with
/// `Var(y) = φ·V(μ)/w` for prior weight `w`.
///
/// | family | `V(μ)` | dispersion `φ` | response | default link |
/// | --- | --- | --- | --- | --- |
/// | `Gaussian` | 1 | estimated | finite | identity |
/// | `Poisson` | μ | 1 | `y ≥ 0` | log |
/// | `Bernoulli` | μ(1 − μ) | 1 | `y ∈ {0, 1}` | logit |
/// | `Binomial` | μ(1 − μ) | 1 | proportion `y ∈ [0, 1]`, or successes with [`crate::FitOptions::trials`] | logit |
/// | `Gamma` | μ² | estimated | `y > 0` | inverse |
/// | `InverseGaussian` | μ³ | estimated | `y > 0` | 1/μ² |
/// | `NegativeBinomial { theta }` | μ + μ²/θ | 1 | `y ≥ 0` | log |
///
/// The default link is the canonical one except for the negative binomial, whose canonical
/// link `ln(μ/(μ + θ))` depends on θ; there, as in MASS, it is the log link.
/// Any [`Link`] can be used with any family.
///
/// # Examples
///
/// ```
/// use glm::{Family, Link};
///
/// assert_eq!(Family::Gamma.default_link(), Link::Inverse);
/// assert_eq!(Family::Poisson.variance(3.0), 3.0);
/// assert_eq!(Family::NegativeBinomial { theta: 2.0 }.variance(2.0), 4.0);
/// assert_eq!(Family::Poisson.unit_deviance(2.0, 2.0), 0.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Family {
    /// Normal errors with constant variance.
    Gaussian,
    /// Counts with variance equal to the mean.
    Poisson,
    /// Binary responses coded 0 and 1 (a binomial with one trial).
    Bernoulli,
    /// Binomial proportions, with trials given by [`crate::FitOptions::trials`] (default one
    /// per observation); see [`crate::successes_failures`] for R's `cbind(successes, failures)`.
    Binomial,
    /// Positive continuous responses with constant coefficient of variation.
    Gamma,
    /// Positive continuous responses with variance `φμ³`.
    InverseGaussian,
    /// Counts with variance `μ + μ²/θ` for a fixed, known size `θ > 0` (MASS's
    /// `negative.binomial(theta)`; NB2 with `α = 1/θ`).
    NegativeBinomial {
        /// The size (shape) parameter θ > 0.
        theta: f64,
    },
}

impl Family {
    /// R's name of the family (`binomial` for [`Family::Bernoulli`] too, `Gamma` capitalised,
    /// `Negative Binomial(θ)` as MASS prints it).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(glm::Family::InverseGaussian.to_string(), "inverse.gaussian");
    /// assert_eq!(glm::Family::NegativeBinomial { theta: 2.5 }.to_string(), "Negative Binomial(2.5)");
    /// ```
    #[must_use]
    pub fn name(self) -> String {
        match self {
            Family::Gaussian => "gaussian".to_owned(),
            Family::Poisson => "poisson".to_owned(),
            Family::Bernoulli | Family::Binomial => "binomial".to_owned(),
            Family::Gamma => "Gamma".to_owned(),
            Family::InverseGaussian => "inverse.gaussian".to_owned(),
            Family::NegativeBinomial { theta } => format!("Negative Binomial({theta})"),
        }
    }

    /// The link used when none is given: the canonical link, except log for the negative
    /// binomial.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::{Family, FitOptions, Link};
    /// use lsq::Design;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// assert_eq!(Family::Bernoulli.default_link(), Link::Logit);
    /// assert_eq!(Family::NegativeBinomial { theta: 2.0 }.default_link(), Link::Log);
    /// // A fit without a link uses it.
    /// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
    /// let y = dvector![1.0, 2.0, 2.5, 4.0];
    /// let fit = glm::fit(&design, &y, Family::Gamma, &FitOptions::default())?;
    /// assert_eq!(fit.link(), Link::Inverse);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub const fn default_link(self) -> Link {
        match self {
            Family::Gaussian => Link::Identity,
            Family::Poisson | Family::NegativeBinomial { .. } => Link::Log,
            Family::Bernoulli | Family::Binomial => Link::Logit,
            Family::Gamma => Link::Inverse,
            Family::InverseGaussian => Link::InverseSquared,
        }
    }

    /// The canonical link `g = (b′)⁻¹`, for which `Xᵀ(y − μ) = 0` at the optimum and the
    /// observed and expected information coincide; `None` for the negative binomial, whose
    /// canonical link is not one of the [`Link`]s.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::{Family, Link};
    ///
    /// assert_eq!(Family::Poisson.canonical_link(), Some(Link::Log));
    /// assert_eq!(Family::NegativeBinomial { theta: 1.0 }.canonical_link(), None);
    /// ```
    #[must_use]
    pub const fn canonical_link(self) -> Option<Link> {
        match self {
            Family::NegativeBinomial { .. } => None,
            _ => Some(self.default_link()),
        }
    }

    /// Whether the dispersion `φ` is estimated (Gaussian, Gamma, inverse Gaussian: Pearson
    /// χ²/df, t tests) or fixed at 1 (the others: z tests), R's rule in `summary.glm`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use approx::assert_relative_eq;
    /// # use glm::{Family, FitOptions};
    /// # use lsq::Design;
    /// # use nalgebra::{dmatrix, dvector};
    /// # let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
    /// # let y = dvector![1.0, 2.0, 4.0, 7.0];
    /// assert!(Family::Gamma.estimates_dispersion());
    /// assert!(!Family::Poisson.estimates_dispersion());
    /// // A fixed dispersion is 1; an estimated one is Pearson χ²/df.
    /// let poisson = glm::fit(&design, &y, Family::Poisson, &FitOptions::default())?;
    /// assert_eq!(poisson.dispersion(), 1.0);
    /// let gaussian = glm::fit(&design, &y, Family::Gaussian, &FitOptions::default())?;
    /// assert_relative_eq!(gaussian.dispersion(), gaussian.pearson_chi2() / 2.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub const fn estimates_dispersion(self) -> bool {
        matches!(self, Family::Gaussian | Family::Gamma | Family::InverseGaussian)
    }

    /// The variance function `V(μ)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::Family;
    ///
    /// assert_eq!(Family::Gaussian.variance(5.0), 1.0);
    /// assert_eq!(Family::Bernoulli.variance(0.5), 0.25);
    /// assert_eq!(Family::Gamma.variance(3.0), 9.0);
    /// assert_eq!(Family::InverseGaussian.variance(2.0), 8.0);
    /// // The negative binomial tends to the Poisson as θ grows.
    /// assert!((Family::NegativeBinomial { theta: 1e12 }.variance(3.0) - 3.0).abs() < 1e-10);
    /// ```
    #[must_use]
    pub fn variance(self, mu: f64) -> f64 {
        match self {
            Family::Gaussian => 1.0,
            Family::Poisson => mu,
            Family::Bernoulli | Family::Binomial => mu * (1.0 - mu),
            Family::Gamma => mu * mu,
            Family::InverseGaussian => mu * mu * mu,
            Family::NegativeBinomial { theta } => mu + mu * mu / theta,
        }
    }

    /// The unit deviance `d(y, μ) = 2·[ℓ(y; y) − ℓ(y; μ)]·φ` of one observation with unit
    /// weight (for the binomial, `y` is the proportion of one trial).
    ///
    /// `(y − μ)²` (Gaussian), `2[y ln(y/μ) − (y − μ)]` (Poisson),
    /// `2[y ln(y/μ) + (1 − y) ln((1 − y)/(1 − μ))]` (binomial), `−2[ln(y/μ) − (y − μ)/μ]`
    /// (Gamma), `(y − μ)²/(yμ²)` (inverse Gaussian),
    /// `2[y ln(y/μ) − (y + θ) ln((y + θ)/(μ + θ))]` (negative binomial), with `0·ln 0 = 0`.
    ///
    /// # Algorithm
    /// The logarithmic terms are evaluated as `y·h(μ/y − 1)` with `h(t) = t − ln(1 + t)`,
    /// summed by its Taylor series for `|t| < 1/4`; the negative binomial's as `(y + θ)` times
    /// the binomial deviance of `y/(y + θ)` against `μ/(μ + θ)` (the same quantity as MASS's
    /// formula for integer `y`).
    ///
    /// # Cost
    /// O(1); up to about 25 series terms.
    ///
    /// # Accuracy
    /// A few ulps relative, with no cancellation when `y ≈ μ`: the result is non-negative and
    /// exactly 0 when `y = μ`.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::Family;
    ///
    /// let d = Family::Poisson.unit_deviance(4.0, 2.0);
    /// assert!((d - 2.0 * (4.0 * 2.0_f64.ln() - 2.0)).abs() < 1e-15);
    /// assert_eq!(Family::Bernoulli.unit_deviance(1.0, 0.5), 2.0 * 2.0_f64.ln());
    /// ```
    #[must_use]
    pub fn unit_deviance(self, y: f64, mu: f64) -> f64 {
        match self {
            Family::Gaussian => (y - mu) * (y - mu),
            Family::Poisson => 2.0 * half_poisson_deviance(y, mu),
            Family::Bernoulli | Family::Binomial => 2.0 * half_binomial_deviance(y, mu),
            Family::Gamma => 2.0 * t_minus_log1p(y / mu - 1.0),
            Family::InverseGaussian => (y - mu) * (y - mu) / (y * mu * mu),
            Family::NegativeBinomial { theta } => {
                2.0 * (y + theta) * half_binomial_deviance(y / (y + theta), mu / (mu + theta))
            }
        }
    }

    /// Where the response must lie ([`Family::Binomial`]'s proportions; with trials the
    /// successes must lie in `[0, trials]`).
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::{Domain, Error, Family, FitOptions};
    /// use lsq::Design;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// assert_eq!(Family::Bernoulli.response_domain(), Domain::Binary);
    /// assert_eq!(Family::Binomial.response_domain(), Domain::ClosedUnit);
    /// // Proportions are fine for the binomial but not for the Bernoulli.
    /// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0])?;
    /// let y = dvector![0.2, 0.5, 0.9];
    /// assert!(glm::fit(&design, &y, Family::Binomial, &FitOptions::default()).is_ok());
    /// let err = glm::fit(&design, &y, Family::Bernoulli, &FitOptions::default()).unwrap_err();
    /// assert!(matches!(err, Error::OutOfDomain { index: 0, domain: Domain::Binary, .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub const fn response_domain(self) -> Domain {
        match self {
            Family::Gaussian => Domain::Real,
            Family::Poisson | Family::NegativeBinomial { .. } => Domain::NonNegative,
            Family::Bernoulli => Domain::Binary,
            Family::Binomial => Domain::ClosedUnit,
            Family::Gamma | Family::InverseGaussian => Domain::Positive,
        }
    }

    /// Where a fitted mean must lie (R's `validmu`): `0 < μ < 1` for the binomial, `μ > 0` for
    /// the other non-Gaussian families, any finite `μ` for the Gaussian.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::{Domain, Family, FitOptions};
    /// use lsq::Design;
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// assert_eq!(Family::Binomial.mean_domain(), Domain::OpenUnit);
    /// assert!(Family::Gaussian.mean_domain().contains(-3.0));
    /// // Every fitted mean lies in it.
    /// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0])?;
    /// let y = dvector![0.2, 0.5, 0.9];
    /// let fit = glm::fit(&design, &y, Family::Binomial, &FitOptions::default())?;
    /// assert!(fit.fitted_values().iter().all(|&mu| Family::Binomial.mean_domain().contains(mu)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub const fn mean_domain(self) -> Domain {
        match self {
            Family::Gaussian => Domain::Real,
            Family::Bernoulli | Family::Binomial => Domain::OpenUnit,
            Family::Poisson
            | Family::Gamma
            | Family::InverseGaussian
            | Family::NegativeBinomial { .. } => Domain::Positive,
        }
    }

    /// R's starting mean `μ₀` for IRLS (`mustart`), for response `y` with total weight `w`
    /// (prior weight times trials): `y` (Gaussian, Gamma, inverse Gaussian),
    /// `y + 0.1` (Poisson), `(w·y + 0.5)/(w + 1)` (binomial), `y + (y = 0)/6` (negative
    /// binomial).
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::Family;
    ///
    /// assert_eq!(Family::Bernoulli.starting_mean(1.0, 1.0), 0.75);
    /// assert_eq!(Family::Poisson.starting_mean(0.0, 1.0), 0.1);
    /// ```
    #[must_use]
    pub fn starting_mean(self, y: f64, w: f64) -> f64 {
        match self {
            Family::Gaussian | Family::Gamma | Family::InverseGaussian => y,
            Family::Poisson => y + POISSON_START_SHIFT,
            Family::Bernoulli | Family::Binomial => (w * y + 0.5) / (w + 1.0),
            Family::NegativeBinomial { .. } => {
                if y == 0.0 {
                    NEGATIVE_BINOMIAL_START_SHIFT
                } else {
                    y
                }
            }
        }
    }

    /// The log-density of one observation with unit weight (one trial for the binomial) at
    /// mean `μ` and dispersion `φ` (ignored by the families whose dispersion is fixed),
    /// including every constant R includes: `−ln y!` for the Poisson, the log binomial
    /// coefficient, `−lnΓ(θ) − ln y!` and friends for the negative binomial, the normal,
    /// gamma and inverse-Gaussian normalising constants. Non-integer counts use `lnΓ` in place
    /// of the factorials (R's `dpois` and `dbinom` return −∞ with a warning there).
    ///
    /// # Accuracy
    /// `lnΓ` is `statrs`'s (about 1e-15 relative); the rest are direct formulas.
    ///
    /// # Examples
    ///
    /// ```
    /// use glm::Family;
    ///
    /// // Poisson(2) at y = 3: 3 ln 2 − 2 − ln 6.
    /// let l = Family::Poisson.log_density(3.0, 2.0, 1.0);
    /// assert!((l - (3.0 * 2.0_f64.ln() - 2.0 - 6.0_f64.ln())).abs() < 1e-14);
    /// ```
    #[must_use]
    pub fn log_density(self, y: f64, mu: f64, dispersion: f64) -> f64 {
        self.log_likelihood_term(y, mu, 1.0, 1.0, dispersion)
    }

    /// One observation's contribution to R's log-likelihood, for prior weight `w`, `n` trials
    /// (binomial; 1 otherwise) and dispersion `φ`. The Gaussian reads `w` as a precision
    /// (`Var = φ/w`), the other families as a frequency (`w·ln f`), as R's `family$aic` do.
    pub(crate) fn log_likelihood_term(
        self,
        y: f64,
        mu: f64,
        w: f64,
        n: f64,
        dispersion: f64,
    ) -> f64 {
        use std::f64::consts::PI;
        match self {
            Family::Gaussian => {
                0.5 * (w.ln() - (2.0 * PI * dispersion).ln() - w * (y - mu) * (y - mu) / dispersion)
            }
            Family::Poisson => w * (x_ln(y, mu) - mu - ln_gamma(y + 1.0)),
            Family::Bernoulli | Family::Binomial => {
                let successes = n * y;
                w * (ln_binomial(n, successes)
                    + x_ln(successes, mu)
                    + x_ln(n - successes, 1.0 - mu))
            }
            Family::Gamma => {
                // dgamma(y; shape = 1/φ, scale = μφ).
                let shape = 1.0 / dispersion;
                let scale = mu * dispersion;
                w * (-ln_gamma(shape) - shape * scale.ln() + (shape - 1.0) * y.ln() - y / scale)
            }
            Family::InverseGaussian => {
                w * (-0.5 * (2.0 * PI * dispersion * y * y * y).ln()
                    - (y - mu) * (y - mu) / (2.0 * dispersion * mu * mu * y))
            }
            Family::NegativeBinomial { theta } => {
                w * (ln_gamma(theta + y) - ln_gamma(theta) - ln_gamma(y + 1.0)
                    + theta * theta.ln()
                    + x_ln(y, mu)
                    - (theta + y) * (theta + mu).ln())
            }
        }
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

/// Half the binomial unit deviance, `y·ln(y/μ) + (1 − y)·ln((1 − y)/(1 − μ)) ≥ 0`, as the sum
/// of two non-negative Poisson-type terms (their linear parts cancel exactly).
fn half_binomial_deviance(y: f64, mu: f64) -> f64 {
    half_poisson_deviance(y, mu) + half_poisson_deviance(1.0 - y, 1.0 - mu)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(family: Family, y: f64, mu: f64, deviance: f64, log_density: f64) {
        let d = family.unit_deviance(y, mu);
        assert!((d - deviance).abs() <= 1e-14 * deviance.abs().max(1.0), "{family}: d = {d}");
        let l = family.log_density(y, mu, 0.5);
        assert!((l - log_density).abs() <= 1e-13 * log_density.abs().max(1.0), "{family}: ℓ = {l}");
    }

    #[test]
    fn deviances_and_densities_match_r() {
        // Values from R 4.x: e.g. dpois(3, 2, log = TRUE), poisson()$dev.resids(3, 2, 1),
        // dgamma(1.5, shape = 2, scale = 1, log = TRUE) (φ = 0.5, μ = 2), and
        // dnbinom(3, size = 2, mu = 2, log = TRUE), recomputed here from their formulas.
        let ln = f64::ln;
        check(
            Family::Poisson,
            3.0,
            2.0,
            2.0 * (3.0 * ln(1.5) - 1.0),
            3.0 * ln(2.0) - 2.0 - ln(6.0),
        );
        check(Family::Bernoulli, 0.0, 0.25, -2.0 * ln(0.75), ln(0.75));
        check(Family::Gaussian, 1.0, 0.5, 0.25, -0.5 * ln(2.0 * std::f64::consts::PI * 0.5) - 0.25);
        check(
            Family::Gamma,
            1.5,
            2.0,
            -2.0 * (ln(0.75) + 0.25),
            -statrs::function::gamma::ln_gamma(2.0) - 2.0 * ln(1.0) + ln(1.5) - 1.5,
        );
        let nb = Family::NegativeBinomial { theta: 2.0 };
        let nb_log =
            statrs::function::gamma::ln_gamma(5.0) - ln(6.0) + 2.0 * ln(2.0) + 3.0 * ln(2.0)
                - 5.0 * ln(4.0);
        check(nb, 3.0, 2.0, 2.0 * (3.0 * ln(1.5) - 5.0 * ln(5.0 / 4.0)), nb_log);
        let ig = -0.5 * ln(2.0 * std::f64::consts::PI * 0.5 * 8.0) - 1.0 / (2.0 * 0.5 * 9.0 * 2.0);
        check(Family::InverseGaussian, 2.0, 3.0, 1.0 / 18.0, ig);
    }

    #[test]
    fn starting_means_are_in_the_mean_domain() {
        for family in [Family::Poisson, Family::Bernoulli, Family::NegativeBinomial { theta: 1.0 }]
        {
            assert!(family.mean_domain().contains(family.starting_mean(0.0, 1.0)), "{family}");
        }
        let nb = Family::NegativeBinomial { theta: 1.0 }.starting_mean(0.0, 1.0);
        assert_eq!(nb.to_bits(), (1.0_f64 / 6.0).to_bits());
        assert_eq!(Family::Binomial.starting_mean(0.5, 4.0).to_bits(), 0.5_f64.to_bits());
    }
}
