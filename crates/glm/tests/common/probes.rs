//! The probe runner of the hostile-input suite: runs `glm::fit` on one named input, checks the
//! outcome against `invariants.rs`, and counts fits and typed errors.

#![allow(
    dead_code,
    clippy::float_cmp,
    reason = "each test file uses a different subset; a constant column is exactly constant"
)]

use glm::nalgebra::{DMatrix, DVector};
use glm::{Control, Data, Design, Error, GlmFit, Model};

use crate::invariants::{Verdict, check_outcome};
use crate::strategies::benign;

/// Counts the probes, so that the suite can state how many distinct ones it has.
#[derive(Default)]
pub struct Probes {
    pub names: Vec<String>,
    pub fits: usize,
    pub errors: usize,
}

/// An outcome that has passed the invariants (checking it was the point, so it need not be used).
pub struct Checked(pub glm::Result<GlmFit>);

/// The optional per-observation inputs of a probe.
#[derive(Default, Clone, Copy)]
pub struct Extra<'a> {
    pub weights: Option<&'a DVector<f64>>,
    pub offset: Option<&'a DVector<f64>>,
    pub trials: Option<&'a DVector<f64>>,
    pub start: Option<&'a DVector<f64>>,
}

impl Probes {
    /// Fits `y` on `x` (whose first column is declared the intercept when `intercept`) and checks
    /// the outcome; IRLS at R's tolerance or tighter must also reach a stationary point.
    #[track_caller]
    pub fn fit(
        &mut self,
        name: &str,
        x: &DMatrix<f64>,
        y: &DVector<f64>,
        extra: Extra<'_>,
        model: impl Into<Model>,
        control: &Control,
    ) -> Checked {
        let model = model.into();
        let name = format!("{name} [{} {} {control:?}]", model.family(), model.link());
        let design = Design::new(x.clone()).and_then(|d| {
            if x.ncols() > 0 && x.nrows() > 0 && x.column(0).iter().all(|&v| v == x[(0, 0)]) {
                d.with_intercept_column(0)
            } else {
                Ok(d)
            }
        });
        let outcome = design.map_err(Error::from).and_then(|design| {
            let mut data = Data::new(&design, y);
            if let Some(w) = extra.weights {
                data = data.weights(w);
            }
            if let Some(o) = extra.offset {
                data = data.offset(o);
            }
            if let Some(n) = extra.trials {
                data = data.trials(n);
            }
            if let Some(s) = extra.start {
                data = data.start(s);
            }
            glm::fit(&data, model, control)
        });
        let optimum = *control == Control::default();
        match check_outcome(&outcome, x, optimum, &name) {
            Verdict::Fit => self.fits += 1,
            Verdict::Error => self.errors += 1,
        }
        self.names.push(name);
        Checked(outcome)
    }

    /// [`Probes::fit`] on the benign data of `family`, with its trials.
    #[track_caller]
    pub fn benign(&mut self, name: &str, model: impl Into<Model>, control: &Control) -> Checked {
        let model = model.into();
        let (x, y, trials) = benign(model.family());
        let extra = Extra { trials: trials.as_ref(), ..Extra::default() };
        self.fit(name, &x, &y, extra, model, control)
    }
}

/// Asserts that an outcome is the expected error.
#[track_caller]
pub fn expect(outcome: &Checked, what: &str, matches: impl Fn(&Error) -> bool) {
    match &outcome.0 {
        Err(e) if matches(e) => {}
        Err(e) => panic!("{what}: unexpected error {e}"),
        Ok(fit) => panic!("{what}: expected an error, got\n{fit}"),
    }
}
