//! Property tests of `TallQr`: any chunking of the rows and any merge tree give the QR
//! factorization of the stacked rows, as `HouseholderQr` computes it, up to rounding.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

mod common;

use common::{chunking, merge_picks, pick_pair, weighted_problem};
use linalg_core::{DoubleDouble, HouseholderQr, TallQr, count_to_f64};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;

/// Allowed `‖RᵀR − XᵀWX‖_max` in units of `ε·‖√W·X‖_F²`.
const GRAM_TOLERANCE: f64 = 10.0;

/// Allowed relative error of the coefficients, in units of `ε·(κ₂ + κ₂²·tan θ)`, the first-order
/// sensitivity of a least-squares solution (Golub and Van Loan, theorem 5.3.1), with θ the angle
/// between `√W·y` and the column space. The `κ₂²·tan θ` term is not only for ill-conditioned
/// designs: with one column (κ₂ = 1) the coefficient is `xᵀy/xᵀx`, and when `y` is nearly
/// orthogonal to `x` that dot product cancels: the saved 7×1 case, with tan θ ≈ 18.5, was off by
/// 15 `ε·κ₂`, which is 0.8 in these units.
const COEFFICIENT_TOLERANCE: f64 = 10.0;

/// Allowed error of the residual sum of squares, in units of `ε·‖√W·y‖²`: it is accurate to
/// rounding relative to the response's own size, not to its own.
const RSS_TOLERANCE: f64 = 10.0;

/// What `HouseholderQr` in double-double says about the weighted problem, rounded to `f64`: the
/// Gram matrix `XᵀWX`, the coefficients, the residual sum of squares and `‖√W·y‖²`; with
/// `‖√W·X‖_F²`, `κ₂(√W·X)` and `tan θ` from `f64`. The double-double solution is exact to far below the
/// tolerances, so the checks measure `TallQr`'s own error.
struct Reference {
    gram: DMatrix<f64>,
    xw_norm_sq: f64,
    coefficients: DVector<f64>,
    rss: f64,
    yw_norm_sq: f64,
    kappa: f64,
    /// `‖r‖ / ‖√W·y − r‖`, the tangent of the angle between `√W·y` and the column space.
    tan_theta: f64,
}

fn reference(x: &DMatrix<f64>, y: &DVector<f64>, w: &DVector<f64>) -> Reference {
    let root = w.map(|wi| DoubleDouble::from(wi).sqrt());
    let xw = DMatrix::from_fn(x.nrows(), x.ncols(), |i, j| DoubleDouble::from(x[(i, j)]) * root[i]);
    let yw = DVector::from_fn(y.len(), |i, _| DoubleDouble::from(y[i]) * root[i]);
    let qr = HouseholderQr::new(xw.clone()).unwrap();
    let coefficients = qr.solve(&yw).unwrap();
    let residual = &yw - &xw * &coefficients;
    let to_f64 = |v: DoubleDouble| v.to_f64();
    let sum_sq =
        |v: &DVector<DoubleDouble>| v.iter().fold(DoubleDouble::ZERO, |s, &t| s + t * t).to_f64();
    let xw64 = xw.map(to_f64);
    let sv = xw64.clone().svd(false, false).singular_values;
    let fitted = (&xw * &coefficients).map(to_f64);
    Reference {
        tan_theta: residual.map(to_f64).norm() / fitted.norm(),
        gram: (xw.transpose() * &xw).map(to_f64),
        xw_norm_sq: xw64.norm_squared(),
        coefficients: coefficients.map(to_f64),
        rss: sum_sq(&residual),
        yw_norm_sq: sum_sq(&yw),
        kappa: sv.max() / sv.min(),
    }
}

/// Checks a state against the reference: `RᵀR`, the coefficients and the rss, each within its
/// tolerance times `√folds`; `R` must be upper triangular with a non-negative diagonal.
///
/// `folds` counts the row blocks folded or merged one after another: each adds its own rounding
/// to the state, so the error grows with their number (Higham, *Accuracy and Stability*, §19.3,
/// bounds it linearly; independent roundings grow like the square root). Twenty-eight rows of
/// one column pushed one by one were off by 10.8 units in the coefficient.
#[track_caller]
fn check(state: &TallQr, reference: &Reference, folds: usize) -> Result<(), TestCaseError> {
    let eps = f64::EPSILON * count_to_f64(folds).sqrt().max(1.0);
    let r = state.r();
    for j in 0..r.ncols() {
        prop_assert!(r[(j, j)] >= 0.0, "negative diagonal r[{j},{j}] = {}", r[(j, j)]);
        for i in j + 1..r.nrows() {
            prop_assert!(r[(i, j)] == 0.0, "r[{i},{j}] = {}", r[(i, j)]);
        }
    }
    let gram = (r.transpose() * &r - &reference.gram).amax() / (eps * reference.xw_norm_sq);
    prop_assert!(gram <= GRAM_TOLERANCE, "‖RᵀR − XᵀWX‖ = {gram:.2} ε‖X‖²");
    let b = state.solve().unwrap();
    let expected = &reference.coefficients;
    let relative = (b.column(0) - expected).norm() / expected.norm();
    let kappa = reference.kappa;
    let units = relative / (eps * kappa * (1.0 + kappa * reference.tan_theta));
    prop_assert!(units <= COEFFICIENT_TOLERANCE, "coefficients off by {units:.2} ε(κ + κ² tan θ)");
    let rss = (state.rss()[0] - reference.rss).abs() / (eps * reference.yw_norm_sq);
    prop_assert!(rss <= RSS_TOLERANCE, "rss off by {rss:.2} ε‖y‖²");
    Ok(())
}

