//! Householder reflectors: generation without overflow or underflow, and application to columns.
//!
//! A reflector is `H = I − τ·v·vᵀ` with `v[0] = 1` implicit, stored LAPACK-style: the tail
//! `v[1..]` overwrites the entries below the diagonal that it annihilates and `τ` is kept apart.
//! These kernels work on contiguous column slices and are generic over [`Real`], so the same
//! arithmetic runs in `f64` and in double-double.

use crate::scalar::Real;

/// `xᵀy` with four independent partial sums, so the compiler can keep several lanes busy.
///
/// The partial sums change the order of additions relative to a plain loop; both orders have the
/// same error bound, `|fl(xᵀy) − xᵀy| ≤ γ_n·|x|ᵀ|y|` (Higham, *Accuracy and Stability*, §3.1).
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
#[inline(always)]
pub(crate) fn dot<T: Real>(x: &[T], y: &[T]) -> T {
    debug_assert_eq!(x.len(), y.len());
    let mut acc = [T::ZERO; 4];
    let xs = x.chunks_exact(4);
    let ys = y.chunks_exact(4);
    let (x_rest, y_rest) = (xs.remainder(), ys.remainder());
    for (a, b) in xs.zip(ys) {
        acc[0] += a[0] * b[0];
        acc[1] += a[1] * b[1];
        acc[2] += a[2] * b[2];
        acc[3] += a[3] * b[3];
    }
    let mut tail = T::ZERO;
    for (&a, &b) in x_rest.iter().zip(y_rest) {
        tail += a * b;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// `y ← y + α·x`.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
#[inline(always)]
pub(crate) fn axpy<T: Real>(alpha: T, x: &[T], y: &mut [T]) {
    debug_assert_eq!(x.len(), y.len());
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
}

/// Euclidean norm that neither overflows nor loses accuracy to underflow.
///
/// The fast path sums squares directly. When that sum is infinite (some square overflowed) or
/// below [`Real::SAFE_MIN`] (the squares that matter may have underflowed), the norm is recomputed
/// as `s·‖x/s‖` with `s = max|x_i|`, which is safe for every finite input. A NaN entry gives
/// NaN, an infinite one NaN or ∞: `TallQr`'s fold relies on that to find non-finite rows from
/// its state (`Accumulator::first_non_finite_column`).
pub(crate) fn norm2<T: Real>(x: &[T]) -> T {
    let sum_sq = T::dot(x, x);
    if sum_sq.is_finite() && sum_sq.to_f64() >= T::SAFE_MIN {
        return sum_sq.sqrt();
    }
    let mut scale = T::ZERO;
    for &xi in x {
        let a = xi.abs();
        // The comparison below would skip a NaN entry; pass it on instead. (A NaN sum of
        // squares alone proves nothing: double-double's products of finite entries overflow
        // into NaN.)
        if a.to_f64().is_nan() {
            return a;
        }
        if a > scale {
            scale = a;
        }
    }
    if scale == T::ZERO {
        return T::ZERO;
    }
    let mut ssq = T::ZERO;
    for &xi in x {
        let r = xi / scale;
        ssq += r * r;
    }
    scale * ssq.sqrt()
}

/// `√(a² + b²)` without intermediate overflow or underflow.
pub(crate) fn hypot<T: Real>(a: T, b: T) -> T {
    let (a, b) = (a.abs(), b.abs());
    let (big, small) = if a >= b { (a, b) } else { (b, a) };
    if big == T::ZERO {
        return T::ZERO;
    }
    let r = small / big;
    big * (T::ONE + r * r).sqrt()
}

/// Most rescalings [`generate`] applies to a vector whose norm is below [`Real::SAFE_MIN`]; LAPACK's
/// `dlarfg` uses the same bound. Each rescaling multiplies by `1/SAFE_MIN ≥ 2⁹¹⁸`, so one always
/// suffices for a normal-range input and the bound only stops a runaway loop.
const MAX_RESCALINGS: usize = 20;

/// `−sign(a)·norm`: the sign of `β` that avoids cancellation in `a − β`.
fn signed<T: Real>(norm: T, a: T) -> T {
    if a >= T::ZERO { -norm } else { norm }
}

/// The scalars `(τ, β, 1/(α − β))` of the reflector that maps `[α, x_tail]` to `β·e₁`, from `α`
/// and `sum_sq = x_tailᵀ·x_tail` as [`Real::dot`] computes it; scaling the tail by the third
/// gives the stored `v`. `None` unless `sum_sq` is finite and at least [`Real::SAFE_MIN`] (the
/// tail is zero, or its squares may have overflowed or underflowed) and `α − β` is finite
/// (`|α| + |β|` can pass the largest value when `α` is itself a norm, as in `TallQr`'s folds):
/// [`generate`] then takes its careful path.
///
/// [`generate`] is this function followed by the scaling, so a caller that has `sum_sq` from
/// an earlier pass over the data (see `kernels::apply_new_reflector`) gets the same reflector
/// bit for bit.
pub(crate) fn reflector_scalars<T: Real>(alpha: T, sum_sq: T) -> Option<(T, T, T)> {
    if !(sum_sq.is_finite() && sum_sq.to_f64() >= T::SAFE_MIN) {
        return None;
    }
    // |β| ≥ ‖x_tail‖ ≥ √SAFE_MIN > SAFE_MIN, so `generate` would not rescale.
    let beta = signed(hypot(alpha, sum_sq.sqrt()), alpha);
    let difference = alpha - beta;
    if !difference.is_finite() {
        return None;
    }
    Some(((beta - alpha) / beta, beta, T::ONE / difference))
}

/// Generates the reflector that maps `x` to `β·e₁`, in place (LAPACK `dlarfg`).
///
/// On return `x[0] = β` and `x[1..]` holds the tail of `v` (with `v[0] = 1`); the return value is
/// `τ`, with `τ = 0` (and `x` untouched) when the tail is already zero. `β = −sign(x₀)·‖x‖`, the
/// choice that avoids cancellation in `x₀ − β`. Norms come from [`norm2`], and when `|β|` lies
/// below [`Real::SAFE_MIN`] the vector is scaled up by powers of two first, so entries near the
/// underflow threshold keep their full relative precision. When `|x₀| + |β|` passes the largest
/// value (a finite `β` whose `x₀` is nearly as large), the vector is scaled by 1/4 first, which
/// is exact and leaves `τ` and `v` as they are.
pub(crate) fn generate<T: Real>(x: &mut [T]) -> T {
    let Some((alpha, tail)) = x.split_first_mut() else {
        return T::ZERO;
    };
    // The common case: the plain sum of squares is safe (`norm2`'s fast path).
    if let Some((tau, beta, inv)) = reflector_scalars(*alpha, T::dot(tail, tail)) {
        for t in tail.iter_mut() {
            *t *= inv;
        }
        *alpha = beta;
        return tau;
    }
    let mut xnorm = norm2(tail);
    // An exactly zero tail needs no reflection at all (H = I); a tiny nonzero tail is reflected.
    if xnorm == T::ZERO {
        return T::ZERO;
    }
    let mut a = *alpha;
    let mut beta = signed(hypot(a, xnorm), a);
    let mut rescalings = 0;
    if beta.abs().to_f64() < T::SAFE_MIN {
        let up = 1.0 / T::SAFE_MIN;
        while beta.abs().to_f64() < T::SAFE_MIN && rescalings < MAX_RESCALINGS {
            rescalings += 1;
            for t in tail.iter_mut() {
                *t = t.scale(up);
            }
            beta = beta.scale(up);
            a = a.scale(up);
        }
        xnorm = norm2(tail);
        beta = signed(hypot(a, xnorm), a);
    }
    // `a − β` overflows although `β` does not: the same reflector from the vector over 4.
    let quartered = beta.is_finite() && !(a - beta).is_finite();
    if quartered {
        for t in tail.iter_mut() {
            *t = t.scale(0.25);
        }
        a = a.scale(0.25);
        beta = signed(hypot(a, norm2(tail)), a);
    }
    let tau = (beta - a) / beta;
    let inv = T::ONE / (a - beta);
    for t in tail.iter_mut() {
        *t *= inv;
    }
    for _ in 0..rescalings {
        beta = beta.scale(T::SAFE_MIN);
    }
    if quartered {
        beta = beta.scale(4.0);
    }
    *alpha = beta;
    tau
}

/// Applies `H = I − τ·v·vᵀ` (with `v = [1, v_tail]`) to one column `c` from the left, in place.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched kernels")]
#[inline(always)]
pub(crate) fn apply<T: Real>(v_tail: &[T], tau: T, c: &mut [T]) {
    if tau == T::ZERO {
        return;
    }
    let Some((c0, c_tail)) = c.split_first_mut() else {
        return;
    };
    let w = *c0 + dot(v_tail, c_tail);
    let tw = tau * w;
    *c0 -= tw;
    axpy(-tw, v_tail, c_tail);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DoubleDouble;

    #[track_caller]
    fn check(x: &[f64]) {
        let norm = x.iter().map(|v| v * v).sum::<f64>().sqrt();
        let mut work = x.to_vec();
        let tau = generate(&mut work);
        // Apply the generated reflector to the original vector: it must give (β, 0, …, 0).
        let mut image = x.to_vec();
        apply(&work[1..], tau, &mut image);
        let beta = work[0];
        let scale = x.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        assert!(
            (beta.abs() - norm).abs() <= 4.0 * f64::EPSILON * norm,
            "beta {beta} vs norm {norm}"
        );
        assert!((image[0] - beta).abs() <= 8.0 * f64::EPSILON * scale);
        for v in &image[1..] {
            assert!(v.abs() <= 8.0 * f64::EPSILON * scale, "not annihilated: {v:e}");
        }
        assert!((0.0..=2.0).contains(&tau), "tau {tau} outside [0, 2]");
    }

    #[test]
    fn reflector_maps_vector_onto_first_axis() {
        check(&[3.0, 4.0]);
        check(&[-1.0, 2.0, -3.0, 4.0, 5.0]);
        check(&[0.0, 1.0]);
        check(&[1.0, 1e-20]);
    }

    #[test]
    fn reflector_of_huge_and_tiny_vectors_keeps_full_precision() {
        // Squares of 1e±200 overflow or underflow; the scaled norm must not.
        let huge = [1e200, -2e200, 2e200];
        let mut work = huge.to_vec();
        generate(&mut work);
        assert!((work[0].abs() - 3e200).abs() <= 4.0 * f64::EPSILON * 3e200, "{}", work[0]);
        let tiny = [3e-300, 4e-300];
        let mut work = tiny.to_vec();
        generate(&mut work);
        assert!((work[0].abs() - 5e-300).abs() <= 4.0 * f64::EPSILON * 5e-300, "{}", work[0]);
        let denormal_range = [3e-320, 4e-320];
        let mut work = denormal_range.to_vec();
        let tau = generate(&mut work);
        assert!(work[0].is_finite() && tau.is_finite());
        assert!((work[0].abs() - 5e-320).abs() <= 1e-322, "{:e}", work[0]);
    }

    #[test]
    fn a_head_near_the_largest_value_gives_the_reflector_of_the_vector_scaled_down() {
        // ‖x‖ = 1.2·10³⁰⁸·√2 is finite, `x₀ − β` = −(1 + √2)·1.2·10³⁰⁸ is not.
        let (a, b) = (-1.2e308, 1.2e308);
        assert!(reflector_scalars(a, b * b).is_none());
        let mut x = [a, b];
        let tau = generate(&mut x);
        let mut expected = [a / 4.0, b / 4.0];
        let expected_tau = generate(&mut expected);
        assert_eq!(tau.to_bits(), expected_tau.to_bits());
        assert_eq!(x[1].to_bits(), expected[1].to_bits());
        assert_eq!(x[0].to_bits(), (4.0 * expected[0]).to_bits());
        let norm = std::f64::consts::SQRT_2 * 1.2e308;
        assert!((x[0] - norm).abs() <= 4.0 * f64::EPSILON * norm, "{:e}", x[0]);
        // H·x = β·e₁: the tail's image is x₁ − τ·(x₀ + v·x₁)·v, zero to rounding (in units of
        // the scaled vector, so that no product overflows).
        let w = a / 4.0 + x[1] * (b / 4.0);
        let image = b / 4.0 - tau * w * x[1];
        assert!(image.abs() <= 8.0 * f64::EPSILON * (b / 4.0), "{image:e}");
    }

    #[test]
    fn zero_tail_gives_identity_reflector() {
        let mut work = vec![-2.0, 0.0, 0.0];
        assert_eq!(generate(&mut work).to_bits(), 0.0_f64.to_bits());
        assert_eq!(work, vec![-2.0, 0.0, 0.0]);
    }

    #[test]
    #[expect(clippy::float_cmp, reason = "3-4-5 norms are exact in binary floating point")]
    fn norm_is_safe_at_both_ends_of_the_range() {
        assert_eq!(norm2(&[3e300, 4e300]), 5e300);
        let n = norm2(&[3e-310, 4e-310]);
        assert!((n - 5e-310).abs() <= 1e-323, "{n:e}");
        assert_eq!(norm2::<f64>(&[]), 0.0);
    }

    #[test]
    fn double_double_reflector_is_accurate_to_its_own_precision() {
        let x: Vec<DoubleDouble> =
            [1.0, 1.0 / 3.0, -2.0 / 7.0].iter().map(|&v| DoubleDouble::from_f64(v)).collect();
        let mut work = x.clone();
        let tau = generate(&mut work);
        let mut image = x;
        apply(&work[1..], tau, &mut image);
        for v in &image[1..] {
            assert!(v.abs().to_f64() < 1e-30, "{v:?}");
        }
    }
}
