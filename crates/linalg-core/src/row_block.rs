//! The rows handed to [`crate::TallQr`]: shape checks, and chunks of `[√w·X | √w·Y]` copied into
//! contiguous buffers with every entry and weight validated on the way.

use nalgebra::{Dim, Dyn, Matrix, Storage, U1};

use crate::error::{Error, Result};
use crate::scalar::Real;
use crate::triangular::check_all_finite_slice;

/// A source of augmented rows `[√w·x, √w·y]`, read chunk by chunk.
pub(crate) trait FillRows<T: Real> {
    /// Rows available.
    fn nrows(&self) -> usize;

    /// Columns of the augmented rows: those of `X` and then those of `Y`.
    fn width(&self) -> usize;

    /// Copies rows `start..start + len` into `buf` (column-major, leading dimension `len`,
    /// `len·width` entries), each multiplied by the square root of its weight; `root_w` is
    /// scratch. Returns how many of the rows have a nonzero weight.
    ///
    /// # Errors
    /// [`Error::InvalidWeight`] for the first negative or non-finite weight of the chunk; then
    /// [`Error::NonFinite`] (an entry of `X`) or [`Error::NonFiniteResponse`] (of `Y`) for the
    /// first entry of the chunk, in column-major order, that is not finite or whose weighted
    /// value overflowed. Row indices count from the first row of the whole block. Rows the
    /// caller writes ([`FillFn`]) report no error here; the fold checks what they leave.
    fn fill(&self, start: usize, len: usize, buf: &mut [T], root_w: &mut Vec<T>) -> Result<usize>;
}

/// Rows written by the caller's function: `fill(start, len, buf)` writes rows
/// `start..start + len` of `[√W·X | √W·Y]` into `buf` (column-major, leading dimension `len`)
/// and returns how many of them have a nonzero weight. The entries are not checked here: the
/// fold checks the state they leave (`crate::tall_core::fold_range`), which costs `N²` reads
/// a chunk instead of `rows·N` (a pass over the chunk was 4 % of `lsq::fit` at 10⁴×10).
pub(crate) struct FillFn<F> {
    pub(crate) nrows: usize,
    pub(crate) width: usize,
    pub(crate) fill: F,
}

impl<T, F> FillRows<T> for FillFn<F>
where
    T: Real,
    F: Fn(usize, usize, &mut [T]) -> usize,
{
    fn nrows(&self) -> usize {
        self.nrows
    }

    fn width(&self) -> usize {
        self.width
    }

    fn fill(&self, start: usize, len: usize, buf: &mut [T], _root_w: &mut Vec<T>) -> Result<usize> {
        Ok((self.fill)(start, len, buf))
    }
}

/// Borrowed rows: a design block `X`, its responses `Y` (one column or several) and optional
/// weights, with matching row counts.
#[derive(Debug)]
pub(crate) struct RowBlock<'a, T, C, SX, SY, SW>
where
    T: Real,
    C: Dim,
    SX: Storage<T, Dyn, Dyn, RStride = U1>,
    SY: Storage<T, Dyn, C, RStride = U1>,
    SW: Storage<T, Dyn, U1, RStride = U1>,
{
    x: &'a Matrix<T, Dyn, Dyn, SX>,
    y: &'a Matrix<T, Dyn, C, SY>,
    w: Option<&'a Matrix<T, Dyn, U1, SW>>,
}

impl<'a, T, C, SX, SY, SW> RowBlock<'a, T, C, SX, SY, SW>
where
    T: Real,
    C: Dim,
    SX: Storage<T, Dyn, Dyn, RStride = U1>,
    SY: Storage<T, Dyn, C, RStride = U1>,
    SW: Storage<T, Dyn, U1, RStride = U1>,
{
    /// Checks that `y` and `w` have as many rows as `x`, and, when a state's shape is given as
    /// `(n, k)`, that `x` has n columns and `y` has k.
    ///
    /// # Errors
    /// [`Error::ColumnMismatch`] for a wrong number of columns (`x` first), then
    /// [`Error::DimensionMismatch`] for a wrong number of rows (`y` first).
    pub(crate) fn new(
        x: &'a Matrix<T, Dyn, Dyn, SX>,
        y: &'a Matrix<T, Dyn, C, SY>,
        w: Option<&'a Matrix<T, Dyn, U1, SW>>,
        shape: Option<(usize, usize)>,
    ) -> Result<Self> {
        if let Some((n, k)) = shape {
            check_columns("x", n, x.ncols())?;
            check_columns("y", k, y.ncols())?;
        }
        let m = x.nrows();
        for found in std::iter::once(y.nrows()).chain(w.map(Matrix::nrows)) {
            if found != m {
                return Err(Error::DimensionMismatch { expected: m, found });
            }
        }
        Ok(Self { x, y, w })
    }

    /// Copies one column of `X` or `Y`, rows `start..start + len`, weighting each entry, and
    /// returns whether every value written is finite.
    fn copy_column<R: Dim, S: Storage<T, Dyn, R, RStride = U1>>(
        source: &Matrix<T, Dyn, R, S>,
        (start, len, j): (usize, usize, usize),
        dst: &mut [T],
        root_w: &[T],
    ) -> bool {
        // Unit row stride makes every column contiguous.
        let column = source.column(j);
        let src = &column.as_slice()[start..start + len];
        if root_w.is_empty() {
            copy_finite(src, dst, |v, _| v)
        } else {
            copy_finite(src, dst, |v, i| v * root_w[i])
        }
    }
}

