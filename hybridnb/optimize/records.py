"""What a training run reports: one evaluation (:class:`Report`) and the loss history (:class:`LossRecord`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


@dataclass(frozen=True)
class Report:
    """One evaluation of the loss, as the article's ``Report``.

    Every loss of hybridnb has a near term, matched up close and weighted by
    ``m_precise``, and a far term, matched from afar and weighted by
    ``m_blurred``; for the article's loss they are its ``loss_precise`` and
    ``loss_gauss``.

    Attributes
    ----------
    image : ndarray, shape (H, W, 3)
        The picture (sigmoid of the logits) the losses were evaluated at.
    loss, loss_precise, loss_gauss : float
        ``m_precise * loss_precise + m_blurred * loss_gauss`` and its parts.
    gradient : ndarray, shape (1, H, W, 3)
        d loss / d ``trainable_image`` at that point.
    steps : int
        Descent steps applied to the picture before this evaluation.
    """

    image: np.ndarray
    loss: float
    loss_precise: float
    loss_gauss: float
    gradient: np.ndarray
    steps: int = 0


class LossRecord(NamedTuple):
    """The losses at one step: what the loss-curve plots draw.

    Examples
    --------
    >>> LossRecord(step=49, loss=1.5, loss_precise=10.0, loss_gauss=0.5).loss_gauss
    0.5
    """

    step: int
    loss: float
    loss_precise: float
    loss_gauss: float

    @classmethod
    def from_report(cls, step: int, report) -> LossRecord:
        """Build a record from a :class:`Report` reached at ``step``.

        Examples
        --------
        >>> from types import SimpleNamespace
        >>> r = SimpleNamespace(loss=3.0, loss_precise=20.0, loss_gauss=1.0)
        >>> LossRecord.from_report(9, r)
        LossRecord(step=9, loss=3.0, loss_precise=20.0, loss_gauss=1.0)
        """
        return cls(int(step), float(report.loss), float(report.loss_precise), float(report.loss_gauss))
