//! `Method::Qr` on tall designs: the equilibrated rows folded block by block into
//! [`linalg_core::TallQr`] on every core, without an equilibrated copy of the design.
//!
//! The problem is the one [`crate::scaling`] defines, bit for bit: the column steps come from
//! the design ([`crate::Design::column_steps`]) or are found one column at a time, and every row
//! block of `X̃` and `ỹ` is built from the design by [`ColumnSteps::apply`] just before it is
//! folded (`ỹ` from a column built first when there are weights or left-out rows). Only the full-rank case is
//! decided here; a zero column or a column that fails the rank test sends the fit back to the
//! pivoted path of [`crate::solvers`], which finds the aliased columns.

use std::borrow::Cow;

use linalg_core::{TallQr, default_rank_tolerance};
use nalgebra::{DMatrix, DVector};
use pulp::{Arch, Simd, WithSimd};

use crate::error::Result;
use crate::kept::Kept;
use crate::scaling::{
    ColumnSteps, EquilibrateColumn, Pow2, Scaling, ScanColumn, WeightedColumnSteps,
    response_exponent, root_weights,
};
use crate::solvers::{Core, Factor};

/// A weighted design goes through [`TallQr`] when it has at least this many entries (rows of
/// nonzero weight times columns): 2²¹, 16 MiB of `f64`, beyond the caches. Its scaling reads
/// the design three times, and below that size the copying path's equilibrated copy is cheaper:
/// one core, best of many `lsq::fit` calls, copying against tall, 1000×5 47 against 55 µs,
/// 10⁴×10 0.67 against 0.73 ms, 6.4·10⁴×10 5.0–5.5 against 6.5–8.2 ms (issue 14, ninth round).
pub(crate) const TALL_MIN_ENTRIES: usize = 1 << 21;

/// An unweighted design with at least three columns goes through [`TallQr`] from this many
/// entries: 2¹². Its scaling comes with the design ([`crate::Design::column_steps`]) and the
/// fold has no copy to make, so it wins from small sizes on. Measured as above, copying against
/// tall: 640×10 58.5 against 56.3 µs, 10⁴×10 540 against 480 µs, 4·10³×20 561 against 402 µs,
/// 1.6·10⁴×3 298 against 276 µs, 10⁵×10 6.1–6.3 against 5.0–5.1 ms. With one or two columns
/// the copying path stays, up to [`TALL_MIN_ENTRIES`]: 8000×2 120 against 230 µs, where the
/// fold's row blocks are long enough (5461 rows) for its buffers to go back to the system
/// between fits.
pub(crate) const TALL_MIN_ENTRIES_UNWEIGHTED: usize = 1 << 12;

/// ... and at least this many rows per column: the fold costs `2mN²` flops plus `2N³/3` per
/// block of 2¹⁷ entries, so a design needs rows well beyond its width for the merges to stay
/// small (at 4·10³×250, 16 rows a column, the fold took 76 ms against 63).
pub(crate) const TALL_MIN_ROWS_PER_COLUMN: usize = 64;

/// Whether a design of `m` rows of nonzero weight and `p` columns, `weighted` or not, takes
/// the tall path.
pub(crate) fn is_tall(m: usize, p: usize, weighted: bool) -> bool {
    let entries = m.saturating_mul(p);
    let large = if weighted || p < 3 {
        entries >= TALL_MIN_ENTRIES
    } else {
        entries >= TALL_MIN_ENTRIES_UNWEIGHTED
    };
    large && m >= TALL_MIN_ROWS_PER_COLUMN.saturating_mul(p)
}

/// The full-rank QR solution of a tall design, in the units of the equilibrated problem.
pub(crate) struct TallSolution {
    pub(crate) core: Core<f64>,
    pub(crate) scaling: Scaling,
    /// `‖x̃_j‖`, as [`crate::scaling::Problem::norms`].
    pub(crate) norms: Vec<f64>,
}

