"""Matplotlib figures shared by the notebooks, the panel and the docs.

Figures are built with the object API (``matplotlib.figure.Figure``), never
with pyplot: nothing is registered with a backend, so drawing a figure again
never piles up open figures, and the same figure can be shown as a static
PNG (notebooks run headless) or pushed into a widget (the panel).  See
:mod:`hybridnb.ui.live` for showing a figure that updates in place.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from ..optimize.records import LossRecord

LOSS_STYLES = {
    "loss": dict(label="total", color="black", lw=2.0),
    "loss_precise": dict(label="precise (near)", color="tab:blue", lw=1.2),
    "loss_gauss": dict(label="gauss (far)", color="tab:orange", lw=1.2),
}


def figure_to_png(fig: Figure, dpi: int | None = None, *, tight: bool = True) -> bytes:
    """Render a figure to PNG bytes (Agg, no display needed).

    ``tight=True`` crops the margins, at the price of drawing the figure
    twice; a figure with a layout engine (as :func:`training_figure`) looks
    the same without it, so live views pass ``tight=False``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> figure_to_png(Figure(figsize=(1, 1)))[:4]
    b'\\x89PNG'
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight" if tight else None)
    return buf.getvalue()


def plot_losses(ax, history: Sequence[LossRecord], *, log: bool = True, steps: int | None = None) -> None:
    """Draw the three loss curves of ``history`` on ``ax``.

    The step axis starts at 0 and, with ``steps`` (the run's length), ends
    there, so the curves grow from left to right while a run goes on (a
    first record alone would otherwise get an axis of 8.6 to 9.4).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> plot_losses(ax, [LossRecord(9, 3.0, 20.0, 1.0)], steps=200)
    >>> len(ax.lines), [float(x) for x in ax.get_xlim()]
    (3, [0.0, 200.0])
    """
    ax.clear()
    last = history[-1].step if history else 0
    if history:
        for field, style in LOSS_STYLES.items():
            ax.plot([r.step for r in history], [getattr(r, field) for r in history], **style)
        ax.legend(loc="best", fontsize="small")  # the precise curve often runs along the top
    ax.set_xlim(0, max(steps or 0, last) or 1)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.grid(True, which="both", alpha=0.3)


def show_image(
    ax, image: np.ndarray | None, title: str = "", *, scale: float = 1.0, interpolation: str | None = None
) -> None:
    """Show a float (H, W, 3) picture on ``ax`` without axes.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    image : ndarray (H, W, 3) or None
    title : str, optional
    scale : float, optional
        Fraction of the axes the picture fills, centred (1 fills it).  A
        picture shrunk ``n`` times and drawn at ``scale=1/n`` looks as small
        as it would from ``n`` times farther away, instead of blown up.
    interpolation : str, optional
        Matplotlib's resampling; by default ``"lanczos"`` (smooth) for
        pictures drawn larger than 64 pixels and ``"nearest"`` (each pixel a
        square) for smaller ones.  Pass ``"lanczos"`` to enlarge a view from
        afar smoothly, as the eye would see it.

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> show_image(ax, np.zeros((4, 4, 3)), "black")
    >>> ax.get_title()
    'black'
    >>> show_image(ax, np.zeros((4, 4, 3)), "small", scale=0.25)
    >>> [float(v) for v in ax.images[0].get_extent()]
    [0.375, 0.625, 0.625, 0.375]
    """
    if not 0.0 < scale <= 1.0:
        raise ValueError(f"scale must be in (0, 1], got {scale!r}")
    ax.clear()
    if image is not None:
        if interpolation is None:
            interpolation = "lanczos" if image.shape[0] * scale > 64 else "nearest"
        extent = None
        if scale < 1.0:
            lo, hi = 0.5 - scale / 2, 0.5 + scale / 2
            extent = (lo, hi, hi, lo)
        ax.imshow(np.clip(image, 0.0, 1.0), interpolation=interpolation, extent=extent)
        if extent is not None:
            ax.set_xlim(0.0, 1.0)
            ax.set_ylim(1.0, 0.0)
    ax.set_title(title, fontsize="medium")
    ax.set_axis_off()


