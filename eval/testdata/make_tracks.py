#!/usr/bin/env python3
"""Fabricates a tracks.csv (SPEC section 8) from a truth.csv, deterministically (numpy only).

    make_tracks.py --truth truth.csv --mode perfect|noisy --seed S --out tracks.csv

perfect: one track per target (id 1000+target) at every epoch T = 0, 5, ... s from T = 10 s,
  position = truth + N(0, 10 m); with injected events:
  - id swap: from T = 300 targets 3 and 4 exchange track ids (1003 <-> 1004);
  - track loss: target 7 has no track for 200 <= T < 260, then comes back as id 2007;
  - false track: id 9000, (-20 km, 20 km) drifting east 5 m/s, 100 <= T <= 400;
  - exact tie: 400 <= T < 450 target 5 has a duplicate track id 5005 at exactly the same
    position as 1005 (written before 1005 on even epochs, after it on odd ones);
  - mirrored near-tie: 450 <= T < 500 target 6's track 1006 is at truth + (30 m, 0) and an
    extra track 6006 at truth - (30 m, 0), no noise;
  - rows that the scorer must ignore: off-grid times T + 2.5 every 50 s, and a time column
    written as T + 0.0004 (rounds to T) on every 7th row.
noisy: position noise N(0, 120 m); per track and epoch 8 % dropout, 3 % outlier (+700 m),
  1.5 % chance that the target's track id is renewed, 2 % chance of an exact duplicate
  with a fresh id; tracks start at T = 5*(target % 5) s; about 1.5 clutter tracks born per
  epoch, each living 1-6 epochs; epochs 135 s and 440 s carry no rows at all.
"""
import argparse
import csv
from collections import defaultdict

import numpy as np

AREA = (-40000.0, 40000.0, 2000.0, 62000.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--truth", required=True)
    ap.add_argument("--mode", choices=["perfect", "noisy"], required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = np.random.default_rng([a.seed, 7 if a.mode == "perfect" else 8])

    truth = defaultdict(list)
    with open(a.truth) as f:
        for r in csv.DictReader(f):
            t = round(float(r["time_s"]), 3)
            truth[t].append((int(r["target_id"]), float(r["x_m"]), float(r["y_m"]),
                             float(r["vx"]), float(r["vy"])))
    t_end = max(truth)
    epochs = [5.0 * k for k in range(int(t_end / 5.0) + 1) if 5.0 * k in truth]

    rows = []  # (time_text, id, x, y, vx, vy)

    def add(T, tid, x, y, vx, vy, ttext=None):
        rows.append((ttext if ttext is not None else f"{T:.1f}", tid, x, y, vx, vy))

    if a.mode == "perfect":
        for T in epochs:
            if T < 10:
                continue
            for (g, x, y, vx, vy) in truth[T]:
                nx, ny = rng.normal(0, 10.0, 2)
                tid = 1000 + g
                if T >= 300 and g in (3, 4):
                    tid = 1000 + (7 - g)
                if g == 7:
                    if 200 <= T < 260:
                        continue
                    if T >= 260:
                        tid = 2007
                if g == 6 and 450 <= T < 500:
                    add(T, 1006, x + 30.0, y, vx, vy)
                    add(T, 6006, x - 30.0, y, vx, vy)
                    continue
                px, py = x + nx, y + ny
                if g == 5 and 400 <= T < 450:
                    dup = (T, 5005, px, py, vx, vy)
                    if int(T / 5) % 2 == 0:
                        add(*dup)
                        add(T, tid, px, py, vx, vy)
                    else:
                        add(T, tid, px, py, vx, vy)
                        add(*dup)
                    continue
                ttext = f"{T + 0.0004:.4f}" if len(rows) % 7 == 0 else None
                add(T, tid, px, py, vx + rng.normal(0, 0.2), vy + rng.normal(0, 0.2), ttext)
            if 100 <= T <= 400:
                add(T, 9000, -20000.0 + 5.0 * T, 20000.0, 5.0, 0.0)
            if T % 50 == 0 and T + 2.5 <= t_end:
                for (g, x, y, vx, vy) in truth[T][:3]:
                    add(T + 2.5, 1000 + g, x + 1000.0, y, vx, vy)
    else:
        ids = {}
        next_id = [3000]

        def fresh():
            next_id[0] += 1
            return next_id[0]

        clutter = []  # [id, x, y, vx, vy, epochs_left]
        for T in epochs:
            u = rng.uniform(size=(len(truth[T]), 6))
            nz = rng.normal(0, 120.0, size=(len(truth[T]), 2))
            n_new = rng.poisson(1.5)
            born = [[fresh(), rng.uniform(AREA[0], AREA[1]), rng.uniform(AREA[2], AREA[3]),
                     rng.normal(0, 5), rng.normal(0, 5), int(rng.integers(1, 7))] for _ in range(n_new)]
            if T in (135.0, 440.0):
                continue
            for k, (g, x, y, vx, vy) in enumerate(truth[T]):
                if T < 5 * (g % 5):
                    continue
                if g not in ids or u[k, 0] < 0.015:
                    ids[g] = fresh()
                if u[k, 1] < 0.08:
                    continue
                px, py = x + nz[k, 0], y + nz[k, 1]
                if u[k, 2] < 0.03:
                    px += 700.0
                add(T, ids[g], px, py, vx + nz[k, 0] / 100, vy + nz[k, 1] / 100)
                if u[k, 3] < 0.02:
                    add(T, fresh(), px, py, vx, vy)
            clutter.extend(born)
            for c in clutter:
                add(T, c[0], c[1], c[2], c[3], c[4])
                c[1] += 5 * c[3]
                c[2] += 5 * c[4]
                c[5] -= 1
            clutter = [c for c in clutter if c[5] > 0]

    with open(a.out, "w") as f:
        f.write("time_s,track_id,x_m,y_m,vx,vy\n")
        for (tt, tid, x, y, vx, vy) in rows:
            f.write(f"{tt},{tid},{x:.2f},{y:.2f},{vx:.3f},{vy:.3f}\n")


if __name__ == "__main__":
    main()
