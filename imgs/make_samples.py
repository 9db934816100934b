"""Regenerate the sample pictures in ``imgs/`` from packages that ship them.

Run from the repository root with the ``samples`` extra installed::

    pip install -e ".[samples]"
    python imgs/make_samples.py

Portraits are cropped around the face that scikit-image's bundled LBP face
detector finds, so that the faces of any two portraits line up: that is what
makes a hybrid of two portraits striking.  Every picture is saved as a
512 x 512 RGB PNG.  Sources and licences are listed in ``imgs/README.md``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.cbook
import numpy as np
from PIL import Image
from skimage import data, feature

SIZE = 512
HERE = Path(__file__).resolve().parent

#: Side of the square crop, in face-box widths, and the height of the face
#: centre in the crop as a fraction of its side.
FACE_SCALE = 2.6
FACE_ROW = 0.42


def face_box(img: np.ndarray) -> tuple[int, int, int, int]:
    """Return (left, top, right, bottom) of a square crop centred on the face."""
    detector = feature.Cascade(data.lbp_frontal_face_cascade_filename())
    faces = detector.detect_multi_scale(img=img, scale_factor=1.2, step_ratio=1, min_size=(60, 60), max_size=(400, 400))
    if not faces:
        raise RuntimeError("no face found")
    face = max(faces, key=lambda f: f["width"])
    side = round(FACE_SCALE * face["width"])
    cx = face["c"] + face["width"] / 2
    cy = face["r"] + face["height"] / 2
    left = round(cx - side / 2)
    top = round(cy - FACE_ROW * side)
    h, w = img.shape[:2]
    left = min(max(left, 0), w - side)
    top = min(max(top, 0), h - side)
    return left, top, left + side, top + side


def centre_box(img: np.ndarray, cx: float) -> tuple[int, int, int, int]:
    """Largest square crop whose centre column is ``cx`` (clamped to the image)."""
    h, w = img.shape[:2]
    side = min(h, w)
    left = min(max(round(cx - side / 2), 0), w - side)
    top = (h - side) // 2
    return left, top, left + side, top + side


def save(img: np.ndarray, box: tuple[int, int, int, int], name: str) -> None:
    picture = Image.fromarray(img).convert("RGB").crop(box)
    picture = picture.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    picture.save(HERE / f"{name}.png", optimize=True)
    print(f"{name}.png  crop {box}")


def main() -> None:
    with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as f:
        hopper = np.array(Image.open(f).convert("RGB"))
    astronaut = data.astronaut()
    save(hopper, face_box(hopper), "hopper")
    save(astronaut, face_box(astronaut), "astronaut")
    chelsea = data.chelsea()
    save(chelsea, centre_box(chelsea, cx=0.47 * chelsea.shape[1]), "cat")
    coffee = data.coffee()
    save(coffee, centre_box(coffee, cx=0.5 * coffee.shape[1]), "coffee")
    camera = data.camera()
    save(camera, centre_box(camera, cx=0.5 * camera.shape[1]), "camera")


if __name__ == "__main__":
    main()
