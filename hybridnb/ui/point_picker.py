"""``PointPicker``: a picture on which the user clicks (and drags) points, for alignment.

A small `anywidget <https://anywidget.dev>`_ widget: the browser side
(``point_picker.js``, about 150 lines of plain JavaScript, no build step)
shows the picture with numbered markers; a click adds a point (or, when
all are placed, moves the nearest one there), a drag moves one, a right
click removes one.  The points reach Python in :attr:`PointPicker.points`
when the click or drag ends, in the **picture's own pixels** (``(x, y)``,
pixel centres at whole numbers), whatever size the picture is shown at.

anywidget was chosen over ipyevents, ipycanvas and ipympl because the
markers move with the pointer in the browser (a drag does not wait for the
kernel to redraw a picture), it is one small maintained dependency whose
front end ships prebuilt inside the wheel (JupyterLab 4, Notebook 7, Voilà,
VS Code, Colab), and the widget's whole behaviour is in one readable file.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import numpy as np
import traitlets

from ..imaging.io import encode_image, resize

_HERE = Path(__file__).resolve().parent


class PointPicker(anywidget.AnyWidget):
    """A picture with up to ``max_points`` points the user places on it.

    Attributes
    ----------
    image : bytes
        The encoded picture shown (any size: points are scaled to ``width`` x ``height``).
    mime : str
        Its type, ``"image/jpeg"`` or ``"image/png"``.
    width, height : int
        The size, in pixels, of the picture the points refer to.
    points : list of [x, y]
        The points, in that picture's pixels, in the order placed.
    max_points : int
        How many points may be placed.
    colour : str
        CSS colour of the markers.
    description : str
        Alternative text of the picture.

    Examples
    --------
    >>> picker = PointPicker()
    >>> picker.show(np.zeros((40, 60, 3)))
    >>> picker.width, picker.height, picker.image[:3]
    (60, 40, b'\\xff\\xd8\\xff')
    >>> picker.points = [[10.0, 5.0]]
    >>> picker.array().tolist()
    [[10.0, 5.0]]
    """

    _esm = _HERE / "point_picker.js"
    _css = _HERE / "point_picker.css"

    image = traitlets.Bytes(b"").tag(sync=True)
    mime = traitlets.Unicode("image/jpeg").tag(sync=True)
    width = traitlets.Int(1).tag(sync=True)
    height = traitlets.Int(1).tag(sync=True)
    points = traitlets.List(traitlets.List(traitlets.Float(), minlen=2, maxlen=2)).tag(sync=True)
    max_points = traitlets.Int(3).tag(sync=True)
    colour = traitlets.Unicode("#00c853").tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)

    #: Long side of the picture sent to the browser, in pixels (twice a
    #: typical display width, for sharp screens).
    shown_side = 480

    def show(self, picture: np.ndarray) -> None:
        """Show ``picture`` (float (H, W, 3) in [0, 1]); points now refer to its pixels."""
        h, w = picture.shape[:2]
        k = min(1.0, self.shown_side / max(h, w))
        shown = resize(picture, (max(1, round(h * k)), max(1, round(w * k)))) if k < 1 else picture
        with self.hold_sync():
            self.width, self.height = int(w), int(h)
            self.image = encode_image(shown, "JPEG")
            self.mime = "image/jpeg"

    def array(self) -> np.ndarray:
        """The points as a float (N, 2) array."""
        return np.array(self.points, dtype=np.float64).reshape(-1, 2)
