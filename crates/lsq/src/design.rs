//! [`Design`]: the model matrix `X`, its column names, whether it has an intercept, and (for
//! polynomial models) the recipe to rebuild it in extended precision.

use linalg_core::DoubleDouble;
use nalgebra::{DMatrix, DVector};
use pulp::Arch;

use crate::error::{Error, Input, Result};
use crate::scaling::{ColumnSteps, ScanColumn};

/// Name R gives the constant column.
///
/// # Examples
///
/// ```
/// use lsq::{Design, INTERCEPT_NAME};
/// use lsq::nalgebra::dmatrix;
///
/// let d = Design::with_intercept(&dmatrix![2.0; 3.0])?;
/// assert_eq!(d.names()[0], INTERCEPT_NAME);
/// assert_eq!(INTERCEPT_NAME, "(Intercept)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const INTERCEPT_NAME: &str = "(Intercept)";

/// A design (model) matrix `X` with column names.
///
/// The intercept is what the constructor says: [`Design::with_intercept`] and
/// [`Design::polynomial`] put it first, [`Design::with_intercept_column`] declares an existing
/// constant column, and [`Design::new`] alone has none, whatever its columns hold. It decides
/// whether R² is centred (about the mean of `y`, as R does with an intercept) or uncentred (about
/// zero, NIST's convention for its no-intercept problems), and it is left unpenalized by ridge
/// unless asked otherwise.
///
/// [`Design::polynomial`] also remembers `x` and the degree, so that the extended-precision
/// solver can form the powers `xᵏ` in double-double instead of rounding them to `f64` first.
///
/// # Examples
///
/// ```
/// use lsq::Design;
/// use lsq::nalgebra::{dmatrix, dvector};
///
/// let d = Design::with_intercept(&dmatrix![70.0, 177.0; 86.0, 190.0; 63.0, 180.0; 62.0, 172.0])?
///     .with_names(["(Intercept)", "weight", "parents"])?;
/// assert_eq!((d.nrows(), d.ncols(), d.intercept_column()), (4, 3, Some(0)));
/// assert_eq!(d.names()[1], "weight");
///
/// // A column of ones is only the intercept when the design says so.
/// let x = dmatrix![1.0, 0.5; 1.0, 1.5; 1.0, 2.0];
/// assert_eq!(Design::new(x.clone())?.intercept_column(), None);
/// let declared = Design::new(x)?.with_intercept_column(0)?;
/// assert_eq!(declared.names(), ["(Intercept)", "x2"]);
///
/// let p = Design::polynomial(&dvector![1.0, 2.0, 3.0], 2)?;
/// assert_eq!(p.names(), ["(Intercept)", "x", "x^2"]);
/// assert_eq!(p.matrix()[(2, 2)], 9.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "StoredDesign"))]
pub struct Design {
    matrix: DMatrix<f64>,
    names: Vec<String>,
    intercept: Option<usize>,
    polynomial: Option<DVector<f64>>,
    /// Each column's equilibration steps and scaled norm without weights, when one read finds
    /// them (see [`crate::scaling::scan_column`]): found by the read that checks the entries,
    /// so that an unweighted fit on every row does not read the design for them again. Derived
    /// from `matrix`; not stored.
    #[cfg_attr(feature = "serde", serde(skip_serializing))]
    column_steps: Vec<Option<(ColumnSteps, f64)>>,
}

/// A [`Design`] as stored.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct StoredDesign {
    matrix: DMatrix<f64>,
    names: Vec<String>,
    intercept: Option<usize>,
    polynomial: Option<DVector<f64>>,
}

#[cfg(feature = "serde")]
impl TryFrom<StoredDesign> for Design {
    type Error = Error;

    /// Rebuilds the design through its constructors: finite entries, one name a column, a
    /// declared intercept that is a constant column, and for a polynomial design the powers of
    /// its `x`, bit for bit.
    fn try_from(stored: StoredDesign) -> Result<Self, Error> {
        let design = if let Some(x) = &stored.polynomial {
            let degree = stored.matrix.ncols().saturating_sub(1);
            let rebuilt = Design::polynomial(x, degree)?;
            if rebuilt.matrix() != &stored.matrix {
                return Err(Error::InvalidStoredValue {
                    reason: "a polynomial design's columns are not the powers of its x",
                });
            }
            rebuilt
        } else {
            let design = Design::new(stored.matrix)?;
            match stored.intercept {
                Some(j) => design.with_intercept_column(j)?,
                None => design,
            }
        };
        design.with_names(stored.names)
    }
}

