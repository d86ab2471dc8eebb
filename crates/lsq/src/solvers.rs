//! The solvers: explicit inverse, normal equations, Householder QR and QR in double-double.
//!
//! Each works on the equilibrated problem of [`crate::scaling`] (`X̃`, `ỹ`, columns of unit
//! norm up to a power of two) and computes, in its own working precision, the coefficients `β̃`
//! and a representation of `(X̃ᵀX̃)⁻¹` from which standard errors follow. [`Core`] is that
//! shared internal result, in the scaled units; the public face is [`crate::solve`],
//! [`crate::Solution`] and [`crate::fit`], which carry it back to the caller's units.

use linalg_core::{
    HouseholderQr, PivotOptions, PivotStrategy, PivotedQr, Real, condition_estimate_upper,
    count_to_f64, default_rank_tolerance, forward_substitute, upper_triangular_inverse,
};
use nalgebra::{Cholesky, DMatrix, DVector};
use pulp::{Arch, Simd, WithSimd};

use crate::error::{Error, Result};
use crate::method::Method;

/// How a method represents `(XᵀX)⁻¹`: the factor it already has, turned into a covariance only
/// when statistics are asked for (a bare solve never pays for it).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Factor<T: Real> {
    /// QR: `(X̃ᵀX̃)⁻¹ = F·Fᵀ` with `F = P·R⁻¹`. `r` is the leading rank×rank triangle of the
    /// factor of the equilibrated design, `columns[k]` the design column at pivot position k.
    Qr { r: DMatrix<T>, columns: Vec<usize> },
    /// Normal equations: `(X̃ᵀX̃)⁻¹ = L⁻ᵀ·L⁻¹`.
    Cholesky { l: DMatrix<T> },
    /// The explicit inverse `C = (X̃ᵀX̃)⁻¹` itself, with the normal matrix `G = X̃ᵀX̃` it inverts
    /// (for the a-posteriori check of the digits estimate, `C·G − I`).
    Explicit { inverse: DMatrix<T>, gram: DMatrix<T> },
}

impl<T: Real> Factor<T> {
    /// Turns the factor into a covariance representation for p coefficients.
    pub(crate) fn covariance(&self, p: usize) -> Result<Covariance<T>> {
        match self {
            Factor::Qr { r, columns } => {
                let rank = r.nrows();
                let r_inv = upper_triangular_inverse(r)?;
                let mut root = DMatrix::from_element(p, rank, T::ZERO);
                for c in 0..rank {
                    for (k, &col) in columns.iter().enumerate() {
                        root[(col, c)] = r_inv[(k, c)];
                    }
                }
                Ok(Covariance::Root(root))
            }
            Factor::Cholesky { l } => {
                let l_inv = forward_substitute(l, &identity::<T>(p)).map_err(|_| {
                    Error::NormalMatrixBreakdown { method: Method::NormalEquations }
                })?;
                Ok(Covariance::Root(l_inv.transpose()))
            }
            Factor::Explicit { inverse, .. } => Ok(Covariance::Explicit(inverse.clone())),
        }
    }
}

/// The n×n identity in the working precision.
fn identity<T: Real>(n: usize) -> DMatrix<T> {
    DMatrix::from_fn(n, n, |i, j| if i == j { T::ONE } else { T::ZERO })
}

/// The upper triangle of `F·Fᵀ` for [`Covariance::matrix`], as an operation that `pulp`
/// compiles for the best instruction set the CPU offers (a closure would be compiled for the
/// baseline; see `linalg_core`'s kernels): panels of target columns stay in cache while every
/// column of `F` passes over them, and each entry still takes its terms in ascending k, so the
/// result is that of a plain loop over one target column at a time, bit for bit.
struct RootProduct<'a, T: Real> {
    f: &'a DMatrix<T>,
    /// The columns of `f`, cut after their last nonzero.
    columns: &'a [&'a [T]],
    /// `C`, p×p column-major, zero on entry.
    c: &'a mut [T],
}

