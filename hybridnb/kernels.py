"""Gaussian kernel construction (kept apart from applying it, see ``blur``)."""

from __future__ import annotations

import math

import numpy as np


def make_gauss_blur_kernel(size: int, sigma: float) -> np.ndarray:
    """Return the article's 1-D Gaussian kernel, normalised to sum to 1.

    Tap ``i`` is ``exp(-(center - i)**2 / (2 sigma**2))`` with
    ``center = (size - 1) // 2``, divided by the sum of all taps.  For an
    even ``size`` the centre sits left of the middle, exactly as in the
    article.  The 2-D kernel is the outer product of this one with itself
    (the Gaussian is separable), which is why blurring needs only two 1-D
    convolutions.

    Parameters
    ----------
    size : int
        Number of taps, at least 1.  About ``6 * sigma + 1`` keeps the
        truncated tails below 0.3 % of the weight.
    sigma : float
        Standard deviation in pixels, > 0.

    Returns
    -------
    ndarray of float64, shape (size,)

    Raises
    ------
    ValueError
        If ``size < 1`` or ``sigma <= 0`` (or either is not finite).

    Examples
    --------
    The article's numbers for size 11 and sigma 2:

    >>> import hybridnb as hn
    >>> hn.make_gauss_blur_kernel(11, 2).round(8)[:6]
    array([0.00881223, 0.02714358, 0.06511406, 0.12164907, 0.17699836,
           0.20056541])
    """
    if isinstance(size, bool) or int(size) != size or size < 1:
        raise ValueError(f"kernel size must be a positive integer, got {size!r}")
    if not (math.isfinite(sigma) and sigma > 0):
        raise ValueError(f"sigma must be a positive number, got {sigma!r}")
    size = int(size)
    center = (size - 1) // 2
    x2 = (center - np.arange(size, dtype=np.float64)) ** 2
    result = np.exp(-x2 / (2.0 * float(sigma) ** 2))
    return result / np.sum(result)
