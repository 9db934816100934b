"""What a picture looks like from afar."""

from __future__ import annotations

import numpy as np

from .color import GAMMA, linear_to_srgb, srgb_to_linear


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

    >>> from hybridnb.patterns import stripes
    >>> round(float(blur_linear(stripes(32, 32), 9, 2.0)[16, 16, 0]), 2)
    0.73
    """
    from .blur import gauss_blur

    light = srgb_to_linear(np.asarray(image, dtype=np.float64), gamma)
    return linear_to_srgb(np.clip(gauss_blur(light, kernel_size, sigma), 0.0, None), gamma)
