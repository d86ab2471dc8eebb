//! The column-pivoted elimination behind [`crate::PivotedQr`]: Businger–Golub or order-keeping
//! pivot choice, with column norms downdated after each step and recomputed when cancellation
//! has eaten their digits.

use nalgebra::DMatrix;

use crate::householder::norm2;
use crate::packed::Packed;
use crate::pivot_options::PivotStrategy;
use crate::scalar::Real;

/// `A·P = Q·R` in packed form, with `P` as an index list and the numerical rank.
pub(crate) struct PivotedFactors<T: Real> {
    /// `R` and the reflectors of `A·P`.
    pub(crate) packed: Packed<T>,
    /// Column `k` of `A·P` is column `permutation[k]` of `A`.
    pub(crate) permutation: Vec<usize>,
    /// The number of leading columns of `A·P` judged independent at the tolerance.
    pub(crate) rank: usize,
}

/// Factors `a` (already checked: nonempty, m ≥ n, finite) with column pivoting by `strategy`,
/// deciding rank at the relative `tolerance` (checked to lie in `[0, 1)`).
pub(crate) fn factor<T: Real>(
    a: DMatrix<T>,
    strategy: PivotStrategy,
    tolerance: f64,
) -> PivotedFactors<T> {
    let mut f = Factorizer::new(a);
    let rank = match strategy {
        PivotStrategy::LargestNorm => f.largest_norm(tolerance),
        PivotStrategy::KeepOrder => f.keep_order(tolerance),
    };
    PivotedFactors { packed: f.packed, permutation: f.permutation, rank }
}

/// Below this fraction of the reference norm (`√ε`), a downdated column norm has lost too many
/// digits to cancellation and is recomputed from the column (LAPACK `dlaqp2`'s `tol3z`; Drmač and
/// Bujanović, LAPACK Working Note 176).
fn downdate_threshold<T: Real>() -> f64 {
    T::EPSILON.sqrt()
}

/// The factorization in progress: packed storage, permutation and column norms.
struct Factorizer<T: Real> {
    packed: Packed<T>,
    permutation: Vec<usize>,
    /// Norm of what remains of each column below the rows already eliminated.
    partial: Vec<T>,
    /// The norm `partial` was last computed exactly from, for the downdating safeguard.
    reference: Vec<T>,
    /// Each column's norm before elimination (the yardstick of `KeepOrder`).
    original: Vec<T>,
}

impl<T: Real> Factorizer<T> {
    fn new(a: DMatrix<T>) -> Self {
        let (m, n) = a.shape();
        let norms: Vec<T> = a.as_slice().chunks_exact(m).map(norm2).collect();
        Self {
            packed: Packed { qr: a, tau: vec![T::ZERO; n] },
            permutation: (0..n).collect(),
            partial: norms.clone(),
            reference: norms.clone(),
            original: norms,
        }
    }

    fn largest_norm(&mut self, tolerance: f64) -> usize {
        let n = self.packed.ncols();
        for k in 0..n {
            let p = (k..n)
                .fold(k, |best, j| if self.partial[j] > self.partial[best] { j } else { best });
            if p != k {
                self.swap_columns(k, p);
            }
            self.step(k);
        }
        let threshold = tolerance * self.packed.qr[(0, 0)].abs().to_f64();
        (0..n).find(|&k| self.packed.qr[(k, k)].abs().to_f64() <= threshold).unwrap_or(n)
    }

    fn keep_order(&mut self, tolerance: f64) -> usize {
        let n = self.packed.ncols();
        let mut end = n;
        let mut k = 0;
        while k < end {
            if self.partial[k].to_f64() <= tolerance * self.original[k].to_f64() {
                self.defer_to_end(k);
                end -= 1;
                continue;
            }
            self.step(k);
            k += 1;
        }
        // Complete the factorization of the deferred columns so that A·P = Q·R holds in full.
        for k in end..n {
            self.step(k);
        }
        end
    }

