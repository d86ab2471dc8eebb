//! [`Design`]: the model matrix `X`, its column names, whether it has an intercept, and (for
//! polynomial models) the recipe to rebuild it in extended precision.

use linalg_core::DoubleDouble;
use nalgebra::{DMatrix, DVector};

use crate::error::{Error, Input, Result};

/// Name R gives the constant column.
///
/// # Examples
///
/// ```
/// use lsq::{Design, INTERCEPT_NAME};
/// use nalgebra::dmatrix;
///
/// let d = Design::with_intercept(&dmatrix![2.0; 3.0])?;
/// assert_eq!(d.names()[0], INTERCEPT_NAME);
/// assert_eq!(INTERCEPT_NAME, "(Intercept)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const INTERCEPT_NAME: &str = "(Intercept)";

/// A design (model) matrix `X` with column names.
///
/// A column whose entries are all equal and nonzero is recognised as the intercept; it decides
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
/// use nalgebra::{dmatrix, dvector};
///
/// let d = Design::with_intercept(&dmatrix![70.0, 177.0; 86.0, 190.0; 63.0, 180.0; 62.0, 172.0])?
///     .with_names(["(Intercept)", "weight", "parents"])?;
/// assert!(d.has_intercept());
/// assert_eq!(d.names()[1], "weight");
///
/// let p = Design::polynomial(&dvector![1.0, 2.0, 3.0], 2)?;
/// assert_eq!(p.matrix()[(2, 2)], 9.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    matrix: DMatrix<f64>,
    names: Vec<String>,
    intercept: Option<usize>,
    polynomial: Option<DVector<f64>>,
}

