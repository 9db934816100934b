"""Coverage of the classic split by the viewer loss, under every judge, with artefact checks.

For each pair: the classic split (``hn.classic_hybrid``, display values, the
original recipe) over its 9 settings, sigma_precise (1, 2, 4) x
sigma_blurred (2, 4, 8) px at 256 px scaled with the size; and the viewer
loss (``viewer_loss.py``) over 9 crossovers, 4.2 to 68 cycles per picture
(half-octave steps), plus the balance rule's own crossover.  Every picture
is scored by every judge (``judges.py``) and checked for artefacts.

Reported per pair and judge:

- **coverage**: how many of the 9 classic points some viewer-loss point
  matches or beats on *both* near and far visibility (within ``--tol``,
  0.005); ``interp`` also counts points on the straight segments between
  neighbouring crossovers (the crossover is a continuous slider);
- **gain**: median over classic points of (viewer far visibility at the
  classic point's near visibility, interpolated along the sweep) minus the
  classic far visibility; ``n/a`` where the sweep does not reach that near
  visibility;
- **balanced**: the judge's (near, far) of the balance rule's hybrid.

Artefacts over each method's sweep (worst case): fine-texture noise relative
to the near picture, lightness contrast relative to the middle classic
setting (sigma 2 / 4), mean colour shift (CIE76) against the far picture
(worst over the sweep; per-pixel mean Lab, and the colour of the mean
light, seen from very far) and of the last picture (the classic 2/4 itself, the
viewer loss's balanced hybrid) against the classic 2/4, border step against
the near picture, share of values at 0 or 255.

``--set tuning`` uses the bundled samples' pairs (what the loss was designed
on); ``--set stress`` two code-made tuning stress pairs (a star field near,
a binary ring far), added after the first held-out run showed those failure
modes; ``--set heldout`` the held-out pairs (run once, after the design was
fixed).  ``--json`` saves every point; ``--figures`` saves a side-by-side
PNG per pair (classic 2/4, the viewer loss at the balance rule, and at the
crossover whose judged near visibility is closest to the classic's).

Run ``PYTHONPATH=. python bench/quality/evaluate.py --help``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import time

import numpy as np

try:
    import figures_util as F
    import judges as J
    import pairs as P
    import viewer_loss as V
except ImportError:  # pragma: no cover
    from bench.quality import figures_util as F
    from bench.quality import judges as J
    from bench.quality import pairs as P
    from bench.quality import viewer_loss as V

CLASSIC = tuple((sp, sb) for sp in (1.0, 2.0, 4.0) for sb in (2.0, 4.0, 8.0))
CROSSOVERS = tuple(6.0 * 2.0 ** (k / 2.0) for k in range(-1, 8))


def coverage(classic: np.ndarray, mine: np.ndarray, tol: float = 0.005) -> tuple[int, int]:
    """Classic points (rows: near, far) matched or beaten on both axes: by a point, and along the segments.

    ``mine`` must be ordered along the slider.

    Examples
    --------
    >>> coverage(np.array([[0.5, 0.5]]), np.array([[0.6, 0.4], [0.4, 0.6]]))
    (0, 1)
    """
    by_point = by_segment = 0
    for cn, cf in classic:
        if np.any((mine[:, 0] >= cn - tol) & (mine[:, 1] >= cf - tol)):
            by_point += 1
            by_segment += 1
            continue
        for a, b in itertools.pairwise(mine):
            lo, hi = 0.0, 1.0
            for axis, target in ((0, cn - tol), (1, cf - tol)):
                d = b[axis] - a[axis]
                if abs(d) < 1e-12:
                    if a[axis] < target:
                        lo, hi = 1.0, 0.0
                elif d > 0:
                    lo = max(lo, (target - a[axis]) / d)
                else:
                    hi = min(hi, (target - a[axis]) / d)
            if lo <= hi:
                by_segment += 1
                break
    return by_point, by_segment


def matched_gain(classic: np.ndarray, mine: np.ndarray) -> tuple[float, int]:
    """Median far-visibility gain at matched near visibility, and how many classic points it covers.

    Examples
    --------
    >>> matched_gain(np.array([[0.5, 0.5]]), np.array([[0.6, 0.4], [0.4, 0.8]]))
    (0.1, 1)
    """
    gains = []
    for cn, cf in classic:
        best = -math.inf
        for a, b in itertools.pairwise(mine):
            lo, hi = sorted((a[0], b[0]))
            if lo <= cn <= hi:
                t = 0.0 if hi == lo else (cn - a[0]) / (b[0] - a[0])
                best = max(best, a[1] + t * (b[1] - a[1]))
        if best > -math.inf:
            gains.append(best - cf)
    return (float(np.median(gains)) if gains else float("nan")), len(gains)


def classic_images(near: np.ndarray, far: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """The classic split's 9 settings, sigmas scaled from 256 px to this size."""
    import hybridnb as hn

    k = near.shape[0] / 256.0
    return [(f"c{sp:g}/{sb:g}", hn.classic_hybrid(near, far, sp * k, sb * k).image) for sp, sb in CLASSIC]


