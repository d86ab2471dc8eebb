//! The plain-data state behind [`crate::TallQr`] and the sequential fold of rows into it.
//!
//! The state is the upper-triangular factor `S` of the augmented rows `A = [√W·X | √W·Y]` seen so
//! far (N = n + k columns), with the row counts. Rows are folded in chunks of [`chunk_rows`]:
//! each chunk is copied into a contiguous buffer (weighted and validated). Up to
//! [`DENSE_FOLD_MAX_WIDTH`] columns the chunk is folded under `S` in row blocks, a block
//! reflector for every four columns (`crate::dense_fold`). Wider chunks, and a state's first
//! chunk when it is no larger than one row block, are factored by the Householder QR of
//! `crate::blocked` (the first chunk's triangle is then `HouseholderQr`'s, bit for bit) and
//! their triangle folded under `S` by the structured update of `crate::structured`; wide chunks
//! with fewer rows than N skip the factorization and are folded under `S` directly.

use std::ops::Range;

use nalgebra::DMatrix;

use crate::blocked;
use crate::dense_fold::{self, fold_dense};
use crate::error::{Error, Result};
use crate::row_block::FillRows;
use crate::scalar::Real;
use crate::structured::{Below, fold_under};
use crate::triangular::check_all_finite_slice;

/// Entries (rows × N) of one chunk: 1 MiB of `f64`, about a core's L2 cache, so that a chunk is
/// read from memory once and factored in cache. 2¹⁵ to 2¹⁹ measured within 10 % of each other on
/// 10⁶×20 and 10⁵×50, 2¹⁷ and 2¹⁸ best (`benches/README.md`).
pub(crate) const CHUNK_ENTRIES: usize = 1 << 17;

/// A chunk has at least this many times N rows, so that folding its triangle under the state
/// (`2N³/3` flops) costs at most `1/(3·8)` of factoring it (`2·rows·N²`); this decides the chunk
/// size of wide problems (N > 128).
pub(crate) const MIN_CHUNK_RATIO: usize = 8;

/// States at most this wide fold their chunks row block by row block (`crate::dense_fold`),
/// wider ones factor each chunk first. `TallQr` on one thread, the row-block fold against
/// factoring: 10⁶×20 64 against 79–81 ms, 10⁵×50 26.6 against 31–34 ms, 10⁵×100 93–95 against
/// 102–103 ms, but 2·10⁵×200 731 against 620 ms (`benches/README.md`).
pub(crate) const DENSE_FOLD_MAX_WIDTH: usize = 128;

/// Rows per chunk for N augmented columns: [`CHUNK_ENTRIES`]`/N`, but at least
/// [`MIN_CHUNK_RATIO`]`·N` and at least one.
pub(crate) fn chunk_rows(width: usize) -> usize {
    (CHUNK_ENTRIES / width.max(1)).max(MIN_CHUNK_RATIO * width).max(1)
}

/// A [`crate::TallQr`] as serde stores it: the number of design columns, the triangle and the
/// row counts. Reading one back checks that it is a state `TallQr` could have built.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(bound = "T: serde::Serialize + serde::de::DeserializeOwned")]
pub(crate) struct StoredState<T: Real> {
    columns: usize,
    triangle: DMatrix<T>,
    rows: usize,
    nonzero_weight_rows: usize,
}

#[cfg(feature = "serde")]
impl<T: Real> From<crate::TallQr<T>> for StoredState<T> {
    fn from(state: crate::TallQr<T>) -> Self {
        Self {
            columns: state.n,
            triangle: state.acc.s,
            rows: state.acc.rows,
            nonzero_weight_rows: state.acc.nonzero_weight_rows,
        }
    }
}

#[cfg(feature = "serde")]
impl<T: Real> TryFrom<StoredState<T>> for crate::TallQr<T> {
    type Error = String;

    fn try_from(stored: StoredState<T>) -> Result<Self, String> {
        Self::from_augmented(
            stored.columns,
            stored.triangle,
            stored.rows,
            stored.nonzero_weight_rows,
        )
        .map_err(|e| match e {
            crate::Error::InvalidState { reason } => reason,
            other => other.to_string(),
        })
    }
}