/// Solves the equilibrated problem of `x`, `y`, `weights` on the rows `kept` by folding its
/// rows into a [`TallQr`]; `None` when a column is zero or fails the rank test
/// `|r_kk| > tol·‖x̃_k‖` (the test of `qr_core`, on the `R` of the fold), so that the caller
/// takes the pivoted path.
///
/// [`TallQr::from_fill`] builds the equilibrated rows chunk by chunk on
/// [`TallQr::default_threads`] threads; its leaves and merge order depend only on the shape, so
/// the result is the same bit for bit for every number of threads.
///
/// `known_steps`, when given, are [`crate::Design::column_steps`] of `x`: the unweighted steps
/// its construction found, which spare the read of `x` that would find them again.
///
/// # Errors
/// [`crate::Error::Kernel`] if the fold fails, which finite, validated input cannot make it.
pub(crate) fn tall_qr_core(
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    weights: Option<&DVector<f64>>,
    kept: Kept<'_>,
    tolerance: Option<f64>,
    known_steps: Option<&[Option<(ColumnSteps, f64)>]>,
) -> Result<Option<TallSolution>> {
    let (m, p) = (kept.len(), x.ncols());
    let every_row = m == x.nrows();
    // The list of rows, needed only when some are left out.
    let rows_kept = kept;
    let listed = if every_row { Cow::Borrowed(&[][..]) } else { kept.indices() };
    let kept = &listed[..];
    let (h, roots) = root_weights::<f64>(weights, rows_kept);
    let r = if every_row {
        response_exponent(y, Kept::Every(m))
    } else {
        response_exponent(y, Kept::Listed(kept))
    };
    // Each column's scaling on its own (so in any order, on every core), in a scratch column
    // per thread.
    let scalings = |columns: std::ops::Range<usize>| {
        let mut scratch = vec![0.0; m];
        let found: Vec<(ColumnSteps, f64)> = columns
            .map(|j| {
                let column = &x.column(j);
                match (every_row, roots.as_deref()) {
                    // Unweighted: the steps from one read of the column, when its range allows;
                    // the design's own read found them already.
                    (true, None) => {
                        let known = known_steps.map(|known| known[j]);
                        let scan = || Arch::new().dispatch(ScanColumn(column.as_slice())).steps;
                        if let Some(found) = known.unwrap_or_else(scan) {
                            return found;
                        }
                    }
                    // Weighted, every row kept: one read of the column and the roots in vectors
                    // where their ranges allow, else three; no copy.
                    (true, Some(roots)) => {
                        let column = column.as_slice();
                        return Arch::new().dispatch(WeightedColumnSteps { column, roots });
                    }
                    (false, _) => {}
                }
                if every_row {
                    scratch.copy_from_slice(column.as_slice());
                } else {
                    scratch.iter_mut().zip(kept).for_each(|(v, &i)| *v = column[i]);
                }
                let column = EquilibrateColumn { column: &mut scratch, roots: roots.as_deref() };
                Arch::new().dispatch(column)
            })
            .collect();
        (found, scratch)
    };
    // Unweighted on every row with every step known: nothing to read, no thread to start.
    let known: Option<Vec<(ColumnSteps, f64)>> = match (every_row, roots.as_deref(), known_steps) {
        (true, None, Some(known)) => known.iter().copied().collect(),
        _ => None,
    };
    let threads = TallQr::<f64>::default_threads().min(p).max(1);
    let per_thread = p.div_ceil(threads).max(1);
    let (found, mut scratch) = if let Some(found) = known {
        (found, Vec::new())
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (per_thread..p)
                .step_by(per_thread)
                .map(|first| scope.spawn(move || scalings(first..(first + per_thread).min(p)).0))
                .collect();
            let (mut found, scratch) = scalings(0..per_thread.min(p));
            for handle in handles {
                found
                    .extend(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
            }
            (found, scratch)
        })
    };
    if found.iter().any(|&(_, norm)| norm == 0.0) {
        return Ok(None);
    }
    let (steps, norms): (Vec<ColumnSteps>, Vec<f64>) = found.into_iter().unzip();
    // ỹ, exactly as `crate::scaling::problem` builds it: scaled block by block as the rows are
    // filled when unweighted on every row, else built in the scratch column.
    let response = Pow2::new(r);
    let y = if every_row && roots.is_none() {
        Response::Scaled(y.as_slice(), response)
    } else {
        scratch.resize(m, 0.0);
        for (k, (v, i)) in scratch.iter_mut().zip(rows_kept.iter()).enumerate() {
            let s = response.of(y[i]);
            *v = roots.as_ref().map_or(s, |roots| s * roots[k]);
        }
        Response::Built(&scratch)
    };
    let rows = Rows { x, y, roots: roots.as_deref(), kept, len: m, every_row, steps: &steps };
    let state = fold(&rows, TallQr::<f64>::default_threads())?;
    let tol = tolerance.unwrap_or_else(|| default_rank_tolerance::<f64>(m, p));
    let factor = state.r();
    if !(0..p).all(|k| factor[(k, k)].abs() > tol * norms[k]) {
        return Ok(None);
    }
    let beta = state.solve_with_tolerance(0.0)?.column(0).into_owned();
    let core = Core {
        beta,
        factor: Factor::Qr { r: factor, columns: (0..p).collect() },
        rank: p,
        aliased: Vec::new(),
        tolerance: Some(tol),
        condition_estimate: state.condition_estimate(),
    };
    let columns = steps.iter().map(|s| s.exponent()).collect();
    Ok(Some(TallSolution { core, scaling: Scaling { columns, response: r, weights: h }, norms }))
}