impl<T: Real> WithSimd for RootProduct<'_, T> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "pulp compiles the inlined body for the CPU's instruction set"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        let Self { f, columns, c } = self;
        let p = f.nrows();
        for (panel, targets) in c.chunks_mut(COVARIANCE_PANEL * p).enumerate() {
            let first = panel * COVARIANCE_PANEL;
            for k in (0..columns.len()).step_by(ROOT_GROUP) {
                let group = &columns[k..(k + ROOT_GROUP).min(columns.len())];
                for (q, target) in targets.chunks_exact_mut(p).enumerate() {
                    let j = first + q;
                    add_terms(target, group, |g| f[(j, k + g)], j + 1);
                }
            }
        }
    }
}

/// Columns of `F` that [`RootProduct`] adds to a target column in one pass.
const ROOT_GROUP: usize = 4;

/// `target[i] += source_g[i]·b_g` for the columns `source_g` of `group` in order (`b_g` from
/// `factor`), over the first `rows` rows at most and the rows each source has, skipping a zero
/// `b_g`: every entry takes the same terms in the same order as one pass per column would give
/// it, but where all four columns apply it is loaded and stored once for the four, where one
/// pass per column stored it four times.
#[expect(clippy::inline_always, reason = "must inline into the SIMD-dispatched operation")]
#[inline(always)]
fn add_terms<T: Real>(target: &mut [T], group: &[&[T]], factor: impl Fn(usize) -> T, rows: usize) {
    let len = |g: usize| group[g].len().min(rows);
    if let [s0, s1, s2, s3] = group {
        let b = [factor(0), factor(1), factor(2), factor(3)];
        if b.iter().all(|&b| b != T::ZERO) {
            let common = (0..ROOT_GROUP).map(len).min().unwrap_or(0);
            let (t, s0, s1, s2, s3) =
                (&mut target[..common], &s0[..common], &s1[..common], &s2[..common], &s3[..common]);
            for ((((t, &a0), &a1), &a2), &a3) in t.iter_mut().zip(s0).zip(s1).zip(s2).zip(s3) {
                let mut v = *t;
                v += a0 * b[0];
                v += a1 * b[1];
                v += a2 * b[2];
                v += a3 * b[3];
                *t = v;
            }
            // The rows past the shortest column, each column's terms in order.
            for (g, &b) in b.iter().enumerate() {
                let rows = common..len(g);
                for (t, &v) in target[rows.clone()].iter_mut().zip(&group[g][rows]) {
                    *t += v * b;
                }
            }
            return;
        }
    }
    for (g, source) in group.iter().enumerate() {
        let b = factor(g);
        if b == T::ZERO {
            continue;
        }
        let rows = len(g);
        for (t, &v) in target[..rows].iter_mut().zip(&source[..rows]) {
            *t += v * b;
        }
    }
}

/// Columns of `(XᵀX)⁻¹` that [`Covariance::matrix`] forms together: 32 columns of 512 rows
/// are 128 KiB, which stay in a core's L2 cache while the root streams past them.
const COVARIANCE_PANEL: usize = 32;

/// `(XᵀX)⁻¹` in one of the two forms the methods produce.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(bound = "T: serde::Serialize + serde::de::DeserializeOwned"))]
pub(crate) enum Covariance<T: Real> {
    /// A p×r factor `F` with `(XᵀX)⁻¹ = F·Fᵀ`; rows of aliased columns are zero.
    Root(DMatrix<T>),
    /// `(XᵀX)⁻¹` itself, as the explicit-inverse method computes it.
    Explicit(DMatrix<T>),
}

impl<T: Real> Covariance<T> {
    /// The diagonal of `(XᵀX)⁻¹`: `‖F_j‖²` for each row j of a root (a sum of squares in
    /// ascending k, never negative, formed column by column of the column-major `F`), or
    /// `C_jj`.
    pub(crate) fn diagonal(&self) -> Vec<T> {
        match self {
            Covariance::Root(f) => {
                let mut d = vec![T::ZERO; f.nrows()];
                for column in f.column_iter() {
                    for (s, &v) in d.iter_mut().zip(column.iter()) {
                        *s += v * v;
                    }
                }
                d
            }
            Covariance::Explicit(c) => c.diagonal().iter().copied().collect(),
        }
    }

    /// `xᵀ(XᵀX)⁻¹x`, as `‖Fᵀx‖²` where a root is available.
    pub(crate) fn quadratic_form(&self, x: &[T]) -> T {
        match self {
            Covariance::Root(f) => (0..f.ncols())
                .map(|k| (0..f.nrows()).fold(T::ZERO, |s, i| s + f[(i, k)] * x[i]))
                .fold(T::ZERO, |s, v| s + v * v),
            Covariance::Explicit(c) => {
                let p = c.nrows();
                (0..p).fold(T::ZERO, |s, i| {
                    s + x[i] * (0..p).fold(T::ZERO, |t, j| t + c[(i, j)] * x[j])
                })
            }
        }
    }

