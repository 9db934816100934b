"""The article's loss, with its gradient written out by hand.

``loss_precise = sum((x - img_precise) ** 2)``

``loss_gauss = sum((far(x) - far(img_blurred)) ** 2)`` where
``far(y) = blur(y ** gamma) ** (1 / gamma)`` is the picture seen from afar
(:func:`hybridnb.far_view`): blurred in linear light, shown back in display
values, with the article's zero padding.

``loss = m_precise * loss_precise + m_blurred * loss_gauss`` (sums, not means).

:class:`ArticleLoss` is the default loss of :class:`hybridnb.HybridModel`.
Its hot path, :func:`loss_and_gradient_side_by_side`, is the same loss with
its gradient written out by hand (the chain rule through sigmoid, gamma and
the blur, whose transpose is the blur with the reversed kernel): that lets
it compute ``x ** gamma`` as ``exp(gamma * log x)`` and reuse every
intermediate, about twice as fast as autodiff.  :func:`hybrid_losses` is the
plain formula (autodiff checks the hand-written gradient against it).

A batch of N candidates is laid *side by side in the channels*, shape (1, H,
W, 3 N) (:func:`side_by_side`): TensorFlow's depthwise convolution vectorises
over channels, and one picture's 3 colours leave most of a CPU's vector lanes
idle, so a blur of N pictures costs little more than one (bench/grid.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from ..arrays import scalar_like
from ..checks import check_choice, check_count, check_kernel_fits, check_number
from ..filters.blur import BLUR_METHODS
from ..filters.blur_tf import adjoint_kernel, blur_tensor
from ..filters.kernels import make_gauss_blur_kernel
from ..filters.viewing import far_view, far_view_parts
from ..imaging.color import GAMMA
from .loss import HybridLoss, Inputs
from .start import compiled_classic_start

#: Colour channels of a picture.
CHANNELS = 3

#: :func:`hybridnb.far_view` compiled: the far target of a pair is computed once per run.
compiled_far_view = tf.function(far_view, reduce_retracing=True, autograph=False)


@dataclass(frozen=True)
class ArticleLoss(HybridLoss):
    """The article's loss: a sharp match to the near picture, a blurred one to the far picture.

    Parameters
    ----------
    kernel_size : int
        Taps of the blur (the article: 15).
    sigma : float
        Its standard deviation in pixels (the article: 3).
    gamma : float, optional
        The linear-light blur's gamma (the article: 2.2).
    method : {"auto", "direct", "fft"}, optional
        How the blur is computed (:func:`hybridnb.filters.blur.blur_with_kernel`).

    Examples
    --------
    >>> import hybridnb as hn
    >>> loss = hn.ArticleLoss(15, 3.0)
    >>> model = hn.HybridModel(32, 32, loss=hn.ArticleLoss(7, 1.5))
    >>> model.gauss_kernel_size, model.gauss_sigma
    (7, 1.5)
    """

    kernel_size: int = 15
    sigma: float = 3.0
    gamma: float = GAMMA
    method: str = "auto"

    def __post_init__(self) -> None:
        object.__setattr__(self, "kernel_size", check_count("gauss_kernel_size", self.kernel_size))
        object.__setattr__(self, "sigma", check_number("gauss_sigma", self.sigma, positive=True))
        object.__setattr__(self, "gamma", check_number("gamma", self.gamma, positive=True))
        check_choice("method", self.method, BLUR_METHODS)

    @property
    def kernel(self) -> np.ndarray:
        """The 1-D blur kernel (:func:`hybridnb.make_gauss_blur_kernel`)."""
        return make_gauss_blur_kernel(self.kernel_size, self.sigma)

    def graph_key(self):
        return (self.method,)

    def check(self, shape: tuple[int, int]) -> None:
        check_kernel_fits(shape, self.kernel_size)

    def prepare(self, near: tf.Tensor, far: tf.Tensor, count: int, dtype: tf.DType) -> Inputs:
        kernel, gamma = tf.constant(self.kernel, dtype), tf.constant(self.gamma, dtype)
        far_target = compiled_far_view(far, kernel, gamma)
        # Every candidate has the same targets: tile them once into the candidates' layout.
        return tf.tile(near, [1, 1, 1, count]), tf.tile(far_target, [1, 1, 1, count]), kernel, gamma

    def terms(self, image01: tf.Tensor, inputs: Inputs) -> tuple[tf.Tensor, tf.Tensor]:
        precise, far_target, kernel, gamma = inputs
        loss_precise = _sum_per_picture(tf.square(image01 - precise))
        loss_gauss = _sum_per_picture(tf.square(far_view(image01, kernel, gamma) - far_target))
        return loss_precise, loss_gauss

    def evaluate(self, logits, inputs, m_precise, m_blurred, with_losses=True):
        precise, far_target, kernel, gamma = inputs
        loss_precise, loss_gauss, grad = loss_and_gradient_side_by_side(
            logits, precise, far_target, kernel, m_precise, m_blurred, gamma, self.method, with_losses=with_losses
        )
        if not with_losses:
            loss_precise = loss_gauss = tf.zeros_like(m_precise)
        return loss_precise, loss_gauss, grad

    def start(self, near: tf.Tensor, far: tf.Tensor, dtype: tf.DType) -> tf.Tensor:
        """The classic split in linear light with this loss's own kernel and zero border.

        ``(P**g - blur(P**g) + blur(F**g)) ** (1 / g)``: seen up close the
        near picture, from afar nearly the far one, as the loss sees them.
        """
        kernel, gamma = tf.constant(self.kernel, dtype), tf.constant(self.gamma, dtype)
        return compiled_classic_start(near, far, kernel, kernel, gamma, linear=True, border="zero")

    def pack(self, pictures: tf.Tensor) -> tf.Tensor:
        return side_by_side(pictures)

    def unpack(self, packed: tf.Tensor, count: int) -> tf.Tensor:
        return stacked(packed, CHANNELS)


def hybrid_losses(
    image01: tf.Tensor,
    img_precise: tf.Tensor,
    far_target: tf.Tensor,
    kernel: tf.Tensor,
    gamma: tf.Tensor | float = GAMMA,
) -> tuple[tf.Tensor, tf.Tensor]:
    """Per-picture ``loss_precise`` and ``loss_gauss`` of a batch of candidates (the plain formula).

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
    >>> lp, lg = hybrid_losses(x, tf.zeros_like(x), hn.far_view(x, k), k)
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
    gamma: tf.Tensor | float = GAMMA,
    method: str = "auto",
) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]:
    """The article's total loss at ``sigmoid(logits)`` and its gradient, by hand, for an (N, H, W, C) batch.

    Same numbers as differentiating ``m_precise * loss_precise + m_blurred *
    loss_gauss`` from :func:`hybrid_losses` (to float rounding), about twice
    as fast.  With ``s = sigmoid(z)``, ``L = s ** g``, ``B = blur(L)``,
    ``f = B ** (1 / g)`` and ``r = f - far_target``:

    ``d loss / d z = (2 m_p (s - precise) s + 2 m_b g blur*(r f / (g B)) L) (1 - s)``

    where ``blur*`` is the transposed blur (:func:`hybridnb.filters.blur_tf.adjoint_kernel`).

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
        How the blurs are computed (:func:`hybridnb.filters.blur.blur_with_kernel`).

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
    >>> loss, lp, lg, grad = loss_and_gradient(z, tf.zeros_like(z), hn.far_view(tf.sigmoid(z), k), k, 0.5, 1.0)
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


def stacked(pictures: tf.Tensor, channels: int = CHANNELS) -> tf.Tensor:
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


def _sum_per_picture(terms: tf.Tensor, channels: int = CHANNELS) -> tf.Tensor:
    """Sum (1, H, W, N * C) values picture by picture: shape (N,).

    In two stages, rows first: one reduction over all H * W pixels of a
    channel adds them one after another in float32 (5e-5 relative error at
    512 x 512, measured), where the rows-first sums stay under 1e-6.
    """
    shape = tf.shape(terms)
    columns = tf.reduce_sum(tf.reshape(terms, [shape[1], -1]), axis=0)
    return tf.reduce_sum(tf.reshape(columns, [shape[2], -1, channels]), axis=[0, 2])


def loss_and_gradient_side_by_side(
    logits: tf.Tensor,
    img_precise: tf.Tensor,
    far_target: tf.Tensor,
    kernel: tf.Tensor,
    m_precise: tf.Tensor,
    m_blurred: tf.Tensor,
    gamma: tf.Tensor | float = GAMMA,
    method: str = "auto",
    with_losses: bool = True,
) -> tuple[tf.Tensor | None, tf.Tensor | None, tf.Tensor]:
    """:func:`loss_and_gradient` for N pictures laid side by side in the channels.

    The same gradient as ``loss_and_gradient`` on the (N, H, W, C) batch, bit
    for bit (the same operations on each channel), and the same losses to
    float rounding (about 1e-6 relative in float32); faster on CPU.  On 2
    cores at 512 x 512 with the article's 15 taps, a blur of 3 pictures costs
    about 3.5-3.8 ms side by side, 5.2-6.6 ms as an (N, H, W, 3) batch and
    3 x 2.3-2.6 ms one by one (bench/grid.py measures whole steps).

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
    return _weighted_terms(
        logits,
        img_precise,
        far_target,
        kernel,
        weight_precise,
        weight_blurred,
        gamma,
        method,
        _sum_per_picture if with_losses else None,
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
    gamma = scalar_like(gamma, dtype)
    image01 = tf.math.sigmoid(logits)
    diff = image01 - img_precise
    loss_precise = per_picture(tf.square(diff)) if per_picture else None
    light, blurred, far = far_view_parts(image01, kernel, gamma, method=method)
    residual = far - far_target
    loss_gauss = per_picture(tf.square(residual)) if per_picture else None
    # f / B = B ** (1/g - 1) is infinite where the blur is exactly 0 (a window of pixels the
    # sigmoid saturated to 0 in float): there L = 0 too, so the true product tends to 0 and
    # 0 * inf would turn the whole picture NaN at the next step.
    grad_blurred = (2.0 / gamma) * weight_blurred * residual * tf.math.divide_no_nan(far, blurred)
    grad_light = blur_tensor(grad_blurred, adjoint_kernel(kernel), method)
    grad = (2.0 * weight_precise * diff * image01 + gamma * grad_light * light) * (1.0 - image01)
    return loss_precise, loss_gauss, grad
