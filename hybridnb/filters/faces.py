"""Find the eyes of a face, so that two portraits line up without clicks.

Three steps, with what scikit-image ships inside its package (nothing is
downloaded):

1. **Faces**: scikit-image's multi-block LBP cascade
   (:class:`skimage.feature.Cascade` with OpenCV's frontal-face model,
   ``skimage.data.lbp_frontal_face_cascade_filename()``; Liao et al.,
   "Learning Multi-scale Block Local Binary Patterns for Face Recognition",
   ICB 2007), run on a copy whose long side is :data:`DETECT_SIDE` pixels,
   upright and, failing that, turned by :data:`TILTS` degrees (the cascade
   finds upright faces only).
2. **Eyes**: each face is resampled into a :data:`PATCH`-pixel square and
   each eye is the darkest blob (the strongest response of a Laplacian of
   Gaussian, Lindeberg's scale-normalised blob detector, at the size of an
   eye) in its half of the band where eyes sit, weighed towards where eyes
   usually are.  The square is then redrawn around the eyes found, level
   with them, and the search repeated (:data:`PASSES` times), so the result
   follows the face when the picture is shifted, scaled or turned.
3. **Check**: a face levelled on its true eyes is nearly mirror-symmetric;
   on a wrong pair of blobs it is skewed.  The first face whose symmetry
   reaches :data:`SYMMETRIC` wins; otherwise the other faces and turns are
   tried, and the most symmetric kept.

When no pair looks like eyes, the eyes are placed where they sit on average
in the first face box (:data:`BOX_EYES`) and :attr:`EyeFinding.method` says
``"face box"``.  Faces smaller than about 1/10 of the picture's long side,
in profile, or turned by more than about 45 degrees are not found; about
0.5 s per picture on one CPU core, more when turns must be tried.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..checks import check_picture
from .align import align_transform, apply_transform, similarity_matrix, warp

#: Long side of the copy the face detector scans, in pixels.
DETECT_SIDE = 256
#: Smallest face the detector reports, in pixels of that copy.
MIN_FACE = 24
#: Turns tried, in degrees, when no upright face is found.
TILTS = (0.0, -20.0, 20.0, -35.0, 35.0)
#: Side of the square the eyes are searched in (the face box resampled).
PATCH = 128
#: Where the eyes sit in a face box of side 1, (x, y) of the one on the
#: picture's left then the right: measured on the bundled portraits.
BOX_EYES = ((0.27, 0.345), (0.72, 0.345))
#: The band searched for each eye, in face-box units: rows, and the columns
#: of the left and the right eye.
EYE_ROWS = (0.15, 0.6)
EYE_COLUMNS = ((0.05, 0.5), (0.5, 0.95))
#: Blob sizes (Gaussian sigma in face-box units) whose responses are added.
EYE_SIGMAS = (1 / 30, 1 / 22)
#: How far (in face-box units, one standard deviation) an eye may be from
#: where :data:`BOX_EYES` puts it before a darker blob is preferred.
EYE_SPREAD = 0.1
#: Symmetry (:func:`_symmetry`) from which a face levelled on the eyes found
#: is taken at once; below it the other faces and turns are tried too.
SYMMETRIC = 0.4
#: Search passes (the first in the face box, then around the eyes found).
PASSES = 3


@dataclass(frozen=True)
class EyeFinding:
    """The eyes found in a picture.

    Attributes
    ----------
    points : ndarray, shape (2, 2)
        ``(x, y)`` of the eye on the picture's left, then the one on its
        right, in the picture's own pixels (ready for :func:`~hybridnb.align`).
    box : (float, float, float)
        The face box the detector found: ``(left, top, side)`` in pixels.
    method : {"eyes", "face box"}
        ``"eyes"`` when two eyes were found; ``"face box"`` when only the
        face was, and the points are where eyes sit on average in such a box.
    """

    points: np.ndarray
    box: tuple[float, float, float]
    method: str

    def describe(self, scale: float = 1.0) -> str:
        """One line saying what was found (coordinates times ``scale``: for a shrunk copy).

        Examples
        --------
        >>> EyeFinding(np.array([[10.0, 20.0], [30.0, 20.0]]), (0.0, 0.0, 40.0), "eyes").describe()
        'eyes at (10, 20) and (30, 20) in a 40-pixel face'
        """
        (x1, y1), (x2, y2) = (self.points + 0.5) * scale - 0.5
        what = "eyes" if self.method == "eyes" else "a face but no clear eyes; eyes placed from the face box"
        return f"{what} at ({x1:.0f}, {y1:.0f}) and ({x2:.0f}, {y2:.0f}) in a {self.box[2] * scale:.0f}-pixel face"


@functools.lru_cache(maxsize=1)
def _detector():
    from skimage import data, feature

    return feature.Cascade(data.lbp_frontal_face_cascade_filename())


def _grey(picture: np.ndarray) -> np.ndarray:
    """Luma (Rec. 601 weights) of an RGB picture, as a 3-channel picture for :func:`warp`."""
    luma = picture @ np.array([0.299, 0.587, 0.114])
    return np.repeat(luma[..., np.newaxis], 3, axis=2)


def find_faces(picture: np.ndarray) -> Iterator[tuple[float, float, float, float]]:
    """The faces in an RGB picture, largest first, turn by turn: ``(centre x, centre y, side, angle)``.

    ``side`` is the face box's side in the picture's pixels; ``angle``
    (degrees) is the turn of the copy in which the face was found
    (:data:`TILTS`, tried one after the other: stop iterating to skip the rest).

    Examples
    --------
    >>> import hybridnb as hn
    >>> x, y, side, angle = next(find_faces(hn.load_image("astronaut", 256)))
    >>> 100 < x < 156 and 60 < y < 110 and 70 < side < 130, angle
    (True, 0.0)
    """
    grey = _grey(check_picture("picture", picture))
    h, w = grey.shape[:2]
    scale = min(1.0, DETECT_SIDE / max(h, w))
    shape = (max(1, round(h * scale)), max(1, round(w * scale)))
    centre = np.array([(w - 1) / 2.0, (h - 1) / 2.0])
    shift = np.array([(shape[1] - 1) / 2.0, (shape[0] - 1) / 2.0]) - centre
    for tilt in TILTS:  # picture -> the detector's copy: shrunk, turned by -tilt about the centre
        matrix = similarity_matrix(-tilt, scale, shift=shift, centre=centre)
        copy = warp(grey, matrix, shape, fill="edge")[..., 0]
        faces = _detector().detect_multi_scale(
            img=copy, scale_factor=1.2, step_ratio=1, min_size=(MIN_FACE, MIN_FACE), max_size=shape
        )
        for face in sorted(faces, key=lambda f: -f["width"]):
            side = face["width"]
            middle = (face["c"] + (side - 1) / 2, face["r"] + (side - 1) / 2)
            (x, y), *_ = apply_transform(np.linalg.inv(matrix), [middle])
            yield float(x), float(y), side / scale, tilt


def _log_response(patch: np.ndarray) -> np.ndarray:
    """Scale-normalised Laplacian of Gaussian, summed over :data:`EYE_SIGMAS`: large on dark blobs."""
    from scipy import ndimage

    total = np.zeros_like(patch)
    for sigma in EYE_SIGMAS:
        s = sigma * PATCH
        total += s * s * ndimage.gaussian_laplace(patch, s, mode="nearest")
    return total


def _peak(response: np.ndarray, rows: slice, columns: slice) -> tuple[float, float]:
    """(x, y) of the largest response in a window, refined to a fraction of a pixel (a parabola through 3)."""
    window = response[rows, columns]
    y, x = np.unravel_index(int(np.argmax(window)), window.shape)

    def offset(before: float, here: float, after: float) -> float:
        curvature = before - 2 * here + after
        return 0.5 * (before - after) / curvature if curvature < 0 else 0.0

    dx = offset(*window[y, x - 1 : x + 2]) if 0 < x < window.shape[1] - 1 else 0.0
    dy = offset(*window[y - 1 : y + 2, x]) if 0 < y < window.shape[0] - 1 else 0.0
    return columns.start + x + dx, rows.start + y + dy


def _eyes_in_frame(grey: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """The two eyes in the square ``frame`` maps to (face box -> PATCH pixels); picture pixels.

    Each eye is the strongest dark blob of its half of the eye band, weighed
    by how far it is from where eyes sit on average (:data:`BOX_EYES`, a
    Gaussian of :data:`EYE_SPREAD`), so the dark rim of a pair of glasses or
    an eyebrow does not win over the eye.
    """
    patch = warp(grey, frame, (PATCH, PATCH), fill="edge")[..., 0]
    response = np.maximum(_log_response(patch), 0.0)
    grid = (np.arange(PATCH) + 0.5) / PATCH
    rows = slice(round(EYE_ROWS[0] * PATCH), round(EYE_ROWS[1] * PATCH))
    found = []
    for (ex, ey), (a, b) in zip(BOX_EYES, EYE_COLUMNS, strict=True):
        prior = np.exp(-0.5 * (((grid[:, None] - ey) ** 2 + (grid[None, :] - ex) ** 2) / EYE_SPREAD**2))
        found.append(_peak(response * prior, rows, slice(round(a * PATCH), round(b * PATCH))))
    return apply_transform(np.linalg.inv(frame), found)


def _box_frame(x: float, y: float, side: float, angle: float) -> np.ndarray:
    """Picture -> a PATCH-pixel square: the face box centred at (x, y), turned by -angle."""
    k = PATCH / side
    middle = (PATCH - 1) / 2.0
    return similarity_matrix(-angle, k, shift=(middle - x, middle - y), centre=(x, y))


def _eye_frame(eyes: np.ndarray) -> np.ndarray:
    """Picture -> a PATCH-pixel square in which the eyes sit at :data:`BOX_EYES`, level."""
    return align_transform(eyes, np.array(BOX_EYES) * PATCH - 0.5)


def _plausible(eyes: np.ndarray, side: float) -> bool:
    """Whether two points look like a pair of eyes in a face of ``side`` pixels."""
    dx, dy = eyes[1] - eyes[0]
    distance = math.hypot(dx, dy) / side
    return 0.25 < distance < 0.75 and abs(math.degrees(math.atan2(dy, dx))) < 50


def _symmetry(grey: np.ndarray, eyes: np.ndarray) -> float:
    """How alike the two halves of the face are, mirrored about the middle of the eyes (correlation, -1 to 1).

    A face levelled on its true eyes is close to symmetric (0.5 to 0.85 on
    the portraits); a pair of wrong blobs gives a skewed face (about 0.1).
    """
    patch = warp(grey, _eye_frame(eyes), (PATCH, PATCH), fill="edge")[..., 0]
    middle = round((BOX_EYES[0][0] + BOX_EYES[1][0]) / 2 * PATCH - 0.5)
    half = min(middle, PATCH - 1 - middle)
    left = patch[:, middle - half : middle]
    right = patch[:, middle + 1 : middle + 1 + half][:, ::-1]
    a, b = left - left.mean(), right - right.mean()
    norm = math.sqrt(float((a * a).sum() * (b * b).sum()))
    return float((a * b).sum()) / norm if norm > 0 else 0.0


def find_eyes(picture: np.ndarray) -> EyeFinding:
    """Find the eyes of a face in an RGB picture.

    Each face the detector reports (:func:`find_faces`) is searched for
    eyes; the first whose face, levelled on the eyes, is symmetric enough
    (:data:`SYMMETRIC`) wins, else the most symmetric one.

    Parameters
    ----------
    picture : ndarray, shape (H, W, 3), values in [0, 1]

    Returns
    -------
    EyeFinding
        The two eyes (or, when no pair looks like eyes, where they sit on
        average in the first face box), the face box, and which of the two it is.

    Raises
    ------
    ValueError
        If no face is found.

    Examples
    --------
    >>> import hybridnb as hn
    >>> eyes = hn.find_eyes(hn.load_image("astronaut", 256))
    >>> eyes.method, eyes.points.round(-1).tolist()
    ('eyes', [[110.0, 90.0], [160.0, 90.0]])
    """
    picture = check_picture("picture", picture)
    grey = _grey(picture)
    best: tuple[float, EyeFinding] | None = None
    fallback: EyeFinding | None = None
    for x, y, side, angle in find_faces(picture):
        box = (x - side / 2, y - side / 2, side)
        if fallback is None:
            guess = apply_transform(np.linalg.inv(_box_frame(x, y, side, angle)), np.array(BOX_EYES) * PATCH - 0.5)
            fallback = EyeFinding(guess, box, "face box")
        eyes = _eyes_in_frame(grey, _box_frame(x, y, side, angle))
        for _ in range(PASSES - 1):
            if not _plausible(eyes, side):
                break
            eyes = _eyes_in_frame(grey, _eye_frame(eyes))
        if not _plausible(eyes, side):
            continue
        score = _symmetry(grey, eyes)
        if best is None or score > best[0]:
            best = (score, EyeFinding(eyes, box, "eyes"))
        if score >= SYMMETRIC:
            break
    if best is not None and best[0] >= SYMMETRIC / 2:
        return best[1]
    if fallback is None:
        raise ValueError(
            "no face found (faces must be frontal, upright or turned by at most about 45 degrees, "
            "and at least 1/10 of the picture's long side): click the eyes instead"
        )
    return fallback