    /// `(XᵀX)⁻¹` as a matrix.
    ///
    /// From a root, `C = F·Fᵀ`: the upper triangle column by column, `C_{0..=j, j} +=
    /// F_jk·F_{0..=j, k}` for `k` ascending, an update along a contiguous column of the
    /// column-major `F` (so it vectorises) that skips the zeros of `F` (below the last nonzero
    /// of each column, and zero multipliers: `F` is a triangle, or has zero rows for aliased
    /// columns); the lower triangle is its mirror image. Each `C_ij` is the sum `Σ_k F_ik·F_jk`
    /// in ascending `k`, as an entry-by-entry dot product forms it, without its zero terms, so
    /// `C` is exactly symmetric. About `p³/6` flops for a triangle, `p²·r/2` at most.
    pub(crate) fn matrix(&self) -> DMatrix<T> {
        match self {
            Covariance::Root(f) => {
                let p = f.nrows();
                let mut c = DMatrix::from_element(p, p, T::ZERO);
                if p == 0 {
                    return c;
                }
                // Columns as slices of the column-major storage, cut after their last nonzero.
                let columns: Vec<&[T]> = f
                    .as_slice()
                    .chunks_exact(p)
                    .map(|column| {
                        let end = column.iter().rposition(|&v| v != T::ZERO).map_or(0, |i| i + 1);
                        &column[..end]
                    })
                    .collect();
                Arch::new().dispatch(RootProduct { f, columns: &columns, c: c.as_mut_slice() });
                for j in 0..p {
                    for i in 0..j {
                        c[(j, i)] = c[(i, j)];
                    }
                }
                c
            }
            Covariance::Explicit(c) => c.clone(),
        }
    }
}

/// What every method produces, in its working precision `T` and the units of the equilibrated
/// problem.
#[derive(Debug, Clone)]
pub(crate) struct Core<T: Real> {
    /// Coefficients `β̃` of the equilibrated problem, length p; aliased entries are zero (the
    /// basic solution).
    pub(crate) beta: DVector<T>,
    pub(crate) factor: Factor<T>,
    pub(crate) rank: usize,
    /// Zero-based aliased columns, ascending.
    pub(crate) aliased: Vec<usize>,
    /// Relative rank tolerance, for the methods that decide rank.
    pub(crate) tolerance: Option<f64>,
    /// Estimate of `κ₁` of the equilibrated design (1-norm, so within a factor p of `κ₂`).
    pub(crate) condition_estimate: f64,
}

/// Fails with [`Error::ZeroColumn`] if some column is identically zero.
pub(crate) fn check_zero_columns<T: Real>(x: &DMatrix<T>, names: &[String]) -> Result<()> {
    for (j, column) in x.column_iter().enumerate() {
        if column.iter().all(|&v| v == T::ZERO) {
            let name = names.get(j).cloned().unwrap_or_else(|| format!("x{}", j + 1));
            return Err(Error::ZeroColumn { column: j, name });
        }
    }
    Ok(())
}

/// Householder QR with R's order-keeping rank decision, on the equilibrated design `x`
/// (columns of norm `norms[j]`, within a factor √2 of 1), which it consumes; `rebuild` makes
/// the equilibrated design again for the pivoted factorization when a column fails the rank
/// test.
///
/// Working on the equilibrated design makes the rank decision and the condition estimate
/// invariant to the units of the columns, which is also the sense in which Householder QR's
/// accuracy is governed by `κ(X)`: its backward error is small column by column.
///
/// The common, full-rank case runs the fast (blocked) unpivoted factorization: its `|r_kk|` is
/// exactly the norm of what remains of column k after the earlier columns are projected out,
/// the quantity R's `dqrdc2` compares with the tolerance, so when every `|r_kk|` passes, the
/// order-keeping pivoted factorization would defer nothing and produce the same factor. Only
/// when some column fails does the column-by-column [`PivotStrategy::KeepOrder`] run, to find
/// which columns are aliased.
pub(crate) fn qr_core<T: Real>(
    x: DMatrix<T>,
    y: &DVector<T>,
    norms: &[f64],
    tolerance: Option<f64>,
    rebuild: impl FnOnce() -> DMatrix<T>,
) -> Result<Core<T>> {
    let (m, p) = x.shape();
    let tol = tolerance.unwrap_or_else(|| default_rank_tolerance::<T>(m, p));
    match unpivoted_core(x, y, norms, tol)? {
        Unpivoted::Solved(core, _) => Ok(core),
        Unpivoted::NeedsPivoting(_) => pivoted_core(rebuild(), y, tol),
    }
}

