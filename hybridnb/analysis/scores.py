"""Scores of a hybrid image that do not depend on how it was made.

A hybrid should look like the near picture up close and like the far
picture from afar.  Both are measured with SSIM, the structural similarity
index of Wang, Bovik, Sheikh & Simoncelli (IEEE TIP 13(4), 2004; the formula
is in :mod:`hybridnb.filters.similarity`).

The scores of a hybrid ``h`` of near picture ``n`` and far picture ``f``:

- **near fidelity** ``SSIM(clip(h), n)``: the hybrid up close against the
  near picture, at full resolution;
- **far fidelity** ``SSIM(far(clip(h)), far(f))`` where ``far`` is
  :func:`hybridnb.shrink_linear` by ``far_factor`` (8 by default): what the
  eye collects from 8 times farther away, each cone averaging the light of
  an 8 x 8 block;
- **out-of-range fraction**: the share of values of ``h`` (pixels x
  channels) outside [0, 1] before clipping (0 for an optimised hybrid,
  whose sigmoid cannot leave the range).

All three are numbers in [0, 1]; higher fidelities are better.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import check_count, check_number, check_picture
from ..filters.similarity import SSIM_SIGMA, mean_ssim, ssim_window
from ..filters.viewing import shrink_linear, simulate_viewing


def ssim(x: np.ndarray, y: np.ndarray, *, data_range: float = 1.0, sigma: float = SSIM_SIGMA) -> float:
    """Mean structural similarity of two pictures (Wang et al. 2004).

    Parameters
    ----------
    x, y : ndarray, shape (H, W) or (H, W, C)
        Pictures of one shape, at least 11 x 11 (the window).
    data_range : float, optional
        ``L`` in the constants; 1 for values in [0, 1].
    sigma : float, optional
        Gaussian window sigma (1.5 as in the paper).

    Returns
    -------
    float
        1 for identical pictures; lower is less similar (can be negative).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> a = rng.random((32, 32, 3))
    >>> ssim(a, a)
    1.0
    >>> bool(ssim(a, rng.random((32, 32, 3))) < 0.1)
    True
    """
    data_range = check_number("data_range", data_range, positive=True)
    sigma = check_number("sigma", sigma, positive=True)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape or x.ndim not in (2, 3):
        raise ValueError(f"expected two (H, W) or (H, W, C) pictures of one shape, got {x.shape} and {y.shape}")
    taps = ssim_window(sigma).size
    if min(x.shape[:2]) < taps:
        raise ValueError(f"pictures must be at least {taps} x {taps} for SSIM, got {x.shape[:2]}")
    if x.ndim == 2:
        x, y = x[..., np.newaxis], y[..., np.newaxis]
    return float(mean_ssim(x[np.newaxis], y[np.newaxis], data_range=data_range, sigma=sigma)[0])


@dataclass(frozen=True)
class HybridScores:
    """Near fidelity, far fidelity and out-of-range fraction of one hybrid.

    See the module docstring for the definitions.
    """

    near: float
    far: float
    out_of_range: float

    def dominates(self, other: HybridScores, tol: float = 0.0) -> bool:
        """At least as good as ``other`` on both fidelities (within ``tol``).

        Examples
        --------
        >>> HybridScores(0.8, 0.9, 0.0).dominates(HybridScores(0.7, 0.9, 0.1))
        True
        """
        return self.near >= other.near - tol and self.far >= other.far - tol


def hybrid_scores(
    hybrid: np.ndarray, img_precise: np.ndarray, img_blurred: np.ndarray, *, far_factor: int = 8
) -> HybridScores:
    """Score a hybrid against its near and far pictures.

    Parameters
    ----------
    hybrid : ndarray, shape (H, W, 3)
        The hybrid in display values, clipped or not (values outside [0, 1]
        are counted, then clipped before scoring).
    img_precise, img_blurred : ndarray, shape (H, W, 3), values in [0, 1]
    far_factor : int, optional
        The far view is :func:`hybridnb.shrink_linear` by this factor; the
        shrunk picture must stay at least 11 x 11 (SSIM's window), so the
        pictures must be at least ``11 * far_factor`` pixels a side (88 for
        the default 8).

    Returns
    -------
    HybridScores

    Raises
    ------
    ValueError
        For pictures of different shapes, near or far pictures outside
        [0, 1], or pictures smaller than ``11 * far_factor`` pixels a side
        (the message gives that minimum and the pictures' size).

    Examples
    --------
    A picture is a perfect hybrid of itself with itself:

    >>> import hybridnb as hn
    >>> img = hn.load_image(hn.sample_images()["cat"], size=96)
    >>> hn.hybrid_scores(img, img, img)
    HybridScores(near=1.0, far=1.0, out_of_range=0.0)
    """
    far_factor = check_count("far_factor", far_factor)
    hybrid = np.asarray(hybrid, dtype=np.float64)
    if hybrid.ndim != 3 or hybrid.shape[2] != 3:
        raise ValueError(f"hybrid must be an (H, W, 3) picture, got shape {hybrid.shape}")
    img_precise = check_picture("img_precise", img_precise, hybrid.shape[:2])
    img_blurred = check_picture("img_blurred", img_blurred, hybrid.shape[:2])
    smallest = ssim_window(SSIM_SIGMA).size * far_factor
    if min(hybrid.shape[:2]) < smallest:
        raise ValueError(
            f"hybrid_scores needs pictures of at least {smallest} x {smallest} pixels (the far view shrinks them "
            f"{far_factor} times and SSIM needs 11 x 11), got {hybrid.shape[0]} x {hybrid.shape[1]}"
        )
    out_of_range = float(np.mean((hybrid < 0) | (hybrid > 1)))
    shown = np.clip(hybrid, 0.0, 1.0)
    near = ssim(shown, img_precise)
    far = ssim(shrink_linear(shown, far_factor), shrink_linear(img_blurred, far_factor))
    return HybridScores(near=near, far=far, out_of_range=out_of_range)


@dataclass(frozen=True)
class PerceptionCurve:
    """How a hybrid reads as the viewer steps back (see :func:`perception_curve`).

    Attributes
    ----------
    distances : ndarray, shape (D,)
        Metres.
    near, far : ndarray, shape (D,)
        SSIM of the hybrid's view to the near picture's view and to the far
        picture's view, at each distance.
    crossover : float or None
        The distance (interpolated) where ``far`` overtakes ``near``; None
        if it does not within ``distances``.
    """

    distances: np.ndarray
    near: np.ndarray
    far: np.ndarray
    crossover: float | None


def perception_curve(
    hybrid: np.ndarray,
    img_precise: np.ndarray,
    img_blurred: np.ndarray,
    distances: np.ndarray,
    *,
    width: float = 0.3,
) -> PerceptionCurve:
    """Similarity of a hybrid's view to the near and the far picture's views.

    At each distance, the hybrid, the near and the far picture are all seen
    through :func:`hybridnb.simulate_viewing` (a picture ``width`` metres
    wide, the eye's acuity as a blur in linear light), and the hybrid's view
    is compared with SSIM to each of the others' views.  Up close the hybrid
    should resemble the near picture; from afar, the far one.

    Examples
    --------
    >>> import numpy as np
    >>> import hybridnb as hn
    >>> near = hn.load_image(hn.sample_images()["hopper"], size=64)
    >>> far = hn.load_image(hn.sample_images()["astronaut"], size=64)
    >>> h = hn.classic_hybrid(near, far, 1.0, 3.0).image
    >>> curve = perception_curve(h, near, far, np.geomspace(0.3, 100, 9))
    >>> bool(curve.near[0] > curve.far[0] and curve.far[-1] > curve.near[-1])
    True
    >>> 0.3 < curve.crossover < 100
    True
    """
    distances = np.asarray(distances, dtype=np.float64)
    near_sim, far_sim = [], []
    for d in distances:
        seen = simulate_viewing(np.clip(hybrid, 0, 1), d, width=width)
        near_sim.append(ssim(seen, simulate_viewing(img_precise, d, width=width)))
        far_sim.append(ssim(seen, simulate_viewing(img_blurred, d, width=width)))
    near_sim, far_sim = np.array(near_sim), np.array(far_sim)
    diff = far_sim - near_sim
    crossover = None
    for i in range(1, len(distances)):
        if diff[i - 1] < 0 <= diff[i]:
            # interpolate on a log-distance axis
            t = -diff[i - 1] / (diff[i] - diff[i - 1])
            crossover = float(np.exp(np.log(distances[i - 1]) + t * np.log(distances[i] / distances[i - 1])))
            break
    return PerceptionCurve(distances=distances, near=near_sim, far=far_sim, crossover=crossover)


def pareto_front(points: np.ndarray) -> np.ndarray:
    """Indices of the points not dominated on both coordinates (higher is better).

    Examples
    --------
    >>> pareto_front(np.array([[0.5, 0.9], [0.4, 0.8], [0.6, 0.7]])).tolist()
    [0, 2]
    """
    points = np.asarray(points, dtype=np.float64)
    keep = []
    for i, p in enumerate(points):
        dominated = np.any(np.all(points >= p, axis=1) & np.any(points > p, axis=1))
        if not dominated:
            keep.append(i)
    return np.array(keep, dtype=int)


def uncovered(front: np.ndarray, by: np.ndarray, tol: float = 0.0) -> np.ndarray:
    """Indices of points of ``front`` that no point of ``by`` dominates (within ``tol``).

    ``by`` *covers* ``front`` when this is empty: for every point of
    ``front`` some point of ``by`` is at least as good on both coordinates.

    Examples
    --------
    >>> uncovered(np.array([[0.4, 0.9], [0.6, 0.7]]), np.array([[0.5, 0.9]])).tolist()
    [1]
    """
    front = np.asarray(front, dtype=np.float64).reshape(-1, 2)
    by = np.asarray(by, dtype=np.float64).reshape(-1, 2)
    return np.array(
        [i for i, p in enumerate(front) if not np.any(np.all(by >= p - tol, axis=1))],
        dtype=int,
    )
