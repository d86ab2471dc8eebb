"""Generates the non-canonical-link (and offset/weights) reference cases of this directory.

Run from this directory with Python 3.11, numpy and statsmodels 0.15.0:

    python3 generate.py

Each case writes NAME.csv (response, optional extra columns, predictors) and NAME.json
(the model and statsmodels' results). Data are simulated with numpy's PCG64 generator from
the seed recorded in the JSON; the results come from statsmodels.api.GLM(...).fit() with
IRLS at tol=1e-13, whose conventions are R's glm (expected-information standard errors,
scale 1 for Poisson/binomial/negative binomial, Pearson chi2/df otherwise).
"""

import json

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import stats

L = sm.families.links


def write(name, y_cols, x_cols, family, link, seed, extra=None, trials=None, offset=None,
          weights=None, theta=None, note=""):
    names = list(y_cols) + list(x_cols)
    data = np.column_stack([*y_cols.values(), *x_cols.values()])
    header = ",".join(names)
    np.savetxt(f"{name}.csv", data, delimiter=",", header=header, comments="", fmt="%.17g")
    y = y_cols[list(y_cols)[0]]
    exog = sm.add_constant(np.column_stack(list(x_cols.values())), prepend=True)
    kwargs = {}
    if offset is not None:
        kwargs["offset"] = offset
    if weights is not None:
        kwargs["var_weights"] = weights
    endog = y
    if trials is not None:
        endog = np.column_stack([y, trials - y])
    model = sm.GLM(endog, exog, family=family, **kwargs)
    res = model.fit(tol=1e-13, maxiter=1000)
    keys = ["const"] + list(x_cols)
    out = {
        "name": name,
        "generator": f"numpy {np.__version__} default_rng({seed}); see generate.py",
        "reference_implementation": f"statsmodels {statsmodels.__version__} GLM, IRLS, tol=1e-13; scipy {scipy.__version__}",
        "call": f"sm.GLM(endog, add_constant(X), family={family.__class__.__name__}(link={link}){', offset=offset' if offset is not None else ''}{', var_weights=w' if weights is not None else ''}).fit(tol=1e-13)",
        "family": family.__class__.__name__.lower(),
        "link": link,
        "theta": theta,
        "columns": names,
        "response": list(y_cols)[0],
        "trials_column": "trials" if trials is not None else None,
        "offset_column": "offset" if offset is not None else None,
        "weights_column": "weights" if weights is not None else None,
        "predictors": list(x_cols),
        "note": note,
        "reference": {
            "coefficients": dict(zip(keys, map(float, res.params))),
            "std_errors": dict(zip(keys, map(float, res.bse))),
            "deviance": float(res.deviance),
            "null_deviance": float(res.null_deviance),
            "pearson_chi2": float(res.pearson_chi2),
            "scale": float(res.scale),
            "df_residual": float(res.df_resid),
            "iterations": int(res.fit_history["iteration"]),
        },
    }
    if extra:
        out["reference"].update(extra(res))
    with open(f"{name}.json", "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")


def llf(res):
    return {"log_likelihood": float(res.llf), "aic": float(res.aic)}


# Poisson, identity link: mu = 2 + 3 t.
rng = np.random.default_rng(101)
t = np.linspace(0.0, 3.0, 60)
write("poisson_identity", {"y": rng.poisson(2.0 + 3.0 * t).astype(float)}, {"t": t},
      sm.families.Poisson(L.Identity()), "identity", 101, extra=llf)

# Poisson, sqrt link: mu = (1 + 0.8 t)^2.
rng = np.random.default_rng(102)
t = np.linspace(0.0, 3.0, 60)
write("poisson_sqrt", {"y": rng.poisson((1.0 + 0.8 * t) ** 2).astype(float)}, {"t": t},
      sm.families.Poisson(L.Sqrt()), "sqrt", 102, extra=llf)

# Gamma, log link: mu = exp(0.5 + 0.4 x1 - 0.3 x2), shape 3.
rng = np.random.default_rng(103)
x1 = rng.normal(size=80)
x2 = rng.uniform(-1, 1, size=80)
mu = np.exp(0.5 + 0.4 * x1 - 0.3 * x2)
y = rng.gamma(3.0, mu / 3.0)


def gamma_r_aic(res):
    # R's Gamma()$aic: dispersion = deviance / n, + 2 for it, + 2 per coefficient.
    disp = res.deviance / len(res.mu)
    ll = np.sum(stats.gamma.logpdf(res.model.endog, a=1.0 / disp, scale=res.mu * disp))
    return {"aic_r_convention": float(-2.0 * ll + 2.0 + 2.0 * len(res.params)),
            "log_likelihood_r_convention": float(ll)}


write("gamma_log", {"y": y}, {"x1": x1, "x2": x2}, sm.families.Gamma(L.Log()), "log", 103,
      extra=gamma_r_aic, note="log_likelihood_r_convention and aic_r_convention computed with scipy.stats.gamma.logpdf at dispersion deviance/n, as R's Gamma()$aic")

# Binomial with trials, cloglog link: p = 1 - exp(-exp(-0.5 + 0.8 x)).
rng = np.random.default_rng(104)
x = rng.normal(size=40)
n = rng.integers(5, 21, size=40).astype(float)
p = 1.0 - np.exp(-np.exp(-0.5 + 0.8 * x))
s = rng.binomial(n.astype(int), p).astype(float)
write("binomial_cloglog", {"successes": s, "trials": n}, {"x": x},
      sm.families.Binomial(L.CLogLog()), "cloglog", 104, trials=n, extra=llf,
      note="response is the number of successes; the model has trials = the trials column")

# Poisson, log link, with an exposure offset and prior weights.
rng = np.random.default_rng(105)
x = rng.normal(size=70)
exposure = rng.uniform(0.5, 4.0, size=70)
w = rng.choice([0.5, 1.0, 2.0], size=70)
y = rng.poisson(exposure * np.exp(0.2 + 0.5 * x)).astype(float)
write("poisson_offset_weights", {"y": y, "offset": np.log(exposure), "weights": w}, {"x": x},
      sm.families.Poisson(L.Log()), "log", 105, offset=np.log(exposure), weights=w,
      note="offset = log(exposure); weights are prior (variance) weights, R's glm(weights=)")

# Negative binomial with fixed theta = 2 (alpha = 0.5), log link.
rng = np.random.default_rng(106)
x = rng.normal(size=100)
mu = np.exp(1.0 + 0.6 * x)
y = rng.negative_binomial(2.0, 2.0 / (2.0 + mu)).astype(float)
write("negbin_log", {"y": y}, {"x": x}, sm.families.NegativeBinomial(L.Log(), alpha=0.5), "log",
      106, theta=2.0, extra=llf, note="theta = 1/alpha = 2, MASS::negative.binomial(2)")

# Inverse Gaussian, log link: mu = exp(0.3 + 0.5 x), lambda = 4.
rng = np.random.default_rng(107)
x = rng.uniform(-1, 1, size=60)
mu = np.exp(0.3 + 0.5 * x)
y = rng.wald(mu, 4.0)
write("inverse_gaussian_log", {"y": y}, {"x": x}, sm.families.InverseGaussian(L.Log()), "log",
      107)
