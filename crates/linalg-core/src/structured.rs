//! Structured Householder updates: rows folded under an upper-triangular factor.
//!
//! Factoring `[S; B]`, with `S` an N×N upper triangle and `B` a block of rows below it, takes one
//! reflector per column j. In column j, `S` is zero below its diagonal, so reflector j mixes row
//! j of `S` with the rows of `B` and touches nothing else: its vector is `e_j` on the rows of `S`
//! and a tail on the rows of `B` (Golub & Van Loan, *Matrix Computations*, 4th ed., §5.2; the
//! triangular-pentagonal QR of LAPACK's `dtpqrt2`). Applied to a column it costs `4a` flops for
//! `a` rows of `B`, where a reflector that ignored the zeros would cost `4(N + a)`.
//!
//! `B` comes in two shapes ([`Below`]): a dense block of rows, and an upper triangle (the `R` of a
//! factored chunk of rows, or of a state being merged), whose column j is nonzero in rows
//! `0..=j` only, so reflector j needs those rows only and the whole update costs `2N³/3` flops.
//! The reflectors come from [`crate::householder`] and are applied with the multi-column kernels
//! of [`crate::kernels`], so no new reflector arithmetic is introduced: only the first entry of
//! each reflector and of each column it updates lives in `S` rather than beside its tail.

use pulp::{Simd, WithSimd};

use crate::householder::{self, generate, reflector_scalars};
use crate::kernels::{axpy4, dispatch, dot4, four_columns};
use crate::scalar::Real;

/// The shape of the block `B` folded under the triangle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Below {
    /// That many dense rows.
    Dense(usize),
    /// An upper triangle: column j is read in rows `0..=j` only (the rest may hold anything).
    Upper,
}

impl Below {
    /// Rows of `B` that reflector j mixes with row j of `S`.
    fn active(self, j: usize) -> usize {
        match self {
            Below::Dense(rows) => rows,
            Below::Upper => j + 1,
        }
    }
}

/// Folds `b` under `s`: on return `s` is the upper-triangular factor `R` of `[s; b]` (so
/// `RᵀR = sᵀs + bᵀb`), up to the sign of each row.
///
/// `s` is N×N, column-major with leading dimension N and zero below its diagonal; `b` has N
/// columns, column-major with leading dimension `ld`, and the shape `below` (with
/// [`Below::Upper`], `ld ≥ N`). The entries of `b` that were read are overwritten with the
/// reflector tails, which the caller discards.
pub(crate) fn fold_under<T: Real>(s: &mut [T], n: usize, b: &mut [T], ld: usize, below: Below) {
    debug_assert_eq!(s.len(), n * n);
    debug_assert_eq!(b.len(), n * ld);
    debug_assert!(match below {
        Below::Dense(rows) => rows <= ld,
        Below::Upper => n <= ld,
    });
    dispatch(FoldUnder { s, n, b, ld, below });
}

/// [`fold_under`] as an operation for [`dispatch`].
struct FoldUnder<'a, T> {
    s: &'a mut [T],
    n: usize,
    b: &'a mut [T],
    ld: usize,
    below: Below,
}

impl<T: Real> WithSimd for FoldUnder<'_, T> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        let Self { s, n, b, ld, below } = self;
        for j in 0..n {
            let a = below.active(j);
            if a == 0 {
                return;
            }
            let (left, right) = b.split_at_mut((j + 1) * ld);
            let v = &mut left[j * ld..j * ld + a];
            let tau = reflect(&mut s[j * n + j], v);
            if tau != T::ZERO {
                apply((v, tau), s, (n, j), right, ld);
            }
        }
    }
}

/// Generates the reflector that maps `[α, tail]` to `β·e₁`, writing `β` over `α` and the tail of
/// `v` over `tail`; returns `τ`. The same reflector, bit for bit, as
/// [`householder::generate`] on the contiguous vector `[α, tail]`.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernel")]
#[inline(always)]
pub(crate) fn reflect<T: Real>(alpha: &mut T, tail: &mut [T]) -> T {
    if let Some((tau, beta, inv)) = reflector_scalars(*alpha, householder::dot(tail, tail)) {
        for t in tail.iter_mut() {
            *t *= inv;
        }
        *alpha = beta;
        return tau;
    }
    // An exactly zero tail needs no reflection (H = I), as in `generate`.
    if tail.iter().all(|&t| t == T::ZERO) {
        return T::ZERO;
    }
    // Squares near the ends of the exponent range: `generate`'s careful path, on a contiguous
    // copy (rare, so the allocation does not matter).
    let mut x = Vec::with_capacity(tail.len() + 1);
    x.push(*alpha);
    x.extend_from_slice(tail);
    let tau = generate(&mut x);
    *alpha = x[0];
    tail.copy_from_slice(&x[1..]);
    tau
}

