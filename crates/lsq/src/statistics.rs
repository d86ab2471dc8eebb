//! The regression statistics of a least-squares fit (residuals, sums of squares, standard
//! errors, R², F, the exact-fit and constant-response tests, orthogonality), computed on the
//! equilibrated problem in the solver's working precision, and the tail probabilities of the
//! t and F tests.
//!
//! Sums of squares are formed from the scaled residuals `r̃ = 2^r·r` with the scaled weights
//! `w̃ = 2^{2h}·w` (see [`crate::scaling`]), so they neither overflow nor underflow for any
//! finite data, and every ratio (R², F, t) is the ratio of the unscaled quantities bit for bit.

use linalg_core::{Real, count_to_f64};
use nalgebra::{DMatrix, DVector};
use pulp::{Arch, Simd, WithSimd};
use statrs::function::beta::{checked_beta_reg, inv_beta_reg};

use crate::error::{Quantity, Result};
use crate::kept::Kept;
use crate::scaling::{Pow2, Scalar, Scaling, exponent, root_weight, scale_by, to_finite};
use crate::solvers::{Core, Covariance};

/// A residual with `‖r‖ ≤ EXACT_FIT_TOLERANCE·max(m, n)·(Σₖ|β̂ₖ|·‖xₖ‖ + ‖y‖)` (`xₖ` the columns
/// of `X`, both sides weighted by `√w` in a weighted fit, aliased columns left out) is at the
/// level of the rounding that computing `y − Xβ̂` itself commits, so `y` lies in the column space
/// of `X` up to the rounding of the data: the fit is exact. The factor is ε of `f64`, the data's own
/// precision, whatever the working precision of the solver. Both sides scale alike with the units
/// of the columns and of `y`, and the test runs on the equilibrated problem, so its answer does
/// not depend on them.
///
/// The same test decides whether the response is constant: `√TSS ≤ EXACT_FIT_TOLERANCE·max(m,
/// n)·‖y‖` (the intercept alone fits `y` exactly), in which case R² and the F test are
/// [`crate::Unavailable::ConstantResponse`].
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions};
///
/// // y is the second column of X, so it lies in the column space: the residual is rounding.
/// let e = sim::heights_exact_fit();
/// let fit = lsq::fit(&Design::new(e.x.clone())?, &e.y, &FitOptions::default())?;
/// let beta = fit.coefficients();
/// let scale: f64 = e.x.column_iter().zip(beta.iter()).map(|(x, b)| b.abs() * x.norm()).sum();
/// assert!(fit.rss()?.sqrt() <= lsq::EXACT_FIT_TOLERANCE * 4.0 * (scale + e.y.norm()));
/// // Its t tests would only measure rounding, so they are not available.
/// assert_eq!(fit.t_values()[1], Err(lsq::Unavailable::ExactFit));
/// assert!(fit.diagnostics().exact_fit);
///
/// // Nearly collinear columns do not make a visible residual "rounding": ‖r‖/‖y‖ ≈ 4e-7 here.
/// let x = nalgebra::dmatrix![1.0, 1.0; 1.0, 1.0; 1.0, 1.0; 1.0, 1.0 + 1e-9];
/// let y = nalgebra::dvector![1.0, 1.0, 1.0 + 1e-6, 1.0];
/// let fit = lsq::fit(&Design::new(x)?, &y, &FitOptions::default())?;
/// assert!(!fit.diagnostics().exact_fit);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const EXACT_FIT_TOLERANCE: f64 = f64::EPSILON;

/// The statistics, rounded to `f64`: per-observation values in the caller's units, everything
/// else in the units of the equilibrated problem.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Statistics {
    /// Fitted values `xᵢᵀβ̂`, in the units of `y`, one per observation.
    pub(crate) fitted: DVector<f64>,
    /// Residuals `yᵢ − xᵢᵀβ̂`, in the units of `y`, one per observation.
    pub(crate) residuals: DVector<f64>,
    /// `RSS̃ = Σ w̃ᵢr̃ᵢ² = 2^{2r+2h}·RSS`.
    pub(crate) rss: f64,
    /// The total sum of squares, scaled as `RSS̃`.
    pub(crate) tss: f64,
    /// `σ̃ = √(RSS̃/df) = 2^{r+h}·σ̂`.
    pub(crate) sigma: f64,
    /// `σ̃·√C̃_jj`, with `C̃ = (X̃ᵀX̃)⁻¹`; NaN for aliased columns.
    pub(crate) std_errors: DVector<f64>,
    pub(crate) r_squared: f64,
    pub(crate) adj_r_squared: f64,
    /// `None` when the model has no term besides the intercept.
    pub(crate) f_statistic: Option<f64>,
    /// `√TSS ≤ EXACT_FIT_TOLERANCE·max(m, n)·‖y‖` (weighted): `y` has no variation to explain.
    pub(crate) constant_response: bool,
    /// See [`EXACT_FIT_TOLERANCE`].
    pub(crate) exact_fit: bool,
    /// `‖Xₛᵀr‖/(‖Xₛ‖_F·‖r‖)` on the weighted rows, `Xₛ` the design with columns of unit norm.
    pub(crate) orthogonality: f64,
    /// `|x̃_kᵀỹ|` for each column (weighted), for the digits estimate.
    pub(crate) cross: Vec<f64>,
    /// `‖ỹ‖` and `‖r̃‖` on the weighted rows.
    pub(crate) y_norm: f64,
    pub(crate) r_norm: f64,
    /// `C̃ = (X̃ᵀX̃)⁻¹`.
    pub(crate) covariance: Covariance<f64>,
}

