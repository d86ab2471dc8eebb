//! [`Data`]: the design, the response and the per-observation inputs of a fit, borrowed.

use lsq::Design;
use nalgebra::DVector;

use crate::error::{Error, Input, Result};

/// The data of a fit, borrowed: the design `X`, the response `y`, and optionally prior weights,
/// an offset, binomial trials and starting coefficients (R's `data`, `weights`, `offset`,
/// `cbind(successes, failures)` and `start`).
///
/// Nothing is checked until [`crate::fit`] starts: a vector of the wrong length is
/// [`Error::DimensionMismatch`], a NaN or infinite entry [`Error::NonFinite`], both naming the
/// [`Input`].
///
/// # Examples
///
/// ```
/// use glm::{Control, Data, Design, Family};
/// use glm::nalgebra::{dmatrix, dvector};
///
/// // Counts observed over exposures 1, 2, 4 and 4: a rate model with offset ln(exposure).
/// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
/// let y = dvector![1.0, 4.0, 9.0, 20.0];
/// let exposure = dvector![1.0_f64, 2.0, 4.0, 4.0].map(f64::ln);
/// let weights = dvector![1.0, 1.0, 2.0, 1.0];
/// let data = Data::new(&design, &y).offset(&exposure).weights(&weights);
/// let fit = glm::fit(&data, Family::Poisson, &Control::default())?;
/// // η̂ = Xθ̂ + offset.
/// let eta = design.matrix() * fit.coefficients() + &exposure;
/// assert!((fit.linear_predictor() - eta).amax() < 1e-12);
///
/// // Binomial counts: successes with their trials (R's `cbind(successes, failures)`).
/// let (successes, trials) = glm::successes_failures(&dvector![2.0, 5.0, 9.0, 9.0], &dvector![8.0, 5.0, 1.0, 0.0])?;
/// let counts = glm::fit(&Data::new(&design, &successes).trials(&trials), Family::Binomial, &Control::default())?;
/// assert_eq!(counts.response(), &dvector![0.2, 0.5, 0.9, 1.0]); // proportions
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Data<'a> {
    pub(crate) design: &'a Design,
    pub(crate) y: &'a DVector<f64>,
    pub(crate) weights: Option<&'a DVector<f64>>,
    pub(crate) offset: Option<&'a DVector<f64>>,
    pub(crate) trials: Option<&'a DVector<f64>>,
    pub(crate) start: Option<&'a DVector<f64>>,
}

impl<'a> Data<'a> {
    /// The design and the response, one entry per row of the design (for
    /// [`crate::Family::Binomial`], proportions in `[0, 1]`, or successes with
    /// [`Data::trials`]).
    #[must_use]
    pub const fn new(design: &'a Design, y: &'a DVector<f64>) -> Self {
        Self { design, y, weights: None, offset: None, trials: None, start: None }
    }

    /// Prior weights `w ≥ 0`, one per observation (`Var(yᵢ) = φV(μᵢ)/wᵢ`); observations with
    /// zero weight do not enter the fit or the degrees of freedom but are still fitted.
    /// Default: all ones.
    #[must_use]
    pub const fn weights(mut self, weights: &'a DVector<f64>) -> Self {
        self.weights = Some(weights);
        self
    }

    /// An offset added to the linear predictor, `η = Xθ + offset` (for example the log of an
    /// exposure). Default: zeros.
    #[must_use]
    pub const fn offset(mut self, offset: &'a DVector<f64>) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Binomial trials `n ≥ 0`, one per observation, with the response given as successes
    /// in `[0, n]`: the fit works with the proportions `y/n` and total weights `w·n`, as R's
    /// `glm(cbind(successes, failures) ~ …)` does (see [`crate::successes_failures`]). Only for
    /// [`crate::Family::Binomial`] and [`crate::Family::QuasiBinomial`]
    /// ([`Error::NotApplicable`] otherwise). Default: one trial per
    /// observation, the response being proportions.
    #[must_use]
    pub const fn trials(mut self, trials: &'a DVector<f64>) -> Self {
        self.trials = Some(trials);
        self
    }

    /// Starting coefficients, one per design column (for example the last iterate of a fit
    /// that did not converge, [`crate::Iterate::coefficients`]). Default: IRLS starts from
    /// the family's [`crate::Family::starting_mean`] (R's `mustart`), gradient ascent from
    /// `θ₀ = 0`.
    #[must_use]
    pub const fn start(mut self, theta: &'a DVector<f64>) -> Self {
        self.start = Some(theta);
        self
    }
}

/// Checks a vector's length and finiteness.
pub(crate) fn check_vector(v: &DVector<f64>, expected: usize, input: Input) -> Result<()> {
    if v.len() != expected {
        return Err(Error::DimensionMismatch { input, expected, found: v.len() });
    }
    if let Some((index, &value)) = v.iter().enumerate().find(|(_, x)| !x.is_finite()) {
        return Err(Error::NonFinite { input, index, value });
    }
    Ok(())
}
