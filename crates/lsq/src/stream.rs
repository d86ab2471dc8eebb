//! [`Accumulator`]: least squares from rows that arrive in chunks (files, batches, partitions),
//! folded into a mergeable QR state and finished to a [`StreamFit`] without the rows.

use linalg_core::TallQr;
use nalgebra::{DMatrix, DVector};

use crate::design::{INTERCEPT_NAME, check_matrix_finite};
use crate::error::{Error, Input, Result};
use crate::stream_fit::{Moments, StreamFit, finish};

/// Least squares from row chunks: each chunk `[X_b | y_b]` (optionally weighted) is folded into
/// an `n×n` triangle `R`, `Qᵀy` and the residual sum of squares by our Householder QR
/// ([`linalg_core::TallQr`]), and two accumulators of disjoint rows [`merge`](Self::merge) into
/// the accumulator of all of them. [`finish`](Self::finish) gives every statistic that does not
/// need the rows again: coefficients, standard errors, t and F tests, R², `σ̂`, the condition
/// estimate and a digits estimate ([`StreamFit`]).
///
/// What needs the rows a second time (residuals and their quantiles, `Xᵀr ≈ 0`, leverages) is a
/// second pass by the caller: [`StreamFit::coefficients`] predict each chunk's fitted values.
///
/// # Algorithm and accuracy
/// Householder QR of the stacked rows, computed as a tree of QRs of row blocks (TSQR); the
/// result is the QR of all rows up to rounding whatever the chunking and the merge order, with
/// Householder's backward error (a small multiple of `ε` per column and block level), so the
/// coefficients carry a relative error of order `κ·ε` (plus `κ²·ε·‖r‖/(‖X‖·‖β‖)`), as
/// [`crate::Method::Qr`] on the whole design. The total sum of squares comes from weighted
/// running moments (West's update, Chan's merge), never from `Σy² − n·ȳ²`. Cost: `2·b·(n+1)²`
/// flops a chunk of b rows, `O(n³)` a merge; memory `O(n²)` whatever the number of rows.
///
/// With the `serde` feature an accumulator serialises (the triangle, `O(n²)` numbers, the row
/// counts, names and moments), so partial fits can be stored or sent between workers and merged
/// where they arrive; reading one back checks that its triangle is a state the fold could have
/// built.
///
/// Unlike [`crate::fit`], the data are not equilibrated first (the rows are not all there to
/// scale): columns whose products overflow (entries beyond about 10¹⁵⁰) give an error rather
/// than a fit, and the rank test is Householder's `|r_kk| > tol·‖x_k‖`, independent of the
/// columns' units.
///
/// # Examples
///
/// ```
/// use lsq::{Accumulator, Design, FitOptions};
/// use lsq::nalgebra::{DMatrix, DVector};
///
/// // y = 1 + 2t + noise, arriving in chunks of 25 rows, folded by two workers and merged.
/// let t = DVector::from_fn(100, |i, _| i as f64 / 10.0);
/// let y = t.map(|t| 1.0 + 2.0 * t + 0.1 * (7.0 * t).sin());
/// let x = DMatrix::from_fn(100, 2, |i, j| if j == 0 { 1.0 } else { t[i] });
/// let mut left = Accumulator::new(2).with_intercept_column(0)?;
/// let mut right = left.clone();
/// for k in 0..4 {
///     let rows = x.rows(25 * k, 25).into_owned();
///     let ys = y.rows(25 * k, 25).into_owned();
///     if k % 2 == 0 { left.push(&rows, &ys)? } else { right.push(&rows, &ys)? }
/// }
/// let streamed = left.merge(right)?.finish()?;
/// let whole = lsq::fit(&Design::with_intercept(&DMatrix::from_column_slice(100, 1, t.as_slice()))?, &y, &FitOptions::default())?;
/// assert!((streamed.coefficients() - whole.coefficients()).amax() < 1e-13);
/// assert!((streamed.r_squared()? - whole.r_squared()?).abs() < 1e-13);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Accumulator {
    state: TallQr<f64>,
    names: Vec<String>,
    intercept: Option<usize>,
    moments: Moments,
    weighted: bool,
}

