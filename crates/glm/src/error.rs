//! The crate's error type: what is wrong with the data or the fit, with the numbers in it.

use nalgebra::DVector;

use crate::domain::Domain;
use crate::family::Family;
use crate::link::Link;
use crate::method::Method;
use crate::model::Model;
use crate::poisson_answer::PoissonAnswer;

/// Which input an error refers to.
///
/// # Examples
///
/// ```
/// use glm::{Control, Data, Design, Error, Family, Input};
/// use glm::nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0])?;
/// let (y, offset) = (dvector![1.0, 2.0, 3.0], dvector![0.0, 0.0]);
/// let data = Data::new(&design, &y).offset(&offset);
/// let err = glm::fit(&data, Family::Poisson, &Control::default()).unwrap_err();
/// assert_eq!(err, Error::DimensionMismatch { input: Input::Offset, expected: 3, found: 2 });
/// assert_eq!(err.to_string(), "offset has 2 entries, expected 3");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Input {
    /// The response `y`.
    Response,
    /// The prior weights.
    Weights,
    /// The offset.
    Offset,
    /// The binomial trial counts.
    Trials,
    /// The binomial failure counts (see [`crate::successes_failures`]).
    Failures,
    /// The starting coefficients.
    Start,
    /// New rows passed to a prediction.
    NewData,
}

impl std::fmt::Display for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Input::Response => "response",
            Input::Weights => "weights",
            Input::Offset => "offset",
            Input::Trials => "trials",
            Input::Failures => "failures",
            Input::Start => "start",
            Input::NewData => "new data",
        })
    }
}

/// Why gradient ascent stopped.
///
/// # Examples
///
/// ```
/// use glm::{Control, Data, Design, Divergence, Error, Family, Method};
///
/// let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
/// let design = Design::new(s.x.clone())?.with_intercept_column(0)?;
/// let data = Data::new(&design, &s.y);
/// let ascent = |alpha| Control::default().method(Method::GradientAscent).step(alpha);
/// // A step of 1 overshoots: the average log-likelihood falls at the first step.
/// let err = glm::fit(&data, Family::Poisson, &ascent(1.0)).unwrap_err();
/// let fell = |reason| matches!(reason, Divergence::Decreased { by } if by > 0.0);
/// assert!(matches!(err, Error::Diverged { iteration: 1, reason, .. } if fell(reason)));
/// // A step of 100 overflows the mean of some observation, and the error says which.
/// let err = glm::fit(&data, Family::Poisson, &ascent(100.0)).unwrap_err();
/// let overflowed = |reason| matches!(reason, Divergence::LeftDomain { mu, .. } if mu == f64::INFINITY);
/// assert!(matches!(err, Error::Diverged { reason, .. } if overflowed(reason)));
/// assert!(err.to_string().contains("μ = inf"), "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Divergence {
    /// An observation's linear predictor left the link's domain or its mean left the family's
    /// (an overflow to infinity included).
    LeftDomain {
        /// Index of the first such observation.
        index: usize,
        /// Its linear predictor.
        eta: f64,
        /// Its mean.
        mu: f64,
    },
    /// The average log-likelihood became NaN or infinite with every mean in its domain.
    NonFinite {
        /// The value it took.
        value: f64,
    },
    /// The average log-likelihood fell by more than rounding can explain.
    Decreased {
        /// The fall, `ℓ_{k−1} − ℓ_k > 0`.
        by: f64,
    },
}

impl std::fmt::Display for Divergence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Divergence::LeftDomain { index, eta, mu } => {
                write!(f, "observation {index} left the domain with η = {eta}, μ = {mu}")
            }
            Divergence::NonFinite { value } => {
                write!(f, "the average log-likelihood became {value}")
            }
            Divergence::Decreased { by } => {
                write!(f, "the average log-likelihood fell by {by:.3e}")
            }
        }
    }
}

