"""``HybridPanel``: make hybrid images interactively in JupyterLab.

The panel is a small ipywidgets layout that owns its widgets: two picture
choosers (the bundled samples, or the user's own upload), the training
parameters, Run / Stop, a progress bar, a live view (loss curves, the
picture up close and as seen from afar, with a viewing-distance slider) and
Save.  Training runs in a background thread, so the kernel stays free; the
thread reports every few steps and redraws at most every
``HybridPanel.min_interval`` seconds.

The live view follows the one approach of :mod:`hybridnb.live`: a
:mod:`hybridnb.plots` figure (object API, no pyplot) rendered to PNG and
pushed into an ``ipywidgets.Image``, which swaps the picture without
flicker.  Callbacks never print and never let an exception escape: errors
(a picture that cannot be read, a diverging run, a file that cannot be
written) are shown as a readable line in the panel's ``message`` widget.

Pure helpers come first (:func:`report_period`,
:func:`save_png_new`, :func:`uploaded_file`, :func:`far_picture`), the
stateful widget last.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import os
import re
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import ipywidgets as widgets
import numpy as np
from PIL import Image as PILImage

from ..filters.viewing import shrink_linear
from ..imaging.io import DEFAULT_FAR, DEFAULT_NEAR, centre_crop, free_path, load_image, resize, sample_images, to_uint8
from ..optimize.model import OPTIMIZERS, HybridModel
from ..optimize.records import LossRecord
from .plots import figure_to_png, training_figure

#: Picture sizes offered by the ``size`` control (the constructor's size is added).
SIZES = (64, 128, 256, 512, 1024)
#: Side of the thumbnails of the chosen pictures, in pixels.
THUMBNAIL = 96
#: Smallest far view drawn, in pixels (the viewing distance is clamped to keep it).
MIN_FAR_PIXELS = 4


@dataclass(frozen=True)
class RunSettings:
    """Everything a run needs besides the pictures; defaults are the article's run.

    Examples
    --------
    >>> RunSettings().kernel_size, RunSettings().m_precise, RunSettings().optimizer
    (15, 0.1, 'sgd')
    """

    size: int = 512
    kernel_size: int = 15
    sigma: float = 3.0
    m_precise: float = 0.1
    m_blurred: float = 1.0
    lr: float = 0.3
    steps: int = 200
    optimizer: str = "sgd"


# --- pure helpers -------------------------------------------------------------


def report_period(steps: int, reports: int = 20, longest: int = 10) -> int:
    """Steps between progress reports: about ``reports`` per run, at least every ``longest``.

    Short runs report often enough to animate; long runs still report every
    ``longest`` steps, so Stop is answered within a fraction of a second.

    Examples
    --------
    >>> report_period(200), report_period(40), report_period(5), report_period(5000)
    (10, 2, 1, 10)
    """
    return max(1, min(int(longest), int(steps) // int(reports)))


def png_bytes(image: np.ndarray) -> bytes:
    """Encode a float (H, W, 3) picture in [0, 1] as 8-bit PNG bytes.

    Examples
    --------
    >>> png_bytes(np.zeros((4, 4, 3)))[:4]
    b'\\x89PNG'
    """
    buffer = io.BytesIO()
    PILImage.fromarray(to_uint8(image)).save(buffer, format="PNG")
    return buffer.getvalue()


def save_png_new(image: np.ndarray, path: str | os.PathLike) -> Path:
    """Write ``image`` as a PNG at ``path``, or beside it: never over an existing file.

    ``.png`` is appended when the name does not end with it.  An existing
    file is never replaced: the name gets a ``-1``, ``-2``, ... suffix, and
    the file is created exclusively, so even a file that appears meanwhile
    is safe.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OSError
        If the folder does not exist or cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> [save_png_new(np.zeros((2, 2, 3)), folder / "h").name for _ in range(3)]
    ['h.png', 'h-1.png', 'h-2.png']
    """
    data = png_bytes(image)
    path = Path(path).expanduser()
    if path.suffix.lower() != ".png":
        path = path.with_name(path.name + ".png")
    while True:
        candidate = free_path(path)
        try:
            with open(candidate, "xb") as file:
                file.write(data)
        except FileExistsError:  # appeared since free_path looked: try the next name
            continue
        return candidate


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


def _picture_from_array(array: np.ndarray, size: int) -> np.ndarray:
    a = np.asarray(array, dtype=np.float64)
    if a.ndim != 3 or a.shape[2] != 3:
        raise ValueError(f"a picture must be an (H, W, 3) array, got shape {a.shape}")
    if not np.all(np.isfinite(a)) or a.min() < 0 or a.max() > 1:
        raise ValueError("a picture array must hold values in [0, 1]" + (" (divide by 255?)" if a.max() > 1 else ""))
    return resize(centre_crop(a), size)


# --- the panel ----------------------------------------------------------------


def _reporting_errors(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a widget callback so that an exception becomes a message in the panel."""

    @functools.wraps(handler)
    def wrapper(self: HybridPanel, *args: Any, **kwargs: Any) -> Any:
        try:
            return handler(self, *args, **kwargs)
        except Exception as error:
            self.show_message(_describe(error), kind="error")
            return None

    return wrapper


