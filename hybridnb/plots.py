"""Matplotlib figures shared by the notebooks, the panel and the docs.

Figures are built with the object API (``matplotlib.figure.Figure``), never
with pyplot: nothing is registered with a backend, so drawing a figure again
never piles up open figures, and the same figure can be shown as a static
PNG (notebooks run headless) or pushed into a widget (the panel).  See
:mod:`hybridnb.live` for showing a figure that updates in place.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from .history import LossRecord

LOSS_STYLES = {
    "loss": dict(label="total", color="black", lw=2.0),
    "loss_precise": dict(label="precise (near)", color="tab:blue", lw=1.2),
    "loss_gauss": dict(label="gauss (far)", color="tab:orange", lw=1.2),
}


def figure_to_png(fig: Figure, dpi: int | None = None) -> bytes:
    """Render a figure to PNG bytes (Agg, no display needed).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> figure_to_png(Figure(figsize=(1, 1)))[:4]
    b'\\x89PNG'
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


def plot_losses(ax, history: Sequence[LossRecord], *, log: bool = True) -> None:
    """Draw the three loss curves of ``history`` on ``ax``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> plot_losses(ax, [LossRecord(0, 3.0, 20.0, 1.0), LossRecord(1, 2.0, 15.0, 0.5)])
    >>> len(ax.lines)
    3
    """
    ax.clear()
    if history:
        steps = [r.step for r in history]
        for field, style in LOSS_STYLES.items():
            ax.plot(steps, [getattr(r, field) for r in history], **style)
        ax.legend(loc="upper right", fontsize="small")
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.grid(True, which="both", alpha=0.3)


def show_image(ax, image: np.ndarray | None, title: str = "") -> None:
    """Show a float (H, W, 3) picture on ``ax`` without axes.

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> show_image(ax, np.zeros((4, 4, 3)), "black")
    >>> ax.get_title()
    'black'
    """
    ax.clear()
    if image is not None:
        ax.imshow(np.clip(image, 0.0, 1.0), interpolation="lanczos" if image.shape[0] > 64 else "nearest")
    ax.set_title(title, fontsize="medium")
    ax.set_axis_off()


def training_figure(
    history: Sequence[LossRecord],
    image: np.ndarray | None,
    far_image: np.ndarray | None = None,
    *,
    title: str = "",
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Loss curves beside the current picture (and its view from afar).

    Parameters
    ----------
    history : sequence of LossRecord
    image : ndarray (H, W, 3) or None
        The current picture.
    far_image : ndarray or None, optional
        The picture as seen from afar (e.g. :func:`hybridnb.viewing.shrink_linear`).
    title : str, optional
    figsize : (float, float), optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> fig = training_figure([LossRecord(0, 3.0, 20.0, 1.0)], np.zeros((8, 8, 3)))
    >>> len(fig.axes)
    2
    """
    panels = 3 if far_image is not None else 2
    fig = Figure(figsize=figsize or (4.2 * panels, 3.6), layout="constrained")
    widths = [1.4, 1.0, 1.0][:panels]
    axes = fig.subplots(1, panels, width_ratios=widths)
    plot_losses(axes[0], history)
    step = history[-1].step if history else 0
    show_image(axes[1], image, f"step {step}: up close")
    if far_image is not None:
        show_image(axes[2], far_image, "from afar")
    if title:
        fig.suptitle(title)
    return fig


def image_row(
    images: Mapping[str, np.ndarray],
    *,
    widths: Sequence[float] | None = None,
    height: float = 3.0,
    title: str = "",
) -> Figure:
    """Pictures side by side, each titled by its key.

    Parameters
    ----------
    images : mapping of str to ndarray (H, W, 3) or (H, W)
        Title -> picture in [0, 1] (values outside are clipped; grey
        pictures are shown in grey).
    widths : sequence of float, optional
        Relative widths of the panels; e.g. make a shrunk picture's panel
        small to see it as from afar.  Equal by default.
    height : float, optional
        Figure height in inches.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> fig = image_row({"black": np.zeros((4, 4, 3)), "white": np.ones((2, 2, 3))}, widths=[2, 1])
    >>> [ax.get_title() for ax in fig.axes]
    ['black', 'white']
    """
    if not images:
        raise ValueError("no pictures to show")
    widths = list(widths) if widths is not None else [1.0] * len(images)
    if len(widths) != len(images):
        raise ValueError(f"{len(widths)} widths for {len(images)} pictures")
    fig = Figure(figsize=(height * sum(widths) / max(widths) * 1.05, height), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(images), width_ratios=widths))
    for ax, (name, image) in zip(axes, images.items(), strict=True):
        image = np.asarray(image)
        if image.ndim == 2:
            ax.imshow(np.clip(image, 0.0, 1.0), cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
            ax.set_title(name, fontsize="medium")
            ax.set_axis_off()
        else:
            show_image(ax, image, name)
    if title:
        fig.suptitle(title)
    return fig
