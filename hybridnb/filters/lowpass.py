"""Gaussian low-pass and high-pass of single pictures, with mirrored borders.

:func:`hybridnb.gauss_blur` pads with zeros (``SAME``), as the article does,
which darkens a band along the border.  That is harmless inside the
article's loss, where both sides of a comparison are darkened alike, but a
filter whose output is *shown* (the classic hybrid, a simulated view) must
not darken its borders: these helpers mirror the picture by the kernel's
radius, blur with :func:`hybridnb.gauss_blur` and crop back.
"""

from __future__ import annotations

import numpy as np

from .blur import gauss_blur


def kernel_size_for(sigma: float) -> int:
    """The odd number of taps that covers +-3 sigma: ``2 * ceil(3 sigma) + 1``.

    Examples
    --------
    >>> kernel_size_for(1.0), kernel_size_for(2.5)
    (7, 17)
    """
    if not (np.isfinite(sigma) and sigma > 0):
        raise ValueError(f"sigma must be a positive number, got {sigma!r}")
    return 2 * int(np.ceil(3.0 * float(sigma))) + 1


def lowpass(image: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of an (H, W, C) or (N, H, W, C) array with mirrored borders.

    Parameters
    ----------
    image : ndarray, float
    sigma : float
        Standard deviation in pixels; 0 returns a copy.

    Returns
    -------
    ndarray, float64, same shape

    Examples
    --------
    A constant picture stays constant, border included (no dark frame):

    >>> import numpy as np
    >>> out = lowpass(np.full((16, 16, 3), 0.5), 3.0)
    >>> bool(np.allclose(out, 0.5))
    True
    """
    image = np.asarray(image, dtype=np.float64)
    if sigma == 0:
        return image.copy()
    size = kernel_size_for(sigma)
    r = size // 2
    batch = image if image.ndim == 4 else image[np.newaxis]
    h, w = batch.shape[1:3]
    # "symmetric" mirrors edge pixels; repeat when the radius exceeds the picture.
    padded = batch
    while padded.shape[1] < h + 2 * r or padded.shape[2] < w + 2 * r:
        ph = min(r, padded.shape[1]) if padded.shape[1] < h + 2 * r else 0
        pw = min(r, padded.shape[2]) if padded.shape[2] < w + 2 * r else 0
        padded = np.pad(padded, ((0, 0), (ph, ph), (pw, pw), (0, 0)), mode="symmetric")
    oh, ow = (padded.shape[1] - h) // 2, (padded.shape[2] - w) // 2
    out = gauss_blur(padded, size, sigma)[:, oh : oh + h, ow : ow + w]
    return out if image.ndim == 4 else out[0]


def highpass(image: np.ndarray, sigma: float) -> np.ndarray:
    """``image - lowpass(image, sigma)``: the detail finer than ``sigma``.

    Examples
    --------
    >>> import numpy as np
    >>> bool(np.allclose(highpass(np.full((8, 8, 3), 0.7), 2.0), 0.0))
    True
    """
    image = np.asarray(image, dtype=np.float64)
    return image - lowpass(image, sigma)