impl Design {
    /// Wraps a design matrix as given, naming columns `x1, x2, …`. Every column is an ordinary
    /// column, a constant one too: the model has no intercept (R² is uncentred, as R's
    /// `lm(y ~ 0 + X)`) unless [`Design::with_intercept_column`] says otherwise.
    ///
    /// # Cost
    /// One read of the matrix, which checks the entries and also finds each column's scaling
    /// for [`crate::fit`] (its largest and smallest magnitudes and its norm), so that an
    /// unweighted fit of a tall design reads the matrix once less.
    ///
    /// # Errors
    /// [`Error::EmptyDesign`] for a matrix without rows or columns; [`Error::NonFinite`] naming
    /// the first NaN or infinite entry.
    pub fn new(matrix: DMatrix<f64>) -> Result<Self> {
        let (rows, cols) = matrix.shape();
        if rows == 0 || cols == 0 {
            return Err(Error::EmptyDesign { rows, cols });
        }
        // One read of each column checks its entries and finds its scaling.
        let mut column_steps = Vec::with_capacity(cols);
        for (j, column) in matrix.column_iter().enumerate() {
            let column = column.as_slice();
            let scan = Arch::new().dispatch(ScanColumn(column));
            let first_bad = || column.iter().enumerate().find(|(_, v)| !v.is_finite());
            if !scan.finite
                && let Some((row, &value)) = first_bad()
            {
                return Err(Error::NonFinite { input: Input::Design, row, col: j, value });
            }
            column_steps.push(scan.steps);
        }
        let names = (1..=cols).map(|j| format!("x{j}")).collect();
        Ok(Self { matrix, names, intercept: None, polynomial: None, column_steps })
    }

    /// Prepends a column of ones to `columns`: `X = [1, columns]`, with the intercept first.
    ///
    /// # Errors
    /// As [`Design::new`].
    pub fn with_intercept(columns: &DMatrix<f64>) -> Result<Self> {
        let (m, n) = columns.shape();
        let matrix =
            DMatrix::from_fn(m, n + 1, |i, j| if j == 0 { 1.0 } else { columns[(i, j - 1)] });
        let mut design = Self::new(matrix)?.with_intercept_column(0)?;
        // The given columns keep their own numbering: `x1` is the first of `columns`.
        design.names[1..]
            .iter_mut()
            .enumerate()
            .for_each(|(j, name)| *name = format!("x{}", j + 1));
        Ok(design)
    }

    /// Declares column `j`, a constant nonzero column already in the matrix, the intercept and
    /// names it `(Intercept)`: R² and F are then centred on the mean of `y`, and ridge leaves
    /// the column unpenalized by default.
    ///
    /// # Errors
    /// [`Error::InvalidIntercept`] when there is no column `j` or it is not constant and nonzero.
    pub fn with_intercept_column(mut self, j: usize) -> Result<Self> {
        let reason = if j >= self.ncols() {
            Some("the design has no such column")
        } else if self.matrix[(0, j)] == 0.0 {
            Some("its entries are zero")
        } else if !is_constant(&self.matrix, j) {
            Some("its entries are not all equal")
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(Error::InvalidIntercept { column: j, reason });
        }
        self.intercept = Some(j);
        INTERCEPT_NAME.clone_into(&mut self.names[j]);
        Ok(self)
    }

    /// The polynomial design `[1, x, x², …, x^degree]` (a Vandermonde matrix), with the
    /// intercept first.
    ///
    /// The powers are formed by repeated multiplication in `f64`; the extended-precision solver
    /// rebuilds them in double-double from the same `x`, so that `x¹⁰` is not rounded to `f64`
    /// first (that rounding alone caps NIST's Filip problem at about 7.6 correct digits).
    ///
    /// # Errors
    /// [`Error::EmptyDesign`] for an empty `x`; [`Error::NonFinite`] for a NaN or infinite `x`
    /// or a power that overflows.
    pub fn polynomial(x: &DVector<f64>, degree: usize) -> Result<Self> {
        check_matrix_finite(x, Input::Design)?;
        let matrix =
            DMatrix::from_fn(x.len(), degree + 1, |i, k| (0..k).fold(1.0, |p, _| p * x[i]));
        let mut design = Self::new(matrix)?.with_intercept_column(0)?;
        design.names = (0..=degree)
            .map(|k| match k {
                0 => INTERCEPT_NAME.to_owned(),
                1 => "x".to_owned(),
                _ => format!("x^{k}"),
            })
            .collect();
        design.polynomial = Some(x.clone());
        Ok(design)
    }