/// [`qr_core`] keeping the storage: `x` comes back holding the packed factorization. When a
/// column fails the rank test the equilibrated design is gone, so the pivoted factorization runs
/// on `Q·R`, the design rebuilt from the factors (equal to it up to rounding, by the backward
/// stability of QR).
pub(crate) fn qr_core_in_place(
    x: DMatrix<f64>,
    y: &DVector<f64>,
    norms: &[f64],
    tolerance: Option<f64>,
) -> Result<(Core<f64>, DMatrix<f64>)> {
    let (m, p) = x.shape();
    let tol = tolerance.unwrap_or_else(|| default_rank_tolerance::<f64>(m, p));
    match unpivoted_core(x, y, norms, tol)? {
        Unpivoted::Solved(core, packed) => Ok((core, packed)),
        Unpivoted::NeedsPivoting(qr) => {
            let mut rebuilt = DMatrix::zeros(m, p);
            rebuilt.view_mut((0, 0), (p, p)).copy_from(&qr.r());
            qr.apply_q(&mut rebuilt)?;
            let core = pivoted_core(rebuilt, y, tol)?;
            Ok((core, qr.into_packed()))
        }
    }
}

/// What the unpivoted factorization of the scaled design found.
enum Unpivoted<T: Real> {
    /// Every `|r_kk|` passed the rank test: the solution, and the packed factorization.
    Solved(Core<T>, DMatrix<T>),
    /// Some column failed it: the factorization (no longer the design).
    NeedsPivoting(HouseholderQr<T>),
}

/// The fast path of [`qr_core`]: blocked unpivoted QR of the equilibrated design, accepted when
/// every `|r_kk|` exceeds `tol` times the norm of its column.
fn unpivoted_core<T: Real>(
    x: DMatrix<T>,
    y: &DVector<T>,
    norms: &[f64],
    tol: f64,
) -> Result<Unpivoted<T>> {
    let p = x.ncols();
    let qr = HouseholderQr::new(x)?;
    let packed = qr.as_packed();
    if !(0..p).all(|k| packed[(k, k)].abs().to_f64() > tol * norms[k]) {
        return Ok(Unpivoted::NeedsPivoting(qr));
    }
    let beta = qr.solve_with_tolerance(y, 0.0)?;
    let core = Core {
        beta,
        factor: Factor::Qr { r: qr.r(), columns: (0..p).collect() },
        rank: p,
        aliased: Vec::new(),
        tolerance: Some(tol),
        condition_estimate: qr.condition_estimate(),
    };
    Ok(Unpivoted::Solved(core, qr.into_packed()))
}

/// The order-keeping pivoted factorization of the equilibrated design, which finds the aliased
/// columns.
fn pivoted_core<T: Real>(x: DMatrix<T>, y: &DVector<T>, tol: f64) -> Result<Core<T>> {
    let options = PivotOptions::default().strategy(PivotStrategy::KeepOrder).tolerance(tol);
    let qr = PivotedQr::with_options(x, options)?;
    let rank = qr.rank();
    let beta = qr.basic_solution(y)?;
    let r = qr.r().view((0, 0), (rank, rank)).into_owned();
    let columns = qr.permutation()[..rank].to_vec();
    Ok(Core {
        beta,
        factor: Factor::Qr { r, columns },
        rank,
        aliased: qr.aliased_columns(),
        tolerance: Some(qr.tolerance()),
        condition_estimate: qr.condition_estimate(),
    })
}

/// `Xᵀy` and `XᵀX` for the normal-equation methods.
fn normal_system(x: &DMatrix<f64>, y: &DVector<f64>) -> (DMatrix<f64>, DVector<f64>) {
    (x.tr_mul(x), x.tr_mul(y))
}