/// Checks that `s`, `rows` and `nonzero_weight_rows` make a state the fold could have built for
/// `columns` design columns: `s` square, at least `columns` wide, finite, zero below the
/// diagonal, and no more rows of nonzero weight than rows. The reason names the offending
/// numbers.
pub(crate) fn check_state<T: Real>(
    columns: usize,
    s: &DMatrix<T>,
    rows: usize,
    nonzero_weight_rows: usize,
) -> Result<(), String> {
    let width = s.nrows();
    if s.ncols() != width || columns > width {
        return Err(format!(
            "a TallQr state needs a square triangle at least as wide as its {columns} design columns, found {}×{}",
            s.nrows(),
            s.ncols()
        ));
    }
    for j in 0..width {
        for i in 0..width {
            let v = s[(i, j)];
            if !v.is_finite() || (i > j && v != T::ZERO) {
                return Err(format!(
                    "entry ({i}, {j}) of a TallQr triangle is {}, not a finite value{}",
                    v.to_f64(),
                    if i > j {
                        " of the upper triangle (below the diagonal must be 0)"
                    } else {
                        ""
                    }
                ));
            }
        }
    }
    if nonzero_weight_rows > rows {
        return Err(format!(
            "a TallQr state cannot have {nonzero_weight_rows} rows of nonzero weight among {rows} rows"
        ));
    }
    Ok(())
}

/// The factor of the augmented rows folded so far, and how many rows that was.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Accumulator<T: Real> {
    /// N×N upper triangle `S` with `SᵀS = AᵀA`; zero below the diagonal.
    pub(crate) s: DMatrix<T>,
    /// Rows folded.
    pub(crate) rows: usize,
    /// Rows folded with a nonzero weight.
    pub(crate) nonzero_weight_rows: usize,
}

impl<T: Real> Accumulator<T> {
    /// The state of no rows: `S = 0`.
    pub(crate) fn empty(width: usize) -> Self {
        Self { s: DMatrix::from_element(width, width, T::ZERO), rows: 0, nonzero_weight_rows: 0 }
    }

    /// N, the columns of the augmented rows.
    pub(crate) fn width(&self) -> usize {
        self.s.ncols()
    }

    /// The first column of the triangle with a NaN or infinite entry on or above the
    /// diagonal, if any.
    ///
    /// A NaN or infinite entry in column `c` of rows folded into a finite state leaves column
    /// `c` of the triangle non-finite and columns before it finite: the entry enters the sum of
    /// squares of column `c`'s reflector, or is spread over the whole column by an earlier
    /// reflector, and `householder::norm2` and `householder::hypot` pass a NaN on; the
    /// reflectors of earlier columns never read column `c`. So this check of `N²` entries
    /// after a fold stands in for a check of every entry folded.
    pub(crate) fn first_non_finite_column(&self) -> Option<usize> {
        // Below the diagonal every entry is zero, so the first non-finite entry in column-major
        // order is in that column. A branch-free pass: a search entry by entry cost a one-row
        // push at 20 columns several per cent more.
        match check_all_finite_slice(self.s.as_slice(), self.width().max(1)) {
            Err(Error::NonFinite { col, .. }) => Some(col),
            _ => None,
        }
    }

    /// `self` if its triangle is finite, else [`Error::NonFiniteFold`] naming `rows`, the rows
    /// it was folded or merged from.
    pub(crate) fn finite(self, rows: Range<usize>) -> Result<Self> {
        match self.first_non_finite_column() {
            None => Ok(self),
            Some(col) => Err(Error::NonFiniteFold { start: rows.start, end: rows.end, col }),
        }
    }

    /// The state of `self`'s rows stacked on `other`'s (same width): `other`'s triangle folded
    /// under `self`'s. An empty side gives the other back unchanged.
    pub(crate) fn merge(mut self, mut other: Self) -> Self {
        debug_assert_eq!(self.width(), other.width());
        if other.rows == 0 {
            return self;
        }
        if self.rows == 0 {
            return other;
        }
        let n = self.width();
        fold_under(self.s.as_mut_slice(), n, other.s.as_mut_slice(), n, Below::Upper);
        self.rows += other.rows;
        self.nonzero_weight_rows += other.nonzero_weight_rows;
        self
    }

