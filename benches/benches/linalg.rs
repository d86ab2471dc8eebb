//! Speed of `linalg-core`'s kernels, with nalgebra and faer measured in the same run as references.
//!
//! One criterion group per operation (Householder QR, pivoted QR, applying `Qᵀ` to a vector,
//! back substitution, the tall-skinny least-squares solve of `TallQr`),
//! `BenchmarkId::new(method, size)` inside each, and the flop count as the
//! throughput so that criterion prints flop rates. Inputs come from `sim` with a fixed seed and
//! are generated outside the timed closures. Run with `cargo bench --bench linalg`; see
//! `benches/README.md` for filters and baselines.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "bench set-up fails loudly on unexpected errors"
)]

use std::hint::black_box;

use benches::{
    SEED, SIZES, Size, TALL_SIZES, apply_qt_flops, back_substitution_flops, batch_size, configure,
    criterion, faer_lstsq, lstsq_flops, qr_flops,
};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::qr::{col_pivoting, no_pivoting};
use faer::{Mat, Par, Spec};
use linalg_core::{HouseholderQr, PivotOptions, PivotStrategy, PivotedQr, TallQr, back_substitute};
use nalgebra::{DMatrix, DVector};

/// The design matrix and response of a [`Size`], from `sim::large_regression` and [`SEED`].
fn problem(size: Size) -> (DMatrix<f64>, DVector<f64>) {
    sim::large_regression(size.m, size.n, &mut sim::rng_from_seed(SEED)).expect("valid size")
}

/// The same matrix in faer's type, converted outside the timed closures.
fn to_faer(a: &DMatrix<f64>) -> Mat<f64> {
    Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[(i, j)])
}

/// faer's unpivoted QR in place, single-threaded: what `Mat::qr` does, minus its copy of the
/// input (our `HouseholderQr::new` and nalgebra's `qr` consume theirs).
fn faer_qr(mut a: Mat<f64>) -> (Mat<f64>, Mat<f64>) {
    let (m, n) = a.shape();
    let block = no_pivoting::factor::recommended_block_size::<f64>(m, n);
    let mut coeff = Mat::zeros(block, m.min(n));
    let scratch =
        no_pivoting::factor::qr_in_place_scratch::<f64>(m, n, block, Par::Seq, Spec::default());
    no_pivoting::factor::qr_in_place(
        a.as_mut(),
        coeff.as_mut(),
        Par::Seq,
        MemStack::new(&mut MemBuffer::new(scratch)),
        Spec::default(),
    );
    (a, coeff)
}

/// faer's column-pivoted QR in place, single-threaded.
fn faer_col_piv_qr(mut a: Mat<f64>) -> (Mat<f64>, Mat<f64>, Vec<usize>) {
    let (m, n) = a.shape();
    let block = no_pivoting::factor::recommended_block_size::<f64>(m, n);
    let mut coeff = Mat::zeros(block, m.min(n));
    let mut perm = vec![0_usize; n];
    let mut perm_inv = vec![0_usize; n];
    let scratch = col_pivoting::factor::qr_in_place_scratch::<usize, f64>(
        m,
        n,
        block,
        Par::Seq,
        Spec::default(),
    );
    col_pivoting::factor::qr_in_place(
        a.as_mut(),
        coeff.as_mut(),
        &mut perm,
        &mut perm_inv,
        Par::Seq,
        MemStack::new(&mut MemBuffer::new(scratch)),
        Spec::default(),
    );
    (a, coeff, perm)
}

fn householder_qr(c: &mut Criterion) {
    let mut group = c.benchmark_group("householder_qr");
    for size in SIZES {
        let (a, _) = problem(size);
        let fa = to_faer(&a);
        HouseholderQr::new(a.clone()).expect("full-rank finite input factors");
        configure(&mut group, size, qr_flops(size));
        let batch = batch_size(size);
        group.bench_function(BenchmarkId::new("linalg-core", size.label()), |b| {
            b.iter_batched(|| a.clone(), |a| black_box(HouseholderQr::new(black_box(a))), batch);
        });
        group.bench_function(BenchmarkId::new("nalgebra", size.label()), |b| {
            b.iter_batched(|| a.clone(), |a| black_box(black_box(a).qr()), batch);
        });
        group.bench_function(BenchmarkId::new("faer", size.label()), |b| {
            b.iter_batched(|| fa.clone(), |a| black_box(faer_qr(black_box(a))), batch);
        });
    }
    group.finish();
}

fn pivoted_qr(c: &mut Criterion) {
    let mut group = c.benchmark_group("pivoted_qr");
    for size in SIZES {
        let (a, _) = problem(size);
        let fa = to_faer(&a);
        configure(&mut group, size, qr_flops(size));
        let batch = batch_size(size);
        for (name, strategy) in [
            ("linalg-core-largest-norm", PivotStrategy::LargestNorm),
            ("linalg-core-keep-order", PivotStrategy::KeepOrder),
        ] {
            let options = PivotOptions::default().strategy(strategy);
            PivotedQr::with_options(a.clone(), options).expect("finite input factors");
            group.bench_function(BenchmarkId::new(name, size.label()), |b| {
                b.iter_batched(
                    || a.clone(),
                    |a| black_box(PivotedQr::with_options(black_box(a), options)),
                    batch,
                );
            });
        }
        group.bench_function(BenchmarkId::new("nalgebra", size.label()), |b| {
            b.iter_batched(|| a.clone(), |a| black_box(black_box(a).col_piv_qr()), batch);
        });
        group.bench_function(BenchmarkId::new("faer", size.label()), |b| {
            b.iter_batched(|| fa.clone(), |a| black_box(faer_col_piv_qr(black_box(a))), batch);
        });
    }
    group.finish();
}

