"""The viewer's loss against the classic split, setting by setting, under the independent judges.

    PYTHONPATH=. python bench/quality/viewer_sweep.py --set tuning --size 256
    PYTHONPATH=. python bench/quality/viewer_sweep.py --set heldout --size 256   # run once, after the design is fixed

For each pair, the classic split's 9 settings in display values
(:func:`hybridnb.analysis.fronts.sweep_classic` with ``linear=(False,)``, the
recipe of Oliva et al.) and :func:`hybridnb.analysis.fronts.sweep_viewer` (the
same settings' splits shown through the viewer's loss) are scored by each
judge of ``judges.py``; it prints how many classic points the viewer sweep
matches or beats on both near and far visibility (within 0.005) and the mean
change in near and far visibility setting by setting, and the artefact
checks of the worst viewer hybrid.  ``--save DIR`` writes side-by-side
pictures.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import hybridnb as hn
from bench.quality import judges as J
from bench.quality import pairs as P
from bench.quality.evaluate import coverage
from hybridnb.analysis.fronts import sweep_classic, sweep_viewer

SETS = {"tuning": P.tuning_pairs, "stress": P.stress_pairs, "heldout": P.held_out_pairs}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=tuple(SETS), default="tuning")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--save", type=Path)
    args = parser.parse_args(argv)
    judges = J.all_judges()
    totals = {j.name: [0, 0] for j in judges}
    for name, (near, far) in SETS[args.set](args.size).items():
        started = time.perf_counter()
        classic = sweep_classic(near, far, linear=(False,))
        viewer = sweep_viewer(near, far, steps=args.steps)
        cells = []
        for judge in judges:
            score = judge.bind(near, far)
            c = np.array([[v.near, v.far] for v in (score(e.image) for e in classic)])
            o = np.array([[v.near, v.far] for v in (score(e.image) for e in viewer)])
            covered = coverage(c, o)[0]
            totals[judge.name][0] += covered
            totals[judge.name][1] += len(c)
            dn, df = (o - c).mean(axis=0)
            cells.append(f"{judge.name} {covered:2d}/{len(c)} near {dn:+.3f} far {df:+.3f}")
        worst = min(viewer, key=lambda e: e.scores.near + e.scores.far)
        a = J.artefacts(worst.image, near, far, classic[viewer.index(worst)].image)
        print(f"{name:22s} " + " | ".join(cells) + f" | {time.perf_counter() - started:.0f} s; worst: {a}", flush=True)
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            for c_entry, v_entry in zip(classic, viewer, strict=True):
                row = np.concatenate([c_entry.image, v_entry.image], axis=1)
                small = np.concatenate([hn.shrink_linear(c_entry.image, 8), hn.shrink_linear(v_entry.image, 8)], axis=1)
                tag = name.replace("/", "_")
                hn.save_image(row, args.save / f"{tag}-{v_entry.name}.png")
                hn.save_image(small, args.save / f"{tag}-{v_entry.name}-far.png")
    print("total: " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in totals.items()))


if __name__ == "__main__":
    main()
