//! [`fit_negative_binomial`]: the negative binomial GLM with θ estimated by maximum likelihood
//! (MASS's `glm.nb`), its result [`NegativeBinomialFit`] and the likelihood-ratio test against
//! the Poisson, [`PoissonComparison`].

use std::fmt;

use lsq::format::{p_value, significant};
use nalgebra::DVector;

use crate::control::{Control, IRLS_TOLERANCE};
use crate::data::Data;
use crate::error::{Error, Result};
use crate::family::Family;
use crate::glm_fit::GlmFit;
use crate::link::Link;
use crate::method::Method;
use crate::normal::cdf_both;
use crate::numeric::count_to_f64;
use crate::poisson_answer::PoissonAnswer;
use crate::summary::write_summary;
use crate::theta::{Counts, ThetaSearch, moment_theta, score_information, theta_ml};

/// The alternation stops when θ changes by less than this, relatively, between two
/// iterations (and the coefficients by less than the IRLS tolerance against their size plus
/// standard error). The alternation converges linearly at a rate that the orthogonality of θ
/// and β in the expected information keeps small, so θ is then right to about 10 digits.
pub const THETA_TOLERANCE: f64 = 1e-10;

/// Iterations of the alternation allowed under gradient ascent, whose
/// [`crate::Control::max_iter`] counts steps; under IRLS the limit is `max_iter` itself (by
/// default [`crate::IRLS_MAX_ITER`], 25), as `glm.nb` uses `control$maxit` for both loops.
pub const THETA_MAX_ITER: usize = 25;

/// A negative binomial GLM with θ estimated, [`fit_negative_binomial`]'s result: the GLM at
/// θ̂ (coefficients, standard errors with θ treated as known, deviances, residuals, as
/// `summary(glm.nb)`), θ̂ with its standard error, the full NB2 log-likelihood and AIC counting
/// θ, the Poisson fit it started from, and the likelihood-ratio test against it. Its `Display`
/// is laid out like R's `summary(glm.nb)`.
///
/// # Examples
///
/// ```
/// use glm::{Control, Data, Design, Link};
///
/// // Counts with ln μ = 1 + 0.5·t and Var(y) = μ + μ²/2 (θ = 2) on the lesson's 80 points.
/// let x = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(1))?.x;
/// let beta = glm::nalgebra::dvector![1.0, 0.5];
/// let kind = sim::ResponseKind::NegativeBinomial { theta: 2.0 };
/// let sample = sim::glm_response(x, &beta, f64::exp, kind, &mut sim::rng_from_seed(7))?;
/// let design = Design::new(sample.x.clone())?.with_intercept_column(0)?;
/// let nb = glm::fit_negative_binomial(&Data::new(&design, &sample.y), Link::Log, &Control::default())?;
/// assert!(nb.theta() > 0.0 && nb.theta_std_error() > 0.0);
/// // AIC counts θ as a parameter, as glm.nb's does.
/// let k = nb.glm().rank() as f64 + 1.0;
/// assert_eq!(nb.aic(), -2.0 * nb.log_likelihood() + 2.0 * k);
/// // The likelihood-ratio test against the Poisson rejects it.
/// let lr = nb.poisson_comparison();
/// assert!(lr.statistic > 0.0 && lr.p_value < 1e-3);
/// println!("{nb}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "StoredNegativeBinomialFit"))]
pub struct NegativeBinomialFit {
    fit: GlmFit,
    poisson: GlmFit,
    theta: f64,
    theta_std_error: f64,
    log_likelihood: f64,
    poisson_log_likelihood: f64,
    theta_history: Vec<f64>,
    iterations: usize,
}

