"""A perceptual near term: SSIM to the near picture instead of the pixel-wise difference.

The article's ``loss_precise = sum((x - near) ** 2)`` asks the hybrid to
match the near picture *everywhere and at every frequency*, including the
coarse structure that the far picture must own; every unit of it fights
``loss_gauss``.  :class:`PerceptualLoss` replaces it with
``(1 - SSIM(x, near)) * x.size``: SSIM (:mod:`hybridnb.filters.similarity`)
compares local means, contrasts and correlations under a small Gaussian
window (sigma 1.5 px), so it rewards the near picture's *local structure*
and tolerates a slowly varying offset, exactly the far picture's low
frequencies.  The far term is the article's (a Gaussian blur in linear
light), and training starts from the classic split (the article's own
suggestion), so 50 plain steps suffice.

``loss = m_precise * (1 - SSIM(x, near)) * N + m_blurred * sum((far(x) - far(far_picture)) ** 2)``

with ``N = H * W * 3`` so both terms are sums over values.  The near term is
the same index as the near score of :func:`hybridnb.hybrid_scores`, so that
score cannot judge it (bench/near_metric_crosscheck.py uses another).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from ..checks import check_choice, check_number
from ..filters.kernels import kernel_size_for, make_gauss_blur_kernel
from ..filters.similarity import mean_ssim
from ..filters.viewing import far_view
from ..imaging.color import GAMMA
from .grid import comparison_grid
from .loss import HybridLoss, Inputs
from .start import compiled_classic_start


@dataclass(frozen=True)
class PerceptualLoss(HybridLoss):
    """SSIM near term and the article's far term, started from the classic split.

    Parameters
    ----------
    sigma_precise : float
        Sigma of the classic split the fit starts from (its near high-pass), pixels.
    sigma_blurred : float
        Sigma of the far term's blur (and of the start's low-pass), pixels;
        the kernel has ``kernel_size_for(sigma_blurred)`` taps.
    gamma : float, optional

    Examples
    --------
    >>> import hybridnb as hn
    >>> near = hn.load_image("hopper", size=32)
    >>> far = hn.load_image("astronaut", size=32)
    >>> model = hn.HybridModel(32, 32, loss=PerceptualLoss(1.0, 2.0))
    >>> report = model.fit(near, far, m_precise=0.1, max_steps=5)
    >>> report.steps, report.image.shape
    (5, (32, 32, 3))
    """

    sigma_precise: float
    sigma_blurred: float
    gamma: float = GAMMA

    #: Keep the classic start almost as it is.
    start_margin = 1e-3

    def __post_init__(self) -> None:
        for name in ("sigma_precise", "sigma_blurred", "gamma"):
            object.__setattr__(self, name, check_number(name, getattr(self, name), positive=True))

    def _kernel(self, sigma: float, dtype: tf.DType) -> tf.Tensor:
        return tf.constant(make_gauss_blur_kernel(kernel_size_for(sigma), sigma), dtype)

    def prepare(self, near: tf.Tensor, far: tf.Tensor, count: int, dtype: tf.DType) -> Inputs:
        kernel, gamma = self._kernel(self.sigma_blurred, dtype), tf.constant(self.gamma, dtype)
        return near, far_view(far, kernel, gamma), kernel, gamma

    def terms(self, image01: tf.Tensor, inputs: Inputs) -> tuple[tf.Tensor, tf.Tensor]:
        """Per-picture near term ``(1 - SSIM) * H * W * C`` and the article's far term.

        Examples
        --------
        >>> import tensorflow as tf
        >>> loss = PerceptualLoss(1.0, 1.0)
        >>> x = tf.random.stateless_uniform((2, 16, 16, 3), seed=(1, 2))
        >>> near, far = loss.terms(x, loss.prepare(x[:1], x[:1], 2, tf.float32))
        >>> round(float(near[0]), 4), float(far[0]), bool(near[1] > 0)
        (0.0, 0.0, True)
        """
        near, far_target, kernel, gamma = inputs
        values = tf.cast(tf.reduce_prod(tf.shape(image01)[1:]), image01.dtype)
        near_term = (1.0 - mean_ssim(image01, near)) * values
        far_term = tf.reduce_sum(tf.square(far_view(image01, kernel, gamma) - far_target), axis=[1, 2, 3])
        return near_term, far_term

    def start(self, near: tf.Tensor, far: tf.Tensor, dtype: tf.DType) -> tf.Tensor:
        """The classic split in display values with mirrored borders (:func:`hybridnb.classic_hybrid`)."""
        kernels = self._kernel(self.sigma_precise, dtype), self._kernel(self.sigma_blurred, dtype)
        return compiled_classic_start(
            near, far, *kernels, tf.constant(self.gamma, dtype), linear=False, border="mirror"
        )


@dataclass(frozen=True)
class PerceptualResult:
    """Hybrids from :func:`perceptual_hybrid`, one per ``m_precise``.

    Attributes
    ----------
    images : ndarray, shape (N, H, W, 3), in [0, 1]
    m_precise : ndarray, shape (N,)
    loss_near, loss_far : ndarray, shape (N,)
        The last evaluation (before the last update).
    init : ndarray, shape (H, W, 3)
        The classic hybrid the training started from.
    """

    images: np.ndarray
    m_precise: np.ndarray
    loss_near: np.ndarray
    loss_far: np.ndarray
    init: np.ndarray


def perceptual_hybrid(
    img_precise: np.ndarray,
    img_blurred: np.ndarray,
    sigma_precise: float,
    sigma_blurred: float,
    m_precise: Sequence[float] = (0.003, 0.01, 0.03, 0.1),
    *,
    steps_count: int = 50,
    lr: float = 0.3,
    init: str = "classic",
    dtype: tf.DType = tf.float32,
    gamma: float = GAMMA,
) -> PerceptualResult:
    """Optimise hybrids with :class:`PerceptualLoss`, one per weight, in one batch.

    Plain gradient descent, as the article's, in the comparison grid's loop
    (:func:`hybridnb.comparison_grid` with ``loss=PerceptualLoss(...)``).

    Parameters
    ----------
    img_precise, img_blurred : ndarray, shape (H, W, 3), values in [0, 1]
    sigma_precise, sigma_blurred : float
        As for :class:`PerceptualLoss`.
    m_precise : sequence of float
        Weights of the near term; larger keeps more of the near picture.
    steps_count, lr : optional
    init : {"classic", "grey"}
        Start from the classic hybrid (default) or from grey.
    dtype, gamma : optional

    Returns
    -------
    PerceptualResult

    Examples
    --------
    >>> import hybridnb as hn
    >>> near = hn.load_image("hopper", size=64)
    >>> far = hn.load_image("astronaut", size=64)
    >>> res = hn.perceptual_hybrid(near, far, 1.0, 2.0, m_precise=(0.03, 0.3), steps_count=10)
    >>> res.images.shape
    (2, 64, 64, 3)
    >>> [hn.ssim(im, near) > hn.ssim(res.init, near) for im in res.images]
    [True, True]
    """
    check_choice("init", init, ("classic", "grey"))
    grid = comparison_grid(
        img_precise,
        img_blurred,
        m_precise,
        (1.0,),
        steps_count=steps_count,
        lr=lr,
        optimizer="sgd",
        print_loss_steps=0,
        dtype=dtype,
        loss=PerceptualLoss(sigma_precise, sigma_blurred, gamma),
        start=init,
    )
    return PerceptualResult(
        images=grid.images.astype(np.float64),
        m_precise=grid.m_precise,
        loss_near=grid.loss_precise,
        loss_far=grid.loss_gauss,
        init=grid.start.astype(np.float64),
    )
