//! `cargo xtask <task>`: project automation. Run `cargo xtask help` for the list of tasks.

#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "xtask is a developer tool that talks on the terminal"
)]

use std::process::ExitCode;

/// The tasks this binary knows, with one line of help each.
const TASKS: &[(&str, &str)] = &[
    ("report", "regenerate the reports under reports/ from fixed seeds"),
    ("help", "print this list"),
];

fn print_help() {
    println!("usage: cargo xtask <task>\n\ntasks:");
    for (name, help) in TASKS {
        println!("  {name:<8} {help}");
    }
}

fn main() -> ExitCode {
    let task = std::env::args().nth(1);
    match task.as_deref() {
        Some("report") => {
            println!("the reports are not written yet; these are coming:");
            for page in xtask::PLANNED_REPORTS {
                println!("  reports/{page}");
            }
            ExitCode::SUCCESS
        }
        Some("help" | "--help" | "-h") | None => {
            print_help();
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown task `{other}`\n");
            print_help();
            ExitCode::FAILURE
        }
    }
}
