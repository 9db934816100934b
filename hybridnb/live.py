"""Figures that update in place while a computation runs.

One approach everywhere: draw a fresh :class:`matplotlib.figure.Figure`
(no pyplot, see :mod:`hybridnb.plots`), render it to PNG and replace the
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

from matplotlib.figure import Figure

from .plots import figure_to_png


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
