"""Classic vs optimised hybrids: sweep both over their settings and compare fronts.

    python bench/pareto.py --near hopper --far astronaut --out pareto-out --size 256

The classic split of Oliva et al. (display values) at 3 x 3 settings
(``sigma_precise`` 1, 2, 4 x ``sigma_blurred`` 2, 4, 8 px at 256 px, scaled
with the size), and the optimised method, the viewer's loss
(:class:`hybridnb.ViewerLoss`), at the same settings: each classic split is
the ideal it shows within the display's range.  Writes every hybrid as
``OUT/classic-*.png`` and ``OUT/optimized-*.png`` (size x size), the scores
as ``OUT/scores.csv`` and ``OUT/scores.md``, the two fronts as
``OUT/fronts.png``, and prints the table and which classic settings (if any)
no optimised setting matches or beats on both near and far fidelity (the
package's SSIM scores, :mod:`hybridnb.analysis.scores`; the independent
viewer models are in ``bench/quality``).  NEAR and FAR are sample names or
picture files.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import hybridnb as hn
from hybridnb.analysis.fronts import score_points, sweep_classic, sweep_viewer, uncovered_entries
from hybridnb.optimize.settings import VIEWER


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--near", default=hn.DEFAULT_NEAR)
    parser.add_argument("--far", default=hn.DEFAULT_FAR)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=VIEWER.steps, help="steps of each optimised hybrid")
    args = parser.parse_args(argv)

    near, far = hn.load_image(args.near, size=args.size), hn.load_image(args.far, size=args.size)
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    classic = sweep_classic(near, far, linear=(False,))
    t1 = time.perf_counter()
    optimized = sweep_viewer(near, far, steps=args.steps)
    t2 = time.perf_counter()

    rows = []
    for e in classic + optimized:
        hn.save_image(e.image, args.out / f"{e.name}.png")
        rows.append((e.name, e.method, f"{e.scores.near:.4f}", f"{e.scores.far:.4f}", f"{e.scores.out_of_range:.4f}"))
    header = ("name", "method", "near_ssim", "far_ssim", "out_of_range")
    with open(args.out / "scores.csv", "w", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    table = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    table += ["| " + " | ".join(r) + " |" for r in rows]
    (args.out / "scores.md").write_text("\n".join(table) + "\n")
    print("\n".join(table))

    fig = hn.fronts_figure(
        {"classic": score_points(classic), "optimised": score_points(optimized)},
        title=f"{args.near} near / {args.far} far, {args.size} px",
    )
    fig.savefig(args.out / "fronts.png", dpi=110)

    missing = uncovered_entries(classic, optimized)
    print(f"\nclassic sweep {t1 - t0:.1f} s, optimised sweep {t2 - t1:.1f} s ({len(optimized)} hybrids)")
    if missing:
        print(f"NOT covered: {len(missing)} of {len(classic)} classic settings:")
        for e in missing:
            print(f"  {e.name}: near {e.scores.near:.4f}, far {e.scores.far:.4f}")
        return 1
    print(f"covered: every one of the {len(classic)} classic settings is matched or beaten on both scores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
