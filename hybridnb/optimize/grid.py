"""The article's comparison of loss weights, trained as one batch.

The article compares ``m_precise`` = 0.1, 0.3 and 1.0 by training three
models one after the other.  :func:`comparison_grid` trains every
combination of ``m_precise`` and ``m_blurred`` at once, in the same compiled
loop as :meth:`hybridnb.HybridModel.train` (:mod:`hybridnb.optimize.engine`):
the candidates are one tensor, the weights are ``(N,)`` tensors and the loss
sums each candidate on its own, so each follows exactly the path of a model
trained alone with its weights.  The article's loss lays the candidates side
by side in the channels (:func:`hybridnb.optimize.article.side_by_side`),
where TensorFlow's depthwise convolution does the work of N pictures for
little more than the time of one: 3 to 9 cells at 512 x 512 train in
0.7-0.87 of the time of the cells one by one, and in 0.2-0.5 at 64 and
128 px (bench/grid.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from ..checks import check_choice, check_count, check_number, check_picture
from ..imaging.color import GAMMA
from .article import ArticleLoss
from .engine import Descent, begin, engine_for, train_steps
from .loss import HybridLoss
from .memory import check_model_memory
from .records import LossRecord
from .settings import ARTICLE
from .start import start_logits
from .updates import UPDATE_RULES


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
    start : ndarray, shape (H, W, 3)
        The picture every cell started from.
    """

    images: np.ndarray
    m_precise: np.ndarray
    m_blurred: np.ndarray
    loss: np.ndarray
    loss_precise: np.ndarray
    loss_gauss: np.ndarray
    history: list[list[LossRecord]]
    start: np.ndarray

    def __len__(self) -> int:
        return len(self.images)

    def label(self, i: int) -> str:
        """``"m_precise=0.1, m_blurred=1"`` for cell ``i``."""
        return f"m_precise={self.m_precise[i]:g}, m_blurred={self.m_blurred[i]:g}"


def _weights(name: str, values) -> tuple[float, ...]:
    values = tuple(np.atleast_1d(values).tolist())
    if not values:
        raise ValueError(f"{name} must hold at least one weight")
    return tuple(check_number(name, v) for v in values)


def comparison_grid(
    img_precise: np.ndarray,
    img_blurred: np.ndarray,
    m_precise: Sequence[float] = (0.1, 0.3, 1.0),
    m_blurred: Sequence[float] = (ARTICLE.m_blurred,),
    *,
    steps_count: int = ARTICLE.steps,
    lr: float = ARTICLE.learning_rate(),
    gauss_kernel_size: int = ARTICLE.kernel_size,
    gauss_sigma: float = ARTICLE.sigma,
    optimizer: str = ARTICLE.optimizer,
    print_loss_steps: int = 10,
    dtype: tf.DType = tf.float32,
    gamma: float = GAMMA,
    loss: HybridLoss | None = None,
    start: str = "grey",
) -> GridResult:
    """Train one hybrid per pair of weights, all at once in one tensor.

    Parameters
    ----------
    img_precise, img_blurred : ndarray, shape (H, W, 3), values in [0, 1]
    m_precise, m_blurred : sequence of float
        The grid's axes; the cells are their product, ``m_precise`` fastest.
    steps_count, lr, gauss_kernel_size, gauss_sigma, optimizer
        As for :class:`hybridnb.HybridModel` and its ``train`` (the
        article's values by default).
    print_loss_steps : int, optional
        Record the losses every this many steps (0: only the last).
    dtype : tf.DType, optional
    gamma : float, optional
    loss : HybridLoss, optional
        What to fit (``ArticleLoss(gauss_kernel_size, gauss_sigma, gamma)``
        by default; the blur's parameters are then the loss's own).
    start : {"grey", "classic"}, optional
        Every cell starts from grey (zero logits, as in the article) or from
        the loss's classic start (:meth:`hybridnb.optimize.loss.HybridLoss.start`).

    Returns
    -------
    GridResult

    Examples
    --------
    >>> import hybridnb as hn
    >>> near = hn.load_image("hopper", size=32)
    >>> far = hn.load_image("astronaut", size=32)
    >>> grid = hn.comparison_grid(near, far, steps_count=20, gauss_kernel_size=7, gauss_sigma=1.5)
    >>> grid.images.shape, grid.m_precise.tolist()
    ((3, 32, 32, 3), [0.1, 0.3, 1.0])
    >>> bool(grid.loss_precise[0] > grid.loss_precise[2])  # more weight, closer to the near picture
    True
    """
    optimizer = check_choice("optimizer", optimizer, tuple(UPDATE_RULES))
    steps_count = check_count("steps_count", steps_count)
    print_loss_steps = check_count("print_loss_steps", print_loss_steps, minimum=0)
    lr = check_number("lr", lr, positive=True)
    check_choice("start", start, ("grey", "classic"))
    near = check_picture("img_precise", img_precise)
    far = check_picture("img_blurred", img_blurred, near.shape[:2])
    if loss is None:
        loss = ArticleLoss(gauss_kernel_size, gauss_sigma, gamma)
    loss.check(near.shape[:2])
    cells = list(itertools.product(_weights("m_blurred", m_blurred), _weights("m_precise", m_precise)))
    mb = np.array([c[0] for c in cells])
    mp = np.array([c[1] for c in cells])
    n = len(cells)
    check_model_memory(*near.shape[:2], candidates=n, itemsize=tf.as_dtype(dtype).size)

    d = tf.as_dtype(dtype)
    near_t, far_t = tf.constant(near[np.newaxis], d), tf.constant(far[np.newaxis], d)
    inputs = loss.prepare(near_t, far_t, n, d)
    weights = (tf.constant(mp, d), tf.constant(mb, d))
    first = loss.start(near_t, far_t, d) if start == "classic" else tf.fill(near_t.shape, tf.constant(0.5, d))
    logits = loss.pack(tf.tile(start_logits(first, loss.start_margin), [n, 1, 1, 1]))
    engine = engine_for(loss, optimizer)

    history: list[list[LossRecord]] = [[] for _ in range(n)]
    images = None

    def on_report(step: int, state: Descent, printed: bool) -> bool:
        nonlocal images
        loss_precise, loss_gauss = state.evaluation[1].numpy(), state.evaluation[2].numpy()
        per_cell = mp * loss_precise + mb * loss_gauss
        for cell in range(n):
            history[cell].append(LossRecord(step, float(per_cell[cell]), float(loss_precise[cell]),
                                            float(loss_gauss[cell])))  # fmt: skip
        images = tf.math.sigmoid(loss.unpack(state.logits, n)).numpy()
        return False

    train_steps(engine, begin(engine, logits, engine.rule.slots(logits), inputs, weights), inputs, weights, lr,
                steps_count, print_loss_steps, on_report)  # fmt: skip
    last = [h[-1] for h in history]
    return GridResult(
        images=images,
        m_precise=mp,
        m_blurred=mb,
        loss=np.array([r.loss for r in last]),
        loss_precise=np.array([r.loss_precise for r in last]),
        loss_gauss=np.array([r.loss_gauss for r in last]),
        history=history,
        start=first[0].numpy(),
    )
