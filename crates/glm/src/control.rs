//! [`Control`]: how to fit (R's `glm.control`), validated in one place when [`crate::fit`]
//! starts, and the defaults it documents.

use lsq::RankPolicy;

use crate::criterion::Criterion;
use crate::error::{Error, Result};
use crate::method::Method;
use crate::step_rule::StepRule;

/// The default convergence tolerance, 1e-8, of every [`Criterion`]: R's `glm.control(epsilon =
/// 1e-8)` for [`Criterion::Deviance`] (`|D − D_old|/(|D| + 0.1) < 1e-8`), and for the default
/// [`Criterion::Coefficients`] a last step below `1e-8·(|β_j| + SE_j)` in every coefficient.
pub const IRLS_TOLERANCE: f64 = 1e-8;

/// R's default iteration limit for IRLS (`glm.control(maxit = 25)`).
pub const IRLS_MAX_ITER: usize = 25;

/// The lesson's number of gradient-ascent steps, the default limit of
/// [`Method::GradientAscent`].
pub const GRADIENT_ITERATIONS: usize = 300;

/// The lesson's gradient-ascent step size `α`, the default of [`Control::step`].
pub const GRADIENT_STEP: f64 = 0.05;

/// The default iteration limit of gradient ascent with [`StepRule::Armijo`] or
/// [`StepRule::Nesterov`] (the fixed step keeps the lesson's [`GRADIENT_ITERATIONS`]).
pub const GRADIENT_MAX_ITER: usize = 20_000;

/// How to fit: method, step size, iteration limit, tolerance and rank policy (R's
/// `glm.control(epsilon, maxit)` plus the method switch). Start from `Control::default()` and
/// chain setters; each documents its default.
///
/// Every value is checked in one place when [`crate::fit`] starts; a bad one is
/// [`Error::InvalidOption`] naming the setter.
///
/// # Examples
///
/// ```
/// use glm::{Control, Convergence, Data, Design, Error, Family, Method};
/// use glm::nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
/// let y = dvector![1.0, 2.0, 4.0, 7.0];
/// let data = Data::new(&design, &y);
/// // R's defaults: IRLS to a relative deviance change of 1e-8 within 25 iterations.
/// let fit = glm::fit(&data, Family::Poisson, &Control::default())?;
/// assert!(matches!(fit.convergence(), Convergence::Converged { tolerance, .. } if tolerance == glm::IRLS_TOLERANCE));
/// // The lesson's method: 50 fixed steps of size 0.02, then one with a gradient tolerance.
/// let lesson = Control::default().method(Method::GradientAscent).step(0.02).max_iter(50);
/// assert_eq!(glm::fit(&data, Family::Poisson, &lesson)?.history().len(), 51);
/// let tight = lesson.max_iter(50_000).tolerance(1e-10);
/// assert!(matches!(glm::fit(&data, Family::Poisson, &tight)?.convergence(), Convergence::Converged { .. }));
/// // Bad values are named.
/// let err = glm::fit(&data, Family::Poisson, &Control::default().step(-1.0)).unwrap_err();
/// assert!(matches!(err, Error::InvalidOption { name: "step", .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "StoredControl"))]
pub struct Control {
    pub(crate) method: Method,
    pub(crate) step: f64,
    max_iter: Option<usize>,
    tolerance: Option<f64>,
    pub(crate) rank_policy: RankPolicy,
    pub(crate) criterion: Criterion,
    pub(crate) step_rule: StepRule,
    standardize: Option<bool>,
}

/// A [`Control`] as stored, accepted only if [`Control::validate`] accepts it.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct StoredControl {
    method: Method,
    step: f64,
    max_iter: Option<usize>,
    tolerance: Option<f64>,
    rank_policy: RankPolicy,
    criterion: Criterion,
    step_rule: StepRule,
    standardize: Option<bool>,
}

#[cfg(feature = "serde")]
impl TryFrom<StoredControl> for Control {
    type Error = Error;

    /// Rebuilds the control and checks it as [`crate::fit`] would: a bad value is
    /// [`Error::InvalidOption`] naming the setter.
    fn try_from(s: StoredControl) -> Result<Self> {
        let control = Control {
            method: s.method,
            step: s.step,
            max_iter: s.max_iter,
            tolerance: s.tolerance,
            rank_policy: s.rank_policy,
            criterion: s.criterion,
            step_rule: s.step_rule,
            standardize: s.standardize,
        };
        control.validate()?;
        Ok(control)
    }
}

