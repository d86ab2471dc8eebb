//! [`anova`]: the F test of a least-squares fit against a nested one, as R's
//! `anova(reduced, full)`; its result, [`Anova`].

use linalg_core::count_to_f64;

use crate::consistency::{check_design, check_nested};
use crate::design::Design;
use crate::error::{Error, Result};
use crate::fit_result::Fit;
use crate::format::{p_value, significant, stars, table};
use crate::scaling::{normal_value, scale_by};
use crate::statistics::f_test_p_value;
use crate::unavailable::Unavailable;

/// `ε` factor of the same-response test of [`anova`]: the responses `ŷᵢ + eᵢ` the two fits
/// reconstruct must agree to `ANOVA_RESPONSE_TOLERANCE·(|ŷᵢ| + |eᵢ|)` summed over both fits,
/// the rounding of fitted value and residual.
pub const ANOVA_RESPONSE_TOLERANCE: f64 = 8.0 * f64::EPSILON;

/// The comparison of two nested least-squares fits, from [`anova`]: the two rows of R's
/// `anova(reduced, full)` table.
///
/// Sums of squares are kept in the units of the equilibrated problem (both fits share its
/// scaling) and scaled back on request; F and p are ratios and do not depend on units.
///
/// # Examples
/// See [`anova`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Anova {
    df_reduced: usize,
    df_full: usize,
    /// Scaled residual sums of squares and the exponent `2^{−2r−2h}` that carries them back.
    rss_reduced: f64,
    rss_full: f64,
    exponent: i32,
    exact_fit: bool,
}

impl Anova {
    /// Residual degrees of freedom of the reduced and of the full fit.
    #[must_use]
    pub fn df_residual(&self) -> (usize, usize) {
        (self.df_reduced, self.df_full)
    }

    /// Degrees of freedom of the test: the difference of the ranks (0 when the reduced fit's
    /// rank is not below the full fit's, which can happen only when a column the full fit
    /// dropped as aliased survives in the reduced one at the edge of the rank tolerance).
    #[must_use]
    pub fn df(&self) -> usize {
        self.df_reduced.saturating_sub(self.df_full)
    }

    /// Residual sums of squares of the reduced and of the full fit.
    ///
    /// # Errors
    /// [`Unavailable::OutOfRange`] when one leaves the range of `f64` in the caller's units.
    pub fn rss(&self) -> Result<(f64, f64), Unavailable> {
        let back = |v| normal_value(v, self.exponent).ok_or(Unavailable::OutOfRange);
        Ok((back(self.rss_reduced)?, back(self.rss_full)?))
    }

    /// The sum of squares the extra columns explain, `RSS₀ − RSS₁` (R's `Sum of Sq`); it can
    /// be a rounding-level negative number when the extra columns explain nothing.
    ///
    /// # Errors
    /// [`Unavailable::OutOfRange`] as for [`Anova::rss`].
    pub fn sum_of_squares(&self) -> Result<f64, Unavailable> {
        let difference = self.rss_reduced - self.rss_full;
        normal_value(difference, self.exponent).ok_or(Unavailable::OutOfRange)
    }

    /// `F = ((RSS₀ − RSS₁)/df)/(RSS₁/df₁)`.
    ///
    /// # Errors
    /// [`Unavailable::NoModelTerms`] when the fits have the same rank (nothing to test),
    /// [`Unavailable::ExactFit`] when the full fit is exact (F would measure rounding).
    pub fn f_statistic(&self) -> Result<f64, Unavailable> {
        if self.df() == 0 {
            return Err(Unavailable::NoModelTerms);
        }
        if self.exact_fit {
            return Err(Unavailable::ExactFit);
        }
        let mean_square = (self.rss_reduced - self.rss_full) / count_to_f64(self.df());
        Ok(mean_square / (self.rss_full / count_to_f64(self.df_full)))
    }

    /// Upper tail of Fisher's F with `(df, df₁)` degrees of freedom at [`Anova::f_statistic`],
    /// from the regularized incomplete beta function, so it keeps its relative accuracy far
    /// into the tail (`10⁻³⁰⁰`); 1 for a rounding-level negative F.
    ///
    /// # Errors
    /// As [`Anova::f_statistic`].
    pub fn p_value(&self) -> Result<f64, Unavailable> {
        let f = self.f_statistic()?;
        Ok(f_test_p_value(f, count_to_f64(self.df()), count_to_f64(self.df_full)))
    }
}

/// R's `anova` table: residual degrees of freedom and RSS of each fit, then the test's
/// degrees of freedom, sum of squares, F and p-value with significance stars (`NA` where
/// unavailable), numbers to 5 significant digits.
impl std::fmt::Display for Anova {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let number = |v: Result<f64, Unavailable>| v.map_or("NA".to_owned(), |v| significant(v, 5));
        let (rss0, rss1) = match self.rss() {
            Ok((a, b)) => (Ok(a), Ok(b)),
            Err(e) => (Err(e), Err(e)),
        };
        let p = self.p_value();
        let header = ["", "Res.Df", "RSS", "Df", "Sum of Sq", "F", "Pr(>F)", ""];
        let rows = vec![
            header.map(str::to_owned).to_vec(),
            vec!["1".to_owned(), self.df_reduced.to_string(), number(rss0)],
            vec![
                "2".to_owned(),
                self.df_full.to_string(),
                number(rss1),
                self.df().to_string(),
                number(self.sum_of_squares()),
                number(self.f_statistic()),
                p.map_or("NA".to_owned(), |p| p_value(p, 4)),
                p.map_or("", stars).to_owned(),
            ],
        ];
        writeln!(f, "Analysis of Variance Table")?;
        writeln!(f)?;
        write!(f, "{}", table(&rows))
    }
}

