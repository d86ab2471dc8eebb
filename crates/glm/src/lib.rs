//! Generalized linear models: exponential families, links, gradient ascent and IRLS.
//!
//! The families, links and fitting routines are filled in by the `glm` issue.