/// What [`statistics`] needs besides the design and the response.
pub(crate) struct Setting<'a> {
    pub(crate) weights: Option<&'a DVector<f64>>,
    /// The observations with nonzero weight.
    pub(crate) kept: Kept<'a>,
    pub(crate) scaling: &'a Scaling,
    /// `‖x̃_j‖`, the norms of the equilibrated columns.
    pub(crate) norms: &'a [f64],
    pub(crate) intercept: bool,
}

/// `xᵀβ̃` for a row `x` of the design in the caller's units, as `(mantissa, e)` with the value
/// `mantissa·2^e` in the units of `ỹ` (before weighting). `columns` holds the exponents `c_j`.
///
/// The common case scales each entry by `2^{c_j}` and sums; a row whose scaled entries would
/// overflow (a row far outside the range of the rows that set the scaling, such as a new row or
/// one with zero weight) is first normalised by its own power of two.
pub(crate) fn row_product<T: Scalar>(
    row: impl Fn(usize) -> T,
    beta: &DVector<T>,
    columns: &[i32],
) -> (T, i32) {
    let p = beta.len();
    let direct = (0..p).fold(T::ZERO, |s, j| s + scale_by(row(j), columns[j]) * beta[j]);
    if direct.is_finite() {
        return (direct, 0);
    }
    let e = (0..p)
        .filter(|&j| row(j).to_f64() != 0.0)
        .map(|j| exponent(row(j).to_f64()) + columns[j])
        .max()
        .unwrap_or(0);
    let normalised = (0..p).fold(T::ZERO, |s, j| s + scale_by(row(j), columns[j] - e) * beta[j]);
    (normalised, e)
}

/// Residuals, sums of squares, standard errors, R², F and the exact-fit tests in the working
/// precision `T`, from the design `x` in the caller's units (rebuilt row by row, never copied),
/// the response and the equilibrated solution `core`.
pub(crate) fn statistics<T: Scalar>(
    x: &DMatrix<T>,
    y: &DVector<f64>,
    setting: &Setting<'_>,
    core: &Core<T>,
) -> Result<Statistics> {
    let p = x.ncols();
    let Setting { weights, kept, scaling, norms, intercept } = *setting;
    let covariance = core.factor.covariance(p)?;
    let Pass { fitted, residuals, sums } = pass(x, y, setting, &core.beta)?;
    let Sums { rss, total_weight, weighted_sum, y_squares, xtr, xty } = sums;
    let tss = if intercept {
        let mean = weighted_sum / total_weight;
        let (response, weight) = (Pow2::new(scaling.response), Pow2::new(2 * scaling.weights));
        kept.iter().fold(T::ZERO, |s, i| {
            let d = response.of(T::from_f64(y[i])) - mean;
            s + scaled_weight::<T>(weights, i, weight) * d * d
        })
    } else {
        y_squares
    };
    let n = kept.len();
    let df_residual = n.saturating_sub(core.rank).max(1);
    let df_t = T::from_f64(count_to_f64(df_residual));
    let sigma2 = rss / df_t;
    let sigma = sigma2.sqrt();
    let diagonal = covariance.diagonal();
    let std_errors = DVector::from_fn(p, |j, _| {
        if core.aliased.contains(&j) { f64::NAN } else { (sigma * diagonal[j].sqrt()).to_f64() }
    });
    let one = T::ONE;
    let r_squared = one - rss / tss;
    let intercept_df = usize::from(intercept);
    let adj = one - (one - r_squared) * T::from_f64(count_to_f64(n - intercept_df)) / df_t;
    let df_model = core.rank.saturating_sub(intercept_df);
    let f_statistic = (df_model > 0).then(|| {
        let explained = (tss - rss) / T::from_f64(count_to_f64(df_model));
        (explained / sigma2).to_f64()
    });
    let (y_norm, r_norm) = (y_squares.sqrt().to_f64(), rss.sqrt().to_f64());
    // Rounding in forming `y − Xβ̂` is bounded by a multiple of `ε·(‖|X|·|β̂|‖ + ‖y‖)`, and
    // `Σ_k |β̂_k|·‖x_k‖` bounds `‖|X|·|β̂|‖`; both sides are taken on the scaled problem.
    let level = EXACT_FIT_TOLERANCE * count_to_f64(x.nrows().max(p));
    let fitted_scale: f64 = (0..p)
        .filter(|k| !core.aliased.contains(k))
        .map(|k| core.beta[k].to_f64().abs() * norms[k])
        .sum();
    let exact_fit = r_norm <= level * (fitted_scale + y_norm);
    let constant_response = tss.to_f64().sqrt() <= level * y_norm;
    let cosines = (0..p)
        .filter(|&j| norms[j] > 0.0)
        .map(|j| (xtr[j].to_f64() / norms[j]).powi(2))
        .sum::<f64>();
    let orthogonality =
        if r_norm == 0.0 { 0.0 } else { cosines.sqrt() / (count_to_f64(p).sqrt() * r_norm) };
    let covariance = match covariance {
        Covariance::Root(f) => Covariance::Root(f.map(Real::to_f64)),
        Covariance::Explicit(c) => Covariance::Explicit(c.map(Real::to_f64)),
    };
    Ok(Statistics {
        fitted,
        residuals,
        rss: rss.to_f64(),
        tss: tss.to_f64(),
        sigma: sigma.to_f64(),
        std_errors,
        r_squared: r_squared.to_f64(),
        adj_r_squared: adj.to_f64(),
        f_statistic,
        constant_response,
        exact_fit,
        orthogonality,
        cross: xty.iter().map(|v| v.to_f64().abs()).collect(),
        y_norm,
        r_norm,
        covariance,
    })
}

/// The per-observation values and the weighted sums of one pass over the rows.
struct Pass<T> {
    fitted: DVector<f64>,
    residuals: DVector<f64>,
    sums: Sums<T>,
}

