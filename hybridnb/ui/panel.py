"""``HybridPanel``: make hybrid images interactively in JupyterLab.

The panel is a small ipywidgets layout that owns its widgets and only wires
them to a :class:`~hybridnb.ui.session.TrainingSession`, which does the work
in a background thread (the kernel stays free): two picture choosers (the
bundled samples, or the user's own upload), the run's parameters
(:data:`CONTROLS`, one entry per control), Run / Stop, a progress bar, a live
view (loss curves, the picture up close and as seen from afar, with a
viewing-distance slider), downloads of the picture and of its zoom-out
animation, and the ``hybridnb`` command that makes the same picture.

Downloads go to the browser, not to the kernel's disk
(:mod:`hybridnb.ui.browser`): served as a Voilà app to a class, or from a
hosted JupyterLab, the kernel's machine is not the student's.

The live view follows the one approach of :mod:`hybridnb.ui.live`: a
:mod:`hybridnb.ui.plots` figure (object API, no pyplot) rendered to PNG and
pushed into an ``ipywidgets.Image``, redrawn at most every
``HybridPanel.min_interval`` seconds.  Callbacks never print and never let
an exception escape: errors (a picture that cannot be read, a diverging run,
a file that cannot be written) are shown as a readable line in the panel's
``message`` widget.

Pure helpers come first (:func:`uploaded_file`, :func:`far_picture`,
:func:`cell_key`, :func:`download_name`), the widget last.
"""

from __future__ import annotations

import functools
import hashlib
import html
import os
import re
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import numpy as np

from ..checks import check_count
from ..filters.viewing import shrink_linear
from ..imaging.animation import encode_zoom
from ..imaging.io import centre_crop, encode_image, load_image, resize, save_image
from ..imaging.output import check_output, typed_path
from ..imaging.samples import DEFAULT_FAR, DEFAULT_NEAR, resolve_picture, sample_images
from ..optimize.model import OPTIMIZERS
from ..optimize.settings import ARTICLE_ONLY, METHODS, VIEWER, VIEWER_ONLY, RunSettings, method_defaults
from .alignment import AlignmentBox
from .browser import CopyText, DownloadButton
from .commands import command_line
from .plots import figure_to_png, training_figure
from .session import TrainingSession, describe

#: Picture sizes offered by the ``size`` control (the constructor's size is added).
SIZES = (64, 128, 256, 512, 1024)
#: Side of the thumbnails of the chosen pictures, in pixels.
THUMBNAIL = 96
#: Smallest far view drawn, in pixels (the viewing distance is clamped to keep it).
MIN_FAR_PIXELS = 4

_WIDE = {"description_width": "110px"}
_SLIDER = dict(style=_WIDE, continuous_update=False)


@dataclass(frozen=True)
class Control:
    """One of the panel's run parameters: the :class:`RunSettings` field it sets and its widget.

    ``make(value)`` builds the widget showing ``value``; ``column`` is the
    column of the parameter block it sits in.
    """

    name: str
    make: Callable[[Any], widgets.ValueWidget]
    column: int


def _widget(kind: type, description: str, **options: Any) -> Callable[[Any], widgets.ValueWidget]:
    """A function making a ``kind`` widget that shows a value."""
    style = _SLIDER if kind is not widgets.Dropdown else {"style": _WIDE}
    width = "340px" if kind is not widgets.Dropdown else None  # a Layout of its own: one widget may be hidden
    return lambda value: kind(
        value=value, description=description, layout=widgets.Layout(width=width), **options, **style
    )


_CROSSOVER = (
    "cycles per picture where the far picture hands over to the near one; higher shows more of the far picture; "
    "0: found from the pictures"
)

#: The run's parameters, in the order shown: adding a control is one entry here
#: (named like the :class:`RunSettings` field it sets).
#: A control whose field only one method uses (``ARTICLE_ONLY``, ``VIEWER_ONLY``) shows with that method only.
CONTROLS: tuple[Control, ...] = (
    Control("method", _widget(widgets.Dropdown, "method", options=list(METHODS)), 0),
    Control("crossover", _widget(widgets.FloatSlider, "crossover", min=0.0, max=64.0, step=0.5, tooltip=_CROSSOVER), 0),
    Control("kernel_size", _widget(widgets.IntSlider, "kernel size", min=1, max=61, step=2), 0),
    Control("sigma", _widget(widgets.FloatSlider, "sigma", min=0.2, max=20.0, step=0.1), 0),
    Control("steps", _widget(widgets.IntSlider, "steps", min=10, max=2000, step=10), 0),
    Control("m_precise", _widget(widgets.FloatLogSlider, "m_precise", base=10, min=-3, max=1, step=0.1), 1),
    Control("m_blurred", _widget(widgets.FloatLogSlider, "m_blurred", base=10, min=-3, max=1, step=0.1), 1),
    Control("lr", _widget(widgets.FloatLogSlider, "learning rate", base=10, min=-3, max=1, step=0.05), 1),
    Control("optimizer", _widget(widgets.Dropdown, "optimizer", options=list(OPTIMIZERS)), 1),
)


