//! [`certify`]: check an `f64` fit digit by digit against the same fit in double-double.

use nalgebra::{DVector, Matrix, Storage};

use crate::design::Design;
use crate::diagnostics::F64_DIGITS;
use crate::error::Result;
use crate::fit::{Fit, fit};
use crate::method::Method;
use crate::options::FitOptions;

/// An `f64` fit next to its double-double reference, with the correct digits of each number.
///
/// Digits are `−log₁₀(|f64 − reference|/|reference|)` (absolute where the reference is 0),
/// capped at [`F64_DIGITS`] and floored at 0: the log relative error of NIST's `StRD`, taken
/// against [`Method::ExtendedQr`] instead of certified values. The reference is the exact
/// least-squares solution of the data as stored, to about 30 digits, so these are the digits the
/// `f64` answer actually has for that data.
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions, Method};
///
/// let d = sim::heights();
/// let c = lsq::certify(&Design::new(d.x)?, &d.y, &FitOptions::default())?;
/// assert_eq!((c.fit().method(), c.reference().method()), (Method::Qr, Method::ExtendedQr));
/// // The lesson's design is well conditioned enough for QR to keep at least 10 digits.
/// assert!(c.min_coefficient_digits() > 10.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Certification {
    fit: Fit,
    reference: Fit,
    coefficient_digits: DVector<f64>,
    std_error_digits: DVector<f64>,
    sigma_digits: f64,
    r_squared_digits: f64,
}

impl Certification {
    /// The fit being checked.
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, FitOptions, Method};
    /// # let d = sim::heights();
    /// # let design = Design::new(d.x)?;
    ///
    /// let options = FitOptions::default().method(Method::NormalEquations);
    /// let c = lsq::certify(&design, &d.y, &options)?;
    /// assert_eq!(c.fit().method(), Method::NormalEquations);
    /// assert_eq!(c.fit().coefficients(), lsq::fit(&design, &d.y, &options)?.coefficients());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn fit(&self) -> &Fit {
        &self.fit
    }

    /// The double-double reference fit.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let c = lsq::certify(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// assert_eq!(c.reference().method(), lsq::Method::ExtendedQr);
    /// // The reference is the exact solution, (7427217, 40684, −31848)/26827, rounded to f64.
    /// let exact = [7_427_217.0 / 26_827.0, 40_684.0 / 26_827.0, -31_848.0 / 26_827.0];
    /// for (b, e) in c.reference().coefficients().iter().zip(exact) {
    ///     approx::assert_relative_eq!(*b, e, max_relative = 2.0 * f64::EPSILON);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn reference(&self) -> &Fit {
        &self.reference
    }

    /// Correct digits of each coefficient (NaN for aliased columns).
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let c = lsq::certify(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// # use lsq::F64_DIGITS;
    /// for (j, &digits) in c.coefficient_digits().iter().enumerate() {
    ///     let (b, r) = (c.fit().coefficients()[j], c.reference().coefficients()[j]);
    ///     let error = ((b - r) / r).abs();
    ///     let expected = if error == 0.0 { F64_DIGITS } else { (-error.log10()).min(F64_DIGITS) };
    ///     approx::assert_relative_eq!(digits, expected);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn coefficient_digits(&self) -> &DVector<f64> {
        &self.coefficient_digits
    }

    /// Correct digits of each standard error (NaN for aliased columns).
    ///
    /// # Examples
    ///
    /// ```
    /// use lsq::{Design, FitOptions, RankPolicy};
    /// use nalgebra::{dmatrix, dvector};
    ///
    /// // The third column is twice the second, so it is aliased and has no standard error.
    /// let x = dmatrix![1.0, 1.0, 2.0; 1.0, 2.0, 4.0; 1.0, 3.0, 6.0; 1.0, 4.0, 8.0];
    /// let design = Design::new(x)?;
    /// let options = FitOptions::default().rank_policy(RankPolicy::DropAliased);
    /// let c = lsq::certify(&design, &dvector![1.0, 3.0, 2.0, 5.0], &options)?;
    /// assert!(c.std_error_digits()[2].is_nan());
    /// assert!(c.std_error_digits().rows(0, 2).iter().all(|&d| d > 10.0 && d <= lsq::F64_DIGITS));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn std_error_digits(&self) -> &DVector<f64> {
        &self.std_error_digits
    }

    /// Correct digits of the residual standard error.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let c = lsq::certify(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// let (s, r) = (c.fit().sigma(), c.reference().sigma());
    /// assert!(c.sigma_digits() > 10.0 && c.sigma_digits() <= lsq::F64_DIGITS);
    /// // The relative error is at most 10^−digits.
    /// assert!(((s - r) / r).abs() <= 10.0_f64.powf(-c.sigma_digits()) * (1.0 + 1e-9));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn sigma_digits(&self) -> f64 {
        self.sigma_digits
    }

    /// Correct digits of R².
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let c = lsq::certify(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// let (fit, reference) = (c.fit().r_squared(), c.reference().r_squared());
    /// assert!(c.r_squared_digits() > 10.0 && c.r_squared_digits() <= lsq::F64_DIGITS);
    /// let error = ((fit - reference) / reference).abs();
    /// assert!(error <= 10.0_f64.powf(-c.r_squared_digits()) * (1.0 + 1e-9));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn r_squared_digits(&self) -> f64 {
        self.r_squared_digits
    }

    /// The fewest correct digits among the estimable coefficients.
    ///
    /// # Examples
    ///
    /// ```
    /// # use lsq::{Design, FitOptions};
    /// # let d = sim::heights();
    /// # let c = lsq::certify(&Design::new(d.x.clone())?, &d.y, &FitOptions::default())?;
    /// assert_eq!(c.min_coefficient_digits(), c.coefficient_digits().min());
    /// assert!(c.min_coefficient_digits() > 10.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn min_coefficient_digits(&self) -> f64 {
        self.coefficient_digits.iter().copied().filter(|d| !d.is_nan()).fold(F64_DIGITS, f64::min)
    }
}