/// `w̃ᵢ = wᵢ·2^{2h}` (1 without weights) in the working precision, `step` being `2^{2h}`.
fn scaled_weight<T: Scalar>(weights: Option<&DVector<f64>>, i: usize, step: Pow2) -> T {
    weights.map_or(T::ONE, |w| step.of(T::from_f64(w[i])))
}

/// Rows per block of [`pass`]: 2¹² rows, so that a block's products and factors stay in the
/// first- and second-level caches.
const PASS_BLOCK: usize = 1 << 12;

/// The fewest entries of the design for which [`pass`] runs on more than one thread.
const PARALLEL_ENTRIES: usize = 1 << 17;

/// The weighted sums of [`Pass`] over some rows.
struct Sums<T> {
    /// `Σ w̃r̃²`, `Σ w̃`, `Σ w̃ỹ` and `Σ w̃ỹ²` over the rows with nonzero weight.
    rss: T,
    total_weight: T,
    weighted_sum: T,
    y_squares: T,
    /// `x̃_jᵀ(√w̃·r̃)` and `x̃_jᵀ(√w̃·ỹ)` for each column.
    xtr: Vec<T>,
    xty: Vec<T>,
}

impl<T: Scalar> Sums<T> {
    fn zero(p: usize) -> Self {
        Self {
            rss: T::ZERO,
            total_weight: T::ZERO,
            weighted_sum: T::ZERO,
            y_squares: T::ZERO,
            xtr: vec![T::ZERO; p],
            xty: vec![T::ZERO; p],
        }
    }

    fn add(&mut self, other: &Self) {
        self.rss += other.rss;
        self.total_weight += other.total_weight;
        self.weighted_sum += other.weighted_sum;
        self.y_squares += other.y_squares;
        for (a, &b) in self.xtr.iter_mut().zip(&other.xtr) {
            *a += b;
        }
        for (a, &b) in self.xty.iter_mut().zip(&other.xty) {
            *a += b;
        }
    }
}

/// Fitted values and residuals in the caller's units, and the sums of the scaled problem, in
/// one pass over the rows of the design.
///
/// The rows go in blocks of [`PASS_BLOCK`], on every core when there is more than one block
/// and at least [`PARALLEL_ENTRIES`] entries;
/// each block sums its rows in order (the cross products `X̃ᵀr̃` and `X̃ᵀỹ` in [`LANES`]
/// partial sums by row, see [`cross4`]) and the blocks' sums are added in block order, so the
/// result does not depend on the number of threads, and a design of one block gets exactly the
/// sums of a row-by-row loop (with those lanes). An error is that of the first row, in row
/// order, that has one.
fn pass<T: Scalar>(
    x: &DMatrix<T>,
    y: &DVector<f64>,
    setting: &Setting<'_>,
    beta: &DVector<T>,
) -> Result<Pass<T>> {
    let (m, p) = x.shape();
    let Setting { weights, kept, .. } = *setting;
    // Without weights, or with no weight of zero, every row is kept.
    let is_kept = weights.filter(|_| matches!(kept, Kept::Listed(_))).map(|_| {
        let mut is_kept = vec![false; m];
        for i in kept.iter() {
            is_kept[i] = true;
        }
        is_kept
    });
    let mut fitted = DVector::zeros(m);
    let mut residuals = DVector::zeros(m);
    let mut work: Vec<(usize, &mut [f64], &mut [f64])> = fitted
        .as_mut_slice()
        .chunks_mut(PASS_BLOCK)
        .zip(residuals.as_mut_slice().chunks_mut(PASS_BLOCK))
        .enumerate()
        .map(|(k, (f, r))| (k * PASS_BLOCK, f, r))
        .collect();
    let block = |(start, f, r): &mut (usize, &mut [f64], &mut [f64])| {
        let is_kept = is_kept.as_deref();
        Arch::new().dispatch(BlockSums { x, y, setting, beta, is_kept, rows: (*start, f, r) })
    };
    // Threads only for work worth their start-up (about 2¹⁷ entries, as `glm`'s tall path).
    let threads = if m.saturating_mul(p) < PARALLEL_ENTRIES {
        1
    } else {
        linalg_core::TallQr::<f64>::default_threads()
    };
    let per_thread = work.len().div_ceil(threads).max(1);
    let results: Vec<Result<Sums<T>>> = if work.len() <= per_thread {
        work.iter_mut().map(block).collect()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = work
                .chunks_mut(per_thread)
                .map(|group| scope.spawn(|| group.iter_mut().map(block).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                .collect()
        })
    };
    let mut sums = Sums::zero(p);
    for result in results {
        sums.add(&result?);
    }
    Ok(Pass { fitted, residuals, sums })
}

/// [`block_sums`] as an operation that `pulp` compiles for the best instruction set the CPU
/// offers (a closure would be compiled for the baseline; see `linalg_core`'s kernels). No
/// multiply and add is fused, so the sums are the same on every instruction set.
struct BlockSums<'a, 'b, T> {
    x: &'a DMatrix<T>,
    y: &'a DVector<f64>,
    setting: &'a Setting<'b>,
    beta: &'a DVector<T>,
    is_kept: Option<&'a [bool]>,
    rows: (usize, &'a mut [f64], &'a mut [f64]),
}

impl<T: Scalar> WithSimd for BlockSums<'_, '_, T> {
    type Output = Result<Sums<T>>;

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> Result<Sums<T>> {
        block_sums(simd, self.x, self.y, self.setting, self.beta, self.is_kept, self.rows)
    }
}