impl Accumulator {
    /// An empty accumulator for `ncols` columns named `x1`, `x2`, … and no intercept.
    #[must_use]
    pub fn new(ncols: usize) -> Self {
        Self {
            state: TallQr::new(ncols),
            names: (1..=ncols).map(|j| format!("x{j}")).collect(),
            intercept: None,
            moments: Moments::default(),
            weighted: false,
        }
    }

    /// Declares column `j` the intercept (named `(Intercept)` unless named otherwise later): R²
    /// and the F test are then taken about the weighted mean, as R's `lm` does with an
    /// intercept. The caller's rows must hold a nonzero constant there; [`Accumulator::push`]
    /// checks it.
    ///
    /// # Errors
    /// [`Error::InvalidIntercept`] if `j` is not a column.
    pub fn with_intercept_column(mut self, j: usize) -> Result<Self> {
        if j >= self.names.len() {
            return Err(Error::InvalidIntercept { column: j, reason: "there is no such column" });
        }
        self.intercept = Some(j);
        self.names[j] = INTERCEPT_NAME.to_string();
        Ok(self)
    }

    /// Names the columns, as [`crate::Design::with_names`].
    ///
    /// # Errors
    /// [`Error::NameCount`] if the number of names is not the number of columns.
    pub fn with_names<S: Into<String>>(
        mut self,
        names: impl IntoIterator<Item = S>,
    ) -> Result<Self> {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        if names.len() != self.names.len() {
            return Err(Error::NameCount { expected: self.names.len(), found: names.len() });
        }
        self.names = names;
        Ok(self)
    }

    /// Folds the rows of `x` (b×n) and `y` into the accumulator. On error it is unchanged.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] for a wrong number of columns or of responses;
    /// [`Error::NonFinite`] for the first NaN or infinite entry (row within the chunk);
    /// [`Error::InvalidIntercept`] if the intercept column holds a value that is not the same
    /// nonzero constant as in the earlier rows.
    pub fn push(&mut self, x: &DMatrix<f64>, y: &DVector<f64>) -> Result<()> {
        self.push_rows(x, y, None)
    }

    /// [`Accumulator::push`] with prior weights: the rows of `√W·X` and `√W·y`, as
    /// [`crate::FitOptions::weights`]. Rows of weight zero change nothing and do not count as
    /// observations.
    ///
    /// # Errors
    /// As [`Accumulator::push`], plus [`Error::DimensionMismatch`] for a weight vector of
    /// another length and [`Error::NegativeWeight`] / [`Error::NonFinite`] for a negative or
    /// non-finite weight.
    pub fn push_weighted(
        &mut self,
        x: &DMatrix<f64>,
        y: &DVector<f64>,
        w: &DVector<f64>,
    ) -> Result<()> {
        self.push_rows(x, y, Some(w))
    }

    fn push_rows(
        &mut self,
        x: &DMatrix<f64>,
        y: &DVector<f64>,
        w: Option<&DVector<f64>>,
    ) -> Result<()> {
        let n = self.names.len();
        if x.ncols() != n {
            return Err(Error::DimensionMismatch {
                input: Input::Design,
                expected: n,
                found: x.ncols(),
            });
        }
        if y.len() != x.nrows() {
            return Err(Error::DimensionMismatch {
                input: Input::Response,
                expected: x.nrows(),
                found: y.len(),
            });
        }
        check_matrix_finite(x, Input::Design)?;
        check_matrix_finite(y, Input::Response)?;
        if let Some(w) = w {
            if w.len() != x.nrows() {
                return Err(Error::DimensionMismatch {
                    input: Input::Weights,
                    expected: x.nrows(),
                    found: w.len(),
                });
            }
            check_matrix_finite(w, Input::Weights)?;
            if let Some((row, &weight)) = w.iter().enumerate().find(|(_, v)| **v < 0.0) {
                return Err(Error::NegativeWeight { index: row, value: weight });
            }
        }
        if let Some(j) = self.intercept {
            let constant = self.moments.intercept.or_else(|| x.column(j).iter().next().copied());
            if let Some(c) = constant
                && (c == 0.0 || x.column(j).iter().any(|&v| v.to_bits() != c.to_bits()))
            {
                return Err(Error::InvalidIntercept {
                    column: j,
                    reason: "its entries are not one nonzero constant across the rows pushed",
                });
            }
            self.moments.intercept = constant;
        }
        match w {
            Some(w) => self.state.push_weighted(x, y, w)?,
            None => self.state.push(x, y)?,
        }
        self.weighted |= w.is_some();
        for (i, &v) in y.iter().enumerate() {
            self.moments.add(v, w.map_or(1.0, |w| w[i]));
        }
        Ok(())
    }

