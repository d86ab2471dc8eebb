//! `TallQr` on edge cases: one row at a time, empty pushes, wrong shapes, non-finite entries and
//! weights, determinism across thread counts, extreme scales and double-double.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

use linalg_core::{DoubleDouble, Error, HouseholderQr, TallQr, count_to_f64};
use nalgebra::{DMatrix, DVector, dmatrix, dvector};

/// A deterministic m×n design (first column ones, the others in [-1, 1) without structure) and
/// a response `y = X·β + e` with small deterministic noise.
fn problem(m: usize, n: usize) -> (DMatrix<f64>, DVector<f64>) {
    let x = DMatrix::from_fn(m, n, |i, j| {
        if j == 0 {
            1.0
        } else {
            (count_to_f64(i * 7919 + j * 104_729) * 0.754_877_666).fract() * 2.0 - 1.0
        }
    });
    let beta = DVector::from_fn(n, |j, _| 1.0 / count_to_f64(j + 1));
    let noise = DVector::from_fn(m, |i, _| (count_to_f64(i) * 0.618_033_988_7).fract() - 0.5);
    let y = &x * beta + noise * 0.1;
    (x, y)
}

/// Whether two states are equal bit for bit (signed zeros and NaNs included).
fn same_bits(a: &TallQr, b: &TallQr) -> bool {
    let bits = |s: &TallQr| s.as_augmented().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    bits(a) == bits(b) && a.rows() == b.rows() && a.nonzero_weight_rows() == b.nonzero_weight_rows()
}

/// Coefficients and rss of two states agree to `c·ε` relative (the problems here have κ ≈ 1).
#[track_caller]
fn assert_close(a: &TallQr, b: &TallQr) {
    let (ba, bb) = (a.solve().unwrap(), b.solve().unwrap());
    let err = (&ba - &bb).amax() / bb.amax();
    assert!(err <= 64.0 * f64::EPSILON, "coefficients differ by {err:e}");
    let (ra, rb) = (a.rss()[0], b.rss()[0]);
    assert!((ra - rb).abs() <= 1e-12 * rb, "rss {ra} vs {rb}");
}

#[test]
fn a_one_row_at_a_time_fold_agrees_with_the_batch_fold() {
    let (x, y) = problem(500, 7);
    let mut state = TallQr::new(7);
    for i in 0..500 {
        state.push(&x.rows(i, 1), &y.rows(i, 1)).unwrap();
    }
    assert_eq!(state.rows(), 500);
    assert_close(&state, &TallQr::from_rows(&x, &y, 1).unwrap());
}

#[test]
fn empty_pushes_change_nothing() {
    let (x, y) = problem(40, 3);
    let mut state = TallQr::from_rows(&x, &y, 1).unwrap();
    let before = state.clone();
    state.push(&DMatrix::zeros(0, 3), &DVector::zeros(0)).unwrap();
    state.push_weighted(&x.rows(0, 0), &y.rows(0, 0), &DVector::zeros(0)).unwrap();
    assert!(same_bits(&state, &before));
    let empty = TallQr::from_rows(&DMatrix::<f64>::zeros(0, 3), &DVector::zeros(0), 2).unwrap();
    assert_eq!(empty.rows(), 0);
    assert!(same_bits(&state.merge(empty).unwrap(), &before));
}