def viewer_images(
    near: np.ndarray, far: np.ndarray, params: V.Params, steps: int, crossovers=CROSSOVERS
) -> tuple[list[tuple[str, np.ndarray]], tuple[str, np.ndarray], float]:
    """The viewer loss over ``crossovers`` (one prepared pair, crossover changed in place) and at its balance."""
    t = V.prepare(near, far, params)
    balanced_fc = t.crossover
    out = []
    for fc in crossovers:
        V.set_crossover(t, fc)
        image, _ = V.fit(t, steps)
        out.append((f"v{fc:.1f}", image))
    V.set_crossover(t, balanced_fc)
    image, _ = V.fit(t, steps)
    return out, (f"vbal{balanced_fc:.1f}", image), balanced_fc


def artefact_summary(images: list[np.ndarray], near, far, ref) -> dict[str, float]:
    """Worst case of :func:`judges.artefacts` over a sweep."""
    arts = [J.artefacts(x, near, far, ref) for x in images]
    return {
        "noise_max": max(a.noise_vs_near for a in arts),
        "contrast_min": min(a.contrast_vs_classic for a in arts),
        "dE_far_max": max(a.de_mean_vs_far for a in arts),
        "dE_afar_max": max(a.de_afar for a in arts),
        "dE_mid": arts[-1].de_mean_vs_classic,
        "frame_min": min(a.frame for a in arts),
        "stuck_max": max(a.stuck for a in arts),
    }


