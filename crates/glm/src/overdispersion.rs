//! The over-dispersion check of a Poisson fit (the lesson's third exercise): variance against
//! mean, Pearson χ²/df, and Cameron and Trivedi's auxiliary-regression test.

use lsq::Design;
use nalgebra::{DMatrix, DVector};
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::error::{Error, Result};
use crate::family::Family;
use crate::glm_fit::GlmFit;
use crate::numeric::count_to_f64;

/// The result of [`overdispersion_test`]: the test's numbers beside two descriptive checks.
/// The test rejects equidispersion at level `a` when `p_value < a`. See
/// [`overdispersion_test`] for an example.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OverdispersionTest {
    /// The sample variance of `y` over its mean (about 1 for Poisson data without
    /// covariates). Covariates make the marginal variance larger than the mean even for
    /// Poisson data, which is why the test works with the fitted means instead.
    pub variance_to_mean: f64,
    /// Pearson χ²/df of the Poisson fit: about 1 under the Poisson model, larger under
    /// over-dispersion (it estimates the quasi-Poisson dispersion).
    pub pearson_dispersion: f64,
    /// The estimated NB2 over-dispersion `α` in `Var(y) = μ + αμ²` (for MASS's
    /// `negative.binomial(θ)`, `α = 1/θ`): the slope of `((y − μ̂)² − y)/μ̂` on `μ̂`.
    pub alpha: f64,
    /// Standard error of `alpha` from the auxiliary regression.
    pub alpha_std_error: f64,
    /// The t statistic `α̂/se(α̂)`.
    pub statistic: f64,
    /// Degrees of freedom of the t test: observations minus one.
    pub df: usize,
    /// One-sided p-value `P(T ≥ t)` against over-dispersion (`α > 0`).
    pub p_value: f64,
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
/// use glm::{Control, Data, Design, Family};
/// use glm::nalgebra::dvector;
///
/// // Negative-binomial counts with θ = 2 (Var = μ + μ²/2), fitted as Poisson.
/// let mut rng = sim::rng_from_seed(3);
/// let x = sim::intercept_gaussian(400, 1, &mut rng)?;
/// let kind = sim::ResponseKind::NegativeBinomial { theta: 2.0 };
/// let sample = sim::glm_response(x, &dvector![1.5, 0.4], f64::exp, kind, &mut rng)?;
/// let design = Design::new(sample.x.clone())?.with_intercept_column(0)?;
/// let fit = glm::fit(&Data::new(&design, &sample.y), Family::Poisson, &Control::default())?;
/// let test = glm::overdispersion_test(&fit)?;
/// assert!(test.p_value < 0.01);
/// assert!(test.pearson_dispersion > 2.0);
/// assert!((test.alpha - 0.5).abs() < 3.0 * test.alpha_std_error); // α = 1/θ
/// assert_eq!((test.statistic, test.df), (test.alpha / test.alpha_std_error, 399));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[expect(clippy::float_cmp, reason = "the test assumes prior weights of exactly 1")]
pub fn overdispersion_test(fit: &GlmFit) -> Result<OverdispersionTest> {
    let family = fit.model().family();
    if family != Family::Poisson {
        return Err(Error::Unsupported { what: "the over-dispersion test", family });
    }
    let w = fit.prior_weights();
    let kept: Vec<usize> = (0..w.len()).filter(|&i| w[i] > 0.0).collect();
    if kept.iter().any(|&i| w[i] != 1.0) {
        return Err(Error::Unsupported {
            what: "the over-dispersion test with prior weights other than 1",
            family,
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