/// Fits with `options` and again with [`Method::ExtendedQr`], and measures the digits the
/// first fit got right.
///
/// # Algorithm
/// Two fits of the same design, response, weights and rank policy; the second runs Householder
/// QR in double-double (and builds polynomial designs in double-double).
///
/// # Cost
/// One fit plus one double-double fit, about 10 to 20 times the time of an `f64` QR fit (see
/// `benches/README.md`).
///
/// # Accuracy
/// The reference has relative error about `κ(X)·2⁻¹⁰⁴`, so the digits reported are exact for
/// `κ(X)` up to about 10¹⁵.
///
/// # Errors
/// Whatever either fit returns; see [`crate::fit`].
///
/// # Examples
///
/// ```
/// use lsq::{Design, FitOptions, Method};
///
/// // A quintic on 0, 1, …, 20, like NIST's Wampler problems: κ(X) ≈ 6·10⁶.
/// let x = nalgebra::DVector::from_fn(21, |i, _| i as f64);
/// let design = Design::polynomial(&x, 5)?;
/// let y = x.map(|t| (t / 3.0).sin());
/// let check = lsq::certify(&design, &y, &FitOptions::default().method(Method::NormalEquations))?;
/// // The normal equations lose digits on this ill-conditioned polynomial; QR keeps more.
/// let qr = lsq::certify(&design, &y, &FitOptions::default())?;
/// assert!(qr.min_coefficient_digits() > check.min_coefficient_digits());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn certify(design: &Design, y: &DVector<f64>, options: &FitOptions) -> Result<Certification> {
    let checked = fit(design, y, options)?;
    let reference = fit(design, y, &options.clone().method(Method::ExtendedQr))?;
    let coefficient_digits = digits_of(checked.coefficients(), reference.coefficients());
    let std_error_digits = digits_of(checked.std_errors(), reference.std_errors());
    Ok(Certification {
        sigma_digits: digits(checked.sigma(), reference.sigma()),
        r_squared_digits: digits(checked.r_squared(), reference.r_squared()),
        fit: checked,
        reference,
        coefficient_digits,
        std_error_digits,
    })
}

fn digits_of<S1, S2>(
    a: &Matrix<f64, nalgebra::Dyn, nalgebra::U1, S1>,
    b: &Matrix<f64, nalgebra::Dyn, nalgebra::U1, S2>,
) -> DVector<f64>
where
    S1: Storage<f64, nalgebra::Dyn, nalgebra::U1>,
    S2: Storage<f64, nalgebra::Dyn, nalgebra::U1>,
{
    DVector::from_fn(a.len(), |i, _| digits(a[i], b[i]))
}

/// Correct significant digits of `value` against `reference`, in `[0, F64_DIGITS]`; NaN when
/// either is NaN (an aliased coefficient's "not available").
fn digits(value: f64, reference: f64) -> f64 {
    if value.is_nan() || reference.is_nan() {
        return f64::NAN;
    }
    let error = (value - reference).abs();
    if error == 0.0 {
        return F64_DIGITS;
    }
    let relative = if reference == 0.0 { error } else { error / reference.abs() };
    (-relative.log10()).clamp(0.0, F64_DIGITS)
}