/// Compares a least-squares fit with a fit of a larger model that contains it, as R's
/// `anova(reduced, full)`: the F test of the columns the full model adds.
///
/// # Algorithm
/// Checks that each design is the one its fit was made from (as [`Fit::robust`] does), that
/// the fits are on the same rows (same number, same weights exactly, same response
/// `ŷᵢ + eᵢ` up to [`ANOVA_RESPONSE_TOLERANCE`]) and that every column of the reduced design
/// lies in the column space of the full one ([`check_nested`]), then forms
/// `F = ((RSS₀ − RSS₁)/(df₀ − df₁))/(RSS₁/df₁)` from the residual sums of squares the fits
/// computed on their common equilibrated scale. The p-value is the upper tail of F
/// (Chambers & Hastie, *Statistical Models in S*, 1992, §4.3).
///
/// # Cost
/// The nesting check's QR of the full design, `2mp₁² − 2p₁³/3`, plus `O(m(p₀ + p₁))` for the
/// other checks.
///
/// # Accuracy
/// `RSS₀ − RSS₁` loses `log₁₀(RSS₀/(RSS₀ − RSS₁))` digits to cancellation, as R's does; F and
/// its p-value keep the rest (the reference tests match statsmodels to at least 6 digits).
///
/// # Errors
/// [`Error::DimensionMismatch`] or [`Error::DesignMismatch`] when a design is not its fit's;
/// [`Error::DifferentRows`] when the fits differ in rows, weights or response;
/// [`Error::NotNested`] naming the first column of the reduced design outside the full
/// design's column space (pass the smaller model first).
///
/// # Examples
///
/// ```
/// use lsq::{Design, Error, FitOptions};
/// use lsq::nalgebra::{dmatrix, dvector};
///
/// let x = dmatrix![1.0, 1.0; 2.0, 4.0; 3.0, 9.0; 4.0, 16.0; 5.0, 25.0; 6.0, 36.0];
/// let y = dvector![1.2, 3.8, 9.1, 16.3, 24.6, 36.2];
/// let full = Design::with_intercept(&x)?.with_names(["(Intercept)", "x", "x2"])?;
/// let line = Design::with_intercept(&x.columns(0, 1).into_owned())?;
/// let options = FitOptions::default();
/// let (f0, f1) = (lsq::fit(&line, &y, &options)?, lsq::fit(&full, &y, &options)?);
/// let table = lsq::anova(&f0, &line, &f1, &full)?;
/// assert_eq!((table.df(), table.df_residual()), (1, (4, 3)));
/// assert!(table.f_statistic()? > 100.0 && table.p_value()? < 1e-3);
/// // The larger model first is not nested in the smaller.
/// assert!(table.to_string().starts_with("Analysis of Variance Table"));
/// let err = lsq::anova(&f1, &full, &f0, &line).unwrap_err();
/// assert!(matches!(err, Error::NotNested { column: 2, .. }), "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn anova(
    reduced: &Fit,
    reduced_design: &Design,
    full: &Fit,
    full_design: &Design,
) -> Result<Anova> {
    for (fit, design) in [(reduced, reduced_design), (full, full_design)] {
        let (beta, _, _, scaling) = fit.scaled();
        check_design(design, fit.fitted_values(), beta, scaling)?;
    }
    same_rows(reduced, full)?;
    check_nested(reduced_design, full_design, full.aliased(), full.weights())?;
    let (rss_reduced, e_reduced) = reduced.scaled_rss();
    let (rss_full, exponent) = full.scaled_rss();
    Ok(Anova {
        df_reduced: reduced.df_residual(),
        df_full: full.df_residual(),
        rss_reduced: scale_by(rss_reduced, e_reduced - exponent),
        rss_full,
        exponent,
        exact_fit: full.diagnostics().exact_fit,
    })
}

/// Fails unless the fits have the same rows, weights and response.
fn same_rows(reduced: &Fit, full: &Fit) -> Result<()> {
    let (m0, m1) = (reduced.residuals().len(), full.residuals().len());
    if m0 != m1 {
        return Err(Error::DifferentRows {
            what: "number of rows",
            row: 0,
            reduced: count_to_f64(m0),
            full: count_to_f64(m1),
        });
    }
    let weight = |fit: &Fit, i: usize| fit.weights().map_or(1.0, |w| w[i]);
    for i in 0..m0 {
        let (w0, w1) = (weight(reduced, i), weight(full, i));
        if w0.to_bits() != w1.to_bits() {
            return Err(Error::DifferentRows { what: "weight", row: i, reduced: w0, full: w1 });
        }
        let (f0, e0) = (reduced.fitted_values()[i], reduced.residuals()[i]);
        let (f1, e1) = (full.fitted_values()[i], full.residuals()[i]);
        let (y0, y1) = (f0 + e0, f1 + e1);
        let bound = ANOVA_RESPONSE_TOLERANCE * (f0.abs() + e0.abs() + f1.abs() + e1.abs());
        if (y0 - y1).abs() > bound {
            return Err(Error::DifferentRows { what: "response", row: i, reduced: y0, full: y1 });
        }
    }
    Ok(())
}
