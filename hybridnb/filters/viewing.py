"""What a picture looks like from afar.

The *far view* of the article, :func:`far_view`, blurs a picture in linear
light and shows it back in display values; it is written once here and
serves the article's loss (on tensors), the classic split and the notebooks
(on NumPy arrays).

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
from typing import TypeVar

import numpy as np

from ..arrays import as_float_array, clip, is_tensor
from ..checks import check_count, check_number
from ..imaging.color import GAMMA, linear_to_srgb, srgb_to_linear
from .blur import blur_with_kernel, lowpass
from .kernels import make_gauss_blur_kernel

ArrayT = TypeVar("ArrayT")

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
    factor = check_count("factor", factor)
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
    distance = check_number("distance", distance, positive=True)
    width = check_number("width", width, positive=True)
    acuity_cpd = check_number("acuity_cpd", acuity_cpd, positive=True)
    image = np.asarray(image, dtype=np.float64)
    sigma = float(eye_sigma(image.shape[1], distance, width, acuity_cpd))
    if sigma < 0.25:  # the eye resolves every pixel: nothing to blur
        return image.copy()
    light = lowpass(srgb_to_linear(image, gamma), sigma)
    return linear_to_srgb(clip(light, 0.0, 1.0), gamma)


def far_view_parts(
    images: ArrayT, kernel, gamma=GAMMA, *, border: str = "zero", method: str = "auto"
) -> tuple[ArrayT, ArrayT, ArrayT]:
    """The far view and its intermediates: ``light = x ** gamma``, ``blurred = blur(light)``, ``far``.

    ``far = blurred ** (1 / gamma)`` is :func:`far_view`; the article's
    hand-written gradient (:mod:`hybridnb.optimize.article`) reuses the
    intermediates.  NumPy arrays or tensors, (N, H, W, C).

    Examples
    --------
    >>> import numpy as np
    >>> light, blurred, far = far_view_parts(np.full((1, 5, 5, 3), 0.5), [0.25, 0.5, 0.25], border="mirror")
    >>> round(float(light[0, 2, 2, 0]), 4), round(float(far[0, 2, 2, 0]), 4)
    (0.2176, 0.5)
    """
    light = srgb_to_linear(images, gamma)
    blurred = blur_with_kernel(light, kernel, method, positive=True, border=border)
    return light, blurred, linear_to_srgb(blurred, gamma)


def far_view(images: ArrayT, kernel, gamma=GAMMA, *, border: str = "zero", method: str = "auto") -> ArrayT:
    """The article's view from afar: ``blur(x ** gamma) ** (1 / gamma)``.

    Display values are decoded to light, blurred with the separable kernel
    (:func:`hybridnb.filters.blur.blur_with_kernel`) and encoded back: the
    eye averages photons, not codes.

    Parameters
    ----------
    images : ndarray or tf.Tensor, shape (N, H, W, C), values in [0, 1]
    kernel : array_like or tf.Tensor, shape (K,)
        1-D blur kernel (see :func:`hybridnb.make_gauss_blur_kernel`).
    gamma : float or scalar tensor, optional
    border : {"zero", "mirror", "valid"}, optional
        The article's zero padding by default (its borders darken); use
        ``"mirror"`` for a view that is shown.
    method : {"auto", "direct", "fft"}, optional
        How the blur is computed (:func:`hybridnb.filters.blur.blur_with_kernel`).

    Returns
    -------
    ndarray or tf.Tensor, same kind and shape as ``images`` (smaller with ``"valid"``)

    Examples
    --------
    >>> import tensorflow as tf
    >>> import hybridnb as hn
    >>> k = tf.constant(hn.make_gauss_blur_kernel(5, 1.0), tf.float32)
    >>> round(float(hn.far_view(tf.fill((1, 9, 9, 3), 0.5), k)[0, 4, 4, 0]), 6)
    0.5
    """
    return far_view_parts(images, kernel, gamma, border=border, method=method)[2]


def blur_linear(image: np.ndarray, kernel_size: int, sigma: float, gamma: float = GAMMA) -> np.ndarray:
    """Gaussian-blur a picture in linear light: :func:`far_view` with a kernel made for you.

    For (H, W, C) or (N, H, W, C) pictures, NumPy or tensors, with the
    article's kernel (:func:`hybridnb.make_gauss_blur_kernel`) and its zero
    padding.  Blurring the display codes directly would darken fine bright
    detail (see :func:`hybridnb.teaching.patterns.stripe_chart`).

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
    kernel = make_gauss_blur_kernel(kernel_size, sigma)
    if not is_tensor(image):
        image = as_float_array(image)
    batch = image[None] if len(image.shape) == 3 else image
    out = far_view(batch, kernel, gamma)
    return out[0] if len(image.shape) == 3 else out