    /// The accumulator of the rows of both: the QR of the stacked rows up to rounding, in any
    /// merge order.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if the two have different numbers of columns;
    /// [`Error::InvalidIntercept`] if they declare different intercept columns or hold different
    /// constants in it. Column names are taken from `self`.
    pub fn merge(self, other: Self) -> Result<Self> {
        if other.names.len() != self.names.len() {
            return Err(Error::DimensionMismatch {
                input: Input::Design,
                expected: self.names.len(),
                found: other.names.len(),
            });
        }
        if self.intercept != other.intercept {
            let column = self.intercept.or(other.intercept).unwrap_or_default();
            return Err(Error::InvalidIntercept {
                column,
                reason: "the accumulators declare different intercept columns",
            });
        }
        let moments = self.moments.merge(other.moments).ok_or(Error::InvalidIntercept {
            column: self.intercept.unwrap_or_default(),
            reason: "the accumulators hold different constants in the intercept column",
        })?;
        Ok(Self {
            state: self.state.merge(other.state)?,
            names: self.names,
            intercept: self.intercept,
            moments,
            weighted: self.weighted || other.weighted,
        })
    }

    /// The state as plain numbers ([`AccumulatorParts`]), to store or send it where serde is not
    /// the format (a query engine's partial aggregate, say); [`Accumulator::from_parts`] puts it
    /// back exactly. Column names are not part of it.
    #[must_use]
    pub fn to_parts(&self) -> AccumulatorParts {
        let (weight, mean, squares) = self.moments.parts();
        AccumulatorParts {
            triangle: self.state.as_augmented().clone(),
            rows: self.state.rows(),
            nonzero_weight_rows: self.state.nonzero_weight_rows(),
            intercept: self.intercept,
            intercept_value: self.moments.intercept,
            weight,
            mean,
            squares,
            weighted: self.weighted,
        }
    }