fn apply_qt(c: &mut Criterion) {
    let mut group = c.benchmark_group("apply_qt");
    for size in SIZES {
        let (a, y) = problem(size);
        let qr = HouseholderQr::new(a.clone()).expect("full-rank finite input factors");
        let reference = a.qr();
        qr.apply_qt(&mut y.clone()).expect("y has m finite entries");
        configure(&mut group, size, apply_qt_flops(size));
        let batch = batch_size(size);
        group.bench_function(BenchmarkId::new("linalg-core", size.label()), |b| {
            b.iter_batched(
                || y.clone(),
                |mut y| black_box(qr.apply_qt(black_box(&mut y)).map(|()| y)),
                batch,
            );
        });
        group.bench_function(BenchmarkId::new("nalgebra", size.label()), |b| {
            b.iter_batched(
                || y.clone(),
                |mut y| {
                    reference.q_tr_mul(black_box(&mut y));
                    black_box(y)
                },
                batch,
            );
        });
    }
    group.finish();
}

fn back_substitution(c: &mut Criterion) {
    let mut group = c.benchmark_group("back_substitution");
    for size in SIZES {
        let (a, y) = problem(size);
        let r = HouseholderQr::new(a).expect("full-rank finite input factors").r();
        let rhs = y.rows(0, size.n).into_owned();
        back_substitute(&r, &rhs).expect("R is nonsingular");
        r.solve_upper_triangular(&rhs).expect("R is nonsingular");
        configure(&mut group, size, back_substitution_flops(size));
        group.bench_function(BenchmarkId::new("linalg-core", size.label()), |b| {
            b.iter(|| black_box(back_substitute(black_box(&r), black_box(&rhs))));
        });
        group.bench_function(BenchmarkId::new("nalgebra", size.label()), |b| {
            b.iter(|| black_box(black_box(&r).solve_upper_triangular(black_box(&rhs))));
        });
    }
    group.finish();
}

/// `TallQr`'s least-squares solve on `threads` threads: fold the rows of `[x | y]` (read in
/// place, chunk by chunk), then back substitution.
fn tall_lstsq(
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    threads: usize,
) -> linalg_core::Result<DMatrix<f64>> {
    TallQr::from_rows(x, y, threads)?.solve_with_tolerance(0.0)
}

/// The bare Householder least-squares solve: factor a copy of `x`, apply `Qᵀ`, back substitution.
fn householder_lstsq(x: &DMatrix<f64>, y: &DVector<f64>) -> linalg_core::Result<DVector<f64>> {
    HouseholderQr::new(x.clone())?.solve_with_tolerance(y, 0.0)
}

/// Least squares through `TallQr` on one and two threads, against the bare `HouseholderQr` solve
/// and faer's single-threaded `solve_lstsq`, all from borrowed `X` and `y`: the Householder
/// solves pay for their copy of `X`, which `TallQr` does not need.
fn tall_qr(c: &mut Criterion) {
    let mut group = c.benchmark_group("tall_qr");
    for size in TALL_SIZES {
        let (x, y) = problem(size);
        let (fx, fy) = (to_faer(&x), Mat::from_fn(size.m, 1, |i, _| y[i]));
        let reference = householder_lstsq(&x, &y).expect("full-rank finite input solves");
        let faer = faer_lstsq(&fx, &fy);
        let faer = DVector::from_fn(size.n, |i, _| faer[(i, 0)]);
        for (threads, name) in [(1, "tall-qr-1-thread"), (2, "tall-qr-2-threads")] {
            let b = tall_lstsq(&x, &y, threads).expect("full-rank finite input solves");
            for other in [&reference, &faer] {
                let error = (b.column(0) - other).amax() / other.amax();
                assert!(error < 1e-10, "{name} at {}: relative difference {error:e}", size.label());
            }
        }
        configure(&mut group, size, lstsq_flops(size));
        for (threads, name) in [(1, "tall-qr-1-thread"), (2, "tall-qr-2-threads")] {
            group.bench_function(BenchmarkId::new(name, size.label()), |b| {
                b.iter(|| black_box(tall_lstsq(black_box(&x), black_box(&y), threads)));
            });
        }
        group.bench_function(BenchmarkId::new("householder-qr", size.label()), |b| {
            b.iter(|| black_box(householder_lstsq(black_box(&x), black_box(&y))));
        });
        group.bench_function(BenchmarkId::new("faer", size.label()), |b| {
            b.iter(|| black_box(faer_lstsq(black_box(&fx), black_box(&fy))));
        });
    }
    group.finish();
}

criterion_group! {
    name = linalg;
    config = criterion();
    targets = householder_qr, pivoted_qr, apply_qt, back_substitution, tall_qr
}
criterion_main!(linalg);
