//! [`Method`], the one switch that selects a least-squares algorithm, and [`RankPolicy`].

/// How to solve `min ‖Xβ − y‖₂`: the one switch of [`crate::fit`] and [`crate::solve`].
///
/// [`Method::Qr`] is the default and the one to use. [`Method::Inverse`] and
/// [`Method::NormalEquations`] are the textbook formulas; they are here to show, on real data,
/// why QR is the default: both form `XᵀX`, whose condition number is `κ(X)²`, so they lose about
/// twice as many digits as QR and fail outright once `κ(X)` nears `1/√ε ≈ 7·10⁷`.
/// [`Method::ExtendedQr`] runs the same QR in double-double (about 32 digits) to certify results.
/// The QR methods decide numerical rank (see [`crate::FitOptions::tolerance`] and
/// [`RankPolicy`]); the textbook methods fail with a typed error on a singular `XᵀX`.
///
/// # Examples
///
/// ```
/// use lsq::{FitOptions, Method};
/// use lsq::nalgebra::{dmatrix, dvector};
///
/// let x = dmatrix![1.0, 0.0; 1.0, 1.0; 1.0, 2.0];
/// let y = dvector![1.0, 3.0, 5.0];
/// for method in Method::ALL {
///     let solution = lsq::solve(&x, &y, &FitOptions::default().method(method))?;
///     assert!((solution.coefficients()[1] - 2.0).abs() < 1e-12, "{method}");
/// }
/// assert_eq!(Method::default(), Method::Qr);
/// assert_eq!(Method::ExtendedQr.name(), "extended-qr");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Method {
    /// The lesson's left inverse, literally: `β = (XᵀX)⁻¹·Xᵀy` with an explicit LU inverse.
    ///
    /// For comparison only. Cost `≈ mn² + 2n³`; error `∝ κ(X)²·ε`, and in practice worse than
    /// the normal equations, because the explicit inverse adds its own error.
    Inverse,
    /// The normal equations `XᵀX·β = Xᵀy`, solved by Cholesky.
    ///
    /// For comparison only. Cost `≈ mn² + n³/3`; error `∝ κ(X)²·ε`. Breaks down (a typed
    /// error) when `XᵀX` is not numerically positive definite.
    NormalEquations,
    /// Householder QR with R's order-keeping column pivoting and back substitution.
    ///
    /// Cost `≈ 2mn² − 2n³/3`; backward stable, error `∝ κ(X)·ε` plus `κ(X)²·ε` times the
    /// relative residual, with `κ` taken after column scaling. Detects rank deficiency.
    #[default]
    Qr,
    /// The same Householder QR in double-double arithmetic, inputs and outputs in `f64`.
    ///
    /// About 10 to 20 times the time of [`Method::Qr`] (measured by `cargo bench --bench lsq`
    /// on 1000×10 and 100 000×10; see `benches/README.md`); error `∝ κ(X)·2⁻¹⁰⁴`, so every digit of
    /// an `f64` answer can be checked for `κ(X)` up to about 10¹⁶.
    ExtendedQr,
}

impl Method {
    /// Every method, in the order reports list them.
    pub const ALL: [Method; 4] =
        [Method::Inverse, Method::NormalEquations, Method::Qr, Method::ExtendedQr];

    /// The three `f64` methods of the lesson: [`Method::ALL`] without [`Method::ExtendedQr`].
    pub const DOUBLE: [Method; 3] = [Method::Inverse, Method::NormalEquations, Method::Qr];

    /// A short, stable name: `inverse`, `normal-equations`, `qr`, `extended-qr`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Method::Inverse => "inverse",
            Method::NormalEquations => "normal-equations",
            Method::Qr => "qr",
            Method::ExtendedQr => "extended-qr",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Method::Inverse => "explicit inverse",
            Method::NormalEquations => "normal equations (Cholesky)",
            Method::Qr => "Householder QR",
            Method::ExtendedQr => "Householder QR in double-double",
        })
    }
}

/// What to do when the design is rank deficient (R's `singular.ok`).
///
/// # Examples
///
/// ```
/// use lsq::{Design, Error, FitOptions, RankPolicy};
/// use lsq::nalgebra::{dmatrix, dvector};
///
/// assert_eq!(RankPolicy::default(), RankPolicy::Error);
/// // The third column is twice the second.
/// let x = dmatrix![1.0, 1.0, 2.0; 1.0, 2.0, 4.0; 1.0, 3.0, 6.0; 1.0, 4.0, 8.0];
/// let design = Design::new(x)?;
/// let y = dvector![1.0, 3.0, 2.0, 5.0];
/// let err = lsq::fit(&design, &y, &FitOptions::default()).unwrap_err();
/// assert!(matches!(err, Error::RankDeficient { rank: 2, ref names, .. } if names == &["x3"]));
/// let fit = lsq::fit(&design, &y, &FitOptions::default().rank_policy(RankPolicy::DropAliased))?;
/// assert_eq!(fit.aliased(), [2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RankPolicy {
    /// Return [`crate::Error::RankDeficient`] naming the aliased columns (the default).
    #[default]
    Error,
    /// Drop the aliased columns, as R's `lm` does: their coefficients are reported as not
    /// estimable and the residual degrees of freedom use the rank.
    DropAliased,
}
