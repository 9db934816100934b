"""SSIM, the structural similarity index (Wang, Bovik, Sheikh & Simoncelli, IEEE TIP 13(4), 2004).

``SSIM(x, y) = mean over windows of
((2 mu_x mu_y + C1)(2 s_xy + C2)) / ((mu_x^2 + mu_y^2 + C1)(s_x^2 + s_y^2 + C2))``

with local means ``mu``, variances ``s^2`` and covariance ``s_xy`` taken
under a Gaussian window of sigma 1.5 pixels (11 taps, the kernel
``make_gauss_blur_kernel(11, 1.5)``), ``C1 = (0.01 L)^2``, ``C2 = (0.03 L)^2``
for a data range ``L`` (1 here), averaged over the pixels whose window lies
inside the picture (the blur's ``"valid"`` border) and over the colour
channels.  This is scikit-image's ``structural_similarity(...,
gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1,
channel_axis=-1)`` (the tests compare the two).

:func:`mean_ssim` is written once for NumPy arrays and tensors: the score
(:func:`hybridnb.ssim`) and the perceptual loss
(:class:`hybridnb.optimize.perceptual.PerceptualLoss`, differentiated by
TensorFlow) share it.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

from ..arrays import is_tensor
from .blur import blur_with_kernel
from .kernels import make_gauss_blur_kernel

ArrayT = TypeVar("ArrayT")

#: SSIM's window (Wang et al. 2004): Gaussian, sigma 1.5, 11 taps (3.5 sigma).
SSIM_SIGMA = 1.5
SSIM_TAPS = 11
SSIM_K1, SSIM_K2 = 0.01, 0.03


def ssim_window(sigma: float = SSIM_SIGMA) -> np.ndarray:
    """SSIM's Gaussian window: ``2 * int(3.5 sigma + 0.5) + 1`` taps (11 for sigma 1.5).

    Examples
    --------
    >>> w = ssim_window()
    >>> w.size, round(float(w.sum()), 12)
    (11, 1.0)
    """
    return make_gauss_blur_kernel(2 * int(3.5 * sigma + 0.5) + 1, sigma)


def mean_ssim(x: ArrayT, y: ArrayT, *, data_range: float = 1.0, sigma: float = SSIM_SIGMA) -> ArrayT:
    """Per-picture mean SSIM of two NHWC batches (``y`` may be a batch of one, broadcast).

    Parameters
    ----------
    x, y : ndarray or tf.Tensor, shape (N, H, W, C) and (N or 1, H, W, C)
        At least as large as the window (11 x 11).
    data_range : float, optional
    sigma : float, optional

    Returns
    -------
    ndarray or tf.Tensor, shape (N,)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = rng.random((2, 16, 16, 3))
    >>> mean_ssim(a, a[:1]).round(6)
    array([ 1.      , -0.038292])
    """
    window = ssim_window(sigma)
    c1, c2 = (SSIM_K1 * data_range) ** 2, (SSIM_K2 * data_range) ** 2
    if is_tensor(x) or is_tensor(y):
        import tensorflow as tf

        x = tf.convert_to_tensor(x)
        y = tf.broadcast_to(tf.cast(y, x.dtype), tf.shape(x))
        window = tf.constant(window, x.dtype)
    else:
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        y = np.broadcast_to(y, x.shape)

    def local_mean(a):
        return blur_with_kernel(a, window, method="direct", border="valid")

    mx, my = local_mean(x), local_mean(y)
    vx = local_mean(x * x) - mx * mx
    vy = local_mean(y * y) - my * my
    vxy = local_mean(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    if is_tensor(s):
        import tensorflow as tf

        return tf.reduce_mean(s, axis=[1, 2, 3])
    return s.mean(axis=(1, 2, 3))