    /// Folds one chunk of `rows` augmented rows, held column-major in `buf` (leading dimension
    /// `rows`), of which `nonzero` have a nonzero weight; `whole` says whether the chunk is every
    /// row of the range being folded. `buf` is overwritten; `work` is scratch.
    pub(crate) fn fold_chunk(
        &mut self,
        buf: &mut [T],
        (rows, whole): (usize, bool),
        nonzero: usize,
        work: &mut Work<T>,
    ) {
        let n = self.width();
        debug_assert_eq!(buf.len(), rows * n);
        if rows == 0 {
            return;
        }
        // A first chunk of at most one row block that is the whole range is factored as
        // `HouseholderQr` factors it, so that a state of one small block of rows (a batch fitted
        // alone through `lsq::Accumulator`, say) has the in-memory factorization's triangle bit
        // for bit. (The first of several chunks of one row block each is folded as the row
        // blocks of one larger chunk are.)
        let first_small =
            self.rows == 0 && whole && rows >= n && rows * n <= dense_fold::BLOCK_ENTRIES;
        if n <= DENSE_FOLD_MAX_WIDTH && !first_small {
            fold_dense(self.s.as_mut_slice(), n, buf, rows, rows);
        } else if rows < n {
            fold_under(self.s.as_mut_slice(), n, buf, rows, Below::Dense(rows));
        } else {
            let tau = &mut work.tau;
            tau.clear();
            tau.resize(n, T::ZERO);
            // `HouseholderQr`'s factorization; chunks of states wider than
            // `DENSE_FOLD_MAX_WIDTH` have at least `MIN_CHUNK_RATIO·N` rows and take its panels.
            blocked::factor(buf, rows, n, tau);
            if self.rows == 0 {
                // Nothing to fold under: the chunk's triangle is the state.
                for j in 0..n {
                    self.s.column_mut(j).as_mut_slice()[..=j]
                        .copy_from_slice(&buf[j * rows..=j * rows + j]);
                }
            } else {
                fold_under(self.s.as_mut_slice(), n, buf, rows, Below::Upper);
            }
        }
        self.rows += rows;
        self.nonzero_weight_rows += nonzero;
    }
}

/// The buffer [`Accumulator::fold_chunk`] reuses from chunk to chunk: the reflectors' scalars
/// of the chunks it factors whole ([`blocked::factor`]).
#[derive(Debug)]
pub(crate) struct Work<T> {
    tau: Vec<T>,
}

impl<T> Work<T> {
    pub(crate) fn new() -> Self {
        Self { tau: Vec::new() }
    }
}

/// Buffers reused from chunk to chunk.
#[derive(Debug)]
pub(crate) struct Scratch<T> {
    buf: Vec<T>,
    work: Work<T>,
    root_w: Vec<T>,
}

impl<T: Real> Scratch<T> {
    /// Empty buffers, grown by [`fold_range`] to the chunks it folds.
    pub(crate) fn new() -> Self {
        Self { buf: Vec::new(), work: Work::new(), root_w: Vec::new() }
    }
}

