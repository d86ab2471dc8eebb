//! The streaming `Accumulator`: any chunking and any merge tree give the in-memory fit to
//! `10·ε·κ`, NIST datasets keep their digits and the digits estimate does not overclaim, and bad
//! chunks get typed errors that leave the state as it was.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

#[path = "common/nist.rs"]
mod nist;

use lsq::{Accumulator, Design, Error, FitOptions, Unavailable};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;

/// A regression with an intercept, correlated columns (κ grows with `mix`), noise and weights
/// with zeros.
fn problem(seed: u64, m: usize, p: usize, mix: f64) -> (DMatrix<f64>, DVector<f64>, DVector<f64>) {
    let mut rng = sim::rng_from_seed(seed);
    let mut x = sim::intercept_gaussian(m, p - 1, &mut rng).unwrap();
    for j in 2..p {
        let previous = x.column(j - 1).into_owned();
        x.column_mut(j).axpy(mix, &previous, 1.0);
    }
    let beta = DVector::from_fn(p, |j, _| 1.0 - 0.3 * linalg_core::count_to_f64(j));
    let y = &x * &beta + sim::gaussian(&DVector::zeros(m), 0.7, &mut rng).unwrap();
    let w =
        DVector::from_fn(
            m,
            |i, _| if i % 11 == 5 { 0.0 } else { 0.5 + linalg_core::count_to_f64(i % 4) },
        );
    (x, y, w)
}

/// Pushes the rows of `x`, `y`, `w` cut at `cuts` into one accumulator per piece, then merges
/// them along the tree `order` (pairs of positions in a shrinking list).
fn streamed(
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    w: Option<&DVector<f64>>,
    cuts: &[usize],
    order: &[usize],
) -> Accumulator {
    let empty = Accumulator::new(x.ncols()).with_intercept_column(0).unwrap();
    let mut bounds = vec![0];
    bounds.extend(cuts.iter().copied().filter(|&c| c > 0 && c < x.nrows()));
    bounds.push(x.nrows());
    bounds.sort_unstable();
    bounds.dedup();
    let mut pieces: Vec<Accumulator> = bounds
        .windows(2)
        .map(|b| {
            let mut acc = empty.clone();
            let (rows, ys) =
                (x.rows(b[0], b[1] - b[0]).into_owned(), y.rows(b[0], b[1] - b[0]).into_owned());
            match w {
                Some(w) => {
                    acc.push_weighted(&rows, &ys, &w.rows(b[0], b[1] - b[0]).into_owned()).unwrap();
                }
                None => acc.push(&rows, &ys).unwrap(),
            }
            acc
        })
        .collect();
    let mut k = 0;
    while pieces.len() > 1 {
        let i = order.get(k).copied().unwrap_or(0) % (pieces.len() - 1);
        k += 1;
        let right = pieces.remove(i + 1);
        let left = pieces.remove(i);
        pieces.insert(i, left.merge(right).unwrap());
    }
    pieces.pop().unwrap()
}

