//! `κ₂` of the design from the triangular factor of its QR factorization, with no SVD of the
//! m×n design and no overflow or underflow for any finite design.
//!
//! With `X̃ = X·2^C = Q·R` (the equilibrated design, weighted), `σ(X̃) = σ(R)`, so `κ₂` of the
//! design as given is `κ₂(R·2^{−C})` and `κ₂` of the design with unit columns is `κ₂(R·N⁻¹)`,
//! `N` the column norms of `R`. Each is computed as `‖A‖₂·‖A⁻¹‖₂` from the largest singular
//! values of `A` and of `A⁻¹` (`2^C·R⁻¹`, `N·R⁻¹`), both n×n, with the powers of two kept as
//! exponents until the end.

use nalgebra::DMatrix;
use nalgebra::linalg::SVD;

use crate::scaling::{exponent, scale_by};
use crate::unavailable::Unavailable;

/// Entries smaller than `2^−(FLUSH_BITS + ⌈log₂ n⌉)` times the largest entry are set to zero
/// before the SVD: that changes `‖A‖₂ ≥ max|aᵢⱼ|` by at most `n·2^{−FLUSH_BITS − ⌈log₂ n⌉}`
/// relative, below `2⁻⁶⁰`, and keeps every entry handed to nalgebra within 2⁸⁰ or so of the
/// largest, where its SVD's sums of squares cannot underflow into a division by zero.
const FLUSH_BITS: i32 = 61;

/// LAPACK's `dbdsqr` allows `6n²` QR sweeps before giving up; nalgebra counts them the same way.
fn max_sweeps(n: usize) -> usize {
    6 * n * n + 6
}

/// `κ₂` of the design as given (`R·2^{−C}`, `exponents[k]` the `c` of the design column at
/// pivot position k) and of the design with unit columns (`R·N⁻¹`), for the rank×rank factor
/// `r` of the equilibrated design.
///
/// A value beyond the range of `f64` is [`Unavailable::OutOfRange`]; so is the case of an `R`
/// whose inverse overflows or has a zero pivot (then `κ₂` is at least about `2¹⁰²²/n`, or
/// infinite). An SVD that does not converge gives [`Unavailable::NotComputed`].
pub(crate) fn condition_numbers(
    r: &DMatrix<f64>,
    exponents: &[i32],
) -> (Result<f64, Unavailable>, Result<f64, Unavailable>) {
    let n = r.ncols();
    let upper = DMatrix::from_fn(n, n, |i, j| if i <= j { r[(i, j)] } else { 0.0 });
    let inverse = upper_inverse(&upper);
    if !inverse.iter().all(|v| v.is_finite()) {
        return (Err(Unavailable::OutOfRange), Err(Unavailable::OutOfRange));
    }
    let zero = vec![0; n];
    let negated: Vec<i32> = exponents.iter().map(|&c| -c).collect();
    let given = product(
        norm2(&upper, &zero, &negated)
            .and_then(|a| norm2(&inverse, exponents, &zero).map(|b| (a, b))),
    );
    let norms: Vec<f64> = upper.column_iter().map(|c| c.norm()).collect();
    let unit = DMatrix::from_fn(n, n, |i, j| upper[(i, j)] / norms[j]);
    let unit_inverse = DMatrix::from_fn(n, n, |i, j| norms[i] * inverse[(i, j)]);
    let scaled = product(
        norm2(&unit, &zero, &zero).and_then(|a| norm2(&unit_inverse, &zero, &zero).map(|b| (a, b))),
    );
    (given, scaled)
}

/// A 2-norm `s·2^e` as `(s, e)`.
type Norm = (f64, i32);

/// `R⁻¹` for an upper-triangular `R`, column by column by back substitution (Higham, Alg. 14.2),
/// without the singularity threshold of `linalg_core::back_substitute`: a nearly singular `R`
/// (which only a small rank tolerance lets through) has a large but meaningful inverse, and
/// only an exactly zero pivot or an overflow leaves non-finite entries.
fn upper_inverse(r: &DMatrix<f64>) -> DMatrix<f64> {
    let n = r.ncols();
    let mut inverse = DMatrix::zeros(n, n);
    for j in 0..n {
        inverse[(j, j)] = 1.0 / r[(j, j)];
        for i in (0..j).rev() {
            let s = (i + 1..=j).fold(0.0, |s, k| s + r[(i, k)] * inverse[(k, j)]);
            inverse[(i, j)] = -s / r[(i, i)];
        }
    }
    inverse
}

