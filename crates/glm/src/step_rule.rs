//! [`StepRule`]: how gradient ascent sizes its steps, chosen with [`crate::Control::step_rule`].

/// How [`crate::Method::GradientAscent`] sizes its steps, chosen with
/// [`crate::Control::step_rule`].
///
/// The lesson's [`StepRule::Fixed`] step is the default and is unchanged: on the design's own
/// columns, `θ ← θ + α·∇ℓ̄` with the α of [`crate::Control::step`]. It diverges when a column is
/// in the hundreds or thousands and crawls when the columns differ in scale, because the
/// largest eigenvalue of the information bounds the safe α while the smallest sets the rate.
/// The other two rules search for their step and, by default, work on standardised columns
/// ([`crate::Control::standardize`]) and stop by the coefficient rule of IRLS
/// ([`crate::Criterion::Coefficients`] at [`crate::IRLS_TOLERANCE`]) within
/// [`crate::GRADIENT_MAX_ITER`] iterations.
///
/// # Examples
///
/// ```
/// use glm::{Control, Data, Design, Family, Method, StepRule};
///
/// let s = sim::PoissonLesson::default().generate(&mut sim::rng_from_seed(42))?;
/// let design = Design::new(s.x.clone())?.with_intercept_column(0)?;
/// let data = Data::new(&design, &s.y);
/// let irls = glm::fit(&data, Family::Poisson, &Control::default())?;
/// for rule in [StepRule::Armijo, StepRule::Nesterov] {
///     let control = Control::default().method(Method::GradientAscent).step_rule(rule);
///     let fit = glm::fit(&data, Family::Poisson, &control)?;
///     let gap = (fit.coefficients() - irls.coefficients()).amax();
///     assert!(gap < 1e-6 * irls.coefficients().amax(), "{rule}: {gap:e}");
/// }
/// assert_eq!(StepRule::ALL.map(StepRule::name), ["fixed", "armijo", "nesterov"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum StepRule {
    /// The lesson's fixed step `α` ([`crate::Control::step`]) on the design's own columns. A
    /// step that leaves the domain or lowers the objective beyond rounding is
    /// [`crate::Error::Diverged`]. The default.
    #[default]
    Fixed,
    /// Backtracking (Armijo) line search along the gradient with a non-monotone test and
    /// cyclic Barzilai–Borwein trial steps: from a trial step, halve until
    /// `ℓ̄(θ + α∇) ≥ min(ℓ̄ over the last 10 iterates) + c·α·‖∇‖²` with `c = 10⁻⁴` (Nocedal &
    /// Wright, *Numerical Optimization*, 2nd ed., §3.1, with Grippo, Lampariello & Lucidi's
    /// non-monotone reference, SIAM J. Numer. Anal. 23, 1986), so the history may fall for a few
    /// iterations but never below the least of any 10 consecutive values. The trial step is the
    /// Barzilai–Borwein step, the inverse curvature `sᵀs/(−sᵀy)` of `ℓ̄` along the last step
    /// (Barzilai & Borwein, IMA J. Numer. Anal. 8, 1988), measured every 4 iterations and reused
    /// in between (Dai, Hager, Schittkowski & Zhang's cyclic Barzilai–Borwein method, IMA J.
    /// Numer. Anal. 26, 2006), or twice the last accepted step where that curvature is not
    /// negative (the first from [`crate::Control::step`]). Where the rise is within the rounding
    /// of `ℓ̄` it is estimated from the gradients by the trapezoid rule (with a monotone
    /// reference this is Hager & Zhang's approximate condition `∇(θ + α∇)·∇ ≥ (2c − 1)·‖∇‖²`),
    /// so that the search keeps making progress to the last digits. Its iterations grow with
    /// the condition of the information in the working coordinates, `κ`: on star98
    /// (`κ ≈ 5·10⁵` after standardisation, and no better with any diagonal scaling) it needs
    /// about 8 300, where a monotone test with the step measured afresh each iteration did not
    /// reach the default tolerance in 20 000.
    Armijo,
    /// Nesterov's accelerated gradient with backtracking and adaptive restart (Beck & Teboulle's
    /// FISTA step test with `c = 1/2`, O'Donoghue & Candès's gradient restart): the step is
    /// taken from the extrapolated point `θ_k + (k − 1)/(k + 2)·(θ_k − θ_{k−1})`, the momentum is
    /// reset when the gradient there points against the step just taken, and a step that would
    /// lower `ℓ̄` beyond rounding is replaced by a plain backtracking step from `θ_k`, so the
    /// history never falls.
    Nesterov,
}

impl StepRule {
    /// Every step rule, for tests, reports and benches.
    pub const ALL: [StepRule; 3] = [StepRule::Fixed, StepRule::Armijo, StepRule::Nesterov];

    /// A short, stable name: `fixed`, `armijo` or `nesterov`, as benchmark identifiers spell it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            StepRule::Fixed => "fixed",
            StepRule::Armijo => "armijo",
            StepRule::Nesterov => "nesterov",
        }
    }
}

impl std::fmt::Display for StepRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StepRule::Fixed => "fixed step",
            StepRule::Armijo => "Armijo line search",
            StepRule::Nesterov => "Nesterov acceleration with restart",
        })
    }
}