/// One block of [`pass`]: the rows `start..start + fitted.len()`, their fitted values and
/// residuals written into `fitted` and `residuals`, and their sums.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operation")]
#[inline(always)]
fn block_sums<T: Scalar, S: Simd>(
    simd: S,
    x: &DMatrix<T>,
    y: &DVector<f64>,
    setting: &Setting<'_>,
    beta: &DVector<T>,
    is_kept: Option<&[bool]>,
    (start, fitted, residuals): (usize, &mut [f64], &mut [f64]),
) -> Result<Sums<T>> {
    let p = x.ncols();
    let len = fitted.len();
    let Setting { weights, scaling, .. } = *setting;
    let (columns, r, h) = (&scaling.columns, scaling.response, scaling.weights);
    // `X̃β̃` column by column (contiguous in the column-major design), adding in the order of
    // `row_product`'s fold, so that every finite entry is the same number; an entry that
    // overflowed is formed again by `row_product`, with its exponent.
    // Four columns whose steps are one factor each go in one pass over the products, adding
    // in the same order.
    let steps: Vec<Pow2> = columns.iter().map(|&c| Pow2::new(c)).collect();
    let mut products = vec![T::ZERO; len];
    let m = x.nrows();
    let rows = |j: usize| &x.as_slice()[j * m + start..j * m + start + len];
    let mut j = 0;
    while j < p {
        let factors = (j + 4 <= p).then(|| [0, 1, 2, 3].map(|q| steps[j + q].single_factor()));
        if let Some([Some(f0), Some(f1), Some(f2), Some(f3)]) = factors {
            let f = [f0, f1, f2, f3];
            let [c0, c1, c2, c3] = std::array::from_fn(|q| rows(j + q));
            let b = [beta[j], beta[j + 1], beta[j + 2], beta[j + 3]];
            for (k, s) in products.iter_mut().enumerate() {
                let mut v = *s;
                v += c0[k].times_factor(f[0]) * b[0];
                v += c1[k].times_factor(f[1]) * b[1];
                v += c2[k].times_factor(f[2]) * b[2];
                v += c3[k].times_factor(f[3]) * b[3];
                *s = v;
            }
            j += 4;
            continue;
        }
        let (c, b) = (steps[j], beta[j]);
        for (s, &v) in products.iter_mut().zip(rows(j)) {
            *s += c.of(v) * b;
        }
        j += 1;
    }
    if weights.is_none()
        && let Some(sums) =
            unweighted_sums(simd, x, y, &steps, r, start, &products, fitted, residuals)
    {
        return Ok(sums);
    }
    let (to_caller, to_scaled) = (Pow2::new(-r), Pow2::new(r));
    let weight_step = Pow2::new(2 * h);
    let mut sums = Sums::zero(p);
    // Per kept row, `√w̃ᵢ` and the factors `√w̃ᵢ·r̃ᵢ` and `√w̃ᵢ·ỹᵢ` of the cross products, summed
    // below column by column in row order.
    let mut factors: Vec<(usize, T, T, T)> = Vec::with_capacity(len);
    let (mut rss, mut total_weight, mut weighted_sum, mut y_squares) =
        (T::ZERO, T::ZERO, T::ZERO, T::ZERO);
    for (k, &direct) in products.iter().enumerate() {
        let i = start + k;
        let (product, e) = if direct.is_finite() {
            (direct, 0)
        } else {
            row_product(|j| x[(i, j)], beta, columns)
        };
        // In the caller's units: `2^{−r}·f̃` and `y − 2^{−r}·f̃` round exactly as `xᵢᵀβ̂` and
        // `yᵢ − xᵢᵀβ̂` would, and fail only where those leave the range of `f64`.
        let f = if e == 0 { to_caller.of(product) } else { scale_by(product, e - r) };
        fitted[k] = to_finite(f.to_f64(), 0, Quantity::FittedValue, i)?;
        residuals[k] = to_finite((T::from_f64(y[i]) - f).to_f64(), 0, Quantity::Residual, i)?;
        let wi = scaled_weight::<T>(weights, i, weight_step);
        if !is_kept.is_none_or(|kept| kept[i]) || wi == T::ZERO {
            // Left out, or a weight below 2⁻¹⁰⁷⁴ of the largest: no part of the sums.
            continue;
        }
        let yi = to_scaled.of(T::from_f64(y[i]));
        let ri = yi - if e == 0 { product } else { scale_by(product, e) };
        let si = weights.map_or(T::ONE, |w| root_weight(w[i], h));
        rss += wi * ri * ri;
        total_weight += wi;
        weighted_sum += wi * yi;
        y_squares += wi * yi * yi;
        factors.push((i, si, si * ri, si * yi));
    }
    (sums.rss, sums.total_weight, sums.weighted_sum, sums.y_squares) =
        (rss, total_weight, weighted_sum, y_squares);
    if !kept_block_cross(simd, x, &steps, start, &factors, &mut sums) {
        gathered_cross(x, &steps, &factors, &mut sums);
    }
    Ok(sums)
}

/// The cross products of [`block_sums`]'s weighted loop, over the kept rows listed in `factors`
/// (row, `√w̃`, `√w̃·r̃`, `√w̃·ỹ`).
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operation")]
#[inline(always)]
fn gathered_cross<T: Scalar>(
    x: &DMatrix<T>,
    steps: &[Pow2],
    factors: &[(usize, T, T, T)],
    sums: &mut Sums<T>,
) {
    // Four columns share each pass over the kept rows, each column's two sums kept in lanes
    // by position among them as [`cross4`] keeps them, so that weights of one give the sums
    // of the unweighted pass bit for bit.
    let (m, p) = x.shape();
    let column = |j: usize| &x.as_slice()[j * m..(j + 1) * m];
    let body = factors.len() - factors.len() % LANES;
    let (runs, rest) = factors.split_at(body);
    let mut j = 0;
    while j < p {
        let last = |q: usize| (j + q).min(p - 1);
        let c: [&[T]; 4] = std::array::from_fn(|q| column(last(q)));
        let s: [Pow2; 4] = std::array::from_fn(|q| steps[last(q)]);
        let (mut sr, mut sy) = ([[T::ZERO; LANES]; 4], [[T::ZERO; LANES]; 4]);
        for run in runs.chunks_exact(LANES) {
            for (l, &(i, si, wr, wy)) in run.iter().enumerate() {
                for q in 0..4 {
                    let xij = si * s[q].of(c[q][i]);
                    sr[q][l] += xij * wr;
                    sy[q][l] += xij * wy;
                }
            }
        }
        let width = (p - j).min(4);
        for q in 0..width {
            let (mut tr, mut ty) = (T::ZERO, T::ZERO);
            for &(i, si, wr, wy) in rest {
                let xij = si * s[q].of(c[q][i]);
                tr += xij * wr;
                ty += xij * wy;
            }
            sums.xtr[j + q] = lane_sums(sr[q], tr);
            sums.xty[j + q] = lane_sums(sy[q], ty);
        }
        j += width;
    }
}

