"""The eye as a filter: contrast sensitivity at a viewing distance, in the DCT domain.

A picture seen from ``d`` picture widths away spans ``theta_d = 2 atan(1 / (2
d))`` degrees, so ``f`` cycles per picture reach the eye at ``f / theta_d``
cycles per degree.  The eye's contrast sensitivity is modelled as a
log-parabola (Watson & Ahumada, J. Vision 5(9), 2005; Lesmes et al., J. Vision
10(3), 2010), peak 1 at :data:`PEAK_CPD` cycles per degree, falling to one
half :data:`BANDWIDTH_OCT` / 2 octaves either side.  Seen from afar, the
coarse structure is held at :data:`FAR_FLOOR` at least below the peak
(perceived contrast above threshold is flatter than threshold sensitivity,
and the far picture's shading must count).  Colour is seen with a third of
the acuity and half the weight (:data:`CHROMA_SHIFT`, :data:`CHROMA_WEIGHT`)
on two opponent channels (:data:`OPPONENT`).

The weights are given per coefficient of the orthonormal 2-D DCT-II
(:func:`dct_matrix`), whose symmetric border extension means no frame: a
hybrid's error weighted by them is what a viewer at that distance notices.
Everything is in cycles per picture and picture widths, so it does not
depend on the pixel count.  NumPy only; :class:`hybridnb.optimize.viewer.ViewerLoss`
uses the same numbers as tensors.
"""

from __future__ import annotations

import math

import numpy as np

from ..checks import check_count, check_number

#: Where the log-parabola sensitivity peaks, cycles per degree (typical photopic CSFs peak at 3-5).
PEAK_CPD = 4.0
#: Its full width at half height, octaves.
BANDWIDTH_OCT = 3.5
#: The far view's sensitivity below the peak is at least this.
FAR_FLOOR = 0.32
#: Colour acuity is this many times lower than luminance acuity ...
CHROMA_SHIFT = 3.0
#: ... and colour differences count this much.
CHROMA_WEIGHT = 0.5
#: Luminance, red-green and blue-yellow from RGB (rows).
OPPONENT = np.array([[0.2126, 0.7152, 0.0722], [1.0, -1.0, 0.0], [-0.5, -0.5, 1.0]])
#: The mean (DC) counts as this many cycles per picture.
DC_CYCLES = 0.25


def picture_degrees(widths: float) -> float:
    """The visual angle (degrees) of a picture seen from ``widths`` picture widths away.

    Examples
    --------
    >>> round(picture_degrees(4.0), 2), round(picture_degrees(32.0), 3)
    (14.25, 1.79)
    """
    widths = check_number("distance", widths, positive=True)
    return math.degrees(2.0 * math.atan(1.0 / (2.0 * widths)))


def contrast_sensitivity(cpd: np.ndarray) -> np.ndarray:
    """Log-parabola contrast sensitivity: 1 at :data:`PEAK_CPD`, 1/2 at ``BANDWIDTH_OCT / 2`` octaves off, 0 at 0.

    Examples
    --------
    >>> contrast_sensitivity(np.array([PEAK_CPD, PEAK_CPD * 2 ** (BANDWIDTH_OCT / 2), 0.0])).round(6)
    array([1. , 0.5, 0. ])
    """
    f = np.asarray(cpd, dtype=np.float64)
    half_width = BANDWIDTH_OCT * math.log10(2.0) / 2.0
    octaves = np.log10(np.maximum(f, 1e-12) / PEAK_CPD) / half_width
    return np.where(f > 0, 10.0 ** (-math.log10(2.0) * octaves * octaves), 0.0)


def dct_matrix(n: int) -> np.ndarray:
    """The orthonormal DCT-II matrix ``C`` of size ``n``: ``C @ x`` transforms a column, ``C.T`` inverts.

    Examples
    --------
    >>> c = dct_matrix(8)
    >>> bool(np.allclose(c @ c.T, np.eye(8)))
    True
    """
    n = check_count("n", n)
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    c = np.cos(np.pi * (2 * i + 1) * k / (2 * n)) * math.sqrt(2.0 / n)
    c[0] /= math.sqrt(2.0)
    return c


def frequency_grid(height: int, width: int) -> np.ndarray:
    """Cycles per picture width of each 2-D DCT-II coefficient, shape (height, width).

    Coefficient ``(ky, kx)`` is ``kx / 2`` cycles across and ``ky / 2`` down
    (``ky W / (2 H)`` in widths); the mean counts as :data:`DC_CYCLES`.

    Examples
    --------
    >>> frequency_grid(2, 4).round(2)
    array([[0.25, 0.5 , 1.  , 1.5 ],
           [1.  , 1.12, 1.41, 1.8 ]])
    """
    fy = np.arange(height) / (2.0 * height) * width
    fx = np.arange(width) / 2.0
    return np.maximum(np.hypot(fy[:, None], fx[None, :]), DC_CYCLES)


def view_weights(height: int, width: int, distance: float, *, floor: float = 0.0) -> np.ndarray:
    """How much a viewer ``distance`` picture widths away sees of each DCT coefficient, per opponent channel.

    Parameters
    ----------
    height, width : int
        Picture size in pixels (only the shape of the grid depends on it).
    distance : float
        Picture widths.
    floor : float, optional
        Least weight below the peak (:data:`FAR_FLOOR` for the far view; 0: none).

    Returns
    -------
    ndarray, shape (3, height, width)
        Amplitude weights for luminance, red-green and blue-yellow.

    Examples
    --------
    >>> near, far = view_weights(64, 64, 4.0), view_weights(64, 64, 32.0, floor=FAR_FLOOR)
    >>> near.shape, bool(near[0, 0, 60] > far[0, 0, 60]), bool(far[0, 0, 1] > near[0, 0, 1])
    ((3, 64, 64), True, True)
    """
    cpd = frequency_grid(height, width) / picture_degrees(distance)
    luminance = contrast_sensitivity(cpd)
    chroma = CHROMA_WEIGHT * contrast_sensitivity(cpd * CHROMA_SHIFT)
    if floor > 0:
        luminance = np.where(cpd < PEAK_CPD, np.maximum(luminance, floor), luminance)
        chroma = np.where(cpd * CHROMA_SHIFT < PEAK_CPD, np.maximum(chroma, CHROMA_WEIGHT * floor), chroma)
    return np.stack([luminance, chroma, chroma])