impl Default for Control {
    fn default() -> Self {
        Self {
            method: Method::Irls,
            step: GRADIENT_STEP,
            max_iter: None,
            tolerance: None,
            rank_policy: RankPolicy::Error,
            criterion: Criterion::Coefficients,
            step_rule: StepRule::Fixed,
            standardize: None,
        }
    }
}

impl Control {
    /// The fitting method. Default: [`Method::Irls`].
    #[must_use]
    pub const fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Gradient-ascent step size `α`, finite and `> 0` (IRLS ignores it). Default:
    /// [`GRADIENT_STEP`] = 0.05.
    #[must_use]
    pub const fn step(mut self, alpha: f64) -> Self {
        self.step = alpha;
        self
    }

    /// Iteration limit, at least 1; reaching it before the tolerance is met is
    /// [`Error::NotConverged`]. Default: [`IRLS_MAX_ITER`] = 25 for IRLS; for gradient ascent
    /// with the fixed step [`GRADIENT_ITERATIONS`] = 300 (without a tolerance, exactly this many
    /// steps), with the other [`StepRule`]s [`GRADIENT_MAX_ITER`] = 20 000.
    #[must_use]
    pub const fn max_iter(mut self, n: usize) -> Self {
        self.max_iter = Some(n);
        self
    }

    /// Convergence tolerance, finite and `> 0`, of IRLS's [`Control::criterion`] (default
    /// [`IRLS_TOLERANCE`] = 1e-8): by default the last step against `|β_j| + SE_j`; with
    /// [`Criterion::Deviance`] R's `|D − D_old|/(|D| + 0.1)` (the 0.1 capped at the first
    /// iteration's deviance and, for counts, at their total, so that data in small units are
    /// judged relatively); with [`Criterion::GradientNorm`] `‖∇ℓ̄‖₂`. A tolerance looser than the
    /// default, or a criterion other than R's, does not skip the separation check: the fit is
    /// then certified by one IRLS run with R's control. Gradient ascent with the fixed step
    /// stops when the Euclidean norm of the gradient of the average log-likelihood falls to it;
    /// by default it has none and runs exactly [`Control::max_iter`] steps
    /// ([`crate::Convergence::FixedIterations`]). The other [`StepRule`]s stop by
    /// [`Control::criterion`] at this tolerance, [`IRLS_TOLERANCE`] by default.
    #[must_use]
    pub const fn tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = Some(tolerance);
        self
    }

    /// When IRLS, and gradient ascent with a searching [`StepRule`], stop (the fixed step stops
    /// by its gradient norm). Default: [`Criterion::Coefficients`], the last step below
    /// `tol·(|β_j| + SE_j)` in every coefficient, with Newton steps on the observed information
    /// to finish non-canonical fits; [`Criterion::Deviance`] reproduces R's `glm` exactly. For
    /// gradient ascent, whose own steps are no measure of its distance to the optimum, the
    /// coefficient rule measures the Fisher-scoring step IRLS would take from the iterate.
    #[must_use]
    pub const fn criterion(mut self, criterion: Criterion) -> Self {
        self.criterion = criterion;
        self
    }

    /// How gradient ascent sizes its steps (IRLS ignores it). Default: [`StepRule::Fixed`],
    /// the lesson's `α` of [`Control::step`]. [`StepRule::Armijo`] and [`StepRule::Nesterov`]
    /// start their first search from [`Control::step`], stop by [`Control::criterion`] at
    /// [`IRLS_TOLERANCE`] unless given a [`Control::tolerance`], and run at most
    /// [`GRADIENT_MAX_ITER`] iterations unless given a [`Control::max_iter`].
    #[must_use]
    pub const fn step_rule(mut self, rule: StepRule) -> Self {
        self.step_rule = rule;
        self
    }

    /// Whether gradient ascent centres the non-intercept columns (on their mean over the
    /// observations, when the design has an intercept) and scales them (by the power of two
    /// nearest their root mean square), and maps the coefficients, the start and the history
    /// back: the fit is reported on the design's columns either way. Default: off for
    /// [`StepRule::Fixed`] (the lesson's method as taught), on for the other rules. IRLS
    /// ignores it (its steps do not depend on the columns' units).
    #[must_use]
    pub const fn standardize(mut self, on: bool) -> Self {
        self.standardize = Some(on);
        self
    }

    /// What to do with a rank-deficient design. Default: [`RankPolicy::Error`], which names the
    /// aliased columns in [`crate::Error::LeastSquares`]; [`RankPolicy::DropAliased`] fits
    /// without them, reported as R reports `NA` (see [`crate::GlmFit`]).
    #[must_use]
    pub const fn rank_policy(mut self, policy: RankPolicy) -> Self {
        self.rank_policy = policy;
        self
    }

    /// Checks every value; the one place options are validated.
    pub(crate) fn validate(&self) -> Result<()> {
        if !(self.step.is_finite() && self.step > 0.0) {
            return Err(invalid("step", self.step, "must be finite and > 0"));
        }
        if self.max_iter == Some(0) {
            return Err(invalid("max_iter", 0.0, "must be at least 1"));
        }
        if let Some(tolerance) = self.tolerance
            && !(tolerance.is_finite() && tolerance > 0.0)
        {
            return Err(invalid("tolerance", tolerance, "must be finite and > 0"));
        }
        Ok(())
    }

    /// The iteration limit for the method.
    pub(crate) fn max_iter_in_effect(&self) -> usize {
        self.max_iter.unwrap_or(match (self.method, self.step_rule) {
            (Method::Irls, _) => IRLS_MAX_ITER,
            (Method::GradientAscent, StepRule::Fixed) => GRADIENT_ITERATIONS,
            (Method::GradientAscent, _) => GRADIENT_MAX_ITER,
        })
    }

    /// The tolerance for the method: always one for IRLS and the searching step rules, `None`
    /// for the fixed step unless set.
    pub(crate) fn tolerance_in_effect(&self) -> Option<f64> {
        match (self.method, self.step_rule) {
            (Method::GradientAscent, StepRule::Fixed) => self.tolerance,
            _ => Some(self.tolerance.unwrap_or(IRLS_TOLERANCE)),
        }
    }

    /// Whether gradient ascent standardises the columns.
    pub(crate) fn standardize_in_effect(&self) -> bool {
        self.standardize.unwrap_or(self.step_rule != StepRule::Fixed)
    }
}

