//! Checks that tie a fit to the design it was made from, and one design to another: that
//! `Xβ̂` reproduces a fit's fitted values (for [`crate::Fit::robust`] and [`crate::anova`],
//! which need the design a [`crate::Fit`] does not keep), and [`check_nested`], that the
//! columns of one design lie in the column space of another.

use linalg_core::{HouseholderQr, count_to_f64};
use nalgebra::{DMatrix, DVector};

use crate::design::Design;
use crate::error::{Error, Input, Result};
use crate::scaling::{Scaling, scale_by};
use crate::statistics::row_product;

/// Relative tolerance, in units of `ε` per design column, of the check that a design reproduces
/// a fit's fitted values: row `i` passes when `|xᵢᵀβ̂ − ŷᵢ| ≤ 4·(p + 2)·ε·Σⱼ|xᵢⱼβ̂ⱼ|`. The
/// fitted values were summed in the solver's precision (double-double for
/// [`crate::Method::ExtendedQr`], whose polynomial designs rebuild their powers) and rounded, so
/// they differ from an `f64` sum over the `f64` design by at most a few `ε` per term; a
/// different design differs by far more in some row.
pub(crate) const DESIGN_TOLERANCE: f64 = 4.0 * f64::EPSILON;

/// `ε` factor of the nesting test of [`check_nested`]: a column `z` lies in the span of the
/// full design `A` when the residual of its least-squares projection satisfies
/// `‖z − A·A⁺z‖ ≤ NESTING_TOLERANCE·max(m, n)·κ̂₁·‖z‖`, with `κ̂₁` the estimated condition
/// number of the equilibrated `A`. That is the size of the residual that the rounding of the
/// data and of the projection (Householder QR, backward stable with error `∝ κ·ε`) can leave
/// for a column exactly in the span, as when a reduced model's column is the sum of the full
/// model's dummies.
pub const NESTING_TOLERANCE: f64 = f64::EPSILON;

/// Fails unless `design` has the fit's shape and reproduces its fitted values (see
/// [`DESIGN_TOLERANCE`]); `scaled_beta` and `scaling` are the fit's equilibrated coefficients
/// and exponents.
pub(crate) fn check_design(
    design: &Design,
    fitted: &DVector<f64>,
    scaled_beta: &DVector<f64>,
    scaling: &Scaling,
) -> Result<()> {
    let (m, p) = (design.nrows(), design.ncols());
    if m != fitted.len() {
        return Err(Error::DimensionMismatch {
            input: Input::Design,
            expected: fitted.len(),
            found: m,
        });
    }
    if p != scaled_beta.len() {
        return Err(Error::DimensionMismatch {
            input: Input::Design,
            expected: scaled_beta.len(),
            found: p,
        });
    }
    let x = design.matrix();
    let columns = &scaling.columns;
    let tolerance = DESIGN_TOLERANCE * count_to_f64(p + 2);
    for i in 0..m {
        let (product, e) = row_product(|j| x[(i, j)], scaled_beta, columns);
        let bound: f64 =
            (0..p).map(|j| (scale_by(x[(i, j)], columns[j] - e) * scaled_beta[j]).abs()).sum();
        let expected = scale_by(fitted[i], scaling.response - e);
        if (product - expected).abs() > tolerance * bound || !product.is_finite() {
            return Err(Error::DesignMismatch {
                row: i,
                expected: fitted[i],
                found: scale_by(product, e - scaling.response),
            });
        }
    }
    Ok(())
}