/// The likelihood-ratio test of the negative binomial against the Poisson
/// ([`NegativeBinomialFit::poisson_comparison`]), `H₀: 1/θ = 0`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PoissonComparison {
    /// `2(ℓ_NB − ℓ_P)`, at least 0 up to rounding.
    pub statistic: f64,
    /// Degrees of freedom: 1 (θ).
    pub df: usize,
    /// `P(χ²₁ > statistic)/2`: under `H₀` the parameter `1/θ = 0` lies on the boundary of its
    /// range, so the statistic is distributed as `½χ²₀ + ½χ²₁` and the χ²₁ tail is halved.
    pub p_value: f64,
}

/// A [`NegativeBinomialFit`] as stored; its two fits are each checked as they are read.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct StoredNegativeBinomialFit {
    fit: GlmFit,
    poisson: GlmFit,
    theta: f64,
    theta_std_error: f64,
    log_likelihood: f64,
    poisson_log_likelihood: f64,
    theta_history: Vec<f64>,
    iterations: usize,
}

#[cfg(feature = "serde")]
impl TryFrom<StoredNegativeBinomialFit> for NegativeBinomialFit {
    type Error = String;

    /// Accepts a stored fit whose parts belong together: θ finite and positive, the last entry
    /// of its history (after the moment estimate, the first search and one entry an
    /// iteration), and the family of the GLM; a Poisson fit with the same link, coefficients
    /// and rows.
    fn try_from(s: StoredNegativeBinomialFit) -> std::result::Result<Self, String> {
        let theta = s.theta;
        if !(theta.is_finite() && theta > 0.0) {
            return Err(format!("a stored negative binomial fit has theta {theta}"));
        }
        if s.theta_history.last().map(|t| t.to_bits()) != Some(theta.to_bits())
            || s.theta_history.len() != s.iterations + 2
        {
            return Err(format!(
                "a stored negative binomial fit of {} iterations has a theta history of {} \
                 entries that does not end at theta {theta}",
                s.iterations,
                s.theta_history.len()
            ));
        }
        let (nb, poisson) = (s.fit.model(), s.poisson.model());
        if !matches!(nb.family(), Family::NegativeBinomial { theta: t } if t.to_bits() == theta.to_bits())
            || poisson.family() != Family::Poisson
            || nb.link() != poisson.link()
        {
            return Err(format!(
                "a stored negative binomial fit of theta {theta} holds a {} fit and a {} fit",
                nb.family(),
                poisson.family()
            ));
        }
        let shape = |f: &GlmFit| (f.coefficients().len(), f.response().len());
        if shape(&s.fit) != shape(&s.poisson) {
            return Err(format!(
                "a stored negative binomial fit of {:?} (coefficients, rows) holds a Poisson fit of {:?}",
                shape(&s.fit),
                shape(&s.poisson)
            ));
        }
        Ok(Self {
            fit: s.fit,
            poisson: s.poisson,
            theta,
            theta_std_error: s.theta_std_error,
            log_likelihood: s.log_likelihood,
            poisson_log_likelihood: s.poisson_log_likelihood,
            theta_history: s.theta_history,
            iterations: s.iterations,
        })
    }
}

impl NegativeBinomialFit {
    /// The estimate θ̂ (MASS's `theta`; `α = 1/θ̂` in NB2 notation).
    #[must_use]
    pub fn theta(&self) -> f64 {
        self.theta
    }

    /// θ̂'s standard error `1/√I(θ̂)`, from the observed information in θ at the fitted means
    /// (MASS's `SE.theta`, computed at θ̂ itself rather than at the previous Newton iterate).
    #[must_use]
    pub fn theta_std_error(&self) -> f64 {
        self.theta_std_error
    }

    /// The GLM at θ̂ ([`Family::NegativeBinomial`] with `theta` = θ̂): coefficients, standard
    /// errors from the expected information with θ treated as known, z tests, deviances,
    /// residuals and predictions, as R's `summary(glm.nb)` reports them. Its own AIC counts
    /// only the coefficients; [`NegativeBinomialFit::aic`] counts θ too.
    #[must_use]
    pub fn glm(&self) -> &GlmFit {
        &self.fit
    }

    /// The Poisson fit with the same link and data that the estimation started from.
    #[must_use]
    pub fn poisson(&self) -> &GlmFit {
        &self.poisson
    }

