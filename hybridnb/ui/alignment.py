"""``AlignmentBox``: line the two pictures up in the panel, by clicks, by their eyes, or by hand.

The box is a section that opens (an ``ipywidgets.Accordion``; the pictures
are read when it first opens, so a panel whose user never aligns pays
nothing).  It shows the near and the far picture whole (not cropped), each a
:class:`~hybridnb.ui.point_picker.PointPicker`: click the same places on
both (the eyes, say) and the far picture is turned, scaled and shifted
onto the near one (3 points: an affine map).  **Find the eyes** places the
points itself (:func:`~hybridnb.find_eyes`) and says what it found; drag
them to correct it.  An *onion skin* shows the far picture over the near
one, with an opacity slider, so the fit is seen before any training;
shift, scale and turn sliders fine-tune it (also without points: they then
move the far picture's centre square over the near one's), and **Reset**
starts again.  The points can be downloaded as the JSON that
``hybridnb --align-points FILE.json`` reads.

The box only owns widgets and calls pure functions (:mod:`hybridnb.filters.align`,
:mod:`hybridnb.ui.pairing`); :class:`~hybridnb.ui.panel.HybridPanel` asks it
for the pictures to train on (:meth:`AlignmentBox.picture`) while it is
:attr:`~AlignmentBox.active`, and watches :attr:`~AlignmentBox.version` to
redraw its preview.
"""

from __future__ import annotations

import base64
import functools
import html
import io
from typing import Any

import ipywidgets as widgets
import numpy as np
import traitlets
from PIL import Image, ImageDraw

from ..checks import check_picture
from ..filters.align import AlignedPair, aligned_pair, apply_transform, frame_matrix, similarity_matrix, square_frame
from ..imaging.io import load_picture, resize, to_uint8
from .pairing import PointPairs, describe_transform
from .point_picker import PointPicker

#: Longest side the pictures are kept at for alignment, in pixels.
ALIGN_SIDE = 1024
#: Side of the onion-skin view, in pixels.
OVERLAY = 320
#: Marker colours: the near picture's points, the far picture's.
COLOURS = {"near": "#00c853", "far": "#ff6d00"}

#: The fine-tuning sliders' values that leave the far picture where the points put it.
_NEUTRAL = {"scale": 100}
_STYLE = {"description_width": "80px"}
#: The fine-tuning sliders act when let go: each move retrains nothing but redraws two views.
_TUNE = {"style": _STYLE, "continuous_update": False}
_MESSAGE_COLOURS = {"info": "#333", "ok": "#1b6e20", "warning": "#8a5a00", "error": "#b00020"}


def load_source(source: Any, max_side: int = ALIGN_SIDE) -> np.ndarray:
    """A picture given as a sample name, a path, bytes or a float array, whole, long side at most ``max_side``.

    Examples
    --------
    >>> load_source(np.zeros((30, 60, 3)), max_side=20).shape
    (10, 20, 3)
    >>> load_source("cat", max_side=64).shape
    (64, 64, 3)
    """
    if not isinstance(source, np.ndarray):
        return load_picture(source, max_side=max_side)
    picture = check_picture("picture", source).astype(np.float64)
    h, w = picture.shape[:2]
    if max(h, w) <= max_side:
        return picture
    k = max_side / max(h, w)
    return resize(picture, (max(1, round(h * k)), max(1, round(w * k))))


def centre_matrix(near_shape: tuple[int, ...], far_shape: tuple[int, ...]) -> np.ndarray:
    """From the far picture's pixels to the near one's, centre square onto centre square (the default crop).

    Examples
    --------
    >>> centre_matrix((100, 100), (200, 300)) @ [149.5, 99.5, 1]  # centre onto centre
    array([49.5, 49.5,  1. ])
    """
    (nl, nt, ns), (fl, ft, fs) = square_frame(near_shape), square_frame(far_shape)
    k = ns / fs
    return np.array([[k, 0.0, nl + k * (0.5 - fl) - 0.5], [0.0, k, nt + k * (0.5 - ft) - 0.5], [0.0, 0.0, 1.0]])


def onion_skin(near: np.ndarray, far: np.ndarray, opacity: float) -> np.ndarray:
    """The far picture laid over the near one with ``opacity`` (0: only near, 1: only far).

    Examples
    --------
    >>> onion_skin(np.zeros((1, 1, 3)), np.ones((1, 1, 3)), 0.25)[0, 0].tolist()
    [0.25, 0.25, 0.25]
    """
    return (1.0 - opacity) * near + opacity * far


