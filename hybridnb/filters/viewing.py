"""What a picture looks like from afar.

Three scales describe one Gaussian blur of standard deviation ``sigma``
pixels, used throughout (the article's kernel, the classic recipe's filters,
the eye):

- **sigma** in pixels;
- **cutoff** in cycles per image at half amplitude: the Gaussian's transfer
  function is ``exp(-2 pi^2 sigma^2 f^2)`` for ``f`` in cycles per pixel, so
  it passes half the amplitude at ``f = sqrt(ln 2 / 2) / (pi sigma)
  ~= 0.1874 / sigma`` cycles per pixel, times ``size`` pixels per image;
- **cycles per degree** of visual angle, for a picture ``width`` metres wide
  seen from ``distance`` metres: the picture spans
  ``2 atan(width / (2 distance))`` degrees.

The eye is modelled by the high-frequency side of its contrast sensitivity
function: Mannos & Sakrison's CSF (IEEE Trans. Inf. Theory 20(4), 1974),
``A(f) = 2.6 (0.0192 + 0.114 f) exp(-(0.114 f) ** 1.1)``, peaks at 7.9
cycles per degree and falls to half its peak at 20.3 cycles per degree;
:func:`simulate_viewing` uses a Gaussian with that half-amplitude cutoff.
"""

from __future__ import annotations

import math

import numpy as np

from ..imaging.color import GAMMA, linear_to_srgb, srgb_to_linear

#: Half-amplitude frequency of a unit-sigma Gaussian, in cycles per pixel.
HALF_AMPLITUDE = math.sqrt(math.log(2.0) / 2.0) / math.pi


def _scalar_or_array(x: np.ndarray):
    """A Python float for a 0-d result, the array otherwise."""
    return float(x) if np.ndim(x) == 0 else x


#: Where Mannos & Sakrison's CSF falls to half its peak, in cycles per degree.
ACUITY_CPD = 20.3


