//! One pass over a tall design per IRLS iteration: each row block evaluates `η`, `μ` and its
//! share of the deviance at the trial coefficients and, while it is in cache, folds its weighted
//! rows `√W·x_i`, `√W·z_i` at that point, so that the factor the next step needs comes with the
//! evaluation (`crate::tall` instead reads the design a second time).
//!
//! The blocks are those of [`for_blocks`], fixed by the number of rows; their deviances are
//! added and their folds combined in block order, so the result is the same bit for bit for any
//! number of threads. A fold is speculative: it is wasted when the trial is rejected (its
//! deviance rose, or it left the domain), which step-halving makes rare.

use std::ops::Range;

use linalg_core::{TallQr, condition_estimate_upper, gram_update};
use nalgebra::{DMatrix, DVector};
use pulp::{Arch, Simd, WithSimd};

use crate::blocks::{for_blocks, is_tall, map_items, threads};
use crate::factor::{FactorKind, TallFactor};
use crate::numeric::unit_scale;
use crate::problem::{Evaluation, Problem};
use crate::tall::finish_qr;

/// Entries of `[√W·X | √W·z]` per chunk of a Gram fold: 2¹⁶, half a MiB, the second-level cache
/// of this machine, whatever the number of columns.
const GRAM_CHUNK_ENTRIES: usize = 1 << 16;

/// How a fused pass folds its weighted rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Fold {
    /// Into a Householder QR state ([`TallQr`]).
    Qr,
    /// Into the weighted Gram matrix, factored by Cholesky when its condition estimate `κ` (of
    /// the Cholesky factor, that of `√W·X`) satisfies `κ² ≤ max_condition_squared`; otherwise
    /// the pass returns no factor and the caller folds again by QR.
    Gram {
        /// The largest admissible `κ²`.
        max_condition_squared: f64,
    },
}

/// Whether IRLS on the columns `cols` of `problem` can fold in its evaluation passes: a tall
/// problem ([`is_tall`]) in which every row has a positive weight (a zero-weight row still needs
/// its `η` and `μ`, which the fold's row loop does not visit).
pub(crate) fn applies(problem: &Problem<'_>, cols: &[usize]) -> bool {
    problem.kept.len() == problem.x.nrows() && is_tall(problem.kept.len(), cols.len())
}

/// What one block of a fused pass hands back.
enum BlockFold {
    Qr(TallQr<f64>),
    Gram(DMatrix<f64>),
}

/// Evaluates the coefficients `gamma` on the columns `cols` (`η = offset + X_cols·γ`), or the
/// given `eta` when `gamma` is `None`, as [`Problem::evaluate`] does, and factors the expected
/// information at that point in the same pass over the design, by `fold`.
///
/// Requires [`applies`]. The factor is left out (`None`) when the evaluation is not valid, a
/// weighted row is not finite, a column fails `lsq`'s rank test (QR), or the Gram matrix is not
/// positive definite or too ill-conditioned for `fold`: the caller's usual path then decides,
/// with its errors.
///
/// Cost: one read of the `p` columns of `X` (`2mp` flops for `η`, one inverse link, unit
/// deviance, `√W` and `z` per row) plus `2mp²` flops for QR or `mp²` for the Gram matrix's
/// upper triangle (`linalg_core::gram_update`), on every core; `O(p²)` memory
/// per block beyond the block's weighted rows.
pub(crate) fn evaluate_and_fold(
    problem: &Problem<'_>,
    cols: &[usize],
    gamma: Option<&DVector<f64>>,
    eta: DVector<f64>,
    fold: Fold,
) -> Evaluation {
    let mut eta = eta;
    let mut mu = DVector::zeros(eta.len());
    let scales: Vec<f64> = cols.iter().map(|&j| problem.column_scales()[j]).collect();
    let threads = threads();
    let linear = gamma.map(|g| (cols, g));
    // A QR pass at given coefficients may be the fit's last: it forms the digits estimate's
    // spread too, from the same terms.
    let spread = fold == Fold::Qr && linear.is_some();
    let pass = Pass { problem, cols, scales: &scales, linear, spread, fold };
    let blocks =
        for_blocks(eta.as_mut_slice(), mu.as_mut_slice(), threads, |rows, eta, mu, buf| {
            Arch::new().dispatch(PassBlock { pass: &pass, rows, eta, mu, buf })
        });
    let invalid = blocks.iter().find_map(|(invalid, ..)| *invalid);
    let deviance =
        if invalid.is_some() { f64::NAN } else { blocks.iter().map(|(_, d, ..)| d).sum() };
    let mut evaluation = Evaluation { eta, mu, deviance, invalid, factor: None };
    if evaluation.is_valid() {
        let squares: Option<Vec<(f64, f64)>> = blocks.iter().map(|(.., q)| *q).collect();
        let folds: Option<Vec<BlockFold>> = blocks.into_iter().map(|(_, _, f, _)| f).collect();
        let factor = folds.and_then(|f| combine(f, &scales, problem.kept.len(), fold));
        evaluation.factor = factor.map(|mut factor| {
            factor.spread = squares.map(|q| combined_norm(&q));
            Box::new(factor)
        });
    }
    evaluation
}

