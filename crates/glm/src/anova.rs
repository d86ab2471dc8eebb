//! [`anova`]: the likelihood-ratio (deviance) test of a GLM fit against a nested one, as R's
//! `anova(reduced, full, test = "Chisq")`, or its F form for families with an estimated
//! dispersion (`test = "F"`); its result, [`Anova`], and [`Test`].

use lsq::format::{p_value, significant, stars, table};
use statrs::function::beta::checked_beta_reg;
use statrs::function::gamma::checked_gamma_ur;

use crate::data::Data;
use crate::error::{Error, Result};
use crate::glm_fit::GlmFit;
use crate::numeric::count_to_f64;
use crate::robust::check_data;

/// Which test [`anova`] ran: fixed by the family, as R users choose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Test {
    /// Likelihood ratio: `(D₀ − D₁)/φ` against χ² with `df` degrees of freedom, for families
    /// with a fixed dispersion `φ` (Poisson, binomial).
    ChiSquared,
    /// `((D₀ − D₁)/df)/φ̂₁` against F with `(df, df₁)` degrees of freedom, `φ̂₁` the full
    /// model's estimated dispersion (Gaussian, Gamma, inverse Gaussian and any family that
    /// estimates it).
    F,
}

impl std::fmt::Display for Test {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Test::ChiSquared => "Chisq",
            Test::F => "F",
        })
    }
}

/// The comparison of two nested GLM fits, from [`anova`]: R's `anova(reduced, full)` table.
///
/// # Examples
/// See [`anova`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "StoredAnova"))]
pub struct Anova {
    test: Test,
    deviances: (f64, f64),
    df_residual: (usize, usize),
    dispersion: f64,
    statistic: f64,
    p_value: f64,
}

/// An [`Anova`] as stored.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct StoredAnova {
    test: Test,
    deviances: (f64, f64),
    df_residual: (usize, usize),
    dispersion: f64,
    statistic: f64,
    p_value: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<StoredAnova> for Anova {
    type Error = String;

    /// Accepts a stored table whose reduced fit has more residual degrees of freedom than the
    /// full one, as [`anova`] requires, so that [`Anova::df`] is at least 1.
    fn try_from(s: StoredAnova) -> std::result::Result<Self, String> {
        let (reduced, full) = s.df_residual;
        if reduced <= full {
            return Err(format!(
                "a stored anova table's reduced fit has {reduced} residual degrees of freedom, \
                 not more than the full fit's {full}"
            ));
        }
        Ok(Self {
            test: s.test,
            deviances: s.deviances,
            df_residual: s.df_residual,
            dispersion: s.dispersion,
            statistic: s.statistic,
            p_value: s.p_value,
        })
    }
}

impl Anova {
    /// The test run.
    #[must_use]
    pub fn test(&self) -> Test {
        self.test
    }

    /// Residual deviances of the reduced and of the full fit.
    #[must_use]
    pub fn deviances(&self) -> (f64, f64) {
        self.deviances
    }

    /// Residual degrees of freedom of the reduced and of the full fit.
    #[must_use]
    pub fn df_residual(&self) -> (usize, usize) {
        self.df_residual
    }

    /// Degrees of freedom of the test, the difference of the ranks.
    #[must_use]
    pub fn df(&self) -> usize {
        self.df_residual.0 - self.df_residual.1
    }

    /// `D₀ − D₁` (R's `Deviance` column); a rounding-level negative number when the extra
    /// columns explain nothing.
    #[must_use]
    pub fn deviance_difference(&self) -> f64 {
        self.deviances.0 - self.deviances.1
    }

    /// The dispersion that scales the test: 1 for a fixed one, else the full fit's estimate.
    #[must_use]
    pub fn dispersion(&self) -> f64 {
        self.dispersion
    }

    /// The χ² or F statistic of [`Anova::test`].
    #[must_use]
    pub fn statistic(&self) -> f64 {
        self.statistic
    }

    /// Its upper-tail probability, from the regularized incomplete gamma (χ²) or beta (F)
    /// function, relative accuracy kept far into the tail; 1 for a negative statistic, 0 where
    /// the tail underflows (a χ² in the thousands).
    #[must_use]
    pub fn p_value(&self) -> f64 {
        self.p_value
    }
}