/// The streamed fit against `lsq::fit` on the same rows: every statistic to `10·ε·κ`
/// relative (κ the fit's condition estimate, times the size factor of the merges).
#[track_caller]
fn check_against_memory(
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    w: Option<&DVector<f64>>,
    acc: &Accumulator,
) {
    let design = Design::new(x.clone()).unwrap().with_intercept_column(0).unwrap();
    let options = w.map_or_else(FitOptions::default, |w| FitOptions::default().weights(w.clone()));
    let whole = lsq::fit(&design, y, &options).unwrap();
    let stream = acc.finish().unwrap();
    let kappa = whole.diagnostics().condition_estimate;
    let bound = 10.0 * f64::EPSILON * kappa * linalg_core::count_to_f64(x.nrows()).sqrt();
    let close = |a: f64, b: f64, what: &str| {
        assert!(
            (a - b).abs() <= bound * b.abs().max(1e-300),
            "{what}: {a} vs {b} (bound {bound:e})"
        );
    };
    let scale = whole.coefficients().amax();
    for j in 0..x.ncols() {
        let (a, b) = (stream.coefficients()[j], whole.coefficients()[j]);
        assert!((a - b).abs() <= bound * scale, "β{j}: {a} vs {b}");
        close(stream.std_errors()[j], whole.std_errors()[j], "SE");
        // A tail probability is ill-conditioned in t: `d ln p/d ln t ≈ −t²` far out.
        let t = whole.t_values()[j].unwrap();
        let (a, b) = (stream.p_values()[j].unwrap(), whole.p_values()[j].unwrap());
        assert!((a - b).abs() <= bound * (1.0 + t * t) * b, "p{j}: {a} vs {b}");
    }
    close(stream.sigma().unwrap(), whole.sigma().unwrap(), "σ̂");
    close(stream.r_squared().unwrap(), whole.r_squared().unwrap(), "R²");
    close(stream.adj_r_squared().unwrap(), whole.adj_r_squared().unwrap(), "adjusted R²");
    close(stream.f_statistic().unwrap(), whole.f_statistic().unwrap(), "F");
    assert_eq!(stream.observations(), whole.observations());
    assert_eq!(stream.df_residual(), whole.df_residual());
    let ratio = stream.condition_estimate() / kappa;
    assert!((0.2..5.0).contains(&ratio), "κ {} vs {kappa}", stream.condition_estimate());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random chunkings (single rows up to thousands) and random merge trees, weighted or not.
    #[test]
    fn any_chunking_and_merge_order_gives_the_in_memory_fit(
        seed in 0_u64..1000,
        m in 40_usize..3000,
        p in 2_usize..8,
        mix in prop_oneof![Just(0.0), Just(0.9), Just(3.0)],
        cuts in proptest::collection::vec(0_usize..3000, 0..12),
        order in proptest::collection::vec(0_usize..64, 0..16),
        single_rows in 0_usize..6,
        weighted in any::<bool>(),
    ) {
        let (x, y, w) = problem(seed, m, p, mix);
        // A run of one-row chunks at the start, so that the smallest chunks are exercised.
        let mut cuts = cuts;
        cuts.extend(1..=single_rows);
        let w = weighted.then_some(&w);
        let acc = streamed(&x, &y, w, &cuts, &order);
        prop_assert_eq!(acc.rows(), m);
        check_against_memory(&x, &y, w, &acc);
    }
}

/// NIST datasets pushed a row at a time keep the digits the whole-design QR path is required
/// to keep (the `nist` suite's thresholds for `Method::Qr`, less one for the absent
/// equilibration), and the digits estimate never claims more than the measured LRE.
#[test]
fn nist_rows_one_at_a_time_keep_their_digits_and_the_estimate_does_not_overclaim() {
    for (name, threshold) in [
        ("Norris", 12.0),
        ("Pontius", 9.0),
        ("Longley", 11.0),
        ("Wampler1", 8.0),
        ("Wampler2", 12.0),
        ("Wampler3", 8.0),
    ] {
        let data = nist::load(name);
        let x = data.design.matrix();
        let mut acc = Accumulator::new(x.ncols());
        if let Some(j) = data.design.intercept_column() {
            acc = acc.with_intercept_column(j).unwrap();
        }
        for i in 0..x.nrows() {
            acc.push(&x.rows(i, 1).into_owned(), &data.y.rows(i, 1).into_owned()).unwrap();
        }
        let fit = acc.finish().unwrap();
        let lre = nist::min_lre(fit.coefficients().as_slice(), &data.coefficients);
        assert!(lre >= threshold, "{name}: LRE {lre:.1} below {threshold}");
        let claimed = fit.digits().guaranteed;
        assert!(claimed <= lre, "{name}: claims {claimed:.1} digits, has {lre:.1}");
        let se = nist::min_lre(fit.std_errors().as_slice(), &data.std_errors);
        assert!(se >= threshold - 2.0, "{name}: SE LRE {se:.1}");
    }
}

