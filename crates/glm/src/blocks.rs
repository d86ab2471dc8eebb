//! Which problems are tall, and row blocks processed on every core in an order that depends
//! only on the number of rows, so that results are the same bit for bit for any thread count.

use std::ops::Range;

/// A weighted design goes through `linalg_core::TallQr` when it has at least this many entries
/// (kept rows times columns): 2¹⁷, 1 MiB of `f64`, twice the second-level cache. An IRLS fit
/// factors a fresh `√W·X` every iteration, so the copying path pays for an `m×n` buffer and
/// `lsq`'s equilibrated copy of it each time; the fold needs neither and uses every core. Measured
/// with `cargo bench -p benches --bench glm -- irls/` on a loaded 2-core machine, alternating
/// this threshold with `lsq`'s 2²¹ (medians of two runs each): Poisson 10⁵×20 243 and 259 ms
/// against 264 and 317, logistic 243 and 233 against 297 and 229; at 10⁴×20 the two did not
/// separate from the noise (20–34 ms). Smaller problems, among them every problem of the reports
/// and of the reference suites, keep the sequential, copying path bit for bit.
pub(crate) const TALL_MIN_ENTRIES: usize = 1 << 17;

/// ... and at least this many rows per column, so that the merges of the `p×p` triangles stay
/// small against the fold.
pub(crate) const TALL_MIN_ROWS_PER_COLUMN: usize = 64;

/// Rows per block of [`for_blocks`]: 2¹⁴ rows, so that a block's `η`, `μ` and one column
/// (3·128 KiB) stay in the second-level cache.
pub(crate) const BLOCK_ROWS: usize = 1 << 14;

/// A design of fewer than `MIN_BLOCKS·`[`BLOCK_ROWS`] rows is cut into this many blocks (of at
/// least [`MIN_BLOCK_ROWS`]), so that two or four threads share its passes: in one block of
/// 2¹⁴ rows, the 6 700-row subsample that starts a 10⁵×100 fit ran on one thread.
const MIN_BLOCKS: usize = 4;

/// The fewest rows of a block, so that a block's fixed costs (its `p×p` fold merged with the
/// others, and the start of its loops) stay small against its rows.
const MIN_BLOCK_ROWS: usize = 1 << 10;

/// Rows per block for a design of `m` rows: [`BLOCK_ROWS`], or a [`MIN_BLOCKS`]th of the rows
/// when that is fewer (but at least [`MIN_BLOCK_ROWS`]). It depends on `m` alone, never on the
/// number of threads.
pub(crate) fn block_rows(m: usize) -> usize {
    m.div_ceil(MIN_BLOCKS).clamp(MIN_BLOCK_ROWS, BLOCK_ROWS)
}

/// The row blocks `[k·r, (k+1)·r) ∩ [0, m)` of `m` rows, `r` = [`block_rows`]`(m)`, in order:
/// the blocks of every helper below.
fn block_ranges(m: usize) -> impl Iterator<Item = Range<usize>> {
    let rows = block_rows(m);
    (0..m).step_by(rows).map(move |start| start..(start + rows).min(m))
}

/// The threads the row blocks run on: the machine's available parallelism, asked once per
/// process (see [`linalg_core::TallQr::default_threads`]).
pub(crate) fn threads() -> usize {
    linalg_core::TallQr::<f64>::default_threads()
}

/// Whether `m` rows and `p` columns make a tall problem.
pub(crate) fn is_tall(m: usize, p: usize) -> bool {
    m.saturating_mul(p) >= TALL_MIN_ENTRIES && m >= TALL_MIN_ROWS_PER_COLUMN.saturating_mul(p)
}