/// Writes `value(src[i], i)` to `dst[i]` and returns whether every value written is finite, in
/// the same pass: `v·0` is zero for a finite `v` and NaN otherwise, summed over eight lanes so
/// that the loop vectorises, as in `check_all_finite_slice`, which then names the culprit. The
/// check costs no pass over the chunk of its own.
#[inline]
fn copy_finite<T: Real>(src: &[T], dst: &mut [T], value: impl Fn(T, usize) -> T) -> bool {
    const WIDTH: usize = 8;
    let mut acc = [0.0_f64; WIDTH];
    let body = src.len() - src.len() % WIDTH;
    let mut i = 0;
    while i < body {
        for (l, a) in acc.iter_mut().enumerate() {
            let v = value(src[i + l], i + l);
            dst[i + l] = v;
            *a += v.to_f64() * 0.0;
        }
        i += WIDTH;
    }
    let mut tail = 0.0_f64;
    for r in body..src.len() {
        let v = value(src[r], r);
        dst[r] = v;
        tail += v.to_f64() * 0.0;
    }
    tail == 0.0 && acc.iter().all(|&a| a == 0.0)
}

/// Fails with [`Error::ColumnMismatch`] unless `found == expected`.
pub(crate) fn check_columns(operand: &'static str, expected: usize, found: usize) -> Result<()> {
    if found == expected { Ok(()) } else { Err(Error::ColumnMismatch { operand, expected, found }) }
}

impl<T, C, SX, SY, SW> FillRows<T> for RowBlock<'_, T, C, SX, SY, SW>
where
    T: Real,
    C: Dim,
    SX: Storage<T, Dyn, Dyn, RStride = U1>,
    SY: Storage<T, Dyn, C, RStride = U1>,
    SW: Storage<T, Dyn, U1, RStride = U1>,
{
    fn nrows(&self) -> usize {
        self.x.nrows()
    }

    fn width(&self) -> usize {
        self.x.ncols() + self.y.ncols()
    }

    fn fill(&self, start: usize, len: usize, buf: &mut [T], root_w: &mut Vec<T>) -> Result<usize> {
        let (n, k) = (self.x.ncols(), self.y.ncols());
        debug_assert_eq!(buf.len(), len * (n + k));
        root_w.clear();
        let mut nonzero = len;
        if let Some(w) = self.w {
            nonzero = 0;
            let column = w.column(0);
            for (i, &wi) in column.as_slice()[start..start + len].iter().enumerate() {
                // Written so that NaN fails too.
                if !(wi >= T::ZERO && wi.is_finite()) {
                    return Err(Error::InvalidWeight { row: start + i, value: wi.to_f64() });
                }
                nonzero += usize::from(wi > T::ZERO);
                root_w.push(wi.sqrt());
            }
        }
        if len == 0 {
            return Ok(0);
        }
        let (x_part, y_part) = buf.split_at_mut(n * len);
        let mut finite = true;
        for (j, dst) in x_part.chunks_exact_mut(len).enumerate() {
            finite &= Self::copy_column(self.x, (start, len, j), dst, root_w);
        }
        for (j, dst) in y_part.chunks_exact_mut(len).enumerate() {
            finite &= Self::copy_column(self.y, (start, len, j), dst, root_w);
        }
        if finite {
            return Ok(nonzero);
        }
        match check_all_finite_slice(buf, len) {
            Err(Error::NonFinite { row, col, value }) => {
                let row_in_block = start + row;
                // Name the entry passed in; when it is finite, its weighted value overflowed.
                if col < n {
                    let entry = self.x[(row_in_block, col)];
                    let value = if entry.is_finite() { value } else { entry.to_f64() };
                    Err(Error::NonFinite { row: row_in_block, col, value })
                } else {
                    let entry = self.y[(row_in_block, col - n)];
                    let value = if entry.is_finite() { value } else { entry.to_f64() };
                    Err(Error::NonFiniteResponse { row: row_in_block, col: col - n, value })
                }
            }
            other => other.map(|()| nonzero),
        }
    }
}