#[test]
fn bad_chunks_get_typed_errors_and_leave_the_state_unchanged() {
    let (x, y, w) = problem(3, 50, 3, 0.0);
    let mut acc = Accumulator::new(3).with_intercept_column(0).unwrap();
    acc.push(&x, &y).unwrap();
    let before = acc.finish().unwrap();
    let mut bad = x.clone();
    bad[(4, 2)] = f64::NAN;
    assert!(matches!(acc.push(&bad, &y), Err(Error::NonFinite { row: 4, col: 2, .. })));
    let mut not_constant = x.clone();
    not_constant[(7, 0)] = 2.0;
    assert!(matches!(acc.push(&not_constant, &y), Err(Error::InvalidIntercept { column: 0, .. })));
    let mut negative = w.clone();
    negative[9] = -1.0;
    assert!(matches!(
        acc.push_weighted(&x, &y, &negative),
        Err(Error::NegativeWeight { index: 9, .. })
    ));
    assert!(matches!(
        acc.push(&x.columns(0, 2).into_owned(), &y),
        Err(Error::DimensionMismatch { .. })
    ));
    assert!(matches!(
        acc.push(&x, &y.rows(0, 10).into_owned()),
        Err(Error::DimensionMismatch { .. })
    ));
    let after = acc.finish().unwrap();
    assert_eq!(before.coefficients(), after.coefficients());
    assert_eq!(acc.rows(), 50);
    // Merging needs the same shape and intercept.
    let other = Accumulator::new(4);
    assert!(matches!(acc.clone().merge(other), Err(Error::DimensionMismatch { .. })));
    assert!(matches!(acc.clone().merge(Accumulator::new(3)), Err(Error::InvalidIntercept { .. })));
}

#[test]
fn degenerate_states_are_errors_or_unavailable_not_garbage() {
    let acc = Accumulator::new(2);
    assert!(matches!(acc.finish(), Err(Error::EmptyDesign { .. })));
    let (x, y, _) = problem(5, 30, 3, 0.0);
    let mut few = Accumulator::new(3);
    few.push(&x.rows(0, 2).into_owned(), &y.rows(0, 2).into_owned()).unwrap();
    assert!(matches!(few.finish(), Err(Error::Underdetermined { rows: 2, cols: 3 })));
    let mut square = Accumulator::new(3);
    square.push(&x.rows(0, 3).into_owned(), &y.rows(0, 3).into_owned()).unwrap();
    assert!(matches!(square.finish(), Err(Error::NoResidualDegreesOfFreedom { .. })));
    // A duplicated column is aliased, named.
    let mut doubled = x.clone().insert_column(3, 0.0);
    let copy = x.column(1) * 3.0;
    doubled.set_column(3, &copy);
    let mut acc = Accumulator::new(4).with_names(["a", "b", "c", "d"]).unwrap();
    acc.push(&doubled, &y).unwrap();
    match acc.finish() {
        Err(Error::RankDeficient { names, rank: 3, .. }) => assert_eq!(names, ["d"]),
        other => panic!("expected rank deficiency, got {other:?}"),
    }
    // y in the column space: an exact fit, with σ̂ and the tests unavailable.
    let exact = x.column(1) * 2.0 + x.column(2);
    let mut acc = Accumulator::new(3).with_intercept_column(0).unwrap();
    acc.push(&x, &exact).unwrap();
    let fit = acc.finish().unwrap();
    assert!(fit.exact_fit());
    assert_eq!(fit.sigma(), Err(Unavailable::ExactFit));
    assert!(fit.t_values().iter().all(|t| *t == Err(Unavailable::ExactFit)));
    // A constant response: R² is unavailable.
    let mut acc = Accumulator::new(3).with_intercept_column(0).unwrap();
    acc.push(&x, &DVector::from_element(30, 4.0)).unwrap();
    assert!(
        acc.finish().map(|f| f.r_squared()).is_ok_and(|r| r == Err(Unavailable::ConstantResponse))
    );
}

