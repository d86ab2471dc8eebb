//! Shared settings for the criterion benchmarks in `benches/benches/`.
//!
//! Every bench target takes its criterion configuration, its problem sizes, its seed and its
//! flop counts from here, so that one edit retunes every group and the flop rates criterion
//! prints use the same formulas as the `# Cost` sections of `linalg-core`'s docs.
//!
//! # Examples
//!
//! ```
//! use benches::{SIZES, Size, qr_flops};
//!
//! let tall = Size::new(10_000, 10);
//! assert_eq!(tall.label(), "10000x10");
//! assert!(SIZES.contains(&tall));
//! // 2mn² − 2n³/3 for a 3×3 matrix: 54 − 18 = 36.
//! assert_eq!(qr_flops(Size::new(3, 3)), 36);
//! ```

use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion, SamplingMode, Throughput};
use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::linalg::qr::no_pivoting;
use faer::{Conj, Mat, Par, Spec};

/// The seed every benchmark input is generated from (through `sim::rng_from_seed`).
pub const SEED: u64 = 20_240_601;

/// Above this many matrix entries a problem counts as large: criterion takes the minimum of
/// [`LARGE_SAMPLE_SIZE`] samples with one iteration each, so that the whole `linalg` bench runs
/// in a few minutes.
pub const LARGE_ENTRIES: usize = 500_000;

/// Samples per benchmark for small problems (criterion's default is 100).
pub const SMALL_SAMPLE_SIZE: usize = 50;

/// Samples per benchmark for large problems; 10 is the least criterion accepts.
pub const LARGE_SAMPLE_SIZE: usize = 10;

/// Time criterion aims to spend measuring one small benchmark.
pub const SMALL_MEASUREMENT: Duration = Duration::from_secs(2);

/// Time criterion aims to spend measuring one large benchmark. With [`SamplingMode::Flat`] and
/// ten samples a run that takes longer per iteration simply overruns it, and criterion says so.
pub const LARGE_MEASUREMENT: Duration = Duration::from_secs(3);

/// Warm-up before measuring, for every size.
pub const WARM_UP: Duration = Duration::from_millis(500);

/// An m×n problem size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Rows.
    pub m: usize,
    /// Columns.
    pub n: usize,
}

impl Size {
    /// An m×n size.
    ///
    /// # Examples
    ///
    /// ```
    /// let s = benches::Size::new(100, 10);
    /// assert_eq!((s.m, s.n), (100, 10));
    /// ```
    #[must_use]
    pub const fn new(m: usize, n: usize) -> Self {
        Self { m, n }
    }

    /// The label used as the parameter of `BenchmarkId::new(method, size)`, e.g. `"100000x50"`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(benches::Size::new(2000, 500).label(), "2000x500");
    /// ```
    #[must_use]
    pub fn label(self) -> String {
        format!("{}x{}", self.m, self.n)
    }

    /// Whether the problem has more than [`LARGE_ENTRIES`] entries.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!benches::Size::new(100, 10).is_large());
    /// assert!(benches::Size::new(1_000_000, 20).is_large());
    /// ```
    #[must_use]
    pub const fn is_large(self) -> bool {
        self.m * self.n > LARGE_ENTRIES
    }
}

/// The sizes of the `linalg` and `lsq` benches: small and tall-skinny regressions (the shapes
/// statistics is made of), one very tall one, and one closer to square where blocking matters
/// most.
pub const SIZES: [Size; 5] = [
    Size::new(100, 10),
    Size::new(10_000, 10),
    Size::new(100_000, 50),
    Size::new(1_000_000, 20),
    Size::new(2000, 500),
];

/// The sizes of the `extended_precision` group of the `lsq` bench, where double-double QR is
/// timed against `f64` QR: one problem that fits in L2 and one tall one (the largest the
/// double-double solver handles in about a second).
pub const EXTENDED_SIZES: [Size; 2] = [Size::new(1000, 10), Size::new(100_000, 10)];

/// The base criterion configuration: the small-problem settings of [`configure`].
///
/// Command-line options (`--save-baseline`, `--baseline`, filters) still apply on top.
///
/// # Examples
///
/// ```
/// let _c = benches::criterion();
/// ```
#[must_use]
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(SMALL_SAMPLE_SIZE)
        .measurement_time(SMALL_MEASUREMENT)
        .warm_up_time(WARM_UP)
}

/// Applies the per-size settings to a group, before the benchmarks of that size are added.
///
/// Large sizes get [`LARGE_SAMPLE_SIZE`] samples of one iteration each
/// ([`SamplingMode::Flat`]); small ones [`SMALL_SAMPLE_SIZE`] samples with criterion's automatic
/// iteration counts. `flops` becomes the group's [`Throughput::Elements`], so criterion reports
/// the rate in elements per second, read as flop/s.
pub fn configure(group: &mut BenchmarkGroup<'_, WallTime>, size: Size, flops: u64) {
    if size.is_large() {
        group
            .sample_size(LARGE_SAMPLE_SIZE)
            .measurement_time(LARGE_MEASUREMENT)
            .sampling_mode(SamplingMode::Flat);
    } else {
        group
            .sample_size(SMALL_SAMPLE_SIZE)
            .measurement_time(SMALL_MEASUREMENT)
            .sampling_mode(SamplingMode::Auto);
    }
    group.warm_up_time(WARM_UP).throughput(Throughput::Elements(flops));
}