def training_figure(
    history: Sequence[LossRecord],
    image: np.ndarray | None,
    far_image: np.ndarray | None = None,
    *,
    title: str = "",
    figsize: tuple[float, float] | None = None,
    far_title: str = "from afar",
    far_scale: float = 1.0,
    image_title: str | None = None,
    steps: int | None = None,
) -> Figure:
    """Loss curves beside the current picture (and its view from afar).

    Parameters
    ----------
    history : sequence of LossRecord
    image : ndarray (H, W, 3) or None
        The current picture.
    far_image : ndarray or None, optional
        The picture as seen from afar (e.g. :func:`hybridnb.shrink_linear`).
    title : str, optional
    figsize : (float, float), optional
    far_title : str, optional
        Title of the far view.
    far_scale : float, optional
        Size of the far view relative to its panel (see :func:`show_image`).
    image_title : str, optional
        Title of the current picture; ``"step N: up close"`` by default.
    steps : int, optional
        The run's length: the end of the step axis (see :func:`plot_losses`).

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
    plot_losses(axes[0], history, steps=steps)
    step = history[-1].step if history else 0
    show_image(axes[1], image, f"step {step}: up close" if image_title is None else image_title)
    if far_image is not None:
        show_image(axes[2], far_image, far_title, scale=far_scale)
    if title:
        fig.suptitle(title)
    return fig


# --- beyond the article: comparison grid, fronts, perception ------


def comparison_figure(
    grid, *, far_factor: int = 8, title: str = "", cell_inches: float = 3.2, table: bool = True
) -> Figure:
    """The article's comparison: each result full size and from afar, losses in a table.

    Parameters
    ----------
    grid : hybridnb.GridResult
        From :func:`hybridnb.comparison_grid`.
    far_factor : int, optional
        The view from afar is :func:`hybridnb.shrink_linear` by this factor,
        drawn small in the corner of a blank panel (its true apparent size)
        and again enlarged beside it.
    title : str, optional
    cell_inches : float, optional
    table : bool, optional
        Draw the losses in a table under the pictures (a notebook may rather
        show them as a Markdown table, in the page's own font).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> g = SimpleNamespace(images=np.zeros((2, 16, 16, 3)), m_precise=np.array([0.1, 1.0]),
    ...                     m_blurred=np.ones(2), loss=np.ones(2), loss_precise=np.ones(2),
    ...                     loss_gauss=np.ones(2), label=lambda i: str(i))
    >>> len(comparison_figure(g, far_factor=4).axes)
    5
    """
    from ..filters.viewing import shrink_linear

    n = len(grid.images)
    fig = Figure(figsize=(cell_inches * n, cell_inches * 1.9 + (0.9 if table else 0.3)), layout="constrained")
    gs = fig.add_gridspec(3 if table else 2, n, height_ratios=[1.0, 0.9, 0.3][: 3 if table else 2])
    for i, image in enumerate(grid.images):
        show_image(fig.add_subplot(gs[0, i]), image, grid.label(i).replace(", ", "\n"))
        far = shrink_linear(image, far_factor)
        ax = fig.add_subplot(gs[1, i])
        ax.imshow(np.clip(far, 0, 1), interpolation="lanczos")
        ax.set_title(f"from afar ({far_factor}x smaller, enlarged)", fontsize="small")
        ax.set_axis_off()
    if not table:
        if title:
            fig.suptitle(title)
        return fig
    table_ax = fig.add_subplot(gs[2, :])
    table_ax.set_axis_off()
    rows = ["loss", "loss_precise", "loss_gauss"]
    cells = [[f"{getattr(grid, r)[i]:.4g}" for i in range(n)] for r in rows]
    table = table_ax.table(
        cellText=cells,
        rowLabels=rows,
        colLabels=[f"m_precise={grid.m_precise[i]:g}\nm_blurred={grid.m_blurred[i]:g}" for i in range(n)],
        loc="center",
        cellLoc="center",
    )
    table.scale(1.0, 1.6)
    if title:
        fig.suptitle(title)
    return fig


def fronts_figure(fronts: dict, *, title: str = "", ax=None) -> Figure:
    """Scatter of (near fidelity, far fidelity) per method, each front drawn as a staircase.

    Parameters
    ----------
    fronts : dict
        Method name -> (K, 2) array of (near, far) scores.
    title : str, optional
    ax : matplotlib axes, optional
        Draw there instead of on a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = fronts_figure({"classic": np.array([[0.4, 0.9], [0.5, 0.8]]), "optimised": np.array([[0.5, 0.9]])})
    >>> len(fig.axes[0].lines)
    4
    """
    from ..analysis.scores import pareto_front

    if ax is None:
        fig = Figure(figsize=(6.0, 4.6), layout="constrained")
        ax = fig.subplots()
    else:
        fig = ax.figure
    markers = ["o", "s", "^", "D"]
    for k, (name, pts) in enumerate(fronts.items()):
        pts = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
        (line,) = ax.plot(pts[:, 0], pts[:, 1], markers[k % 4], alpha=0.55, label=f"{name} settings")
        front = pts[pareto_front(pts)]
        front = front[np.argsort(front[:, 0])]
        ax.plot(
            front[:, 0], front[:, 1], "-", drawstyle="steps-pre", color=line.get_color(), lw=1.8, label=f"{name} front"
        )
    ax.set_xlabel("near fidelity: SSIM(hybrid, near)")
    ax.set_ylabel("far fidelity: SSIM of 8x far views")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    if title:
        ax.set_title(title)
    return fig


def perception_figure(curve, *, title: str = "", ax=None) -> Figure:
    """The perception plot: similarity of the view to near and far picture vs distance.

    Parameters
    ----------
    curve : hybridnb.PerceptionCurve
    title : str, optional
    ax : matplotlib axes, optional

    Examples
    --------
    >>> from hybridnb.analysis.scores import PerceptionCurve
    >>> c = PerceptionCurve(np.array([1.0, 2.0]), np.array([0.9, 0.5]), np.array([0.4, 0.8]), 1.5)
    >>> len(perception_figure(c).axes[0].lines)
    3
    """
    if ax is None:
        fig = Figure(figsize=(6.0, 4.0), layout="constrained")
        ax = fig.subplots()
    else:
        fig = ax.figure
    ax.plot(curve.distances, curve.near, "o-", label="like the near picture", color="tab:blue")
    ax.plot(curve.distances, curve.far, "s-", label="like the far picture", color="tab:orange")
    if curve.crossover is not None:
        ax.axvline(curve.crossover, color="gray", ls="--", label=f"crossover {curve.crossover:.2g} m")
    ax.set_xscale("log")
    ax.set_xlabel("viewing distance (m)")
    ax.set_ylabel("SSIM of the views")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    if title:
        ax.set_title(title)
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
