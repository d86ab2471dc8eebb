//! Rows folded on several threads: fixed leaves of contiguous rows, a fixed merge tree.
//!
//! The rows are cut into leaves that depend only on the number of rows and columns
//! ([`leaves`]); each leaf is folded sequentially (`crate::tall_core::fold_range`), and the
//! leaves' states are merged pairwise, level by level, in leaf order. The threads only decide
//! who folds which leaf, so the result is the same bit for bit whatever the number of threads.
//! Threads are `std::thread::scope` threads that borrow the rows; they take leaves in increasing
//! order from a shared counter, which balances uneven progress without a work-stealing pool.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::error::{Error, Result};
use crate::row_block::FillRows;
use crate::scalar::Real;
use crate::tall_core::{Accumulator, Scratch, chunk_rows, fold_range};

/// A leaf has at least this many rows. Since a leaf also has at least one chunk (2¹⁷ entries),
/// problems of one chunk stay on the calling thread: at 10⁴×10 the fold takes about 0.3 ms,
/// a few thread start-ups.
const MIN_LEAF_ROWS: usize = 1 << 12;

/// A leaf has at least this many rows per augmented column, so that the tree's merges, which run
/// on the calling thread after the leaves (`2N³/3` flops each, at a lower rate than the
/// factorization), stay a few per cent of the work of a leaf (`2·rows·N²`) for wide problems.
const MIN_LEAF_ROWS_PER_COLUMN: usize = 64;

/// At most this many leaves: their states (N² entries each) are all alive before the tree merges
/// them. Many more leaves than threads balance the load: with 2 threads, 10⁵×50 in 5 leaves sped
/// up 1.6×, since one thread folds 3 leaves and the other 2.
const MAX_LEAVES: usize = 64;

/// The leaves of `m` rows of `width` augmented columns: `L` contiguous ranges of nearly equal
/// length, with `L = ⌈m / min_leaf⌉` clamped to `1..=`[`MAX_LEAVES`], where `min_leaf` is the
/// largest of [`MIN_LEAF_ROWS`], [`MIN_LEAF_ROWS_PER_COLUMN`]`·N` and one chunk.
pub(crate) fn leaves(m: usize, width: usize) -> Vec<Range<usize>> {
    let min_leaf = MIN_LEAF_ROWS.max(MIN_LEAF_ROWS_PER_COLUMN * width).max(chunk_rows(width));
    let count = m.div_ceil(min_leaf).clamp(1, MAX_LEAVES);
    (0..count).map(|i| i * m / count..(i + 1) * m / count).collect()
}

/// The state of every row of `source`, folded leaf by leaf on up to `threads` threads (the
/// calling thread is one of them) and merged in the fixed tree.
///
/// # Errors
/// [`Error::InvalidOption`] named `threads` when `threads` is 0; otherwise the error of the first
/// leaf (in row order) that has one, which is the same error whatever the number of threads, or
/// [`Error::NonFiniteFold`] naming every row when the leaves' merged state overflows.
pub(crate) fn fold_rows<T: Real>(
    source: &(impl FillRows<T> + Sync),
    threads: usize,
) -> Result<Accumulator<T>> {
    if threads == 0 {
        return Err(Error::InvalidOption {
            name: "threads",
            value: 0.0,
            reason: "must be at least 1",
        });
    }
    let width = source.width();
    let ranges = leaves(source.nrows(), width);
    let workers = threads.min(ranges.len());
    if workers == 1 {
        return fold_leaves(source, &ranges);
    }
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let work = || {
        let mut scratch = Scratch::new();
        let mut done = Vec::new();
        // Leaves are claimed in increasing order and a claimed leaf is always finished, so when
        // a leaf fails every leaf before it is folded too and the first error is found.
        while !failed.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(range) = ranges.get(i) else { break };
            let leaf = fold_range(source, range.clone(), &mut scratch);
            if leaf.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            done.push((i, leaf));
        }
        done
    };
    let mut results = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..workers).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for handle in handles {
            // A panic in a worker is a bug; pass it on unchanged.
            all.extend(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        all
    });
    results.sort_by_key(|(i, _)| *i);
    let mut level = Vec::with_capacity(results.len());
    for (_, leaf) in results {
        level.push(leaf?);
    }
    merge_tree(level).unwrap_or_else(|| Accumulator::empty(width)).finite(0..source.nrows())
}

/// [`fold_rows`] on the calling thread: the same leaves, folded in order, and the same tree.
///
/// # Errors
/// The first error of the leaves, in row order, or [`Error::NonFiniteFold`] as [`fold_rows`].
pub(crate) fn fold_rows_here<T: Real>(
    source: &(impl FillRows<T> + ?Sized),
) -> Result<Accumulator<T>> {
    fold_leaves(source, &leaves(source.nrows(), source.width()))
}

/// Folds the leaves `ranges` of `source` in order on the calling thread and merges them in the
/// tree.
fn fold_leaves<T: Real>(
    source: &(impl FillRows<T> + ?Sized),
    ranges: &[Range<usize>],
) -> Result<Accumulator<T>> {
    let width = source.width();
    let mut scratch = Scratch::new();
    let level = ranges
        .iter()
        .map(|range| fold_range(source, range.clone(), &mut scratch))
        .collect::<Result<Vec<_>>>()?;
    merge_tree(level).unwrap_or_else(|| Accumulator::empty(width)).finite(0..source.nrows())
}

/// Merges the states pairwise, level by level: `(0, 1), (2, 3), …`, then the pairs of those, an
/// odd last state moving up a level unmerged. `None` for no states.
pub(crate) fn merge_tree<T: Real>(mut level: Vec<Accumulator<T>>) -> Option<Accumulator<T>> {
    while level.len() > 1 {
        let mut states = level.into_iter();
        let mut next = Vec::with_capacity(states.len().div_ceil(2));
        while let Some(a) = states.next() {
            next.push(match states.next() {
                Some(b) => a.merge(b),
                None => a,
            });
        }
        level = next;
    }
    level.pop()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_cover_the_rows_in_order_and_ignore_the_thread_count() {
        for (m, width) in [(0, 3), (1, 3), (10_000, 11), (1_000_000, 21), (200_000, 201)] {
            let l = leaves(m, width);
            assert!(!l.is_empty() && l.len() <= MAX_LEAVES);
            assert_eq!(l[0].start, 0);
            assert_eq!(l[l.len() - 1].end, m);
            assert!(l.windows(2).all(|p| p[0].end == p[1].start));
        }
        assert_eq!(leaves(10_000, 11).len(), 1);
        assert_eq!(leaves(100_000, 51).len(), 25);
        assert_eq!(leaves(1_000_000, 21).len(), 64);
        assert_eq!(leaves(200_000, 201).len(), 16);
    }
}