    /// The full NB2 log-likelihood at `(β̂, θ̂)`, every constant included (half of MASS's
    /// `twologlik`).
    #[must_use]
    pub fn log_likelihood(&self) -> f64 {
        self.log_likelihood
    }

    /// Akaike's criterion `−2ℓ + 2(rank + 1)`, counting θ (glm.nb's `aic`).
    #[must_use]
    pub fn aic(&self) -> f64 {
        -2.0 * self.log_likelihood + 2.0 * self.parameters()
    }

    /// Schwarz's criterion `−2ℓ + ln(n)·(rank + 1)`, `n` the observations with positive weight.
    #[must_use]
    pub fn bic(&self) -> f64 {
        -2.0 * self.log_likelihood + count_to_f64(self.fit.observations()).ln() * self.parameters()
    }

    fn parameters(&self) -> f64 {
        count_to_f64(self.fit.rank() + 1)
    }

    /// The likelihood-ratio test against the Poisson fit ([`PoissonComparison`]).
    ///
    /// # Accuracy
    /// The χ²₁ tail is `2·Φ(−√x)` with Cody's normal tail, relative accuracy about `10⁻¹⁶`
    /// down to its underflow near `x ≈ 1400`; the statistic is a difference of two
    /// log-likelihoods and carries their absolute rounding, about `n·ε·max|ℓᵢ|`.
    #[must_use]
    pub fn poisson_comparison(&self) -> PoissonComparison {
        let statistic = 2.0 * (self.log_likelihood - self.poisson_log_likelihood);
        let (_, tail) = cdf_both(statistic.max(0.0).sqrt());
        PoissonComparison { statistic, df: 1, p_value: tail }
    }

    /// θ after each iteration of the alternation, the moment estimate first and θ̂ last (the
    /// entry before it is within [`THETA_TOLERANCE`] of it).
    #[must_use]
    pub fn theta_history(&self) -> &[f64] {
        &self.theta_history
    }

    /// Iterations of the alternation (IRLS for β, then Newton for θ) that ran.
    #[must_use]
    pub fn iterations(&self) -> usize {
        self.iterations
    }
}