/// Applies reflector j (`v` its tail on the rows of `B`, `τ`) to columns `j + 1..N`: the head of
/// column c is `s[j, c]`, its tail the first `v.len()` rows of column c of `B`, whose columns
/// `j + 1..` are `right`. Four columns share each pass over `v`, as in
/// `kernels::apply_reflector`, with the same operations in the same order.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernel")]
#[inline(always)]
fn apply<T: Real>(
    (v, tau): (&[T], T),
    s: &mut [T],
    (n, j): (usize, usize),
    right: &mut [T],
    ld: usize,
) {
    let a = v.len();
    let mut c = j + 1;
    let mut quads = right.chunks_exact_mut(4 * ld);
    for quad in &mut quads {
        let [c0, c1, c2, c3] = four_columns(quad, ld);
        let (c0, c1, c2, c3) = (&mut c0[..a], &mut c1[..a], &mut c2[..a], &mut c3[..a]);
        let dots = dot4(v, [&*c0, &*c1, &*c2, &*c3]);
        let mut alpha = [T::ZERO; 4];
        for (q, (dot, alpha)) in dots.iter().zip(&mut alpha).enumerate() {
            let head = &mut s[(c + q) * n + j];
            let tw = tau * (*head + *dot);
            *head -= tw;
            *alpha = -tw;
        }
        axpy4(alpha, v, [c0, c1, c2, c3]);
        c += 4;
    }
    for column in quads.into_remainder().chunks_exact_mut(ld) {
        let column = &mut column[..a];
        let head = &mut s[c * n + j];
        let tw = tau * (*head + householder::dot(v, column));
        *head -= tw;
        householder::axpy(-tw, v, column);
        c += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DoubleDouble;
    use crate::count_to_f64;
    use crate::kernels::tests::entries;
    use nalgebra::DMatrix;

    /// `sᵀs + bᵀb` against `RᵀR` of the folded triangle (formed in `f64`), to `c·(N + rows)²·ε`,
    /// and the triangle must stay upper triangular.
    #[track_caller]
    fn check<T: Real>(n: usize, rows: usize, below: Below) {
        let ld = rows.max(n);
        let mut s = DMatrix::from_vec(n, n, entries::<T>(n * n, 3));
        for j in 0..n {
            for i in j + 1..n {
                s[(i, j)] = T::ZERO;
            }
        }
        let mut b = DMatrix::from_vec(ld, n, entries::<T>(ld * n, 4));
        // The rows the shape does not read hold NaN: they must not leak in.
        let read = |i: usize, j: usize| match below {
            Below::Dense(r) => i < r,
            Below::Upper => i <= j,
        };
        let b_read =
            DMatrix::from_fn(ld, n, |i, j| if read(i, j) { b[(i, j)].to_f64() } else { 0.0 });
        for j in 0..n {
            for i in 0..ld {
                if !read(i, j) {
                    b[(i, j)] = T::from_f64(f64::NAN);
                }
            }
        }
        let s0 = s.map(Real::to_f64);
        fold_under(s.as_mut_slice(), n, b.as_mut_slice(), ld, below);
        let expected = s0.transpose() * &s0 + b_read.transpose() * &b_read;
        let folded = s.map(Real::to_f64);
        let got = folded.transpose() * &folded;
        let tol = 16.0 * count_to_f64((n + ld) * (n + ld)) * f64::EPSILON;
        let err = (&got - &expected).amax();
        assert!(err <= tol, "{n} columns, {below:?}: {err:e}");
        for j in 0..n {
            for i in j + 1..n {
                assert!(s[(i, j)] == T::ZERO, "below the diagonal at ({i}, {j})");
            }
        }
    }

    #[test]
    fn folded_triangle_has_the_gram_matrix_of_the_stacked_rows() {
        for n in [1, 2, 3, 4, 5, 9, 13] {
            for rows in [0, 1, 2, 7, 30] {
                check::<f64>(n, rows, Below::Dense(rows));
            }
            check::<f64>(n, n, Below::Upper);
            check::<f64>(n, n + 5, Below::Upper);
        }
        check::<DoubleDouble>(6, 3, Below::Dense(3));
        check::<DoubleDouble>(7, 7, Below::Upper);
    }

    #[test]
    fn the_split_reflector_equals_generate_on_the_joined_vector_bit_for_bit() {
        for x in [vec![3.0, 4.0], vec![-1.0, 2.0, 0.5], vec![2.0, 0.0, 0.0], vec![1e-300, 1e-300]] {
            let mut joined = x.clone();
            let tau = generate(&mut joined);
            let mut alpha = x[0];
            let mut tail = x[1..].to_vec();
            let got = reflect(&mut alpha, &mut tail);
            assert_eq!(got.to_bits(), tau.to_bits(), "{x:?}");
            assert_eq!(alpha.to_bits(), joined[0].to_bits(), "{x:?}");
            assert!(tail.iter().zip(&joined[1..]).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }
}