#[test]
fn wrong_widths_and_lengths_are_errors_that_leave_the_state_alone() {
    let (x, y) = problem(10, 3);
    let mut state = TallQr::from_rows(&x, &y, 1).unwrap();
    let before = state.clone();
    let err = state.push(&DMatrix::zeros(2, 4), &DVector::zeros(2)).unwrap_err();
    assert_eq!(err, Error::ColumnMismatch { operand: "x", expected: 3, found: 4 });
    // Even a block of no rows must have the right width.
    let err = state.push(&DMatrix::zeros(0, 2), &DVector::zeros(0)).unwrap_err();
    assert_eq!(err, Error::ColumnMismatch { operand: "x", expected: 3, found: 2 });
    let err = state.push(&DMatrix::zeros(2, 3), &DMatrix::zeros(2, 2)).unwrap_err();
    assert_eq!(err, Error::ColumnMismatch { operand: "y", expected: 1, found: 2 });
    let err = state.push(&DMatrix::zeros(2, 3), &DVector::zeros(3)).unwrap_err();
    assert_eq!(err, Error::DimensionMismatch { expected: 2, found: 3 });
    let err = state
        .push_weighted(&DMatrix::zeros(2, 3), &DVector::zeros(2), &DVector::zeros(1))
        .unwrap_err();
    assert_eq!(err, Error::DimensionMismatch { expected: 2, found: 1 });
    assert!(same_bits(&state, &before));
    let err = state.clone().merge(TallQr::new(4)).unwrap_err();
    assert_eq!(err, Error::ColumnMismatch { operand: "merged state's x", expected: 3, found: 4 });
    let err = state.merge(TallQr::with_responses(3, 2)).unwrap_err();
    assert_eq!(err, Error::ColumnMismatch { operand: "merged state's y", expected: 1, found: 2 });
    let err = TallQr::from_rows(&x, &DVector::zeros(9), 1).unwrap_err();
    assert_eq!(err, Error::DimensionMismatch { expected: 10, found: 9 });
    let err = TallQr::from_rows(&x, &y, 0).unwrap_err();
    assert!(matches!(err, Error::InvalidOption { name: "threads", .. }), "{err}");
}

#[test]
fn non_finite_entries_and_bad_weights_are_named() {
    let (x, y) = problem(100, 4);
    let w = DVector::from_element(100, 1.0);
    let mut state = TallQr::from_rows(&x, &y, 1).unwrap();
    let before = state.clone();
    let mut bad = x.clone();
    bad[(5, 2)] = f64::NAN;
    let err = state.push(&bad, &y).unwrap_err();
    assert!(matches!(err, Error::NonFinite { row: 5, col: 2, value } if value.is_nan()), "{err}");
    let mut bad_y = y.clone();
    bad_y[97] = f64::NEG_INFINITY;
    let err = state.push(&x, &bad_y).unwrap_err();
    assert_eq!(err, Error::NonFiniteResponse { row: 97, col: 0, value: f64::NEG_INFINITY });
    for value in [-1.0, f64::INFINITY, f64::NAN] {
        let mut bad_w = w.clone();
        bad_w[42] = value;
        let err = state.push_weighted(&x, &y, &bad_w).unwrap_err();
        assert!(matches!(err, Error::InvalidWeight { row: 42, .. }), "{err}");
    }
    // Finite entries whose weighted value overflows are named with that value.
    let mut huge = x.clone();
    huge[(3, 1)] = 1e300;
    let mut heavy = w.clone();
    heavy[3] = 1e300;
    let err = state.push_weighted(&huge, &y, &heavy).unwrap_err();
    assert_eq!(err, Error::NonFinite { row: 3, col: 1, value: f64::INFINITY });
    assert!(same_bits(&state, &before));
    // A bad entry deep inside a block of many chunks leaves the state as it was too.
    let (big_x, big_y) = problem(200_000, 4);
    let mut big_bad = big_y.clone();
    big_bad[190_000] = f64::NAN;
    let err = state.push(&big_x, &big_bad).unwrap_err();
    assert!(matches!(err, Error::NonFiniteResponse { row: 190_000, col: 0, .. }), "{err}");
    assert!(same_bits(&state, &before));
}

#[test]
fn every_thread_count_gives_the_same_bits_run_after_run() {
    // 300 000 × (3 + 1) is ten leaves, so every thread count below splits the work.
    let (x, y) = problem(300_000, 3);
    let w = DVector::from_fn(300_000, |i, _| 0.5 + count_to_f64(i % 4));
    let reference = TallQr::from_weighted_rows(&x, &y, &w, 1).unwrap();
    for threads in [1, 2, 3, 7] {
        for _ in 0..2 {
            let state = TallQr::from_weighted_rows(&x, &y, &w, threads).unwrap();
            assert!(same_bits(&state, &reference), "{threads} threads");
        }
    }
    // Two bad entries in different leaves: every thread count names the first.
    let mut bad = x.clone();
    bad[(250_000, 1)] = f64::INFINITY;
    bad[(40_000, 2)] = f64::NAN;
    for threads in [1, 2, 3, 7] {
        let err = TallQr::from_rows(&bad, &y, threads).unwrap_err();
        assert!(matches!(err, Error::NonFinite { row: 40_000, col: 2, .. }), "{threads}: {err}");
    }
}