/// Folds each chunk of rows into a state of its own.
fn chunk_states(
    (x, y, w): (&DMatrix<f64>, &DVector<f64>, &DVector<f64>),
    chunks: &[usize],
) -> Vec<TallQr> {
    let mut start = 0;
    chunks
        .iter()
        .map(|&len| {
            let mut state = TallQr::new(x.ncols());
            state
                .push_weighted(&x.rows(start, len), &y.rows(start, len), &w.rows(start, len))
                .unwrap();
            start += len;
            state
        })
        .collect()
}

/// Merges the states along the random tree the picks describe.
fn merge_randomly(mut states: Vec<TallQr>, picks: &[usize]) -> TallQr {
    let mut picks = picks.iter().cycle();
    while states.len() > 1 {
        let (i, j) = pick_pair(*picks.next().unwrap(), states.len());
        let (first, second) = (states[i].clone(), states[j].clone());
        let (high, low) = (i.max(j), i.min(j));
        states.remove(high);
        states.remove(low);
        states.push(first.merge(second).unwrap());
    }
    states.pop().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn chunked_folds_merged_in_any_tree_agree_with_householder_qr(
        (x, y, w) in weighted_problem(60, 12),
        chunks in chunking(60, 9),
        picks in merge_picks(),
    ) {
        let m = x.nrows();
        // The chunking covers 60 rows; keep the chunks that cover the m ≤ 60 of this problem.
        let mut kept = Vec::new();
        let mut covered = 0;
        for c in chunks {
            if covered < m {
                kept.push(c.min(m - covered));
                covered += kept[kept.len() - 1];
            }
        }
        let chunks = kept;
        let states = chunk_states((&x, &y, &w), &chunks);
        let merged = merge_randomly(states, &picks);
        prop_assert_eq!(merged.rows(), m);
        check(&merged, &reference(&x, &y, &w), chunks.len())?;
    }

    #[test]
    fn sequential_pushes_of_any_chunking_agree_with_householder_qr(
        (x, y, w) in weighted_problem(60, 12),
        chunks in chunking(60, 9),
    ) {
        let mut state = TallQr::new(x.ncols());
        let (mut start, mut pushes) = (0, 0);
        for len in chunks {
            let len = len.min(x.nrows() - start);
            state.push_weighted(&x.rows(start, len), &y.rows(start, len), &w.rows(start, len)).unwrap();
            start += len;
            pushes += usize::from(len > 0);
        }
        prop_assert_eq!(state.rows(), start);
        check(&state, &reference(&x, &y, &w), pushes)?;
    }

    #[test]
    fn merge_is_the_fold_of_the_stacked_rows(
        (x, y, w) in weighted_problem(60, 12),
        split in 0.0..1.0_f64,
    ) {
        let m = x.nrows();
        // Truncation picks a split row; both halves may be empty or short.
        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "split in [0, 1)")]
        let top = (split * count_to_f64(m)) as usize;
        let a = TallQr::from_weighted_rows(&x.rows(0, top), &y.rows(0, top), &w.rows(0, top), 1).unwrap();
        let rest = m - top;
        let b = TallQr::from_weighted_rows(&x.rows(top, rest), &y.rows(top, rest), &w.rows(top, rest), 1).unwrap();
        let stacked = TallQr::from_weighted_rows(&x, &y, &w, 1).unwrap();
        let merged = a.clone().merge(b.clone()).unwrap();
        let reference = reference(&x, &y, &w);
        check(&merged, &reference, 2)?;
        check(&stacked, &reference, 1)?;
        check(&b.merge(a).unwrap(), &reference, 2)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    /// Chunks of up to 10⁵ rows, so that the cache-sized chunking inside a push and the leaves
    /// of `from_rows` are exercised too; few cases keep the runtime modest.
    #[test]
    fn large_chunks_merged_in_any_tree_agree_with_householder_qr(
        chunks in chunking(250_000, 100_000),
        picks in merge_picks(),
        seed in 0..1000_usize,
    ) {
        let (m, n) = (250_000, 6);
        let x = DMatrix::from_fn(m, n, |i, j| {
            let t = count_to_f64((i * 7919 + j * 104_729 + seed * 31) % 10_007) / 10_007.0;
            if j == 0 { 1.0 } else { 2.0 * t - 1.0 }
        });
        let y = DVector::from_fn(m, |i, _| x[(i, 1)] - 0.5 * x[(i, 2)] + count_to_f64(i % 13) / 130.0);
        let w = DVector::from_fn(m, |i, _| 0.5 + count_to_f64(i % 3));
        let states = chunk_states((&x, &y, &w), &chunks);
        let reference = reference(&x, &y, &w);
        check(&merge_randomly(states, &picks), &reference, chunks.len())?;
        check(&TallQr::from_weighted_rows(&x, &y, &w, 2).unwrap(), &reference, 1)?;
    }
}
