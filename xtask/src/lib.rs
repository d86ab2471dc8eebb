//! Library part of `cargo xtask`: pure rendering functions for the reports under `reports/`.

/// The report pages `cargo xtask report` will write, relative to `reports/`.
pub const PLANNED_REPORTS: &[&str] = &["README.md", "least-squares.md", "stability.md", "glm.md"];