/// A column whose `sin²` angle to the span of the others is `≤ max(m, n)·ε` is lost in the
/// rounding of `XᵀX` itself (its entries carry relative errors of order ε), so the
/// normal-equation methods refuse it rather than return coefficients without a correct digit.
fn normal_tolerance(m: usize, p: usize) -> f64 {
    count_to_f64(m.max(p)) * f64::EPSILON
}

/// Refuses when `κ(XᵀX) ≈ κ²` reaches `1/tolerance`: the normal equations' error bound
/// `κ(X)²·ε` then exceeds one, whatever the individual pivots looked like.
fn check_normal_condition(method: Method, condition: f64, tolerance: f64) -> Result<()> {
    let limit = 1.0 / tolerance;
    if condition * condition >= limit || !condition.is_finite() {
        return Err(Error::IllConditionedNormalMatrix { method, condition, limit });
    }
    Ok(())
}

/// `D = diag(1/√g_jj)`, the scaling that gives the normal matrix a unit diagonal.
fn unit_diagonal_scaling(g: &DMatrix<f64>) -> DVector<f64> {
    DVector::from_fn(g.nrows(), |j, _| 1.0 / g[(j, j)].sqrt())
}

/// The textbook normal equations: Cholesky factorization `XᵀX = L·Lᵀ`, then two triangular
/// solves.
pub(crate) fn normal_equations_core(x: &DMatrix<f64>, y: &DVector<f64>) -> Result<Core<f64>> {
    let method = Method::NormalEquations;
    let p = x.ncols();
    let (g, c) = normal_system(x, y);
    let cholesky = Cholesky::new(g.clone()).ok_or(Error::NormalMatrixBreakdown { method })?;
    let l = cholesky.l();
    // l_jj² = g_jj·sin²θ_j, θ_j the angle between column j and the earlier columns.
    let tolerance = normal_tolerance(x.nrows(), p);
    if let Some((column, ratio)) = (0..p)
        .map(|j| (j, l[(j, j)] * l[(j, j)] / g[(j, j)]))
        .find(|&(_, r)| r.is_nan() || r <= tolerance)
    {
        return Err(Error::SingularNormalMatrix { method, column, ratio, tolerance });
    }
    let beta = cholesky.solve(&c);
    // κ of the equilibrated X: the Cholesky factor of D·XᵀX·D is D·L.
    let d = unit_diagonal_scaling(&g);
    let scaled_upper = DMatrix::from_fn(p, p, |i, j| d[j] * l[(j, i)]);
    let condition_estimate = condition_estimate_upper(&scaled_upper)?;
    check_normal_condition(method, condition_estimate, tolerance)?;
    if beta.iter().any(|v| !v.is_finite()) {
        return Err(Error::NormalMatrixBreakdown { method });
    }
    Ok(Core {
        beta,
        factor: Factor::Cholesky { l },
        rank: p,
        aliased: Vec::new(),
        tolerance: None,
        condition_estimate,
    })
}

/// `‖Ĉ·G − I‖_∞` at or beyond which a computed inverse `Ĉ` of `G` is refused: with a residual
/// `E` of norm below 1, `Ĉ = (I + E)·G⁻¹` is at least an approximate inverse (relative error
/// `‖E‖/(1 − ‖E‖)`); from 1 on it need not be related to `G⁻¹` at all.
const INVERSE_RESIDUAL_LIMIT: f64 = 1.0;

