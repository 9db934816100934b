"""Figures that update in place while a computation runs.

One approach everywhere: draw a fresh :class:`matplotlib.figure.Figure`
(no pyplot, see :mod:`hybridnb.ui.plots`), render it to PNG and replace the
previous picture in the same output.  In a notebook that is an IPython
display handle updated with ``update``: it works live in JupyterLab, leaves
the last picture as a static PNG output when the notebook is executed
headless (nbclient / nbconvert), and re-running the cell replaces its output
instead of piling up figures.  The panel pushes the same PNG bytes into an
``ipywidgets.Image``, which swaps the picture without flicker.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from matplotlib.figure import Figure

from ..optimize.records import LossRecord
from .plots import figure_to_png, training_figure


class LiveFigure:
    """A display slot that shows the latest figure, replaced in place.

    Parameters
    ----------
    min_interval : float, optional
        Seconds between redraws; updates that come sooner are skipped unless
        ``force=True`` (drawing is slower than a training step).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> live = LiveFigure(min_interval=0.0)
    >>> shown = live.show(Figure(figsize=(1, 1)))  # doctest: +ELLIPSIS
    <IPython.core.display.Image object>
    >>> shown.format
    'png'
    >>> live.show(Figure(figsize=(1, 1))) is None  # too soon? no: interval is 0
    <IPython.core.display.Image object>
    False
    """

    def __init__(self, min_interval: float = 0.3) -> None:
        self.min_interval = float(min_interval)
        self._handle = None
        self._last = -float("inf")

    def show(self, fig: Figure | Callable[[], Figure], *, force: bool = False):
        """Show ``fig`` (a figure, or a function that draws one) in the slot.

        Returns the IPython ``Image`` shown, or None when the update was skipped.
        """
        from IPython.display import Image, display

        now = time.monotonic()
        if not force and now - self._last < self.min_interval:
            return None
        if callable(fig):
            fig = fig()
        image = Image(data=figure_to_png(fig))
        if self._handle is None:
            self._handle = display(image, display_id=True)
        else:
            self._handle.update(image)
        self._last = time.monotonic()
        return image


class LiveTraining:
    """A ``HybridModel.train`` callback that keeps the losses and redraws live.

    Pass it as ``callback=``: at every report step it appends a
    :class:`~hybridnb.optimize.records.LossRecord` to :attr:`history` and shows
    :func:`~hybridnb.ui.plots.training_figure` (loss curves, the current
    picture and, with ``far``, its view from afar) in one
    :class:`LiveFigure`, replaced in place.  Call :meth:`finish` after
    training to draw the final state even if the last update came too soon
    after the one before.

    Parameters
    ----------
    live : LiveFigure, optional
        Where to draw; a new one (redrawn at most every 0.3 s) by default.
    far : callable, optional
        ``far(image) -> image``: the view from afar to show beside the
        picture, e.g. ``lambda im: hybridnb.shrink_linear(im, 8)``.
    title : str, optional

    Attributes
    ----------
    history : list of LossRecord
    image : ndarray or None
        The latest picture.

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> monitor = LiveTraining(LiveFigure(min_interval=0.0))
    >>> monitor(4, SimpleNamespace(loss=2.0, loss_precise=9.0, loss_gauss=1.0, image=np.zeros((8, 8, 3))))
    <IPython.core.display.Image object>
    >>> monitor.history
    [LossRecord(step=4, loss=2.0, loss_precise=9.0, loss_gauss=1.0)]
    """

    def __init__(
        self,
        live: LiveFigure | None = None,
        *,
        far: Callable[[np.ndarray], np.ndarray] | None = None,
        title: str = "",
    ) -> None:
        self.live = live if live is not None else LiveFigure()
        self.far = far
        self.title = title
        self.history: list[LossRecord] = []
        self.image: np.ndarray | None = None

    def figure(self) -> Figure:
        """The training figure for the current state."""
        far_image = self.far(self.image) if (self.far is not None and self.image is not None) else None
        return training_figure(self.history, self.image, far_image, title=self.title)

    def __call__(self, step: int, report) -> None:
        """Record ``report`` (reached at ``step``) and redraw if it is time."""
        self.history.append(LossRecord.from_report(step, report))
        self.image = report.image
        self.live.show(self.figure)

    def finish(self, step: int | None = None, report=None) -> None:
        """Draw the final state now, with the final picture's ``report`` at ``step`` if given.

        ``HybridModel.train`` reports each report step's picture before that
        step's update and then applies the last one: pass
        ``model.steps`` and ``model.run(...)`` to end the curves and the
        title on the picture the model holds (step 200 of 200, not 199).
        """
        if report is not None and (not self.history or self.history[-1].step != step):
            self(int(step), report)
        self.live.show(self.figure, force=True)
