//! Generalized linear models: exponential families, links, gradient ascent and IRLS, with the
//! inference a user of R's `glm` or statsmodels expects.
//!
//! A GLM has a random component (a [`Family`]: `y` has mean `μ` and variance `φ·V(μ)/w`), a
//! systematic component `η = Xθ + offset`, and a [`Link`] `g(μ) = η`. [`fit`] estimates `θ` by
//! maximum likelihood with one of two [`Method`]s:
//!
//! - [`Method::Irls`] (the default): Fisher scoring, each step a weighted least-squares solve
//!   by `lsq`'s Householder QR, with step-halving, stopped when the last step is negligible
//!   against every coefficient's size and standard error ([`Criterion`]; R's deviance rule on
//!   request), with Newton steps to finish a non-canonical link, and an estimate of the
//!   coefficients' correct digits ([`GlmFit::digits`]).
//! - [`Method::GradientAscent`]: the lesson's `θ ← θ + α·∇ℓ̄` on the average log-likelihood,
//!   with the lesson's fixed step or, by [`StepRule`], an Armijo line search or Nesterov's
//!   acceleration on standardised columns, which stop by IRLS's coefficient rule,
//!   with its per-iteration history.
//!
//! # Main types
//!
//! R writes `glm(y ~ x, family = poisson(link = "sqrt"), data, weights, offset,
//! control = glm.control(epsilon, maxit))`; here the three parts are three values:
//!
//! - **Model:** a [`Family`] (Gaussian, Poisson, Bernoulli, binomial, Gamma, inverse Gaussian,
//!   negative binomial with fixed θ, quasi-Poisson, quasi-binomial) with its [`Link`] (identity, log, logit, probit, cloglog,
//!   inverse, 1/μ², sqrt): a bare family takes its canonical link, [`Family::with_link`] pairs
//!   it with any other into a [`Model`]. [`Domain`] describes where values may lie.
//! - **Data:** [`Data`] borrows the [`Design`] (re-exported from `lsq`), the response, and
//!   optional prior weights, offset, binomial trials ([`successes_failures`]) and start.
//! - **Control:** [`Control`] holds the method, step, iteration limit, tolerance and
//!   [`RankPolicy`], validated when [`fit`] starts.
//! - [`GlmFit`] stores the coefficients, the unscaled covariance, fitted values, weights,
//!   deviances, the iteration history and the [`Convergence`], and derives standard errors,
//!   z or t tests, confidence intervals, dispersion, AIC, BIC, Pearson χ², four kinds of
//!   [`ResidualKind`] residuals and [`Prediction`]s, and carries [`Warning`]s about the data
//!   (non-integer counts). Its `Display` is laid out like R's `summary(glm)`.
//! - [`overdispersion_test`] → [`OverdispersionTest`] for Poisson fits; what to fit instead:
//!   [`Family::QuasiPoisson`] (R's `quasipoisson()`: dispersion estimated, t tests, no
//!   likelihood) or [`fit_negative_binomial`] → [`NegativeBinomialFit`] (R's `MASS::glm.nb`:
//!   θ by maximum likelihood with its standard error, the likelihood-ratio test against the
//!   Poisson as a [`PoissonComparison`]).
//! - [`GlmFit::robust`] → [`Robust`]: the sandwich covariance (`lsq::Hc`: HC0 and HC1 as
//!   statsmodels, HC2 and HC3 as R's `sandwich`) and its Wald tests, chosen at query time.
//! - [`anova`] → [`Anova`]: the deviance test of nested fits, χ² or F by family ([`Test`]),
//!   as R's `anova(reduced, full)`.
//! - [`Error`]: every failure, typed, with the numbers; its message alone names the cause.
//! - With the `serde` feature, fits, their results and the options serialise; a stored
//!   [`GlmFit`], [`NegativeBinomialFit`], [`Anova`] or [`Robust`] is read back only if its
//!   parts fit together, and a stored [`Control`] only if it is valid, so that no stored value
//!   can make a later call panic.
//!
//! `glm` re-exports [`nalgebra`], [`lsq`] and the `lsq` types a fit needs ([`Design`],
//! [`RankPolicy`]), so one dependency line is enough.
//!
//! # Example
//!
//! ```
//! use glm::{Control, Data, Design, Family, Link, Method};
//!
//! // The lesson's counts: y ~ Poisson(exp(0.3 + 0.8 t)), 80 points on [0, 3], x = [1, t].
//! let sample = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
//! let design = Design::new(sample.x.clone())?.with_intercept_column(0)?.with_names(["(Intercept)", "t"])?;
//! let data = Data::new(&design, &sample.y);
//! let irls = glm::fit(&data, Family::Poisson, &Control::default())?;
//! assert!((irls.coefficients()[1] - 0.8).abs() < 3.0 * irls.std_errors()[1]);
//!
//! // The lesson's gradient ascent gets close to the same optimum.
//! let lesson = Control::default().method(Method::GradientAscent).step(0.02).max_iter(20_000);
//! let ga = glm::fit(&data, Family::Poisson, &lesson)?;
//! assert!((ga.coefficients() - irls.coefficients()).amax() < 1e-3);
//!
//! // R's poisson(link = "sqrt").
//! let sqrt = glm::fit(&data, Family::Poisson.with_link(Link::Sqrt), &Control::default())?;
//! assert!(sqrt.aic()? > irls.aic()?); // the log link generated the data
//! println!("{irls}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Numerical notes
//!
//! - **Least squares.** Every IRLS step solves `min ‖√W(z − Xθ)‖₂` by `lsq`'s QR; `XᵀWX` is
//!   never formed. Standard errors come from `(XᵀWX)⁻¹ = R⁻¹R⁻ᵀ` of one more QR at the final
//!   `μ` (R uses the weights of the last iteration; at convergence the two agree), taken of
//!   `√W·X` with its columns scaled to unit norm by powers of two and stored in that form, so
//!   that a column's units cancel exactly.
//! - **Units.** Scaling a column by `2^k` scales its IRLS coefficient and standard error by
//!   exactly `2^−k` and changes nothing else, across `k ∈ [−990, 990]`, for every family and
//!   link (`tests/scale.rs`): `lsq` equilibrates each step, `√W = √w·|dμ/dη|/√V(μ)` is
//!   formed without `V(μ)`, and the deviances and likelihoods are standardised before
//!   squaring. Gradient ascent with the lesson's fixed step is not invariant to units, by
//!   design; with a searching [`StepRule`] it works on columns centred and scaled by powers of
//!   two, so a column in units `2^k` runs the same iterations bit for bit
//!   (`tests/gradient_rules.rs`). A statistic that does not
//!   fit in an `f64` (a Gaussian deviance beyond `10³⁰⁸` for a response near `10¹⁶⁰`) is
//!   [`Error::OutOfRange`] or [`Error::CoefficientOutOfRange`], never an infinity or a 0 in
//!   an `Ok`.
//! - **Tolerances.** By default IRLS stops when `max_j |Δβ_j|/(|β_j| + SE_j) < 1e-8`
//!   ([`IRLS_TOLERANCE`], [`Criterion::Coefficients`]): at least 8 correct digits on the
//!   reference data sets, against the 5 that R's rule leaves on a probit fit. With
//!   [`Criterion::Deviance`] it stops when `|D − D_old|/(|D| + c) < 1e-8` (R's
//!   `glm.control`). Either way, within 25 iterations ([`IRLS_MAX_ITER`]); reaching the limit is
//!   [`Error::NotConverged`] carrying the last iterate. R's `c = 0.1` is in the deviance's
//!   units, so it is capped at the deviance after the first iteration and, for counts, at
//!   their weighted total: R's criterion on ordinary data, a relative one when the deviance is
//!   small only because of the units of the response or the weights. A deviance rise counts
//!   only beyond rounding, `8·n·ε·D` (`ROUNDING_SLACK` in `numeric.rs`), and under the default
//!   criterion also beyond the rounding of `η`, `Σ|∂dᵢ/∂ηᵢ|·ε·|ηᵢ|`; a step within `8·κ·ε` of
//!   the largest coefficient (`STEP_ROUNDING` in `information.rs`) counts as 0. Tuning constants that
//!   are not part of the API are named and documented in their modules (`link.rs`, `irls.rs`,
//!   `separation.rs`, `checks.rs`); their values are given here.
//! - **Step-halving.** A step that puts `η` outside the link's domain or `μ` outside the
//!   family's (identity link with Poisson, inverse link with Gamma), makes the deviance
//!   non-finite, or raises it, is halved towards the previous iterate (on the first iteration,
//!   towards the intercept-only fit), at most 60 times (`2⁻⁶⁰` of a step is below the rounding
//!   of any coefficient). Nothing is clamped to keep `μ` valid.
//! - **Clamps.** The only clamps are R's, in the probability links: `μ ∈ [ε, 1 − ε]` and
//!   `dμ/dη ≥ ε` ([`PROBABILITY_FLOOR`]), with `|η|` held at `−ln ε ≈ 36.04` (logit) and
//!   `−Φ⁻¹(ε) ≈ 8.1259` (probit) and the complementary log-log derivative evaluated at
//!   `min(η, 700)` (see [`Link`]). Unlike R, the log link does not floor `e^η` at `ε`.
//! - **Probit.** `Φ` and `Φ⁻¹` are Cody's and Wichura's algorithms (as R's `pnorm` and
//!   `qnorm`), accurate to about 1e-16 relative; `statrs`'s `erfc` is off by about 1e-10 in
//!   the tails, which would cost the probit fits digits.
//! - **Deviances** are evaluated as `y·h(μ/y − 1)` with `h(t) = t − ln(1 + t)` summed by its
//!   series near 0, so they are non-negative and exactly 0 at `y = μ` without cancellation.
//! - **Separation.** When binary (or count) data can be fitted exactly along a direction, the
//!   maximum-likelihood estimate does not exist and IRLS drifts to ever larger coefficients
//!   while R's criterion is met anyway. After IRLS stops, if the last step shrank some fitted
//!   mean's distance to 0 or 1 (0 for counts) by a tenth or more (a separated mean shrinks by
//!   about `1 − 1/e` per step under the logit, probit, cloglog and log links, and by a steady
//!   fraction under the inverse links, whose means fall to 0 as a power of `η`: 0.2 a step in a
//!   Bernoulli fit held at the domain's edge), the observations it moved at least 100 times more than the rest
//!   are candidates, and the step, with the others' rows projected out, is checked to be a
//!   separating direction (up to `10⁻⁶` of its largest movement, for rounding). Such a
//!   direction proves the MLE does not exist: the fit is [`Error::Separation`], naming the
//!   separated observations and the direction, complete or quasi-complete. The rule agreed
//!   with a linear-programming test on 300 random data sets for the logit, probit and cloglog
//!   links (`tests/data/separation/`). A fit that did not run IRLS by R's rule at R's tolerance
//!   is certified by one IRLS run with R's control: gradient ascent and a looser tolerance
//!   always; the default [`Criterion::Coefficients`] when the fit could be a separated one (a
//!   mean within `10⁻⁸` of such a boundary, or a last step called negligible only because the
//!   weighted solve's rounding covers it). Only a separation that run proves can fail the fit,
//!   so an estimate that exists is unaffected.
//! - **Existence and boundaries.** For a family whose dispersion is estimated, a response
//!   fitted exactly (Pearson residuals within `max(n, p)·ε` of the data's size) leaves no
//!   dispersion to estimate: [`Error::ExactFit`], carrying the coefficients. A converged fit
//!   whose means are held at a probability link's clamp, or whose last IRLS step was halved to
//!   stay in the domain, must satisfy the score equations (the Pearson residuals within a
//!   cosine of `10⁻²` of orthogonal to `√W·X`), else the estimate lies on or beyond the
//!   boundary: [`Error::Boundary`]. An optimum on a finite boundary that IRLS approaches
//!   without halving (means shrinking geometrically to 0 under the square-root link) is
//!   returned, as by R, as the constrained estimate it converges to.
//! - **Negative binomial θ.** [`fit_negative_binomial`] alternates IRLS for β with Newton's
//!   method on `ln θ` for θ until θ changes by less than [`THETA_TOLERANCE`] relatively; the
//!   score's `ψ(θ + y) − ψ(θ)` and the information's trigamma difference are summed without
//!   cancellation (recurrence, then the asymptotic series of the difference), so θ up to
//!   `max μ/√ε` is resolved; beyond it the data show no over-dispersion and the fit is
//!   [`Error::ThetaInfinite`], carrying the Poisson answer.
//! - **Non-integer counts** are accepted with a [`Warning`] carried in the fit and printed in
//!   its summary, by R's rules (see [`Warning`] for why a warning and not an error).
//! - **Gradient ascent** without a tolerance runs exactly its number of steps (300 by default)
//!   and reports [`Convergence::FixedIterations`] with the final gradient norm, not a claim
//!   of convergence; with a tolerance on `‖∇ℓ̄‖₂` it converges or is [`Error::NotConverged`].
//!   A mean outside the domain (naming the observation), a non-finite objective, or a fall of
//!   the objective beyond rounding is [`Error::Diverged`] with the history.
//! - **Conventions.** Standard errors use the expected information; the dispersion is 1 for
//!   Poisson, binomial and negative binomial (z tests) and Pearson χ²/df otherwise (t tests),
//!   the quasi families included; these have no likelihood, so their log-likelihood, AIC and
//!   BIC are [`Error::Unsupported`] (R's `NA`).
//!   Log-likelihood and AIC follow R's `family$aic`, including Gamma's `D/Σw` dispersion and
//!   the extra parameter for an estimated dispersion. The null deviance follows R's
//!   `glm.fit`: NaN when a model without intercept has a null mean `g⁻¹(offset)` outside the
//!   family's domain (the one NaN besides the aliased coefficients' `NA` marker).