/// Rows per run of [`subset_step`]'s sample: 2¹⁴, 128 KiB of each column, read in streams as
/// long as a pass's blocks (runs of 2¹⁰ or 2¹² rows made the step a quarter slower).
const SUBSET_RUN_ROWS: usize = 1 << 14;

/// [`subset_step`] reads one run of rows in every `SUBSET_STRIDE`: a third of the design. A
/// quarter left the next step's prediction ([`crate::irls`]) at its margin on the logistic
/// benchmark, so that the fit sometimes took a pass more; an eighth, always.
pub(crate) const SUBSET_STRIDE: usize = 3;

/// The Fisher-scoring iterate from `gamma` on a systematic third of the rows (one run of
/// [`SUBSET_RUN_ROWS`] in every [`SUBSET_STRIDE`]), read in place: the evaluation and Gram fold
/// of a fused pass on those rows alone, solved by Cholesky. `None` when the sample is too
/// short to be tall ([`is_tall`]), `gamma` leaves a domain on it, or its Gram matrix is declined
/// at the margin [`GRAM_MARGIN`] of `tolerance` (see [`Fold::Gram`]).
///
/// From a start inside Newton's quadratic region, a step on a third of the rows lands within
/// that sample's sampling error of the full optimum, which is `√(3 − 1) ≈ 1.4` of the full
/// data's standard errors against `√63 ≈ 7.9` for a fit on a 64th. It only moves where IRLS
/// starts.
///
/// Requires [`applies`]. Cost: a third of a Gram pass (`mp²/3` flops, a third of `X` read).
pub(crate) fn subset_step(
    problem: &Problem<'_>,
    cols: &[usize],
    gamma: &DVector<f64>,
    tolerance: f64,
) -> Option<DVector<f64>> {
    let m = problem.x.nrows();
    let runs: Vec<Range<usize>> = (0..m)
        .step_by(SUBSET_RUN_ROWS * SUBSET_STRIDE)
        .map(|start| start..(start + SUBSET_RUN_ROWS).min(m))
        .collect();
    let rows = runs.iter().map(ExactSizeIterator::len).sum();
    if !is_tall(rows, cols.len()) {
        return None;
    }
    let scales: Vec<f64> = cols.iter().map(|&j| problem.column_scales()[j]).collect();
    let fold = Fold::Gram { max_condition_squared: GRAM_MARGIN * tolerance / f64::EPSILON };
    let linear = Some((cols, gamma));
    let pass = Pass { problem, cols, scales: &scales, linear, spread: false, fold };
    let blocks = map_items(runs, threads(), |rows| {
        let mut eta: Vec<f64> = rows.clone().map(|i| problem.offset[i]).collect();
        let mut mu = vec![0.0; rows.len()];
        let mut buf = Vec::new();
        let (eta, mu, buf) = (&mut eta[..], &mut mu[..], &mut buf);
        Arch::new().dispatch(PassBlock { pass: &pass, rows, eta, mu, buf })
    });
    let folds: Option<Vec<BlockFold>> =
        blocks.into_iter().map(|(invalid, _, f, _)| f.filter(|_| invalid.is_none())).collect();
    combine(folds?, &scales, rows, fold).map(|factor| factor.fisher)
}

/// What every block of one pass of [`evaluate_and_fold`] shares.
struct Pass<'a, 'p> {
    problem: &'a Problem<'p>,
    cols: &'a [usize],
    scales: &'a [f64],
    linear: Option<(&'a [usize], &'a DVector<f64>)>,
    /// Whether the pass forms the digits estimate's spread.
    spread: bool,
    fold: Fold,
}

/// One block of [`evaluate_and_fold`]: its evaluation, its fold and its share of the spread, as
/// an operation that `pulp` compiles for the best instruction set the CPU offers (a closure
/// would be compiled for the baseline: see `linalg_core`'s kernels). The evaluation and the QR
/// fold fuse no multiply and add, so they give the same bits on every instruction set; the Gram
/// fold's `gram_update` sums in the CPU's vector width with fused multiply-adds, so a Gram step's
/// last bits may differ from one CPU to another.
struct PassBlock<'a, 'p> {
    pass: &'a Pass<'a, 'p>,
    rows: Range<usize>,
    eta: &'a mut [f64],
    mu: &'a mut [f64],
    buf: &'a mut Vec<f64>,
}

/// What [`PassBlock`] returns: the block's first invalid row, its deviance, its fold and its
/// share of the spread.
type BlockResult = (Option<usize>, f64, Option<BlockFold>, Option<(f64, f64)>);

impl WithSimd for PassBlock<'_, '_> {
    type Output = BlockResult;

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> BlockResult {
        let Self { pass, rows, eta, mu, buf } = self;
        let Pass { spread, fold, .. } = *pass;
        if let Fold::Gram { .. } = fold {
            let (invalid, deviance, gram) = gram_block(pass, rows, (eta, mu), buf);
            return (invalid, deviance, gram.map(BlockFold::Gram), None);
        }
        let mut magnitudes = if spread { vec![0.0; rows.len()] } else { Vec::new() };
        let measured = spread.then_some(&mut magnitudes[..]);
        let (invalid, deviance, folded) = qr_block(pass, rows, (eta, mu), measured);
        let squares = spread.then(|| scaled_squares(&magnitudes));
        (invalid, deviance, folded.map(BlockFold::Qr), squares)
    }
}