/// Writes the rows of `[x | y]` as they are asked for.
fn copy_rows<'a>(
    x: &'a DMatrix<f64>,
    y: &'a DVector<f64>,
) -> impl Fn(usize, usize, &mut [f64]) -> usize + Sync + 'a {
    move |start, len, buf| {
        for (j, dst) in buf.chunks_exact_mut(len).enumerate() {
            let source = if j < x.ncols() { x.column(j) } else { y.column(0) };
            dst.copy_from_slice(&source.as_slice()[start..start + len]);
        }
        len
    }
}

#[test]
fn written_rows_fold_as_borrowed_rows_and_name_their_first_bad_entry() {
    // 200 000 × (3 + 1) is several chunks, so the bad entries below sit in later ones.
    let (x, y) = problem(200_000, 3);
    for threads in [1, 2] {
        let written = TallQr::from_fill(200_000, 3, 1, threads, copy_rows(&x, &y)).unwrap();
        assert!(same_bits(&written, &TallQr::from_rows(&x, &y, 1).unwrap()), "{threads}");
    }
    // The first chunk in row order whose fold is not finite, with its rows in the whole fill,
    // and the first bad column of that chunk in the written rows (the response is column 3).
    let mut bad = x.clone();
    bad[(150_001, 2)] = f64::NEG_INFINITY;
    bad[(150_001, 0)] = f64::NAN;
    let mut bad_y = y.clone();
    bad_y[190_000] = f64::INFINITY;
    bad_y[10] = f64::NAN;
    for threads in [1, 2] {
        let err = TallQr::from_fill(200_000, 3, 1, threads, copy_rows(&bad, &y)).unwrap_err();
        assert_names(&err, 150_001, 0);
        let err = TallQr::from_fill(200_000, 3, 1, threads, copy_rows(&bad, &bad_y)).unwrap_err();
        assert_names(&err, 10, 3);
        let err = TallQr::from_fill(200_000, 3, 1, threads, copy_rows(&x, &bad_y)).unwrap_err();
        assert_names(&err, 10, 3);
    }
}

/// `err` is [`Error::NonFiniteFold`] for column `col` of a chunk of at most 2¹⁷ entries that
/// holds `row`.
#[track_caller]
fn assert_names(err: &Error, row: usize, col: usize) {
    let &Error::NonFiniteFold { start, end, col: found } = err else {
        panic!("{err:?} is not a non-finite fold");
    };
    assert!((start..end).contains(&row), "{err}: row {row}");
    assert_eq!(found, col, "{err}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// One NaN or ±∞ anywhere in written rows is found from the folded state, in the chunk
    /// that holds it and in its own column, on every path of the fold: narrow states folded in
    /// row blocks, wide ones (over 128 columns) factored chunk by chunk, and in a column whose
    /// other entries are zero (where a norm that skipped the NaN would lose it).
    #[test]
    fn a_non_finite_entry_anywhere_is_found_from_the_state(
        shape in proptest::sample::select(vec![(5usize, 1usize), (300, 3), (40_000, 6), (2_100, 140)]),
        at in proptest::prelude::any::<(proptest::sample::Index, proptest::sample::Index)>(),
        value in proptest::sample::select(vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY]),
        zero_column in proptest::bool::ANY,
        threads in 1usize..3,
    ) {
        let (m, n) = shape;
        let (mut x, mut y) = problem(m, n);
        // Row and column of the augmented rows, the response last.
        let (row, col) = (at.0.index(m), at.1.index(n + 1));
        if col < n {
            if zero_column {
                x.column_mut(col).fill(0.0);
            }
            x[(row, col)] = value;
        } else {
            if zero_column {
                y.fill(0.0);
            }
            y[row] = value;
        }
        let err = TallQr::from_fill(m, n, 1, threads, copy_rows(&x, &y)).unwrap_err();
        assert_names(&err, row, col);
    }
}

/// `S·D`: the triangle's columns scaled by `d`.
fn scaled_columns(state: &TallQr, d: &[f64]) -> DMatrix<f64> {
    let mut s = state.as_augmented().clone();
    for (j, &dj) in d.iter().enumerate() {
        s.column_mut(j).scale_mut(dj);
    }
    s
}