/// `‖A‖₂·‖A⁻¹‖₂` from the two norms.
fn product(norms: Result<(Norm, Norm), Unavailable>) -> Result<f64, Unavailable> {
    let ((a, ea), (b, eb)) = norms?;
    let kappa = scale_by(a * b, ea + eb);
    if kappa.is_finite() { Ok(kappa) } else { Err(Unavailable::OutOfRange) }
}

/// `‖diag(2^rows)·M·diag(2^cols)‖₂` as `(s, e)` with the value `s·2^e`: the entries are brought
/// to a largest of about 1 by one power of two, the negligible ones flushed (see
/// [`FLUSH_BITS`]), and the largest singular value taken from nalgebra's SVD.
fn norm2(m: &DMatrix<f64>, rows: &[i32], cols: &[i32]) -> Result<Norm, Unavailable> {
    let (k, n) = m.shape();
    let size = |i: usize, j: usize| exponent(m[(i, j)]) + rows[i] + cols[j];
    let Some(largest) = (0..n)
        .flat_map(|j| (0..k).map(move |i| (i, j)))
        .filter(|&(i, j)| m[(i, j)] != 0.0)
        .map(|(i, j)| size(i, j))
        .max()
    else {
        return Ok((0.0, 0));
    };
    let flush = FLUSH_BITS + log2_ceil(k.max(n));
    let a = DMatrix::from_fn(k, n, |i, j| {
        if m[(i, j)] == 0.0 || size(i, j) < largest - flush {
            0.0
        } else {
            scale_by(m[(i, j)], rows[i] + cols[j] - largest)
        }
    });
    let svd = SVD::try_new_unordered(a, false, false, f64::EPSILON, max_sweeps(k.max(n)))
        .ok_or(Unavailable::NotComputed)?;
    let s = svd.singular_values.iter().fold(0.0_f64, |big, &v| big.max(v));
    if s.is_finite() && svd.singular_values.iter().all(|v| !v.is_nan()) {
        Ok((s, largest))
    } else {
        Err(Unavailable::NotComputed)
    }
}

/// `⌈log₂ n⌉` for `n ≥ 1`.
fn log2_ceil(n: usize) -> i32 {
    i32::try_from(usize::BITS - n.saturating_sub(1).leading_zeros()).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::dmatrix;

    /// κ₂ from the factor against κ₂ from nalgebra's SVD of the design itself.
    #[track_caller]
    fn check(x: &DMatrix<f64>) {
        let s = x.clone().svd(false, false).singular_values;
        let expected = s.max() / s.min();
        let qr = linalg_core::HouseholderQr::new(x.clone()).unwrap();
        let (given, _) = condition_numbers(&qr.r(), &vec![0; x.ncols()]);
        let kappa = given.unwrap();
        assert!((kappa - expected).abs() <= 1e-10 * expected, "{kappa} vs {expected}");
    }

    #[test]
    fn the_factor_gives_the_condition_number_of_the_design() {
        check(&dmatrix![1.0, 0.0; 0.0, 1.0; 0.0, 0.0]);
        check(&dmatrix![1.0, 70.0, 177.0; 1.0, 86.0, 190.0; 1.0, 63.0, 180.0; 1.0, 62.0, 172.0]);
        check(&dmatrix![1.0, 1.0; 1.0, 1.0 + 1e-6; 1.0, 1.0]);
    }

    #[test]
    fn graded_columns_neither_overflow_nor_produce_nan() {
        // R of [e₁, 2⁻⁹⁹⁰·(e₁ + e₂)] equilibrated: the given κ₂ is about 2⁹⁹⁰·√2.
        let r =
            dmatrix![1.0, std::f64::consts::FRAC_1_SQRT_2; 0.0, std::f64::consts::FRAC_1_SQRT_2];
        let (given, scaled) = condition_numbers(&r, &[0, 990]);
        let given = given.unwrap();
        assert!((given.log2() - 990.0).abs() < 1.0, "{given:e}");
        assert!((scaled.unwrap() - (1.0 + std::f64::consts::SQRT_2)).abs() < 1e-12);
        let (beyond, scaled) = condition_numbers(&r, &[-600, 600]);
        assert_eq!(beyond, Err(Unavailable::OutOfRange));
        assert!(scaled.is_ok());
    }
}