/// `(a, q)` with `a = max|v_i|` and `q = Σ(v_i/a)²` (`(0, 0)` for a zero `v`): a block's share of
/// a norm, which [`combined_norm`] puts together.
fn scaled_squares(v: &[f64]) -> (f64, f64) {
    let largest = v.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    if largest == 0.0 || !largest.is_finite() {
        return (largest, 0.0);
    }
    (largest, v.iter().map(|x| (x / largest).powi(2)).sum())
}

/// The Euclidean norm of the concatenation of blocks given by [`scaled_squares`], combined in
/// block order: `A·√(Σ_b q_b·(a_b/A)²)` with `A = max a_b` (∞ or NaN if a block's is).
fn combined_norm(blocks: &[(f64, f64)]) -> f64 {
    let largest = blocks.iter().fold(0.0_f64, |m, &(a, _)| m.max(a));
    if largest == 0.0 || !largest.is_finite() {
        return largest;
    }
    largest * blocks.iter().map(|&(a, q)| q * (a / largest).powi(2)).sum::<f64>().sqrt()
}

/// Rows a QR block evaluates at a time, ahead of the fold's requests: about
/// [`GRAM_CHUNK_ENTRIES`] entries of `X` (half a MiB), so that the fill reads them from cache.
fn evaluation_rows(width: usize) -> usize {
    (GRAM_CHUNK_ENTRIES / width).max(1)
}

/// One block of a QR pass: its evaluation, the digits estimate's terms and its fold into a
/// [`TallQr`], the block evaluated piece by piece as the fold asks for its rows
/// ([`Evaluated::advance`]), so that the fill reads a piece's rows of `X` while they are in
/// cache. The same operations in the same order as evaluating the whole block before the fold,
/// so the same bits. With `magnitudes` (zeros, one per row) each becomes the digits estimate's
/// `s_i = √W_i·(Σ_k|x_ik·γ_k| + |offset_i| + |r_i|)`, formed as `crate::digits` forms it.
/// Returns the block's first invalid row, its deviance (that of the rows before it) and the
/// fold (`None` with an invalid row or a weighted value that is not finite).
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operation")]
#[inline(always)]
fn qr_block(
    pass: &Pass<'_, '_>,
    rows: Range<usize>,
    (eta, mu): (&mut [f64], &mut [f64]),
    magnitudes: Option<&mut [f64]>,
) -> (Option<usize>, f64, Option<TallQr<f64>>) {
    let (start, len) = (rows.start, rows.len());
    let evaluated = std::sync::Mutex::new(Evaluated {
        pass,
        start,
        done: 0,
        deviance: 0.0,
        invalid: None,
        eta,
        mu,
        magnitudes,
        terms: [vec![0.0; len], vec![0.0; len], vec![0.0; len]],
    });
    // The fold calls back from `linalg_core`, outside this block's dispatched operation, on this
    // thread and in row order; the lock is never contended.
    let fold = TallQr::<f64>::from_fill(len, pass.cols.len(), 1, 1, |from, rows, buf| {
        let mut state = evaluated.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Arch::new().dispatch(Supply { state: &mut state, from, rows, buf });
        rows
    });
    let mut state = evaluated.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    // Rows the fold did not ask for, having stopped at a value that was not finite: supplied
    // as an empty piece at the block's end, which evaluates everything before it.
    if state.done < len {
        Arch::new().dispatch(Supply { state: &mut state, from: len, rows: 0, buf: &mut [] });
    }
    let fold = fold.ok().filter(|_| state.invalid.is_none());
    (state.invalid, state.deviance, fold)
}

/// A QR block's evaluation so far (rows `0..done` of the block, which starts at row `start`):
/// the deviance of its valid rows, its first invalid row, and for each row `√W_i`, `√W_i·z_i`
/// and the residual `r_i` (in `terms`).
struct Evaluated<'a, 'b> {
    pass: &'a Pass<'a, 'b>,
    start: usize,
    done: usize,
    deviance: f64,
    invalid: Option<usize>,
    eta: &'a mut [f64],
    mu: &'a mut [f64],
    magnitudes: Option<&'a mut [f64]>,
    terms: [Vec<f64>; 3],
}

impl Evaluated<'_, '_> {
    /// Evaluates the rows from `done` to at least `to` (and [`evaluation_rows`] of them when
    /// the block has that many left), as [`Problem::evaluate_block_from`] and
    /// [`Problem::irls_terms_into`] do; after an invalid row only `η` and `μ`.
    #[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operation")]
    #[inline(always)]
    fn advance(&mut self, to: usize) {
        let Pass { problem, cols, linear, .. } = *self.pass;
        let (from, len) = (self.done, self.eta.len());
        let to = to.max(from + evaluation_rows(cols.len() + 1)).min(len);
        let part = self.start + from..self.start + to;
        let (eta, mu) = (&mut self.eta[from..to], &mut self.mu[from..to]);
        self.done = to;
        if self.invalid.is_some() {
            problem.evaluate_block(linear, part, (eta, mu), None);
            return;
        }
        let mut magnitudes = self.magnitudes.as_deref_mut().map(|t| &mut t[from..to]);
        let measured = magnitudes.as_deref_mut();
        let (invalid, deviance) =
            problem.evaluate_block_from(self.deviance, linear, part.clone(), (eta, mu), measured);
        (self.invalid, self.deviance) = (invalid, deviance);
        if invalid.is_some() {
            return;
        }
        let [roots, responses, residuals] = &mut self.terms;
        let (roots, residuals) = (&mut roots[from..to], &mut residuals[from..to]);
        let terms = (&mut *roots, &mut responses[from..to], &mut *residuals);
        problem.irls_terms_into(part.start, (&self.eta[from..to], &self.mu[from..to]), terms);
        if let Some(t) = magnitudes {
            for (b, t) in t.iter_mut().enumerate() {
                *t = roots[b] * (*t + problem.offset[part.start + b].abs() + residuals[b].abs());
            }
        }
    }
}

