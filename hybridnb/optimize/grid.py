"""The article's comparison of loss weights, trained as one batch.

The article compares ``m_precise`` = 0.1, 0.3 and 1.0 by training three
models one after the other.  :func:`comparison_grid` trains every
combination of ``m_precise`` and ``m_blurred`` at once.  The logits of all
cells are one tensor with the cells side by side in the channels,
``(1, H, W, 3 N)``, the weights are ``(N,)`` tensors, and
:func:`hybridnb.losses.loss_and_gradient_side_by_side` sums each cell on its
own, so the gradient of the summed loss with respect to cell ``i`` is exactly
the gradient of cell ``i``'s loss.  Each cell therefore follows the same path
as a :class:`hybridnb.HybridModel` trained alone with its weights.

Why the channels and not the batch axis: TensorFlow's depthwise convolution
vectorises over channels, and one picture's 3 colours leave most of a CPU's
vector lanes idle.  With the cells in the channels a blur does the work of N
pictures for little more than the time of one.  Measured with bench/grid.py:
3 to 9 cells at 512 x 512 train in 0.7-0.87 of the time of the cells one by
one, and in 0.2-0.5 at 64 and 128 px.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from ..checks import check_picture
from ..filters.kernels import make_gauss_blur_kernel
from ..imaging.color import GAMMA
from .losses import far_view, loss_and_gradient_side_by_side, side_by_side, stacked
from .model import ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, OPTIMIZERS
from .records import LossRecord


@dataclass(frozen=True)
class GridResult:
    """The cells of a comparison grid, trained side by side.

    Attributes
    ----------
    images : ndarray, shape (N, H, W, 3)
        The pictures in [0, 1] at the last evaluation (before the last
        update), as :meth:`hybridnb.HybridModel.train`'s ``Report.image``.
    m_precise, m_blurred : ndarray, shape (N,)
        The weights of each cell; the cells are
        ``itertools.product(m_blurred, m_precise)``, so ``m_precise`` varies
        fastest.
    loss, loss_precise, loss_gauss : ndarray, shape (N,)
        The last evaluation of each cell (before the last update, as
        :meth:`hybridnb.HybridModel.train` reports).
    history : list of list of LossRecord
        Per cell, the losses every ``print_loss_steps`` steps.
    """

    images: np.ndarray
    m_precise: np.ndarray
    m_blurred: np.ndarray
    loss: np.ndarray
    loss_precise: np.ndarray
    loss_gauss: np.ndarray
    history: list[list[LossRecord]]

    def __len__(self) -> int:
        return len(self.images)

    def label(self, i: int) -> str:
        """``"m_precise=0.1, m_blurred=1"`` for cell ``i``."""
        return f"m_precise={self.m_precise[i]:g}, m_blurred={self.m_blurred[i]:g}"


# --- compiled steps: per-cell losses out, tensors in -----------------------


def _grid_gradient(logits, img_precise, far_target, kernel, m_precise, m_blurred, gamma, with_losses):
    """Per-cell losses (none without ``with_losses``) and the gradient, by ``HybridModel``'s maths."""
    loss_precise, loss_gauss, grad = loss_and_gradient_side_by_side(
        logits, img_precise, far_target, kernel, m_precise, m_blurred, gamma, with_losses=with_losses
    )
    if not with_losses:
        return (), grad
    return (m_precise * loss_precise + m_blurred * loss_gauss, loss_precise, loss_gauss), grad


# Pure functions (tensors in, tensors out, no variables captured), so grids of
# any number of cells share one relaxed trace without stale variable shapes.
# ``with_losses`` is a Python bool: one trace with the per-cell losses, for the
# steps that report them, and one without (four passes fewer over the cells).


@tf.function(reduce_retracing=True, autograph=False)
def _grid_sgd_step(logits, img_precise, far_target, kernel, m_precise, m_blurred, gamma, lr, with_losses):
    losses, grad = _grid_gradient(logits, img_precise, far_target, kernel, m_precise, m_blurred, gamma, with_losses)
    return (logits - lr * grad,), losses


@tf.function(reduce_retracing=True, autograph=False)
def _grid_adam_step(logits, m, v, t, img_precise, far_target, kernel, m_precise, m_blurred, gamma, lr, with_losses):
    losses, grad = _grid_gradient(logits, img_precise, far_target, kernel, m_precise, m_blurred, gamma, with_losses)
    t = t + 1.0
    b1 = tf.constant(ADAM_BETA1, logits.dtype)
    b2 = tf.constant(ADAM_BETA2, logits.dtype)
    m = b1 * m + (1.0 - b1) * grad
    v = b2 * v + (1.0 - b2) * tf.square(grad)
    m_hat = m / (1.0 - tf.pow(b1, t))
    v_hat = v / (1.0 - tf.pow(b2, t))
    return (logits - lr * m_hat / (tf.sqrt(v_hat) + ADAM_EPSILON), m, v, t), losses


