//! [`certify`]: check an `f64` fit digit by digit against the same fit in double-double.

use nalgebra::{DVector, Matrix, Storage};

use crate::design::Design;
use crate::diagnostics::F64_DIGITS;
use crate::error::Result;
use crate::fit::fit;
use crate::fit_result::Fit;
use crate::method::Method;
use crate::options::FitOptions;
use crate::unavailable::Unavailable;

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
/// let c = lsq::certify(&Design::new(d.x)?.with_intercept_column(0)?, &d.y, &FitOptions::default())?;
/// assert_eq!((c.fit.method(), c.reference.method()), (Method::Qr, Method::ExtendedQr));
/// assert!(c.sigma_digits? > 10.0 && c.r_squared_digits? > 10.0);
/// // The lesson's design is well conditioned enough for QR to keep at least 10 digits.
/// assert!(c.min_coefficient_digits() > 10.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Certification {
    /// The fit being checked.
    pub fit: Fit,
    /// The double-double reference fit.
    pub reference: Fit,
    /// Correct digits of each coefficient (NaN for aliased columns).
    pub coefficient_digits: DVector<f64>,
    /// Correct digits of each standard error (NaN for aliased columns).
    pub std_error_digits: DVector<f64>,
    /// Correct digits of the residual standard error; unavailable where `σ̂` is in either fit.
    pub sigma_digits: Result<f64, Unavailable>,
    /// Correct digits of R²; unavailable where R² is in either fit.
    pub r_squared_digits: Result<f64, Unavailable>,
}

impl Certification {
    /// The fewest correct digits among the estimable coefficients.
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
/// let x = lsq::nalgebra::DVector::from_fn(21, |i, _| i as f64);
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
    let both = |a: Result<f64, Unavailable>, b: Result<f64, Unavailable>| Ok(digits(a?, b?));
    Ok(Certification {
        sigma_digits: both(checked.sigma(), reference.sigma()),
        r_squared_digits: both(checked.r_squared(), reference.r_squared()),
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