/// The state of the rows `range` of `source`, folded chunk by chunk from the first row of the
/// range, in chunks of [`chunk_rows`] rows (the last may be shorter), or of one row block of
/// the row-block fold when the range is one chunk at most.
///
/// Those row blocks are the ones the fold of the range as one chunk would take (a chunk is
/// folded in row blocks from its first row), so the state is the same bit for bit; only the
/// buffer is smaller (16 Ki entries rather than up to 128 Ki, which every fit zeroed: `memset`
/// went from 4.8 % to 1.9 % of the samples of a one-thread `lsq::fit` at 10⁴×10, and the fit
/// took about 1 % less) and each row block is folded right after it is filled.
///
/// # Errors
/// The first error of [`FillRows::fill`], chunk by chunk, or [`Error::NonFiniteFold`] for the
/// first chunk whose fold leaves the state non-finite.
pub(crate) fn fold_range<T: Real>(
    source: &(impl FillRows<T> + ?Sized),
    range: Range<usize>,
    scratch: &mut Scratch<T>,
) -> Result<Accumulator<T>> {
    let width = source.width();
    let chunk = if range.len() <= chunk_rows(width) && width <= DENSE_FOLD_MAX_WIDTH {
        dense_fold::block_rows(width)
    } else {
        chunk_rows(width)
    };
    let mut acc = Accumulator::empty(width);
    let mut start = range.start;
    while start < range.end {
        let rows = chunk.min(range.end - start);
        let entries = rows * width;
        if scratch.buf.len() < entries {
            scratch.buf.resize(entries, T::ZERO);
        }
        let buf = &mut scratch.buf[..entries];
        let nonzero = source.fill(start, rows, buf, &mut scratch.root_w)?;
        let whole = rows == range.len();
        acc.fold_chunk(buf, (rows, whole), nonzero, &mut scratch.work);
        acc = acc.finite(start..start + rows)?;
        start += rows;
    }
    Ok(acc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count_to_f64;
    use crate::row_block::RowBlock;
    use nalgebra::DVector;

    #[test]
    fn chunks_are_cache_sized_and_at_least_eight_widths_tall() {
        assert_eq!(chunk_rows(21), CHUNK_ENTRIES / 21);
        assert_eq!(chunk_rows(201), 8 * 201);
        assert_eq!(chunk_rows(0), CHUNK_ENTRIES);
        assert!(chunk_rows(1) <= CHUNK_ENTRIES);
    }

    #[track_caller]
    fn check(m: usize, n: usize) {
        let x = DMatrix::from_fn(m, n, |i, j| {
            count_to_f64((i * 7 + j * 13) % 17) - 8.0 + count_to_f64(j)
        });
        let y = DVector::from_fn(m, |i, _| count_to_f64(i % 5));
        let block = RowBlock::new(&x, &y, None::<&DVector<f64>>, None).expect("shapes agree");
        let mut scratch = Scratch::new();
        let acc = fold_range(&block, 0..m, &mut scratch).expect("finite");
        let mut a = x.clone().insert_column(n, 0.0);
        a.set_column(n, &y);
        let gram = a.transpose() * &a;
        let got = acc.s.transpose() * &acc.s;
        let tol = 64.0 * count_to_f64(m) * f64::EPSILON * gram.amax();
        assert!((&got - &gram).amax() <= tol, "{m}x{n}: {:e}", (&got - &gram).amax());
        assert_eq!(acc.rows, m);
    }

    #[test]
    fn a_state_of_one_small_block_is_householder_qrs_triangle_bit_for_bit() {
        let (m, n) = (300, 3);
        let x = DMatrix::from_fn(m, n, |i, j| count_to_f64((i * 7 + j * 13) % 17) - 8.5);
        let y = DVector::from_fn(m, |i, _| count_to_f64(i % 5) / 3.0);
        let block = RowBlock::new(&x, &y, None::<&DVector<f64>>, None).expect("shapes agree");
        let acc = fold_range(&block, 0..m, &mut Scratch::new()).expect("finite");
        let mut a = x.clone().insert_column(n, 0.0);
        a.set_column(n, &y);
        let mut tau = vec![0.0; n + 1];
        blocked::factor(a.as_mut_slice(), m, n + 1, &mut tau);
        for j in 0..=n {
            for i in 0..=j {
                assert_eq!(acc.s[(i, j)].to_bits(), a[(i, j)].to_bits(), "({i}, {j})");
            }
        }
    }

    #[test]
    fn fold_of_many_chunks_has_the_gram_matrix_of_the_rows() {
        check(0, 3);
        check(2, 3);
        check(5000, 3);
        check(3 * chunk_rows(8) + 5, 7);
    }

    #[test]
    fn a_range_of_one_chunk_folded_row_block_by_row_block_is_its_fold_as_one_chunk() {
        // 10 000 × (10 + 1) is one chunk of seven row blocks; 300 × 4 is one row block, which
        // a state's first fold factors as `HouseholderQr` does.
        for (m, n) in [(10_000, 10), (300, 3), (2 * dense_fold::block_rows(6) + 1, 5)] {
            let x = DMatrix::from_fn(m, n, |i, j| {
                count_to_f64((i * 7 + j * 13) % 17) - 8.5 + count_to_f64(j) / 3.0
            });
            let y = DVector::from_fn(m, |i, _| count_to_f64(i % 5) / 3.0);
            let block = RowBlock::new(&x, &y, None::<&DVector<f64>>, None).expect("shapes agree");
            assert!(m * (n + 1) <= CHUNK_ENTRIES);
            let folded = fold_range(&block, 0..m, &mut Scratch::new()).expect("finite");
            let mut buf = vec![0.0; m * (n + 1)];
            let nonzero = block.fill(0, m, &mut buf, &mut Vec::new()).expect("finite");
            let mut whole = Accumulator::empty(n + 1);
            whole.fold_chunk(&mut buf, (m, true), nonzero, &mut Work::new());
            let bits = |a: &Accumulator<f64>| a.s.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&folded), bits(&whole), "{m}x{n}");
            assert_eq!((folded.rows, folded.nonzero_weight_rows), (m, m));
        }
    }
}
