"""Test patterns that make blurring and gamma visible.

Photographs mix every frequency and brightness at once; these synthetic
pictures isolate one effect each, which is why the teaching notebooks use
them before turning to photos:

- :func:`stripes` and :func:`stripe_chart`: black and white lines that the
  eye (or a blur) averages into one grey, to show *which* grey that is;
- :func:`chirp`: stripes whose frequency rises across the picture, so a
  blur's frequency response can be seen directly as fading contrast.

All patterns are float64 (H, W, 3) arrays in [0, 1], like
:func:`hybridnb.load_image`.
"""

from __future__ import annotations

import numpy as np

from ..checks import check_count
from ..imaging.color import GAMMA, linear_to_srgb


def _rgb(grey: np.ndarray) -> np.ndarray:
    return np.repeat(grey[..., np.newaxis], 3, axis=-1)


def stripes(height: int, width: int, period: int = 2) -> np.ndarray:
    """Horizontal black and white lines, ``period // 2`` pixels each.

    Parameters
    ----------
    height, width : int
        Size in pixels.
    period : int, optional
        Pixels from one white line to the next (even, >= 2); 2 is the
        finest pattern a screen can show.

    Returns
    -------
    ndarray of float64, shape (height, width, 3)
        Row ``y`` is white when ``(y % period) < period // 2``, else black.

    Examples
    --------
    >>> stripes(4, 3)[:, 0, 0]
    array([1., 0., 1., 0.])
    >>> float(stripes(8, 8, period=4).mean())
    0.5
    """
    height, width = check_count("height", height), check_count("width", width)
    period = check_count("period", period)
    if period % 2:
        raise ValueError(f"period must be even, got {period}")
    rows = (np.arange(height) % period < period // 2).astype(np.float64)
    return _rgb(np.repeat(rows[:, np.newaxis], width, axis=1))


def stripe_chart(size: int, period: int = 2, gamma: float = GAMMA) -> np.ndarray:
    """Stripes on the left, the two candidate greys for their average on the right.

    The right half is split: on top the grey of code 0.5 (the mean of the
    *codes* 0 and 1, what blurring sRGB values gives), below it the grey
    that emits the mean of the *light*, ``0.5 ** (1 / gamma)`` (0.73 for
    2.2).  Step back from a screen (or blur in linear light) and the
    stripes match the lower patch, not the upper one.

    Parameters
    ----------
    size : int
        Height of the chart; the width is ``2 * size``.  At least 2.
    period : int, optional
        Stripe period in pixels, see :func:`stripes`.
    gamma : float, optional

    Returns
    -------
    ndarray of float64, shape (size, 2 * size, 3)

    Examples
    --------
    >>> chart = stripe_chart(8)
    >>> chart.shape, float(chart[0, 0, 0]), float(chart[1, 0, 0])
    ((8, 16, 3), 1.0, 0.0)
    >>> float(chart[0, -1, 0]), round(float(chart[-1, -1, 0]), 3)
    (0.5, 0.73)
    """
    size = check_count("size", size)
    if size < 2:
        raise ValueError(f"size must be at least 2, got {size}")
    chart = np.empty((size, 2 * size, 3))
    chart[:, :size] = stripes(size, size, period)
    chart[: size // 2, size:] = 0.5
    chart[size // 2 :, size:] = linear_to_srgb(0.5, gamma)
    return chart


def chirp(height: int, width: int, max_frequency: float = 0.5) -> np.ndarray:
    """Vertical stripes whose frequency rises linearly from 0 to ``max_frequency``.

    Column ``x`` has the local frequency ``max_frequency * x / width``
    cycles per pixel: ``0.5 + 0.5 * cos(pi * max_frequency * x**2 / width)``.
    Blur it and the remaining contrast at column ``x`` traces the blur's
    frequency response (:func:`hybridnb.frequency_response`) at
    that frequency.  Values are display codes; blur them as they are
    (not in linear light) to see the kernel's response unchanged.

    Parameters
    ----------
    height, width : int
    max_frequency : float, optional
        Frequency at the right edge, in (0, 0.5] cycles per pixel.

    Returns
    -------
    ndarray of float64, shape (height, width, 3)

    Examples
    --------
    >>> c = chirp(2, 8)
    >>> c.shape, float(c[0, 0, 0])
    ((2, 8, 3), 1.0)
    >>> bool(np.all((0 <= c) & (c <= 1)))
    True
    """
    height, width = check_count("height", height), check_count("width", width)
    if not (0 < max_frequency <= 0.5):
        raise ValueError(f"max_frequency must be in (0, 0.5] cycles per pixel, got {max_frequency!r}")
    x = np.arange(width, dtype=np.float64)
    row = 0.5 + 0.5 * np.cos(np.pi * max_frequency * x**2 / width)
    return _rgb(np.repeat(row[np.newaxis], height, axis=0))


def chirp_frequencies(width: int, max_frequency: float = 0.5) -> np.ndarray:
    """The local frequency of each column of :func:`chirp`, in cycles per pixel.

    Examples
    --------
    >>> chirp_frequencies(4)
    array([0.   , 0.125, 0.25 , 0.375])
    """
    width = check_count("width", width)
    return max_frequency * np.arange(width, dtype=np.float64) / width
