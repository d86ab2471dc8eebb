//! Least squares three ways: the explicit left inverse, the normal equations and Householder QR.
//!
//! The solvers and regression statistics are filled in by the `lsq` issue.
