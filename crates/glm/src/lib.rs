//! Generalized linear models: exponential families, links, gradient ascent and IRLS, with the
//! inference a user of R's `glm` or statsmodels expects.
//!
//! A GLM has a random component (a [`Family`]: `y` has mean `μ` and variance `φ·V(μ)/w`), a
//! systematic component `η = Xθ + offset`, and a [`Link`] `g(μ) = η`. [`fit`] estimates `θ` by
//! maximum likelihood with one of two [`Method`]s:
//!
//! - [`Method::Irls`] (the default): Fisher scoring, each step a weighted least-squares solve
//!   by `lsq`'s Householder QR, with step-halving and R's convergence criterion.
//! - [`Method::GradientAscent`]: the lesson's `θ ← θ + α·∇ℓ̄` on the average log-likelihood,
//!   with its per-iteration history.
//!
//! # Main types
//!
//! - [`Family`] (Gaussian, Poisson, Bernoulli, binomial, Gamma, inverse Gaussian, negative
//!   binomial with fixed θ) and [`Link`] (identity, log, logit, probit, cloglog, inverse,
//!   1/μ², sqrt): any family with any link; [`Domain`] describes where values may lie.
//! - [`FitOptions`]: link, method, step, iterations, tolerance, prior weights, offset,
//!   binomial trials, starting values, rank policy, confidence level.
//! - [`GlmFit`]: coefficients, standard errors, z or t tests, confidence intervals, deviance,
//!   null deviance, Pearson χ², dispersion, log-likelihood, AIC, BIC, fitted values, four
//!   kinds of [`ResidualKind`] residuals, [`Prediction`]s, the iteration history and the
//!   [`Convergence`]. Its `Display` is laid out like R's `summary(glm)`.
//! - [`overdispersion_test`] → [`OverdispersionTest`] for Poisson fits.
//! - [`Error`]: every failure, typed, with the numbers.
//!
//! # Example
//!
//! ```
//! use glm::{Family, FitOptions, Link, Method};
//! use lsq::Design;
//!
//! // The lesson's counts: y ~ Poisson(exp(0.3 + 0.8 t)), 80 points on [0, 3].
//! let sample = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
//! let design = Design::new(sample.x.clone())?.with_names(["(Intercept)", "t"])?;
//! let irls = glm::fit(&design, &sample.y, Family::Poisson, &FitOptions::default())?;
//! assert!((irls.coefficients()[1] - 0.8).abs() < 3.0 * irls.std_errors()[1]);
//!
//! // The lesson's gradient ascent gets close to the same optimum.
//! let lesson = FitOptions::default().method(Method::GradientAscent).step(0.02).max_iter(20_000);
//! let ga = glm::fit(&design, &sample.y, Family::Poisson, &lesson)?;
//! assert!((ga.coefficients() - irls.coefficients()).amax() < 1e-3);
//!
//! // Any link: the identity link keeps μ > 0 by step-halving.
//! let identity = glm::fit(&design, &sample.y, Family::Poisson, &FitOptions::default().link(Link::Identity))?;
//! assert!(identity.fitted_values().min() > 0.0);
//! println!("{irls}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Numerical notes
//!
//! - **Least squares.** Every IRLS step solves `min ‖√W(z − Xθ)‖₂` by `lsq`'s QR; `XᵀWX` is
//!   never formed. Standard errors come from `(XᵀWX)⁻¹ = R⁻¹R⁻ᵀ` of one more QR at the final
//!   `μ` (R uses the weights of the last iteration; at convergence the two agree).
//! - **Tolerances.** IRLS stops when `|D − D_old|/(|D| + 0.1) < 1e-8` ([`IRLS_TOLERANCE`], R's
//!   `glm.control`) within 25 iterations ([`IRLS_MAX_ITER`]); reaching the limit is
//!   [`Error::NotConverged`] carrying the last iterate. A deviance rise counts only beyond
//!   rounding, `8·n·ε·D` (`ROUNDING_SLACK` in `numeric.rs`).
//! - **Step-halving.** A step that puts `η` outside the link's domain or `μ` outside the
//!   family's (identity link with Poisson, inverse link with Gamma), makes the deviance
//!   non-finite, or raises it, is halved towards the previous iterate (on the first iteration,
//!   towards the intercept-only fit), at most [`MAX_STEP_HALVINGS`] times. Nothing is clamped to
//!   keep `μ` valid.
//! - **Clamps.** The only clamps are R's, in the probability links: `μ ∈ [ε, 1 − ε]` and
//!   `dμ/dη ≥ ε` ([`PROBABILITY_FLOOR`], with [`LOGIT_ETA_BOUND`], [`PROBIT_ETA_BOUND`],
//!   [`CLOGLOG_ETA_CAP`]). Unlike R, the log link does not floor `e^η` at `ε`.
//! - **Probit.** `Φ` and `Φ⁻¹` are Cody's and Wichura's algorithms (as R's `pnorm` and
//!   `qnorm`), accurate to about 1e-16 relative; `statrs`'s `erfc` is off by about 1e-10 in
//!   the tails, which would cost the probit fits digits.
//! - **Deviances** are evaluated as `y·h(μ/y − 1)` with `h(t) = t − ln(1 + t)` summed by its
//!   series near 0, so they are non-negative and exactly 0 at `y = μ` without cancellation.
//! - **Separation.** When binary (or count) data can be fitted exactly along a direction, the
//!   maximum-likelihood estimate does not exist and IRLS drifts to ever larger coefficients
//!   while R's criterion is met anyway. After IRLS stops, if the last step shrank some fitted
//!   mean's distance to 0 or 1 (0 for counts) by [`SEPARATION_MIN_SHRINK`] or more, the
//!   observations it moved far more than the rest ([`SEPARATION_GAP`]) are candidates, and the
//!   step, with the others' rows projected out, is checked to be a separating direction (up to
//!   [`SEPARATION_DIRECTION_TOLERANCE`]). Such a direction proves the MLE does not exist: the
//!   fit is [`Error::Separation`], naming the separated observations and the direction,
//!   complete or quasi-complete. The rule agreed with a linear-programming test on 300 random
//!   data sets for the logit, probit and cloglog links (`tests/data/separation/`).
//! - **Gradient ascent** without a tolerance runs exactly its number of steps (300 by default)
//!   and reports [`Convergence::FixedIterations`] with the final gradient norm, not a claim
//!   of convergence; with a tolerance on `‖∇ℓ̄‖₂` it converges or is [`Error::NotConverged`].
//!   A NaN, a mean outside the domain, or a fall of the objective beyond rounding is
//!   [`Error::Diverged`] with the history.
//! - **Conventions.** Standard errors use the expected information; the dispersion is 1 for
//!   Poisson, binomial and negative binomial (z tests) and Pearson χ²/df otherwise (t tests).
//!   Log-likelihood and AIC follow R's `family$aic`, including Gamma's `D/Σw` dispersion and
//!   the extra parameter for an estimated dispersion.

