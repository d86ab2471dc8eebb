//! [`Method`]: how [`crate::fit`] maximises the likelihood.

/// How to maximise the likelihood, chosen with [`crate::Control::method`].
///
/// # Examples
///
/// ```
/// use glm::{Control, Data, Design, Family, Method};
/// use glm::nalgebra::{dmatrix, dvector};
///
/// assert_eq!(Method::default(), Method::Irls);
/// assert_eq!(Method::ALL.map(Method::name), ["irls", "gradient-ascent"]);
/// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
/// let y = dvector![1.0, 2.0, 4.0, 7.0];
/// let mut coefficients = Vec::new();
/// for method in Method::ALL {
///     let control = Control::default().method(method).step(0.02).tolerance(1e-9).max_iter(10_000);
///     coefficients.push(glm::fit(&Data::new(&design, &y), Family::Poisson, &control)?.coefficients().clone());
/// }
/// // Both reach the same optimum.
/// assert!((&coefficients[0] - &coefficients[1]).amax() < 1e-6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Method {
    /// Iteratively reweighted least squares (Fisher scoring), each step a weighted QR solve
    /// through `lsq`, with step-halving. The default.
    #[default]
    Irls,
    /// The lesson's gradient ascent on the average log-likelihood, `θ ← θ + α·∇ℓ̄` with
    /// `ℓ̄ = (1/n)·Σ ln f(yᵢ; μᵢ, φ = 1)` over the n observations with positive weight and
    /// `∇ℓ̄ = Xᵀ[w·(y − μ)/V(μ)·dμ/dη]/n` for any link. For the families with an estimated
    /// dispersion, fixing `φ = 1` only rescales the objective; the maximiser is the same. With
    /// the lesson's fixed step and without a tolerance it runs a fixed number of steps and says
    /// so ([`crate::Convergence::FixedIterations`]); [`crate::Control::step_rule`] chooses a line
    /// search or acceleration that converges on real data ([`crate::StepRule`]).
    GradientAscent,
}

impl Method {
    /// Both methods.
    pub const ALL: [Method; 2] = [Method::Irls, Method::GradientAscent];

    /// A short, stable name, `irls` or `gradient-ascent`, as error messages and benchmark
    /// identifiers spell it (`Display` gives the long name the summary prints).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Method::Irls => "irls",
            Method::GradientAscent => "gradient-ascent",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Method::Irls => "IRLS (Fisher scoring)",
            Method::GradientAscent => "gradient ascent",
        })
    }
}