/// Runs `f` on the row blocks `[k·r, (k+1)·r) ∩ [0, m)`, `r` = [`block_rows`]`(m)`, of two
/// equal-length outputs `a` and `b` (the block's slices of each), on up to `threads` scoped
/// threads, and returns the blocks' results in block order. The blocks do not depend on
/// `threads`, so a caller that combines the results in the order returned gets the same bits
/// for any count.
/// Each thread hands every block it runs the same scratch vector (empty at first), for
/// buffers a block needs and the next may reuse.
pub(crate) fn for_blocks<T, F>(a: &mut [f64], b: &mut [f64], threads: usize, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(Range<usize>, &mut [f64], &mut [f64], &mut Vec<f64>) -> T + Sync,
{
    let rows = block_rows(a.len());
    let work: Vec<(Range<usize>, &mut [f64], &mut [f64])> = block_ranges(a.len())
        .zip(a.chunks_mut(rows).zip(b.chunks_mut(rows)))
        .map(|(range, (x, y))| (range, x, y))
        .collect();
    run_items(work, threads, |(rows, x, y), scratch| f(rows, x, y, scratch))
}

/// [`for_blocks`] with one output: `f` on the row blocks of `a` (each block's rows and slice),
/// results in block order.
pub(crate) fn for_blocks_of<T, F>(a: &mut [f64], threads: usize, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(Range<usize>, &mut [f64]) -> T + Sync,
{
    let rows = block_rows(a.len());
    let work: Vec<(Range<usize>, &mut [f64])> =
        block_ranges(a.len()).zip(a.chunks_mut(rows)).collect();
    run_items(work, threads, |(rows, x), _| f(rows, x))
}

/// [`for_blocks`] without outputs: `f` on the row blocks of `0..m`, results in block order.
pub(crate) fn map_blocks<T, F>(m: usize, threads: usize, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(Range<usize>) -> T + Sync,
{
    run_items(block_ranges(m).collect(), threads, |rows, _| f(rows))
}

/// `f` on every item of `work`, on up to `threads` scoped threads, the results in the order of
/// `work`: the same values for any thread count.
pub(crate) fn map_items<W, T, F>(work: Vec<W>, threads: usize, f: F) -> Vec<T>
where
    W: Send,
    T: Send,
    F: Fn(W) -> T + Sync,
{
    run_items(work, threads, |item, _| f(item))
}

/// Runs `f` on every item of `work` on up to `threads` scoped threads (on the caller's thread
/// when there is one thread or one item), and returns the results in the order of `work`.
///
/// Item k goes to thread `k mod threads`, so that the threads' shares of row blocks (all of one
/// length but the last) differ by at most one block: consecutive groups of equal counts gave
/// one of two threads four of the seven blocks of 10⁵ rows (65 536 rows against 34 464), where
/// dealt in turn the short last block is the odd one out (50 848 against 49 152). Items taken
/// from a shared queue instead balanced as well but raised the peak memory of a 10⁶×20 fit by
/// 2 MB (`benches/examples/peak_memory`). Which thread runs an item does not change its result,
/// so the results are the same for any thread count. The items a thread runs share one scratch
/// vector.
fn run_items<W, T, F>(work: Vec<W>, threads: usize, f: F) -> Vec<T>
where
    W: Send,
    T: Send,
    F: Fn(W, &mut Vec<f64>) -> T + Sync,
{
    let threads = threads.clamp(1, work.len().max(1));
    if threads == 1 {
        let mut scratch = Vec::new();
        return work.into_iter().map(|item| f(item, &mut scratch)).collect();
    }
    let count = work.len();
    // Item k goes to thread k mod threads.
    let mut shares: Vec<Vec<(usize, W)>> = (0..threads).map(|_| Vec::new()).collect();
    for (index, item) in work.into_iter().enumerate() {
        shares[index % threads].push((index, item));
    }
    let f = &f;
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|share| {
                scope.spawn(move || {
                    let mut scratch = Vec::new();
                    share
                        .into_iter()
                        .map(|(index, item)| (index, f(item, &mut scratch)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    debug_assert_eq!(done.len(), count);
    done.sort_unstable_by_key(|&(index, _)| index);
    done.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_every_row_once_in_order_for_any_thread_count() {
        let m = 3 * BLOCK_ROWS + 17;
        for threads in [1, 2, 3, 8] {
            let (mut a, mut b) = (vec![0.0; m], vec![0.0; m]);
            let ranges = for_blocks(&mut a, &mut b, threads, |rows, x, y, _| {
                assert_eq!(x.len(), rows.len());
                x.fill(1.0);
                y.fill(2.0);
                rows
            });
            assert_eq!(ranges.len(), 4);
            assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
            assert_eq!((ranges[0].start, ranges[3].end), (0, m));
            assert!(a.iter().all(|&v| v.to_bits() == 1.0_f64.to_bits()));
            assert!(b.iter().all(|&v| v.to_bits() == 2.0_f64.to_bits()));
        }
    }

    #[test]
    fn mapped_blocks_cover_every_row_once_in_order_for_any_thread_count() {
        let m = MIN_BLOCKS * BLOCK_ROWS + 5;
        for threads in [1, 2, 5] {
            let ranges = map_blocks(m, threads, |rows| rows);
            let mut expected: Vec<_> =
                (0..MIN_BLOCKS).map(|k| k * BLOCK_ROWS..(k + 1) * BLOCK_ROWS).collect();
            expected.push(MIN_BLOCKS * BLOCK_ROWS..m);
            assert_eq!(ranges, expected);
        }
        assert!(map_blocks(0, 2, |rows| rows).is_empty());
    }

    #[test]
    fn short_designs_are_cut_into_a_few_blocks_and_long_ones_into_blocks_of_block_rows() {
        assert_eq!(block_rows(1), MIN_BLOCK_ROWS);
        assert_eq!(block_rows(6_700), 1_675);
        assert_eq!(block_rows(MIN_BLOCKS * BLOCK_ROWS), BLOCK_ROWS);
        assert_eq!(block_rows(100_000), BLOCK_ROWS);
        for m in [1, 1_000, 4_097, 6_700, 40_000, 65_537, 1_000_000] {
            let blocks = map_blocks(m, 1, |rows| rows);
            assert!(blocks.len() >= MIN_BLOCKS.min(m.div_ceil(MIN_BLOCK_ROWS)), "{m}");
            assert!(blocks.iter().all(|r| r.len() <= BLOCK_ROWS && !r.is_empty()), "{m}");
            assert_eq!(blocks.iter().map(ExactSizeIterator::len).sum::<usize>(), m);
        }
    }

    #[test]
    fn the_threshold_needs_both_entries_and_rows_per_column() {
        assert!(is_tall(1 << 13, 16));
        assert!(!is_tall(1 << 12, 16));
        assert!(!is_tall(1 << 15, 1 << 10));
    }
}
