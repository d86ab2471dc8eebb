//! Small numerical helpers shared by the generators: conversions, Gaussian fills and the
//! deterministic matrix–vector loops (plain multiply-add, no FMA, fixed summation order).

use nalgebra::{DMatrix, DVector};
use rand::{Rng, RngExt};
use rand_distr::StandardNormal;

use crate::error::{Result, checked_entries};

/// Converts a count or index to `f64`.
///
/// Exact for every value up to 2⁵³, far beyond any size this crate allocates.
#[expect(clippy::cast_precision_loss, reason = "counts stay below 2^53, where the cast is exact")]
pub(crate) fn usize_to_f64(n: usize) -> f64 {
    n as f64
}

/// Converts a sampled count (Binomial successes) to `f64`; exact below 2⁵³.
#[expect(clippy::cast_precision_loss, reason = "counts stay below 2^53, where the cast is exact")]
pub(crate) fn count_to_f64(n: u64) -> f64 {
    n as f64
}

/// Draws one standard normal variate.
pub(crate) fn standard_normal(rng: &mut impl Rng) -> f64 {
    rng.sample(StandardNormal)
}

/// An `m × n` matrix of independent standard normal entries, drawn in column-major order
/// (column 0 top to bottom, then column 1, …).
pub(crate) fn gaussian_fill(m: usize, n: usize, rng: &mut impl Rng) -> Result<DMatrix<f64>> {
    let len = checked_entries(m, n)?;
    let mut data = Vec::with_capacity(len);
    data.extend((0..len).map(|_| standard_normal(rng)));
    Ok(DMatrix::from_vec(m, n, data))
}

/// `a · x` with a fixed summation order: column by column, y += a[:, j]·x[j].
///
/// Written out instead of using nalgebra's `*` so that the result does not depend on which
/// BLAS-like kernel (with or without FMA) the host CPU selects.
pub(crate) fn mat_vec(a: &DMatrix<f64>, x: &DVector<f64>) -> DVector<f64> {
    debug_assert_eq!(a.ncols(), x.len());
    let mut y = DVector::zeros(a.nrows());
    for (column, &xj) in a.column_iter().zip(x.iter()) {
        for (yi, &aij) in y.iter_mut().zip(column.iter()) {
            *yi += aij * xj;
        }
    }
    y
}

/// `aᵀ · y` with a fixed summation order (one plain dot product per column).
pub(crate) fn mat_tr_vec(a: &DMatrix<f64>, y: &DVector<f64>) -> DVector<f64> {
    debug_assert_eq!(a.nrows(), y.len());
    DVector::from_iterator(
        a.ncols(),
        a.column_iter().map(|column| column.iter().zip(y.iter()).map(|(&aij, &yi)| aij * yi).sum()),
    )
}

/// Euclidean norm with a fixed summation order.
pub(crate) fn norm2(x: &DVector<f64>) -> f64 {
    x.iter().map(|&v| v * v).sum::<f64>().sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng_from_seed;

    #[track_caller]
    fn check(a: &DMatrix<f64>, x: &DVector<f64>) {
        let reference = a * x;
        let ours = mat_vec(a, x);
        for (u, v) in ours.iter().zip(reference.iter()) {
            approx::assert_relative_eq!(*u, *v, max_relative = 8.0 * f64::EPSILON, epsilon = 1e-14);
        }
        let y = DVector::from_fn(a.nrows(), |i, _| usize_to_f64(i) - 1.5);
        let reference = a.transpose() * &y;
        for (u, v) in mat_tr_vec(a, &y).iter().zip(reference.iter()) {
            approx::assert_relative_eq!(*u, *v, max_relative = 8.0 * f64::EPSILON, epsilon = 1e-14);
        }
    }

    #[test]
    fn loops_match_nalgebra_products() {
        let mut rng = rng_from_seed(5);
        let a = gaussian_fill(7, 3, &mut rng).unwrap();
        check(&a, &DVector::from_vec(vec![1.0, -2.0, 0.5]));
        check(&DMatrix::from_element(1, 1, 3.0), &DVector::from_element(1, 2.0));
    }

    #[test]
    fn gaussian_fill_is_column_major() {
        let a = gaussian_fill(3, 2, &mut rng_from_seed(9)).unwrap();
        let mut rng = rng_from_seed(9);
        let first: Vec<f64> = (0..4).map(|_| standard_normal(&mut rng)).collect();
        assert_eq!(a[(0, 0)].to_bits(), first[0].to_bits());
        assert_eq!(a[(1, 0)].to_bits(), first[1].to_bits());
        assert_eq!(a[(0, 1)].to_bits(), first[3].to_bits());
    }

    #[test]
    fn conversions_are_exact_for_counts() {
        assert_eq!(usize_to_f64(1 << 40).to_bits(), 1_099_511_627_776.0_f64.to_bits());
        assert_eq!(count_to_f64(12).to_bits(), 12.0_f64.to_bits());
        approx::assert_relative_eq!(norm2(&DVector::from_vec(vec![3.0, 4.0])), 5.0);
    }
}
