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