/// The error for an option outside its range.
pub(crate) fn invalid(name: &'static str, value: f64, reason: &'static str) -> Error {
    Error::InvalidOption { name, value, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(control: Control, expected: &Error) {
        let err = control.validate().unwrap_err();
        assert_eq!(&err, expected, "{err}");
    }

    #[test]
    fn every_bad_option_is_named() {
        let d = Control::default();
        check(d.step(0.0), &invalid("step", 0.0, "must be finite and > 0"));
        check(d.max_iter(0), &invalid("max_iter", 0.0, "must be at least 1"));
        check(d.tolerance(-1.0), &invalid("tolerance", -1.0, "must be finite and > 0"));
        assert!(d.validate().is_ok());
    }

    #[test]
    fn defaults_depend_on_the_method() {
        let irls = Control::default();
        assert_eq!((irls.max_iter_in_effect(), irls.tolerance_in_effect()), (25, Some(1e-8)));
        assert_eq!((irls.method, irls.step), (Method::Irls, GRADIENT_STEP));
        assert_eq!(irls.rank_policy, RankPolicy::Error);
        let ga = Control::default().method(Method::GradientAscent);
        assert_eq!((ga.max_iter_in_effect(), ga.tolerance_in_effect()), (300, None));
        assert_eq!(ga.tolerance(1e-6).tolerance_in_effect(), Some(1e-6));
        assert_eq!(ga.max_iter(10).max_iter_in_effect(), 10);
        assert!(!ga.standardize_in_effect() && ga.standardize(true).standardize_in_effect());
        for rule in [StepRule::Armijo, StepRule::Nesterov] {
            let searching = ga.step_rule(rule);
            assert_eq!(searching.max_iter_in_effect(), GRADIENT_MAX_ITER);
            assert_eq!(searching.tolerance_in_effect(), Some(IRLS_TOLERANCE));
            assert!(searching.standardize_in_effect());
            assert!(!searching.standardize(false).standardize_in_effect());
        }
    }
}