/// How many inputs `iter_batched` prepares at once for a routine that consumes an input of this
/// size: [`BatchSize::LargeInput`] for large problems (so that at most a few copies of a 160 MB
/// matrix are alive), [`BatchSize::SmallInput`] otherwise.
///
/// # Examples
///
/// ```
/// use benches::{Size, batch_size};
/// use criterion::BatchSize;
/// assert_eq!(batch_size(Size::new(100, 10)), BatchSize::SmallInput);
/// ```
#[must_use]
pub const fn batch_size(size: Size) -> BatchSize {
    if size.is_large() { BatchSize::LargeInput } else { BatchSize::SmallInput }
}

/// Converts a dimension to `u64` for flop counts (exact on every supported target).
fn to_u64(x: usize) -> u64 {
    u64::try_from(x).unwrap_or(u64::MAX)
}

/// Flops of Householder QR of an m×n matrix: `2mn² − 2n³/3`.
///
/// # Examples
///
/// ```
/// use benches::{Size, qr_flops};
/// assert_eq!(qr_flops(Size::new(1_000_000, 20)), 799_994_667);
/// ```
#[must_use]
pub fn qr_flops(size: Size) -> u64 {
    let (m, n) = (to_u64(size.m), to_u64(size.n));
    2 * m * n * n - 2 * n * n * n / 3
}

/// Flops of applying `Qᵀ` (n reflectors of an m×n QR) to one vector: `4mn − 2n²`.
///
/// # Examples
///
/// ```
/// use benches::{Size, apply_qt_flops};
/// assert_eq!(apply_qt_flops(Size::new(100, 10)), 3800);
/// ```
#[must_use]
pub fn apply_qt_flops(size: Size) -> u64 {
    let (m, n) = (to_u64(size.m), to_u64(size.n));
    4 * m * n - 2 * n * n
}

/// Flops of a least-squares solve by Householder QR: factor, apply `Qᵀ` to `y`, back
/// substitution, i.e. `2mn² − 2n³/3 + 4mn − 2n² + n²`.
///
/// The `lsq` bench uses this one count as the throughput of every method, so criterion's rates
/// compare time to solution (the normal equations do fewer flops, about `mn² + n³/3`).
///
/// # Examples
///
/// ```
/// use benches::{Size, apply_qt_flops, back_substitution_flops, lstsq_flops, qr_flops};
/// let s = Size::new(100, 10);
/// assert_eq!(lstsq_flops(s), qr_flops(s) + apply_qt_flops(s) + back_substitution_flops(s));
/// ```
#[must_use]
pub fn lstsq_flops(size: Size) -> u64 {
    qr_flops(size) + apply_qt_flops(size) + back_substitution_flops(size)
}

/// Flops of back substitution with an n×n triangular factor: `n²`.
///
/// # Examples
///
/// ```
/// use benches::{Size, back_substitution_flops};
/// assert_eq!(back_substitution_flops(Size::new(2000, 500)), 250_000);
/// ```
#[must_use]
pub fn back_substitution_flops(size: Size) -> u64 {
    let n = to_u64(size.n);
    n * n
}

/// The sizes of the `tall_qr` group: the tall, skinny shapes of issue 14's targets and one wide
/// one (2000×500, a single chunk, where `TallQr` is the blocked `HouseholderQr`).
pub const TALL_SIZES: [Size; 5] = [
    Size::new(10_000, 10),
    Size::new(100_000, 50),
    Size::new(1_000_000, 20),
    Size::new(200_000, 200),
    Size::new(2000, 500),
];

/// faer's least-squares QR solve, single-threaded: `Qr::new` followed by `solve_lstsq`, written
/// out with the low-level functions so that the parallelism is `Par::Seq` whatever faer's global
/// setting, the reference of the `linalg` and `lsq` benches. Factors a copy of `x`, overwrites a copy
/// of `y`.
#[must_use]
pub fn faer_lstsq(x: &Mat<f64>, y: &Mat<f64>) -> Mat<f64> {
    let (m, n) = x.shape();
    let mut qr = x.clone();
    let block = no_pivoting::factor::recommended_block_size::<f64>(m, n);
    let mut coeff = Mat::zeros(block, n);
    let mut buffer = MemBuffer::new(StackReq::any_of(&[
        no_pivoting::factor::qr_in_place_scratch::<f64>(m, n, block, Par::Seq, Spec::default()),
        no_pivoting::solve::solve_lstsq_in_place_scratch::<f64>(m, n, block, 1, Par::Seq),
    ]));
    no_pivoting::factor::qr_in_place(
        qr.as_mut(),
        coeff.as_mut(),
        Par::Seq,
        MemStack::new(&mut buffer),
        Spec::default(),
    );
    let mut rhs = y.clone();
    no_pivoting::solve::solve_lstsq_in_place_with_conj(
        qr.as_ref(),
        coeff.as_ref(),
        qr.as_ref(),
        Conj::No,
        rhs.as_mut(),
        Par::Seq,
        MemStack::new(&mut buffer),
    );
    rhs.subrows(0, n).to_owned()
}