/// The state a failed iterative fit stopped in, so that it can be inspected or restarted
/// (pass `coefficients` to [`crate::Data::start`]).
///
/// # Examples
///
/// ```
/// use glm::{Control, Convergence, Data, Design, Error, Family};
///
/// let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
/// let design = Design::new(s.x.clone())?.with_intercept_column(0)?;
/// let data = Data::new(&design, &s.y);
/// let short = Control::default().max_iter(2);
/// let Err(Error::NotConverged { last, .. }) = glm::fit(&data, Family::Poisson, &short) else {
///     return Err("two IRLS iterations should not converge".into());
/// };
/// assert_eq!(last.history.len(), 3);
/// // Restart from the last iterate: its deviance is the new starting point.
/// let fit = glm::fit(&data.start(&last.coefficients), Family::Poisson, &Control::default())?;
/// assert!((fit.history()[0] - last.history[2]).abs() <= 1e-12 * last.history[2]);
/// assert!(matches!(fit.convergence(), Convergence::Converged { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Iterate {
    /// The coefficients of the last iterate, one per design column (0 for aliased columns).
    pub coefficients: DVector<f64>,
    /// The per-iteration history: deviances for IRLS, average log-likelihoods for gradient
    /// ascent; entry 0 is the starting point.
    pub history: Vec<f64>,
}