    /// The accumulator whose state is `parts`, as [`Accumulator::to_parts`] gave them: the same
    /// state bit for bit, so pushing, merging and finishing go on exactly as they would have.
    /// Columns are named as by [`Accumulator::new`] and
    /// [`Accumulator::with_intercept_column`]; rename them with [`Accumulator::with_names`].
    ///
    /// # Errors
    /// [`Error::InvalidState`] naming the offending numbers unless: the triangle is square with
    /// at least 2 columns (one design column and the response), finite and zero below the
    /// diagonal; `nonzero_weight_rows ≤ rows`; the intercept, if any, is a design column and
    /// its constant, if any, finite and nonzero (and given only with an intercept); `weight`,
    /// `mean`, `squares` finite, `weight` and `squares` non-negative, and `weight` zero exactly
    /// when no row had nonzero weight.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::Accumulator;
    /// use lsq::nalgebra::{dmatrix, dvector};
    ///
    /// let mut acc = Accumulator::new(2).with_intercept_column(0)?;
    /// acc.push(&dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0], &dvector![1.0, 3.0, 4.0])?;
    /// let copy = Accumulator::from_parts(acc.to_parts())?;
    /// assert_eq!(copy.to_parts(), acc.to_parts());
    /// assert_eq!(copy.finish()?.coefficients(), acc.finish()?.coefficients());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_parts(parts: AccumulatorParts) -> Result<Self> {
        let invalid = |reason: String| Error::InvalidState { reason };
        let width = parts.triangle.nrows();
        if width < 2 || parts.triangle.ncols() != width {
            return Err(invalid(format!(
                "the triangle must be square with at least 2 columns (design and response), found {}×{}",
                parts.triangle.nrows(),
                parts.triangle.ncols()
            )));
        }
        let ncols = width - 1;
        let state =
            TallQr::from_augmented(ncols, parts.triangle, parts.rows, parts.nonzero_weight_rows)
                .map_err(|e| match e {
                    linalg_core::Error::InvalidState { reason } => invalid(reason),
                    other => Error::Kernel(other),
                })?;
        if let Some(j) = parts.intercept
            && j >= ncols
        {
            return Err(invalid(format!(
                "intercept column {j} is not one of the {ncols} design columns"
            )));
        }
        if let Some(c) = parts.intercept_value
            && (parts.intercept.is_none() || c == 0.0 || !c.is_finite())
        {
            return Err(invalid(format!(
                "an intercept constant {c} needs an intercept column and a finite nonzero value"
            )));
        }
        let (weight, mean, squares) = (parts.weight, parts.mean, parts.squares);
        if !(weight.is_finite() && mean.is_finite() && squares.is_finite())
            || weight < 0.0
            || squares < 0.0
        {
            return Err(invalid(format!(
                "moments Σw = {weight}, mean = {mean}, Σw·(y − ȳ)² = {squares} must be finite, with Σw and the squares non-negative"
            )));
        }
        if (weight == 0.0) != (parts.nonzero_weight_rows == 0) {
            return Err(invalid(format!(
                "Σw = {weight} disagrees with {} rows of nonzero weight",
                parts.nonzero_weight_rows
            )));
        }
        let mut acc = Self::new(ncols);
        if let Some(j) = parts.intercept {
            acc = acc.with_intercept_column(j)?;
        }
        acc.state = state;
        acc.moments = Moments::from_parts(weight, mean, squares, parts.intercept_value);
        acc.weighted = parts.weighted;
        Ok(acc)
    }

    /// Rows folded so far, zero-weight rows included.
    #[must_use]
    pub fn rows(&self) -> usize {
        self.state.rows()
    }

    /// Finishes the fit from the state alone: see [`StreamFit`]. The accumulator stays usable,
    /// so more rows can be pushed and the fit finished again.
    ///
    /// # Errors
    /// [`Error::EmptyDesign`] before any row; [`Error::Underdetermined`] with fewer rows of
    /// nonzero weight than columns; [`Error::ZeroColumn`] / [`Error::RankDeficient`] when a
    /// column fails the rank test `|r_kk| > tol·‖x_k‖` (tol = `linalg_core::default_rank_tolerance`),
    /// naming the columns; [`Error::NoResidualDegreesOfFreedom`] with as many rows as columns.
    pub fn finish(&self) -> Result<StreamFit> {
        finish(&self.state, &self.names, self.intercept, &self.moments)
    }
}

/// An [`Accumulator`]'s state as plain numbers: [`Accumulator::to_parts`] and
/// [`Accumulator::from_parts`]. `O(n²)` numbers whatever the number of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct AccumulatorParts {
    /// The `(n+1)×(n+1)` upper triangle `[R, Qᵀy; 0, √rss]` of the weighted rows `[√W·X | √W·y]`
    /// ([`linalg_core::TallQr::as_augmented`]); zero below the diagonal.
    pub triangle: DMatrix<f64>,
    /// Rows folded, zero-weight rows included.
    pub rows: usize,
    /// Rows of nonzero weight folded.
    pub nonzero_weight_rows: usize,
    /// The intercept column, if one was declared.
    pub intercept: Option<usize>,
    /// The constant seen in the intercept column, once a row has been pushed.
    pub intercept_value: Option<f64>,
    /// `Σw` of the responses (the count of rows when unweighted).
    pub weight: f64,
    /// The weighted mean of the responses (0 before any row).
    pub mean: f64,
    /// `Σw·(y − ȳ)²`, the weighted sum of squares about that mean.
    pub squares: f64,
    /// Whether any chunk was pushed with weights.
    pub weighted: bool,
}