mod anova;
mod ascent;
mod blocks;
mod checks;
mod control;
mod convergence;
mod criterion;
mod data;
mod digits;
mod domain;
mod error;
mod factor;
mod family;
mod fit;
mod fused;
mod glm_fit;
mod gradient;
mod information;
mod irls;
mod kept;
mod link;
mod method;
mod model;
mod negative_binomial;
mod normal;
mod numeric;
mod overdispersion;
mod per_row;
mod poisson_answer;
mod polygamma;
mod predict;
mod problem;
mod robust;
mod separation;
mod standardize;
mod step_rule;
mod step_rules;
#[cfg(feature = "serde")]
mod stored;
mod subsample;
mod summary;
mod tall;
mod theta;
mod warning;
mod weighted;

pub use lsq;
pub use lsq::{Design, RankPolicy};
pub use nalgebra;

pub use anova::{Anova, Test, anova};
pub use control::{
    Control, GRADIENT_ITERATIONS, GRADIENT_MAX_ITER, GRADIENT_STEP, IRLS_MAX_ITER, IRLS_TOLERANCE,
};
pub use convergence::Convergence;
pub use criterion::{Criterion, NEWTON_SWITCH};
pub use data::Data;
pub use domain::Domain;
pub use error::{Divergence, Error, Input, Iterate, Result};
pub use family::Family;
pub use fit::fit;
pub use glm_fit::{GlmFit, ResidualKind};
pub use link::{Link, PROBABILITY_FLOOR};
pub use method::Method;
pub use model::Model;
pub use negative_binomial::{
    NegativeBinomialFit, PoissonComparison, THETA_MAX_ITER, THETA_TOLERANCE, fit_negative_binomial,
};
pub use overdispersion::{OverdispersionTest, overdispersion_test};
pub use poisson_answer::PoissonAnswer;
pub use predict::Prediction;
pub use robust::{DESIGN_TOLERANCE, Robust};
pub use step_rule::StepRule;
pub use warning::{COUNT_INTEGER_TOLERANCE, SUCCESS_INTEGER_TOLERANCE, Warning};

