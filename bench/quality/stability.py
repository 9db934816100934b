"""Does any artefact grow with steps, and does the look depend on the pixel count?

Two checks of the viewer loss (``viewer_loss.py``) at the balance rule's
crossover, against the classic split (2 / 4 px at 256 px, scaled):

- **steps**: the hybrid after 10, 50, 200 and 1000 Adam steps at one size:
  loss, fine-texture noise, stuck values, border step, colour shift, and the
  judges' (near, far);
- **sizes**: the same pair and parameters at 256, 512 and 1024 px: the
  crossover the balance rule picks (cycles per picture, should not move),
  the judges' (near, far) (size-independent judges: should not move), the
  artefacts, and the time per step.  ``--figure`` writes each size's hybrid
  shrunk to 128 px in linear light side by side.

Run ``PYTHONPATH=. python bench/quality/stability.py --help``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

try:
    import judges as J
    import pairs as P
    import viewer_loss as V
except ImportError:  # pragma: no cover
    from bench.quality import judges as J
    from bench.quality import pairs as P
    from bench.quality import viewer_loss as V


def _row(label: str, x: np.ndarray, near, far, ref, scorers) -> str:
    a = J.artefacts(x, near, far, ref)
    vis = " ".join(f"{n} {v.near:.3f}/{v.far:.3f}" for n, v in ((s[0], s[1](x)) for s in scorers))
    return (
        f"{label:>10s}  noise {a.noise_vs_near:5.2f}  stuck {100 * a.stuck:5.2f}%  frame {a.frame:+.3f}  "
        f"dE(c2/4) {a.de_mean_vs_classic:5.2f}  dE(afar) {a.de_afar:5.2f}  contrast {a.contrast_vs_classic:4.2f}  {vis}"
    )


def steps_check(pair: str, size: int, steps=(10, 50, 200, 1000)) -> None:
    """Artefacts and visibilities over the number of steps."""
    import hybridnb as hn

    near, far = P.load_pair(*pair.split("/"), size)
    ref = hn.classic_hybrid(near, far, 2 * size / 256, 4 * size / 256).image
    scorers = [(j.name, j.bind(near, far)) for j in J.all_judges()]
    t = V.prepare(near, far)
    print(f"\n## {pair} at {size} px, crossover {t.crossover:.1f} cycles per picture")
    print(_row("classic", ref, near, far, ref, scorers))
    x0 = V.start_image(t)
    print(_row("start", x0, near, far, ref, scorers) + f"  loss {V.loss_value(t, x0)[0]:.5f}")
    _, pics = V.fit(t, max(steps), checkpoints=tuple(steps))
    for k, x in pics.items():
        print(_row(f"{k} steps", x, near, far, ref, scorers) + f"  loss {V.loss_value(t, x)[0]:.5f}")


def sizes_check(pair: str, sizes=(256, 512, 1024), steps: int = 200, figure: str | None = None) -> None:
    """Crossover, visibilities, artefacts and time per step over picture sizes."""
    import hybridnb as hn

    print(f"\n## {pair}: same parameters at several sizes ({steps} steps)")
    shrunk = []
    for size in sizes:
        near, far = P.load_pair(*pair.split("/"), size)
        ref = hn.classic_hybrid(near, far, 2 * size / 256, 4 * size / 256).image
        scorers = [(j.name, j.bind(near, far)) for j in J.all_judges()]
        t0 = time.perf_counter()
        t = V.prepare(near, far)
        t1 = time.perf_counter()
        V.fit(t, 2)  # trace this size
        t2 = time.perf_counter()
        x, _ = V.fit(t, steps)
        t3 = time.perf_counter()
        print(
            _row(f"{size} px", x, near, far, ref, scorers)
            + f"  crossover {t.crossover:.1f}  prepare {t1 - t0:.2f} s  {(t3 - t2) / steps * 1000:.0f} ms/step"
        )
        shrunk.append(hn.shrink_linear(x, size // 128))
    if figure:
        hn.save_image(np.concatenate(shrunk, axis=1), figure)


def main(argv: list[str] | None = None) -> None:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", nargs="+", default=["hopper/astronaut", "cat/coffee"])
    parser.add_argument("--size", type=int, default=256, help="size of the steps check")
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 512, 1024])
    parser.add_argument("--part", choices=("steps", "sizes", "all"), default="all")
    parser.add_argument("--figure", help="PNG prefix for the sizes figure")
    args = parser.parse_args(argv)
    for pair in args.pairs:
        if args.part in ("steps", "all"):
            steps_check(pair, args.size)
        if args.part in ("sizes", "all"):
            fig = f"{args.figure}-{pair.replace('/', '-')}.png" if args.figure else None
            sizes_check(pair, tuple(args.sizes), figure=fig)


if __name__ == "__main__":
    main()