/// What the fold of [`qr_block`] asks for: the block's weighted rows `from..from + rows`
/// written into `buf` ([`Weighted::fill`]), evaluated first if they are not yet
/// ([`Evaluated::advance`]), or NaN after an invalid row, at which the fold stops (the block has
/// no fold); as an operation for `pulp`, like [`PassBlock`].
struct Supply<'a, 'e, 'p> {
    state: &'a mut Evaluated<'e, 'p>,
    from: usize,
    rows: usize,
    buf: &'a mut [f64],
}

impl WithSimd for Supply<'_, '_, '_> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        let Self { state, from, rows, buf } = self;
        if state.done < from + rows {
            state.advance(from + rows);
        }
        if rows == 0 {
            return;
        }
        if state.invalid.is_some() {
            buf.fill(f64::NAN);
            return;
        }
        let Pass { problem, cols, scales, .. } = *state.pass;
        let [roots, responses, _] = &state.terms;
        let weighted = Weighted { problem, cols, scales, start: state.start, roots, responses };
        weighted.fill(from, rows, buf);
    }
}

/// One block of a Gram pass, chunk by chunk: each chunk of about [`GRAM_CHUNK_ENTRIES`] entries
/// of the augmented rows `B = [√W·X·diag(d) | √W·z]` is evaluated ([`Problem::evaluate_block_from`],
/// its deviance added to the chunks' before it), weighted and written into `buffer` (every
/// entry overwritten; the thread's next block reuses it) and added to the upper triangle of
/// `BᵀB` (`XᵀWX`, `XᵀWz` and `zᵀWz` at once) while its rows of `X` are still in cache, so that
/// a pass reads the design from memory once. The same bits as evaluating the whole block and
/// then folding it in the same chunks. Returns the block's first invalid row, its deviance
/// (that of the rows before it) and the Gram matrix (`None` with an invalid row, or when a
/// weighted value is not finite or its square overflows).
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operation")]
#[inline(always)]
fn gram_block(
    pass: &Pass<'_, '_>,
    rows: Range<usize>,
    (eta, mu): (&mut [f64], &mut [f64]),
    buffer: &mut Vec<f64>,
) -> (Option<usize>, f64, Option<DMatrix<f64>>) {
    let Pass { problem, cols, scales, linear, .. } = *pass;
    let width = cols.len() + 1;
    let chunk = (GRAM_CHUNK_ENTRIES / width).max(1);
    let mut gram = DMatrix::<f64>::zeros(width, width);
    let (mut deviance, mut invalid, mut folded) = (0.0, None, true);
    let terms = chunk.min(rows.len());
    let (mut roots, mut responses, mut residuals) =
        (vec![0.0; terms], vec![0.0; terms], vec![0.0; terms]);
    for from in (0..rows.len()).step_by(chunk) {
        let len = chunk.min(rows.len() - from);
        let part = rows.start + from..rows.start + from + len;
        let (eta, mu) = (&mut eta[from..from + len], &mut mu[from..from + len]);
        if invalid.is_some() {
            // `η` and `μ` of the rows after an invalid one, as a whole block has them.
            problem.evaluate_block(linear, part, (eta, mu), None);
            continue;
        }
        let (bad, total) =
            problem.evaluate_block_from(deviance, linear, part.clone(), (eta, mu), None);
        (invalid, deviance) = (bad, total);
        if invalid.is_some() || !folded {
            continue;
        }
        let (roots, responses) = (&mut roots[..len], &mut responses[..len]);
        problem.irls_terms_into(part.start, (eta, mu), (roots, responses, &mut residuals[..len]));
        let weighted = Weighted { problem, cols, scales, start: part.start, roots, responses };
        let mut values = std::mem::take(buffer);
        values.resize(len * width, 0.0);
        let mut block = DMatrix::from_vec(len, width, values);
        weighted.fill(0, len, block.as_mut_slice());
        // Cannot fail: `gram` is width×width, as the block is width wide (were it to, the block
        // would carry no Gram matrix).
        folded = gram_update(&block, &mut gram).is_ok();
        *buffer = block.data.into();
    }
    // `gram_update` forms the upper triangle; the lower one is its mirror image.
    for j in 0..width {
        for i in 0..j {
            gram[(j, i)] = gram[(i, j)];
        }
    }
    // A weighted value that is not finite, or whose square overflows, leaves a diagonal entry
    // that is not finite.
    let finite = folded && gram.diagonal().iter().all(|v| v.is_finite());
    (invalid, deviance, (invalid.is_none() && finite).then_some(gram))
}

