//! Design matrices for regression tests and lessons: Gaussian, polynomial, Läuchli, badly
//! scaled and exactly rank-deficient.

use nalgebra::{DMatrix, DVector};
use rand::{Rng, RngExt};

use crate::error::{Error, Result, check_min_size, check_positive, checked_entries};
use crate::numeric::{gaussian_fill, standard_normal, usize_to_f64};

/// Resolution of the quantised Gaussian entries of [`rank_deficient`]: entries are
/// multiples of 2⁻²⁰, so sums of small-integer multiples of them are exact in `f64`.
const QUANTUM: f64 = 1.0 / 1_048_576.0;

/// The coefficients of [`rank_deficient`]'s combination: small integers, so products are exact.
const CHOICES: [f64; 4] = [-2.0, -1.0, 1.0, 2.0];

/// Largest column count accepted by [`rank_deficient`]: with |entries| < 16 and
/// coefficients |c| ≤ 2, a sum of up to 2²⁴ terms stays below 2³² = 2⁵²·2⁻²⁰, where every
/// multiple of 2⁻²⁰ is an exact `f64`.
///
/// # Examples
///
/// ```
/// use sim::{Error, RANK_DEFICIENT_MAX_COLUMNS, rank_deficient, rng_from_seed};
///
/// // One column too many is refused before anything is allocated or drawn.
/// let n = RANK_DEFICIENT_MAX_COLUMNS + 1;
/// let err = rank_deficient(n, n, &mut rng_from_seed(1));
/// assert!(matches!(
///     err,
///     Err(Error::SizeTooLarge { name: "n", value, max }) if value == n && max == n - 1
/// ));
/// ```
pub const RANK_DEFICIENT_MAX_COLUMNS: usize = 1 << 24;

/// An m × n matrix of independent standard normal entries.
///
/// # Model
///
/// `a_ij ~ N(0, 1)` independently, drawn in column-major order (column 0 top to bottom,
/// then column 1, …).
///
/// # Algorithm
///
/// The ziggurat sampler `rand_distr::StandardNormal` (Marsaglia & Tsang 2000).
///
/// # Cost
///
/// mn normal variates; memory mn.
///
/// # Accuracy
///
/// Exact samples up to the sampler's floating-point arithmetic; κ₂ of a tall m × n Gaussian
/// matrix concentrates near (√m + √n)/(√m − √n).
///
/// # Errors
///
/// [`Error::InvalidSize`] if m or n is 0; [`Error::TooLarge`] if m·n overflows.
///
/// # Examples
///
/// ```
/// let a = sim::gaussian_matrix(3, 2, &mut sim::rng_from_seed(1))?;
/// assert_eq!(a.shape(), (3, 2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn gaussian_matrix(m: usize, n: usize, rng: &mut impl Rng) -> Result<DMatrix<f64>> {
    check_min_size("m", m, 1)?;
    check_min_size("n", n, 1)?;
    gaussian_fill(m, n, rng)
}

/// An m × (p + 1) regression design: a column of ones, then p standard normal columns.
///
/// # Model
///
/// `x_i0 = 1`, `x_ij ~ N(0, 1)` for j = 1, …, p, drawn column by column (column 1 top to
/// bottom, then column 2, …). p = 0 gives the intercept-only design.
///
/// # Algorithm
///
/// As [`gaussian_matrix`] for the p Gaussian columns; the ones are written, not drawn.
///
/// # Cost
///
/// mp normal variates; memory m(p + 1).
///
/// # Accuracy
///
/// Exact samples. The intercept column has norm √m while the others have norm ≈ √m and
/// mean ≈ 0, so the design is well conditioned for m ≫ p.
///
/// # Errors
///
/// [`Error::InvalidSize`] if m is 0; [`Error::TooLarge`] if the size overflows.
///
/// # Examples
///
/// ```
/// let x = sim::intercept_gaussian(6, 2, &mut sim::rng_from_seed(2))?;
/// assert_eq!(x.shape(), (6, 3));
/// assert!(x.column(0).iter().all(|v| v.to_bits() == 1.0_f64.to_bits()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn intercept_gaussian(m: usize, p: usize, rng: &mut impl Rng) -> Result<DMatrix<f64>> {
    check_min_size("m", m, 1)?;
    let columns = p.checked_add(1).ok_or(Error::TooLarge { rows: m, cols: p })?;
    let len = checked_entries(m, columns)?;
    let mut data = Vec::with_capacity(len);
    data.resize(m, 1.0);
    data.extend((m..len).map(|_| standard_normal(rng)));
    Ok(DMatrix::from_vec(m, columns, data))
}