def _weights(name: str, values) -> tuple[float, ...]:
    values = tuple(float(v) for v in np.atleast_1d(values))
    if not values or not all(np.isfinite(v) and v >= 0 for v in values):
        raise ValueError(f"{name} must be non-negative numbers, got {values!r}")
    return values


def comparison_grid(
    img_precise: np.ndarray,
    img_blurred: np.ndarray,
    m_precise: Sequence[float] = (0.1, 0.3, 1.0),
    m_blurred: Sequence[float] = (1.0,),
    *,
    steps_count: int = 200,
    lr: float = 0.3,
    gauss_kernel_size: int = 15,
    gauss_sigma: float = 3.0,
    optimizer: str = "sgd",
    print_loss_steps: int = 10,
    dtype: tf.DType = tf.float32,
    gamma: float = GAMMA,
) -> GridResult:
    """Train one hybrid per pair of weights, all at once in one tensor.

    Parameters
    ----------
    img_precise, img_blurred : ndarray, shape (H, W, 3), values in [0, 1]
    m_precise, m_blurred : sequence of float
        The grid's axes; the cells are their product, ``m_precise`` fastest.
    steps_count, lr, gauss_kernel_size, gauss_sigma, optimizer
        As for :class:`hybridnb.HybridModel` and its ``train`` (the
        article's values by default).  Every cell starts from grey (zero
        logits), as in the article.
    print_loss_steps : int, optional
        Record the losses every this many steps (0: only the last).
    dtype : tf.DType, optional
    gamma : float, optional

    Returns
    -------
    GridResult

    Examples
    --------
    >>> import hybridnb as hn
    >>> near = hn.load_image(hn.sample_images()["hopper"], size=32)
    >>> far = hn.load_image(hn.sample_images()["astronaut"], size=32)
    >>> grid = hn.comparison_grid(near, far, steps_count=20, gauss_kernel_size=7, gauss_sigma=1.5)
    >>> grid.images.shape, grid.m_precise.tolist()
    ((3, 32, 32, 3), [0.1, 0.3, 1.0])
    >>> bool(grid.loss_precise[0] > grid.loss_precise[2])  # more weight, closer to the near picture
    True
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    if isinstance(steps_count, bool) or int(steps_count) != steps_count or steps_count < 1:
        raise ValueError(f"steps_count must be a positive integer, got {steps_count!r}")
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    near = np.asarray(img_precise)
    shape = near.shape[:2]
    near = check_picture("img_precise", near, shape)
    far = check_picture("img_blurred", img_blurred, shape)
    cells = list(itertools.product(_weights("m_blurred", m_blurred), _weights("m_precise", m_precise)))
    mb = np.array([c[0] for c in cells])
    mp = np.array([c[1] for c in cells])
    n = len(cells)

    d = tf.as_dtype(dtype)
    kernel = tf.constant(make_gauss_blur_kernel(gauss_kernel_size, gauss_sigma), d)
    gamma_t = tf.constant(gamma, d)
    # Every cell has the same targets: tile them once into the cells' layout.
    precise = tf.tile(tf.constant(near[np.newaxis], d), [1, 1, 1, n])
    far_target = tf.tile(far_view(tf.constant(far[np.newaxis], d), kernel, gamma_t), [1, 1, 1, n])
    args = (precise, far_target, kernel, tf.constant(mp, d), tf.constant(mb, d), gamma_t)
    logits = side_by_side(tf.zeros((n, *shape, 3), d))
    lr_t = tf.constant(lr, d)
    slots = (tf.zeros_like(logits), tf.zeros_like(logits), tf.constant(0.0, d))

    history: list[list[LossRecord]] = [[] for _ in range(n)]
    images = None
    for i in range(int(steps_count)):
        last = i == steps_count - 1
        report = bool(print_loss_steps and i % print_loss_steps == print_loss_steps - 1) or last
        if last:
            images = stacked(tf.math.sigmoid(logits)).numpy()
        if optimizer == "adam":
            (logits, *slots), losses = _grid_adam_step(logits, *slots, *args, lr_t, report)
        else:
            (logits,), losses = _grid_sgd_step(logits, *args, lr_t, report)
        if report:
            values = np.stack([loss.numpy() for loss in losses], axis=1)
            if not np.all(np.isfinite(values)):
                raise FloatingPointError(f"training diverged at step {i}; lower the learning rate")
            for cell, (lo, lp, lg) in enumerate(values):
                if not history[cell] or history[cell][-1].step != i:
                    history[cell].append(LossRecord(i, float(lo), float(lp), float(lg)))
    return GridResult(
        images=images,
        m_precise=mp,
        m_blurred=mb,
        loss=np.array([h[-1].loss for h in history]),
        loss_precise=np.array([h[-1].loss_precise for h in history]),
        loss_gauss=np.array([h[-1].loss_gauss for h in history]),
        history=history,
    )
