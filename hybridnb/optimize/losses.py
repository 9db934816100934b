"""The article's loss, as pure TensorFlow functions over NHWC batches.

``loss_precise = sum((x - img_precise) ** 2)``

``loss_gauss = sum((far(x) - far(img_blurred)) ** 2)`` where
``far(y) = blur(y ** gamma) ** (1 / gamma)`` is the picture seen from afar:
blurred in linear light, shown back in display values.

``loss = m_precise * loss_precise + m_blurred * loss_gauss`` (sums, not means).

Every function works on a batch: the sums are taken per picture, so one
tensor can hold several hybrids trained side by side.

:func:`loss_and_gradient` is the training hot path: the same loss with its
gradient written out by hand (the chain rule through sigmoid, gamma and the
blur, whose transpose is the blur with the reversed kernel).  That lets it
compute ``x ** gamma`` as ``exp(gamma * log x)`` (``tf.pow`` is about six times
slower on CPU) and reuse every intermediate, instead of letting autodiff
recompute powers.
"""

from __future__ import annotations

from collections.abc import Callable

import tensorflow as tf

from ..filters.blur import adjoint_kernel, blur_with_kernel
from ..imaging.color import fast_power, linear_to_srgb, srgb_to_linear


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


def loss_and_gradient(
    logits: tf.Tensor,
    img_precise: tf.Tensor,
    far_target: tf.Tensor,
    kernel: tf.Tensor,
    m_precise: tf.Tensor | float,
    m_blurred: tf.Tensor | float,
    gamma: tf.Tensor | float = 2.2,
    method: str = "auto",
) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]:
    """The article's total loss at ``sigmoid(logits)`` and its gradient, by hand.

    Same numbers as differentiating ``m_precise * loss_precise + m_blurred *
    loss_gauss`` from :func:`hybrid_losses` (to float rounding), about twice
    as fast.  With ``s = sigmoid(z)``, ``L = s ** g``, ``B = blur(L)``,
    ``f = B ** (1 / g)`` and ``r = f - far_target``:

    ``d loss / d z = (2 m_p (s - precise) s + 2 m_b g blur*(r f / (g B)) L) (1 - s)``

    where ``blur*`` is the transposed blur (:func:`hybridnb.blur.adjoint_kernel`).

    Parameters
    ----------
    logits : tf.Tensor, shape (N, H, W, C)
    img_precise, far_target : tf.Tensor, shape (N or 1, H, W, C)
        As for :func:`hybrid_losses`.
    kernel : tf.Tensor, shape (K,)
    m_precise, m_blurred : float or tensor, scalar or shape (N,)
        Weights of the two losses (per picture if given as vectors).
    gamma : float or scalar tensor
    method : {"auto", "direct", "fft"}, optional
        How the blurs are computed (:func:`hybridnb.blur_with_kernel`).

    Returns
    -------
    loss : tf.Tensor, scalar
        ``sum(m_precise * loss_precise + m_blurred * loss_gauss)`` over the batch.
    loss_precise, loss_gauss : tf.Tensor, shape (N,)
    gradient : tf.Tensor, shape (N, H, W, C)
        d ``loss`` / d ``logits``.

    Examples
    --------
    >>> import tensorflow as tf
    >>> import hybridnb as hn
    >>> k = tf.constant(hn.make_gauss_blur_kernel(3, 1.0), tf.float64)
    >>> z = tf.zeros((1, 8, 8, 3), tf.float64)
    >>> loss, lp, lg, grad = loss_and_gradient(z, tf.zeros_like(z), far_view(tf.sigmoid(z), k), k, 0.5, 1.0)
    >>> float(loss), float(lp[0]), round(float(lg[0]), 12), round(float(grad[0, 0, 0, 0]), 12)
    (24.0, 48.0, 0.0, 0.125)
    """
    dtype = logits.dtype
    weight_precise = tf.reshape(tf.cast(m_precise, dtype), [-1, 1, 1, 1])
    weight_blurred = tf.reshape(tf.cast(m_blurred, dtype), [-1, 1, 1, 1])

    def per_picture(terms):
        return tf.reduce_sum(terms, axis=[1, 2, 3])

    loss_precise, loss_gauss, grad = _weighted_terms(
        logits, img_precise, far_target, kernel, weight_precise, weight_blurred, gamma, method, per_picture
    )
    loss = tf.reduce_sum(tf.reshape(m_precise * loss_precise + m_blurred * loss_gauss, [-1]))
    return loss, loss_precise, loss_gauss, grad


