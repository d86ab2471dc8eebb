//! `cargo xtask <task>`: project automation. Run `cargo xtask help` for the list of tasks.

#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "xtask is a developer tool that talks on the terminal"
)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

/// The tasks this binary knows, with one line of help each.
const TASKS: &[(&str, &str)] = &[
    ("report", "regenerate every report under reports/ from fixed seeds"),
    ("help", "print this list"),
];

fn print_help() {
    println!("usage: cargo xtask <task>\n\ntasks:");
    for (name, help) in TASKS {
        println!("  {name:<8} {help}");
    }
}

/// The workspace root: the parent of this package's manifest directory, wherever the command
/// is run from.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Every file currently under `dir`, relative to it, with `/` separators.
fn existing_files(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if !d.exists() {
            continue;
        }
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(dir) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Ok(out)
}

fn report() -> Result<()> {
    let reports = workspace_root().join("reports");
    let pages = xtask::render_all().context("rendering the reports")?;
    let mut changed = 0;
    for page in &pages {
        let path = reports.join(&page.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        if std::fs::read_to_string(&path).ok().as_deref() != Some(page.contents.as_str()) {
            std::fs::write(&path, &page.contents)
                .with_context(|| format!("writing {}", path.display()))?;
            changed += 1;
        }
    }
    // reports/ holds generated files only: remove what this run no longer produces.
    for stale in existing_files(&reports)? {
        if !pages.iter().any(|p| p.path == stale) {
            std::fs::remove_file(reports.join(&stale))
                .with_context(|| format!("removing stale reports/{stale}"))?;
            println!("removed stale reports/{stale}");
            changed += 1;
        }
    }
    println!("reports/: {} files, {changed} changed", pages.len());
    Ok(())
}

fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        Some("report") => match report() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        },
        Some("help" | "--help" | "-h") => {
            print_help();
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown task `{other}`\n");
            print_help();
            ExitCode::FAILURE
        }
        None => {
            eprintln!("no task given\n");
            print_help();
            ExitCode::FAILURE
        }
    }
}