/// Everything that can go wrong in `glm`, with the offending indices and values.
///
/// Every message is one line that names the cause with its numbers. Where a failure comes from
/// a lower layer (a weighted least-squares solve in `lsq`, the refit of the null model), the
/// message ends with that layer's own message instead of returning it from
/// [`std::error::Error::source`], so that printing the error alone shows the cause and
/// printing its source chain repeats nothing; the lower error itself stays available by
/// matching the variant ([`Error::LeastSquares`], [`Error::NullModel`]).
///
/// # Examples
///
/// ```
/// use glm::{Control, Data, Design, Error, Family, Input};
/// use glm::nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![1.0; 2.0; 3.0])?;
/// let y = dvector![1.0, -2.0, 3.0];
/// let err = glm::fit(&Data::new(&design, &y), Family::Poisson, &Control::default()).unwrap_err();
/// assert!(matches!(err, Error::OutOfDomain { input: Input::Response, index: 1, .. }));
/// assert_eq!(err.to_string(), "response entry 1 is -2, outside the poisson family's domain ≥ 0");
///
/// // A cause found by `lsq` is part of the message.
/// let design = Design::with_intercept(&dmatrix![1.0, 0.0; 2.0, 0.0; 3.0, 0.0])?.with_names(["(Intercept)", "dose", "zero"])?;
/// let err = glm::fit(&Data::new(&design, &dvector![1.0, 2.0, 3.0]), Family::Poisson, &Control::default()).unwrap_err();
/// assert!(matches!(err, Error::LeastSquares(glm::lsq::Error::ZeroColumn { column: 2, .. })));
/// assert!(err.to_string().ends_with("design column 2 (`zero`) is identically zero"), "{err}");
/// assert!(std::error::Error::source(&err).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input's length disagrees with the design.
    #[error("{input} has {found} entries, expected {expected}")]
    DimensionMismatch {
        /// Which input.
        input: Input,
        /// What the design implies.
        expected: usize,
        /// What was passed.
        found: usize,
    },
    /// A NaN or infinite entry.
    #[error("{input} entry {index} is {value}, not a finite number")]
    NonFinite {
        /// Which input.
        input: Input,
        /// Index of the first non-finite entry (its row, for new data).
        index: usize,
        /// The entry.
        value: f64,
    },
    /// A response (or trial count) outside the family's domain.
    #[error("{input} entry {index} is {value}, outside the {family} family's domain {domain}")]
    OutOfDomain {
        /// [`Input::Response`] or [`Input::Trials`].
        input: Input,
        /// Index of the first offending entry.
        index: usize,
        /// The entry.
        value: f64,
        /// The family.
        family: Family,
        /// What the entry must satisfy.
        domain: Domain,
    },
    /// More binomial successes than trials.
    #[error("response entry {index} has {successes} successes in {trials} trials")]
    SuccessesExceedTrials {
        /// Index of the first offending entry.
        index: usize,
        /// Successes passed.
        successes: f64,
        /// Trials passed.
        trials: f64,
    },
    /// A negative prior weight.
    #[error("weight {index} is {value}; weights must be non-negative")]
    NegativeWeight {
        /// Index of the first negative weight.
        index: usize,
        /// The weight.
        value: f64,
    },
    /// An option (a [`crate::Control`] setter, the negative binomial's `theta`, a confidence
    /// `level`) is outside its valid range.
    #[error("invalid value {value} for `{name}`: {reason}")]
    InvalidOption {
        /// The setter's or parameter's name.
        name: &'static str,
        /// Value passed.
        value: f64,
        /// What a valid value looks like.
        reason: &'static str,
    },
    /// An input that does not apply to the family: trials for a family other than
    /// [`Family::Binomial`] and [`Family::QuasiBinomial`].
    #[error("`{name}` does not apply to the {family} family")]
    NotApplicable {
        /// The input's name.
        name: &'static str,
        /// The family.
        family: Family,
    },
    /// The starting point puts `η` outside the link's domain or `μ` outside the family's.
    #[error(
        "no valid starting point: observation {index} has η = {eta}, μ = {mu} for the {family} family with {link} link; pass starting coefficients"
    )]
    InvalidStart {
        /// Index of the first offending observation.
        index: usize,
        /// Its linear predictor.
        eta: f64,
        /// Its mean.
        mu: f64,
        /// The family.
        family: Family,
        /// The link.
        link: Link,
    },
    /// Fewer observations with nonzero weight than needed to leave a residual degree of
    /// freedom for a family whose dispersion is estimated.
    #[error(
        "{observations} observations with nonzero weight and rank {rank}: no residual degrees of freedom to estimate the dispersion"
    )]
    NoResidualDegreesOfFreedom {
        /// Observations with nonzero weight.
        observations: usize,
        /// Rank of the design.
        rank: usize,
    },
    /// A family whose dispersion is estimated (Gaussian, Gamma, inverse Gaussian) fits the
    /// response exactly, to rounding: its Pearson residuals are no larger than the rounding of
    /// the data, `max(n, p)·ε` times the norm of the Pearson-scaled response and linear
    /// predictor. The dispersion estimate, and with it every standard error, test and the
    /// log-likelihood, would be rounding noise (or, for an exact zero, infinite statistics).
    /// The coefficients are in `last`.
    #[error(
        "the response is fitted exactly: Pearson residual norm {residual_norm:.3e} within the rounding level {rounding:.3e} of the data, so the {family} dispersion, the standard errors and the log-likelihood cannot be estimated"
    )]
    ExactFit {
        /// The family.
        family: Family,
        /// `‖√w·(y − μ)/√V(μ)‖₂`.
        residual_norm: f64,
        /// The rounding level it was compared with.
        rounding: f64,
        /// The fitted coefficients and the history.
        last: Box<Iterate>,
    },
    /// A statistic of the fit lies outside the range of `f64` (it overflows, or underflows
    /// below the smallest normal number `2⁻¹⁰²²` and would lose its digits), because the response
    /// or the weights are in extreme units: a Gaussian response beyond about `10¹⁵⁴` or below
    /// `10⁻¹⁵⁴`, say, whose deviance and dispersion are its square. Rescaling the response by
    /// a power of two changes no digit of the fit.
    #[error(
        "the {statistic} is {value:e}, outside the range of f64: the data are in extreme units (observation {index} has response {response:e}, weight {weight:e}); rescale the response or the weights by a power of two"
    )]
    OutOfRange {
        /// The statistic: `deviance`, `dispersion`, `log-likelihood`.
        statistic: &'static str,
        /// Its value as computed: infinite, NaN, or zero or subnormal.
        value: f64,
        /// The observation contributing most to it.
        index: usize,
        /// That observation's response (on the model's scale).
        response: f64,
        /// That observation's total weight.
        weight: f64,
    },
    /// The fit stopped at the boundary of the model's range, where the score equations do not
    /// hold: the Pearson residuals keep a cosine above `10⁻²` with the columns of `√W·X`. Either
    /// a mean is held at a probability link's clamp (within `2ε` of 0 or 1: a Gaussian
    /// response of `10⁻¹⁰⁰` under the logit link, or an offset of `10³⁰⁰` that no coefficient
    /// can cancel), or IRLS's last step was halved to keep a mean in its domain (an identity
    /// link whose optimum has a probability of 0): the deviance criterion was met because the
    /// steps could not go further, and the maximum-likelihood estimate lies on or beyond the
    /// boundary. R returns such fits, with a warning at most ("step size truncated: out of
    /// bounds", "fitted probabilities numerically 0 or 1 occurred"). A binomial mean at the
    /// clamp beside a response at the same end is harmless and passes; separation is
    /// certified before this check ([`Error::Separation`]).
    #[error(
        "the fit stopped at the boundary of the {family} family with {link} link, where the score equations do not hold (cosine {cosine:.3e} between the Pearson residuals and the design): observation {index} has μ = {mu}; the maximum-likelihood estimate lies on or beyond the boundary"
    )]
    Boundary {
        /// The observation held at the boundary (the one the last full step took out of its
        /// domain, or the first one at a clamp).
        index: usize,
        /// Its mean.
        mu: f64,
        /// The family.
        family: Family,
        /// The link.
        link: Link,
        /// The cosine between the Pearson residuals and the column space of `√W·X`.
        cosine: f64,
        /// The iterate the fit stopped at and its history.
        last: Box<Iterate>,
    },
    /// A result for one coefficient lies outside the range of normal `f64` numbers: its
    /// estimate, standard error or Wald statistic at the end of a fit (a column in units so far
    /// from the response's that the answer in them is beyond `10±³⁰⁸`, or an information so
    /// small that its inverse overflows), or an end of a confidence interval whose level is so
    /// close to 1 that the quantile times the standard error overflows.
    #[error(
        "the {quantity} of coefficient {column} is {value:e}, outside the range of normal f64 numbers; rescale column {column} by a power of two"
    )]
    CoefficientOutOfRange {
        /// `estimate`, `standard error`, `statistic` or `confidence bound`.
        quantity: &'static str,
        /// The coefficient's column.
        column: usize,
        /// The value as computed (infinite, NaN, or zero or subnormal).
        value: f64,
    },
    /// The iteration limit was reached before the convergence criterion was met.
    #[error(
        "{} did not converge in {iterations} iterations: convergence measure {change:.3e} > tolerance {tolerance:.1e}",
        method.name()
    )]
    NotConverged {
        /// The method.
        method: Method,
        /// Iterations run.
        iterations: usize,
        /// The last measure of the [`crate::Criterion`]: by default the largest step against
        /// `|β_j| + SE_j`; R's relative deviance change; or the gradient norm.
        change: f64,
        /// The tolerance it had to fall below.
        tolerance: f64,
        /// The last iterate and the history.
        last: Box<Iterate>,
    },
    /// Gradient ascent diverged: a mean left its domain, or the objective became non-finite or
    /// fell.
    #[error("gradient ascent diverged at iteration {iteration} with step {step}: {reason}")]
    Diverged {
        /// The iteration whose step failed (1-based).
        iteration: usize,
        /// The step size used.
        step: f64,
        /// What went wrong.
        reason: Divergence,
        /// The last good iterate and the history up to it.
        last: Box<Iterate>,
    },
    /// IRLS could not find a step that keeps the deviance finite and not increasing, with
    /// `η` and `μ` in their domains, within the allowed number of step halvings.
    #[error(
        "step-halving failed at iteration {iteration} after {halvings} halvings: deviance {deviance} against {previous} before the step"
    )]
    StepHalvingFailed {
        /// The iteration (1-based).
        iteration: usize,
        /// Halvings tried.
        halvings: usize,
        /// Deviance of the last trial step (NaN or infinite when it left the domain).
        deviance: f64,
        /// Deviance before the step.
        previous: f64,
    },
    /// The data are (quasi-)completely separated: the maximum-likelihood estimate does not
    /// exist, because moving the coefficients along `direction` increases the likelihood
    /// without bound while the fitted means of the `separated` observations go to 0 or 1 (or
    /// to 0 for counts). Both methods are checked ([`crate::fit`]).
    #[error(
        "{} separation: {} of {observations} observations ({}) are fitted exactly (means driven to the boundary) and the coefficients diverge; the maximum-likelihood estimate does not exist",
        if *complete { "complete" } else { "quasi-complete" },
        separated.len(),
        list_indices(separated)
    )]
    Separation {
        /// Whether every observation is separated (complete) or only some (quasi-complete).
        complete: bool,
        /// Indices of the separated observations.
        separated: Vec<usize>,
        /// Observations with nonzero weight.
        observations: usize,
        /// A separating direction (unit Euclidean norm, one entry per design column).
        direction: DVector<f64>,
        /// The last iterate of the method that ran (for gradient ascent its own, with its
        /// history of average log-likelihoods).
        last: Box<Iterate>,
    },
    /// The intercept-only model with the offset, refitted by IRLS for the null deviance as R
    /// does, failed (for example it did not converge within [`crate::Control::max_iter`]); the
    /// message ends with the refit's.
    #[error("the intercept-only model for the null deviance could not be fitted: {0}")]
    NullModel(Box<Error>),
    /// A prediction's linear predictor or mean is outside the link's or family's domain.
    #[error(
        "new data row {index} gives η = {eta}, μ = {mu}, outside the domain of the {link} link or the {family} family"
    )]
    PredictionOutOfDomain {
        /// Row of new data.
        index: usize,
        /// Its linear predictor.
        eta: f64,
        /// Its mean.
        mu: f64,
        /// The family.
        family: Family,
        /// The link.
        link: Link,
    },
    /// The observed information at the estimate is not positive definite, so it gives no
    /// standard errors (the estimate is not a strict local maximum of the likelihood by the
    /// observed curvature); the expected-information ones of [`crate::GlmFit::std_errors`]
    /// still exist.
    #[error(
        "the observed information of the {family} fit with the {link} link is not positive definite at the estimate"
    )]
    IndefiniteInformation {
        /// The family of the fit.
        family: Family,
        /// The link.
        link: Link,
    },
    /// A fit statistic is not available for this family: the log-likelihood, AIC or BIC of a
    /// quasi family (which has no likelihood), or the over-dispersion test of a fit other than
    /// a Poisson one.
    #[error("{what} is not available for the {family} family")]
    Unsupported {
        /// The statistic or test asked for.
        what: &'static str,
        /// The family of the fit.
        family: Family,
    },
    /// The design passed to a query of a fit ([`crate::GlmFit::robust`], [`crate::anova`])
    /// does not have the shape of the one fitted.
    #[error(
        "the design has {rows}×{cols} entries, but the fit was made from a {expected_rows}×{expected_cols} design"
    )]
    DesignShape {
        /// Rows passed.
        rows: usize,
        /// Columns passed.
        cols: usize,
        /// Rows of the fitted design.
        expected_rows: usize,
        /// Columns of the fitted design.
        expected_cols: usize,
    },
    /// The design and offset passed to a query of a fit are not those it was made from: row
    /// `row` gives `xᵢᵀθ̂ + offsetᵢ = found` where the fit's linear predictor is `expected`.
    #[error(
        "design row {row} gives η = Xθ̂ + offset = {found:e}, but the fit's linear predictor there is {expected:e}: not the data the fit was made from"
    )]
    DesignMismatch {
        /// Zero-based row of the first disagreement.
        row: usize,
        /// The fit's linear predictor.
        expected: f64,
        /// `xᵢᵀθ̂ + offsetᵢ` from the data passed.
        found: f64,
    },
    /// HC2 and HC3 divide an observation's squared score by `1 − hᵢᵢ` or its square; an
    /// observation with leverage 1 up to rounding makes them undefined.
    #[error(
        "observation {row} has leverage {leverage} = 1 up to rounding, so {hc} divides its zero score by zero"
    )]
    UnitLeverage {
        /// Zero-based row of the first such observation.
        row: usize,
        /// Its computed leverage.
        leverage: f64,
        /// The estimator asked for.
        hc: lsq::Hc,
    },
    /// [`crate::anova`]: the fits are of different families or links.
    #[error(
        "the fits are of different models: {} family with {} link and {} family with {} link",
        reduced.family(), reduced.link(), full.family(), full.link()
    )]
    DifferentModels {
        /// The reduced fit's model.
        reduced: Model,
        /// The full fit's model.
        full: Model,
    },
    /// [`crate::anova`]: the fits were not made on the same rows.
    #[error(
        "the fits are not on the same rows: {what} differs at row {row} ({reduced} in the reduced fit, {full} in the full one)"
    )]
    DifferentRows {
        /// `"number of rows"` (the counts as values, row 0), `"weight"` (prior weight times
        /// trials) or `"response"`.
        what: &'static str,
        /// Zero-based row of the first difference.
        row: usize,
        /// The value in the reduced fit.
        reduced: f64,
        /// The value in the full fit.
        full: f64,
    },
    /// [`crate::anova`]: a column of the smaller model does not lie in the column space of
    /// the larger one ([`lsq::check_nested`]).
    #[error(
        "the models are not nested: column {column} (`{name}`) of the reduced design lies at relative distance {distance:.1e} from the column space of the full design (tolerance {tolerance:.1e})"
    )]
    NotNested {
        /// Zero-based column of the reduced design.
        column: usize,
        /// Its name.
        name: String,
        /// Relative distance from the span, on the rows with positive weight.
        distance: f64,
        /// The tolerance.
        tolerance: f64,
    },
    /// [`crate::anova`]: the fits have the same rank, so no term is tested (R prints `NA`).
    #[error("both fits have rank {rank}: there is nothing to test")]
    NothingToTest {
        /// The common rank.
        rank: usize,
    },
    /// The negative binomial's θ runs to infinity: the data show no over-dispersion, so the
    /// maximum-likelihood estimate is the Poisson fit (θ̂ = ∞ lies on the boundary of the
    /// model), whose answer the error carries. `excess` is `Σwᵢ[(yᵢ − μ̂ᵢ)² − yᵢ]` at the Poisson
    /// means, twice the likelihood's slope in `1/θ` at `1/θ = 0`: not positive when the
    /// variance does not exceed the mean. [`crate::fit_negative_binomial`] reports it when θ
    /// passes `max μ̂/√ε`, where the over-dispersion `μ²/θ` is below `√ε` of the Poisson
    /// variance.
    #[error(
        "the negative binomial's θ runs to infinity (reached {theta:e}): the data show no over-dispersion (Σw[(y − μ)² − y] at the Poisson fit is {excess:e}); the maximum-likelihood fit is the Poisson one, with deviance {}",
        poisson.deviance
    )]
    ThetaInfinite {
        /// The θ the iteration had reached.
        theta: f64,
        /// `Σwᵢ[(yᵢ − μ̂ᵢ)² − yᵢ]` at the Poisson fit.
        excess: f64,
        /// The Poisson fit's answer.
        poisson: Box<PoissonAnswer>,
    },
    /// The alternation between IRLS for the coefficients and Newton's method for the negative
    /// binomial's θ did not converge within its iteration limit.
    #[error(
        "θ did not converge in {iterations} iterations: relative change {change:.3e} > tolerance {tolerance:.1e} (last θ {})",
        history.last().copied().unwrap_or(f64::NAN)
    )]
    ThetaNotConverged {
        /// Iterations run (of the alternation, or of Newton's method within one of them).
        iterations: usize,
        /// The last relative change of θ.
        change: f64,
        /// The tolerance it had to fall below.
        tolerance: f64,
        /// θ after each iteration, the starting value first.
        history: Vec<f64>,
    },
    /// A least-squares problem of the fit failed in `lsq`: the design has an empty shape,
    /// more columns than observations with nonzero weight, an identically zero column or
    /// aliased columns (named by their design index and name), or a weighted step could not be
    /// factored. The message ends with `lsq`'s, its causes included.
    #[error("a weighted least-squares problem could not be solved: {}", chain(.0))]
    LeastSquares(lsq::Error),
}

