"""How well alignment undoes known moves: automatic (eyes found) and by hand (clicks with errors).

Each bundled portrait is turned, scaled and shifted by known amounts onto a
larger, non-square canvas of flat colour; alignment must bring it back.  The
error is the worst displacement of the four corners of the face box after
the round trip (found transform composed with the true one), in pixels of
the 512-pixel portrait: a strict measure, since corners are farther from the
eyes than anything that matters in a face.

- **auto**: ``find_eyes`` on the original and on the moved copy.
- **by hand**: the true eye positions, each click off by a random amount
  up to ``click`` pixels in x and y (1 px: a careful click on the panel's
  260-pixel view of a 512-pixel picture is within half a screen pixel,
  1 picture pixel; 3 px: a quick one).
- **eyes of the portraits**: ``find_eyes`` against pupils marked by hand.

Run from the repository root::

    python bench/align_tolerance.py
"""

from __future__ import annotations

import itertools
import statistics
import time

import numpy as np

import hybridnb as hn
from hybridnb.filters.align import apply_transform, similarity_matrix, transform_parts, warp

PUPILS = {"hopper": [(221, 181), (303, 181)], "astronaut": [(218, 180), (309, 186)]}
ANGLES = (-30, -15, 0, 15, 30)
SCALES = (0.6, 1.0, 1.5)
SHIFTS = ((0, 0), (40, -30))


def moved(picture, angle, scale, shift):
    truth = similarity_matrix(angle, scale, shift=shift, centre=(255.5, 255.5))
    truth[:2, 2] += (64, 32)
    return warp(picture, truth, (576, 640), fill="mean"), truth


def corner_error(found, truth, box):
    x, y, side = box
    corners = np.array([(x, y), (x + side, y), (x, y + side), (x + side, y + side)])
    return float(np.hypot(*(apply_transform(found @ truth, corners) - corners).T).max())


def main() -> None:
    rng = np.random.default_rng(12)
    rows = {"auto": [], "hand, 1 px clicks": [], "hand, 3 px clicks": []}
    failures, seconds = [], []
    for name in PUPILS:
        original = hn.load_image(name, 512)
        reference = hn.find_eyes(original)
        for angle, scale, shift in itertools.product(ANGLES, SCALES, SHIFTS):
            copy, truth = moved(original, angle, scale, shift)
            started = time.perf_counter()
            try:
                found = hn.find_eyes(copy)
            except ValueError:
                failures.append((name, angle, scale, shift))
                continue
            seconds.append(time.perf_counter() - started)
            m = hn.align_transform(found.points, reference.points)
            turn, size, *_ = transform_parts(m @ truth)
            rows["auto"].append((corner_error(m, truth, reference.box), abs(turn), abs(size - 1)))
            eyes = np.array(PUPILS[name], dtype=float)
            for click, key in ((1.0, "hand, 1 px clicks"), (3.0, "hand, 3 px clicks")):
                near = eyes + rng.uniform(-click, click, eyes.shape)
                far = apply_transform(truth, eyes) + rng.uniform(-click, click, eyes.shape)
                m = hn.align_transform(far, near)
                turn, size, *_ = transform_parts(m @ truth)
                rows[key].append((corner_error(m, truth, reference.box), abs(turn), abs(size - 1)))
    cases = len(PUPILS) * len(ANGLES) * len(SCALES) * len(SHIFTS)
    print(f"{cases} moves: turns {ANGLES} degrees x scales {SCALES} x shifts {SHIFTS} px, 2 portraits\n")
    print("| how | moves recovered | corner error, median / worst (px at 512) | turn, worst | scale, worst |")
    print("| --- | --- | --- | --- | --- |")
    for key, values in rows.items():
        errors = [v[0] for v in values]
        print(f"| {key} | {len(values)} of {cases} | {statistics.median(errors):.2f} / {max(errors):.2f} | "
              f"{max(v[1] for v in values):.2f}° | {100 * max(v[2] for v in values):.2f} % |")  # fmt: skip
    print(f"\nnot found: {failures or 'none'}")
    print(f"find_eyes: median {statistics.median(seconds):.2f} s, worst {max(seconds):.2f} s per picture")
    print("\neyes of the portraits, found against marked by hand (px at 512):")
    for name, pupils in PUPILS.items():
        found = hn.find_eyes(hn.load_image(name, 512))
        print(f"  {name}: {np.hypot(*(found.points - pupils).T).round(1).tolist()}")


if __name__ == "__main__":
    main()