def side_by_side(pictures: tf.Tensor) -> tf.Tensor:
    """Lay a batch of pictures side by side in the channels: (N, H, W, C) to (1, H, W, N * C).

    Channel ``n * C + c`` of the result is channel ``c`` of picture ``n``
    (the layout of ``tf.tile(picture, [1, 1, 1, N])`` for one picture).
    :func:`stacked` undoes it.

    Examples
    --------
    >>> import tensorflow as tf
    >>> x = tf.reshape(tf.range(12.0), (2, 1, 2, 3))
    >>> side_by_side(x)[0, 0, 0].numpy()
    array([0., 1., 2., 6., 7., 8.], dtype=float32)
    >>> bool(tf.reduce_all(stacked(side_by_side(x), 3) == x))
    True
    """
    shape = tf.shape(pictures)
    layout = tf.transpose(pictures, [1, 2, 0, 3])
    return tf.reshape(layout, [1, shape[1], shape[2], shape[0] * shape[3]])


def stacked(pictures: tf.Tensor, channels: int = 3) -> tf.Tensor:
    """Undo :func:`side_by_side`: (1, H, W, N * C) to (N, H, W, C).

    Examples
    --------
    >>> import tensorflow as tf
    >>> row = tf.reshape(tf.range(6.0), (1, 1, 1, 6))
    >>> stacked(row)[:, 0, 0].numpy()
    array([[0., 1., 2.],
           [3., 4., 5.]], dtype=float32)
    """
    shape = tf.shape(pictures)
    layout = tf.reshape(pictures, [shape[1], shape[2], -1, channels])
    return tf.transpose(layout, [2, 0, 1, 3])