/// Fits a negative binomial GLM `g(E[y]) = Xβ + offset`, `Var(y) = μ + μ²/θ`, estimating θ by
/// maximum likelihood together with β (R's `MASS::glm.nb(y ~ x, link = link)`).
///
/// # Algorithm
/// As `glm.nb` (Venables & Ripley, *Modern Applied Statistics with S*, 4th ed., 2002, §7.4):
/// fit the Poisson GLM; start θ at the moment estimate `Σw/Σw(y/μ̂ − 1)²`; then alternate
/// (1) IRLS for β at fixed θ ([`crate::fit`] with [`Family::NegativeBinomial`], started from
/// the previous coefficients) and (2) Newton's method for θ at the fitted means (MASS's
/// `theta.ml`, here on `ln θ`, with the score `Σw[ψ(θ + y) − ψ(θ) − ln(1 + μ/θ) + (μ − y)/(μ + θ)]`
/// and its observed information, digamma and trigamma differences evaluated without
/// cancellation), until θ changes by less than [`THETA_TOLERANCE`] relatively and β by less
/// than the IRLS tolerance against `|β| + SE`. That implies R's criterion, a small change of
/// `2ℓ`. β is then refitted at that last θ, which is θ̂, and θ̂'s standard error is `1/√I(θ̂)`
/// at the fitted means. `control` applies to every fit of the alternation; with
/// [`Method::GradientAscent`] the coefficients are only as converged as its steps make them,
/// while the test on β needs [`crate::IRLS_TOLERANCE`]: give it a tolerance, or use IRLS (the
/// default).
///
/// # Cost
/// One Poisson fit, then per iteration one IRLS fit (a few QRs of the `n×p` weighted design,
/// `2np² − 2p³/3` flops each) and `O(n)` per Newton step for θ; the alternation usually
/// converges in 3 to 6 iterations, since θ and β are orthogonal in the expected information.
///
/// # Accuracy
/// θ̂ and β̂ are at the joint maximum to about 10 digits by the tolerances, better in
/// practice, since θ̂ is the last Newton solution and β̂ is refitted at it: on the reference
/// (`tests/negative_binomial.rs`, against a Newton-polished optimum) θ̂ has 13 correct digits,
/// its standard error 12, the coefficients and their standard errors 13. The score's rounding
/// grows with θ (its terms cancel to `O(1/θ²)`), so for θ̂ near `max μ/√ε` fewer digits remain.
///
/// # Errors
/// Every error of [`crate::fit`] for the Poisson or a negative binomial fit (invalid data,
/// counts outside `y ≥ 0`, non-convergence of IRLS, separation, …); [`Error::NotApplicable`]
/// for binomial trials; [`Error::ThetaInfinite`], carrying the Poisson fit's answer, when θ runs
/// to infinity (the data are not over-dispersed); [`Error::ThetaNotConverged`] with θ's
/// history when the alternation does not converge within [`crate::Control::max_iter`]
/// iterations (as `glm.nb`'s `control$maxit`; [`THETA_MAX_ITER`] under gradient ascent), or
/// Newton's method for one θ not within 100 steps;
/// [`Error::IndefiniteInformation`] if the information in θ is not positive at θ̂.
///
/// # Examples
///
/// ```
/// use glm::{Control, Data, Design, Link};
/// use glm::nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0; 4.0; 5.0; 6.0; 7.0])?;
/// let y = dvector![0.0, 7.0, 1.0, 12.0, 2.0, 20.0, 3.0, 30.0];
/// let nb = glm::fit_negative_binomial(&Data::new(&design, &y), Link::Log, &Control::default())?;
/// // The alternation stopped when θ no longer moved.
/// let history = nb.theta_history();
/// assert_eq!(history[history.len() - 1], nb.theta());
/// assert!((history[history.len() - 2] / nb.theta() - 1.0).abs() < glm::THETA_TOLERANCE);
/// assert!(nb.log_likelihood() > nb.poisson().log_likelihood()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn fit_negative_binomial(
    data: &Data<'_>,
    link: Link,
    control: &Control,
) -> Result<NegativeBinomialFit> {
    let poisson = crate::fit(data, Family::Poisson.with_link(link), control)?;
    let (y, mu, w) = kept_counts(&poisson);
    let counts = Counts { y: &y, mu: &mu, w: &w };
    let excess: f64 =
        y.iter().zip(&mu).zip(&w).map(|((&y, &m), &w)| w * ((y - m) * (y - m) - y)).sum();
    let poisson_log_likelihood = poisson.log_likelihood()?;
    let infinite = |theta: f64| Error::ThetaInfinite {
        theta,
        excess,
        poisson: Box::new(PoissonAnswer {
            coefficients: poisson.coefficients().clone(),
            std_errors: poisson.std_errors(),
            deviance: poisson.deviance(),
            log_likelihood: poisson_log_likelihood,
        }),
    };
    let Some(start) = moment_theta(&counts) else {
        return Err(infinite(f64::INFINITY));
    };
    let mut history = vec![start];
    let search = |counts: &Counts<'_>, from: f64, history: &[f64]| match theta_ml(counts, from) {
        ThetaSearch::Converged { theta } => Ok(theta),
        ThetaSearch::Infinite { theta } => Err(infinite(theta)),
        ThetaSearch::NotConverged { history: steps, change } => Err(Error::ThetaNotConverged {
            iterations: steps.len() - 1,
            change,
            tolerance: crate::theta::THETA_STEP_TOLERANCE,
            history: history.iter().copied().chain(steps).collect(),
        }),
    };
    let mut theta = search(&counts, start, &history)?;
    history.push(theta);
    // The coefficient rule of IRLS at its tolerance; a gradient-ascent tolerance is on the
    // gradient's norm, not on β, so gradient ascent is held to IRLS's default.
    let beta_tolerance = match control.method {
        Method::Irls => control.tolerance_in_effect().unwrap_or(IRLS_TOLERANCE),
        Method::GradientAscent => IRLS_TOLERANCE,
    };
    let mut previous = poisson.coefficients().clone();
    let max_iter = match control.method {
        Method::Irls => control.max_iter_in_effect(),
        Method::GradientAscent => THETA_MAX_ITER,
    };
    let mut change = f64::INFINITY;
    for iteration in 1..=max_iter {
        let fit = crate::fit(
            &data.start(&previous),
            Family::NegativeBinomial { theta }.with_link(link),
            control,
        )?;
        let (y, mu, w) = kept_counts(&fit);
        let counts = Counts { y: &y, mu: &mu, w: &w };
        let next = search(&counts, theta, &history)?;
        history.push(next);
        change = (next / theta).ln().abs();
        let moved = coefficient_change(&fit, &previous);
        if change <= THETA_TOLERANCE && moved <= beta_tolerance {
            // One more IRLS fit at the last θ, the maximiser at these means, so that β̂ is
            // the optimum at θ̂ itself (it moves by far less than its tolerance).
            let theta = next;
            let fit = crate::fit(
                &data.start(fit.coefficients()),
                Family::NegativeBinomial { theta }.with_link(link),
                control,
            )?;
            let (y, mu, w) = kept_counts(&fit);
            let (_, information, _) = score_information(&Counts { y: &y, mu: &mu, w: &w }, theta);
            if !(information > 0.0 && information.is_finite()) {
                return Err(Error::IndefiniteInformation { family: fit.model().family(), link });
            }
            let log_likelihood = fit.log_likelihood()?;
            return Ok(NegativeBinomialFit {
                fit,
                poisson,
                theta,
                theta_std_error: information.sqrt().recip(),
                log_likelihood,
                poisson_log_likelihood,
                theta_history: history,
                iterations: iteration,
            });
        }
        theta = next;
        previous = fit.coefficients().clone();
    }
    Err(Error::ThetaNotConverged {
        iterations: max_iter,
        change,
        tolerance: THETA_TOLERANCE,
        history,
    })
}

