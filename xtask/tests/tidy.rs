//! Source checks over the workspace's library crates.
//!
//! `pulp` compiles an operation's `with_simd` for the CPU's instruction set, but a closure handed
//! to `Arch::dispatch` is reached through a call shim that stays out of line, so its body runs
//! as baseline code (SSE2 on x86-64) and the kernel silently loses its vector width. Every
//! dispatch must take an operation type (ARCHITECTURE.md, "SIMD").

use std::fs;
use std::path::{Path, PathBuf};

/// The Rust files under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else { return files };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The places in `source` where `dispatch(` is followed by a closure (`|` or `move |`, after
/// any attributes and whitespace), as 1-based line numbers.
fn closure_dispatches(source: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut rest = source;
    let mut offset = 0;
    while let Some(at) = rest.find("dispatch(") {
        let after = &rest[at + "dispatch(".len()..];
        let mut tail = after.trim_start();
        // Skip attributes on the argument, such as `#[inline(always)]`.
        while tail.starts_with("#[") {
            let Some(close) = tail.find(']') else { break };
            tail = tail[close + 1..].trim_start();
        }
        if tail.starts_with('|') || tail.starts_with("move |") || tail.starts_with("move|") {
            found.push(source[..offset + at].matches('\n').count() + 1);
        }
        offset += at + "dispatch(".len();
        rest = after;
    }
    found
}

#[test]
fn the_checker_finds_closures_and_passes_operation_types() {
    assert_eq!(closure_dispatches("a\nArch::new().dispatch(|| x)"), vec![2]);
    assert_eq!(closure_dispatches("a\ndispatch(|| x)"), vec![2]);
    assert_eq!(closure_dispatches("dispatch(\n  #[inline(always)]\n  move || x)"), vec![1]);
    assert!(closure_dispatches("Arch::new().dispatch(Gram { b, g })").is_empty());
    assert!(closure_dispatches("dispatch(op)").is_empty());
}

#[test]
fn no_closure_is_handed_to_pulp_dispatch() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates");
    let files = rust_files(&crates);
    assert!(files.len() > 20, "found only {} files under {}", files.len(), crates.display());
    let offenders: Vec<String> = files
        .iter()
        .flat_map(|path| {
            let source = fs::read_to_string(path).unwrap_or_default();
            closure_dispatches(&source)
                .into_iter()
                .map(move |line| format!("{}:{line}", path.display()))
        })
        .collect();
    assert!(offenders.is_empty(), "closures handed to pulp's dispatch: {offenders:?}");
}
