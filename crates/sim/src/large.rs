//! Large regression inputs for benchmarks: up to millions of rows in O(m·n) memory and
//! O(m·n) time.

use nalgebra::{DMatrix, DVector};
use rand::Rng;

use crate::error::{Result, check_min_size, checked_entries};
use crate::numeric::{mat_vec, standard_normal, usize_to_f64};

/// The true coefficients of [`large_regression`]: βⱼ = 1/(j + 1), j = 0, …, n − 1.
///
/// # Examples
///
/// ```
/// assert_eq!(sim::large_regression_coefficients(3).as_slice(), &[1.0, 0.5, 1.0 / 3.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn large_regression_coefficients(n: usize) -> DVector<f64> {
    DVector::from_fn(n, |j, _| 1.0 / usize_to_f64(j + 1))
}

/// A large, well-conditioned linear regression problem `(X, y)` for benchmarks.
///
/// # Model
///
/// `X` is m × n: column 0 is ones, columns 1, …, n − 1 are standard normal (drawn
/// column-major, directly into the matrix's storage); then `y = X·β + e` with
/// β = [`large_regression_coefficients`]`(n)` and `e_i ~ N(0, 1)` drawn after X. For
/// m ≫ n the columns are nearly orthogonal with norms ≈ √m, so κ₂(X) ≈ 1 + O(√(n/m)):
/// timings measure the methods' cost, not their rescue from ill-conditioning.
///
/// # Algorithm
///
/// Gaussian draws pushed straight into a column-major buffer, then one plain
/// matrix–vector loop for Xβ.
///
/// # Cost
///
/// m·n normal variates plus 2mn flops; memory m·n + m values (1M × 20 is 160 MB for X),
/// never an m × m or m × n temporary. Generating 1M × 20 took about 0.5 s in a release build on the
/// development machine.
///
/// # Accuracy
///
/// Xβ carries the rounding of an n-term sum per row.
///
/// # Errors
///
/// [`Error::InvalidSize`](crate::Error::InvalidSize) if n = 0 or m < n;
/// [`Error::TooLarge`](crate::Error::TooLarge) if m·n overflows.
///
/// # Examples
///
/// ```
/// let (x, y) = sim::large_regression(10_000, 20, &mut sim::rng_from_seed(1))?;
/// assert_eq!((x.shape(), y.len()), ((10_000, 20), 10_000));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn large_regression(
    m: usize,
    n: usize,
    rng: &mut impl Rng,
) -> Result<(DMatrix<f64>, DVector<f64>)> {
    check_min_size("n", n, 1)?;
    check_min_size("m", m, n)?;
    let len = checked_entries(m, n)?;
    let mut data = Vec::with_capacity(len);
    data.resize(m, 1.0);
    data.extend((m..len).map(|_| standard_normal(rng)));
    let x = DMatrix::from_vec(m, n, data);
    let mut y = mat_vec(&x, &large_regression_coefficients(n));
    for yi in &mut y {
        *yi += standard_normal(rng);
    }
    Ok((x, y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use crate::rng_from_seed;

    #[track_caller]
    fn check(m: usize, n: usize, seed: u64) {
        let (x, y) = large_regression(m, n, &mut rng_from_seed(seed)).unwrap();
        assert_eq!((x.shape(), y.len()), ((m, n), m));
        assert!(x.column(0).iter().all(|&v| v.to_bits() == 1.0_f64.to_bits()));
        // Noise has unit variance, so β̂ is within a few 1/√m of β.
        let beta = x.clone().svd(true, true).solve(&y, 0.0).unwrap();
        let tol = 5.0 / usize_to_f64(m).sqrt();
        for (b, e) in beta.iter().zip(large_regression_coefficients(n).iter()) {
            assert!((b - e).abs() < tol, "{b} vs {e}");
        }
        let s = x.svd(false, false).singular_values;
        assert!(s.max() / s.min() < 1.5, "kappa {}", s.max() / s.min());
    }

    #[test]
    fn large_regression_is_well_conditioned_and_recovers_beta() {
        check(20_000, 5, 1);
        check(100_000, 20, 2);
        let (x, y) = large_regression(3, 3, &mut rng_from_seed(3)).unwrap();
        assert_eq!((x.shape(), y.len()), ((3, 3), 3));
    }

    #[test]
    fn invalid_sizes_are_typed_errors() {
        let rng = &mut rng_from_seed(0);
        assert!(matches!(large_regression(4, 0, rng), Err(Error::InvalidSize { name: "n", .. })));
        assert!(matches!(large_regression(4, 5, rng), Err(Error::InvalidSize { name: "m", .. })));
        assert!(matches!(large_regression(usize::MAX, 3, rng), Err(Error::TooLarge { .. })));
    }
}