/// The responses, fitted means and prior weights of the rows of `fit` with positive weight.
fn kept_counts(fit: &GlmFit) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let w = fit.prior_weights();
    let rows: Vec<usize> = (0..w.len()).filter(|&i| w[i] > 0.0).collect();
    let pick = |v: &DVector<f64>| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    (pick(fit.response()), pick(fit.fitted_values()), pick(w))
}

/// `max_j |β_j − β′_j|/(|β_j| + SE_j)` over the estimated coefficients: the IRLS
/// coefficient criterion applied to the change between two iterations.
fn coefficient_change(fit: &GlmFit, previous: &DVector<f64>) -> f64 {
    let (beta, se) = (fit.coefficients(), fit.std_errors());
    (0..beta.len())
        .filter(|j| !fit.aliased().contains(j))
        .map(|j| (beta[j] - previous[j]).abs() / (beta[j].abs() + se[j]))
        .fold(0.0, f64::max)
}

impl fmt::Display for NegativeBinomialFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_summary(&self.fit, Some(self.aic()), f)?;
        writeln!(f)?;
        writeln!(f, "              Theta:  {}", significant(self.theta, 4))?;
        writeln!(f, "          Std. Err.:  {}", significant(self.theta_std_error, 4))?;
        writeln!(f, " 2 x log-likelihood:  {}", significant(2.0 * self.log_likelihood, 7))?;
        let lr = self.poisson_comparison();
        writeln!(
            f,
            "Likelihood ratio test against the Poisson: {} on {} df, p-value (halved at the boundary) {}",
            significant(lr.statistic, 5),
            lr.df,
            p_value(lr.p_value, 4)
        )
    }
}