    /// Replaces the column names.
    ///
    /// # Errors
    /// [`Error::NameCount`] when the number of names differs from the number of columns.
    pub fn with_names<S: Into<String>>(
        mut self,
        names: impl IntoIterator<Item = S>,
    ) -> Result<Self> {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        if names.len() != self.ncols() {
            return Err(Error::NameCount { expected: self.ncols(), found: names.len() });
        }
        self.names = names;
        Ok(self)
    }

    /// The matrix `X`.
    #[must_use]
    pub fn matrix(&self) -> &DMatrix<f64> {
        &self.matrix
    }

    /// Column names, in column order.
    #[must_use]
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Number of observations (rows).
    #[must_use]
    pub fn nrows(&self) -> usize {
        self.matrix.nrows()
    }

    /// Number of coefficients (columns).
    #[must_use]
    pub fn ncols(&self) -> usize {
        self.matrix.ncols()
    }

    /// The intercept's column, if the design has one.
    #[must_use]
    pub fn intercept_column(&self) -> Option<usize> {
        self.intercept
    }

    /// Each column's unweighted equilibration steps and scaled norm, where one read of the
    /// column finds them: [`crate::scaling::scan_column`] of the column, bit for bit.
    pub(crate) fn column_steps(&self) -> &[Option<(ColumnSteps, f64)>] {
        &self.column_steps
    }

    /// Whether the design is [`Design::polynomial`]'s, whose powers the extended method
    /// rebuilds from `x`.
    pub(crate) fn is_polynomial(&self) -> bool {
        self.polynomial.is_some()
    }

    /// The design in double-double: polynomial powers formed in double-double from the `f64`
    /// `x`, any other design converted exactly.
    pub(crate) fn extended(&self) -> DMatrix<DoubleDouble> {
        match &self.polynomial {
            Some(x) => DMatrix::from_fn(self.nrows(), self.ncols(), |i, k| {
                let xi = DoubleDouble::from(x[i]);
                (0..k).fold(DoubleDouble::ONE, |p, _| p * xi)
            }),
            None => self.matrix.map(DoubleDouble::from),
        }
    }
}

fn is_constant(matrix: &DMatrix<f64>, j: usize) -> bool {
    let first = matrix[(0, j)];
    matrix.column(j).iter().all(|&v| v.to_bits() == first.to_bits())
}

/// Fails with [`Error::NonFinite`] at the first NaN or infinite entry (column-major order).
pub(crate) fn check_matrix_finite<R, C, S>(
    m: &nalgebra::Matrix<f64, R, C, S>,
    input: Input,
) -> Result<()>
where
    R: nalgebra::Dim,
    C: nalgebra::Dim,
    S: nalgebra::RawStorage<f64, R, C> + nalgebra::IsContiguous,
{
    let values = m.as_slice();
    if all_finite(values) {
        return Ok(());
    }
    let rows = m.nrows().max(1);
    let (k, &value) =
        values.iter().enumerate().find(|(_, v)| !v.is_finite()).unwrap_or((0, &f64::NAN));
    Err(Error::NonFinite { input, row: k % rows, col: k / rows, value })
}