/// The lesson's left inverse, literally: `C = (XᵀX)⁻¹` by LU inversion, then `β = C·Xᵀy`.
pub(crate) fn inverse_core(x: &DMatrix<f64>, y: &DVector<f64>) -> Result<Core<f64>> {
    let method = Method::Inverse;
    let p = x.ncols();
    let (g, c) = normal_system(x, y);
    let inverse = g.clone().try_inverse().ok_or(Error::NormalMatrixBreakdown { method })?;
    // The inverse of a matrix singular to working precision can come back finite and wrong (the
    // 3×3 cofactor formula divides by a determinant that is rounding noise, and then every
    // check below reads nonsense); its residual tells.
    let residual = &inverse * &g - DMatrix::<f64>::identity(p, p);
    let size = residual.row_iter().map(|row| row.abs().sum()).fold(0.0, f64::max);
    if size.is_nan() || size >= INVERSE_RESIDUAL_LIMIT {
        return Err(Error::NormalMatrixBreakdown { method });
    }
    // c_jj·g_jj = 1/sin²θ_j with θ_j the angle between column j and all the others.
    let tolerance = normal_tolerance(x.nrows(), p);
    if let Some((column, ratio)) = (0..p)
        .map(|j| (j, 1.0 / (inverse[(j, j)] * g[(j, j)])))
        .find(|&(_, r)| !r.is_finite() || r <= tolerance)
    {
        return Err(Error::SingularNormalMatrix { method, column, ratio, tolerance });
    }
    let beta = &inverse * c;
    // κ₁ of the equilibrated normal matrix is exact here, since its inverse is at hand;
    // κ(X) is its square root.
    let d = unit_diagonal_scaling(&g);
    let norm1 = |m: &DMatrix<f64>| m.column_iter().map(|col| col.abs().sum()).fold(0.0, f64::max);
    let gs = DMatrix::from_fn(p, p, |i, j| d[i] * g[(i, j)] * d[j]);
    let cs = DMatrix::from_fn(p, p, |i, j| inverse[(i, j)] / (d[i] * d[j]));
    let condition_estimate = (norm1(&gs) * norm1(&cs)).sqrt();
    check_normal_condition(method, condition_estimate, tolerance)?;
    Ok(Core {
        beta,
        factor: Factor::Explicit { inverse, gram: g },
        rank: p,
        aliased: Vec::new(),
        tolerance: None,
        condition_estimate,
    })
}

/// A core computed in `f64` in another working precision (exact: every `f64` is one).
pub(crate) fn lift<T: Real>(core: &Core<f64>) -> Core<T> {
    let widen = |m: &DMatrix<f64>| m.map(T::from_f64);
    let factor = match &core.factor {
        Factor::Qr { r, columns } => Factor::Qr { r: widen(r), columns: columns.clone() },
        Factor::Cholesky { l } => Factor::Cholesky { l: widen(l) },
        Factor::Explicit { inverse, gram } => {
            Factor::Explicit { inverse: widen(inverse), gram: widen(gram) }
        }
    };
    Core {
        beta: core.beta.map(T::from_f64),
        factor,
        rank: core.rank,
        aliased: core.aliased.clone(),
        tolerance: core.tolerance,
        condition_estimate: core.condition_estimate,
    }
}

