//! Speed of `lsq`'s least-squares methods, with nalgebra's and faer's QR solves measured in the
//! same run as references.
//!
//! Three criterion groups:
//!
//! - `least_squares`: what a user calls, `lsq::fit` with default options (the QR solve with its
//!   statistics and diagnostics), then every `f64` method of [`lsq::Method`] through the bare
//!   [`lsq::solve`], the bare `linalg-core` QR solve that `Method::Qr` is built on, and
//!   nalgebra's and faer's QR solves (factor, `Qᵀy`, back substitution; faer single-threaded),
//!   on the sizes of the `linalg` bench; at 200 000×200 only `lsq::fit`, the bare `Method::Qr`
//!   solve and faer.
//! - `extended_precision`: `Method::ExtendedQr` (double-double) against `Method::Qr`.
//! - `weighted_least_squares`: `lsq::fit` with prior weights on the tall sizes, against faer's
//!   QR solve of the rows scaled by `√w` (scaled outside the timed closure, so faer is spared
//!   that pass).
//!
//! Every timed routine borrows `X` and `y` and returns a new solution, so each one pays for one
//! copy of `X` (the lsq methods copy while scaling the columns; the references copy because
//! their factorizations overwrite their input). Inputs come from `sim` with a fixed seed and are
//! generated outside the timed closures; every routine is run and checked once before it is
//! timed. Run with `cargo bench --bench lsq`; see `benches/README.md`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "bench set-up fails loudly on unexpected errors"
)]

use std::hint::black_box;

use benches::{EXTENDED_SIZES, SEED, SIZES, Size, configure, criterion, faer_lstsq, lstsq_flops};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use faer::Mat;
use linalg_core::HouseholderQr;
use lsq::{Design, FitOptions, Method};
use nalgebra::{DMatrix, DVector};

/// The design matrix and response of a [`Size`], from `sim::large_regression` and [`SEED`].
fn problem(size: Size) -> (DMatrix<f64>, DVector<f64>) {
    sim::large_regression(size.m, size.n, &mut sim::rng_from_seed(SEED)).expect("valid size")
}

/// The same matrix in faer's type, converted outside the timed closures.
fn to_faer(a: &DMatrix<f64>) -> Mat<f64> {
    Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[(i, j)])
}

/// The bare solve `lsq`'s `Method::Qr` is built on: `linalg-core`'s Householder QR of a copy of
/// `x`, then `R⁻¹·(Qᵀy)[..n]`, without `lsq`'s checks, column scaling, rank decision and
/// condition estimate. Tolerance 0 refuses exact zero pivots only.
fn linalg_core_lstsq(x: &DMatrix<f64>, y: &DVector<f64>) -> linalg_core::Result<DVector<f64>> {
    HouseholderQr::new(x.clone())?.solve_with_tolerance(y, 0.0)
}

/// nalgebra's QR solve: `QR::solve` is for square systems, so factor a copy, apply `Qᵀ` to a
/// copy of `y` and solve with the top n rows. `None` if `R` is singular.
fn nalgebra_lstsq(x: &DMatrix<f64>, y: &DVector<f64>) -> Option<DVector<f64>> {
    let n = x.ncols();
    let qr = x.clone().qr();
    let mut qty = y.clone();
    qr.q_tr_mul(&mut qty);
    qr.r().solve_upper_triangular(&qty.rows(0, n))
}

/// The bare solve by `method` with its default options.
fn solve(method: Method, x: &DMatrix<f64>, y: &DVector<f64>) -> lsq::Result<lsq::Solution> {
    lsq::solve(x, y, &FitOptions::default().method(method))
}

/// Checks that a reference solution agrees with `lsq`'s QR solution, so that every routine in a
/// group demonstrably solves the same problem.
fn assert_agrees(name: &str, size: Size, reference: &DVector<f64>, x: &DVector<f64>) {
    let error = (reference - x).amax() / reference.amax();
    assert!(error < 1e-10, "{name} at {}: relative difference {error:e}", size.label());
}