/// The cross products of [`block_sums`]'s weighted loop when every row of the block is kept and
/// each column's step is one factor: the columns read in place, in vectors ([`cross4`]), with
/// the same sums; `false`, with `sums` untouched, otherwise.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operation")]
#[inline(always)]
fn kept_block_cross<T: Scalar, S: Simd>(
    simd: S,
    x: &DMatrix<T>,
    steps: &[Pow2],
    start: usize,
    factors: &[(usize, T, T, T)],
    sums: &mut Sums<T>,
) -> bool {
    let (m, p) = x.shape();
    let len = factors.len();
    // Strictly increasing rows from `start`: contiguous when the last is `start + len − 1`.
    let single: Option<Vec<f64>> = steps.iter().map(|s| s.single_factor()).collect();
    let Some(single) = single.filter(|_| factors.last().is_none_or(|f| f.0 + 1 == start + len))
    else {
        return false;
    };
    let column = |j: usize| &x.as_slice()[j * m + start..j * m + start + len];
    let scale: Vec<T> = factors.iter().map(|f| f.1).collect();
    let wr: Vec<T> = factors.iter().map(|f| f.2).collect();
    let wy: Vec<T> = factors.iter().map(|f| f.3).collect();
    let mut j = 0;
    while j < p {
        let last = |q: usize| (j + q).min(p - 1);
        let c = std::array::from_fn(|q| column(last(q)));
        let f = std::array::from_fn(|q| single[last(q)]);
        let (xtr, xty) = cross4(simd, (c, f), Some(&scale), &wr, &wy);
        let width = (p - j).min(4);
        sums.xtr[j..j + width].copy_from_slice(&xtr[..width]);
        sums.xty[j..j + width].copy_from_slice(&xty[..width]);
        j += width;
    }
    true
}

/// The rest of [`block_sums`] for a fit without weights, where every row is kept with weight
/// one: the same sums bit for bit (multiplying by a weight of one is exact), from the block's
/// rows read in place, in loops the compiler vectorises. `None` when a product, fitted value or
/// residual is not finite, or a column's step is not one multiplication; the general loop then
/// forms that row again or reports it.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operation")]
#[expect(clippy::too_many_arguments, reason = "a private helper taking what block_sums has")]
#[inline(always)]
fn unweighted_sums<T: Scalar, S: Simd>(
    simd: S,
    x: &DMatrix<T>,
    y: &DVector<f64>,
    steps: &[Pow2],
    r: i32,
    start: usize,
    products: &[T],
    fitted: &mut [f64],
    residuals: &mut [f64],
) -> Option<Sums<T>> {
    let (m, p) = x.shape();
    // Each column's step as one factor; a step beyond 2^±1000 takes the general loop.
    if steps.iter().any(|s| s.single_factor().is_none()) {
        return None;
    }
    let factor = |j: usize| steps[j].single_factor().unwrap_or(f64::NAN);
    let len = products.len();
    let (to_caller, to_scaled) = (Pow2::new(-r), Pow2::new(r));
    let ys = &y.as_slice()[start..start + len];
    // `ỹ` and `r̃` of the block, the factors of the cross products.
    let mut scaled_y = vec![T::ZERO; len];
    let mut scaled_r = vec![T::ZERO; len];
    let mut finite = true;
    for (k, (&product, &yk)) in products.iter().zip(ys).enumerate() {
        let f = to_caller.of(product);
        let yk = T::from_f64(yk);
        (fitted[k], residuals[k]) = (f.to_f64(), (yk - f).to_f64());
        finite &= product.is_finite() & fitted[k].is_finite() & residuals[k].is_finite();
        let yt = to_scaled.of(yk);
        (scaled_y[k], scaled_r[k]) = (yt, yt - product);
    }
    if !finite {
        return None;
    }
    let mut sums = Sums::zero(p);
    let (mut rss, mut weighted_sum, mut y_squares) = (T::ZERO, T::ZERO, T::ZERO);
    for (&yt, &rt) in scaled_y.iter().zip(&scaled_r) {
        rss += rt * rt;
        weighted_sum += yt;
        y_squares += yt * yt;
    }
    (sums.rss, sums.weighted_sum, sums.y_squares) = (rss, weighted_sum, y_squares);
    sums.total_weight = T::from_f64(count_to_f64(len));
    // Four columns share each pass over the rows, each column's two sums kept in [`LANES`]
    // partial sums by row (see [`cross4`]). The last one to three columns go as a group of
    // four that repeats its last column and drops the repeats.
    let column = |j: usize| &x.as_slice()[j * m + start..j * m + start + len];
    let (rt, yt) = (&scaled_r[..], &scaled_y[..]);
    let mut j = 0;
    while j < p {
        let last = |q: usize| (j + q).min(p - 1);
        let c = std::array::from_fn(|q| column(last(q)));
        let f = std::array::from_fn(|q| factor(last(q)));
        let (xtr, xty) = cross4(simd, (c, f), None, rt, yt);
        let width = (p - j).min(4);
        sums.xtr[j..j + width].copy_from_slice(&xtr[..width]);
        sums.xty[j..j + width].copy_from_slice(&xty[..width]);
        j += width;
    }
    Some(sums)
}

