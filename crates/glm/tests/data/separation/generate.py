"""Generates cases.json: random small binary data sets and whether (and which observations)
a hyperplane separates them, decided by linear programming.

Run from this directory with Python 3.11, numpy and scipy:  python3 generate.py

For each case, with s_i = +1 for y_i = 1 and -1 for y_i = 0, the linear program

    maximise sum_i t_i  subject to  s_i x_i' beta >= t_i,  0 <= t_i <= 1,  beta free

has optimum equal to the size of the largest set of observations that some direction
separates strictly while none is on the wrong side; the observations with t_i = 1 at the
optimum form that set ("separated"). It is empty exactly when the maximum-likelihood
estimate of a logistic (probit, cloglog) regression exists (Albert & Anderson, 1984).
"""

import json

import numpy as np
from scipy.optimize import linprog

rng = np.random.default_rng(2025)
cases = []
for k in range(300):
    n = int(rng.choice([6, 8, 12, 20, 40]))
    p = int(rng.choice([2, 3]))
    X = np.column_stack([np.ones(n), np.round(rng.normal(size=(n, p - 1)), 2)])
    beta = rng.normal(size=p) * rng.choice([0.5, 2, 5, 20])
    prob = 1 / (1 + np.exp(-X @ beta))
    y = (rng.uniform(size=n) < prob).astype(float)
    if k % 4 == 1:
        # Split at an observed value of the first covariate, rounded to an integer so that
        # several observations tie with it; the ties get random outcomes: quasi-complete
        # separation when they include both (complete, or none, otherwise).
        X[:, 1] = np.round(X[:, 1])
        cut = X[rng.integers(n), 1]
        y = np.where(X[:, 1] > cut, 1.0, 0.0)
        ties = X[:, 1] == cut
        y[ties] = (rng.uniform(size=ties.sum()) < 0.5).astype(float)
    elif k % 7 == 0 and n >= 8:
        # A duplicated row with the opposite outcome: quasi-complete separation at best.
        X[1] = X[0]
        y[1] = 1 - y[0]
    s = np.where(y == 1, 1.0, -1.0)
    A = s[:, None] * X
    c = np.concatenate([np.zeros(p), -np.ones(n)])
    res = linprog(c, A_ub=np.hstack([-A, np.eye(n)]), b_ub=np.zeros(n),
                  bounds=[(None, None)] * p + [(0, 1)] * n, method="highs")
    assert res.status == 0
    t = res.x[p:]
    cases.append({
        "x": X[:, 1:].tolist(),
        "y": "".join("1" if v == 1 else "0" for v in y),
        "separated": [int(i) for i in np.where(t > 0.5)[0]],
    })
with open("cases.json", "w") as f:
    json.dump(cases, f, separators=(",", ":"))
    f.write("\n")
print(sum(1 for c in cases if c["separated"]), "of", len(cases), "separated")