def evaluate_pair(name: str, near: np.ndarray, far: np.ndarray, params: V.Params, steps: int, tol: float, figures):
    """Everything for one pair; prints a block and returns a JSON-able dict."""
    t0 = time.perf_counter()
    classic = classic_images(near, far)
    mine, balanced, fc = viewer_images(near, far, params, steps)
    t1 = time.perf_counter()
    judges = J.all_judges()
    result: dict = {"pair": name, "balanced_crossover": fc, "judges": {}}
    print(f"\n## {name}  (balance rule: {fc:.1f} cycles per picture; pictures made in {t1 - t0:.0f} s)")
    print(f"{'judge':8s} {'cover':>6s} {'interp':>6s} {'gain':>7s} {'(n)':>4s}  {'balanced n/f':>12s}  classic 2/4 n/f")
    for judge in judges:
        sc = judge.bind(near, far)
        cp = np.array([[v.near, v.far] for v in (sc(x) for _, x in classic)])
        mp = np.array([[v.near, v.far] for v in (sc(x) for _, x in mine)])
        bv = sc(balanced[1])
        ghost = [sc(x).ghost for _, x in (classic[4], balanced)]
        cov, cov_i = coverage(cp, mp, tol)
        gain, n = matched_gain(cp, mp)
        print(
            f"{judge.name:8s} {cov:4d}/9 {cov_i:4d}/9 {gain:+7.3f} {n:4d}  {bv.near:5.3f}/{bv.far:5.3f}  "
            f"{cp[4, 0]:5.3f}/{cp[4, 1]:5.3f}  ghost classic {ghost[0]:.3f} balanced {ghost[1]:.3f}"
        )
        result["judges"][judge.name] = {
            "classic": cp.tolist(),
            "viewer": mp.tolist(),
            "balanced": [bv.near, bv.far],
            "coverage": cov,
            "coverage_interp": cov_i,
            "gain": gain,
            "gain_n": n,
            "ghost_classic_mid": ghost[0],
            "ghost_balanced": ghost[1],
        }
    ref = classic[4][1]
    arts = {
        "classic": artefact_summary([x for _, x in classic] + [ref], near, far, ref),
        "viewer": artefact_summary([x for _, x in mine] + [balanced[1]], near, far, ref),
    }
    b = J.artefacts(balanced[1], near, far, ref)
    arts["balanced"] = {
        "noise": b.noise_vs_near,
        "contrast": b.contrast_vs_classic,
        "dE_afar": b.de_afar,
        "dE_afar_classic": J.artefacts(ref, near, far, ref).de_afar,
        "frame": b.frame,
        "stuck": b.stuck,
    }
    result["artefacts"] = arts
    bal = arts["balanced"]
    print(
        f"balanced viewer hybrid: noise {bal['noise']:.2f}  contrast {bal['contrast']:.2f}  dE(afar) "
        f"{bal['dE_afar']:.2f} (classic 2/4 {bal['dE_afar_classic']:.2f})  frame {bal['frame']:+.3f}  "
        f"stuck {100 * bal['stuck']:.1f}%"
    )
    for k in ("classic", "viewer"):
        a = arts[k]
        print(
            f"artefacts {k:7s}: noise<= {a['noise_max']:.2f}  contrast>= {a['contrast_min']:.2f}  "
            f"dE(far)<= {a['dE_far_max']:.2f}  dE(afar)<= {a['dE_afar_max']:.2f}  dE(last vs c2/4) {a['dE_mid']:.2f}  "
            f"frame>= {a['frame_min']:+.3f}  "
            f"stuck<= {100 * a['stuck_max']:.1f}%"
        )
    if figures:
        msy = judges[0].bind(near, far)
        cn = msy(classic[4][1]).near
        closest = min(mine, key=lambda item: abs(msy(item[1]).near - cn))
        F.side_by_side(
            [("classic 2/4", classic[4][1]), (balanced[0], balanced[1]), (closest[0], closest[1])],
            f"{figures}/{name.replace('/', '-')}.png",
        )
    return result


def main(argv: list[str] | None = None) -> None:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=("tuning", "stress", "heldout"), default="tuning")
    parser.add_argument("--pairs", nargs="*", help="only these pairs (names as printed)")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--tol", type=float, default=0.005)
    parser.add_argument("--beta", type=float, default=V.BETA)
    parser.add_argument("--l0", type=float, default=V.L0)
    parser.add_argument("--chroma-weight", type=float, default=V.CHROMA_WEIGHT)
    parser.add_argument("--adaptation", choices=("mean", "log"), default="mean")
    parser.add_argument("--balance", choices=("model", "log"), default="model")
    parser.add_argument("--json", help="save every point here")
    parser.add_argument("--figures", help="folder for side-by-side PNGs")
    args = parser.parse_args(argv)
    params = V.Params(
        beta=args.beta, l0=args.l0, chroma_weight=args.chroma_weight, adaptation=args.adaptation, balance=args.balance
    )
    loaders = {"tuning": P.tuning_pairs, "stress": P.stress_pairs, "heldout": P.held_out_pairs}
    pairs = loaders[args.set](args.size)
    if args.pairs:
        pairs = {k: v for k, v in pairs.items() if k in args.pairs}
    print(f"# {args.set} pairs at {args.size} px, {args.steps} Adam steps, {params}")
    results = [evaluate_pair(k, n, f, params, args.steps, args.tol, args.figures) for k, (n, f) in pairs.items()]
    print("\n# summary: coverage (points / along the slider) per pair and judge")
    names = [j.name for j in J.all_judges()]
    print(f"{'pair':22s} " + " ".join(f"{n:>13s}" for n in names))
    for r in results:
        cells = " ".join(
            f"{r['judges'][n]['coverage']:>5d}/{r['judges'][n]['coverage_interp']:d} {r['judges'][n]['gain']:+.3f}"
            for n in names
        )
        print(f"{r['pair']:22s} {cells}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"args": vars(args), "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
