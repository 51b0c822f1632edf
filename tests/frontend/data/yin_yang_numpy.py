#!/usr/bin/env python3
"""Independent cross-check for YinYangTest.cpp (not run by the C++ tests).

Draws the Yin-Yang splits from numpy's legacy generator the way the authors'
reference generator does (github.com/lkriener/yin_yang_data_set: seed the
legacy generator, randint(3) for the class, rand(2) * 2 * r_big per point,
rejection outside the big circle and until the class matches), and prints
the per-class counts and a few points that YinYangTest.cpp pins.

    pip install numpy && python3 tests/frontend/data/yin_yang_numpy.py
"""
import numpy as np

R_BIG, R_SMALL = 0.5, 0.1


def label(x, y):
    d_right = np.hypot(x - 1.5 * R_BIG, y - R_BIG)
    d_left = np.hypot(x - 0.5 * R_BIG, y - R_BIG)
    if d_right < R_SMALL or d_left < R_SMALL:
        return 2
    upper = y > R_BIG and d_right > 0.5 * R_BIG
    left_lobe = R_SMALL < d_left <= 0.5 * R_BIG
    return int(d_right <= R_SMALL or left_lobe or upper)


def split(size, seed):
    rng = np.random.RandomState(seed)
    points = []
    for _ in range(size):
        goal = rng.randint(3)
        while True:
            x, y = rng.rand(2) * 2.0 * R_BIG
            if np.hypot(x - R_BIG, y - R_BIG) > R_BIG:
                continue
            if label(x, y) == goal:
                points.append((float(x), float(y), goal))
                break
    return points


for seed, size in ((42, 5000), (41, 1000), (40, 1000)):
    pts = split(size, seed)
    print(f"seed {seed} size {size} counts",
          [sum(1 for p in pts if p[2] == c) for c in range(3)])
    for i in (0, 1, 2, size - 1):
        print(f"  [{i}] x={pts[i][0]!r} y={pts[i][1]!r} label={pts[i][2]}")
