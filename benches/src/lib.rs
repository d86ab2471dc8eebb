//! Shared settings for the criterion benchmarks in `benches/benches/`.
