//! Seeded, reproducible data generators for the least-squares and GLM lessons.
//!
//! Every random number in the workspace comes from this crate, from a `u64` seed, through
//! `rand_chacha::ChaCha8Rng`. The generators are filled in by the `sim` issue.