def _draw_points(picture: np.ndarray, marks: dict[str, np.ndarray]) -> bytes:
    """A JPEG of ``picture`` with rings at the (x, y) ``marks`` of each side's colour."""
    image = Image.fromarray(to_uint8(picture))
    draw = ImageDraw.Draw(image)
    radius = max(3, image.width // 60)
    for side, points in marks.items():
        for x, y in points:
            box = [x - radius, y - radius, x + radius, y + radius]
            draw.ellipse(box, outline=COLOURS[side], width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _reporting(handler):
    """Wrap a widget callback so that an exception becomes the box's message."""

    @functools.wraps(handler)
    def wrapper(self: AlignmentBox, *args: Any) -> None:
        try:
            handler(self, *args)
        except Exception as error:
            self._say(str(error), "error")

    return wrapper


class AlignmentBox(widgets.Accordion):
    """Line the far picture up with the near one: clickable pictures, onion skin, fine-tuning.

    Parameters
    ----------
    near, far : str, path, bytes or ndarray, optional
        The pictures (see :meth:`set_source`); the panel sets them.

    Attributes
    ----------
    pickers : dict of str -> PointPicker
        ``"near"`` and ``"far"``: the pictures whole, the points placed on them.
    overlay : ipywidgets.Image
        The onion skin: the far picture, lined up, over the near picture's square.
    opacity : ipywidgets.FloatSlider
        Of the far picture in the onion skin.
    tuning : dict of str -> ipywidgets.FloatSlider
        ``shift_x``, ``shift_y`` (% of the square's side), ``scale`` (%), ``turn`` (degrees):
        applied to the far picture after the points, about the square's centre.
    find_button, reset_button : ipywidgets.Button
    download : ipywidgets.HTML
        A link to the points as JSON (for ``hybridnb --align-points``).
    message : ipywidgets.HTML
        What the alignment is, or what is missing.
    version : int
        Goes up by one whenever the user changes the alignment (points,
        sliders, Find the eyes, Reset; not :meth:`set_source`).

    Examples
    --------
    >>> box = AlignmentBox("hopper", "astronaut")
    >>> box.active
    False
    >>> box.pickers["near"].points = [[221, 181], [303, 181]]
    >>> box.pickers["far"].points = [[218, 180], [309, 186]]
    >>> box.active, box.picture("far", 64).shape
    (True, (64, 64, 3))
    >>> print(box.message.value)  # doctest: +ELLIPSIS
    <span ...>Lined up by 2 point pairs: far turned -3.8°, scaled ×0.90, shifted by (15, 32) px. near (221, 181) ...
    """

    version = traitlets.Int(0)

    def __init__(self, near: Any = None, far: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._sources: dict[str, Any] = {"near": None, "far": None}
        self._loaded: dict[str, np.ndarray] = {}
        self._pairs: dict[tuple, AlignedPair] = {}
        self.pickers = {
            side: PointPicker(colour=COLOURS[side], description=f"the {side} picture", layout={"width": "260px"})
            for side in ("near", "far")
        }
        self.overlay = widgets.Image(format="jpeg", layout={"width": "260px"})
        self.opacity = widgets.FloatSlider(0.5, min=0, max=1, step=0.05, description="far opacity", style=_STYLE)
        self.tuning = {
            "shift_x": widgets.FloatSlider(0, min=-50, max=50, step=0.5, description="shift → %", **_TUNE),
            "shift_y": widgets.FloatSlider(0, min=-50, max=50, step=0.5, description="shift ↓ %", **_TUNE),
            "scale": widgets.FloatSlider(100, min=50, max=200, step=1, description="scale %", **_TUNE),
            "turn": widgets.FloatSlider(0, min=-45, max=45, step=0.5, description="turn °", **_TUNE),
        }
        self.find_button = widgets.Button(description="Find the eyes", icon="eye", tooltip="place the points itself")
        self.reset_button = widgets.Button(description="Reset", icon="undo", tooltip="remove the points and tuning")
        self.download = widgets.HTML()
        self.message = widgets.HTML()
        for name in ("overlay", "message", "find_button", "reset_button"):  # for page tests
            getattr(self, name).add_class(f"hybridnb-align-{name.replace('_', '-')}")
        for side, picker in self.pickers.items():
            picker.add_class(f"hybridnb-align-{side}")
        self.children = (widgets.VBox(self._layout()),)
        self.set_title(0, "Line the pictures up (click the eyes on both)")
        self.add_class("hybridnb-alignment")
        self._wire()
        for side, source in (("near", near), ("far", far)):
            if source is not None:
                self._sources[side] = source
        self._say("Choose two pictures.")

    def _layout(self) -> tuple[widgets.Widget, ...]:
        def column(title: str, widget: widgets.Widget) -> widgets.VBox:
            return widgets.VBox([widgets.HTML(f"<b>{html.escape(title)}</b>"), widget])

        pictures = widgets.HBox(
            [
                column("near: click the places", self.pickers["near"]),
                column("far: click the same places", self.pickers["far"]),
                column("far over near", self.overlay),
            ],
            layout={"grid_gap": "12px", "align_items": "flex-start"},
        )
        tuning = widgets.HBox([widgets.VBox([self.opacity, self.tuning["turn"]]),
                               widgets.VBox([self.tuning["shift_x"], self.tuning["shift_y"]]),
                               widgets.VBox([self.tuning["scale"]])])  # fmt: skip
        actions = widgets.HBox([self.find_button, self.reset_button, self.download], layout={"align_items": "center"})
        return (pictures, tuning, actions, self.message)

    def _wire(self) -> None:
        for picker in self.pickers.values():
            picker.observe(self._on_change, names="points")
        for slider in self.tuning.values():
            slider.observe(self._on_change, names="value")
        self.opacity.observe(self._on_opacity, names="value")
        self.find_button.on_click(self._on_find)
        self.reset_button.on_click(self._on_reset)
        self.observe(self._on_open, names="selected_index")

    # -- callbacks: never raise, never print ----------------------------------

    @_reporting
    def _on_change(self, _change: dict) -> None:
        self._changed()

    @_reporting
    def _on_open(self, change: dict) -> None:
        if change["new"] is not None and self._ready():
            self._changed(notify=False)

    @_reporting
    def _on_opacity(self, _change: dict) -> None:
        self._draw_overlay()

    @_reporting
    def _on_find(self, _button: widgets.Button) -> None:
        self.find_eyes()

    @_reporting
    def _on_reset(self, _button: widgets.Button) -> None:
        self.reset()

    # -- public ----------------------------------------------------------------

    def set_source(self, side: str, source: Any) -> None:
        """Show a new ``"near"`` or ``"far"`` picture (a sample name, path, bytes or array); its points are cleared."""
        self._sources[side] = source
        self._loaded.pop(side, None)
        self.pickers[side].points = []
        if self.selected_index is not None:  # shown: load it now (closed, it loads when opened)
            self._changed(notify=False)  # whoever sets a picture redraws what shows it

    @property
    def pictures(self) -> dict[str, np.ndarray]:
        """The pictures whole (long side at most :data:`ALIGN_SIDE`), read when first needed."""
        for side, source in self._sources.items():
            if side not in self._loaded and source is not None:
                picture = load_source(source)
                self._loaded[side] = picture
                self.pickers[side].show(picture)
        return self._loaded

    def _ready(self) -> bool:
        return all(source is not None for source in self._sources.values())

    def tuning_matrix(self) -> np.ndarray:
        """The fine-tuning, in the near picture's pixels: about the centre of its square."""
        left, top, side = square_frame(self.pictures["near"].shape, self._near_points())
        t = {name: slider.value for name, slider in self.tuning.items()}
        centre = (left + (side - 1) / 2.0, top + (side - 1) / 2.0)
        shift = (t["shift_x"] / 100.0 * side, t["shift_y"] / 100.0 * side)
        return similarity_matrix(t["turn"], t["scale"] / 100.0, shift=shift, centre=centre)

    def _near_points(self) -> np.ndarray | None:
        counts = {side: len(picker.points) for side, picker in self.pickers.items()}
        if counts["near"] == counts["far"] >= 2:
            return self.pickers["near"].array()
        return None

    def _tuned(self) -> bool:
        return any(slider.value != _NEUTRAL.get(name, 0) for name, slider in self.tuning.items())

    def point_pairs(self) -> PointPairs | None:
        """The points as placed, the fine-tuning folded into the near ones; None until both sides have as many (>= 2).

        This is what :meth:`export` writes: the same transform as the box shows.
        """
        near = self._near_points()
        if near is None or not self._ready():
            return None
        kind = "affine" if len(near) >= 3 else "similarity"
        sizes = {side: (p.shape[1], p.shape[0]) for side, p in self.pictures.items()}
        tuned = apply_transform(self.tuning_matrix(), near)
        return PointPairs(tuned, self.pickers["far"].array(), kind, sizes["near"], sizes["far"])

    @property
    def active(self) -> bool:
        """Whether the pictures are lined up by points or moved by the fine-tuning (else: the centre crop)."""
        return self._ready() and (self._near_points() is not None or self._tuned())

    def matrix(self) -> np.ndarray:
        """From the far picture's pixels to the near one's, as the box shows it now."""
        pairs = self.point_pairs()
        if pairs is not None:
            return pairs.transform()
        near, far = self.pictures["near"], self.pictures["far"]
        return self.tuning_matrix() @ centre_matrix(near.shape, far.shape)

    def pair(self, size: int) -> AlignedPair:
        """Both pictures at ``size`` pixels: the near one's square, the far one lined up on it."""
        matrix = self.matrix()
        near_points = self._near_points()
        key = (size, matrix.tobytes(), None if near_points is None else near_points.tobytes())
        if key not in self._pairs:
            if len(self._pairs) >= 4:
                self._pairs.clear()
            self._pairs[key] = aligned_pair(self.pictures["far"], self.pictures["near"], matrix, size,
                                            near_points=near_points)  # fmt: skip
        return self._pairs[key]

    def picture(self, side: str, size: int) -> np.ndarray:
        """The ``"near"`` or ``"far"`` picture at ``size`` pixels, lined up (what the panel trains on)."""
        pair = self.pair(size)
        return pair.near if side == "near" else pair.far

    def find_eyes(self) -> None:
        """Place the points on the eyes of the face in each picture, and say what was found."""
        from ..filters.faces import find_eyes

        if not self._ready():
            raise ValueError("Choose two pictures first.")
        self._say("Looking for faces…")
        found = {}
        for side, picture in self.pictures.items():
            try:
                found[side] = find_eyes(picture)
            except ValueError as error:
                raise ValueError(f"{side} picture: {error}") from None
        with self.hold_trait_notifications():
            for side, finding in found.items():
                self.pickers[side].points = finding.points.tolist()
        self._changed()
        guessed = [side for side, finding in found.items() if finding.method != "eyes"]
        text = "; ".join(f"{side}: {finding.describe()}" for side, finding in found.items())
        if guessed:
            self._say(f"{text}. Drag the points onto the eyes of the {' and '.join(guessed)} picture.", "warning")
        else:
            self._say(f"{text}. Drag a point to correct it.", "ok")

    def reset(self) -> None:
        """Remove the points and the fine-tuning: back to the centre crop."""
        with self.hold_trait_notifications():
            for picker in self.pickers.values():
                picker.points = []
            for name, slider in self.tuning.items():
                slider.value = _NEUTRAL.get(name, 0)
        self._changed()

    def export(self) -> str:
        """The points as JSON, for ``hybridnb --align-points FILE.json``."""
        pairs = self.point_pairs()
        if pairs is None:
            raise ValueError("Place as many points on both pictures first (2 or 3 each).")
        return pairs.to_json()

    # -- helpers ---------------------------------------------------------------

    def _changed(self, notify: bool = True) -> None:
        self._pairs.clear()
        self._describe()
        self._draw_overlay()
        if notify:
            self.version += 1

    def _describe(self) -> None:
        if not self._ready():
            self.download.value = ""
            return self._say("Choose two pictures.")
        counts = {side: len(picker.points) for side, picker in self.pickers.items()}
        self.download.value = ""
        pairs = self.point_pairs()  # ValueError (points that coincide, ...) is shown by the callback
        if pairs is not None:
            data = base64.b64encode(pairs.to_json().encode()).decode()
            self.download.value = (
                f'<a download="alignment.json" href="data:application/json;base64,{data}">'
                "download the points</a> (for <code>hybridnb --align-points alignment.json</code>)"
            )
            placed = " · ".join(
                f"{side} " + " ".join(f"({x:.0f}, {y:.0f})" for x, y in self.pickers[side].array())
                for side in ("near", "far")
            )
            move = describe_transform(pairs.transform())
            return self._say(f"Lined up by {len(pairs.near)} point pairs: far {move}. {placed}", "ok")
        if counts["near"] == counts["far"] == 0:
            how = "moved by the sliders" if self._tuned() else "centre squares, as without alignment"
            return self._say(
                f"Click the same places on both pictures (the eyes, say), or press Find the eyes ({how}).", "info"
            )
        if counts["near"] != counts["far"]:
            fewer = "near" if counts["near"] < counts["far"] else "far"
            missing = abs(counts["near"] - counts["far"])
            return self._say(f"Place {missing} more point{'s' * (missing > 1)} on the {fewer} picture.", "warning")
        return self._say("Place a second point on each picture (2 points turn, scale and shift).", "warning")

    def _draw_overlay(self) -> None:
        if not self._ready():
            return
        pair = self.pair(OVERLAY)
        to_view = frame_matrix(*pair.frame, OVERLAY)
        marks = {}
        if self._near_points() is not None:
            marks["near"] = apply_transform(to_view @ self.tuning_matrix(), self.pickers["near"].array())
            marks["far"] = apply_transform(to_view @ pair.matrix, self.pickers["far"].array())
        self.overlay.value = _draw_points(onion_skin(pair.near, pair.far, self.opacity.value), marks)

    def _say(self, text: str, kind: str = "info") -> None:
        colour = _MESSAGE_COLOURS.get(kind, _MESSAGE_COLOURS["info"])
        self.message.value = f'<span style="color:{colour}">{html.escape(text)}</span>'