/// Partial sums by row of the cross products: `LANES` of them, row `k` of a run going to
/// lane `k mod LANES`.
const LANES: usize = 4;

/// `(Σₖ (c_q[k]·f_q)·r[k], Σₖ (c_q[k]·f_q)·y[k])` for four columns `c_q` with factors `f_q`
/// (powers of two). Each sum is kept in [`LANES`] partial sums by row, added
/// `(s₀ + s₁) + (s₂ + s₃)` at the end, then the leftover rows in order, as
/// [`lane_sums`] adds them: row order would make each sum one chain of dependent additions.
/// The columns are named one by one, so that the compiler sees their lengths and checks no
/// index in the loop. Like the other helpers of the statistics pass, it must inline into the
/// SIMD-dispatched operation.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operation")]
#[inline(always)]
fn cross4<T: Scalar, S: Simd>(
    simd: S,
    (c, f): ([&[T]; 4], [f64; 4]),
    scale: Option<&[T]>,
    r: &[T],
    y: &[T],
) -> ([T; 4], [T; 4]) {
    let scale_f64 = scale.map(T::as_f64s);
    if let (Some(c0), Some(c1), Some(c2), Some(c3), Some(rf), Some(yf)) = (
        T::as_f64s(c[0]),
        T::as_f64s(c[1]),
        T::as_f64s(c[2]),
        T::as_f64s(c[3]),
        T::as_f64s(r),
        T::as_f64s(y),
    ) && size_of::<S::f64s>() == LANES * size_of::<f64>()
        && let Some(scale) = scale_f64.map_or(Some(None), |s| s.map(Some))
    {
        let (xtr, xty) = cross4_vectors(simd, ([c0, c1, c2, c3], f), scale, rf, yf);
        return (xtr.map(T::from_f64), xty.map(T::from_f64));
    }
    let len = r.len();
    let body = len - len % LANES;
    let (r, y) = (&r[..len], &y[..len]);
    let c = c.map(|c| &c[..len]);
    // Entry `k` of column `q`, scaled by its column's factor and then by its row's scale.
    let entry = |q: usize, k: usize| {
        let v = c[q][k].times_factor(f[q]);
        scale.map_or(v, |s| s[k] * v)
    };
    let (mut sr, mut sy) = ([[T::ZERO; LANES]; 4], [[T::ZERO; LANES]; 4]);
    for k in (0..body).step_by(LANES) {
        for q in 0..4 {
            for l in 0..LANES {
                let v = entry(q, k + l);
                sr[q][l] += v * r[k + l];
                sy[q][l] += v * y[k + l];
            }
        }
    }
    let (mut xtr, mut xty) = ([T::ZERO; 4], [T::ZERO; 4]);
    for q in 0..4 {
        let (mut tr, mut ty) = (T::ZERO, T::ZERO);
        for k in body..len {
            let v = entry(q, k);
            tr += v * r[k];
            ty += v * y[k];
        }
        xtr[q] = lane_sums(sr[q], tr);
        xty[q] = lane_sums(sy[q], ty);
    }
    (xtr, xty)
}

/// [`cross4`] in `f64` with vectors of [`LANES`] lanes: lane `l` of a vector holds the
/// partial sum of rows `k ≡ l (mod LANES)`, so the sums are [`cross4`]'s bit for bit.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operation")]
#[inline(always)]
fn cross4_vectors<S: Simd>(
    simd: S,
    (c, f): ([&[f64]; 4], [f64; 4]),
    scale: Option<&[f64]>,
    r: &[f64],
    y: &[f64],
) -> ([f64; 4], [f64; 4]) {
    let len = r.len();
    let (rv, rt) = S::as_simd_f64s(&r[..len]);
    let (yv, yt) = S::as_simd_f64s(&y[..len]);
    let cv: [&[S::f64s]; 4] = std::array::from_fn(|q| S::as_simd_f64s(&c[q][..len]).0);
    let n = rv.len();
    let (yv, c0, c1, c2, c3) = (&yv[..n], &cv[0][..n], &cv[1][..n], &cv[2][..n], &cv[3][..n]);
    let fs = f.map(|f| simd.splat_f64s(f));
    let mut sr = [simd.splat_f64s(0.0); 4];
    let mut sy = sr;
    // Two copies of one loop, so that the sums without a scale take no multiplication by one.
    if let Some(scale) = scale {
        let sv = &S::as_simd_f64s(&scale[..len]).0[..n];
        for k in 0..n {
            let v = [c0[k], c1[k], c2[k], c3[k]];
            for q in 0..4 {
                let v = simd.mul_f64s(sv[k], simd.mul_f64s(v[q], fs[q]));
                sr[q] = simd.add_f64s(sr[q], simd.mul_f64s(v, rv[k]));
                sy[q] = simd.add_f64s(sy[q], simd.mul_f64s(v, yv[k]));
            }
        }
    } else {
        for k in 0..n {
            let v = [c0[k], c1[k], c2[k], c3[k]];
            for q in 0..4 {
                let v = simd.mul_f64s(v[q], fs[q]);
                sr[q] = simd.add_f64s(sr[q], simd.mul_f64s(v, rv[k]));
                sy[q] = simd.add_f64s(sy[q], simd.mul_f64s(v, yv[k]));
            }
        }
    }
    let (mut xtr, mut xty) = ([0.0; 4], [0.0; 4]);
    let body = n * LANES;
    for q in 0..4 {
        let (mut tr, mut ty) = (0.0, 0.0);
        for (k, (&rk, &yk)) in (body..len).zip(rt.iter().zip(yt)) {
            let v = c[q][k] * f[q];
            let v = scale.map_or(v, |s| s[k] * v);
            tr += v * rk;
            ty += v * yk;
        }
        let (a, b): ([f64; LANES], [f64; LANES]) =
            (pulp::bytemuck::cast(sr[q]), pulp::bytemuck::cast(sy[q]));
        xtr[q] = lane_sums(a, tr);
        xty[q] = lane_sums(b, ty);
    }
    (xtr, xty)
}