/// The polynomial (Vandermonde) design `[1, x, x², …, x^degree]`, m × (degree + 1).
///
/// `v_ik = x_i^k` for k = 0, …, degree. Deterministic, no random numbers. Monomial bases
/// on an interval such as [0, 1] are notoriously ill conditioned (κ₂ grows exponentially
/// with the degree), which makes these designs a natural test of a method's κ-dependence.
///
/// # Algorithm
///
/// Column k is column k − 1 times x, entrywise.
///
/// # Cost
///
/// m·degree multiplications; memory m(degree + 1).
///
/// # Accuracy
///
/// `x_i^k` carries at most k − 1 roundings (relative error ≤ (k − 1)·ε/2 to first order);
/// exact whenever the powers are representable, for example small integers.
///
/// # Errors
///
/// [`Error::InvalidSize`] if x is empty; [`Error::OutOfDomain`] (`name = "x"`) if an entry
/// is not finite or a power overflows; [`Error::TooLarge`] if the size overflows.
///
/// # Examples
///
/// ```
/// use nalgebra::DVector;
///
/// let v = sim::vandermonde(&DVector::from_vec(vec![1.0, 2.0, 3.0]), 2)?;
/// assert_eq!(v.row(2).iter().copied().collect::<Vec<_>>(), vec![1.0, 3.0, 9.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn vandermonde(x: &DVector<f64>, degree: usize) -> Result<DMatrix<f64>> {
    check_min_size("x.len()", x.len(), 1)?;
    if let Some(index) = x.iter().position(|v| !v.is_finite()) {
        return Err(Error::OutOfDomain {
            name: "x",
            index,
            value: x[index],
            reason: "must be finite",
        });
    }
    let columns = degree.checked_add(1).ok_or(Error::TooLarge { rows: x.len(), cols: degree })?;
    checked_entries(x.len(), columns)?;
    let mut v = DMatrix::from_element(x.len(), columns, 1.0);
    for k in 1..columns {
        for i in 0..x.len() {
            v[(i, k)] = v[(i, k - 1)] * x[i];
        }
    }
    if let Some(index) = v.row_iter().position(|row| row.iter().any(|e| !e.is_finite())) {
        return Err(Error::OutOfDomain {
            name: "x",
            index,
            value: x[index],
            reason: "a power of the entry overflows",
        });
    }
    Ok(v)
}

/// The Läuchli matrix: a row of ones on top of δ·I, (n + 1) × n.
///
/// `AᵀA = 11ᵀ + δ²I` has eigenvalues n + δ² (once) and δ² (n − 1 times), so for n ≥ 2
/// κ₂(A) = √(n + δ²)/δ while κ₂(AᵀA) = (n + δ²)/δ²: for δ < √ε the normal equations'
/// matrix rounds to the singular 11ᵀ although A itself has full rank (Läuchli 1961;
/// Björck, *Numerical Methods for Least Squares Problems*). Deterministic.
///
/// # Algorithm
///
/// Written entry by entry.
///
/// # Cost
///
/// Memory (n + 1)·n; no flops.
///
/// # Accuracy
///
/// Exact: the entries are 1, δ and 0.
///
/// # Errors
///
/// [`Error::InvalidSize`] if n is 0; [`Error::InvalidParameter`] if δ is not finite and
/// positive; [`Error::TooLarge`] if the size overflows.
///
/// # Examples
///
/// ```
/// let a = sim::lauchli(3, 1e-3)?;
/// assert_eq!(a.shape(), (4, 3));
/// assert_eq!((a[(0, 2)], a[(3, 2)], a[(1, 2)]), (1.0, 1e-3, 0.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn lauchli(n: usize, delta: f64) -> Result<DMatrix<f64>> {
    check_min_size("n", n, 1)?;
    check_positive("delta", delta)?;
    let rows = n.checked_add(1).ok_or(Error::TooLarge { rows: n, cols: n })?;
    checked_entries(rows, n)?;
    Ok(DMatrix::from_fn(rows, n, |i, j| {
        if i == 0 {
            1.0
        } else if i == j + 1 {
            delta
        } else {
            0.0
        }
    }))
}