mod error;
mod family;
mod fit;
mod glm_fit;
mod gradient;
mod irls;
mod link;
mod model;
mod normal;
mod numeric;
mod options;
mod overdispersion;
mod predict;
mod separation;
mod summary;

pub use error::{Divergence, Error, Input, Iterate, Result};
pub use family::{Domain, Family, NEGATIVE_BINOMIAL_START_SHIFT, POISSON_START_SHIFT};
pub use fit::{Convergence, fit};
pub use glm_fit::{GlmFit, ResidualKind};
pub use irls::MAX_STEP_HALVINGS;
pub use link::{CLOGLOG_ETA_CAP, LOGIT_ETA_BOUND, Link, PROBABILITY_FLOOR, PROBIT_ETA_BOUND};
pub use options::{
    FitOptions, GRADIENT_ITERATIONS, GRADIENT_STEP, IRLS_MAX_ITER, IRLS_TOLERANCE, Method,
};
pub use overdispersion::{OverdispersionTest, overdispersion_test};
pub use predict::Prediction;
pub use separation::{SEPARATION_DIRECTION_TOLERANCE, SEPARATION_GAP, SEPARATION_MIN_SHRINK};

/// Splits R's `cbind(successes, failures)` response into the successes and the trials
/// `successes + failures`, for [`Family::Binomial`] with [`FitOptions::trials`].
///
/// # Errors
/// [`Error::DimensionMismatch`] for vectors of different lengths, [`Error::NonFinite`], and
/// [`Error::OutOfDomain`] for a negative count, naming the index.
///
/// # Examples
///
/// ```
/// use glm::{Family, FitOptions};
/// use lsq::Design;
/// use nalgebra::{dmatrix, dvector};
///
/// let (successes, trials) = glm::successes_failures(&dvector![2.0, 5.0, 9.0], &dvector![8.0, 5.0, 1.0])?;
/// assert_eq!(trials, dvector![10.0, 10.0, 10.0]);
/// let design = Design::with_intercept(&dmatrix![-1.0; 0.0; 1.0])?;
/// let fit = glm::fit(&design, &successes, Family::Binomial, &FitOptions::default().trials(trials))?;
/// assert!((fit.fitted_values()[1] - 0.5).abs() < 0.1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn successes_failures(
    successes: &nalgebra::DVector<f64>,
    failures: &nalgebra::DVector<f64>,
) -> Result<(nalgebra::DVector<f64>, nalgebra::DVector<f64>)> {
    options::check_vector(successes, successes.len(), Input::Response)?;
    options::check_vector(failures, successes.len(), Input::Failures)?;
    for (input, v) in [(Input::Response, successes), (Input::Failures, failures)] {
        if let Some((index, &value)) = v.iter().enumerate().find(|(_, x)| **x < 0.0) {
            return Err(Error::OutOfDomain {
                input,
                index,
                value,
                family: Family::Binomial,
                domain: Domain::NonNegative,
            });
        }
    }
    Ok((successes.clone(), successes + failures))
}

#[cfg(test)]
mod tests {
    /// Fails to compile unless `T` has the auto traits every public type here promises.
    fn check<T: std::fmt::Debug + Clone + Send + Sync + 'static>() {}

    #[test]
    fn public_types_are_debug_clone_send_sync() {
        check::<super::Convergence>();
        check::<super::Divergence>();
        check::<super::Domain>();
        check::<super::Error>();
        check::<super::Family>();
        check::<super::FitOptions>();
        check::<super::GlmFit>();
        check::<super::Iterate>();
        check::<super::Link>();
        check::<super::Method>();
        check::<super::OverdispersionTest>();
        check::<super::Prediction>();
        check::<super::ResidualKind>();
    }
}