/// `((s₀ + s₁) + (s₂ + s₃)) + tail`: how every lane-wise sum of the pass ends.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operation")]
#[inline(always)]
fn lane_sums<T: Scalar>(s: [T; LANES], tail: T) -> T {
    ((s[0] + s[1]) + (s[2] + s[3])) + tail
}

/// `I_x(a, b)`, the regularized incomplete beta function, for arguments known to be valid.
#[expect(clippy::expect_used, reason = "the invariant is stated in the message")]
fn regularized_beta(a: f64, b: f64, x: f64) -> f64 {
    checked_beta_reg(a, b, x)
        .expect("the callers pass positive shape parameters and an x computed to lie in [0, 1]")
}

/// Two-sided p-value `P(|T| ≥ |t|)` of Student's t with `df ≥ 1` degrees of freedom, for any
/// `t` that is not NaN: `I_{df/(df + t²)}(df/2, 1/2)` (Abramowitz & Stegun 26.7.1).
///
/// `df/(df + t²)` is formed as `1/(1 + (t/√df)²)`'s equivalent `q²/(1 + q²)`, `q = √df/|t|`,
/// when `t²` would overflow, so that no finite t leaves the domain of the beta function.
pub(crate) fn t_test_p_value(t: f64, df: f64) -> f64 {
    let t2 = t * t;
    let x = if t2.is_finite() {
        df / (df + t2)
    } else {
        let q = df.sqrt() / t.abs();
        q * q / (1.0 + q * q)
    };
    regularized_beta(df / 2.0, 0.5, x.clamp(0.0, 1.0))
}

/// Upper tail `P(F ≥ f)` of Fisher's F with `(d1, d2)` degrees of freedom, for any `f` that is
/// not NaN: `I_{d2/(d2 + d1·f)}(d2/2, d1/2)`; 1 for `f ≤ 0` (a rounding-level negative F).
pub(crate) fn f_test_p_value(f: f64, d1: f64, d2: f64) -> f64 {
    if f <= 0.0 {
        return 1.0;
    }
    let scaled = d1 * f;
    let x = if (scaled + d2).is_finite() {
        1.0 - scaled / (scaled + d2)
    } else {
        let q = (d2 / d1) / f;
        q / (1.0 + q)
    };
    regularized_beta(d2 / 2.0, d1 / 2.0, x.clamp(0.0, 1.0))
}

