//! [`Model`]: a family with its link, R's `poisson(link = "sqrt")`.

use crate::family::Family;
use crate::link::Link;

/// The model part of a GLM: a [`Family`] and the [`Link`] `g(μ) = η`, any pair.
///
/// A bare [`Family`] converts into its model with the default link (the canonical one, log for
/// the negative binomial), so [`crate::fit`] accepts either; [`Family::with_link`] picks
/// another, as R's `poisson(link = "sqrt")` does.
///
/// # Examples
///
/// ```
/// use glm::{Control, Data, Design, Family, Link, Model};
/// use glm::nalgebra::{dmatrix, dvector};
///
/// let canonical = Model::from(Family::Gamma);
/// assert_eq!((canonical.family(), canonical.link()), (Family::Gamma, Link::Inverse));
/// assert_eq!(Model::from(Family::NegativeBinomial { theta: 2.0 }).link(), Link::Log);
/// let sqrt = Family::Poisson.with_link(Link::Sqrt);
/// assert_eq!(sqrt.link(), Link::Sqrt);
///
/// let design = Design::with_intercept(&dmatrix![0.0; 1.0; 2.0; 3.0])?;
/// let y = dvector![1.0, 2.0, 4.0, 7.0];
/// let fit = glm::fit(&Data::new(&design, &y), sqrt, &Control::default())?;
/// assert_eq!(fit.model(), sqrt);
/// // The fitted means are the inverse link of the linear predictor, μ̂ = η̂².
/// let eta = fit.linear_predictor();
/// assert!((fit.fitted_values() - eta.component_mul(eta)).amax() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Model {
    family: Family,
    link: Link,
}

impl Model {
    /// The family.
    #[must_use]
    pub const fn family(self) -> Family {
        self.family
    }

    /// The link.
    #[must_use]
    pub const fn link(self) -> Link {
        self.link
    }
}

impl Family {
    /// This family with the given link (R's `poisson(link = "sqrt")`).
    #[must_use]
    pub const fn with_link(self, link: Link) -> Model {
        Model { family: self, link }
    }
}

impl From<Family> for Model {
    /// The family with its default link: the canonical one, except log for the negative
    /// binomial (see [`Family`]).
    fn from(family: Family) -> Self {
        family.with_link(family.default_link())
    }
}