/// A block's weighted rows `[√W·X·diag(d) | √W·z]`, from its `√W_i` and `√W_i·z_i`.
struct Weighted<'a, 'p> {
    problem: &'a Problem<'p>,
    cols: &'a [usize],
    scales: &'a [f64],
    /// The block's first row.
    start: usize,
    roots: &'a [f64],
    responses: &'a [f64],
}

impl Weighted<'_, '_> {
    /// Writes the block's rows `from..from + rows` into `buf` (column-major, leading dimension
    /// `rows`).
    #[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operations")]
    #[inline(always)]
    fn fill(&self, from: usize, rows: usize, buf: &mut [f64]) {
        let p = self.cols.len();
        let (columns, response) = buf.split_at_mut(rows * p);
        response.copy_from_slice(&self.responses[from..from + rows]);
        let roots = &self.roots[from..from + rows];
        let x = self.problem.x;
        let source = |j: usize| {
            let first = j * x.nrows() + self.start + from;
            &x.as_slice()[first..first + rows]
        };
        // Four columns share each pass over the roots; every entry is the same product.
        let quads = p / 4;
        for (q, dst) in columns.chunks_exact_mut(4 * rows).enumerate() {
            let (j, s) = (&self.cols[4 * q..4 * q + 4], &self.scales[4 * q..4 * q + 4]);
            let (c0, c1, c2, c3) = (source(j[0]), source(j[1]), source(j[2]), source(j[3]));
            let (d0, rest) = dst.split_at_mut(rows);
            let (d1, rest) = rest.split_at_mut(rows);
            let (d2, d3) = rest.split_at_mut(rows);
            for (k, &root) in roots.iter().enumerate() {
                d0[k] = root * (c0[k] * s[0]);
                d1[k] = root * (c1[k] * s[1]);
                d2[k] = root * (c2[k] * s[2]);
                d3[k] = root * (c3[k] * s[3]);
            }
        }
        let tail = columns[4 * quads * rows..].chunks_exact_mut(rows);
        for ((dst, &j), &s) in tail.zip(&self.cols[4 * quads..]).zip(&self.scales[4 * quads..]) {
            for ((v, &x), &root) in dst.iter_mut().zip(source(j)).zip(roots) {
                *v = root * (x * s);
            }
        }
    }
}

/// Combines the blocks' folds in block order and factors the result. `None` as
/// [`evaluate_and_fold`] says.
fn combine(folds: Vec<BlockFold>, scales: &[f64], m: usize, fold: Fold) -> Option<TallFactor> {
    let mut folds = folds.into_iter();
    match (folds.next()?, fold) {
        (BlockFold::Qr(first), Fold::Qr) => {
            let mut state = first;
            for next in folds {
                let BlockFold::Qr(next) = next else { return None };
                state = state.merge(next).ok()?;
            }
            finish_qr(&state, scales, m)
        }
        (BlockFold::Gram(first), Fold::Gram { max_condition_squared }) => {
            let mut gram = first;
            for next in folds {
                let BlockFold::Gram(next) = next else { return None };
                gram += next;
            }
            finish_gram(&gram, scales, max_condition_squared)
        }
        _ => None,
    }
}

/// The [`TallFactor`] of the augmented Gram matrix `[XᵀWX, XᵀWz; ·, ·]` (columns pre-scaled by
/// `column_scales`): the columns scaled by the powers of two that bring `√W·X`'s to unit norm
/// (exact), a Cholesky factorization `G̃ = R̃ᵀR̃`, its condition estimate, the Fisher iterate and
/// `C′ = G̃⁻¹` (`O(p³)`). `None` when `G̃` is not positive definite, `κ₁(R̃)²` exceeds
/// `max_condition_squared`, or a result is not finite.
fn finish_gram(
    augmented: &DMatrix<f64>,
    column_scales: &[f64],
    max_condition_squared: f64,
) -> Option<TallFactor> {
    let p = augmented.nrows() - 1;
    let unit: Vec<f64> = (0..p).map(|j| unit_scale(augmented[(j, j)].sqrt())).collect();
    let gram = DMatrix::from_fn(p, p, |j, k| augmented[(j, k)] * unit[j] * unit[k]);
    let right = DVector::from_fn(p, |j, _| augmented[(j, p)] * unit[j]);
    let cholesky = gram.cholesky()?;
    let upper = cholesky.l().transpose();
    let condition = condition_estimate_upper(&upper).ok()?;
    let admissible = condition * condition <= max_condition_squared;
    if !admissible {
        return None;
    }
    let solution = cholesky.solve(&right);
    let covariance = cholesky.inverse();
    let scales: Vec<f64> = column_scales.iter().zip(&unit).map(|(s, t)| s * t).collect();
    let fisher = DVector::from_fn(p, |j, _| solution[j] * scales[j]);
    let finite = fisher.iter().chain(covariance.iter()).all(|v| v.is_finite());
    let kind = FactorKind::Gram;
    finite.then_some(TallFactor {
        fisher,
        scales,
        covariance,
        condition: condition * condition,
        kind,
        spread: None,
    })
}