/// The quantile `t_{df, (1+level)/2}` of Student's t for a two-sided interval at `level` in
/// `(0, 1)`, from the exact tail probability `1 − level` (so a level just below 1 keeps its
/// tail instead of rounding `(1 + level)/2` to 1): `√(df·(1 − z)/z)` with
/// `z = I⁻¹_{1−level}(df/2, 1/2)`. Infinite if the quantile exceeds the range of `f64`; the
/// callers check the bounds they build from it.
pub(crate) fn t_quantile(df: f64, level: f64) -> f64 {
    let z = inv_beta_reg(df / 2.0, 0.5, 1.0 - level);
    (df * (1.0 - z) / z).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{ContinuousCDF, FisherSnedecor, StudentsT};

    /// The weighted cross products by every route give the same bits: the rows gathered by
    /// index (`gathered_cross`), and read in place (`kept_block_cross`) in arrays of lanes
    /// (`pulp::Scalar`, one lane a vector) and, where the CPU has AVX2, in vectors of four.
    /// Rows from 0 to 33 (leftover rows after the last vector), one to six columns (a partial
    /// group of four), and a block that starts inside the design.
    #[test]
    fn the_cross_products_have_the_same_bits_by_every_route() {
        let entry = |i: usize, j: usize| {
            let t = count_to_f64(i * 7 + j * 13 + 1);
            (t * 0.618_033_988_749_895).fract() * 8.0 - 4.0 + count_to_f64(j)
        };
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let start = 5;
        for len in [0, 1, 3, 4, 7, 33] {
            for p in [1, 4, 6] {
                let x = DMatrix::from_fn(start + len, p, entry);
                let steps: Vec<Pow2> =
                    [-3, 0, 2, 5, -1, 1][..p].iter().map(|&e| Pow2::new(e)).collect();
                let factors: Vec<(usize, f64, f64, f64)> = (start..start + len)
                    .map(|i| {
                        let si = 0.5 + entry(i, 9).abs() / 8.0;
                        (i, si, si * entry(i, 7), si * entry(i, 8))
                    })
                    .collect();
                let mut gathered = Sums::zero(p);
                gathered_cross(&x, &steps, &factors, &mut gathered);
                let mut lanes = Sums::zero(p);
                assert!(kept_block_cross(
                    pulp::Scalar::new(),
                    &x,
                    &steps,
                    start,
                    &factors,
                    &mut lanes
                ));
                assert_eq!(bits(&gathered.xtr), bits(&lanes.xtr), "{len}×{p}");
                assert_eq!(bits(&gathered.xty), bits(&lanes.xty), "{len}×{p}");
                #[cfg(target_arch = "x86_64")]
                if let Some(simd) = pulp::x86::V3::try_new() {
                    let mut vectors = Sums::zero(p);
                    assert!(kept_block_cross(simd, &x, &steps, start, &factors, &mut vectors));
                    assert_eq!(bits(&gathered.xtr), bits(&vectors.xtr), "{len}×{p}");
                    assert_eq!(bits(&gathered.xty), bits(&vectors.xty), "{len}×{p}");
                }
                // A row left out: the rows are not contiguous, and only the gathered route runs.
                if len > 1 {
                    let mut skipped = factors.clone();
                    skipped.remove(0);
                    assert!(!kept_block_cross(
                        pulp::Scalar::new(),
                        &x,
                        &steps,
                        start,
                        &skipped,
                        &mut Sums::zero(p)
                    ));
                }
            }
        }
    }

    /// `pass` without weights (`unweighted_sums`, the contiguous loops) and with weights of one
    /// on every row (the general loop, every factor of one multiplying exactly) must give the
    /// same bits: values, residuals and every sum. Two blocks and a part block, six columns (a
    /// group of four and two left over), and rows whose products overflow, which send their
    /// block back to the general loop.
    #[test]
    fn the_unweighted_pass_is_the_pass_with_weights_of_one_bit_for_bit() {
        let (m, p) = (2 * PASS_BLOCK + 777, 6);
        let entry = |i: usize, j: usize| {
            let t = count_to_f64(i * 7 + j * 13 + 1);
            (t * 0.618_033_988_749_895).fract() * 8.0 - 4.0 + count_to_f64(j)
        };
        let beta =
            DVector::from_fn(p, |j, _| if j == 3 { 4.0 } else { 0.5 - count_to_f64(j) * 0.3 });
        let scaling = Scaling { columns: vec![-3, 0, 2, 5, -1, 1], response: 8, weights: 0 };
        let norms = vec![1.0; p];
        let kept: Vec<usize> = (0..m).collect();
        let ones = DVector::from_element(m, 1.0);
        for overflow in [false, true] {
            let mut x = DMatrix::from_fn(m, p, entry);
            if overflow {
                // `2⁵·x·β̃₃` overflows in one row of the second block, whose fitted value
                // `2⁻⁸·2⁵·x·β̃₃` does not: the general loop forms it with the row's exponent.
                x[(PASS_BLOCK + 5, 3)] = f64::MAX / 64.0;
            }
            let y = DVector::from_fn(m, |i, _| entry(i, 7) * 3.0);
            let run = |weights: Option<&DVector<f64>>| {
                let setting = Setting {
                    weights,
                    kept: Kept::Listed(&kept),
                    scaling: &scaling,
                    norms: &norms,
                    intercept: false,
                };
                pass(&x, &y, &setting, &beta)
            };
            let (plain, weighted) = (run(None), run(Some(&ones)));
            let (plain, weighted) = (plain.unwrap(), weighted.unwrap());
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(plain.fitted.as_slice()), bits(weighted.fitted.as_slice()));
            assert_eq!(bits(plain.residuals.as_slice()), bits(weighted.residuals.as_slice()));
            let (a, b) = (&plain.sums, &weighted.sums);
            assert_eq!(
                bits(&[a.rss, a.total_weight, a.weighted_sum, a.y_squares]),
                bits(&[b.rss, b.total_weight, b.weighted_sum, b.y_squares])
            );
            assert_eq!(bits(&a.xtr), bits(&b.xtr));
            assert_eq!(bits(&a.xty), bits(&b.xty));
            assert_eq!(a.total_weight.to_bits(), count_to_f64(m).to_bits());
            let big = plain.fitted[PASS_BLOCK + 5].abs();
            assert_eq!(overflow, big > f64::MAX / 1024.0 && big.is_finite(), "{big:e}");
            assert_eq!(overflow, !a.rss.is_finite());
        }
    }

    #[track_caller]
    #[expect(clippy::float_cmp, reason = "the same formula must give the same bits")]
    fn check(t: f64, df: f64) {
        let reference = 2.0 * StudentsT::new(0.0, 1.0, df).unwrap().sf(t.abs());
        let p = t_test_p_value(t, df);
        assert!((0.0..=1.0).contains(&p), "t = {t:e}, df = {df}: p = {p}");
        if (t * t).is_finite() {
            assert_eq!(p, reference, "t = {t:e}, df = {df}");
        }
    }

    #[test]
    #[expect(clippy::float_cmp, reason = "the same formula must give the same bits")]
    fn tail_probabilities_agree_with_statrs_and_survive_huge_statistics() {
        for df in [1.0, 2.0, 7.0, 1e6] {
            for t in [0.0, 0.3, -2.5, 40.0, 1e150, -1e200, f64::MAX, f64::INFINITY] {
                check(t, df);
            }
            for f in [0.5, 3.0, 1e10] {
                let reference = FisherSnedecor::new(2.0, df).unwrap().sf(f);
                assert_eq!(f_test_p_value(f, 2.0, df), reference);
            }
            for f in [1e300, f64::MAX, -1e-16] {
                let p = f_test_p_value(f, 2.0, df);
                assert!((0.0..=1.0).contains(&p), "f = {f:e}: p = {p}");
            }
        }
        assert_eq!(t_test_p_value(1e300, 3.0), 0.0);
    }

    #[test]
    #[expect(clippy::float_cmp, reason = "the same formula must give the same bits")]
    fn quantiles_match_statrs_and_keep_the_tail_of_levels_near_one() {
        for df in [1.0, 4.0, 30.0] {
            let dist = StudentsT::new(0.0, 1.0, df).unwrap();
            let q = t_quantile(df, 0.95);
            assert_eq!(q, dist.inverse_cdf(0.975));
            let near_one = t_quantile(df, 1.0 - f64::EPSILON);
            assert!(near_one.is_finite() && near_one > q, "df = {df}: {near_one}");
            assert_eq!(t_quantile(df, 5e-324), 0.0);
        }
    }
}
