//! The solver-stability study and the NIST StRD accuracy table, printed on the terminal.
//!
//! Not a timing benchmark: `cargo bench --bench stability` runs the same code as the report
//! `reports/stability.md` (`xtask::stability::run` with `Config::default()`, and
//! `xtask::nist::rows`), prints, for every κ and method, the median and worst relative forward
//! error, the normwise backward error and the refusals, then the slopes of the forward error
//! against κ and the NIST table, and writes the study as CSV under the target directory. When the
//! numbers depart from the textbook picture (QR's error growing like κ·ε, the normal equations'
//! and the inverse's like κ²·ε) it prints a DEVIATION section; it never fails, because CI only
//! compiles benches. It takes a few seconds.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a report bench: printing the tables is its whole purpose"
)]

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use xtask::nist::{self, Outcome};
use xtask::stability::{self, Config, METHODS, Study};

/// Where the CSV goes: cargo's scratch directory for benches, `<target dir>/tmp`, which
/// follows `CARGO_TARGET_DIR` when it is set.
const CSV_PATH: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/stability.csv");

/// A relative error in scientific notation, or a dash when the method refused every problem.
fn error_cell(value: f64, solved: bool) -> String {
    if solved { format!("{value:.1e}") } else { "—".to_owned() }
}

/// The study as one table: a block of rows per κ, one row per method.
fn study_table(study: &Study) -> String {
    let mut rows = vec![
        [
            "κ",
            "method",
            "median forward",
            "worst forward",
            "median backward",
            "worst backward",
            "refused",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    let mut previous = None;
    for c in &study.cells {
        let solved = c.refused < c.problems;
        let kappa =
            if previous == Some(c.kappa) { String::new() } else { format!("{:.0e}", c.kappa) };
        previous = Some(c.kappa);
        rows.push(vec![
            kappa,
            c.method.name().to_owned(),
            error_cell(c.median_forward, solved),
            error_cell(c.worst_forward, solved),
            error_cell(c.median_backward, solved),
            error_cell(c.worst_backward, solved),
            format!("{}/{}", c.refused, c.problems),
        ]);
    }
    lsq::format::table(&rows)
}

/// The refusals of the NIST table, which `nist::text_table` shows only as "refused".
fn nist_refusals(rows: &[nist::Row]) -> String {
    rows.iter()
        .filter_map(|row| match &row.outcome {
            Outcome::Refused(reason) => {
                Some(format!("  {} / {}: {reason}\n", row.dataset, row.method.name()))
            }
            Outcome::Fit { .. } => None,
        })
        .collect()
}

fn write_csv(study: &Study) {
    let path = Path::new(CSV_PATH);
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(path, study.to_csv()));
    match written {
        Ok(()) => println!("CSV written to {}", path.display()),
        Err(e) => eprintln!("could not write {}: {e}", path.display()),
    }
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench` (and any filter); this target takes no options.
    let start = Instant::now();
    let config = Config::default();
    let study = match stability::run(&config) {
        Ok(study) => study,
        Err(e) => {
            eprintln!("the stability study failed: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "Solver stability: {} problems of {}×{} per κ from sim::known_answer (seed {} + 1000·k + i), \
         consistent right-hand side; QR with its rank cut-off off.\n\
         Forward error ‖x̂ − x*‖/‖x*‖, backward error ‖y − Ax̂‖/(‖A‖_F‖x̂‖ + ‖y‖).\n",
        config.problems, config.rows, config.cols, config.seed
    );
    println!("{}", study_table(&study));
    println!("Slopes of log10(median forward error) against log10 κ (1 for κ·ε, 2 for κ²·ε):");
    for method in METHODS {
        let slope = study.slope(method).map_or_else(|| "—".to_owned(), |s| format!("{s:.2}"));
        println!("  {:<17} {slope}", method.name());
    }
    println!();
    write_csv(&study);

    let deviations = study.deviations();
    if deviations.is_empty() {
        println!(
            "\nThe textbook picture holds: QR's error grows like κ·ε, the normal equations' and the \
             inverse's like κ²·ε, and the inverse is never better than the normal equations.\n"
        );
    } else {
        println!("\n{}", "=".repeat(78));
        println!("DEVIATION: these numbers do NOT show the textbook picture");
        println!("{}", "=".repeat(78));
        for d in &deviations {
            println!("  - {d}");
        }
        println!("{}\n", "=".repeat(78));
    }

    let rows = nist::rows();
    println!(
        "NIST StRD linear regression: log relative error (correct digits) of the coefficients / \
         the standard errors, the smallest over each dataset:\n"
    );
    println!("{}", nist::text_table(&rows));
    let refusals = nist_refusals(&rows);
    if !refusals.is_empty() {
        println!("Refusals:\n{refusals}");
    }
    println!("Done in {:.1} s.", start.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}