/// R's `anova` table for GLMs: residual degrees of freedom and deviance of each fit, then the
/// test's degrees of freedom, deviance difference, F (for [`Test::F`]) and p-value with
/// significance stars, numbers to 5 significant digits.
impl std::fmt::Display for Anova {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let number = |v: f64| significant(v, 5);
        let mut header = vec!["", "Resid. Df", "Resid. Dev", "Df", "Deviance"];
        let mut second = vec![
            "2".to_owned(),
            self.df_residual.1.to_string(),
            number(self.deviances.1),
            self.df().to_string(),
            number(self.deviance_difference()),
        ];
        if self.test == Test::F {
            header.extend(["F", "Pr(>F)"]);
            second.push(number(self.statistic));
        } else {
            header.push("Pr(>Chi)");
        }
        header.push("");
        second.push(p_value(self.p_value, 4));
        second.push(stars(self.p_value).to_owned());
        let rows = vec![
            header.into_iter().map(str::to_owned).collect(),
            vec!["1".to_owned(), self.df_residual.0.to_string(), number(self.deviances.0)],
            second,
        ];
        writeln!(f, "Analysis of Deviance Table")?;
        writeln!(f)?;
        write!(f, "{}", table(&rows))
    }
}

/// Compares a GLM fit with a fit of a larger model that contains it, as R's
/// `anova(reduced, full, test = "Chisq")` for a fixed dispersion and `test = "F"` for an
/// estimated one (see [`Test`]).
///
/// # Algorithm
/// Checks that each `Data` is what its fit was made from (design and offset reproduce the
/// linear predictor), that the fits share family and link, rows, prior weights (times
/// binomial trials) and response exactly, and that the reduced design's columns lie in the
/// column space of the full one ([`lsq::check_nested`], on the rows with positive weight);
/// then the statistic is `(D₀ − D₁)/φ` (χ², `df = rank₁ − rank₀`) or `((D₀ − D₁)/df)/φ̂₁` (F with
/// `(df, df₁)`), the deviance difference being twice the log-likelihood ratio at `φ = 1`
/// (McCullagh & Nelder, *Generalized Linear Models*, 2nd ed., 1989, §2.3 and §8.4.5).
/// Offsets are not compared beyond what each fit's check sees.
///
/// # Cost
/// The nesting check's QR of the full design, `2mp₁² − 2p₁³/3`, plus `O(m(p₀ + p₁))`.
///
/// # Accuracy
/// `D₀ − D₁` loses `log₁₀(D₀/(D₀ − D₁))` digits to cancellation; the deviances themselves
/// carry the fits' accuracy (see [`GlmFit::digits`]). The reference tests match statsmodels
/// and R to at least 6 digits.
///
/// # Errors
/// [`Error::DesignShape`] or [`Error::DesignMismatch`] when a `Data` is not its fit's;
/// [`Error::DifferentModels`] for fits of different families or links;
/// [`Error::DifferentRows`] when the rows, weights or responses differ;
/// [`Error::NotNested`] naming the first column of the reduced design outside the full
/// design's column space (pass the smaller model first); [`Error::NothingToTest`] when the
/// ranks are equal.
///
/// # Examples
///
/// ```
/// use glm::{Control, Data, Design, Family, Test};
/// use glm::nalgebra::{dmatrix, dvector};
///
/// let x = dmatrix![0.0; 1.0; 2.0; 3.0; 4.0; 5.0];
/// let y = dvector![1.0, 3.0, 2.0, 6.0, 4.0, 12.0];
/// let full = Design::with_intercept(&x)?;
/// let null = Design::new(dmatrix![1.0; 1.0; 1.0; 1.0; 1.0; 1.0])?.with_intercept_column(0)?;
/// let (d0, d1) = (Data::new(&null, &y), Data::new(&full, &y));
/// let control = Control::default();
/// let f0 = glm::fit(&d0, Family::Poisson, &control)?;
/// let f1 = glm::fit(&d1, Family::Poisson, &control)?;
/// let table = glm::anova(&f0, &d0, &f1, &d1)?;
/// assert_eq!((table.test(), table.df()), (Test::ChiSquared, 1));
/// // The likelihood-ratio statistic is the drop in deviance; the full fit's null deviance
/// // is the intercept-only fit's deviance.
/// assert!((table.statistic() - (f1.null_deviance() - f1.deviance())).abs() < 1e-12);
/// assert!(table.p_value() < 1e-3);
/// assert!(table.to_string().contains("Pr(>Chi)"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn anova(
    reduced: &GlmFit,
    reduced_data: &Data<'_>,
    full: &GlmFit,
    full_data: &Data<'_>,
) -> Result<Anova> {
    check_data(reduced, reduced_data)?;
    check_data(full, full_data)?;
    if reduced.model != full.model {
        return Err(Error::DifferentModels { reduced: reduced.model, full: full.model });
    }
    same_rows(reduced, full)?;
    lsq::check_nested(
        reduced_data.design,
        full_data.design,
        full.aliased(),
        Some(full.prior_weights()),
    )
    .map_err(|err| match err {
        lsq::Error::NotNested { column, name, distance, tolerance } => {
            Error::NotNested { column, name, distance, tolerance }
        }
        other => Error::from(other),
    })?;
    let df_residual = (reduced.df_residual(), full.df_residual());
    if df_residual.0 <= df_residual.1 {
        return Err(Error::NothingToTest { rank: full.rank() });
    }
    let df = count_to_f64(df_residual.0 - df_residual.1);
    let difference = reduced.deviance() - full.deviance();
    let dispersion = full.dispersion();
    let (test, statistic, p_value) = if full.model.family().estimates_dispersion() {
        let f = difference / df / dispersion;
        let d2 = count_to_f64(df_residual.1);
        (Test::F, f, f_tail(f, df, d2))
    } else {
        let chi2 = difference / dispersion;
        (Test::ChiSquared, chi2, chi_squared_tail(chi2, df))
    };
    Ok(Anova {
        test,
        deviances: (reduced.deviance(), full.deviance()),
        df_residual,
        dispersion,
        statistic,
        p_value,
    })
}

