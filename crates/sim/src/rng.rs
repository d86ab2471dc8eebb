//! The single source of randomness: a `ChaCha8Rng` built from a `u64` seed.

use rand::SeedableRng;
pub use rand_chacha::ChaCha8Rng;

/// Builds the workspace's random number generator from a `u64` seed.
///
/// Every random number in the workspace starts here. The seed is expanded to `ChaCha8`'s
/// 256-bit key by [`SeedableRng::seed_from_u64`] (a PCG32 stream, part of `rand_core`'s
/// value-stability promise), so the same seed gives the same stream on every platform and
/// every run. The golden tests pin the first outputs, so a change in the rand crates that
/// alters the stream fails a test instead of silently changing reports.
///
/// # Examples
///
/// ```
/// use rand::Rng;
///
/// let mut a = sim::rng_from_seed(42);
/// let mut b = sim::rng_from_seed(42);
/// assert_eq!(a.next_u64(), b.next_u64());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn rng_from_seed(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[track_caller]
    fn check(seed_a: u64, seed_b: u64, same: bool) {
        let draw = |seed| {
            let mut rng = rng_from_seed(seed);
            [rng.next_u64(), rng.next_u64(), rng.next_u64()]
        };
        assert_eq!(draw(seed_a) == draw(seed_b), same);
    }

    #[test]
    fn same_seed_same_stream_different_seed_different_stream() {
        check(0, 0, true);
        check(7, 7, true);
        check(0, 1, false);
        check(1, 2, false);
    }
}