impl From<lsq::Error> for Error {
    fn from(err: lsq::Error) -> Self {
        Error::LeastSquares(err)
    }
}

/// An error's message followed by those of its sources, joined by `": "`.
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Most indices a message lists before eliding the rest.
const LISTED_INDICES: usize = 8;

/// `0, 1, 4`, or with more than [`LISTED_INDICES`] entries `0, 1, 2, 3, 4, 5, 6, 7 and 5 more`.
fn list_indices(indices: &[usize]) -> String {
    let shown: Vec<String> = indices.iter().take(LISTED_INDICES).map(usize::to_string).collect();
    match indices.len().saturating_sub(LISTED_INDICES) {
        0 => shown.join(", "),
        rest => format!("{} and {rest} more", shown.join(", ")),
    }
}

/// The crate's result type.
///
/// # Examples
///
/// ```
/// use glm::{Control, Data, Design, Error, Family};
/// use glm::nalgebra::{DMatrix, DVector, dmatrix, dvector};
///
/// // `?` converts a design error from `lsq` into `glm::Error`.
/// fn poisson_deviance(x: DMatrix<f64>, y: &DVector<f64>) -> glm::Result<f64> {
///     let design = Design::new(x)?;
///     Ok(glm::fit(&Data::new(&design, y), Family::Poisson, &Control::default())?.deviance())
/// }
/// let x = dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0];
/// assert!(poisson_deviance(x, &dvector![1.0, 2.0, 4.0])? >= 0.0);
/// let empty = poisson_deviance(DMatrix::zeros(0, 1), &DVector::zeros(0));
/// assert!(matches!(empty, Err(Error::LeastSquares(glm::lsq::Error::EmptyDesign { .. }))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;