def loss_and_gradient_side_by_side(
    logits: tf.Tensor,
    img_precise: tf.Tensor,
    far_target: tf.Tensor,
    kernel: tf.Tensor,
    m_precise: tf.Tensor,
    m_blurred: tf.Tensor,
    gamma: tf.Tensor | float = 2.2,
    method: str = "auto",
    with_losses: bool = True,
) -> tuple[tf.Tensor | None, tf.Tensor | None, tf.Tensor]:
    """:func:`loss_and_gradient` for N pictures laid side by side in the channels.

    The same gradient as ``loss_and_gradient`` on the (N, H, W, C) batch, bit
    for bit (the same operations on each channel), and the same losses to
    float rounding (about 1e-6 relative in float32); faster on CPU: TensorFlow's
    depthwise convolution vectorises over channels, and 3 colour channels fill
    few of a CPU's vector lanes.  On 2 cores at 512 x 512 with the article's
    15 taps, a blur of 3 pictures costs about 3.5-3.8 ms side by side,
    5.2-6.6 ms as an (N, H, W, 3) batch and 3 x 2.3-2.6 ms one by one
    (bench/grid.py measures whole steps).

    Parameters
    ----------
    logits : tf.Tensor, shape (1, H, W, N * C)
        The pictures' logits, laid out by :func:`side_by_side`.
    img_precise, far_target : tf.Tensor, shape (1, H, W, N * C)
        The targets in the same layout (for one pair shared by all pictures:
        ``tf.tile(target, [1, 1, 1, N])``, once, outside the training loop).
    kernel : tf.Tensor, shape (K,)
    m_precise, m_blurred : tf.Tensor, shape (N,)
        Each picture's weights.
    gamma : float or scalar tensor
    method : {"auto", "direct", "fft"}, optional
    with_losses : bool, optional
        ``False`` skips the two loss sums (the gradient does not need them):
        four passes over the pictures fewer, for steps whose losses nobody
        reads.

    Returns
    -------
    loss_precise, loss_gauss : tf.Tensor, shape (N,), or None
        Per picture, unweighted (``None`` with ``with_losses=False``).
    gradient : tf.Tensor, shape (1, H, W, N * C)
        Of ``sum(m_precise * loss_precise + m_blurred * loss_gauss)``.

    Examples
    --------
    >>> import tensorflow as tf
    >>> import hybridnb as hn
    >>> k = tf.constant(hn.make_gauss_blur_kernel(3, 1.0), tf.float64)
    >>> z = tf.random.stateless_normal((2, 8, 8, 3), seed=(1, 2), dtype=tf.float64)
    >>> near, far = tf.zeros((1, 8, 8, 3), tf.float64), tf.fill((1, 8, 8, 3), tf.constant(0.5, tf.float64))
    >>> m_p, m_b = tf.constant([0.1, 1.0], tf.float64), tf.constant([1.0, 2.0], tf.float64)
    >>> _, lp, lg, grad = loss_and_gradient(z, near, far, k, m_p, m_b)
    >>> tiled = [tf.tile(t, [1, 1, 1, 2]) for t in (near, far)]
    >>> lp2, lg2, grad2 = loss_and_gradient_side_by_side(side_by_side(z), *tiled, k, m_p, m_b)
    >>> bool(tf.reduce_all(tf.abs(stacked(grad2) - grad) < 1e-12)), bool(tf.reduce_all(tf.abs(lp2 - lp) < 1e-9))
    (True, True)
    """
    dtype = logits.dtype
    channels = tf.shape(logits)[-1] // tf.size(m_precise)
    weight_precise = tf.reshape(tf.repeat(tf.cast(m_precise, dtype), channels), [1, 1, 1, -1])
    weight_blurred = tf.reshape(tf.repeat(tf.cast(m_blurred, dtype), channels), [1, 1, 1, -1])

    def per_picture(terms):
        # In two stages, rows first: one reduction over all H * W pixels of a channel adds them
        # one after another in float32 (5e-5 relative error at 512 x 512, measured), where the
        # single-picture layout gets TensorFlow's accurate reduction over contiguous values.
        shape = tf.shape(terms)
        columns = tf.reduce_sum(tf.reshape(terms, [shape[1], -1]), axis=0)
        return tf.reduce_sum(tf.reshape(columns, [shape[2], -1, channels]), axis=[0, 2])

    return _weighted_terms(
        logits,
        img_precise,
        far_target,
        kernel,
        weight_precise,
        weight_blurred,
        gamma,
        method,
        per_picture if with_losses else None,
    )


def _weighted_terms(
    logits: tf.Tensor,
    img_precise: tf.Tensor,
    far_target: tf.Tensor,
    kernel: tf.Tensor,
    weight_precise: tf.Tensor,
    weight_blurred: tf.Tensor,
    gamma: tf.Tensor | float,
    method: str,
    per_picture: Callable[[tf.Tensor], tf.Tensor] | None,
) -> tuple[tf.Tensor | None, tf.Tensor | None, tf.Tensor]:
    """The chain rule shared by both layouts: unweighted loss terms per picture, and the gradient.

    ``weight_precise`` and ``weight_blurred`` broadcast against ``logits``;
    ``per_picture`` sums a tensor of squared differences picture by picture
    (``None``: no losses, only the gradient).
    """
    dtype = logits.dtype
    gamma = tf.cast(gamma, dtype)
    image01 = tf.math.sigmoid(logits)
    diff = image01 - img_precise
    loss_precise = per_picture(tf.square(diff)) if per_picture else None
    light = fast_power(image01, gamma)
    blurred = blur_with_kernel(light, kernel, method, positive=True)
    far = fast_power(blurred, 1.0 / gamma)
    residual = far - far_target
    loss_gauss = per_picture(tf.square(residual)) if per_picture else None
    # f / B = B ** (1/g - 1) is infinite where the blur is exactly 0 (a window of pixels the
    # sigmoid saturated to 0 in float): there L = 0 too, so the true product tends to 0 and
    # 0 * inf would turn the whole picture NaN at the next step.
    grad_blurred = (2.0 / gamma) * weight_blurred * residual * tf.math.divide_no_nan(far, blurred)
    grad_light = blur_with_kernel(grad_blurred, adjoint_kernel(kernel), method)
    grad = (2.0 * weight_precise * diff * image01 + gamma * grad_light * light) * (1.0 - image01)
    return loss_precise, loss_gauss, grad
