"""Loss records of a training run, for plots and the panel."""

from __future__ import annotations

from typing import NamedTuple


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
        """Build a record from a :class:`hybridnb.Report` reached at ``step``.

        Examples
        --------
        >>> from types import SimpleNamespace
        >>> r = SimpleNamespace(loss=3.0, loss_precise=20.0, loss_gauss=1.0)
        >>> LossRecord.from_report(9, r)
        LossRecord(step=9, loss=3.0, loss_precise=20.0, loss_gauss=1.0)
        """
        return cls(int(step), float(report.loss), float(report.loss_precise), float(report.loss_gauss))