impl Design {
    /// Wraps a design matrix as given, naming columns `x1, x2, …` (the intercept, if detected,
    /// `(Intercept)`).
    ///
    /// # Errors
    /// [`Error::EmptyDesign`] for a matrix without rows or columns; [`Error::NonFinite`] naming
    /// the first NaN or infinite entry.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::Design;
    /// use nalgebra::dmatrix;
    ///
    /// let d = Design::new(dmatrix![1.0, 0.5; 1.0, 1.5])?;
    /// assert_eq!(d.intercept_column(), Some(0));
    /// assert_eq!(d.names(), ["(Intercept)", "x2"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(matrix: DMatrix<f64>) -> Result<Self> {
        let (rows, cols) = matrix.shape();
        if rows == 0 || cols == 0 {
            return Err(Error::EmptyDesign { rows, cols });
        }
        check_matrix_finite(&matrix, Input::Design)?;
        let intercept = (0..cols).find(|&j| is_constant_nonzero(&matrix, j));
        let names = (0..cols)
            .map(|j| {
                if Some(j) == intercept { INTERCEPT_NAME.to_owned() } else { format!("x{}", j + 1) }
            })
            .collect();
        Ok(Self { matrix, names, intercept, polynomial: None })
    }

    /// Prepends a column of ones to `columns`: `X = [1, columns]`.
    ///
    /// # Errors
    /// As [`Design::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::Design;
    /// use nalgebra::dmatrix;
    ///
    /// let d = Design::with_intercept(&dmatrix![2.0; 3.0])?;
    /// assert_eq!(d.matrix(), &dmatrix![1.0, 2.0; 1.0, 3.0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_intercept(columns: &DMatrix<f64>) -> Result<Self> {
        let (m, n) = columns.shape();
        let matrix =
            DMatrix::from_fn(m, n + 1, |i, j| if j == 0 { 1.0 } else { columns[(i, j - 1)] });
        let mut design = Self::new(matrix)?;
        design.intercept = Some(0);
        design.names = std::iter::once(INTERCEPT_NAME.to_owned())
            .chain((1..=n).map(|j| format!("x{j}")))
            .collect();
        Ok(design)
    }

    /// The polynomial design `[1, x, x², …, x^degree]` (a Vandermonde matrix).
    ///
    /// The powers are formed by repeated multiplication in `f64`; the extended-precision solver
    /// rebuilds them in double-double from the same `x`, so that `x¹⁰` is not rounded to `f64`
    /// first (that rounding alone caps NIST's Filip problem at about 7.6 correct digits).
    ///
    /// # Errors
    /// [`Error::EmptyDesign`] for an empty `x`; [`Error::NonFinite`] for a NaN or infinite `x`
    /// or a power that overflows.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::Design;
    /// use nalgebra::dvector;
    ///
    /// let d = Design::polynomial(&dvector![2.0, 3.0], 3)?;
    /// assert_eq!(d.names(), ["(Intercept)", "x", "x^2", "x^3"]);
    /// assert_eq!(d.matrix()[(1, 3)], 27.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn polynomial(x: &DVector<f64>, degree: usize) -> Result<Self> {
        check_matrix_finite(x, Input::Design)?;
        let matrix =
            DMatrix::from_fn(x.len(), degree + 1, |i, k| (0..k).fold(1.0, |p, _| p * x[i]));
        let mut design = Self::new(matrix)?;
        design.intercept = Some(0);
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
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::Design;
    /// use nalgebra::dmatrix;
    ///
    /// let d = Design::new(dmatrix![1.0; 2.0])?.with_names(["t"])?;
    /// assert_eq!(d.names(), ["t"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::Design;
    /// use nalgebra::dmatrix;
    ///
    /// let x = dmatrix![1.0, 2.0; 3.0, 4.0; 5.0, 6.0];
    /// assert_eq!(Design::new(x.clone())?.matrix(), &x);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn matrix(&self) -> &DMatrix<f64> {
        &self.matrix
    }

    /// Column names, in column order.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::Design;
    /// use nalgebra::dmatrix;
    ///
    /// // No constant column, so no intercept: the columns are named x1, x2.
    /// let d = Design::new(dmatrix![0.5, 2.0; 1.5, 3.0])?;
    /// assert_eq!(d.names(), ["x1", "x2"]);
    /// assert_eq!(d.with_names(["a", "b"])?.names(), ["a", "b"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Number of observations (rows).
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::Design;
    /// use nalgebra::dvector;
    ///
    /// let d = Design::polynomial(&dvector![1.0, 2.0, 3.0, 4.0, 5.0], 2)?;
    /// assert_eq!(d.nrows(), 5);
    /// assert_eq!(d.nrows(), d.matrix().nrows());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn nrows(&self) -> usize {
        self.matrix.nrows()
    }

    /// Number of coefficients (columns).
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::Design;
    /// use nalgebra::dvector;
    ///
    /// // A quadratic: 1, x and x².
    /// let d = Design::polynomial(&dvector![1.0, 2.0, 3.0, 4.0, 5.0], 2)?;
    /// assert_eq!(d.ncols(), 3);
    /// assert_eq!(d.ncols(), d.names().len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn ncols(&self) -> usize {
        self.matrix.ncols()
    }

    /// Whether the model contains an intercept (a constant nonzero column).
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::Design;
    /// use nalgebra::dmatrix;
    ///
    /// let columns = dmatrix![1.0, 2.0; 3.0, 4.0; 5.0, 7.0];
    /// assert!(!Design::new(columns.clone())?.has_intercept());
    /// assert!(Design::with_intercept(&columns)?.has_intercept());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn has_intercept(&self) -> bool {
        self.intercept.is_some()
    }

    /// Index of the intercept column, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, INTERCEPT_NAME};
    /// use nalgebra::dmatrix;
    ///
    /// // The constant column need not come first.
    /// let d = Design::new(dmatrix![0.5, 1.0; 1.5, 1.0; 2.5, 1.0])?;
    /// assert_eq!(d.intercept_column(), Some(1));
    /// assert_eq!(d.names()[1], INTERCEPT_NAME);
    /// assert_eq!(Design::new(dmatrix![0.5; 1.5])?.intercept_column(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn intercept_column(&self) -> Option<usize> {
        self.intercept
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

fn is_constant_nonzero(matrix: &DMatrix<f64>, j: usize) -> bool {
    let first = matrix[(0, j)];
    first != 0.0 && matrix.column(j).iter().all(|&v| v.to_bits() == first.to_bits())
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
    use nalgebra::{dmatrix, dvector};

    #[track_caller]
    fn check(design: &Design, names: &[&str], intercept: Option<usize>) {
        assert_eq!(design.names(), names);
        assert_eq!(design.intercept_column(), intercept);
    }

    #[test]
    fn intercept_is_detected_only_for_constant_nonzero_columns() {
        check(&Design::new(dmatrix![2.0, 1.0; 2.0, 3.0]).unwrap(), &["(Intercept)", "x2"], Some(0));
        check(&Design::new(dmatrix![0.0, 1.0; 0.0, 3.0]).unwrap(), &["x1", "x2"], None);
        check(&Design::new(dmatrix![1.0, 1.0; 2.0, 3.0]).unwrap(), &["x1", "x2"], None);
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
