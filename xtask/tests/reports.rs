//! The reports are current: every page matches its insta snapshot and the committed file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on unexpected errors"
)]

use std::path::Path;
use std::sync::OnceLock;

/// Every page, rendered once per test run (rendering runs every study and fit).
fn pages() -> &'static [xtask::Page] {
    static PAGES: OnceLock<Vec<xtask::Page>> = OnceLock::new();
    PAGES.get_or_init(|| xtask::render_all().expect("the reports render"))
}

#[test]
fn every_markdown_report_matches_its_snapshot() {
    for page in pages().iter().filter(|p| p.is_markdown()) {
        let name = page.path.trim_end_matches(".md").replace('/', "-");
        insta::assert_snapshot!(name, page.contents);
    }
}

#[test]
fn committed_reports_are_current() {
    let reports = Path::new(env!("CARGO_MANIFEST_DIR")).join("../reports");
    let mut stale = Vec::new();
    for page in pages() {
        match std::fs::read_to_string(reports.join(&page.path)) {
            Ok(committed) if committed == page.contents => {}
            Ok(_) => stale.push(format!("reports/{} differs", page.path)),
            Err(_) => stale.push(format!("reports/{} is missing", page.path)),
        }
    }
    assert!(
        stale.is_empty(),
        "the committed reports are out of date; run `cargo xtask report` and commit reports/:\n{}",
        stale.join("\n")
    );
}

#[test]
fn every_page_starts_with_the_generated_line_and_figures_are_linked() {
    let pages = pages();
    for page in pages.iter().filter(|p| p.is_markdown()) {
        assert!(page.contents.starts_with(xtask::GENERATED), "{}", page.path);
        assert!(
            !page.contents.contains("/work/") && !page.contents.contains("/home/"),
            "{} leaks an absolute path",
            page.path
        );
    }
    for figure in pages.iter().filter(|p| p.is_figure()) {
        let link = format!("]({})", figure.path);
        assert!(
            pages.iter().any(|p| p.contents.contains(&link)),
            "{} is not linked from any page",
            figure.path
        );
    }
}

/// The README's Rust snippets run as doctests of xtask, which depends on every crate; this checks
/// that each snippet names only one of the crates a user would depend on, so that it also builds
/// with that crate as the only dependency.
#[test]
fn readme_snippets_each_need_one_dependency() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .expect("README.md is readable");
    let crates = ["lsq", "glm", "linalg_core", "sim", "nalgebra", "anyhow", "plotters", "xtask"];
    let mut snippets = 0;
    for block in readme.split("```rust").skip(1) {
        let code = block.split("```").next().unwrap_or_default();
        let used: Vec<&str> = crates
            .iter()
            .copied()
            .filter(|c| {
                code.match_indices(&format!("{c}::")).any(|(i, _)| {
                    !code[..i].ends_with(|ch: char| ch == ':' || ch.is_alphanumeric() || ch == '_')
                })
            })
            .collect();
        assert_eq!(used.len(), 1, "a README snippet uses {used:?}:\n{code}");
        assert!(code.contains("fn main()"), "README snippets are complete programs:\n{code}");
        snippets += 1;
    }
    assert!(snippets >= 2, "the README shows the lsq and glm snippets");
}
