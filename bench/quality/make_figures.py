"""Build the committed figures of FINDINGS.md from the scripts' saved pictures.

``--degradation DIR``: DIR is ``degradation.py --save DIR``'s folder; writes
``figures/degradation_hopper_astronaut.png`` (the 1000-step pictures of the
package's sgd and fit and of three one-change variants, full size and shrunk
8x in linear light) and ``figures/degradation_zoom.png`` (the flag corner,
enlarged 2x, where the speckle is).  The evaluation figures come straight
from ``evaluate.py --figures``.

Run ``PYTHONPATH=. python bench/quality/make_figures.py --help``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

try:
    import figures_util as F
except ImportError:  # pragma: no cover
    from bench.quality import figures_util as F

HERE = Path(__file__).resolve().parent
RUNS = ("pkg_sgd", "pkg_fit", "near_lin", "reflect", "near_hp")


def degradation(folder: str, pair: str = "hopper-astronaut") -> None:
    """The degradation figures from ``degradation.py --save`` output."""
    import hybridnb as hn

    rows = [(n, hn.load_image(f"{folder}/{pair}-{n}.png", size=None)) for n in RUNS]
    F.side_by_side(rows, str(HERE / "figures" / f"degradation_{pair.replace('-', '_')}.png"))
    zoom = [(n, np.repeat(np.repeat(x[:80, :80], 2, axis=0), 2, axis=1)) for n, x in rows]
    F.side_by_side(zoom, str(HERE / "figures" / "degradation_zoom.png"))


def main(argv: list[str] | None = None) -> None:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--degradation", help="folder written by degradation.py --save")
    args = parser.parse_args(argv)
    if args.degradation:
        degradation(args.degradation)


if __name__ == "__main__":
    main()