# --- pure helpers -------------------------------------------------------------


def start_settings(method: str, size: int) -> RunSettings:
    """The command line's defaults for a method (:func:`~hybridnb.optimize.settings.method_defaults`),
    the learning rate written out for its slider.

    Examples
    --------
    >>> start_settings("viewer", 256).m_blurred, start_settings("viewer", 256).lr
    (2.0, 0.03)
    >>> article = start_settings("article", 256)
    >>> article.kernel_size, article.sigma, article.lr
    (9, 1.5, 0.3)
    """
    table = method_defaults(method, size)
    return replace(table, lr=table.learning_rate())


def control_values(method: str, size: int) -> dict[str, Any]:
    """What the controls show when ``method`` is chosen: its defaults, and the other method's in its hidden controls.

    Examples
    --------
    >>> values = control_values("viewer", 512)
    >>> values["m_blurred"], values["kernel_size"], values["optimizer"]
    (2.0, 15, 'sgd')
    """
    hidden = start_settings("article" if method == VIEWER.method else VIEWER.method, size)
    shown = start_settings(method, size)
    return {c.name: getattr(hidden if c.name in method_only(method) else shown, c.name) for c in CONTROLS}


def method_only(method: str) -> tuple[str, ...]:
    """The settings the *other* method uses alone: hidden, and not taken, while ``method`` is chosen.

    Examples
    --------
    >>> method_only("viewer")
    ('kernel_size', 'sigma', 'optimizer', 'target_loss')
    """
    return ARTICLE_ONLY if method == VIEWER.method else VIEWER_ONLY


def uploaded_file(value: Any) -> tuple[str, bytes] | None:
    """Name and content of the first file in a ``FileUpload`` value, or None.

    Accepts ipywidgets 8 values (a tuple of dicts with ``name`` and a
    ``content`` memoryview) and ipywidgets 7 values (a dict name -> dict).

    Examples
    --------
    >>> uploaded_file(({"name": "a.png", "content": memoryview(b"abc")},))
    ('a.png', b'abc')
    >>> uploaded_file(()) is None
    True
    """
    if not value:
        return None
    if isinstance(value, Mapping):  # ipywidgets 7: {name: {"content": ...}}
        name, item = next(iter(value.items()))
        return str(name), bytes(item["content"])
    item = value[0]
    return str(item.get("name", "upload")), bytes(item["content"])