/// With the `serde` feature, a state written out and read back merges and finishes as the
/// original, bit for bit; a corrupted triangle is refused when read.
#[cfg(feature = "serde")]
#[test]
fn a_serialised_state_merges_and_finishes_as_the_original() {
    let (x, y, w) = problem(9, 400, 4, 0.9);
    let mut left = Accumulator::new(4).with_intercept_column(0).unwrap();
    left.push_weighted(
        &x.rows(0, 150).into_owned(),
        &y.rows(0, 150).into_owned(),
        &w.rows(0, 150).into_owned(),
    )
    .unwrap();
    let mut right = left.clone();
    right.push(&x.rows(150, 250).into_owned(), &y.rows(150, 250).into_owned()).unwrap();
    let text = serde_json::to_string(&left).unwrap();
    let restored: Accumulator = serde_json::from_str(&text).unwrap();
    let direct = left.merge(right.clone()).unwrap().finish().unwrap();
    let through = restored.merge(right).unwrap().finish().unwrap();
    assert_eq!(direct.coefficients(), through.coefficients());
    assert_eq!(direct.std_errors(), through.std_errors());
    let fit_text = serde_json::to_string(&direct).unwrap();
    let fit: lsq::StreamFit = serde_json::from_str(&fit_text).unwrap();
    assert_eq!(fit.coefficients(), direct.coefficients());
    // A nonzero entry below the diagonal is no state the fold could have built.
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entry = value["state"]["triangle"].pointer_mut("/0/1").expect("a stored matrix");
    *entry = serde_json::json!(1.5);
    let err = serde_json::from_value::<Accumulator>(value).unwrap_err();
    assert!(err.to_string().contains("below the diagonal"), "{err}");
}

/// `to_parts` / `from_parts` give back the same state bit for bit (it merges and finishes as the
/// original), and malformed parts are `Error::InvalidState` naming the numbers.
#[test]
fn parts_round_trip_exactly_and_malformed_parts_are_refused() {
    let (x, y, w) = problem(17, 240, 4, 0.5);
    let first = streamed(
        &x.rows(0, 150).into_owned(),
        &y.rows(0, 150).into_owned(),
        Some(&w.rows(0, 150).into_owned()),
        &[60],
        &[0],
    );
    let second = streamed(
        &x.rows(150, 90).into_owned(),
        &y.rows(150, 90).into_owned(),
        Some(&w.rows(150, 90).into_owned()),
        &[],
        &[],
    );
    let parts = first.to_parts();
    assert_eq!(
        (parts.rows, parts.intercept, parts.intercept_value, parts.weighted),
        (150, Some(0), Some(1.0), true)
    );
    let copy = Accumulator::from_parts(parts.clone()).unwrap();
    assert_eq!(copy.to_parts(), parts);
    let (a, b) = (
        copy.merge(second.clone()).unwrap().finish().unwrap(),
        first.merge(second).unwrap().finish().unwrap(),
    );
    assert_eq!(a.coefficients(), b.coefficients());
    assert_eq!(a.std_errors(), b.std_errors());
    assert_eq!(a.r_squared().unwrap().to_bits(), b.r_squared().unwrap().to_bits());
    assert_eq!(a.names(), b.names());

    let reason = |p: lsq::AccumulatorParts| match Accumulator::from_parts(p).unwrap_err() {
        Error::InvalidState { reason } => reason,
        other => panic!("expected InvalidState, got {other:?}"),
    };
    let mut below = parts.clone();
    below.triangle[(2, 0)] = 3.0;
    assert!(reason(below).contains("(2, 0)"));
    let mut tiny = parts.clone();
    tiny.triangle = DMatrix::zeros(1, 1);
    assert!(reason(tiny).contains("1×1"));
    let mut intercept = parts.clone();
    intercept.intercept = Some(4);
    assert!(reason(intercept).contains("intercept column 4"));
    let mut constant = parts.clone();
    constant.intercept_value = Some(0.0);
    assert!(reason(constant).contains("intercept constant 0"));
    let mut squares = parts.clone();
    squares.squares = -1.0;
    assert!(reason(squares).contains("= -1"));
    let mut weight = parts.clone();
    weight.weight = 0.0;
    assert!(reason(weight).contains("disagrees"));
    let mut counts = parts;
    counts.nonzero_weight_rows = 151;
    assert!(reason(counts).contains("151 rows of nonzero weight among 150"));
}
