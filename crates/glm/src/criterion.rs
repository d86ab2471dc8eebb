//! [`Criterion`]: when IRLS stops, chosen with [`crate::Control::criterion`].

/// When IRLS stops, chosen with [`crate::Control::criterion`].
///
/// The default, [`Criterion::Coefficients`], measures the last step in the coefficients' own
/// units, so that "converged" means "accurate": at the default tolerance every coefficient of a
/// fit with a unique optimum carries about 8 or more correct significant digits (the reference
/// tests measure at least 8 against the Newton-polished optimum). [`Criterion::Deviance`] is
/// R's `glm.control` rule, kept to reproduce R's iterates and iteration counts exactly; the
/// deviance is flat near the optimum, so it certifies only about the square root of its
/// tolerance in the coefficients.
///
/// # Examples
///
/// ```
/// use glm::{Control, Criterion, Data, Design, Family, Link};
/// use glm::nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0; 4.0])?;
/// let y = dvector![0.0, 0.0, 1.0, 0.0, 1.0];
/// let model = Family::Bernoulli.with_link(Link::Probit);
/// let r = glm::fit(&Data::new(&design, &y), model, &Control::default().criterion(Criterion::Deviance))?;
/// let ours = glm::fit(&Data::new(&design, &y), model, &Control::default())?;
/// // The same optimum; the coefficient rule stops closer to it.
/// assert!((ours.coefficients() - r.coefficients()).amax() < 1e-4);
/// assert!(ours.digits() >= 8.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Criterion {
    /// Stop when the last step is negligible against each coefficient's size and standard
    /// error: `max_j |Δβ_j|/(|β_j| + SE_j) < tol`, with `SE_j` from the expected information at
    /// the previous iterate (and, for the families with an estimated dispersion, Pearson's
    /// χ²/df there; for the others as if the prior weights averaged 1, which they do not move
    /// the optimum by). The measure does not depend on the units of the columns or the weights.
    /// `Δβ` is the last step; with a non-canonical link, once this measure is below [`NEWTON_SWITCH`] the
    /// steps are full Newton steps on the observed information (falling back to Fisher scoring
    /// for a step that would raise the deviance), so the last iterations converge
    /// quadratically. A step within the rounding of the weighted solve counts as 0, and a
    /// deviance rise within the rounding of `η` does not halve a step.
    ///
    /// On a tall design (at least 2¹⁷ entries and 64 rows per column, every weight positive)
    /// two things change how IRLS gets there, not where it stops. With at least 256 rows per
    /// column and no start given, it starts from the fit of a systematic subsample of the rows
    /// (a 64th, or about 64 rows per column when that is more) instead of R's starting means,
    /// falling back to those if that fit or its start fails. And with a canonical link, whose
    /// Fisher steps are Newton's and converge quadratically, it stops at the current point when
    /// the step from it, factored by QR, is negligible, returning that point rather than
    /// evaluating the step's end (whose distance to the optimum, the step's, is in the
    /// truncation bound). The default.
    #[default]
    Coefficients,
    /// R's `glm.control` rule on the deviance `D`: stop when `|D − D_old|/(|D| + 0.1) < tol`
    /// (with the 0.1 capped for deviances small only because of their units, see the crate's
    /// numerical notes), by Fisher scoring throughout. It reproduces R's iterates and
    /// "Number of Fisher Scoring iterations" exactly.
    Deviance,
    /// Stop when the Euclidean norm of the gradient of the average log-likelihood at unit
    /// dispersion, `‖∇ℓ̄‖₂`, is at most `tol` (in the units of the data, so not invariant to
    /// them), the rule gradient ascent always uses.
    GradientNorm,
}

/// The measure of [`Criterion::Coefficients`] below which IRLS with a non-canonical link takes
/// full Newton steps: a step of at most 1% of every coefficient's size plus standard error is
/// well inside the region where the log-likelihood is concave, and Newton's quadratic
/// convergence then needs one or two steps to reach rounding.
pub const NEWTON_SWITCH: f64 = 1e-2;

impl Criterion {
    /// Every criterion, for tests, reports and benches.
    pub const ALL: [Criterion; 3] =
        [Criterion::Coefficients, Criterion::Deviance, Criterion::GradientNorm];

    /// A short, stable name: `coefficients`, `deviance` or `gradient-norm`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(glm::Criterion::ALL.map(glm::Criterion::name), ["coefficients", "deviance", "gradient-norm"]);
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Criterion::Coefficients => "coefficients",
            Criterion::Deviance => "deviance",
            Criterion::GradientNorm => "gradient-norm",
        }
    }
}

impl std::fmt::Display for Criterion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Criterion::Coefficients => "max |step|/(|coefficient| + SE)",
            Criterion::Deviance => "relative deviance change (R)",
            Criterion::GradientNorm => "gradient norm",
        })
    }
}
