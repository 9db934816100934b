"""The classic split as an *ideal*: does showing it through the viewer loss help, setting by setting?

For each of the classic split's 9 settings (sigma_precise (1, 2, 4) x
sigma_blurred (2, 4, 8) px at 256 px, as cutoffs in cycles per picture), the
viewer loss's split mode (:func:`viewer_loss.split_targets`) aims both views
at the unclipped split formed in its own domain (linear light, Weber
normalised, near picture re-lit) and finds the displayable picture that
looks most like it from near and from afar.  The balance is the classic's
own, so the comparison is paired: same setting, classic (display values,
clipped) against the viewer loss.  Printed per pair and judge: the
per-setting change of near and far visibility, and the coverage of the 9
classic points by the 9 viewer-loss points.

Run ``PYTHONPATH=. python bench/quality/ideal_split.py --help``.
"""

from __future__ import annotations

import argparse

import numpy as np

try:
    import evaluate as E
    import judges as J
    import pairs as P
    import viewer_loss as V
except ImportError:  # pragma: no cover
    from bench.quality import evaluate as E
    from bench.quality import judges as J
    from bench.quality import pairs as P
    from bench.quality import viewer_loss as V


def main(argv: list[str] | None = None) -> None:
    """Command line (see the module docstring)."""
    import hybridnb as hn

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=("tuning", "heldout"), default="tuning")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args(argv)
    pairs = P.tuning_pairs(args.size) if args.set == "tuning" else P.held_out_pairs(args.size)
    k = args.size / 256.0
    print(f"# {args.set} pairs at {args.size} px; per setting (sp/sb) the viewer loss minus the classic")
    print("# settings: " + " ".join(f"{sp:g}/{sb:g}" for sp, sb in E.CLASSIC))
    for name, (near, far) in pairs.items():
        t = V.prepare(near, far, crossover=20.0)
        classic, mine = [], []
        for sp, sb in E.CLASSIC:
            classic.append(hn.classic_hybrid(near, far, sp * k, sb * k).image)
            ts = V.split_targets(t, hn.sigma_to_cutoff(sp, 256), hn.sigma_to_cutoff(sb, 256))
            mine.append(V.fit(ts, args.steps)[0])
        for judge in J.all_judges():
            sc = judge.bind(near, far)
            cp = np.array([[v.near, v.far] for v in map(sc, classic)])
            mp = np.array([[v.near, v.far] for v in map(sc, mine)])
            cov, _ = E.coverage(cp, mp[np.argsort(-mp[:, 0])])
            d = mp - cp
            print(
                f"{name:22s} {judge.name:8s} cover {cov}/9  near {' '.join(f'{v:+.3f}' for v in d[:, 0])}  "
                f"far {' '.join(f'{v:+.3f}' for v in d[:, 1])}"
            )
        arts = [J.artefacts(x, near, far, classic[4]) for x in mine]
        print(
            f"{name:22s} artefacts: noise<= {max(a.noise_vs_near for a in arts):.2f}  stuck<= "
            f"{100 * max(a.stuck for a in arts):.1f}% (classic {100 * max(a.stuck_classic for a in arts):.1f}%)  "
            f"frame>= {min(a.frame for a in arts):+.3f}  dE(afar)<= {max(a.de_afar for a in arts):.2f}"
        )


if __name__ == "__main__":
    main()
