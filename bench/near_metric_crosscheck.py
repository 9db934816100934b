"""Cross-check the perceptual hybrid with a near metric that is not in its loss.

``perceptual_hybrid`` optimises ``1 - SSIM(x, near)``, the same index that
``hybrid_scores`` reports as near fidelity, so part of its win on that axis is
built in.  This script scores both sweeps of ``hybridnb.pareto`` again with an
independent near metric, the correlation of the fine detail (grey picture
minus its Gaussian blur, sigma 1.5 px) of the hybrid with that of the near
picture, against the same far SSIM, and prints how many classic settings the
optimised front leaves uncovered on each pair.

Run from the repository root: ``python bench/near_metric_crosscheck.py [--size 128]``.
"""

from __future__ import annotations

import argparse

import numpy as np

import hybridnb as hn
from hybridnb.analysis.fronts import sweep_classic, sweep_perceptual
from hybridnb.analysis.scores import uncovered
from hybridnb.filters.blur import lowpass

PAIRS = (("hopper", "astronaut"), ("cat", "coffee"), ("coffee", "camera"), ("astronaut", "hopper"))


def detail_correlation(x: np.ndarray, near: np.ndarray, sigma: float = 1.5) -> float:
    """Correlation of the fine detail of two pictures (grey, display values)."""

    def detail(a: np.ndarray) -> np.ndarray:
        grey = a.mean(axis=2, keepdims=True)
        return (grey - lowpass(grey, sigma)).ravel()

    return float(np.corrcoef(detail(x), detail(near))[0, 1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=128)
    args = parser.parse_args()
    samples = hn.sample_images()
    print("pair              uncovered (SSIM near)  uncovered (detail corr)  median detail corr classic / optimised")
    for near_name, far_name in PAIRS:
        near = hn.load_image(samples[near_name], args.size)
        far = hn.load_image(samples[far_name], args.size)
        classic, optimised = sweep_classic(near, far), sweep_perceptual(near, far)

        ssim_points = [np.array([[e.scores.near, e.scores.far] for e in es]) for es in (classic, optimised)]
        by_ssim = uncovered(*ssim_points)
        pc, po = (
            np.array([[detail_correlation(e.image, near), e.scores.far] for e in es]) for es in (classic, optimised)
        )
        by_detail = uncovered(pc, po)
        print(
            f"{near_name + '/' + far_name:17s} {len(by_ssim):3d}/{len(pc)}"
            f"{len(by_detail):22d}/{len(pc)}{np.median(pc[:, 0]):22.3f} / {np.median(po[:, 0]):.3f}"
        )


if __name__ == "__main__":
    main()
