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

impl Domain {
    /// The first index of `values` outside the domain, if any: the test of [`Domain::contains`]
    /// in one loop per domain (no match per value), over chunks of 64 values without branches,
    /// which the compiler vectorises; only a chunk holding a value outside is searched again.
    #[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operations")]
    #[inline(always)]
    pub(crate) fn first_outside(self, values: &[f64]) -> Option<usize> {
        match self {
            Domain::Real => first_failing(values, |x| Domain::Real.contains(x)),
            Domain::Positive => first_failing(values, |x| Domain::Positive.contains(x)),
            Domain::NonNegative => first_failing(values, |x| Domain::NonNegative.contains(x)),
            Domain::NonZero => first_failing(values, |x| Domain::NonZero.contains(x)),
            Domain::OpenUnit => first_failing(values, |x| Domain::OpenUnit.contains(x)),
            Domain::ClosedUnit => first_failing(values, |x| Domain::ClosedUnit.contains(x)),
            Domain::Binary => first_failing(values, |x| Domain::Binary.contains(x)),
        }
    }
}

/// The first index of `values` that fails `inside`, testing chunks of 64 with `&` (not `&&`),
/// so that a chunk's test has no branch.
#[inline(always)]
fn first_failing(values: &[f64], inside: impl Fn(f64) -> bool) -> Option<usize> {
    const CHUNK: usize = 64;
    for (c, chunk) in values.chunks(CHUNK).enumerate() {
        if !chunk.iter().fold(true, |all, &x| all & inside(x)) {
            return chunk.iter().position(|&x| !inside(x)).map(|k| c * CHUNK + k);
        }
    }
    None
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `first_outside` finds the first value that `contains` refuses, in every domain, wherever
    /// it lies against the chunks (first, inside, last, in the ragged tail) and when there is none.
    #[test]
    fn first_outside_is_the_first_value_contains_refuses() {
        let domains = [
            Domain::Real,
            Domain::Positive,
            Domain::NonNegative,
            Domain::NonZero,
            Domain::OpenUnit,
            Domain::ClosedUnit,
            Domain::Binary,
        ];
        let probes = [0.0, -0.0, 0.5, 1.0, -1.0, 2.0, 1e-300, f64::INFINITY, f64::NAN];
        for domain in domains {
            let good = probes.iter().copied().find(|&v| domain.contains(v)).expect("a member");
            for len in [0, 1, 63, 64, 65, 200] {
                let values = vec![good; len];
                assert_eq!(domain.first_outside(&values), None, "{domain:?} {len}");
                for bad in probes.iter().copied().filter(|&v| !domain.contains(v)) {
                    for at in [0, len / 2, len.saturating_sub(1), 64, 130] {
                        if at >= len {
                            continue;
                        }
                        let mut v = values.clone();
                        v[at] = bad;
                        if at + 3 < len {
                            v[at + 3] = bad;
                        }
                        assert_eq!(domain.first_outside(&v), Some(at), "{domain:?} {bad} at {at}");
                    }
                }
            }
        }
    }
}
