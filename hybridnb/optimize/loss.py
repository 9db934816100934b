"""What a loss is to the optimisers: the plug-in interface of :class:`hybridnb.HybridModel`.

Every loss of hybridnb scores a batch of candidate pictures with two terms
per picture, a *near* term (the picture as seen up close should be the near
picture) and a *far* term (seen from afar, the far picture), combined as
``m_precise * near + m_blurred * far``.  A loss is a small object holding its
parameters; the model, the comparison grid and the command line use it only
through :class:`HybridLoss`'s methods, so a new loss is one class:

- :meth:`~HybridLoss.terms`: the two terms of pictures in [0, 1] (pure
  TensorFlow, differentiable: autodiff gives the gradient);
- :meth:`~HybridLoss.prepare`: what to compute once per pair of pictures
  (targets, kernels), as tensors;
- optionally :meth:`~HybridLoss.evaluate` (a hand-written gradient),
  :meth:`~HybridLoss.start` (where ``fit`` starts; the classic split by
  default), :meth:`~HybridLoss.pack` (a faster memory layout for batches).

Numbers enter the compiled graph as tensors (:meth:`~HybridLoss.prepare`), so
new pictures, weights and parameters never retrace; what changes the graph
itself is :meth:`~HybridLoss.graph_key`.
"""

from __future__ import annotations

from collections.abc import Hashable

import tensorflow as tf

#: The classic start keeps colours this far inside (0, 1), so that no logit
#: starts saturated (where the sigmoid's gradient vanishes).  Steps of ``fit``
#: to the article's 200-step loss, summed over six sample pairs at the best
#: learning rate: margin 0.001: 87, 0.01: 63, 0.03: 51, 0.06: 49, 0.1: 48.
START_MARGIN = 0.06

Inputs = tuple[tf.Tensor, ...]


class HybridLoss:
    """Base class of the losses: ``m_precise * near_term + m_blurred * far_term`` per picture.

    Subclasses define :meth:`prepare` and :meth:`terms`; the rest has
    defaults.  Pictures are NHWC float tensors in [0, 1]; a batch of ``N``
    candidates is fitted at once with per-picture weights (shape (N,)).
    """

    #: How far inside (0, 1) :meth:`start_logits` keeps the start's colours.
    start_margin: float = START_MARGIN

    # -- what subclasses define -------------------------------------------------

    def prepare(self, near: tf.Tensor, far: tf.Tensor, count: int, dtype: tf.DType) -> Inputs:
        """Tensors computed once per pair: targets, kernels, parameters.

        Parameters
        ----------
        near, far : tf.Tensor, shape (1, H, W, 3)
            The pictures seen up close and from afar, in ``dtype``.
        count : int
            Candidates that will be fitted to them at once.
        dtype : tf.DType

        Returns
        -------
        tuple of tf.Tensor
            Passed unchanged to :meth:`terms` / :meth:`evaluate`, in the
            layout of :meth:`pack`.
        """
        raise NotImplementedError

    def terms(self, image01: tf.Tensor, inputs: Inputs) -> tuple[tf.Tensor, tf.Tensor]:
        """The near and the far term of each candidate, shape (N,) each (differentiable)."""
        raise NotImplementedError

    # -- defaults ----------------------------------------------------------------

    def graph_key(self) -> Hashable:
        """What, besides tensor values, shapes this loss's graph (compiled once per key)."""
        return ()

    def check(self, shape: tuple[int, int]) -> None:
        """Refuse, with a ``ValueError``, a picture size this loss cannot handle."""

    def evaluate(
        self, logits: tf.Tensor, inputs: Inputs, m_precise: tf.Tensor, m_blurred: tf.Tensor, with_losses: bool = True
    ) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
        """The terms at ``sigmoid(logits)`` and the gradient of the weighted sum, by autodiff.

        Parameters
        ----------
        logits : tf.Tensor
            Packed candidates (:meth:`pack`).
        inputs : tuple of tf.Tensor
            From :meth:`prepare`.
        m_precise, m_blurred : tf.Tensor, shape (N,)
        with_losses : bool, optional
            Whether the terms are needed (a hand-written :meth:`evaluate` may
            skip computing them when not).

        Returns
        -------
        near_term, far_term : tf.Tensor, shape (N,)
        gradient : tf.Tensor, same shape as ``logits``
            Of ``sum(m_precise * near_term + m_blurred * far_term)``.
        """
        with tf.GradientTape() as tape:
            tape.watch(logits)
            near_term, far_term = self.terms(tf.math.sigmoid(logits), inputs)
            total = tf.reduce_sum(m_precise * near_term + m_blurred * far_term)
        return near_term, far_term, tape.gradient(total, logits)

    def start(self, near: tf.Tensor, far: tf.Tensor, dtype: tf.DType) -> tf.Tensor:
        """Where ``fit`` starts: a picture in [0, 1], shape (1, H, W, 3).

        Subclasses return the classic split that suits them
        (:mod:`hybridnb.optimize.start`); the base class starts from the near
        picture.
        """
        return near

    def pack(self, pictures: tf.Tensor) -> tf.Tensor:
        """A batch (N, H, W, C) in this loss's memory layout (the batch itself by default)."""
        return pictures

    def unpack(self, packed: tf.Tensor, count: int) -> tf.Tensor:
        """Undo :meth:`pack`: back to (N, H, W, C)."""
        return packed