/// A Gaussian m × n matrix whose column scales span `ratio`: `a_ij = s_j·z_ij`.
///
/// # Model
///
/// `z_ij ~ N(0, 1)` drawn column-major; `s_j = ratio^(j/(n−1))` for j = 0, …, n − 1, with
/// `s₀ = 1` and `s_{n−1} = ratio` exactly (n = 1: s₀ = 1). Column scaling leaves the
/// fitted values unchanged in exact arithmetic but inflates κ₂ by up to about `ratio`.
/// Householder QR's backward error is column-wise small (Higham, *Accuracy and Stability of
/// Numerical Algorithms*, ch. 19), so its fit is insensitive to such scaling, while the
/// normal equations square the inflated κ₂.
///
/// # Algorithm
///
/// [`gaussian_matrix`], then each column multiplied by its scale.
///
/// # Cost
///
/// mn normal variates and mn multiplications; memory mn.
///
/// # Accuracy
///
/// One rounding per entry for the scaling (none for the first and for power-of-two scales);
/// `s_j` itself comes from `powf` and may differ by an ulp between math libraries.
///
/// # Errors
///
/// [`Error::InvalidSize`] if m or n is 0; [`Error::InvalidParameter`] if `ratio` is not
/// finite and positive; [`Error::TooLarge`] if m·n overflows.
///
/// # Examples
///
/// ```
/// let a = sim::badly_scaled(10, 3, 1e8, &mut sim::rng_from_seed(3))?;
/// let z = sim::gaussian_matrix(10, 3, &mut sim::rng_from_seed(3))?;
/// assert_eq!(a[(4, 2)], 1e8 * z[(4, 2)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn badly_scaled(m: usize, n: usize, ratio: f64, rng: &mut impl Rng) -> Result<DMatrix<f64>> {
    check_positive("ratio", ratio)?;
    let mut a = gaussian_matrix(m, n, rng)?;
    for (j, mut column) in a.column_iter_mut().enumerate() {
        let scale = if j == 0 {
            1.0
        } else if j + 1 == n {
            ratio
        } else {
            ratio.powf(usize_to_f64(j) / usize_to_f64(n - 1))
        };
        column *= scale;
    }
    Ok(a)
}

/// An exactly rank-deficient matrix and the linear dependence that makes it so.
///
/// Column `dependent` equals `Σ_{j < dependent} coefficients[j]·a[:, j]` exactly (no
/// rounding), so `a · null_vector() == 0` holds bit for bit.
///
/// # Examples
///
/// ```
/// let r = sim::rank_deficient(8, 4, &mut sim::rng_from_seed(4))?;
/// assert_eq!(r.coefficients.len(), r.dependent);
/// assert!((&r.a * r.null_vector()).iter().all(|&v| v == 0.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RankDeficient {
    /// The m × n matrix, of rank n − 1.
    pub a: DMatrix<f64>,
    /// Index of the column that is a combination of the columns before it (1 ≤ d < n).
    pub dependent: usize,
    /// The combination's coefficients, one per earlier column, each in {−2, −1, 1, 2}.
    pub coefficients: DVector<f64>,
}

impl RankDeficient {
    /// The null vector v with `a·v = 0` exactly: `v_j = coefficients[j]` for j < d, `v_d = −1`,
    /// and 0 after.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = sim::rank_deficient(5, 3, &mut sim::rng_from_seed(5))?;
    /// assert_eq!(r.null_vector()[r.dependent], -1.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn null_vector(&self) -> DVector<f64> {
        DVector::from_fn(self.a.ncols(), |j, _| match j.cmp(&self.dependent) {
            std::cmp::Ordering::Less => self.coefficients[j],
            std::cmp::Ordering::Equal => -1.0,
            std::cmp::Ordering::Greater => 0.0,
        })
    }
}