#[test]
fn columns_whose_norms_approach_the_largest_f64_fold_to_their_scaled_triangle() {
    // Householder QR commutes with scaling a column by a power of two, so the fold of columns
    // near the top of the range must be the fold of the same columns scaled down, scaled back
    // up. Folding a row block under a diagonal entry near 10³⁰⁸ makes `α − β` of its reflector
    // overflow (LAPACK's `dlarfg` forms the same difference); the fold used to return a state
    // holding ∞ and NaN, and now reflects that vector scaled by 1/4.
    let (x, y) = problem(20_000, 3);
    let one_huge_entry = |x: &mut DMatrix<f64>| x[(7, 1)] = 1e308;
    // ‖x₁‖ ≈ 1.15·10³⁰⁸ with every entry at most 2¹⁰¹⁷ ≈ 1.4·10³⁰⁶.
    let huge_column = |x: &mut DMatrix<f64>| x.column_mut(1).scale_mut(2.0_f64.powi(1017));
    for make in [&one_huge_entry as &dyn Fn(&mut DMatrix<f64>), &huge_column] {
        let mut big = x.clone();
        make(&mut big);
        let mut small = big.clone();
        small.column_mut(1).scale_mut(2.0_f64.powi(-40));
        let reference = scaled_columns(
            &TallQr::from_rows(&small, &y, 1).unwrap(),
            &[1.0, 2.0_f64.powi(40), 1.0, 1.0],
        );
        for threads in [1, 2] {
            let state = TallQr::from_rows(&big, &y, threads).unwrap();
            for j in 0..4 {
                let (got, want) = (state.as_augmented().column(j), reference.column(j));
                let error = (got - want).amax() / want.amax();
                assert!(error <= 64.0 * f64::EPSILON, "column {j}: {error:e}");
            }
        }
    }
}

#[test]
fn rows_whose_column_norm_passes_the_largest_f64_are_an_error_not_an_infinite_state() {
    // Two blocks of 2000 rows with 1.3·10³⁰⁸ in column 1 fold on their own (the first block
    // of a state is factored as `HouseholderQr` factors it), but ‖x₁‖ = 1.3·10³⁰⁸·√2 of the
    // two together is beyond the largest f64: merged or pushed, they are an error, and a failed
    // push leaves the state as it was.
    let (mut top, top_y) = problem(2000, 3);
    let (mut bottom, bottom_y) = problem(2000, 3);
    top[(7, 1)] = 1.3e308;
    bottom[(1500, 1)] = -1.3e308;
    let mut state = TallQr::from_rows(&top, &top_y, 1).unwrap();
    let other = TallQr::from_rows(&bottom, &bottom_y, 1).unwrap();
    assert!(state.as_augmented().iter().chain(other.as_augmented().iter()).all(|v| v.is_finite()));
    let err = state.clone().merge(other).unwrap_err();
    assert_eq!(err, Error::NonFiniteFold { start: 0, end: 4000, col: 1 });
    let before = state.clone();
    let err = state.push(&bottom, &bottom_y).unwrap_err();
    assert_eq!(err, Error::NonFiniteFold { start: 0, end: 2000, col: 1 });
    assert!(same_bits(&state, &before));
    // A push of fewer rows than columns folds them directly, with the same guarantee.
    let err = state.push(&dmatrix![1.0, -1.3e308, 0.0], &dvector![1.0]).unwrap_err();
    assert_eq!(err, Error::NonFiniteFold { start: 0, end: 1, col: 1 });
    assert!(same_bits(&state, &before));
}

#[test]
fn a_push_is_a_merge_with_the_fold_of_the_block_bit_for_bit() {
    let (x, y) = problem(90_000, 5);
    let mut state = TallQr::from_rows(&x.rows(0, 1000), &y.rows(0, 1000), 1).unwrap();
    let base = state.clone();
    state.push(&x.rows(1000, 89_000), &y.rows(1000, 89_000)).unwrap();
    let block = TallQr::from_rows(&x.rows(1000, 89_000), &y.rows(1000, 89_000), 2).unwrap();
    assert!(same_bits(&state, &base.merge(block).unwrap()));
    assert_close(&state, &TallQr::from_rows(&x, &y, 1).unwrap());
}

