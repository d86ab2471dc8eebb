//! [`Warning`]: what a successful fit carries about its data that a careful user should know,
//! as R's `warning()`s, and the check for non-integer counts that produces one.

use nalgebra::DVector;

use crate::error::Input;
use crate::family::Family;
use crate::kept::Kept;
use crate::numeric::integer_distance;

/// R's test for a non-integer count in `dpois` and `dnbinom` (`R_nonint`): `y` counts as a whole
/// number when `|y − round(y)| ≤ 10⁻⁷·max(1, |y|)`, which forgives the rounding of counts that
/// went through arithmetic (a rate times an exposure, say).
pub const COUNT_INTEGER_TOLERANCE: f64 = 1e-7;

/// R's test for non-integer binomial successes in `binomial()$initialize`: the successes
/// `w·y` (prior weight times proportion, or the successes given with trials) count as whole
/// numbers when within `0.001` of one, which forgives proportions printed to a few decimals.
pub const SUCCESS_INTEGER_TOLERANCE: f64 = 1e-3;

/// Something a fit that succeeded wants the user to know about its data
/// ([`crate::GlmFit::warnings`]); the summary prints each one, as R prints its warnings after a
/// fit.
///
/// Non-integer counts are a warning, as in R, rather than an error: binomial proportions with
/// prior weights (R's `weights = trials`) are legitimately non-integer once divided, so R's
/// rule is applied to the successes `w·y`, not to `y`; the estimating equations, and so the
/// coefficients, their standard errors and the deviance, are the quasi-likelihood ones and
/// stay meaningful for any non-negative response (a rate, an average count). What is no
/// longer a probability is the likelihood itself: the log-likelihood, AIC and BIC then extend
/// the factorials by `lnΓ` (statsmodels' convention; R's `poisson()$aic` gives `Inf` there,
/// and `binomial()$aic` rounds the successes). The quasi families, when they exist, will accept
/// any non-negative response without this warning.
///
/// # Examples
///
/// ```
/// use glm::{Control, Data, Design, Family, Input, Warning};
/// use glm::nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
/// // Counts averaged over two periods are not whole numbers.
/// let y = dvector![1.0, 2.5, 4.0, 6.5];
/// let fit = glm::fit(&Data::new(&design, &y), Family::Poisson, &Control::default())?;
/// assert_eq!(fit.warnings(), [Warning::NonIntegerCounts {
///     family: Family::Poisson, input: Input::Response, index: 1, value: 2.5, count: 2,
/// }]);
/// assert!(fit.to_string().contains("Warning: non-integer counts for the poisson family: response entry 1 is 2.5"));
///
/// // Proportions with their trials as prior weights are whole numbers of successes: no warning.
/// let (p, trials) = (dvector![0.25, 0.5, 0.5, 0.75], dvector![4.0, 4.0, 2.0, 4.0]);
/// let fit = glm::fit(&Data::new(&design, &p).weights(&trials), Family::Binomial, &Control::default())?;
/// assert!(fit.warnings().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Warning {
    /// Counts that are not whole numbers (beyond [`COUNT_INTEGER_TOLERANCE`] for Poisson and
    /// negative binomial responses, [`SUCCESS_INTEGER_TOLERANCE`] for binomial successes and
    /// trials), among the observations with positive weight.
    NonIntegerCounts {
        /// The family.
        family: Family,
        /// Where the first one is: [`Input::Response`] (a count, or binomial successes given
        /// with trials), [`Input::Trials`], or [`Input::Weights`] for the successes
        /// `w·y` of binomial proportions with prior weights `w`.
        input: Input,
        /// Index of the first one.
        index: usize,
        /// Its value (for [`Input::Weights`], the successes `w·y`).
        value: f64,
        /// How many entries are not whole numbers.
        count: usize,
    },
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::NonIntegerCounts { family, input, index, value, count } => {
                let what = match input {
                    Input::Weights => "successes (weight × response) at entry".to_owned(),
                    other => format!("{other} entry"),
                };
                write!(
                    f,
                    "non-integer counts for the {family} family: {what} {index} is {value} \
                     ({count} {} not a whole number); the log-likelihood, AIC and BIC use lnΓ for the factorials",
                    if *count == 1 { "entry is" } else { "entries are" }
                )
            }
        }
    }
}

/// The warnings about the counts of `family`: `successes` per observation (the response of a
/// count family; `w·y` or the successes given with trials for the binomial), checked on the
/// observations `kept` against the family's tolerance, and the binomial `trials` if given.
pub(crate) fn non_integer_counts(
    family: Family,
    input: Input,
    successes: &DVector<f64>,
    trials: Option<&DVector<f64>>,
    kept: &Kept,
) -> Vec<Warning> {
    let tolerance: fn(f64) -> f64 = match family {
        Family::Poisson | Family::NegativeBinomial { .. } => {
            |v| COUNT_INTEGER_TOLERANCE * v.abs().max(1.0)
        }
        Family::Bernoulli | Family::Binomial => |_| SUCCESS_INTEGER_TOLERANCE,
        // Continuous families have no counts, and R's quasi families do not check that
        // theirs are integers.
        Family::Gaussian
        | Family::Gamma
        | Family::InverseGaussian
        | Family::QuasiPoisson
        | Family::QuasiBinomial => return Vec::new(),
    };
    let mut warnings = Vec::new();
    for (input, values) in [(input, Some(successes)), (Input::Trials, trials)] {
        let Some(values) = values else { continue };
        let mut offending = kept.iter().filter(|&i| {
            let v = values[i];
            integer_distance(v) > tolerance(v)
        });
        if let Some(index) = offending.next() {
            warnings.push(Warning::NonIntegerCounts {
                family,
                input,
                index,
                value: values[index],
                count: 1 + offending.count(),
            });
        }
    }
    warnings
}