fn least_squares(c: &mut Criterion) {
    let mut group = c.benchmark_group("least_squares");
    // Issue 14's fifth size, timed for what a user calls, its QR solve and the yardstick only:
    // nalgebra's and the other methods' solves of a 320 MB design would take minutes.
    let wide = Size::new(200_000, 200);
    for size in SIZES.into_iter().chain([wide]) {
        let (x, y) = problem(size);
        let (fx, fy) = (to_faer(&x), Mat::from_fn(size.m, 1, |i, _| y[i]));
        let reference = solve(Method::Qr, &x, &y).expect("full-rank finite input solves");
        let reference = reference.coefficients().clone();
        configure(&mut group, size, lstsq_flops(size));
        let design = Design::new(x.clone()).expect("finite design");
        let options = FitOptions::default();
        let fit = lsq::fit(&design, &y, &options).expect("full-rank finite input fits");
        assert_agrees("lsq::fit", size, &reference, fit.coefficients());
        group.bench_function(BenchmarkId::new("lsq::fit", size.label()), |b| {
            b.iter(|| black_box(lsq::fit(black_box(&design), black_box(&y), &options)));
        });
        let faer = faer_lstsq(&fx, &fy);
        assert_agrees("faer", size, &reference, &DVector::from_fn(size.n, |i, _| faer[(i, 0)]));
        group.bench_function(BenchmarkId::new("faer", size.label()), |b| {
            b.iter(|| black_box(faer_lstsq(black_box(&fx), black_box(&fy))));
        });
        // At the wide size only the QR solve under `lsq::fit`, to see what the statistics add.
        let methods: &[Method] = if size == wide { &[Method::Qr] } else { &Method::DOUBLE };
        for &method in methods {
            let solution = solve(method, &x, &y).expect("well-conditioned input solves");
            assert_agrees(method.name(), size, &reference, solution.coefficients());
            group.bench_function(BenchmarkId::new(method.name(), size.label()), |b| {
                b.iter(|| black_box(solve(black_box(method), black_box(&x), black_box(&y))));
            });
        }
        if size == wide {
            continue;
        }
        let bare = linalg_core_lstsq(&x, &y).expect("full-rank finite input solves");
        assert_agrees("linalg-core", size, &reference, &bare);
        group.bench_function(BenchmarkId::new("linalg-core", size.label()), |b| {
            b.iter(|| black_box(linalg_core_lstsq(black_box(&x), black_box(&y))));
        });
        let nalgebra = nalgebra_lstsq(&x, &y).expect("R is nonsingular");
        assert_agrees("nalgebra", size, &reference, &nalgebra);
        group.bench_function(BenchmarkId::new("nalgebra", size.label()), |b| {
            b.iter(|| black_box(nalgebra_lstsq(black_box(&x), black_box(&y))));
        });
    }
    group.finish();
}

/// Weights `1, 2, 3, 1, 2, 3, …`: every row kept, the weighted path throughout.
fn weights(m: usize) -> DVector<f64> {
    DVector::from_fn(m, |i, _| [1.0, 2.0, 3.0][i % 3])
}

fn weighted_least_squares(c: &mut Criterion) {
    let mut group = c.benchmark_group("weighted_least_squares");
    for size in [Size::new(100_000, 50), Size::new(1_000_000, 20)] {
        let (x, y) = problem(size);
        let w = weights(size.m);
        let root = w.map(f64::sqrt);
        let fx = Mat::from_fn(size.m, size.n, |i, j| root[i] * x[(i, j)]);
        let fy = Mat::from_fn(size.m, 1, |i, _| root[i] * y[i]);
        configure(&mut group, size, lstsq_flops(size));
        let design = Design::new(x).expect("finite design");
        let options = FitOptions::default().weights(w);
        let fit = lsq::fit(&design, &y, &options).expect("full-rank finite input fits");
        let faer = faer_lstsq(&fx, &fy);
        let faer = DVector::from_fn(size.n, |i, _| faer[(i, 0)]);
        assert_agrees("weighted faer", size, fit.coefficients(), &faer);
        group.bench_function(BenchmarkId::new("lsq::fit", size.label()), |b| {
            b.iter(|| black_box(lsq::fit(black_box(&design), black_box(&y), &options)));
        });
        group.bench_function(BenchmarkId::new("faer", size.label()), |b| {
            b.iter(|| black_box(faer_lstsq(black_box(&fx), black_box(&fy))));
        });
    }
    group.finish();
}

fn extended_precision(c: &mut Criterion) {
    let mut group = c.benchmark_group("extended_precision");
    for size in EXTENDED_SIZES {
        let (x, y) = problem(size);
        configure(&mut group, size, lstsq_flops(size));
        let reference = solve(Method::Qr, &x, &y).expect("full-rank finite input solves");
        for method in [Method::Qr, Method::ExtendedQr] {
            let solution = solve(method, &x, &y).expect("full-rank finite input solves");
            assert_agrees(method.name(), size, reference.coefficients(), solution.coefficients());
            group.bench_function(BenchmarkId::new(method.name(), size.label()), |b| {
                b.iter(|| black_box(solve(black_box(method), black_box(&x), black_box(&y))));
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = lsq;
    config = criterion();
    targets = least_squares, extended_precision, weighted_least_squares
}
criterion_main!(lsq);