#[test]
fn rows_of_weight_zero_are_counted_and_change_nothing() {
    let (x, y) = problem(30, 3);
    let mut w = DVector::from_element(30, 1.0);
    w[7] = 0.0;
    w[20] = 0.0;
    let weighted = TallQr::from_weighted_rows(&x, &y, &w, 1).unwrap();
    assert_eq!((weighted.rows(), weighted.nonzero_weight_rows()), (30, 28));
    let keep: Vec<usize> = (0..30).filter(|&i| w[i] > 0.0).collect();
    let kept = TallQr::from_rows(&x.select_rows(&keep), &y.select_rows(&keep), 1).unwrap();
    assert_close(&weighted, &kept);
}

#[test]
fn weights_act_as_square_roots_on_the_rows() {
    let (x, y) = problem(50, 4);
    let w = DVector::from_fn(50, |i, _| 0.25 + count_to_f64(i % 5));
    let root = w.map(f64::sqrt);
    let xw = DMatrix::from_fn(50, 4, |i, j| x[(i, j)] * root[i]);
    let yw = y.component_mul(&root);
    let mut state = TallQr::new(4);
    state.push_weighted(&x, &y, &w).unwrap();
    assert_close(&state, &TallQr::from_rows(&xw, &yw, 1).unwrap());
}

#[test]
fn r_and_qty_match_householder_qr_up_to_row_signs() {
    let (x, y) = problem(2000, 6);
    let state = TallQr::from_rows(&x, &y, 2).unwrap();
    let qr = HouseholderQr::new(x.clone()).unwrap();
    let mut qty = y.clone();
    qr.apply_qt(&mut qty).unwrap();
    let (r, mut reference) = (state.r(), qr.r());
    for i in 0..6 {
        if reference[(i, i)] < 0.0 {
            reference.row_mut(i).neg_mut();
            qty[i] = -qty[i];
        }
    }
    let scale = reference.amax();
    assert!((&r - &reference).amax() <= 1e-13 * scale, "{:e}", (&r - &reference).amax());
    let top = qty.rows(0, 6).into_owned();
    assert!((state.qty().column(0) - &top).amax() <= 1e-13 * top.amax());
    let rss = qty.rows(6, 1994).norm_squared();
    assert!((state.rss()[0] - rss).abs() <= 1e-12 * rss);
    let kappa = (state.condition_estimate() - qr.condition_estimate()).abs();
    assert!(kappa <= 1e-10 * qr.condition_estimate());
}

#[test]
fn several_responses_fit_like_separate_fits() {
    let (x, y) = problem(300, 4);
    let y2 = y.map(|v| 3.0 - v * v);
    let mut both = DMatrix::zeros(300, 2);
    both.set_column(0, &y);
    both.set_column(1, &y2);
    let joint = TallQr::from_rows(&x, &both, 1).unwrap();
    assert_eq!(joint.responses(), 2);
    let (b, rss) = (joint.solve().unwrap(), joint.rss());
    for (j, yj) in [y, y2].iter().enumerate() {
        let single = TallQr::from_rows(&x, yj, 1).unwrap();
        let bj = single.solve().unwrap();
        assert!((b.column(j) - bj.column(0)).amax() <= 1e-13 * bj.amax());
        assert!((rss[j] - single.rss()[0]).abs() <= 1e-12 * single.rss()[0]);
    }
    // No responses: R alone.
    let mut r_only = TallQr::<f64>::with_responses(4, 0);
    r_only.push(&x, &DMatrix::zeros(300, 0)).unwrap();
    assert_eq!(r_only.solve().unwrap().shape(), (4, 0));
    assert!((r_only.r() - joint.r()).amax() <= 1e-13 * joint.r().amax());
}

#[test]
fn too_few_rows_and_aliased_columns_are_refused_by_the_solve() {
    let mut state = TallQr::new(3);
    assert_eq!(state.solve().unwrap_err(), Error::Underdetermined { rows: 0, cols: 3 });
    assert!(state.condition_estimate().is_infinite());
    state.push(&dmatrix![1.0, 2.0, 3.0; 4.0, 5.0, 6.0], &dvector![1.0, 2.0]).unwrap();
    assert_eq!(state.solve().unwrap_err(), Error::Underdetermined { rows: 2, cols: 3 });
    // A zero column gives a zero pivot (and an identity reflector on the way).
    let (mut x, y) = problem(20, 3);
    x.column_mut(1).fill(0.0);
    let state = TallQr::from_rows(&x, &y, 1).unwrap();
    assert!(matches!(state.solve(), Err(Error::SingularPivot { index: 1, .. })));
    assert!(state.condition_estimate().is_infinite());
    assert!(matches!(state.solve_with_tolerance(1.5), Err(Error::InvalidOption { .. })));
}