/// An m × n matrix of rank exactly n − 1: one column is an exact combination of earlier ones.
///
/// # Model
///
/// Draws, in order: the dependent column d uniform on {1, …, n − 1}; coefficients cⱼ
/// uniform on {−2, −1, 1, 2} for j < d; then an m × n Gaussian matrix, column-major, each
/// entry rounded to the nearest multiple of 2⁻²⁰. Column d is then overwritten with
/// `Σ_{j<d} c_j·a[:, j]`, summed left to right. Every product and partial sum is a multiple
/// of 2⁻²⁰ below 2³² in magnitude, hence exact, so the stored matrix has an exact null
/// vector ([`RankDeficient::null_vector`]) and, with probability one, rank n − 1. Unpivoted
/// QR meets the deficiency at column d: `|r_dd|` is at rounding level.
///
/// # Algorithm
///
/// Quantise by `round(z·2²⁰)·2⁻²⁰`, then a left-to-right sum per row.
///
/// # Cost
///
/// mn normal variates, d + 1 uniform draws and 2md flops; memory mn.
///
/// # Accuracy
///
/// Exact (see above); the quantisation changes each Gaussian entry by at most 2⁻²¹.
///
/// # Errors
///
/// [`Error::InvalidSize`] if n < 2 or m < n; [`Error::SizeTooLarge`] if n exceeds
/// [`RANK_DEFICIENT_MAX_COLUMNS`]; [`Error::TooLarge`] if m·n overflows.
///
/// # Examples
///
/// ```
/// let r = sim::rank_deficient(10, 3, &mut sim::rng_from_seed(6))?;
/// let s = r.a.clone().svd(false, false).singular_values;
/// assert!(s.min() < 1e-12 * s.max());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn rank_deficient(m: usize, n: usize, rng: &mut impl Rng) -> Result<RankDeficient> {
    check_min_size("n", n, 2)?;
    check_min_size("m", m, n)?;
    if n > RANK_DEFICIENT_MAX_COLUMNS {
        return Err(Error::SizeTooLarge { name: "n", value: n, max: RANK_DEFICIENT_MAX_COLUMNS });
    }
    checked_entries(m, n)?;
    let dependent = rng.random_range(1..n);
    let coefficients =
        DVector::from_fn(dependent, |_, _| CHOICES[rng.random_range(0..CHOICES.len())]);
    let mut a = gaussian_fill(m, n, rng)?.map(|z| (z / QUANTUM).round() * QUANTUM);
    for i in 0..m {
        let mut sum = 0.0;
        for (j, &c) in coefficients.iter().enumerate() {
            sum += c * a[(i, j)];
        }
        a[(i, dependent)] = sum;
    }
    Ok(RankDeficient { a, dependent, coefficients })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng_from_seed;

    fn singular_values(a: &DMatrix<f64>) -> DVector<f64> {
        a.clone().svd(false, false).singular_values
    }

    #[track_caller]
    fn check(r: &RankDeficient, m: usize, n: usize) {
        assert_eq!(r.a.shape(), (m, n));
        assert!((1..n).contains(&r.dependent));
        assert!(r.coefficients.iter().all(|c| [-2.0, -1.0, 1.0, 2.0].contains(c)));
        assert!(r.a.iter().all(|v| (v / QUANTUM).fract() == 0.0 && v.abs() < 256.0));
        let av = &r.a * r.null_vector();
        assert!(av.iter().all(|&v| v == 0.0), "a·v = {av}");
        let s = singular_values(&r.a);
        let mut sorted: Vec<f64> = s.iter().copied().collect();
        sorted.sort_by(f64::total_cmp);
        assert!(sorted[0] <= 16.0 * usize_to_f64(m) * f64::EPSILON * sorted[n - 1], "{s}");
        assert!(sorted[1] > 1e-3 * sorted[n - 1], "rank is exactly n - 1: {s}");
    }

    #[test]
    fn rank_deficient_has_an_exact_null_vector() {
        for (seed, (m, n)) in [(2, 2), (5, 2), (10, 3), (40, 8), (8, 8)].into_iter().enumerate() {
            let r = rank_deficient(m, n, &mut rng_from_seed(seed as u64)).unwrap();
            check(&r, m, n);
        }
        let dependents: std::collections::BTreeSet<usize> = (0..40)
            .map(|seed| rank_deficient(12, 6, &mut rng_from_seed(seed)).unwrap().dependent)
            .collect();
        assert_eq!(dependents.into_iter().collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn lauchli_condition_number_matches_the_formula() {
        for (n, delta) in [(2, 1e-2), (3, 1e-4), (5, 1e-7)] {
            let s = singular_values(&lauchli(n, delta).unwrap());
            let expected = (usize_to_f64(n) + delta * delta).sqrt() / delta;
            approx::assert_relative_eq!(s.max() / s.min(), expected, max_relative = 1e-6);
        }
        assert_eq!(lauchli(1, 0.5).unwrap(), DMatrix::from_column_slice(2, 1, &[1.0, 0.5]));
    }

    #[test]
    fn vandermonde_powers_are_exact_on_integers() {
        let x = DVector::from_vec(vec![-2.0, 0.0, 3.0]);
        let v = vandermonde(&x, 3).unwrap();
        assert_eq!(
            v,
            DMatrix::from_row_slice(
                3,
                4,
                &[1.0, -2.0, 4.0, -8.0, 1.0, 0.0, 0.0, 0.0, 1.0, 3.0, 9.0, 27.0]
            )
        );
        assert_eq!(vandermonde(&x, 0).unwrap(), DMatrix::from_element(3, 1, 1.0));
    }

    #[test]
    fn scaled_and_intercept_designs_follow_their_models() {
        let z = gaussian_matrix(20, 4, &mut rng_from_seed(1)).unwrap();
        let a = badly_scaled(20, 4, 1e6, &mut rng_from_seed(1)).unwrap();
        for j in 0..4 {
            let scale = 1e6_f64.powf(usize_to_f64(j) / 3.0);
            let expected = if j == 3 { 1e6 } else { scale };
            for i in 0..20 {
                assert_eq!(a[(i, j)].to_bits(), (z[(i, j)] * expected).to_bits());
            }
        }
        let x = intercept_gaussian(20, 3, &mut rng_from_seed(1)).unwrap();
        assert!(x.column(0).iter().all(|v| v.to_bits() == 1.0_f64.to_bits()));
        assert_eq!(x.columns(1, 3), z.columns(0, 3));
        assert_eq!(
            intercept_gaussian(3, 0, &mut rng_from_seed(1)).unwrap(),
            DMatrix::from_element(3, 1, 1.0)
        );
    }

    #[test]
    fn invalid_designs_are_typed_errors() {
        let rng = &mut rng_from_seed(0);
        assert!(matches!(gaussian_matrix(0, 2, rng), Err(Error::InvalidSize { name: "m", .. })));
        assert!(matches!(gaussian_matrix(usize::MAX, 2, rng), Err(Error::TooLarge { .. })));
        assert!(matches!(intercept_gaussian(0, 2, rng), Err(Error::InvalidSize { .. })));
        assert!(matches!(vandermonde(&DVector::zeros(0), 2), Err(Error::InvalidSize { .. })));
        assert!(matches!(
            vandermonde(&DVector::from_vec(vec![1.0, f64::NAN]), 2),
            Err(Error::OutOfDomain { name: "x", index: 1, .. })
        ));
        assert!(matches!(
            vandermonde(&DVector::from_vec(vec![1.0, 1e200]), 2),
            Err(Error::OutOfDomain { name: "x", index: 1, .. })
        ));
        assert!(matches!(lauchli(0, 1.0), Err(Error::InvalidSize { .. })));
        assert!(matches!(lauchli(3, 0.0), Err(Error::InvalidParameter { name: "delta", .. })));
        assert!(matches!(
            badly_scaled(3, 2, -1.0, rng),
            Err(Error::InvalidParameter { name: "ratio", .. })
        ));
        assert!(matches!(rank_deficient(5, 1, rng), Err(Error::InvalidSize { name: "n", .. })));
        assert!(matches!(
            rank_deficient(3, 4, rng),
            Err(Error::InvalidSize { name: "m", value: 3, min: 4 })
        ));
        assert!(matches!(
            rank_deficient(usize::MAX, (1 << 24) + 1, rng),
            Err(Error::SizeTooLarge { name: "n", .. })
        ));
    }
}
