//! The crate's error type: every invalid parameter, size or input entry becomes a typed
//! [`Error`] that carries the offending numbers.

use std::fmt;

/// Everything that can go wrong when a generator is asked for data it cannot produce.
///
/// Every variant carries the values that caused it, and every message is lowercase and
/// includes those numbers. Errors are checked before any random number is drawn, except
/// the rare [`Error::OutOfDomain`] for a gamma-mixed Poisson mean (see
/// [`negative_binomial`](crate::negative_binomial)).
///
/// # Examples
///
/// ```
/// use sim::{rng_from_seed, with_condition_number, Error};
///
/// let result = with_condition_number(5, 3, 0.5, &mut rng_from_seed(1));
/// assert!(matches!(result, Err(Error::InvalidParameter { name: "kappa", .. })));
/// if let Err(err) = result {
///     assert_eq!(err.to_string(), "invalid kappa = 0.5: must be finite and at least 1");
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// A scalar parameter (κ, a dispersion, a range end, θ, …) is outside its valid range.
    InvalidParameter {
        /// Name of the parameter, as in the function signature.
        name: &'static str,
        /// The rejected value.
        value: f64,
        /// What the value must satisfy.
        reason: &'static str,
    },
    /// A size (number of rows, columns, points or degree) is below its minimum.
    InvalidSize {
        /// Name of the size parameter.
        name: &'static str,
        /// The rejected value.
        value: usize,
        /// The smallest accepted value.
        min: usize,
    },
    /// A size is above its maximum.
    SizeTooLarge {
        /// Name of the size parameter.
        name: &'static str,
        /// The rejected value.
        value: usize,
        /// The largest accepted value.
        max: usize,
    },
    /// Two lengths that must agree do not.
    DimensionMismatch {
        /// Name of the input whose length is wrong.
        name: &'static str,
        /// The length required by the other inputs.
        expected: usize,
        /// The length received.
        found: usize,
    },
    /// One entry of an input vector (a mean, a probability, a covariate) is outside its domain.
    OutOfDomain {
        /// Name of the input vector.
        name: &'static str,
        /// Index of the first offending entry.
        index: usize,
        /// The offending entry.
        value: f64,
        /// What the entries must satisfy.
        reason: &'static str,
    },
    /// The linear predictor η or the mean μ = g⁻¹(η) is not finite, for example when
    /// `exp(η)` overflows.
    MeanOverflow {
        /// Index of the first observation whose mean is not finite.
        index: usize,
        /// The linear predictor at that index.
        eta: f64,
    },
    /// An `rows × cols` matrix would have more than `usize::MAX` entries.
    TooLarge {
        /// Requested number of rows.
        rows: usize,
        /// Requested number of columns.
        cols: usize,
    },
}

/// Result type of every fallible function in this crate.
///
/// # Examples
///
/// ```
/// fn design(m: usize) -> sim::Result<nalgebra::DMatrix<f64>> {
///     sim::intercept_gaussian(m, 2, &mut sim::rng_from_seed(3))
/// }
/// assert_eq!(design(4)?.shape(), (4, 3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidParameter { name, value, reason } => {
                write!(f, "invalid {name} = {value}: {reason}")
            }
            Self::InvalidSize { name, value, min } => {
                write!(f, "{name} = {value} is too small: need at least {min}")
            }
            Self::SizeTooLarge { name, value, max } => {
                write!(f, "{name} = {value} is too large: at most {max} is supported")
            }
            Self::DimensionMismatch { name, expected, found } => {
                write!(f, "{name} has length {found}, expected {expected}")
            }
            Self::OutOfDomain { name, index, value, reason } => {
                write!(f, "{name}[{index}] = {value} is out of range: {reason}")
            }
            Self::MeanOverflow { index, eta } => {
                write!(f, "mean is not finite at index {index} (linear predictor eta = {eta})")
            }
            Self::TooLarge { rows, cols } => {
                write!(f, "a {rows}x{cols} matrix has more than usize::MAX entries")
            }
        }
    }
}

impl std::error::Error for Error {}

/// Checks that a size parameter is at least `min`.
pub(crate) fn check_min_size(name: &'static str, value: usize, min: usize) -> Result<()> {
    if value < min { Err(Error::InvalidSize { name, value, min }) } else { Ok(()) }
}

/// Checks that `rows × cols` entries can be addressed, returning the product.
pub(crate) fn checked_entries(rows: usize, cols: usize) -> Result<usize> {
    rows.checked_mul(cols).ok_or(Error::TooLarge { rows, cols })
}

/// Checks that a scalar parameter is finite.
pub(crate) fn check_finite(name: &'static str, value: f64) -> Result<()> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(Error::InvalidParameter { name, value, reason: "must be finite" })
    }
}

/// Checks that a scalar parameter is finite and strictly positive.
pub(crate) fn check_positive(name: &'static str, value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidParameter { name, value, reason: "must be finite and positive" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(err: &Error, message: &str) {
        assert_eq!(err.to_string(), message);
        let first = message.chars().next().expect("messages are not empty");
        assert!(!first.is_uppercase(), "message starts in lowercase: {message}");
        assert!(!message.ends_with('.'), "message has no trailing period: {message}");
    }

    #[test]
    fn messages_are_lowercase_and_carry_the_numbers() {
        check(
            &Error::InvalidParameter { name: "kappa", value: -2.0, reason: "must be at least 1" },
            "invalid kappa = -2: must be at least 1",
        );
        check(
            &Error::InvalidSize { name: "m", value: 0, min: 1 },
            "m = 0 is too small: need at least 1",
        );
        check(
            &Error::SizeTooLarge { name: "n", value: 9, max: 8 },
            "n = 9 is too large: at most 8 is supported",
        );
        check(
            &Error::DimensionMismatch { name: "theta", expected: 3, found: 2 },
            "theta has length 2, expected 3",
        );
        check(
            &Error::OutOfDomain { name: "p", index: 4, value: 1.5, reason: "must lie in [0, 1]" },
            "p[4] = 1.5 is out of range: must lie in [0, 1]",
        );
        check(
            &Error::MeanOverflow { index: 7, eta: 800.0 },
            "mean is not finite at index 7 (linear predictor eta = 800)",
        );
        check(
            &Error::TooLarge { rows: 5, cols: 6 },
            "a 5x6 matrix has more than usize::MAX entries",
        );
    }

    #[test]
    fn error_is_send_sync_static() {
        fn assert_traits<T: std::error::Error + Send + Sync + Clone + 'static>() {}
        assert_traits::<Error>();
    }

    #[test]
    fn helpers_reject_bad_values() {
        assert!(matches!(check_min_size("m", 1, 2), Err(Error::InvalidSize { value: 1, .. })));
        assert!(matches!(checked_entries(usize::MAX, 2), Err(Error::TooLarge { .. })));
        assert!(matches!(check_finite("x", f64::NAN), Err(Error::InvalidParameter { .. })));
        assert!(matches!(check_positive("x", 0.0), Err(Error::InvalidParameter { .. })));
        assert!(check_positive("x", 1e-300).is_ok());
    }
}