/// Rounds a core in any working precision to `f64` (a copy for `f64` itself).
pub(crate) fn lower<T: Real>(core: &Core<T>) -> Core<f64> {
    let round = |m: &DMatrix<T>| m.map(Real::to_f64);
    let factor = match &core.factor {
        Factor::Qr { r, columns } => Factor::Qr { r: round(r), columns: columns.clone() },
        Factor::Cholesky { l } => Factor::Cholesky { l: round(l) },
        Factor::Explicit { inverse, gram } => {
            Factor::Explicit { inverse: round(inverse), gram: round(gram) }
        }
    };
    Core {
        beta: core.beta.map(Real::to_f64),
        factor,
        rank: core.rank,
        aliased: core.aliased.clone(),
        tolerance: core.tolerance,
        condition_estimate: core.condition_estimate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaling::{Scalar, problem};
    use linalg_core::DoubleDouble;
    use nalgebra::{dmatrix, dvector};

    /// Coefficients of the equilibrated problem carried back: `β = 2^{C−r}·β̃`.
    #[track_caller]
    fn check<T: Scalar>(x: &DMatrix<T>, y: &DVector<f64>, method: Method, expected: &[f64]) {
        let rows: Vec<usize> = (0..x.nrows()).collect();
        let p = problem(x, y, None, &rows);
        let core = match method {
            Method::Inverse => inverse_core(&p.x.map(Real::to_f64), &p.y.map(Real::to_f64)),
            Method::NormalEquations => {
                normal_equations_core(&p.x.map(Real::to_f64), &p.y.map(Real::to_f64))
            }
            _ => qr_core(p.x.clone(), &p.y, &p.norms, None, || p.x.clone()).map(|c| lower(&c)),
        }
        .unwrap();
        let beta = p.scaling.coefficients(&core.beta).unwrap();
        for (b, e) in beta.iter().zip(expected) {
            assert!((b - e).abs() <= 1e-13 * e.abs().max(1.0), "{method}: {b} vs {e}");
        }
    }

    #[test]
    fn every_method_fits_a_line_exactly() {
        let x = dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0; 1.0, 3.0];
        let y = dvector![1.0, 3.0, 5.0, 7.0];
        for method in [Method::Inverse, Method::NormalEquations, Method::Qr] {
            check(&x, &y, method, &[1.0, 2.0]);
        }
        check(&x.map(DoubleDouble::from), &y, Method::ExtendedQr, &[1.0, 2.0]);
    }

    /// `F·Fᵀ` from a root against the plain sum of each entry's terms in ascending k (the
    /// terms `F_ik·F_jk` with `F_jk ≠ 0` and row i within column k's nonzero rows), bit for bit,
    /// on roots with zero entries, permuted rows and columns of every length.
    #[test]
    fn the_grouped_root_product_adds_each_entrys_terms_in_order() {
        for (p, rank, seed) in [(37, 37, 1_u64), (70, 61, 2), (5, 3, 3), (130, 130, 4)] {
            let mut state = seed;
            let mut next = || {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                linalg_core::count_to_f64(usize::try_from(state >> 40).unwrap_or(0)) / 1.6e7 - 0.5
            };
            // Upper-triangular in a permuted row order, with some zeros inside.
            let order: Vec<usize> = (0..p).map(|i| (i * 7 + 3) % p).collect();
            let f = DMatrix::from_fn(p, rank, |i, k| {
                let v = next();
                if order[i] > k || v.abs() < 0.05 { 0.0 } else { v }
            });
            let c = Covariance::Root(f.clone()).matrix();
            let last = |k: usize| f.column(k).iter().rposition(|&v| v != 0.0).map_or(0, |i| i + 1);
            for j in 0..p {
                for i in 0..=j {
                    let mut sum = 0.0;
                    for k in 0..rank {
                        if f[(j, k)] != 0.0 && i < last(k) {
                            sum += f[(i, k)] * f[(j, k)];
                        }
                    }
                    assert_eq!(c[(i, j)].to_bits(), sum.to_bits(), "({i}, {j}) of {p}x{rank}");
                    assert_eq!(c[(j, i)].to_bits(), sum.to_bits());
                }
            }
        }
    }

    #[test]
    fn covariance_forms_agree() {
        let x = dmatrix![1.0, 0.5; 1.0, 1.5; 1.0, 2.0; 1.0, 4.0];
        let y = dvector![1.0, 2.0, 2.5, 5.0];
        let exact = x.tr_mul(&x).try_inverse().unwrap();
        for core in [
            qr_core(x.clone(), &y, &[2.0, 4.8], None, || x.clone()).unwrap(),
            normal_equations_core(&x, &y).unwrap(),
            inverse_core(&x, &y).unwrap(),
        ] {
            let covariance = core.factor.covariance(2).unwrap();
            let c = covariance.matrix();
            assert!((&c - &exact).amax() <= 1e-13 * exact.amax());
            let v = [0.3, -1.2];
            let q = covariance.quadratic_form(&v);
            let expected = (nalgebra::RowDVector::from_row_slice(&v)
                * &exact
                * DVector::from_row_slice(&v))[(0, 0)];
            assert!((q - expected).abs() <= 1e-13 * expected.abs());
        }
    }

    #[test]
    fn singular_normal_matrix_is_an_error_for_the_textbook_methods() {
        let x = dmatrix![1.0, 2.0; 1.0, 2.0; 1.0, 2.0];
        let y = dvector![1.0, 2.0, 3.0];
        assert!(matches!(
            normal_equations_core(&x, &y),
            Err(Error::NormalMatrixBreakdown { .. }
                | Error::SingularNormalMatrix { .. }
                | Error::IllConditionedNormalMatrix { .. })
        ));
        assert!(matches!(
            inverse_core(&x, &y),
            Err(Error::NormalMatrixBreakdown { .. }
                | Error::SingularNormalMatrix { .. }
                | Error::IllConditionedNormalMatrix { .. })
        ));
        let norms = [3.0_f64.sqrt(), 12.0_f64.sqrt()];
        let core = qr_core(x.clone(), &y, &norms, None, || x.clone()).unwrap();
        assert_eq!((core.rank, core.aliased), (1, vec![1]));
    }
}
