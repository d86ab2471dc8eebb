//! [`Convergence`], how an iterative fit ended, and the outcome both fitting loops hand to
//! [`crate::fit`].

use nalgebra::DVector;

use crate::problem::Evaluation;

/// How an iterative fit ended ([`crate::GlmFit::convergence`]).
///
/// # Examples
///
/// ```
/// use glm::{Control, Convergence, Data, Design, Family, Method};
/// use glm::nalgebra::{dmatrix, dvector};
///
/// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
/// let y = dvector![1.0, 2.0, 4.0, 7.0];
/// let data = Data::new(&design, &y);
/// let irls = glm::fit(&data, Family::Poisson, &Control::default())?;
/// assert!(matches!(irls.convergence(), Convergence::Converged { measure, tolerance, .. } if measure < tolerance));
/// let lesson = Control::default().method(Method::GradientAscent).step(0.02).max_iter(40);
/// let ga = glm::fit(&data, Family::Poisson, &lesson)?;
/// assert!(matches!(ga.convergence(), Convergence::FixedIterations { iterations: 40, .. }));
/// assert_eq!(ga.convergence().iterations(), 40);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Convergence {
    /// The convergence test was met: for IRLS R's `|D − D_old|/(|D| + 0.1) < tol`, for
    /// gradient ascent with the fixed step and a tolerance `‖∇ℓ̄‖₂ ≤ tol`, with a searching
    /// [`crate::StepRule`] the measure of [`crate::Control::criterion`] below `tol`.
    Converged {
        /// Iterations run.
        iterations: usize,
        /// The final value of the convergence measure.
        measure: f64,
        /// The tolerance it met.
        tolerance: f64,
    },
    /// Gradient ascent without a tolerance ran the fixed number of steps it was given. This
    /// is not a claim of convergence; the gradient norm at the last iterate says how far from
    /// stationary it is.
    FixedIterations {
        /// Steps taken.
        iterations: usize,
        /// `‖∇ℓ̄‖₂` at the last iterate.
        gradient_norm: f64,
    },
}

impl Convergence {
    /// Iterations run (R's "Number of Fisher Scoring iterations" for IRLS); the fit's
    /// history has one more entry, its starting point.
    #[must_use]
    pub fn iterations(&self) -> usize {
        match *self {
            Convergence::Converged { iterations, .. }
            | Convergence::FixedIterations { iterations, .. } => iterations,
        }
    }
}

/// What a successful iterative fit returns.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    /// Reduced coefficients (one per kept column).
    pub(crate) gamma: DVector<f64>,
    /// The per-iteration history, entry 0 at the start.
    pub(crate) history: Vec<f64>,
    pub(crate) convergence: Convergence,
    /// Step halvings over all iterations.
    pub(crate) halvings: usize,
    /// The observation whose mean the last full IRLS step took out of its domain, when that
    /// step was halved for it (the fit may then be held at the domain's boundary).
    pub(crate) boundary: Option<usize>,
    /// IRLS iterations that took a full Newton step on the observed information.
    pub(crate) newton_steps: usize,
    /// An estimate of each reduced coefficient's distance to the optimum from IRLS's last
    /// steps; `None` for gradient ascent, whose distance the fit estimates from a
    /// Fisher-scoring step at its last iterate.
    pub(crate) truncation: Option<DVector<f64>>,
    /// `η`, `μ` and the deviance at `gamma`, when the method already has them (IRLS's last
    /// trial point is its result), so that the fit does not evaluate them again.
    pub(crate) evaluation: Option<Evaluation>,
    /// Whether IRLS's coefficient criterion stopped only because the weighted solve's rounding
    /// covers a last step that was not negligible against its coefficients
    /// ([`crate::information::Scoring::masked`]): an exact fit, or a fit drifting under
    /// separation, which [`crate::fit`] then checks.
    pub(crate) unresolved: bool,
}
