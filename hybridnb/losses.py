"""The article's loss, as pure TensorFlow functions over NHWC batches.

``loss_precise = sum((x - img_precise) ** 2)``

``loss_gauss = sum((far(x) - far(img_blurred)) ** 2)`` where
``far(y) = blur(y ** gamma) ** (1 / gamma)`` is the picture seen from afar:
blurred in linear light, shown back in display values.

``loss = m_precise * loss_precise + m_blurred * loss_gauss`` (sums, not means).

Every function works on a batch: the sums are taken per picture, so one
tensor can hold several hybrids trained side by side.
"""

from __future__ import annotations

import tensorflow as tf

from .blur import blur_with_kernel
from .color import linear_to_srgb, srgb_to_linear


def far_view(images: tf.Tensor, kernel: tf.Tensor, gamma: tf.Tensor | float = 2.2) -> tf.Tensor:
    """Blur display values in linear light: ``blur(x ** gamma) ** (1 / gamma)``.

    Parameters
    ----------
    images : tf.Tensor, shape (N, H, W, C), values in [0, 1]
    kernel : tf.Tensor, shape (K,)
        1-D blur kernel (see :func:`hybridnb.make_gauss_blur_kernel`).
    gamma : float or scalar tensor

    Returns
    -------
    tf.Tensor, same shape as ``images``

    Examples
    --------
    >>> import tensorflow as tf
    >>> import hybridnb as hn
    >>> k = tf.constant(hn.make_gauss_blur_kernel(5, 1.0), tf.float32)
    >>> round(float(far_view(tf.fill((1, 9, 9, 3), 0.5), k)[0, 4, 4, 0]), 6)
    0.5
    """
    gamma = tf.cast(gamma, images.dtype)
    return linear_to_srgb(blur_with_kernel(srgb_to_linear(images, gamma), kernel), gamma)


def hybrid_losses(
    image01: tf.Tensor,
    img_precise: tf.Tensor,
    far_target: tf.Tensor,
    kernel: tf.Tensor,
    gamma: tf.Tensor | float = 2.2,
) -> tuple[tf.Tensor, tf.Tensor]:
    """Per-picture ``loss_precise`` and ``loss_gauss`` of a batch of candidates.

    Parameters
    ----------
    image01 : tf.Tensor, shape (N, H, W, C)
        Candidate pictures in [0, 1] (the sigmoid of the trainable logits).
    img_precise : tf.Tensor, shape (N or 1, H, W, C)
        The picture to match up close.
    far_target : tf.Tensor, shape (N or 1, H, W, C)
        ``far_view(img_blurred)``, computed once outside the training loop.
    kernel : tf.Tensor, shape (K,)
    gamma : float or scalar tensor

    Returns
    -------
    loss_precise, loss_gauss : tf.Tensor, shape (N,)

    Examples
    --------
    >>> import tensorflow as tf
    >>> import hybridnb as hn
    >>> k = tf.constant(hn.make_gauss_blur_kernel(3, 1.0), tf.float32)
    >>> x = tf.fill((1, 8, 8, 3), 0.5)
    >>> lp, lg = hybrid_losses(x, tf.zeros_like(x), far_view(x, k), k)
    >>> float(lp[0]), float(lg[0])
    (48.0, 0.0)
    """
    axes = [1, 2, 3]
    loss_precise = tf.reduce_sum(tf.square(image01 - img_precise), axis=axes)
    loss_gauss = tf.reduce_sum(tf.square(far_view(image01, kernel, gamma) - far_target), axis=axes)
    return loss_precise, loss_gauss