/// How far below the tolerance the rounding of a Gram step must stay: a Gram fold is taken only
/// while `κ²·ε ≤ GRAM_MARGIN·tolerance` (`κ` of `√W·X`), so that its error in the step, about
/// `κ²·ε` relative, is a hundredth of what the criterion would notice. At the default tolerance
/// 10⁻⁸ that admits `κ` up to about 670.
pub(crate) const GRAM_MARGIN: f64 = 1e-2;

/// How IRLS evaluates its points: as [`Problem::evaluate`] does, or, when [`applies`], in fused
/// passes that factor the information at each point too, by the Gram matrix while that is
/// allowed and accurate enough, else by QR.
pub(crate) struct Passes<'a> {
    pub(crate) problem: &'a Problem<'a>,
    pub(crate) cols: &'a [usize],
    fused: bool,
    gram: std::cell::Cell<bool>,
    max_condition_squared: f64,
}

impl<'a> Passes<'a> {
    /// The passes of IRLS on `cols`; Gram folds only when `gram` is set (the caller's choice:
    /// Fisher steps of a canonical link under a coefficient criterion) and only while the Gram
    /// matrix's condition satisfies [`GRAM_MARGIN`] at `tolerance`.
    pub(crate) fn new(
        problem: &'a Problem<'a>,
        cols: &'a [usize],
        gram: bool,
        tolerance: f64,
    ) -> Self {
        let fused = applies(problem, cols);
        Self {
            problem,
            cols,
            fused,
            gram: std::cell::Cell::new(fused && gram),
            max_condition_squared: GRAM_MARGIN * tolerance / f64::EPSILON,
        }
    }

    /// Whether the passes fold as they evaluate ([`applies`]).
    pub(crate) const fn fused(&self) -> bool {
        self.fused
    }

    /// Evaluates `gamma`; `last` says the step to it is expected to end the fit, so that a
    /// fused pass folds by QR, as the last step and the covariance need.
    pub(crate) fn evaluate(&self, gamma: &DVector<f64>, last: bool) -> Evaluation {
        if !self.fused {
            return self.problem.evaluate(self.cols, gamma);
        }
        self.pass(Some(gamma), self.problem.offset.to_vector(), last)
    }

    /// Evaluates a given linear predictor (the starting one).
    pub(crate) fn evaluate_eta(&self, eta: DVector<f64>) -> Evaluation {
        if !self.fused {
            return self.problem.evaluate_eta(eta);
        }
        self.pass(None, eta, false)
    }

    /// Evaluates `gamma` folding by QR, and takes no Gram fold from now on.
    pub(crate) fn evaluate_by_qr(&self, gamma: &DVector<f64>) -> Evaluation {
        self.stop_gram();
        self.evaluate(gamma, true)
    }

    /// Takes no Gram fold from now on.
    pub(crate) fn stop_gram(&self) {
        self.gram.set(false);
    }