/// Checks that every column of `reduced` lies in the column space of `full` on the rows with
/// positive weight (all rows without weights), as a nested model's must; the columns of `full`
/// listed in `full_aliased` (dropped by its fit) are left out of the basis, which spans the same
/// space.
///
/// # Algorithm
/// The rows are weighted by `√w` and every column scaled to unit norm; the basis is factored by
/// Householder QR, `A = QR`, and each reduced column `z` is tested by the norm of the trailing
/// part of `Qᵀz`, its distance from the span, against [`NESTING_TOLERANCE`]`·max(m, n)·κ̂₁`
/// (Golub & Van Loan, §5.3).
///
/// # Cost
/// `2mn² − 2n³/3` for the QR of the m×n basis plus `4mn` per reduced column.
///
/// # Accuracy
/// Householder QR computes the projection residual of a column in the span with error about
/// `κ(A)·ε` relative to its norm, which the tolerance allows for; a column whose distance from
/// the span is below it is taken to be in the span.
///
/// # Errors
/// [`Error::DimensionMismatch`] when the designs or the weights differ in rows;
/// [`Error::NotNested`] naming the first reduced column outside the span, with its relative
/// distance; [`Error::Kernel`] if the QR refuses the basis (no more rows than columns).
///
/// # Examples
///
/// ```
/// use lsq::{Design, Error};
/// use lsq::nalgebra::dmatrix;
///
/// let full = Design::with_intercept(&dmatrix![1.0, 0.0; 2.0, 1.0; 3.0, 0.0; 4.0, 1.0])?
///     .with_names(["(Intercept)", "x", "g"])?;
/// // The intercept and x + g: in the span of the full design.
/// let nested = Design::with_intercept(&dmatrix![1.0; 3.0; 3.0; 5.0])?;
/// lsq::check_nested(&nested, &full, &[], None)?;
/// // x²: not in it.
/// let other = Design::with_intercept(&dmatrix![1.0; 4.0; 9.0; 16.0])?.with_names(["(Intercept)", "x2"])?;
/// let err = lsq::check_nested(&other, &full, &[], None).unwrap_err();
/// assert!(matches!(err, Error::NotNested { column: 1, .. }), "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_nested(
    reduced: &Design,
    full: &Design,
    full_aliased: &[usize],
    weights: Option<&DVector<f64>>,
) -> Result<()> {
    let m = full.nrows();
    if reduced.nrows() != m {
        return Err(Error::DimensionMismatch {
            input: Input::Design,
            expected: m,
            found: reduced.nrows(),
        });
    }
    if let Some(w) = weights.filter(|w| w.len() != m) {
        return Err(Error::DimensionMismatch {
            input: Input::Weights,
            expected: m,
            found: w.len(),
        });
    }
    let rows: Vec<usize> = (0..m).filter(|&i| weights.is_none_or(|w| w[i] > 0.0)).collect();
    let roots: Vec<f64> = rows.iter().map(|&i| weights.map_or(1.0, |w| w[i].sqrt())).collect();
    let basis: Vec<usize> = (0..full.ncols()).filter(|j| !full_aliased.contains(j)).collect();
    let a = DMatrix::from_fn(rows.len(), basis.len(), |k, c| {
        roots[k] * full.matrix()[(rows[k], basis[c])]
    });
    let a = normalise_columns(a);
    let n = a.ncols();
    let qr = HouseholderQr::new(a)?;
    let kappa = qr.condition_estimate().max(1.0);
    let tolerance = NESTING_TOLERANCE * count_to_f64(rows.len().max(n)) * kappa;
    for j in 0..reduced.ncols() {
        let z = DMatrix::from_fn(rows.len(), 1, |k, _| roots[k] * reduced.matrix()[(rows[k], j)]);
        let z = normalise_columns(z);
        if z.amax() == 0.0 {
            // A zero column lies in every span.
            continue;
        }
        let mut qtz = z.column(0).into_owned();
        qr.apply_qt(&mut qtz)?;
        let distance = qtz.rows(n, qtz.len() - n).norm();
        if distance > tolerance {
            return Err(Error::NotNested {
                column: j,
                name: reduced.names()[j].clone(),
                distance,
                tolerance,
            });
        }
    }
    Ok(())
}

/// Scales each column to unit 2-norm (zero columns stay zero), so that the QR's rank and
/// condition do not depend on the units of the columns.
fn normalise_columns(mut a: DMatrix<f64>) -> DMatrix<f64> {
    for mut column in a.column_iter_mut() {
        let largest = column.amax();
        if largest > 0.0 {
            column /= largest;
            let norm = column.norm();
            column /= norm;
        }
    }
    a
}