/// `ỹ` of [`Rows`].
enum Response<'a> {
    /// `y` on every row, with the power of two that makes it `ỹ` (no weights).
    Scaled(&'a [f64], Pow2),
    /// `ỹ` on the kept rows.
    Built(&'a [f64]),
}

/// The rows of the equilibrated problem, built block by block from the design.
struct Rows<'a> {
    x: &'a DMatrix<f64>,
    y: Response<'a>,
    /// `√w̃` on the kept rows, in a weighted problem.
    roots: Option<&'a [f64]>,
    /// The rows, when not every row (may be empty otherwise).
    kept: &'a [usize],
    /// How many rows.
    len: usize,
    /// Whether the rows are every row, so that columns are read as slices.
    every_row: bool,
    steps: &'a [ColumnSteps],
}

impl Rows<'_> {
    /// Writes kept rows `start..start + len` of `[X̃ | ỹ]` into `buf`, column-major with
    /// leading dimension `len`; every kept row has a nonzero weight.
    #[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operation")]
    #[inline(always)]
    fn fill(&self, start: usize, len: usize, buf: &mut [f64]) -> usize {
        let p = self.steps.len();
        let (columns, response) = buf.split_at_mut(len * p);
        for (j, (dst, s)) in columns.chunks_exact_mut(len).zip(self.steps).enumerate() {
            let column = self.x.column(j);
            if let (true, None, Some(factor)) = (self.every_row, self.roots, s.single_factor()) {
                // One exact product per entry, the same bits as the steps one by one.
                let rows = &column.as_slice()[start..start + len];
                dst.iter_mut().zip(rows).for_each(|(v, &x)| *v = x * factor);
                continue;
            }
            let steps = s.prepared();
            if let (true, Some(roots)) = (self.every_row, self.roots) {
                let rows = &column.as_slice()[start..start + len];
                let roots = &roots[start..start + len];
                if let Some([f1, f2, f3]) = steps.factors() {
                    // The steps' products without a test per entry, in the same order.
                    for ((v, &x), &root) in dst.iter_mut().zip(rows).zip(roots) {
                        *v = (((x * f1) * root) * f2) * f3;
                    }
                    continue;
                }
                for ((v, &x), &root) in dst.iter_mut().zip(rows).zip(roots) {
                    *v = steps.apply(x, Some(root));
                }
                continue;
            }
            for (k, v) in dst.iter_mut().enumerate() {
                let row = start + k;
                let i = if self.every_row { row } else { self.kept[row] };
                *v = steps.apply(column[i], self.roots.map(|roots| roots[row]));
            }
        }
        match self.y {
            Response::Built(y) => response.copy_from_slice(&y[start..start + len]),
            Response::Scaled(y, step) => {
                let y = &y[start..start + len];
                if let Some(factor) = step.single_factor() {
                    response.iter_mut().zip(y).for_each(|(v, &y)| *v = y * factor);
                } else {
                    response.iter_mut().zip(y).for_each(|(v, &y)| *v = step.of(y));
                }
            }
        }
        len
    }
}

/// Folds every kept row of `rows` into a [`TallQr`] with `threads` threads, by
/// [`TallQr::from_fill`]: its leaves and merge tree depend on the shape alone, so the result is
/// the same bit for bit for every thread count.
fn fold(rows: &Rows<'_>, threads: usize) -> Result<TallQr> {
    let p = rows.steps.len();
    Ok(TallQr::from_fill(rows.len, p, 1, threads, |start, len, buf: &mut [f64]| {
        Arch::new().dispatch(Fill { rows, start, len, buf })
    })?)
}

