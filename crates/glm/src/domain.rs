//! [`Domain`]: the subsets of the real line where responses, means and linear predictors lie.

/// A subset of the real line: where a response, a mean or a linear predictor may lie.
/// Every domain contains finite numbers only.
///
/// # Examples
///
/// ```
/// use glm::Domain;
///
/// assert!(Domain::OpenUnit.contains(0.5));
/// assert!(!Domain::OpenUnit.contains(1.0));
/// assert!(!Domain::Real.contains(f64::NAN));
/// assert!(Domain::Positive.contains(1e-300) && !Domain::Positive.contains(f64::INFINITY));
/// assert!(Domain::Binary.contains(1.0) && !Domain::Binary.contains(0.5));
/// assert_eq!(Domain::NonNegative.to_string(), "≥ 0");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Domain {
    /// Every finite number.
    Real,
    /// `x > 0`.
    Positive,
    /// `x ≥ 0`.
    NonNegative,
    /// `x ≠ 0`.
    NonZero,
    /// `0 < x < 1`.
    OpenUnit,
    /// `0 ≤ x ≤ 1`.
    ClosedUnit,
    /// `x ∈ {0, 1}`.
    Binary,
}

impl Domain {
    /// Whether `x` is finite and lies in the domain.
    #[must_use]
    #[expect(clippy::float_cmp, reason = "a binary response is exactly 0 or 1")]
    pub fn contains(self, x: f64) -> bool {
        x.is_finite()
            && match self {
                Domain::Real => true,
                Domain::Positive => x > 0.0,
                Domain::NonNegative => x >= 0.0,
                Domain::NonZero => x != 0.0,
                Domain::OpenUnit => x > 0.0 && x < 1.0,
                Domain::ClosedUnit => (0.0..=1.0).contains(&x),
                Domain::Binary => x == 0.0 || x == 1.0,
            }
    }
}

impl std::fmt::Display for Domain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Domain::Real => "finite",
            Domain::Positive => "> 0",
            Domain::NonNegative => "≥ 0",
            Domain::NonZero => "≠ 0",
            Domain::OpenUnit => "in (0, 1)",
            Domain::ClosedUnit => "in [0, 1]",
            Domain::Binary => "{0, 1}",
        })
    }
}
