//! The crate's error type: what is wrong with the data or the fit, with the numbers in it.

use nalgebra::DVector;

use crate::domain::Domain;
use crate::family::Family;
use crate::link::Link;
use crate::method::Method;

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
/// // A step of 100 overflows the mean.
/// let err = glm::fit(&data, Family::Poisson, &ascent(100.0)).unwrap_err();
/// assert!(matches!(err, Error::Diverged { reason: Divergence::NonFinite, .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Divergence {
    /// The log-likelihood, the linear predictor or the mean became NaN or infinite, or the mean
    /// left the family's domain.
    NonFinite,
    /// The average log-likelihood fell by more than rounding can explain.
    Decreased {
        /// The fall, `ℓ_{k−1} − ℓ_k > 0`.
        by: f64,
    },
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
    /// [`Family::Binomial`].
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
        /// The last convergence measure: the relative deviance change for IRLS, the gradient
        /// norm for gradient ascent.
        change: f64,
        /// The tolerance it had to fall below.
        tolerance: f64,
        /// The last iterate and the history.
        last: Box<Iterate>,
    },
    /// Gradient ascent diverged: a non-finite objective or one that fell.
    #[error(
        "gradient ascent diverged at iteration {iteration} with step {step}: {}",
        match reason {
            Divergence::NonFinite => "the mean left the family's domain or became non-finite".to_owned(),
            Divergence::Decreased { by } => format!("the average log-likelihood fell by {by:.3e}"),
        }
    )]
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
    /// to 0 for counts).
    #[error(
        "{} separation: {} of {observations} observations are fitted exactly (means driven to the boundary) and the coefficients diverge; the maximum-likelihood estimate does not exist",
        if *complete { "complete" } else { "quasi-complete" },
        separated.len()
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
        /// The last IRLS iterate and its deviance history.
        last: Box<Iterate>,
    },
    /// The intercept-only model with the offset, refitted by IRLS for the null deviance as R
    /// does, failed (for example it did not converge within [`crate::Control::max_iter`]).
    #[error("the intercept-only model for the null deviance could not be fitted")]
    NullModel(#[source] Box<Error>),
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
    /// A fit statistic is not available for this family.
    #[error("{what} is not available for the {family} family")]
    Unsupported {
        /// The statistic or test asked for.
        what: &'static str,
        /// The family of the fit.
        family: Family,
    },
    /// A least-squares step failed: a rank-deficient or otherwise unsolvable weighted design.
    #[error("a weighted least-squares problem could not be solved")]
    LeastSquares(#[from] lsq::Error),
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
