//! One large fit, for measuring peak resident memory and wall time from outside:
//!
//! ```text
//! cargo build --release -p benches --example peak_memory
//! /usr/bin/time -v target/release/examples/peak_memory lsq 1000000 20
//! /usr/bin/time -v target/release/examples/peak_memory poisson 1000000 20
//! /usr/bin/time -v target/release/examples/peak_memory logistic 1000000 20
//! /usr/bin/time -v target/release/examples/peak_memory data 1000000 20
//! /usr/bin/time -v target/release/examples/peak_memory stream 10000000 20
//! ```
//!
//! `stream` never holds the problem: it draws it from `sim` in chunks of 10⁵ rows, pushes each
//! into an `lsq::Accumulator` and finishes the fit, so its memory is one chunk plus `O(n²)`.
//!
//! `data` only generates the problem (the baseline the fits are measured against); the other
//! modes generate the same problem as the `glm` and `lsq` benches (an intercept plus standard
//! normal columns from `benches::SEED`) and fit it once with default options. The report on
//! standard error is the bytes of `X` and `y`, the fit's wall time and its iterations.

#![allow(clippy::print_stderr, reason = "a measuring tool reports on standard error")]

use std::process::ExitCode;
use std::time::Instant;

use glm::{Control, Data, Design, Family};
use nalgebra::{DMatrix, DVector};

fn theta(p: usize) -> DVector<f64> {
    DVector::from_fn(p, |j, _| {
        let magnitude = 0.3 / linalg_core::count_to_f64(j + 1).sqrt();
        if j % 2 == 0 { magnitude } else { -magnitude }
    })
}

/// Rows per chunk of the `stream` mode.
const CHUNK: usize = 100_000;

fn stream(m: usize, n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = sim::rng_from_seed(benches::SEED);
    let start = Instant::now();
    let mut acc = lsq::Accumulator::new(n).with_intercept_column(0)?;
    let mut done = 0;
    while done < m {
        let rows = CHUNK.min(m - done);
        let x: DMatrix<f64> = sim::intercept_gaussian(rows, n - 1, &mut rng)?;
        let y =
            (&x * theta(n)).map(|e| e + 1.0) + sim::gaussian(&DVector::zeros(rows), 0.5, &mut rng)?;
        acc.push(&x, &y)?;
        done += rows;
    }
    let fit = acc.finish()?;
    let bytes = m * (n + 1) * std::mem::size_of::<f64>();
    eprintln!("X and y (never held): {:.1} MB", linalg_core::count_to_f64(bytes) / 1e6);
    eprintln!(
        "stream: {} rows, R² {:.4}, digits {:.1}",
        fit.observations(),
        fit.r_squared()?,
        fit.digits().guaranteed
    );
    eprintln!("wall time (draws included): {:.3} s", start.elapsed().as_secs_f64());
    Ok(())
}

fn run(mode: &str, m: usize, n: usize) -> Result<(), Box<dyn std::error::Error>> {
    if mode == "stream" {
        return stream(m, n);
    }
    let mut rng = sim::rng_from_seed(benches::SEED);
    let x: DMatrix<f64> = sim::intercept_gaussian(m, n - 1, &mut rng)?;
    // `η` only draws the response: dropped before anything is measured against X and y.
    let y = {
        let eta = &x * theta(n);
        match mode {
            "logistic" => sim::bernoulli(&eta.map(|e| 1.0 / (1.0 + (-e).exp())), &mut rng)?,
            "poisson" => sim::poisson(&eta.map(f64::exp), &mut rng)?,
            _ => eta.map(|e| e + 1.0),
        }
    };
    let bytes = (x.len() + y.len()) * std::mem::size_of::<f64>();
    eprintln!("X and y: {:.1} MB", linalg_core::count_to_f64(bytes) / 1e6);
    let design = Design::new(x)?.with_intercept_column(0)?;
    let start = Instant::now();
    match mode {
        "data" => {}
        "lsq" => {
            let fit = lsq::fit(&design, &y, &lsq::FitOptions::default())?;
            eprintln!("lsq::fit: rank {}", fit.rank());
        }
        "poisson" | "logistic" => {
            let family = if mode == "poisson" { Family::Poisson } else { Family::Bernoulli };
            let fit = glm::fit(&Data::new(&design, &y), family, &Control::default())?;
            eprintln!("glm::fit: {} iterations", fit.convergence().iterations());
        }
        other => {
            return Err(
                format!("unknown mode {other}: lsq, poisson, logistic, stream or data").into()
            );
        }
    }
    eprintln!("wall time: {:.3} s", start.elapsed().as_secs_f64());
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("lsq", String::as_str);
    let m = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let n = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(20);
    match run(mode, m, n) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