def shrink_linear(image: np.ndarray, factor: int, gamma: float = GAMMA) -> np.ndarray:
    """Shrink a picture by averaging ``factor`` x ``factor`` blocks in linear light.

    This is what the eye collects from a picture ``factor`` times farther
    away: each cone sums the photons of a block.  Edge rows and columns that
    do not fill a block are dropped.

    Parameters
    ----------
    image : ndarray, shape (H, W, C), values in [0, 1]
    factor : int
        Block side, >= 1.
    gamma : float, optional

    Returns
    -------
    ndarray, shape (H // factor, W // factor, C)

    Examples
    --------
    Black and white stripes average to 0.73 in display values, not 0.5:

    >>> import numpy as np
    >>> stripes = np.zeros((2, 2, 3)); stripes[0] = 1.0
    >>> round(float(shrink_linear(stripes, 2)[0, 0, 0]), 2)
    0.73
    """
    if isinstance(factor, bool) or int(factor) != factor or factor < 1:
        raise ValueError(f"factor must be a positive integer, got {factor!r}")
    factor = int(factor)
    image = np.asarray(image, dtype=np.float64)
    h, w, c = image.shape
    h, w = h - h % factor, w - w % factor
    if h == 0 or w == 0:
        raise ValueError(f"a {image.shape[0]}x{image.shape[1]} picture is smaller than factor {factor}")
    light = srgb_to_linear(image[:h, :w], gamma)
    blocks = light.reshape(h // factor, factor, w // factor, factor, c).mean(axis=(1, 3))
    return linear_to_srgb(blocks, gamma)


def sigma_to_cutoff(sigma, size: int):
    """Half-amplitude cutoff (cycles per image) of a Gaussian blur of ``sigma`` px.

    Parameters
    ----------
    sigma : float or ndarray
        Standard deviation in pixels, > 0.
    size : int
        Picture side in pixels.

    Examples
    --------
    The article's sigma 3 on a 512-pixel picture keeps about 32 cycles:

    >>> round(sigma_to_cutoff(3.0, 512), 1)
    32.0
    """
    return _scalar_or_array(HALF_AMPLITUDE * size / np.asarray(sigma, dtype=np.float64))


def cutoff_to_sigma(cutoff, size: int):
    """Inverse of :func:`sigma_to_cutoff`: sigma (px) for a cutoff in cycles per image.

    Examples
    --------
    >>> round(cutoff_to_sigma(sigma_to_cutoff(3.0, 512), 512), 12)
    3.0
    """
    return _scalar_or_array(HALF_AMPLITUDE * size / np.asarray(cutoff, dtype=np.float64))


def picture_degrees(width: float, distance):
    """Visual angle (degrees) of a picture ``width`` m wide seen from ``distance`` m.

    Examples
    --------
    >>> round(picture_degrees(0.3, 0.5), 2)
    33.4
    """
    return _scalar_or_array(np.degrees(2.0 * np.arctan(width / (2.0 * np.asarray(distance, dtype=np.float64)))))


def cycles_per_degree(cycles_per_image, width: float, distance):
    """Convert cycles per image to cycles per degree at a viewing distance.

    Examples
    --------
    >>> round(cycles_per_degree(32.0, 0.3, 2.0), 2)
    3.73
    """
    return _scalar_or_array(np.asarray(cycles_per_image, dtype=np.float64) / picture_degrees(width, distance))


def cycles_per_image(cpd, width: float, distance):
    """Convert cycles per degree back to cycles per image.

    Examples
    --------
    >>> round(cycles_per_image(cycles_per_degree(32.0, 0.3, 2.0), 0.3, 2.0), 9)
    32.0
    """
    return _scalar_or_array(np.asarray(cpd, dtype=np.float64) * picture_degrees(width, distance))


def distance_for_cutoff(cutoff, width: float, cpd: float = ACUITY_CPD):
    """Distance (m) at which ``cutoff`` cycles per image reach ``cpd`` cycles per degree.

    Farther away than this, the eye no longer resolves detail finer than
    ``cutoff``.

    Examples
    --------
    >>> d = distance_for_cutoff(32.0, 0.3)
    >>> round(cycles_per_degree(32.0, 0.3, d), 6)
    20.3
    """
    degrees = np.asarray(cutoff, dtype=np.float64) / cpd
    return _scalar_or_array(width / (2.0 * np.tan(np.radians(degrees) / 2.0)))


def eye_sigma(size: int, distance, width: float = 0.3, acuity_cpd: float = ACUITY_CPD):
    """Sigma (px) of the blur the eye applies to a ``size``-px picture at ``distance``.

    The eye is modelled as a Gaussian low-pass whose half-amplitude cutoff is
    ``acuity_cpd`` cycles per degree.

    Examples
    --------
    >>> round(eye_sigma(512, 2.0, width=0.3), 2)
    0.55
    """
    cutoff = cycles_per_image(acuity_cpd, width, distance)
    return cutoff_to_sigma(cutoff, size)


def simulate_viewing(
    image: np.ndarray,
    distance: float,
    *,
    width: float = 0.3,
    acuity_cpd: float = ACUITY_CPD,
    gamma: float = GAMMA,
) -> np.ndarray:
    """Render what a viewer sees of a picture from ``distance`` metres.

    The picture (``width`` metres wide) is blurred in linear light by a
    Gaussian whose half-amplitude cutoff is the eye's (``acuity_cpd``, 20.3
    cycles per degree, see the module docstring) at that distance, and kept at its
    pixel size so it can be compared with the originals; shrink it with
    :func:`shrink_linear` to show it small.  This is a documented blur, not
    a contrast-sensitivity model: a CSF also damps the lowest frequencies
    and depends on luminance and contrast, which matters for threshold
    detection but not for which of two pictures' structure dominates; the
    Gaussian's high-frequency fall-off is the part that makes a hybrid flip.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), values in [0, 1]
    distance : float
        Metres, > 0.
    width : float, optional
        Printed or displayed width of the picture in metres (0.3 by default).
    acuity_cpd : float, optional
    gamma : float, optional

    Returns
    -------
    ndarray, shape (H, W, 3), values in [0, 1]

    Examples
    --------
    From far away a 64-px checkerboard becomes the mean light, not 0.5:

    >>> import numpy as np
    >>> board = (np.indices((64, 64)).sum(axis=0) % 2)[..., None].repeat(3, axis=2).astype(float)
    >>> round(float(simulate_viewing(board, 50.0)[32, 32, 0]), 2)
    0.73
    >>> bool(np.array_equal(simulate_viewing(board, 0.01), board))
    True
    """
    from .lowpass import lowpass

    if not (np.isfinite(distance) and distance > 0):
        raise ValueError(f"distance must be a positive number, got {distance!r}")
    image = np.asarray(image, dtype=np.float64)
    sigma = float(eye_sigma(image.shape[1], distance, width, acuity_cpd))
    if sigma < 0.25:  # the eye resolves every pixel: nothing to blur
        return image.copy()
    light = lowpass(srgb_to_linear(image, gamma), sigma)
    return linear_to_srgb(np.clip(light, 0.0, 1.0), gamma)


def blur_linear(image: np.ndarray, kernel_size: int, sigma: float, gamma: float = GAMMA) -> np.ndarray:
    """Gaussian-blur a picture in linear light: ``blur(x ** gamma) ** (1 / gamma)``.

    The article's view from afar (its ``loss_gauss`` compares pictures
    through it), for NumPy pictures: decode to light, blur with the
    article's separable kernel (:func:`hybridnb.gauss_blur`), encode back.
    Blurring the display codes directly would darken fine bright detail
    (see :func:`hybridnb.patterns.stripe_chart`).

    Parameters
    ----------
    image : ndarray, shape (H, W, C) or (N, H, W, C), values in [0, 1]
    kernel_size : int
    sigma : float
        As for :func:`hybridnb.make_gauss_blur_kernel`.
    gamma : float, optional

    Returns
    -------
    ndarray, same shape as ``image``

    Examples
    --------
    One-pixel black and white lines blur to 0.73, the grey of half the
    light, not to the code 0.5:

    >>> from hybridnb.teaching.patterns import stripes
    >>> round(float(blur_linear(stripes(32, 32), 9, 2.0)[16, 16, 0]), 2)
    0.73
    """
    from .blur import gauss_blur

    light = srgb_to_linear(np.asarray(image, dtype=np.float64), gamma)
    return linear_to_srgb(np.clip(gauss_blur(light, kernel_size, sigma), 0.0, None), gamma)