/// Splits R's `cbind(successes, failures)` response into the successes and the trials
/// `successes + failures`, for [`Family::Binomial`] with [`Data::trials`].
///
/// # Errors
/// [`Error::DimensionMismatch`] for vectors of different lengths, [`Error::NonFinite`], and
/// [`Error::OutOfDomain`] for a negative count, naming the index.
///
/// # Examples
///
/// ```
/// use glm::{Control, Data, Design, Family};
/// use glm::nalgebra::{dmatrix, dvector};
///
/// let (successes, trials) = glm::successes_failures(&dvector![2.0, 5.0, 9.0], &dvector![8.0, 5.0, 1.0])?;
/// assert_eq!(trials, dvector![10.0, 10.0, 10.0]);
/// let design = Design::with_intercept(&dmatrix![-1.0; 0.0; 1.0])?;
/// let data = Data::new(&design, &successes).trials(&trials);
/// let fit = glm::fit(&data, Family::Binomial, &Control::default())?;
/// assert!((fit.fitted_values()[1] - 0.5).abs() < 0.1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn successes_failures(
    successes: &nalgebra::DVector<f64>,
    failures: &nalgebra::DVector<f64>,
) -> Result<(nalgebra::DVector<f64>, nalgebra::DVector<f64>)> {
    data::check_vector(successes, successes.len(), Input::Response)?;
    data::check_vector(failures, successes.len(), Input::Failures)?;
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
        check::<super::Control>();
        check::<super::Convergence>();
        check::<super::Criterion>();
        check::<super::Data<'static>>();
        check::<super::Divergence>();
        check::<super::Domain>();
        check::<super::Error>();
        check::<super::Family>();
        check::<super::GlmFit>();
        check::<super::Iterate>();
        check::<super::Link>();
        check::<super::Method>();
        check::<super::Model>();
        check::<super::NegativeBinomialFit>();
        check::<super::PoissonAnswer>();
        check::<super::PoissonComparison>();
        check::<super::OverdispersionTest>();
        check::<super::Anova>();
        check::<super::Robust>();
        check::<super::Test>();
        check::<super::Prediction>();
        check::<super::ResidualKind>();
        check::<super::Warning>();
    }
}
