"""What a viewer sees of a hybrid: the ideal split, the viewer's signal, visibilities, the balance.

A hybrid should show the near picture's detail up close and the far
picture's structure from afar.  The *ideal* hybrid is the classic split at a
crossover (:func:`ideal_split`): the far picture below ``far_cutoff`` cycles
per picture plus the near picture above ``near_cutoff``, formed in linear
light (the eye adds photons) or in display values (the classic recipe).  A
display cannot show all of it: the sum leaves [0, 1].
:class:`hybridnb.optimize.viewer.ViewerLoss` finds the picture in range that
looks most like it to a viewer at both distances; this module holds the NumPy
half of that: the viewer's signal (:func:`signal`: luminance and colour
differences of display values, where equal steps look about equally
large), what it sees at a distance
(:func:`view`), how much of each picture it recognises (:func:`visibilities`),
and the crossover at which both pictures are equally visible
(:func:`balanced_crossover`), with a hint when one dominates (:func:`advice`).

All parameters are in picture widths and cycles per picture, so nothing
depends on the pixel count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..arrays import clip
from ..checks import check_choice, check_number, check_picture
from ..imaging.color import GAMMA, linear_to_srgb
from ..imaging.io import resize
from .classic import classic_split
from .eye import FAR_FLOOR, OPPONENT, dct_matrix, view_weights
from .kernels import kernel_size_for, make_gauss_blur_kernel
from .viewing import cutoff_to_sigma

#: Where the split is formed.
SPACES = ("display", "linear")
#: The default viewing distances, picture widths: a picture at arm's length, and eight times farther.
NEAR_DISTANCE, FAR_DISTANCE = 4.0, 32.0
#: The balance rule works on pictures of at most this many pixels a side (enough for its cycles).
BALANCE_SIZE = 128
#: Crossovers the balance rule searches, cycles per picture.
CROSSOVER_RANGE = (2.0, 96.0)


def split_kernel(cutoff: float, size: int) -> np.ndarray:
    """The Gaussian kernel whose half-amplitude cutoff is ``cutoff`` cycles per ``size``-pixel picture.

    Examples
    --------
    >>> split_kernel(16.0, 256).size
    19
    """
    cutoff = check_number("cutoff", cutoff, positive=True)
    sigma = float(cutoff_to_sigma(cutoff, size))
    return make_gauss_blur_kernel(kernel_size_for(sigma), sigma)


def ideal_split(
    near: np.ndarray, far: np.ndarray, near_cutoff: float, far_cutoff: float, *, space: str = "display", gamma=GAMMA
) -> np.ndarray:
    """The ideal hybrid: the far picture below ``far_cutoff`` plus the near picture above ``near_cutoff``.

    Parameters
    ----------
    near, far : ndarray, shape (H, W, 3), display values in [0, 1]
    near_cutoff, far_cutoff : float
        Cycles per picture width where each picture's Gaussian filter passes
        half the amplitude (equal: a crossover).
    space : {"display", "linear"}
        Form the sum in display values (the classic recipe) or in linear light (returns light).
    gamma : float, optional

    Returns
    -------
    ndarray, shape (H, W, 3)
        The unclipped sum, in ``space``'s values (may leave [0, 1]).

    Examples
    --------
    >>> grey = np.full((32, 32, 3), 0.5)
    >>> round(float(ideal_split(grey, grey, 8.0, 8.0, space="display")[16, 16, 0]), 6)
    0.5
    """
    check_choice("space", space, SPACES)
    size = near.shape[1]
    kernels = split_kernel(near_cutoff, size), split_kernel(far_cutoff, size)
    return classic_split(near[None], far[None], *kernels, linear=space == "linear", gamma=gamma)[0]


def shown(ideal: np.ndarray, space: str, margin: float = 0.0, gamma=GAMMA) -> np.ndarray:
    """The ideal clipped to what a display shows (``margin`` inside (0, 1)), in display values.

    Examples
    --------
    >>> shown(np.array([-0.5, 0.25, 2.0]), "display", 0.01)
    array([0.01, 0.25, 0.99])
    """
    if space == "linear":
        return linear_to_srgb(clip(ideal, margin**gamma, (1.0 - margin) ** gamma), gamma)
    return clip(ideal, margin, 1.0 - margin)


def ideal_display(ideal: np.ndarray, space: str, gamma=GAMMA) -> np.ndarray:
    """The ideal in display values, beyond [0, 1] where it leaves the display (a signed power for light).

    Examples
    --------
    >>> ideal_display(np.array([-0.25, 0.25, 1.0]), "linear", 2.0)
    array([-0.5,  0.5,  1. ])
    """
    if space != "linear":
        return ideal
    return np.sign(ideal) * np.abs(ideal) ** (1.0 / gamma)


def signal(image: np.ndarray) -> np.ndarray:
    """What the viewer compares: luminance and two colour differences of display values, shape (3, H, W).

    Examples
    --------
    >>> signal(np.ones((2, 2, 3)))[:, 0, 0].round(6)
    array([1., 0., 0.])
    """
    return np.einsum("kc,hwc->khw", OPPONENT, image)


def view(channel: np.ndarray, distance: float, *, floor: float = 0.0) -> np.ndarray:
    """One channel (H, W) of :func:`signal` as seen from ``distance`` picture widths (luminance sensitivity).

    Examples
    --------
    Fine stripes (32 cycles per picture, a DCT pattern) fade from afar:

    >>> from hybridnb.filters.eye import dct_matrix
    >>> stripes = np.outer(np.ones(128), dct_matrix(128)[64])
    >>> bool(np.abs(view(stripes, 64.0)).max() < 0.3 * np.abs(view(stripes, 2.0)).max())
    True
    """
    h, w = channel.shape
    ch, cw = dct_matrix(h), dct_matrix(w)
    weights = view_weights(h, w, distance, floor=floor)[0]
    return ch.T @ (weights * (ch @ channel @ cw.T)) @ cw


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    denominator = math.sqrt(float((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / denominator) if denominator > 0 else 0.0


@dataclass(frozen=True)
class Visibility:
    """How much of each picture a viewer recognises in a hybrid (correlations of luminance views, -1 to 1).

    Attributes
    ----------
    near : float
        The hybrid up close against the near picture up close.
    far : float
        The hybrid from afar against the far picture from afar.
    """

    near: float
    far: float


def visibilities(
    hybrid: np.ndarray,
    near: np.ndarray,
    far: np.ndarray,
    *,
    near_distance: float = NEAR_DISTANCE,
    far_distance: float = FAR_DISTANCE,
) -> Visibility:
    """How visible the near picture is up close and the far picture from afar, to this package's viewer.

    The viewer of :class:`hybridnb.optimize.viewer.ViewerLoss` (not an
    independent judge: ``bench/quality/judges.py`` has those).

    Examples
    --------
    >>> import hybridnb as hn
    >>> near, far = hn.load_image("hopper", 64), hn.load_image("astronaut", 64)
    >>> v = visibilities(near, near, far)
    >>> round(v.near, 6), v.far < 0.9
    (1.0, True)
    """
    lum = [signal(x)[0] for x in (hybrid, near, far)]
    return Visibility(
        near=_correlation(view(lum[0], near_distance), view(lum[1], near_distance)),
        far=_correlation(view(lum[0], far_distance, floor=FAR_FLOOR), view(lum[2], far_distance, floor=FAR_FLOOR)),
    )


def balanced_crossover(
    near: np.ndarray,
    far: np.ndarray,
    *,
    space: str = "display",
    near_distance: float = NEAR_DISTANCE,
    far_distance: float = FAR_DISTANCE,
    gamma=GAMMA,
) -> float:
    """The crossover (cycles per picture) at which both pictures are about equally visible.

    Bisection on the logarithm of the crossover over :data:`CROSSOVER_RANGE`:
    the ideal split at each candidate, clipped to the display, is judged by
    :func:`visibilities`; a higher crossover gives the far picture more of
    the frequencies.  It runs on copies of at most :data:`BALANCE_SIZE`
    pixels (cycles per picture do not depend on the size), in about 0.1 s.

    Examples
    --------
    >>> import hybridnb as hn
    >>> near, far = hn.load_image("hopper", 128), hn.load_image("astronaut", 128)
    >>> 4 < balanced_crossover(near, far) < 64
    True
    """
    near = check_picture("near", near)
    far = check_picture("far", far, near.shape[:2])
    if near.shape[1] > BALANCE_SIZE:
        near, far = resize(near, BALANCE_SIZE), resize(far, BALANCE_SIZE)

    def excess(crossover: float) -> float:
        ideal = ideal_split(near, far, crossover, crossover, space=space, gamma=gamma)
        v = visibilities(shown(ideal, space, gamma=gamma), near, far, near_distance=near_distance,
                         far_distance=far_distance)  # fmt: skip
        return v.near - v.far

    low, high = (math.log(c) for c in CROSSOVER_RANGE)
    if excess(math.exp(high)) > 0:
        return CROSSOVER_RANGE[1]
    if excess(math.exp(low)) < 0:
        return CROSSOVER_RANGE[0]
    for _ in range(10):
        middle = (low + high) / 2
        low, high = (middle, high) if excess(math.exp(middle)) > 0 else (low, middle)
    return round(math.exp((low + high) / 2), 1)


def advice(visibility: Visibility, crossover: float, tolerance: float = 0.15) -> str | None:
    """What to change when one picture dominates the other (None when they are balanced).

    Examples
    --------
    >>> print(advice(Visibility(0.9, 0.4), 16.0))  # doctest: +NORMALIZE_WHITESPACE
    the near picture dominates (visibility 0.90 up close, 0.40 from afar): raise the crossover above 16 cycles
    per picture to show more of the far picture
    >>> advice(Visibility(0.7, 0.75), 16.0) is None
    True
    """
    gap = visibility.near - visibility.far
    if abs(gap) <= tolerance:
        return None
    seen = f"(visibility {visibility.near:.2f} up close, {visibility.far:.2f} from afar)"
    if gap > 0:
        change, side = f"raise the crossover above {crossover:g}", "far"
    else:
        change, side = f"lower the crossover below {crossover:g}", "near"
    dominant = "near" if gap > 0 else "far"
    return f"the {dominant} picture dominates {seen}: {change} cycles per picture to show more of the {side} picture"