/// [`Rows::fill`] as an operation, like [`crate::scaling::ScanColumn`]: exact products, the same on every
/// instruction set.
struct Fill<'a, 'b> {
    rows: &'a Rows<'b>,
    start: usize,
    len: usize,
    buf: &'a mut [f64],
}

impl WithSimd for Fill<'_, '_> {
    type Output = usize;

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> usize {
        self.rows.fill(self.start, self.len, self.buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Design;
    use crate::scaling::{equilibrate_column, problem, scale_by, weighted_column_steps};
    use crate::solvers::{lower, qr_core};
    use crate::statistics::{Setting, statistics};
    use linalg_core::count_to_f64;

    /// `κ₁(R) = ‖R‖₁·‖R⁻¹‖₁`, exactly.
    fn kappa_one(r: &DMatrix<f64>) -> f64 {
        let norm1 = |m: &DMatrix<f64>| m.column_iter().map(|c| c.abs().sum()).fold(0.0, f64::max);
        norm1(r) * norm1(&r.clone().try_inverse().unwrap())
    }

    /// The `R` of a QR factor.
    fn lower_factor(factor: &Factor<f64>) -> DMatrix<f64> {
        let Factor::Qr { r, .. } = factor else { panic!("a QR factor") };
        r.clone()
    }

    /// A tall problem from `sim` with correlated columns (κ grows with `mix`), positive weights
    /// on most rows and zero on every seventh, and one column in units of `2^990`.
    fn tall_problem(
        m: usize,
        p: usize,
        mix: f64,
        seed: u64,
    ) -> (DMatrix<f64>, DVector<f64>, DVector<f64>) {
        let (mut x, y) = sim::large_regression(m, p, &mut sim::rng_from_seed(seed)).unwrap();
        for j in 1..p {
            let previous = x.column(j - 1).into_owned();
            x.column_mut(j).axpy(mix, &previous, 1.0);
        }
        x.column_mut(p - 1).iter_mut().for_each(|v| *v = scale_by(*v, 990));
        let w =
            DVector::from_fn(m, |i, _| if i % 7 == 3 { 0.0 } else { 0.5 + count_to_f64(i % 5) });
        (x, y, w)
    }

    /// The tall path against the copy-and-factor path of `qr_core` on the same equilibrated
    /// problem: the scaling bit for bit, the factor, coefficients and statistics to `10·ε·κ`.
    #[track_caller]
    fn check(x: &DMatrix<f64>, y: &DVector<f64>, w: Option<&DVector<f64>>) {
        let kept: Vec<usize> = (0..x.nrows()).filter(|&i| w.is_none_or(|w| w[i] > 0.0)).collect();
        let tall =
            tall_qr_core(x, y, w, Kept::Listed(&kept), None, None).unwrap().expect("full rank");
        // The steps a design found when it was built change nothing but the reads.
        let design = Design::new(x.clone()).unwrap();
        let known = Some(design.column_steps());
        let with_known =
            tall_qr_core(x, y, w, Kept::Listed(&kept), None, known).unwrap().expect("full rank");
        assert_eq!((&with_known.scaling, &with_known.norms), (&tall.scaling, &tall.norms));
        assert_eq!(with_known.core.beta, tall.core.beta);
        let old = problem(x, y, w, &kept);
        assert_eq!(tall.scaling, old.scaling);
        assert_eq!(tall.norms, old.norms);
        let core =
            lower(&qr_core(old.x.clone(), &old.y, &old.norms, None, || old.x.clone()).unwrap());
        assert_eq!((tall.core.rank, &tall.core.aliased), (core.rank, &core.aliased));
        assert_eq!(tall.core.tolerance, core.tolerance);
        let kappa = core.condition_estimate;
        let bound = 10.0 * f64::EPSILON * kappa;
        let relative = |a: f64, b: f64| (a - b).abs() / b.abs();
        // Hager's estimate of ‖R⁻¹‖₁ depends on the signs of R's rows, which the two
        // factorizations choose differently: both estimates are lower bounds of κ₁(R) and
        // within a factor p of it, not equal to rounding.
        let exact = kappa_one(&lower_factor(&core.factor));
        let p = count_to_f64(x.ncols());
        for estimate in [tall.core.condition_estimate, kappa] {
            assert!(estimate <= exact * (1.0 + bound) && estimate * p >= exact, "κ₁ {estimate:e}");
        }
        let beta_error = (&tall.core.beta - &core.beta).amax() / core.beta.amax();
        assert!(beta_error <= bound, "β: {beta_error:e} > {bound:e}");
        let (Factor::Qr { r: a, .. }, Factor::Qr { r: b, .. }) = (&tall.core.factor, &core.factor)
        else {
            panic!("QR factors");
        };
        let gram_error = (a.tr_mul(a) - b.tr_mul(b)).amax() / b.tr_mul(b).amax();
        // Forming RᵀR rounds at the level of a few ε too: the two folds measured up to 8.8ε
        // (chunks factored, then merged) and 10.3ε (row blocks folded) on these problems.
        assert!(gram_error <= 16.0 * f64::EPSILON, "RᵀR: {gram_error:e}");
        let setting = |scaling, norms| Setting {
            weights: w,
            kept: Kept::Listed(&kept),
            scaling,
            norms,
            intercept: false,
        };
        let old_solution = TallSolution { core, scaling: old.scaling, norms: old.norms };
        let new = statistics(x, y, &setting(&tall.scaling, &tall.norms), &tall.core).unwrap();
        let old_setting = setting(&old_solution.scaling, &old_solution.norms);
        let reference = statistics(x, y, &old_setting, &old_solution.core).unwrap();
        for (a, b) in [
            (new.rss, reference.rss),
            (new.sigma, reference.sigma),
            (new.r_squared, reference.r_squared),
            (new.f_statistic.unwrap(), reference.f_statistic.unwrap()),
        ]
        .into_iter()
        .chain(new.std_errors.iter().copied().zip(reference.std_errors.iter().copied()))
        {
            assert!(relative(a, b) <= bound, "{a:e} vs {b:e}");
        }
        assert_eq!(new.exact_fit, reference.exact_fit);
        let fitted_error = (&new.fitted - &reference.fitted).amax() / reference.fitted.amax();
        assert!(fitted_error <= bound, "fitted: {fitted_error:e}");
    }

    #[test]
    fn tall_path_agrees_with_the_copying_path_on_random_tall_problems() {
        for (seed, (m, p, mix)) in
            [(20_000, 10, 0.0), (30_000, 8, 0.999), (9_000, 25, 0.9), (200_000, 3, 0.5)]
                .into_iter()
                .enumerate()
        {
            let (x, y, w) = tall_problem(m, p, mix, 17 + seed as u64);
            check(&x, &y, None);
            check(&x, &y, Some(&w));
        }
    }

    #[test]
    fn tall_fold_is_bit_identical_for_every_thread_count() {
        let (x, y, w) = tall_problem(50_000, 12, 0.5, 3);
        let kept: Vec<usize> = (0..x.nrows()).filter(|&i| w[i] > 0.0).collect();
        // More rows than four chunks of 2¹⁷ entries of `[X̃ | ỹ]`, so `TallQr` cuts them into
        // several leaves, which the threads share.
        assert!(kept.len() > 4 * (1 << 17) / 13);
        let (_, roots) = root_weights::<f64>(Some(&w), Kept::Listed(&kept));
        let old = problem(&x, &y, Some(&w), &kept);
        let mut steps = Vec::new();
        let mut scratch = vec![0.0; kept.len()];
        for j in 0..x.ncols() {
            scratch.iter_mut().zip(&kept).for_each(|(v, &i)| *v = x[(i, j)]);
            steps.push(equilibrate_column(&mut scratch, roots.as_deref()).0);
        }
        let rows = Rows {
            x: &x,
            y: Response::Built(old.y.as_slice()),
            roots: roots.as_deref(),
            kept: &kept,
            len: kept.len(),
            every_row: false,
            steps: &steps,
        };
        let one = fold(&rows, 1).unwrap();
        assert_eq!(one, fold(&rows, 2).unwrap());
        assert_eq!(one, fold(&rows, 5).unwrap());
        // Unweighted on every row, `ỹ` scaled as the rows are filled is the `ỹ` built first.
        let every: Vec<usize> = (0..x.nrows()).collect();
        let old = problem(&x, &y, None, &every);
        let steps: Vec<ColumnSteps> = x
            .column_iter()
            .map(|c| equilibrate_column(&mut c.as_slice().to_vec(), None).0)
            .collect();
        let r = response_exponent(&y, Kept::Every(every.len()));
        let built = Rows {
            x: &x,
            y: Response::Built(old.y.as_slice()),
            roots: None,
            kept: &every,
            len: every.len(),
            every_row: true,
            steps: &steps,
        };
        let scaled = Rows { y: Response::Scaled(y.as_slice(), Pow2::new(r)), ..built };
        let one = fold(&scaled, 1).unwrap();
        assert_eq!(one, fold(&built, 1).unwrap());
        assert_eq!(one, fold(&scaled, 2).unwrap());
    }

    /// The weighted fill of every row gives each entry the bits of `PreparedSteps::apply`: by
    /// the products of single factors, and by the steps themselves for a column whose first step
    /// goes beyond `2^±1000`.
    #[test]
    fn the_weighted_fill_applies_the_steps_bit_for_bit() {
        let (mut x, y, _) = tall_problem(3_000, 4, 0.0, 7);
        x.column_mut(2).iter_mut().for_each(|v| *v *= 1e-305);
        let roots: Vec<f64> = (0..x.nrows()).map(|i| 0.75 + 0.25 * count_to_f64(i % 5)).collect();
        let steps: Vec<ColumnSteps> = x
            .column_iter()
            .map(|c| weighted_column_steps(pulp::Scalar::new(), c.as_slice(), &roots).0)
            .collect();
        assert!(steps[0].prepared().factors().is_some());
        assert!(steps[2].prepared().factors().is_none());
        let rows = Rows {
            x: &x,
            y: Response::Built(y.as_slice()),
            roots: Some(&roots),
            kept: &[],
            len: x.nrows(),
            every_row: true,
            steps: &steps,
        };
        let (start, len) = (5, 1_001);
        let mut buf = vec![0.0; len * (x.ncols() + 1)];
        assert_eq!(rows.fill(start, len, &mut buf), len);
        for (j, s) in steps.iter().enumerate() {
            for k in 0..len {
                let expected = s.prepared().apply(x[(start + k, j)], Some(roots[start + k]));
                assert_eq!(buf[j * len + k].to_bits(), expected.to_bits(), "column {j}, row {k}");
            }
        }
    }

    #[test]
    fn tall_path_is_invariant_to_powers_of_two() {
        let (x, y, w) = tall_problem(20_000, 7, 0.3, 5);
        let kept: Vec<usize> = (0..x.nrows()).filter(|&i| w[i] > 0.0).collect();
        let base =
            tall_qr_core(&x, &y, Some(&w), Kept::Listed(&kept), None, None).unwrap().unwrap();
        let mut scaled = x.clone();
        scaled.column_mut(0).iter_mut().for_each(|v| *v = scale_by(*v, -990));
        let y2 = y.map(|v| scale_by(v, 600));
        let w2 = w.map(|v| scale_by(v, -800));
        let other = tall_qr_core(&scaled, &y2, Some(&w2), Kept::Listed(&kept), None, None)
            .unwrap()
            .unwrap();
        assert_eq!(base.core.beta, other.core.beta);
        assert_eq!(base.core.factor, other.core.factor);
        assert_eq!(base.core.condition_estimate.to_bits(), other.core.condition_estimate.to_bits());
        assert_eq!(base.norms, other.norms);
        assert_eq!(other.scaling.columns[0], base.scaling.columns[0] + 990);
    }

    #[test]
    fn aliased_or_zero_columns_leave_the_tall_path() {
        let (mut x, y, _) = tall_problem(20_000, 7, 0.0, 9);
        let kept: Vec<usize> = (0..x.nrows()).collect();
        let copy = x.column(1).into_owned() * 3.0;
        x.column_mut(4).copy_from(&copy);
        assert!(tall_qr_core(&x, &y, None, Kept::Listed(&kept), None, None).unwrap().is_none());
        x.column_mut(4).fill(0.0);
        assert!(tall_qr_core(&x, &y, None, Kept::Listed(&kept), None, None).unwrap().is_none());
    }

    #[test]
    fn only_tall_designs_take_the_tall_path() {
        for weighted in [false, true] {
            assert!(!is_tall(82, 11, weighted));
            assert!(!is_tall(4_000, 250, weighted));
            assert!(is_tall(100_000, 25, weighted));
            assert!(is_tall(1_000_000, 20, weighted));
            assert!(!is_tall(200_000, 5_000, weighted));
            assert!(is_tall(1 << 20, 2, weighted));
        }
        assert!(is_tall(100_000, 10, false));
        assert!(!is_tall(100_000, 10, true));
        assert!(is_tall(1_000, 5, false));
        assert!(!is_tall(640, 5, false));
        assert!(!is_tall(8_000, 2, false));
    }
}