/// Whether every value is finite, in a branch-free pass the compiler vectorises: `x·0` is 0 for
/// every finite `x` and NaN for NaN and ±∞, and a NaN survives every addition.
fn all_finite(values: &[f64]) -> bool {
    let chunks = values.chunks_exact(4);
    let tail = chunks.remainder().iter().fold(0.0, |s, v| s + v * 0.0);
    let mut acc = [0.0_f64; 4];
    for c in chunks {
        for l in 0..4 {
            acc[l] += c[l] * 0.0;
        }
    }
    !((acc[0] + acc[1]) + (acc[2] + acc[3]) + tail).is_nan()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaling::scan_column;
    use linalg_core::count_to_f64;
    use nalgebra::{dmatrix, dvector};

    #[track_caller]
    fn check(design: &Design, names: &[&str], intercept: Option<usize>) {
        assert_eq!(design.names(), names);
        assert_eq!(design.intercept_column(), intercept);
    }

    #[test]
    fn the_intercept_is_what_the_constructor_says() {
        // A constant column is an ordinary column unless declared the intercept.
        check(&Design::new(dmatrix![2.0, 1.0; 2.0, 3.0]).unwrap(), &["x1", "x2"], None);
        let declared = Design::new(dmatrix![1.0, 2.0; 3.0, 2.0]).unwrap().with_intercept_column(1);
        check(&declared.unwrap(), &["x1", "(Intercept)"], Some(1));
        check(
            &Design::with_intercept(&dmatrix![5.0; 6.0]).unwrap(),
            &["(Intercept)", "x1"],
            Some(0),
        );
        for (x, j) in [(dmatrix![0.0, 1.0; 0.0, 3.0], 0), (dmatrix![1.0, 1.0; 2.0, 3.0], 0)] {
            let err = Design::new(x).unwrap().with_intercept_column(j).unwrap_err();
            assert!(matches!(err, Error::InvalidIntercept { column: 0, .. }), "{err}");
        }
        let err = Design::new(dmatrix![1.0; 1.0]).unwrap().with_intercept_column(3).unwrap_err();
        assert!(matches!(err, Error::InvalidIntercept { column: 3, .. }), "{err}");
    }

    #[test]
    fn bad_designs_are_errors_naming_the_entry() {
        assert!(matches!(
            Design::new(DMatrix::zeros(0, 2)),
            Err(Error::EmptyDesign { rows: 0, cols: 2 })
        ));
        let err = Design::new(dmatrix![1.0, 2.0; 1.0, f64::NAN]).unwrap_err();
        assert!(
            matches!(err, Error::NonFinite { input: Input::Design, row: 1, col: 1, .. }),
            "{err}"
        );
        let err = Design::polynomial(&dvector![1e200], 2).unwrap_err();
        assert!(matches!(err, Error::NonFinite { row: 0, col: 2, .. }), "{err}");
        assert!(matches!(
            Design::new(dmatrix![1.0]).unwrap().with_names(["a", "b"]),
            Err(Error::NameCount { expected: 1, found: 2 })
        ));
    }

    #[test]
    fn the_read_that_checks_the_entries_finds_each_columns_scaling() {
        // Entries beyond 2⁵¹² square to infinity but are finite: accepted, steps left to a copy.
        let huge = Design::new(dmatrix![1e300, 1.0; -3e307, 2.0; 0.0, 4.0]).unwrap();
        assert_eq!(huge.column_steps()[0], None);
        // NaN and infinities anywhere, among finite entries of any size: the first one in
        // column-major order is named.
        for (bad, row, col) in [(f64::NAN, 2, 1), (f64::INFINITY, 0, 1), (f64::NEG_INFINITY, 3, 0)]
        {
            let mut x = DMatrix::from_fn(4, 3, |i, j| 1e200 * count_to_f64(i + j));
            x[(row, col)] = bad;
            x[(3, 2)] = f64::NAN;
            let err = Design::new(x).unwrap_err();
            assert!(
                matches!(err, Error::NonFinite { input: Input::Design, row: r, col: c, value }
                    if (r, c) == (row, col) && value.to_bits() == bad.to_bits()),
                "{err}"
            );
        }
        let units = [1e-6, 1.0, 1e3, 1e9];
        let x = DMatrix::from_fn(101, 4, |i, j| count_to_f64(i * (j + 1)).sin() * units[j]);
        let design = Design::with_intercept(&x).unwrap();
        for (j, column) in design.matrix().column_iter().enumerate() {
            assert_eq!(design.column_steps()[j], scan_column(column.as_slice()).steps, "{j}");
            assert!(design.column_steps()[j].is_some(), "{j}");
        }
    }

    #[test]
    fn extended_polynomial_powers_are_not_rounded_to_f64() {
        let x = dvector![0.1_f64 + 0.2];
        let d = Design::polynomial(&x, 10).unwrap();
        let ext = d.extended();
        // x^10 in double-double differs from the f64 power by more than the f64 rounding of the
        // double-double value: the low word carries the digits f64 loses.
        let exact = ext[(0, 10)];
        assert!(exact.lo() != 0.0);
        let rounded = d.matrix()[(0, 10)];
        assert!(((exact - DoubleDouble::from(rounded)).to_f64() / rounded).abs() < 1e-14);
    }
}