def far_picture(image: np.ndarray, distance: int) -> tuple[np.ndarray, int]:
    """The picture seen ``distance`` times farther away: shrunk in linear light.

    The distance is clamped so that at least :data:`MIN_FAR_PIXELS` pixels
    remain; the factor used is returned with the picture.

    Examples
    --------
    >>> small, factor = far_picture(np.ones((32, 32, 3)), 16)
    >>> small.shape, factor
    ((4, 4, 3), 8)
    """
    factor = max(1, min(int(distance), image.shape[0] // MIN_FAR_PIXELS, image.shape[1] // MIN_FAR_PIXELS))
    return shrink_linear(image, factor), factor


def cell_key(parent: Mapping[str, Any] | None = None) -> str | None:
    """What identifies the notebook cell running now, or None outside a notebook.

    JupyterLab (and Notebook 7) send the cell's id with each execution; other
    front ends (nbclient, older ones) do not, and then the cell's code stands
    in for it.  ``parent`` is the kernel's current request (read from IPython
    by default).

    Examples
    --------
    >>> cell_key({"metadata": {"cellId": "4f2c"}, "content": {"code": "panel"}})
    'cell:4f2c'
    >>> cell_key({"metadata": {}, "content": {"code": "hn.HybridPanel()"}})[:5]
    'code:'
    >>> cell_key({}) is None
    True
    """
    if parent is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython comes with ipywidgets
            return None
        parent = getattr(get_ipython(), "parent_header", None)
    if not isinstance(parent, Mapping):
        return None
    cell = (parent.get("metadata") or {}).get("cellId")
    if cell:
        return f"cell:{cell}"
    code = (parent.get("content") or {}).get("code")
    return f"code:{hashlib.sha256(code.encode()).hexdigest()[:16]}" if code else None


def download_name(name: str, suffix: str = ".png") -> str:
    """The file name a download gets from what the user typed: no folder, ``suffix`` added if missing.

    Examples
    --------
    >>> download_name("results/my hybrid"), download_name("  "), download_name("a.PNG")
    ('my hybrid.png', 'hybrid.png', 'a.PNG')
    >>> download_name("cat.png", "-zoom.gif")
    'cat-zoom.gif'
    """
    stem = Path(name.strip().replace("\\", "/")).name or "hybrid"
    if suffix == ".png":
        return stem if stem.lower().endswith(".png") else f"{stem}.png"
    return f"{stem[:-4] if stem.lower().endswith('.png') else stem}{suffix}"


def _picture_from_array(array: np.ndarray, size: int) -> np.ndarray:
    a = np.asarray(array, dtype=np.float64)
    if a.ndim != 3 or a.shape[2] != 3:
        raise ValueError(f"a picture must be an (H, W, 3) array, got shape {a.shape}")
    if not np.all(np.isfinite(a)) or a.min() < 0 or a.max() > 1:
        raise ValueError("a picture array must hold values in [0, 1]" + (" (divide by 255?)" if a.max() > 1 else ""))
    return resize(centre_crop(a), size)


class _Registry:
    """The open panels of this kernel, and the latest by the notebook cell that made it.

    Re-running a cell closes the panel it made before (see :func:`cell_key`),
    so re-runs never pile up threads, widgets or pictures.
    """

    def __init__(self) -> None:
        self.open: weakref.WeakSet[HybridPanel] = weakref.WeakSet()
        self.by_cell: dict[str, weakref.ReferenceType[HybridPanel]] = {}

    def claim(self, panel: HybridPanel) -> None:
        self.open.add(panel)
        key = cell_key()
        if key is None:
            return
        previous = self.by_cell.get(key)
        previous = previous() if previous is not None else None
        if previous is not None and previous is not panel:
            previous.close()
        self.by_cell[key] = weakref.ref(panel)

    def release(self, panel: HybridPanel) -> None:
        self.open.discard(panel)
        for key, ref in list(self.by_cell.items()):
            if ref() is panel:
                del self.by_cell[key]


_PANELS = _Registry()


# --- the panel ----------------------------------------------------------------


def _reporting_errors(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a widget callback so that an exception becomes a message in the panel."""

    @functools.wraps(handler)
    def wrapper(self: HybridPanel, *args: Any, **kwargs: Any) -> Any:
        try:
            return handler(self, *args, **kwargs)
        except Exception as error:
            self.show_message(describe(error), kind="error")
            return None

    return wrapper


_MESSAGE_COLOURS = {"info": "#333", "ok": "#1b6e20", "warning": "#8a5a00", "error": "#b00020"}
_BAR_STYLES = {"info": "info", "ok": "success", "warning": "warning", "error": "danger"}


class HybridPanel(widgets.VBox):
    """An interactive panel: pick two pictures, tune, Run, watch, save.

    The panel is itself a widget (an ``ipywidgets.VBox``): make it the last
    expression of a notebook cell, or ``display`` it.

    Re-running the cell that made a panel closes the panel it made before
    (its run is stopped, its widgets and pictures released), so an afternoon
    of re-runs keeps one thread and one panel per cell.  Panels made outside
    a notebook cell stay open until :meth:`close` or :meth:`close_all`.

    Parameters
    ----------
    size : int, optional
        Side of the hybrid in pixels (the ``size`` control can change it).
    near, far : str, path, bytes or ndarray, optional
        The pictures seen up close and from afar: the name of a bundled
        sample (see :func:`hybridnb.sample_images`), a file, its bytes, or a
        float (H, W, 3) array in [0, 1].  The default pair by default.
    method : {"viewer", "article"}, optional
        The method the controls start with: the viewer's loss (the
        command line's default) or the article's.

    Attributes
    ----------
    session : TrainingSession
        Does the training; the panel shows it.
    controls : dict of str -> ipywidgets.ValueWidget
        One per :data:`CONTROLS` entry and ``size``; a method's own controls
        are hidden while the other method is chosen, and choosing a method
        puts its defaults (:func:`start_settings`) in the others.
    near_picker, far_picker : ipywidgets.Dropdown
        The pictures; uploads are added to both.
    near_upload, far_upload : ipywidgets.FileUpload
        Emptied once a file is taken (or refused), so they count no file.
    run_button, stop_button : ipywidgets.Button
    progress : ipywidgets.IntProgress
        Steps done, also written beside the bar ("170/200": one widget, so
        the two never disagree); reaches ``max`` when a run completes
        (green), stays where a stopped run ended (orange), turns red on an
        error.
    distance : ipywidgets.IntSlider
        Viewing distance of the far view (how many times farther away); it
        redraws the view, it does not retrain; the zoom-out animation goes
        that far.
    filename : ipywidgets.Text
        The name downloads get (and :meth:`save`'s default).
    download_button : hybridnb.ui.browser.DownloadButton
        Downloads the picture as a PNG in the user's browser (enabled once a
        run has ended).
    zoom_button : ipywidgets.Button
        Makes the zoom-out animation of the picture (:func:`hybridnb.zoom_animation`),
        shows it in :attr:`zoom_view` and enables :attr:`zoom_download`.
    zoom_view : ipywidgets.Image
    zoom_download : hybridnb.ui.browser.DownloadButton
    command : hybridnb.ui.browser.CopyText
        The ``hybridnb`` command that makes the same picture, with a Copy button.
    figure : ipywidgets.Image
        The live view: loss curves, the picture up close and from afar.
    message : ipywidgets.HTML
        Status and error messages.

    Examples
    --------
    >>> import hybridnb as hn
    >>> panel = hn.HybridPanel(size=32)
    >>> panel.controls["steps"].value = 20
    >>> panel.run_button.click()
    >>> panel.join(timeout=120)
    True
    >>> panel.progress.value == panel.progress.max, panel.history[-1].step, panel.result.shape
    (True, 20, (32, 32, 3))
    """

    #: Seconds between redraws of the live view while training; the wait is
    #: also at least ``draw_share_inverse`` times the last redraw's duration,
    #: so drawing takes at most about a fifth of a run.
    min_interval = 0.5
    draw_share_inverse = 4.0
    #: Longest wait of :meth:`close` for the run to stop (it stops within a
    #: fraction of a second once its steps are compiled; the first step of
    #: a new size may take seconds to compile).
    close_timeout = 120.0

    def __init__(
        self, size: int = VIEWER.size, near: Any = None, far: Any = None, method: str = VIEWER.method, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        size = check_count("size", size, minimum=8)
        self.session = TrainingSession(on_update=self._on_session_update)
        self._draw_lock = threading.Lock()
        self._last_draw = -float("inf")
        self._draw_seconds = 0.0
        self._sources: dict[str, Any] = dict.fromkeys(sample_images())  # a sample's name is its own source
        self._command_names: dict[str, str] = {name: name for name in self._sources}  # label -> command-line name
        self._cache: dict[tuple[str, int], np.ndarray] = {}

        near_label = self._add_source("near", DEFAULT_NEAR if near is None else near)
        far_label = self._add_source("far", DEFAULT_FAR if far is None else far)
        if method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}, got {method!r}")
        self._build_widgets(size, near_label, far_label, method)
        self._wire()
        self.children = self._layout()
        self.add_class("hybridnb-panel")
        self._refresh_thumbnail("near")
        self._refresh_thumbnail("far")
        self.redraw()
        self.show_message("Choose two pictures and press Run.")
        self._closed = False
        _PANELS.claim(self)

    # -- building (widgets, layout, callbacks: each in one place) --------------

    def _build_widgets(self, size: int, near_label: str, far_label: str, method: str) -> None:
        start = control_values(method, size)
        self.controls: dict[str, widgets.ValueWidget] = {c.name: c.make(start[c.name]) for c in CONTROLS}
        self.controls["size"] = widgets.Dropdown(
            options=sorted({*SIZES, size}), value=size, description="size (pixels)", style=_WIDE
        )
        names = list(self._sources)
        self.near_picker = widgets.Dropdown(options=names, value=near_label, description="near (up close)", style=_WIDE)
        self.far_picker = widgets.Dropdown(options=names, value=far_label, description="far (from afar)", style=_WIDE)
        self.near_upload = widgets.FileUpload(accept="image/*", multiple=False, description="own picture")
        self.far_upload = widgets.FileUpload(accept="image/*", multiple=False, description="own picture")
        self.thumbnails = {
            side: widgets.Image(format="png", layout=widgets.Layout(width=f"{THUMBNAIL}px")) for side in ("near", "far")
        }
        self.run_button = widgets.Button(description="Run", button_style="primary", icon="play")
        self.stop_button = widgets.Button(description="Stop", button_style="warning", icon="stop", disabled=True)
        self.progress = widgets.IntProgress(
            value=0, min=0, max=start["steps"], description=f"0/{start['steps']}", style={"description_width": "80px"}
        )
        self.distance = widgets.IntSlider(
            value=8, min=1, max=16, description="distance ×", style=_WIDE, continuous_update=False
        )
        self.filename = widgets.Text(value="hybrid.png", description="file name", style=_WIDE)
        self.download_button = DownloadButton(
            description="Download PNG", filename="hybrid.png", mime="image/png",
            tooltip="The picture as a PNG, to your browser's downloads",
        )  # fmt: skip
        self.zoom_button = widgets.Button(
            description="Zoom-out GIF", icon="film", tooltip="An animation: the picture shrinking to the distance",
            layout=widgets.Layout(width="auto"),
        )  # fmt: skip
        self.zoom_view = widgets.Image(format="gif", layout=widgets.Layout(display="none", max_width="100%"))
        self.zoom_download = DownloadButton(
            description="Download GIF", filename="hybrid-zoom.gif", mime="image/gif",
            tooltip="The zoom-out animation, to your browser's downloads",
        )  # fmt: skip
        self.command = CopyText(layout=widgets.Layout(width="100%"))
        self.figure = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width="1100px"))
        self.message = widgets.HTML()
        self.alignment = AlignmentBox()  # lines the far picture up with the near one (issue 12)
        for name in ("run_button", "stop_button", "progress", "figure", "message", "distance", "download_button",
                     "zoom_button", "zoom_view", "zoom_download", "command"):  # fmt: skip
            getattr(self, name).add_class(f"hybridnb-{name.replace('_', '-')}")  # for page tests

    def _layout(self) -> tuple[widgets.Widget, ...]:
        pictures = widgets.HBox(
            [
                widgets.VBox([self.near_picker, self.near_upload]),
                self.thumbnails["near"],
                widgets.VBox([self.far_picker, self.far_upload]),
                self.thumbnails["far"],
            ],
            layout=widgets.Layout(align_items="center", grid_gap="12px"),
        )
        columns = [[self.controls[c.name] for c in CONTROLS if c.column == k] for k in (0, 1)]
        columns[0].append(self.controls["size"])
        parameters = widgets.HBox([widgets.VBox(column) for column in columns])
        actions = widgets.HBox([self.run_button, self.stop_button, self.progress])
        viewing = widgets.HBox([self.distance, self.zoom_button, self.zoom_download])
        keeping = widgets.HBox([self.filename, self.download_button])
        command = widgets.HBox(
            [widgets.HTML("the same from a terminal:", layout=widgets.Layout(flex="none")), self.command],
            layout=widgets.Layout(align_items="center", grid_gap="8px", max_width="1100px"),
        )
        return (
            pictures,
            self.alignment,
            parameters,
            actions,
            self.message,
            self.figure,
            viewing,
            self.zoom_view,
            keeping,
            command,
        )

    def _wire(self) -> None:
        self.run_button.on_click(self._on_run)
        self.stop_button.on_click(self._on_stop)
        self.zoom_button.on_click(self._on_zoom)
        self.distance.observe(self._on_distance, names="value")
        self.near_picker.observe(functools.partial(self._on_pick, "near"), names="value")
        self.far_picker.observe(functools.partial(self._on_pick, "far"), names="value")
        self.near_upload.observe(functools.partial(self._on_upload, "near"), names="value")
        self.far_upload.observe(functools.partial(self._on_upload, "far"), names="value")
        self.alignment.observe(self._on_alignment, names="version")
        self.filename.observe(self._on_filename, names="value")
        for button in (self.download_button, self.zoom_download):
            button.observe(self._on_download, names="downloads")
        self.controls["method"].observe(self._on_method, names="value")
        self.controls["size"].observe(self._on_size, names="value")
        for widget in (*self.controls.values(), self.near_picker, self.far_picker):
            widget.observe(self._on_setting, names="value")
        self._show_method_controls()
        self._on_filename(None)

    # -- callbacks: thin, never raise, never print -----------------------------

    @_reporting_errors
    def _on_run(self, _button: widgets.Button) -> None:
        self.run()

    @_reporting_errors
    def _on_stop(self, _button: widgets.Button) -> None:
        self.stop()

    @_reporting_errors
    def _on_zoom(self, _button: widgets.Button) -> None:
        self.make_zoom()

    @_reporting_errors
    def _on_filename(self, _change: dict | None) -> None:
        self.download_button.filename = download_name(self.filename.value)
        self.zoom_download.filename = download_name(self.filename.value, "-zoom.gif")
        self._on_setting(None)

    @_reporting_errors
    def _on_setting(self, _change: dict | None) -> None:
        self.command.value = self.command_line()

    @_reporting_errors
    def _on_method(self, change: dict) -> None:
        """Another method: its own controls, and its defaults in the shared ones (the weights mean other things)."""
        start = control_values(change["new"], int(self.controls["size"].value))
        for name, widget in self.controls.items():
            if name not in ("method", "size"):
                widget.value = start[name]
        self._show_method_controls()

    @_reporting_errors
    def _on_size(self, change: dict) -> None:
        """The article's blur follows the size, as on the command line, unless the user set it."""
        if self.controls["method"].value != "article":
            return
        before, after = (start_settings("article", int(change[key])) for key in ("old", "new"))
        kernel, sigma = self.controls["kernel_size"], self.controls["sigma"]
        if kernel.value == before.kernel_size and abs(sigma.value - before.sigma) <= sigma.step / 2:
            kernel.value, sigma.value = after.kernel_size, after.sigma

    def _show_method_controls(self) -> None:
        hidden = method_only(self.controls["method"].value)
        for name, widget in self.controls.items():
            widget.layout.display = "none" if name in hidden else None

    @_reporting_errors
    def _on_download(self, change: dict) -> None:
        name = change["owner"].filename
        self.show_message(f"{name} went to your browser's downloads.", kind="ok")

    @_reporting_errors
    def _on_distance(self, _change: dict) -> None:
        self.redraw()

    @_reporting_errors
    def _on_pick(self, side: str, _change: dict) -> None:
        self._refresh_thumbnail(side)
        if self.result is None:
            self.redraw()

    @_reporting_errors
    def _on_alignment(self, _change: dict) -> None:
        for side in ("near", "far"):
            self.thumbnails[side].value = encode_image(self.picture(side, THUMBNAIL))
        if self.result is None:
            self.redraw()
        self._on_setting(None)

    @_reporting_errors
    def _on_upload(self, side: str, change: dict) -> None:
        upload = uploaded_file(change["new"])
        if upload is None:
            return
        name, content = upload
        change["owner"].value = ()  # taken (or refused): the button counts no file any more
        try:
            load_image(content, size=THUMBNAIL)
        except (ValueError, OSError) as error:
            reason = re.sub(r"\s*<_io\.BytesIO object at 0x[0-9a-fA-F]+>", "", str(error))  # noise for a reader
            raise ValueError(f"{name} cannot be used as a picture: {reason}") from None
        label = f"upload: {name}"
        self._sources[label] = content
        self._command_names[label] = name  # the student has the file where they run the command
        self._cache = {key: value for key, value in self._cache.items() if key[0] != label}
        for picker in (self.near_picker, self.far_picker):
            if label not in picker.options:
                chosen = picker.value
                picker.options = (*picker.options, label)  # this resets the choice: restore it
                picker.value = chosen
        picker = self.near_picker if side == "near" else self.far_picker
        picker.value = label
        self._refresh_thumbnail(side)
        self.show_message(f"Using {name} as the {side} picture.", kind="ok")

    def _show_progress(self, steps: int, style: str | None = None) -> None:
        """The bar and its "steps/total" label, in one update of one widget: they never disagree."""
        with self.progress.hold_sync():
            self.progress.value = steps
            self.progress.description = f"{steps}/{self.progress.max}"
            if style is not None:
                self.progress.bar_style = style

    def _on_session_update(self, session: TrainingSession, finished: bool) -> None:
        """The session reports (from its thread): show progress, the status line and, now and then, the view."""
        if self._closed:  # its widgets are gone
            return
        if not finished:
            self.show_message(session.status, kind=session.kind)
            self._show_progress(session.steps_done)
            wait = max(self.min_interval, self.draw_share_inverse * self._draw_seconds)
            if time.monotonic() - self._last_draw >= wait:
                self.redraw()
            return
        status, kind = session.status, session.kind
        try:
            self.redraw()
            if session.result is not None:
                self.download_button.data = encode_image(session.result)
        except Exception as error:  # drawing must not hide the outcome
            status, kind = f"{status} (the view could not be drawn: {error})", "error"
        self.show_message(status, kind=kind)  # the outcome first, then the full bar: never a full bar over "running"
        # full only once the final view is in; a stopped run shows the step its picture reached
        self._show_progress(
            self.progress.max if session.kind == "ok" else session.steps_done, _BAR_STYLES[session.kind]
        )
        self.run_button.disabled = False
        self.stop_button.disabled = True
        self.zoom_button.disabled = session.result is None

    # -- public actions --------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether a run is in progress."""
        return self.session.running

    @property
    def history(self):
        """The losses of the current (or last) run (``LossRecord`` list)."""
        return self.session.history

    @property
    def result(self) -> np.ndarray | None:
        """The latest picture, float (H, W, 3) in [0, 1], or None before a run."""
        return self.session.result

    @property
    def model(self):
        """The model of the current (or last) run, or None."""
        return self.session.model

    def settings(self) -> RunSettings:
        """The run settings the controls show now (the other method's hidden controls are not taken).

        Examples
        --------
        >>> import hybridnb as hn
        >>> panel = hn.HybridPanel(size=16)
        >>> panel.settings().method, panel.settings().m_blurred
        ('viewer', 2.0)
        >>> panel.controls["method"].value = "article"
        >>> panel.settings().m_precise, panel.settings().steps
        (0.1, 200)
        """
        method, size = self.controls["method"].value, int(self.controls["size"].value)
        hidden = method_only(method)
        shown = {name: widget.value for name, widget in self.controls.items() if name not in hidden}
        return replace(start_settings(method, size), **shown)

    def picture(self, side: str, size: int | None = None) -> np.ndarray:
        """The chosen ``"near"`` or ``"far"`` picture at ``size`` (the size control's by default)."""
        label = (self.near_picker if side == "near" else self.far_picker).value
        size = int(self.controls["size"].value if size is None else size)
        if self.alignment.active:
            return self.alignment.picture(side, size)
        key = (label, size)
        if key not in self._cache:
            if len(self._cache) >= 8:
                self._cache.clear()
            source = self._sources[label]
            if isinstance(source, np.ndarray):
                self._cache[key] = _picture_from_array(source, size)
            else:
                self._cache[key] = load_image(label if source is None else source, size=size)
        return self._cache[key]

    def run(self) -> bool:
        """Start a run in the background with the current settings.

        Returns False, and says so in the panel, if a run is in progress.

        Raises
        ------
        ValueError
            If the panel is closed (its run could not be seen nor stopped).
        """
        if self._closed:
            raise ValueError("This panel is closed: make a new one (hn.HybridPanel()) to run again.")
        if self.running:
            self.show_message("A run is in progress: press Stop first.", kind="warning")
            return False
        settings = self.settings()
        if not self.session.start(self.picture("near"), self.picture("far"), settings):
            self.show_message("A run is in progress: press Stop first.", kind="warning")
            return False
        self.progress.max = settings.steps
        self._show_progress(0, "info")
        self.run_button.disabled = True
        self.stop_button.disabled = False
        self.zoom_button.disabled = True
        self.download_button.data = self.zoom_download.data = b""  # of the picture that is being replaced
        self.zoom_view.layout.display = "none"
        self.show_message(self.session.status)
        return True

    def stop(self) -> None:
        """Ask the run to stop; it ends at its next report, keeping the picture reached."""
        if self.running:
            self.session.stop()
            self.show_message(self.session.status)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the current run to end; True if no run is in progress any more."""
        return self.session.join(timeout)

    def save(self, name: str | os.PathLike | None = None) -> Path:
        """Save the current picture as a PNG file named ``name`` on the kernel's machine.

        For code: the panel's **Download PNG** button sends the picture to
        the user's browser instead.  ``name`` is the file-name box's by
        default, taken as a person means it
        (:func:`hybridnb.imaging.output.typed_path`): ``.png`` is added to a
        name without it, a folder (``sub/``, ``..``, ``~``) gets
        ``hybrid.png`` inside it, ``~/`` is the home folder.  An existing file is
        never overwritten: a ``-1``, ``-2``, ... suffix is added, and the
        panel says so.  The panel shows the path written, which is also
        returned.
        """
        if self.result is None:
            raise ValueError("Nothing to save yet: press Run first.")
        path = typed_path(self.filename.value if name is None else os.fspath(name))
        check_output(path, beside=True)  # a plain message for a missing folder, a device, a name too long
        saved = save_image(self.result, path, overwrite=False, beside=True).resolve()
        taken = f"{path.name} was taken, so " if saved.name != path.name else ""
        self.show_message(f"Saved {saved}" if not taken else f"{taken}saved {saved}", kind="ok")
        return saved

    def make_zoom(self) -> bytes:
        """Make the picture's zoom-out animation (to the viewing distance), show it, offer its download.

        Returns the GIF's bytes (see :func:`hybridnb.imaging.animation.encode_zoom`).
        """
        if self.result is None:
            raise ValueError("Nothing to animate yet: press Run first.")
        factor = far_picture(self.result, int(self.distance.value))[1]
        if factor < 2:
            raise ValueError("Set the distance to 2 or more: the animation shrinks the picture that many times.")
        self.show_message(f"Making the zoom-out animation (down to 1/{factor})…")
        gif = encode_zoom(self.result, "GIF", far_factor=factor)
        self.zoom_view.value = gif
        self.zoom_view.layout.width = f"{self.result.shape[1]}px"  # pixel for pixel: the point of the animation
        self.zoom_view.layout.display = ""
        self.zoom_download.data = gif
        self.show_message("The zoom-out animation is below; Download GIF keeps it.", kind="ok")
        return gif

    def command_line(self) -> str:
        """The ``hybridnb`` command that makes this hybrid with the settings shown (see :attr:`command`).

        With points placed to line the pictures up it reads them from
        ``alignment.json``, the file the alignment section's link downloads
        (fine-tuning without points cannot be written as options: the
        command then makes the centre crop's hybrid).

        Examples
        --------
        >>> import hybridnb as hn
        >>> panel = hn.HybridPanel(size=16)
        >>> panel.controls["m_precise"].value = 0.3
        >>> panel.command_line()
        'hybridnb -o hybrid.png --size 16 --m-precise 0.3'
        """
        near, far = (self._command_names.get(p.value, f"{side}.png") for side, p in
                     (("near", self.near_picker), ("far", self.far_picker)))  # fmt: skip
        aligned = ("--align-points", "alignment.json") if self.alignment.point_pairs() is not None else ()
        return command_line(self.settings(), near, far, download_name(self.filename.value), options=aligned)

    def make_figure(self):
        """The live view as a matplotlib figure: loss curves, the picture near and far.

        While there is no picture yet (before a run's first report) it
        previews the goal: the near picture up close, the far one from afar.
        """
        distance = int(self.distance.value)
        steps = self.session.settings.steps if self.session.settings is not None else int(self.controls["steps"].value)
        if self.result is None:
            size = int(self.controls["size"].value)
            far, factor = far_picture(self.picture("far", size), distance)
            fig = training_figure(
                [],
                self.picture("near", size),
                far,
                image_title="goal up close: near picture",
                far_title=f"goal from {factor}× farther: far picture",
                far_scale=1.0 / factor,
                figsize=(12.0, 3.6),
                steps=steps,
            )
            loss_axes = fig.axes[0]
            loss_axes.text(0.5, 0.5, "press Run", transform=loss_axes.transAxes, ha="center", color="grey")
            return fig
        far, factor = far_picture(self.result, distance)
        return training_figure(
            list(self.history),
            self.result,
            far,
            far_title=f"from {factor}× farther",
            far_scale=1.0 / factor,
            figsize=(12.0, 3.6),
            steps=steps,
        )

    def redraw(self) -> None:
        """Render the live view into :attr:`figure` now (nothing once the panel is closed)."""
        if getattr(self, "_closed", False):
            return
        with self._draw_lock:
            started = time.monotonic()
            self.figure.value = figure_to_png(self.make_figure(), dpi=90, tight=False)
            self._last_draw = time.monotonic()
            self._draw_seconds = self._last_draw - started

    def show_message(self, text: str, kind: str = "info") -> None:
        """Show one line of ``text`` in the panel (``kind``: info, ok, warning, error)."""
        colour = _MESSAGE_COLOURS.get(kind, _MESSAGE_COLOURS["info"])
        weight = "bold" if kind == "error" else "normal"
        self.message.value = f'<span style="color:{colour};font-weight:{weight}">{html.escape(text)}</span>'

    def close(self) -> None:
        """Stop any run, close the panel and all its widgets, and free its pictures.

        :attr:`result`, :attr:`history` and :attr:`model` stay readable.
        Closing twice does nothing more.
        """
        session = getattr(self, "session", None)  # None: a panel whose making failed (ipywidgets closes it)
        if session is not None:
            session.stop()
            session.join(timeout=self.close_timeout)  # the run stops within a chunk of the compiled loop
        if getattr(self, "_closed", True):
            return
        self._closed = True
        _PANELS.release(self)
        self._cache.clear()
        for widget in self._owned_widgets():
            widget.close()
        super().close()

    @classmethod
    def close_all(cls) -> int:
        """Close every open panel of this kernel; return how many were open.

        Examples
        --------
        >>> import hybridnb as hn
        >>> _ = hn.HybridPanel(size=16)
        >>> hn.HybridPanel.close_all() >= 1, hn.HybridPanel.close_all()
        (True, 0)
        """
        panels = list(_PANELS.open)
        for panel in panels:
            panel.close()
        return len(panels)

    # -- helpers ---------------------------------------------------------------

    def _add_source(self, side: str, source: Any) -> str:
        """Register a picture given to the constructor; return its label."""
        if isinstance(source, np.ndarray):
            _picture_from_array(source, THUMBNAIL)  # fail early, with a clear message
            label = f"{side} array"
        elif isinstance(source, (bytes, bytearray, memoryview)):
            source = bytes(source)
            load_image(source, size=THUMBNAIL)
            label = f"{side} picture"
        else:
            path = resolve_picture(source)  # the one rule: an existing file, else a sample's name
            if path in sample_images().values():
                return path.stem
            load_image(path, size=THUMBNAIL)
            source, label = path, f"file: {path.name}"
            self._command_names[label] = str(source)
        self._sources[label] = source
        return label

    def _refresh_thumbnail(self, side: str) -> None:
        label = (self.near_picker if side == "near" else self.far_picker).value
        self.alignment.set_source(side, label if self._sources[label] is None else self._sources[label])
        self.thumbnails[side].value = encode_image(self.picture(side, THUMBNAIL))

    def _owned_widgets(self) -> list[widgets.Widget]:
        owned: list[widgets.Widget] = []
        stack = list(self.children)
        while stack:
            widget = stack.pop()
            owned.append(widget)
            stack.extend(getattr(widget, "children", ()))
        return owned