#[test]
fn entries_near_the_ends_of_the_exponent_range_fold_without_overflow() {
    let (x, y) = problem(3000, 4);
    let reference = TallQr::from_rows(&x, &y, 1).unwrap().solve().unwrap();
    for scale in [1e-160, 1e150] {
        let (xs, ys) = (&x * scale, &y * scale);
        let mut state = TallQr::new(4);
        // Small pushes go through the structured reflectors, whose norms must be safe too.
        state.push(&xs.rows(0, 2), &ys.rows(0, 2)).unwrap();
        state.push(&xs.rows(2, 2998), &ys.rows(2, 2998)).unwrap();
        assert!(state.as_augmented().iter().all(|v| v.is_finite()), "scale {scale:e}");
        let b = state.solve().unwrap();
        assert!((b.column(0) - &reference).amax() <= 1e-12, "scale {scale:e}");
    }
}

#[test]
fn double_double_states_solve_to_double_double_accuracy() {
    let x = DMatrix::<DoubleDouble>::from_fn(40, 4, |i, j| {
        DoubleDouble::from(1.0) / DoubleDouble::from(count_to_f64(i + j + 1))
    });
    let beta =
        DVector::<DoubleDouble>::from_fn(4, |i, _| DoubleDouble::from(count_to_f64(i) - 1.5));
    let y = &x * &beta;
    let mut state = TallQr::<DoubleDouble>::new(4);
    state.push(&x.rows(0, 3), &y.rows(0, 3)).unwrap();
    state.push(&x.rows(3, 37), &y.rows(3, 37)).unwrap();
    let b = state.solve().unwrap();
    for (got, want) in b.iter().zip(beta.iter()) {
        assert!((*got - *want).abs().to_f64() < 1e-24, "{got:?} vs {want:?}");
    }
}

/// A state taken apart with `as_augmented` and put back with `from_augmented` is the same state
/// bit for bit, keeps folding and merging like the original, and malformed parts are refused
/// with the offending numbers named.
#[test]
fn from_augmented_round_trips_and_checks_its_parts() {
    let (x, y) = problem(300, 4);
    let w = DVector::from_fn(300, |i, _| if i % 5 == 0 { 0.0 } else { 1.0 + count_to_f64(i % 3) });
    let mut state = TallQr::new(4);
    state.push_weighted(&x.rows(0, 200), &y.rows(0, 200), &w.rows(0, 200)).unwrap();
    let copy = TallQr::from_augmented(
        4,
        state.as_augmented().clone(),
        state.rows(),
        state.nonzero_weight_rows(),
    )
    .unwrap();
    assert!(same_bits(&copy, &state));
    assert_eq!((copy.rows(), copy.nonzero_weight_rows()), (200, 160));
    // Both go on identically.
    let mut rest = TallQr::new(4);
    rest.push_weighted(&x.rows(200, 100), &y.rows(200, 100), &w.rows(200, 100)).unwrap();
    assert!(same_bits(&copy.merge(rest.clone()).unwrap(), &state.clone().merge(rest).unwrap()));

    let s = state.as_augmented().clone();
    let bad = |e: Error| match e {
        Error::InvalidState { reason } => reason,
        other => panic!("expected InvalidState, got {other:?}"),
    };
    let narrow = bad(TallQr::from_augmented(6, s.clone(), 200, 160).unwrap_err());
    assert!(narrow.contains("6 design columns") && narrow.contains("5×5"), "{narrow}");
    let mut below = s.clone();
    below[(3, 1)] = 0.5;
    let below = bad(TallQr::from_augmented(4, below, 200, 160).unwrap_err());
    assert!(below.contains("(3, 1)") && below.contains("0.5"), "{below}");
    let mut nan = s.clone();
    nan[(0, 2)] = f64::NAN;
    assert!(bad(TallQr::from_augmented(4, nan, 200, 160).unwrap_err()).contains("NaN"));
    let counts = bad(TallQr::from_augmented(4, s.clone(), 10, 11).unwrap_err());
    assert!(counts.contains("11 rows of nonzero weight among 10"), "{counts}");
    let square =
        bad(TallQr::from_augmented(4, s.columns(0, 4).into_owned(), 200, 160).unwrap_err());
    assert!(square.contains("5×4"), "{square}");
}
