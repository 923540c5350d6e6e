#!/usr/bin/env python3
"""Writes scipy_cases.txt: cost matrices and scipy.optimize.linear_sum_assignment's answer.

Run from this directory with /usr/bin/python3 (numpy + scipy from Debian 12:
python3-numpy 1.24.2, python3-scipy 1.10.1):

    /usr/bin/python3 gen_scipy_cases.py > scipy_cases.txt

One case per line: rows cols c_00 c_01 ... c_{rows-1,cols-1} ; col_for_row_0 ... col_for_row_{rows-1}
Costs are written with repr() (round-trips exactly), +Inf as "inf", unassigned rows as -1.
Cases: small integer matrices full of ties (values 0..3), some with feasible +Inf entries,
wide and tall; random real matrices up to 25x25; constant matrices.
"""
import numpy as np
from scipy.optimize import linear_sum_assignment

rng = np.random.default_rng(20251128)


def emit(C):
    r, c = C.shape
    ri, ci = linear_sum_assignment(C)
    sol = [-1] * r
    for i, j in zip(ri.tolist(), ci.tolist()):
        sol[i] = j
    vals = " ".join("inf" if np.isinf(x) else repr(float(x)) for x in C.ravel())
    print(f"{r} {c} {vals} ; {' '.join(map(str, sol))}")


for _ in range(400):  # integer ties
    r, c = rng.integers(1, 9, 2)
    emit(rng.integers(0, 4, (r, c)).astype(float))
for _ in range(200):  # ties with forbidden pairs, kept only when scipy finds a full assignment
    r, c = rng.integers(1, 9, 2)
    C = rng.integers(0, 3, (r, c)).astype(float)
    C[rng.uniform(size=(r, c)) < 0.3] = np.inf
    try:
        linear_sum_assignment(C)
    except ValueError:
        continue
    emit(C)
for _ in range(40):  # real-valued, larger
    r, c = rng.integers(1, 26, 2)
    emit(rng.uniform(0, 1000, (r, c)))
for _ in range(40):  # squared distances clipped at c^2 (as in GOSPA): exact ties at the clip
    r, c = rng.integers(1, 21, 2)
    a = rng.uniform(0, 3000, (r, 2)).round(2)
    b = rng.uniform(0, 3000, (c, 2)).round(2)
    D = np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])
    emit(np.minimum(D, 500.0) ** 2)
for r, c in [(1, 1), (3, 3), (4, 6), (6, 4), (5, 1), (1, 5)]:
    emit(np.full((r, c), 7.0))
