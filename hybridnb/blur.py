"""Applying a Gaussian blur: the article's separable depthwise convolution.

Kernel *construction* lives in :mod:`hybridnb.kernels`; this module only
applies a 1-D kernel along x and then along y, each colour channel onto
itself, with ``SAME`` zero padding, as the article does with
``tf.nn.depthwise_conv2d``.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import tensorflow as tf

from .kernels import make_gauss_blur_kernel

ArrayT = TypeVar("ArrayT", np.ndarray, tf.Tensor)


def depthwise_kernels(kernel: tf.Tensor, channels: int) -> tuple[tf.Tensor, tf.Tensor]:
    """Turn a 1-D kernel into the 4-D filters ``depthwise_conv2d`` wants.

    Parameters
    ----------
    kernel : tf.Tensor, shape (K,)
        The 1-D kernel.
    channels : int
        Number of colour channels; each is blurred onto itself.

    Returns
    -------
    kernel_x, kernel_y : tf.Tensor
        Shapes (1, K, channels, 1) and (K, 1, channels, 1): filter height,
        filter width, input channels, outputs per input channel.

    Examples
    --------
    >>> import tensorflow as tf
    >>> kx, ky = depthwise_kernels(tf.constant([0.25, 0.5, 0.25]), 3)
    >>> kx.shape.as_list(), ky.shape.as_list()
    ([1, 3, 3, 1], [3, 1, 3, 1])
    """
    k = tf.reshape(kernel, [-1])
    kernel_x = tf.tile(tf.reshape(k, [1, -1, 1, 1]), [1, 1, channels, 1])
    kernel_y = tf.tile(tf.reshape(k, [-1, 1, 1, 1]), [1, 1, channels, 1])
    return kernel_x, kernel_y


def blur_with_kernel(images: tf.Tensor, kernel: tf.Tensor) -> tf.Tensor:
    """Blur an NHWC batch with a separable 1-D kernel (x first, then y).

    Parameters
    ----------
    images : tf.Tensor, shape (N, H, W, C)
    kernel : tf.Tensor, shape (K,), same dtype as ``images``

    Returns
    -------
    tf.Tensor, shape (N, H, W, C)

    Examples
    --------
    >>> import tensorflow as tf
    >>> x = tf.ones((1, 4, 4, 3))
    >>> y = blur_with_kernel(x, tf.constant([0.0, 1.0, 0.0]))
    >>> bool(tf.reduce_all(y == x))
    True
    """
    channels = images.shape[-1]
    kernel_x, kernel_y = depthwise_kernels(tf.cast(kernel, images.dtype), channels)
    strides = [1, 1, 1, 1]
    out = tf.nn.depthwise_conv2d(images, kernel_x, strides=strides, padding="SAME")
    return tf.nn.depthwise_conv2d(out, kernel_y, strides=strides, padding="SAME")


def gauss_blur(images: ArrayT, kernel_size: int, sigma: float) -> ArrayT:
    """Gaussian-blur images with the article's kernel and separable convolution.

    Parameters
    ----------
    images : ndarray or tf.Tensor, shape (N, H, W, C) or (H, W, C)
        Floating-point images (integers are converted to float64).  Blur in
        linear light (see :func:`hybridnb.srgb_to_linear`) to mimic the eye.
    kernel_size : int
        Taps of the 1-D kernel (see :func:`hybridnb.make_gauss_blur_kernel`).
    sigma : float
        Standard deviation in pixels.

    Returns
    -------
    ndarray or tf.Tensor
        Same kind, shape and dtype as ``images``.  Borders are zero-padded
        (``SAME``), so they darken, as in the article.

    Raises
    ------
    ValueError
        On a shape that is not 3-D or 4-D, or a bad kernel.

    Examples
    --------
    A constant image keeps its value away from the border:

    >>> import numpy as np
    >>> import hybridnb as hn
    >>> out = hn.gauss_blur(np.full((1, 32, 32, 3), 0.5), kernel_size=7, sigma=1.5)
    >>> out.shape, round(float(out[0, 16, 16, 0]), 6)
    ((1, 32, 32, 3), 0.5)
    """
    kernel = make_gauss_blur_kernel(kernel_size, sigma)
    is_numpy = not isinstance(images, (tf.Tensor, tf.Variable))
    if is_numpy:
        images = np.asarray(images)
        if not np.issubdtype(images.dtype, np.floating):
            images = images.astype(np.float64)
    ndim = len(images.shape)
    if ndim not in (3, 4):
        raise ValueError(f"expected (N, H, W, C) or (H, W, C) images, got shape {tuple(images.shape)}")
    x = tf.convert_to_tensor(images)
    if ndim == 3:
        x = x[tf.newaxis]
    out = blur_with_kernel(x, tf.constant(kernel, dtype=x.dtype))
    if ndim == 3:
        out = out[0]
    return out.numpy() if is_numpy else out


def blur_with_kernel_2d(images: tf.Tensor, kernel_2d: tf.Tensor) -> tf.Tensor:
    """Blur an NHWC batch with a full 2-D kernel in one depthwise convolution.

    The non-separable way, kept for comparison: a K x K kernel costs K**2
    multiply-adds per pixel and channel, where :func:`blur_with_kernel`
    (x then y) costs 2 K.  For a separable kernel (a Gaussian:
    ``np.outer(k, k)``) both give the same picture.

    Parameters
    ----------
    images : tf.Tensor, shape (N, H, W, C)
    kernel_2d : tf.Tensor, shape (K, K)

    Returns
    -------
    tf.Tensor, shape (N, H, W, C)
        ``SAME`` zero padding, as :func:`blur_with_kernel`.

    Examples
    --------
    >>> import numpy as np
    >>> import tensorflow as tf
    >>> k = np.array([0.25, 0.5, 0.25])
    >>> x = tf.random.uniform((1, 8, 8, 3), dtype=tf.float64)
    >>> full = blur_with_kernel_2d(x, tf.constant(np.outer(k, k)))
    >>> separable = blur_with_kernel(x, tf.constant(k))
    >>> bool(np.allclose(full, separable))
    True
    """
    channels = images.shape[-1]
    k = tf.cast(kernel_2d, images.dtype)
    k = tf.tile(k[:, :, tf.newaxis, tf.newaxis], [1, 1, channels, 1])
    return tf.nn.depthwise_conv2d(images, k, strides=[1, 1, 1, 1], padding="SAME")