    fn pass(&self, gamma: Option<&DVector<f64>>, eta: DVector<f64>, last: bool) -> Evaluation {
        if self.gram.get() && !last {
            let max_condition_squared = self.max_condition_squared;
            let fold = Fold::Gram { max_condition_squared };
            let e = evaluate_and_fold(self.problem, self.cols, gamma, eta, fold);
            if e.factor.is_some() || !e.is_valid() {
                return e;
            }
            // A valid point whose Gram matrix is too ill-conditioned (or not positive
            // definite): QR from here on, starting again from the offset, or from the given
            // `η`, which the pass left as it was.
            self.gram.set(false);
            let eta = if gamma.is_some() { self.problem.offset.to_vector() } else { e.eta };
            return evaluate_and_fold(self.problem, self.cols, gamma, eta, Fold::Qr);
        }
        evaluate_and_fold(self.problem, self.cols, gamma, eta, Fold::Qr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Data;
    use crate::family::Family;
    use crate::link::Link;
    use crate::numeric::count_to_f64;
    use crate::tall::tall_factor;
    use lsq::Design;

    /// A tall problem (60 000 rows × 12 columns, every weight positive, an offset), with the
    /// last column a near copy of the second when `collinear` is set (κ of the equilibrated
    /// design about 10⁵).
    fn tall(collinear: bool) -> (Design, DVector<f64>, DVector<f64>) {
        let (m, p) = (60_000, 12);
        let mut rng = sim::rng_from_seed(1414);
        let mut x = sim::intercept_gaussian(m, p - 1, &mut rng).unwrap();
        if collinear {
            let noise = sim::gaussian(&DVector::zeros(m), 1e-5, &mut rng).unwrap();
            let near = x.column(1).into_owned() + noise;
            x.set_column(p - 1, &near);
        }
        let theta = DVector::from_fn(p, |j, _| if j % 2 == 0 { 0.15 } else { -0.1 });
        let offset = DVector::from_fn(m, |i, _| 0.1 * count_to_f64(i % 3));
        let y = sim::poisson(&(&x * &theta + &offset).map(f64::exp), &mut rng).unwrap();
        (Design::new(x).unwrap().with_intercept_column(0).unwrap(), y, offset)
    }

    /// A fused pass evaluates exactly as [`Problem::evaluate`] (the same blocks, the same sums),
    /// and its QR and Gram factors agree with the separate fold of `crate::tall` to a small
    /// multiple of `κ·ε` and `κ²·ε`.
    #[test]
    fn a_fused_pass_evaluates_as_the_plain_one_and_factors_as_the_separate_fold() {
        let (design, y, offset) = tall(false);
        let data = Data::new(&design, &y).offset(&offset);
        let problem = Problem::new(&data, Family::Poisson.into()).unwrap();
        let cols: Vec<usize> = (0..design.ncols()).collect();
        assert!(applies(&problem, &cols));
        let gamma = DVector::from_fn(cols.len(), |j, _| 0.05 * count_to_f64(j % 4) - 0.05);
        let plain = problem.evaluate(&cols, &gamma);
        let reference = tall_factor(&problem, &cols, &plain).expect("full rank");
        let max_condition_squared = 1e10;
        for fold in [Fold::Qr, Fold::Gram { max_condition_squared }] {
            let e = evaluate_and_fold(&problem, &cols, Some(&gamma), offset.clone(), fold);
            assert_eq!(e.eta, plain.eta);
            assert_eq!(e.mu, plain.mu);
            assert_eq!(e.deviance.to_bits(), plain.deviance.to_bits());
            let factor = e.factor.expect("a valid point of a full-rank design");
            let kind = if fold == Fold::Qr { FactorKind::Qr } else { FactorKind::Gram };
            assert_eq!(factor.kind, kind);
            assert_eq!(factor.scales, reference.scales);
            let bound = 1e3 * factor.condition.max(reference.condition) * f64::EPSILON;
            for j in 0..cols.len() {
                let (a, b) = (factor.fisher[j], reference.fisher[j]);
                let size = (b / reference.scales[j]).abs() + 1.0;
                assert!(((a - b) / reference.scales[j]).abs() <= bound * size, "{fold:?} β{j}");
            }
            let difference = (&factor.covariance - &reference.covariance).amax();
            assert!(difference <= bound * reference.covariance.amax(), "{fold:?} covariance");
        }
    }

    /// A QR pass at given coefficients forms the digits estimate's spread, `‖s‖₂` with `s_i =
    /// √W_i·(Σ_k|x_ik·γ_k| + |offset_i| + |r_i|)`, agreeing with the norm of those terms formed
    /// row by row to a few ulps; a Gram pass and a pass at a given `η` form none.
    #[test]
    fn a_qr_pass_forms_the_digits_spread() {
        let (design, y, offset) = tall(false);
        let data = Data::new(&design, &y).offset(&offset);
        let problem = Problem::new(&data, Family::Poisson.into()).unwrap();
        let cols: Vec<usize> = (0..design.ncols()).collect();
        let gamma = DVector::from_fn(cols.len(), |j, _| 0.04 * count_to_f64(j % 3) - 0.03);
        let e = evaluate_and_fold(&problem, &cols, Some(&gamma), offset.clone(), Fold::Qr);
        let spread = e.factor.as_ref().and_then(|f| f.spread).expect("a QR pass at γ");
        let x = design.matrix();
        let s: Vec<f64> = (0..x.nrows())
            .map(|i| {
                let magnitude: f64 = (0..cols.len()).map(|j| (x[(i, j)] * gamma[j]).abs()).sum();
                let (root, _, residual) = problem.irls_terms(e.eta[i], e.mu[i], i);
                root * (magnitude + offset[i].abs() + residual.abs())
            })
            .collect();
        let expected = crate::numeric::norm2(&s);
        assert!((spread - expected).abs() <= 1e-13 * expected, "{spread} vs {expected}");
        let max_condition_squared = 1e10;
        let gram = Fold::Gram { max_condition_squared };
        let e = evaluate_and_fold(&problem, &cols, Some(&gamma), offset.clone(), gram);
        assert!(e.factor.expect("a Gram factor").spread.is_none());
        let e = evaluate_and_fold(&problem, &cols, None, offset.clone(), Fold::Qr);
        assert!(e.factor.expect("a QR factor").spread.is_none());
    }

    /// An ill-conditioned design is declined by the Gram fold at the default tolerance's margin
    /// and factored by QR; a point outside the domain carries no factor.
    #[test]
    fn the_gram_fold_declines_ill_conditioned_designs_and_invalid_points() {
        let (design, y, offset) = tall(true);
        let data = Data::new(&design, &y).offset(&offset);
        let problem = Problem::new(&data, Family::Poisson.into()).unwrap();
        let cols: Vec<usize> = (0..design.ncols()).collect();
        let gamma = DVector::from_fn(cols.len(), |j, _| if j == 0 { 0.5 } else { 0.0 });
        let max_condition_squared = GRAM_MARGIN * crate::IRLS_TOLERANCE / f64::EPSILON;
        let gram = Fold::Gram { max_condition_squared };
        let declined = evaluate_and_fold(&problem, &cols, Some(&gamma), offset.clone(), gram);
        assert!(declined.is_valid() && declined.factor.is_none());
        let qr = evaluate_and_fold(&problem, &cols, Some(&gamma), offset.clone(), Fold::Qr);
        let factor = qr.factor.expect("full rank by lsq's test");
        assert!(factor.condition * factor.condition > max_condition_squared);

        let identity = Problem::new(&data, Family::Poisson.with_link(Link::Identity)).unwrap();
        let negative = DVector::from_fn(cols.len(), |j, _| if j == 1 { 5.0 } else { 0.0 });
        let e = evaluate_and_fold(&identity, &cols, Some(&negative), offset.clone(), Fold::Qr);
        assert!(e.invalid.is_some() && e.factor.is_none());
    }

    /// Whole fits through fused passes: the score `Xᵀ(y − μ)` vanishes against its scale, the
    /// covariance is QR's at the optimum (not a Gram factor's), and an ill-conditioned design,
    /// which cannot take Gram steps, reaches the same kind of optimum; an aliased column is
    /// named through the copying path.
    #[test]
    fn fused_fits_reach_the_optimum_with_a_qr_covariance_and_name_aliased_columns() {
        for collinear in [false, true] {
            let (design, y, offset) = tall(collinear);
            let data = Data::new(&design, &y).offset(&offset);
            let fit = crate::fit(&data, Family::Poisson, &crate::Control::default()).unwrap();
            let mu = fit.fitted_values();
            let x = design.matrix();
            for j in 0..x.ncols() {
                let (score, size) = (0..x.nrows()).fold((0.0, 0.0), |(s, a), i| {
                    (s + x[(i, j)] * (y[i] - mu[i]), a + (x[(i, j)] * y[i]).abs())
                });
                assert!(score.abs() <= 1e-9 * size, "{collinear}: column {j}: {score} vs {size}");
            }
            let problem = Problem::new(&data, Family::Poisson.into()).unwrap();
            let cols: Vec<usize> = (0..x.ncols()).collect();
            let at_optimum = problem.evaluate(&cols, fit.coefficients());
            let qr = tall_factor(&problem, &cols, &at_optimum).expect("full rank");
            for j in 0..x.ncols() {
                let se = qr.covariance[(j, j)].sqrt() * qr.scales[j];
                let relative = (fit.std_errors()[j] - se).abs() / se;
                assert!(relative <= 1e3 * qr.condition * f64::EPSILON, "{collinear}: SE{j}");
            }
        }
        let (design, y, offset) = tall(false);
        let mut doubled = design.matrix().clone().insert_column(design.ncols(), 0.0);
        let last = design.matrix().column(3).into_owned() * 2.0;
        doubled.set_column(design.ncols(), &last);
        let design = Design::new(doubled).unwrap().with_intercept_column(0).unwrap();
        let data = Data::new(&design, &y).offset(&offset);
        let err = crate::fit(&data, Family::Poisson, &crate::Control::default()).unwrap_err();
        let rank_deficient =
            matches!(err, crate::Error::LeastSquares(lsq::Error::RankDeficient { .. }));
        assert!(rank_deficient, "{err}");
        assert!(err.to_string().contains("aliased columns: x13"), "{err}");
    }

    /// A tall logistic problem whose last column separates the classes completely goes through
    /// the fused passes and is reported as separation, not returned as a fit.
    #[test]
    fn a_separated_tall_logistic_problem_is_separation() {
        let (m, p) = (60_000, 6);
        let mut rng = sim::rng_from_seed(77);
        let mut x = sim::intercept_gaussian(m, p - 1, &mut rng).unwrap();
        let y = DVector::from_fn(m, |i, _| if x[(i, p - 1)] > 0.0 { 1.0 } else { 0.0 });
        // Keep the classes apart by a margin, so that the separation is complete.
        x.column_mut(p - 1).iter_mut().for_each(|v| *v += v.signum());
        let design = Design::new(x).unwrap().with_intercept_column(0).unwrap();
        let data = Data::new(&design, &y);
        let problem = Problem::new(&data, Family::Bernoulli.into()).unwrap();
        assert!(applies(&problem, &(0..p).collect::<Vec<_>>()));
        let err = crate::fit(&data, Family::Bernoulli, &crate::Control::default()).unwrap_err();
        assert!(matches!(err, crate::Error::Separation { complete: true, .. }), "{err}");
    }

    /// A non-canonical link (probit) takes QR passes and finishes with Newton steps; its
    /// optimum agrees with R's rule run to a tight tolerance within a small fraction of the
    /// standard errors, and so does a canonical (logit) fit with Gram steps.
    #[test]
    fn fused_fits_of_both_kinds_of_link_agree_with_r_s_rule_at_a_tight_tolerance() {
        let (m, p) = (40_000, 8);
        let mut rng = sim::rng_from_seed(99);
        let x = sim::intercept_gaussian(m, p - 1, &mut rng).unwrap();
        let theta = DVector::from_fn(p, |j, _| if j % 2 == 0 { 0.3 } else { -0.2 });
        let mu = (&x * &theta).map(|e| 1.0 / (1.0 + (-e).exp()));
        let y = sim::bernoulli(&mu, &mut rng).unwrap();
        let design = Design::new(x).unwrap().with_intercept_column(0).unwrap();
        let data = Data::new(&design, &y);
        for link in [Link::Logit, Link::Probit] {
            let model = Family::Bernoulli.with_link(link);
            let fit = crate::fit(&data, model, &crate::Control::default()).unwrap();
            let tight = crate::Control::default().criterion(crate::Criterion::Deviance);
            let reference = crate::fit(&data, model, &tight.tolerance(1e-14)).unwrap();
            for j in 0..p {
                let gap = (fit.coefficients()[j] - reference.coefficients()[j]).abs();
                assert!(gap <= 1e-7 * reference.std_errors()[j], "{link:?} β{j}: {gap}");
            }
        }
    }
}