def _describe(error: BaseException) -> str:
    if isinstance(error, FloatingPointError):
        return f"The run stopped: {error}."
    if isinstance(error, (ValueError, OSError)):
        return str(error)
    return f"{type(error).__name__}: {error}"


_MESSAGE_COLOURS = {"info": "#333", "ok": "#1b6e20", "warning": "#8a5a00", "error": "#b00020"}


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

    Attributes
    ----------
    controls : dict of str -> ipywidgets.ValueWidget
        ``kernel_size``, ``sigma``, ``m_precise``, ``m_blurred``, ``lr``,
        ``steps``, ``optimizer`` (the article's values by default) and
        ``size``.
    near_picker, far_picker : ipywidgets.Dropdown
        The pictures; uploads are added to both.
    near_upload, far_upload : ipywidgets.FileUpload
    run_button, stop_button, save_button : ipywidgets.Button
    progress : ipywidgets.IntProgress
        Steps done; reaches ``max`` when a run completes (green), stays where
        a stopped run ended (orange), turns red on an error.
    distance : ipywidgets.IntSlider
        Viewing distance of the far view (how many times farther away); it
        redraws the view, it does not retrain.
    filename : ipywidgets.Text
        Where Save writes (relative to the notebook's folder).
    figure : ipywidgets.Image
        The live view: loss curves, the picture up close and from afar.
    message : ipywidgets.HTML
        Status and error messages.
    history : list of LossRecord
        The losses of the current (or last) run.
    result : ndarray or None
        The latest picture, float (H, W, 3) in [0, 1].
    model : HybridModel or None
        The model of the current (or last) run.

    Examples
    --------
    >>> import hybridnb as hn
    >>> panel = hn.HybridPanel(size=32)
    >>> panel.controls["steps"].value = 20
    >>> panel.run_button.click()
    >>> panel.join(timeout=120)
    True
    >>> panel.progress.value == panel.progress.max, panel.history[-1].step, panel.result.shape
    (True, 19, (32, 32, 3))
    """

    #: Seconds between redraws of the live view while training; the wait is
    #: also at least ``draw_share_inverse`` times the last redraw's duration,
    #: so drawing takes at most about a fifth of a run.
    min_interval = 0.5
    draw_share_inverse = 4.0

    #: The open panels, and the latest one by the notebook cell that made it
    #: (see :func:`cell_key`): re-running that cell closes the panel it made
    #: before, so re-runs never pile up threads, widgets or pictures.
    _open: ClassVar[weakref.WeakSet[HybridPanel]] = weakref.WeakSet()
    _by_cell: ClassVar[dict[str, weakref.ReferenceType[HybridPanel]]] = {}

    def __init__(self, size: int = 512, near: Any = None, far: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(size, bool) or int(size) != size or size < 8:
            raise ValueError(f"size must be an integer of at least 8, got {size!r}")
        self.history: list[LossRecord] = []
        self.result: np.ndarray | None = None
        self.model: HybridModel | None = None
        self._thread: threading.Thread | None = None
        self._stop_requested = threading.Event()
        self._start_lock = threading.Lock()
        self._draw_lock = threading.Lock()
        self._last_draw = -float("inf")
        self._draw_seconds = 0.0
        self._sources: dict[str, Any] = {name: path for name, path in sample_images().items()}
        self._cache: dict[tuple[str, int], np.ndarray] = {}

        near_label = self._add_source("near", DEFAULT_NEAR if near is None else near)
        far_label = self._add_source("far", DEFAULT_FAR if far is None else far)
        self._build_widgets(int(size), near_label, far_label)
        self._wire()
        self.children = self._layout()
        self.add_class("hybridnb-panel")
        self._refresh_thumbnail("near")
        self._refresh_thumbnail("far")
        self.redraw()
        self.show_message("Choose two pictures and press Run.")
        self._closed = False
        self._claim_cell()

    # -- building (widgets, layout, callbacks: each in one place) --------------

    def _build_widgets(self, size: int, near_label: str, far_label: str) -> None:
        article = RunSettings()
        wide = {"description_width": "110px"}
        slider = dict(style=wide, continuous_update=False, layout=widgets.Layout(width="340px"))
        self.controls: dict[str, widgets.ValueWidget] = {
            "kernel_size": widgets.IntSlider(
                value=article.kernel_size, min=1, max=61, step=2, description="kernel size", **slider
            ),
            "sigma": widgets.FloatSlider(
                value=article.sigma, min=0.5, max=20.0, step=0.1, description="sigma", **slider
            ),
            "m_precise": widgets.FloatLogSlider(
                value=article.m_precise, base=10, min=-3, max=1, step=0.1, description="m_precise", **slider
            ),
            "m_blurred": widgets.FloatLogSlider(
                value=article.m_blurred, base=10, min=-3, max=1, step=0.1, description="m_blurred", **slider
            ),
            "lr": widgets.FloatLogSlider(
                value=article.lr, base=10, min=-3, max=1, step=0.05, description="learning rate", **slider
            ),
            "steps": widgets.IntSlider(value=article.steps, min=10, max=2000, step=10, description="steps", **slider),
            "optimizer": widgets.Dropdown(
                options=list(OPTIMIZERS), value=article.optimizer, description="optimizer", style=wide
            ),
            "size": widgets.Dropdown(
                options=sorted({*SIZES, size}), value=size, description="size (pixels)", style=wide
            ),
        }
        names = list(self._sources)
        self.near_picker = widgets.Dropdown(options=names, value=near_label, description="near (up close)", style=wide)
        self.far_picker = widgets.Dropdown(options=names, value=far_label, description="far (from afar)", style=wide)
        self.near_upload = widgets.FileUpload(accept="image/*", multiple=False, description="own picture")
        self.far_upload = widgets.FileUpload(accept="image/*", multiple=False, description="own picture")
        self.thumbnails = {
            side: widgets.Image(format="png", layout=widgets.Layout(width=f"{THUMBNAIL}px")) for side in ("near", "far")
        }
        self.run_button = widgets.Button(description="Run", button_style="primary", icon="play")
        self.stop_button = widgets.Button(description="Stop", button_style="warning", icon="stop", disabled=True)
        self.progress = widgets.IntProgress(value=0, min=0, max=article.steps, description="progress")
        self.distance = widgets.IntSlider(
            value=8, min=1, max=16, description="distance ×", style=wide, continuous_update=False
        )
        self.filename = widgets.Text(value="hybrid.png", description="file name", style=wide)
        self.save_button = widgets.Button(description="Save PNG", icon="save")
        self.figure = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width="1100px"))
        self.message = widgets.HTML()
        for name in ("run_button", "stop_button", "progress", "figure", "message", "distance"):  # for page tests
            getattr(self, name).add_class(f"hybridnb-{name.replace('_', '-')}")

    def _layout(self) -> tuple[widgets.Widget, ...]:
        c = self.controls
        pictures = widgets.HBox(
            [
                widgets.VBox([self.near_picker, self.near_upload]),
                self.thumbnails["near"],
                widgets.VBox([self.far_picker, self.far_upload]),
                self.thumbnails["far"],
            ],
            layout=widgets.Layout(align_items="center", grid_gap="12px"),
        )
        parameters = widgets.HBox(
            [
                widgets.VBox([c["kernel_size"], c["sigma"], c["steps"], c["size"]]),
                widgets.VBox([c["m_precise"], c["m_blurred"], c["lr"], c["optimizer"]]),
            ]
        )
        actions = widgets.HBox([self.run_button, self.stop_button, self.progress])
        saving = widgets.HBox([self.distance, self.filename, self.save_button])
        return (pictures, parameters, actions, self.figure, saving, self.message)

    def _wire(self) -> None:
        self.run_button.on_click(self._on_run)
        self.stop_button.on_click(self._on_stop)
        self.save_button.on_click(self._on_save)
        self.distance.observe(self._on_distance, names="value")
        self.near_picker.observe(functools.partial(self._on_pick, "near"), names="value")
        self.far_picker.observe(functools.partial(self._on_pick, "far"), names="value")
        self.near_upload.observe(functools.partial(self._on_upload, "near"), names="value")
        self.far_upload.observe(functools.partial(self._on_upload, "far"), names="value")

    # -- callbacks: thin, never raise, never print -----------------------------

    @_reporting_errors
    def _on_run(self, _button: widgets.Button) -> None:
        self.run()

    @_reporting_errors
    def _on_stop(self, _button: widgets.Button) -> None:
        self.stop()

    @_reporting_errors
    def _on_save(self, _button: widgets.Button) -> None:
        self.save()

    @_reporting_errors
    def _on_distance(self, _change: dict) -> None:
        self.redraw()

    @_reporting_errors
    def _on_pick(self, side: str, _change: dict) -> None:
        self._refresh_thumbnail(side)
        if self.result is None:
            self.redraw()

    @_reporting_errors
    def _on_upload(self, side: str, change: dict) -> None:
        upload = uploaded_file(change["new"])
        if upload is None:
            return
        name, content = upload
        try:
            load_image(content, size=THUMBNAIL)
        except (ValueError, OSError) as error:
            reason = re.sub(r"\s*<_io\.BytesIO object at 0x[0-9a-fA-F]+>", "", str(error))  # noise for a reader
            raise ValueError(f"{name} cannot be used as a picture: {reason}") from None
        label = f"upload: {name}"
        self._sources[label] = content
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

    # -- public actions --------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether a run is in progress."""
        return self._thread is not None and self._thread.is_alive()

    def settings(self) -> RunSettings:
        """The run settings the controls show now."""
        c = self.controls
        return RunSettings(
            size=int(c["size"].value),
            kernel_size=int(c["kernel_size"].value),
            sigma=float(c["sigma"].value),
            m_precise=float(c["m_precise"].value),
            m_blurred=float(c["m_blurred"].value),
            lr=float(c["lr"].value),
            steps=int(c["steps"].value),
            optimizer=str(c["optimizer"].value),
        )

    def picture(self, side: str, size: int | None = None) -> np.ndarray:
        """The chosen ``"near"`` or ``"far"`` picture at ``size`` (the size control's by default)."""
        label = (self.near_picker if side == "near" else self.far_picker).value
        size = int(self.controls["size"].value if size is None else size)
        key = (label, size)
        if key not in self._cache:
            if len(self._cache) >= 8:
                self._cache.clear()
            source = self._sources[label]
            if isinstance(source, np.ndarray):
                self._cache[key] = _picture_from_array(source, size)
            else:
                self._cache[key] = load_image(source, size=size)
        return self._cache[key]

    def run(self) -> bool:
        """Start a run in the background with the current settings.

        Returns False, and says so in the panel, if a run is in progress.
        """
        with self._start_lock:
            if self.running:
                self.show_message("A run is in progress: press Stop first.", kind="warning")
                return False
            settings = self.settings()
            near, far = self.picture("near"), self.picture("far")
            model = HybridModel(settings.size, settings.size, settings.kernel_size, settings.sigma)
            self.model = model
            self.history, self.result = [], None
            self._stop_requested.clear()
            self.progress.max = settings.steps
            self.progress.value = 0
            self.progress.bar_style = "info"
            self.run_button.disabled = True
            self.stop_button.disabled = False
            self.show_message(f"Running {settings.steps} steps ({settings.optimizer}, {settings.size} px)…")
            self._thread = threading.Thread(
                target=self._train, args=(model, settings, near, far), name="hybridnb-panel-run", daemon=True
            )
            self._thread.start()
            return True

    def stop(self) -> None:
        """Ask the run to stop; it ends at its next report, keeping the picture reached."""
        if self.running:
            self._stop_requested.set()
            self.show_message("Stopping…")

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the current run to end; True if no run is in progress any more."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.running

    def save(self, name: str | os.PathLike | None = None) -> Path:
        """Save the current picture as a PNG named ``name`` (the file-name box by default).

        An existing file is never overwritten: a ``-1``, ``-2``, ... suffix is
        added.  The panel shows the path written, which is also returned.
        """
        if self.result is None:
            raise ValueError("Nothing to save yet: press Run first.")
        name = self.filename.value if name is None else name
        if not str(name).strip():
            raise ValueError("Type a file name first.")
        path = save_png_new(self.result, str(name).strip()).resolve()
        self.show_message(f"Saved {path}", kind="ok")
        return path

    def make_figure(self):
        """The live view as a matplotlib figure: loss curves, the picture near and far.

        While there is no picture yet (before a run's first report) it
        previews the goal: the near picture up close, the far one from afar.
        """
        distance = int(self.distance.value)
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
        )

    def redraw(self) -> None:
        """Render the live view into :attr:`figure` now."""
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
        self._stop_requested.set()
        self.join(timeout=5)
        if getattr(self, "_closed", True):
            return
        self._closed = True
        HybridPanel._open.discard(self)
        for key, ref in list(HybridPanel._by_cell.items()):
            if ref() is self:
                del HybridPanel._by_cell[key]
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
        panels = list(cls._open)
        for panel in panels:
            panel.close()
        return len(panels)

    # -- the background run ----------------------------------------------------

    def _train(self, model: HybridModel, s: RunSettings, near: np.ndarray, far: np.ndarray) -> None:
        started = time.monotonic()
        outcome, kind = "", "ok"
        try:
            last = model.train(
                s.steps,
                report_period(s.steps),
                s.lr,
                img_precise=near,
                img_blurred=far,
                m_precise=s.m_precise,
                m_blurred=s.m_blurred,
                optimizer=s.optimizer,
                callback=self._on_report,
                verbose=False,
            )
            if not self.history or self.history[-1].step != last.steps:
                self.history.append(LossRecord.from_report(last.steps, last))
            self.result = model.image()
            seconds = time.monotonic() - started
            if self._stop_requested.is_set() and last.steps + 1 < s.steps:
                outcome, kind = f"Stopped at step {last.steps + 1} of {s.steps} ({seconds:.1f} s)", "warning"
                self.progress.bar_style = "warning"
            else:
                outcome = f"Done: {s.steps} steps in {seconds:.1f} s"
                self.progress.bar_style = "success"
            outcome += f", loss {last.loss:.4g} (precise {last.loss_precise:.4g}, gauss {last.loss_gauss:.4g})."
        except Exception as error:
            kept = " The picture reached before is kept." if self.result is not None else ""
            if self.result is None and isinstance(error, FloatingPointError):
                self.result = model.image()  # finite: the model never applies a non-finite step
                kept = " This is the picture it reached."
            outcome, kind = _describe(error) + kept, "error"
            self.progress.bar_style = "danger"
        finally:
            try:
                self.redraw()
            except Exception as error:  # drawing must not hide the outcome
                outcome, kind = f"{outcome} (the view could not be drawn: {error})", "error"
            if kind == "ok":
                self.progress.value = self.progress.max  # full only once the final view is in
            self.show_message(outcome, kind=kind)
            self.run_button.disabled = False
            self.stop_button.disabled = True

    def _on_report(self, step: int, report) -> bool:
        """Called by ``HybridModel.train`` every few steps; True asks it to stop."""
        self.history.append(LossRecord.from_report(step, report))
        if np.all(np.isfinite(report.image)):
            self.result = report.image
        self.progress.value = step + 1
        wait = max(self.min_interval, self.draw_share_inverse * self._draw_seconds)
        if time.monotonic() - self._last_draw >= wait:
            self.redraw()
            self.show_message(f"Step {step + 1} of {self.progress.max}: loss {report.loss:.4g}")
        return self._stop_requested.is_set()

    # -- helpers ---------------------------------------------------------------

    def _add_source(self, side: str, source: Any) -> str:
        """Register a picture given to the constructor; return its label."""
        if isinstance(source, str) and source in self._sources:
            return source
        if isinstance(source, np.ndarray):
            _picture_from_array(source, THUMBNAIL)  # fail early, with a clear message
            label = f"{side} array"
        elif isinstance(source, (bytes, bytearray, memoryview)):
            source = bytes(source)
            load_image(source, size=THUMBNAIL)
            label = f"{side} picture"
        else:
            path = Path(source).expanduser()
            load_image(path, size=THUMBNAIL)
            source, label = path, f"file: {path.name}"
        self._sources[label] = source
        return label

    def _claim_cell(self) -> None:
        """Register this panel; close the one the same notebook cell made before."""
        HybridPanel._open.add(self)
        key = cell_key()
        if key is None:
            return
        previous = HybridPanel._by_cell.get(key)
        previous = previous() if previous is not None else None
        if previous is not None and previous is not self:
            previous.close()
        HybridPanel._by_cell[key] = weakref.ref(self)

    def _refresh_thumbnail(self, side: str) -> None:
        self.thumbnails[side].value = png_bytes(self.picture(side, THUMBNAIL))

    def _owned_widgets(self) -> list[widgets.Widget]:
        owned: list[widgets.Widget] = []
        stack = list(self.children)
        while stack:
            widget = stack.pop()
            owned.append(widget)
            stack.extend(getattr(widget, "children", ()))
        return owned