    /// Eliminates column k and downdates the remaining norms.
    fn step(&mut self, k: usize) {
        self.packed.eliminate_column(k);
        let (m, n) = self.packed.qr.shape();
        let threshold = downdate_threshold::<T>();
        for j in k + 1..n {
            if self.partial[j] == T::ZERO {
                continue;
            }
            let ratio = self.packed.qr[(k, j)].abs() / self.partial[j];
            let mut remaining = T::ONE - ratio * ratio;
            if remaining < T::ZERO {
                remaining = T::ZERO;
            }
            let drift = self.partial[j] / self.reference[j];
            if (remaining * drift * drift).to_f64() <= threshold {
                let fresh = if k + 1 < m {
                    norm2(&self.packed.qr.as_slice()[j * m + k + 1..(j + 1) * m])
                } else {
                    T::ZERO
                };
                self.partial[j] = fresh;
                self.reference[j] = fresh;
            } else {
                self.partial[j] *= remaining.sqrt();
            }
        }
    }

    fn swap_columns(&mut self, i: usize, j: usize) {
        self.packed.qr.swap_columns(i, j);
        self.permutation.swap(i, j);
        self.partial.swap(i, j);
        self.reference.swap(i, j);
        self.original.swap(i, j);
    }

    /// Moves column k to the last position, shifting columns k+1..n one place left.
    fn defer_to_end(&mut self, k: usize) {
        let m = self.packed.nrows();
        self.packed.qr.as_mut_slice()[k * m..].rotate_left(m);
        self.permutation[k..].rotate_left(1);
        self.partial[k..].rotate_left(1);
        self.reference[k..].rotate_left(1);
        self.original[k..].rotate_left(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::default_rank_tolerance;
    use nalgebra::dmatrix;

    #[track_caller]
    fn check(a: &DMatrix<f64>, strategy: PivotStrategy, rank: usize, aliased: &[usize]) {
        let tolerance = default_rank_tolerance::<f64>(a.nrows(), a.ncols());
        let f = factor(a.clone(), strategy, tolerance);
        assert_eq!(f.rank, rank, "rank with {strategy:?}");
        let mut got = f.permutation[f.rank..].to_vec();
        got.sort_unstable();
        assert_eq!(got, aliased, "aliased with {strategy:?}");
        // A·P = Q·R to rounding.
        let ap = a.select_columns(&f.permutation);
        let err = (f.packed.thin_q() * f.packed.r() - ap).amax();
        assert!(err <= 64.0 * f64::EPSILON * a.amax().max(1.0), "AP != QR by {err:e}");
    }

    #[test]
    fn keep_order_aliases_the_later_duplicate_like_r() {
        let a = dmatrix![1.0, 2.0, 1.0; 1.0, 3.0, 1.0; 1.0, 5.0, 1.0; 1.0, 7.0, 1.0];
        check(&a, PivotStrategy::KeepOrder, 2, &[2]);
        check(&a, PivotStrategy::LargestNorm, 2, &[2]);
    }

    #[test]
    fn zero_columns_are_aliased() {
        let a = dmatrix![0.0, 1.0; 0.0, 2.0; 0.0, 3.0];
        check(&a, PivotStrategy::KeepOrder, 1, &[0]);
        check(&a, PivotStrategy::LargestNorm, 1, &[0]);
        let zero = DMatrix::<f64>::zeros(3, 2);
        check(&zero, PivotStrategy::LargestNorm, 0, &[0, 1]);
        check(&zero, PivotStrategy::KeepOrder, 0, &[0, 1]);
    }

    #[test]
    fn keep_order_is_invariant_to_column_scaling() {
        // Column 1 is tiny but independent; relative to its own norm it is far from aliased.
        let a = dmatrix![1.0, 1e-20; 1.0, -1e-20; 1.0, 3e-20];
        check(&a, PivotStrategy::KeepOrder, 2, &[]);
    }
}