/// Fails unless the fits have the same rows, prior weights and response, bit for bit.
fn same_rows(reduced: &GlmFit, full: &GlmFit) -> Result<()> {
    let (m0, m1) = (reduced.y.len(), full.y.len());
    if m0 != m1 {
        return Err(Error::DifferentRows {
            what: "number of rows",
            row: 0,
            reduced: count_to_f64(m0),
            full: count_to_f64(m1),
        });
    }
    for i in 0..m0 {
        let (w0, w1) = (reduced.prior_weights[i], full.prior_weights[i]);
        if w0.to_bits() != w1.to_bits() {
            return Err(Error::DifferentRows { what: "weight", row: i, reduced: w0, full: w1 });
        }
        let (y0, y1) = (reduced.y[i], full.y[i]);
        if y0.to_bits() != y1.to_bits() {
            return Err(Error::DifferentRows { what: "response", row: i, reduced: y0, full: y1 });
        }
    }
    Ok(())
}

/// `P(χ²_df ≥ x) = Q(df/2, x/2)`; 1 for `x ≤ 0`.
#[expect(clippy::expect_used, reason = "the invariant is stated in the message")]
fn chi_squared_tail(x: f64, df: f64) -> f64 {
    if x > 0.0 {
        checked_gamma_ur(df / 2.0, x / 2.0)
            .expect("df ≥ 1 and a finite positive statistic (a finite deviance over φ = 1)")
    } else {
        1.0
    }
}

/// `P(F_{d1,d2} ≥ f) = I_{d2/(d2 + d1·f)}(d2/2, d1/2)`; 1 for `f ≤ 0`.
#[expect(clippy::expect_used, reason = "the invariant is stated in the message")]
fn f_tail(f: f64, d1: f64, d2: f64) -> f64 {
    if f > 0.0 {
        let x = if (d1 * f).is_finite() { d2 / (d2 + d1 * f) } else { 0.0 };
        checked_beta_reg(d2 / 2.0, d1 / 2.0, x.clamp(0.0, 1.0))
            .expect("positive degrees of freedom and an argument clamped to [0, 1]")
    } else {
        1.0
    }
}
