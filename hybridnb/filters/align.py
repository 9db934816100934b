"""Line two pictures up: a transform from matching points, and the far picture mapped onto the near one.

A hybrid works only when its two subjects overlap, eyes on eyes.  The user
(or :mod:`~hybridnb.filters.faces`, which finds eyes) names the same places
in both pictures; :func:`align_transform` fits the map between them and
:func:`align` resamples the far picture into the near picture's frame.

Conventions, used everywhere in hybridnb:

- A point is ``(x, y)`` in a picture's own pixels: ``x`` to the right,
  ``y`` down, pixel *centres* at whole numbers, so ``(x, y)`` is
  ``picture[y, x]`` and the picture spans ``-0.5 .. W - 0.5``.
- A transform is a 3 x 3 matrix acting on ``(x, y, 1)`` columns, from the
  far picture's pixels to the near picture's.
- ``"similarity"`` (rotation, one scale, shift; 2 point pairs or more) keeps
  shapes; ``"affine"`` (3 pairs or more) also shears and scales the two axes
  apart.  More pairs than needed are fitted by least squares.

Resampling is bilinear **in linear light** (as the blur is: a pixel of the
result averages photons, not codes), after averaging blocks of pixels
(:func:`~hybridnb.filters.viewing.shrink_linear`) when the far picture is
shrunk 2x or more, so a large photo does not alias.

Where the far picture does not cover the near frame, ``fill`` decides:

- ``"fade"`` (default): the edge pixels, fading into the far picture's mean
  colour (in linear light) over :data:`FADE` of its long side.  No seam and
  no copy of the subject: the far view (a blur) of the area is featureless.
  A black fill would become a dark frame in the far view, which the fit
  would then copy into the hybrid.
- ``"mirror"``: the picture continued by its mirror image.  No seam, but a
  subject near an edge is repeated: a second face in the far view
  (notebook 08 shows one).
- ``"edge"``: the edge pixels stretched outwards (streaks).
- ``"mean"``: the mean colour, flat; a visible edge where the picture ends.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..checks import check_choice, check_count, check_picture
from ..imaging.color import linear_to_srgb, srgb_to_linear
from ..imaging.io import resize
from .viewing import shrink_linear

#: Kinds of transform, and the point pairs each needs at least.
KINDS = {"similarity": 2, "affine": 3}
#: Ways to fill the near frame where the far picture does not reach.
FILLS = ("fade", "mirror", "edge", "mean")
#: Distance over which ``fill="fade"`` turns the edge colour into the mean
#: colour (the weight of the edge falls by e), as a share of the far picture's long side.
FADE = 0.05


def check_points(name: str, points: Any, minimum: int = 1) -> np.ndarray:
    """``points`` as a float64 (N, 2) array of finite (x, y), N >= ``minimum``.

    Examples
    --------
    >>> check_points("near points", [(1, 2), (3, 4)])
    array([[1., 2.],
           [3., 4.]])
    >>> check_points("near points", [(1, 2, 3)])
    Traceback (most recent call last):
    ValueError: near points must be (x, y) pairs, got shape (1, 3)
    """
    try:
        a = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be (x, y) pairs of numbers, got {points!r}") from None
    if a.ndim == 1 and a.size == 2:
        a = a[np.newaxis]
    if a.ndim != 2 or a.shape[1] != 2:
        raise ValueError(f"{name} must be (x, y) pairs, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite numbers, got {a.tolist()}")
    if len(a) < minimum:
        raise ValueError(f"{name} must hold at least {minimum} points, got {len(a)}")
    return a


def similarity_matrix(
    angle: float = 0.0, scale: float = 1.0, shift: Sequence[float] = (0.0, 0.0), centre: Sequence[float] = (0.0, 0.0)
) -> np.ndarray:
    """Rotate by ``angle`` degrees and scale by ``scale`` about ``centre``, then shift.

    The angle turns ``x`` towards ``y``: clockwise on screen, since ``y`` points down.

    Examples
    --------
    >>> m = similarity_matrix(90, 2.0, shift=(1, 0))
    >>> (m @ [1, 0, 1]).round(12)
    array([1., 2., 1.])
    """
    a = math.radians(angle)
    c, s = scale * math.cos(a), scale * math.sin(a)
    cx, cy = centre
    tx, ty = shift
    return np.array(
        [[c, -s, cx - c * cx + s * cy + tx], [s, c, cy - s * cx - c * cy + ty], [0.0, 0.0, 1.0]], dtype=np.float64
    )


def transform_parts(matrix: np.ndarray) -> tuple[float, float, float, float]:
    """Angle (degrees), scale, and shift of the origin, read from a similarity matrix.

    For an affine matrix the angle and scale are those of the nearest
    similarity (scale is the square root of the area ratio).

    Examples
    --------
    >>> [round(v, 6) for v in transform_parts(similarity_matrix(10, 1.5, shift=(3, -2)))]
    [10.0, 1.5, 3.0, -2.0]
    """
    m = np.asarray(matrix, dtype=np.float64)
    angle = math.degrees(math.atan2(m[1, 0] - m[0, 1], m[0, 0] + m[1, 1]))
    scale = math.sqrt(abs(np.linalg.det(m[:2, :2])))
    return angle, scale, float(m[0, 2]), float(m[1, 2])


def _spread(points: np.ndarray) -> float:
    """Root-mean-square distance of the points from their centroid."""
    return float(np.sqrt(np.mean(np.sum((points - points.mean(axis=0)) ** 2, axis=1))))


def align_transform(far_points: Any, near_points: Any, *, kind: str = "similarity") -> np.ndarray:
    """The transform that takes the far picture's points onto the near picture's.

    Parameters
    ----------
    far_points, near_points : array_like, shape (N, 2)
        The same places, ``(x, y)`` in each picture's own pixels (pixel
        centres at whole numbers), in the same order.
    kind : {"similarity", "affine"}
        ``"similarity"`` (rotation, one scale and a shift) needs 2 pairs;
        ``"affine"`` needs 3 that are not on one line.  More pairs are
        fitted by least squares.

    Returns
    -------
    ndarray, shape (3, 3)
        ``M`` with ``M @ (x, y, 1)`` a far pixel's place in the near picture.

    Raises
    ------
    ValueError
        On too few pairs, unequal counts, non-finite values, points that
        coincide (or lie on one line, for ``"affine"``).

    Examples
    --------
    Eyes at (10, 20) and (30, 20) in the far picture, at (50, 60) and (50, 100)
    in the near one: turn a quarter, scale 2, shift.

    >>> m = align_transform([(10, 20), (30, 20)], [(50, 60), (50, 100)])
    >>> [round(v, 6) for v in transform_parts(m)]
    [90.0, 2.0, 90.0, 40.0]
    >>> align_transform([(10, 20), (10, 20)], [(0, 0), (5, 5)])
    Traceback (most recent call last):
    ValueError: the far points coincide: give points at least a few pixels apart
    """
    kind = check_choice("kind", kind, tuple(KINDS))
    src = check_points("far points", far_points, KINDS[kind])
    dst = check_points("near points", near_points, KINDS[kind])
    if len(src) != len(dst):
        raise ValueError(f"give as many far points as near points, got {len(src)} and {len(dst)}")
    for name, p in (("far", src), ("near", dst)):
        if _spread(p) < 1e-6 * max(1.0, float(np.abs(p).max())):
            raise ValueError(f"the {name} points coincide: give points at least a few pixels apart")
    n = len(src)
    x, y = src[:, 0], src[:, 1]
    one, zero = np.ones(n), np.zeros(n)
    if kind == "similarity":  # x' = a x - b y + tx, y' = b x + a y + ty
        design = np.block([[np.stack([x, -y, one, zero], 1)], [np.stack([y, x, zero, one], 1)]])
        (a, b, tx, ty), *_ = np.linalg.lstsq(design, np.concatenate([dst[:, 0], dst[:, 1]]), rcond=None)
        return np.array([[a, -b, tx], [b, a, ty], [0.0, 0.0, 1.0]])
    design = np.stack([x, y, one], 1)
    for name, p in (("far", src), ("near", dst)):
        centred = p - p.mean(axis=0)
        singular = np.linalg.svd(centred, compute_uv=False)
        if singular[-1] < 1e-3 * singular[0]:
            raise ValueError(f"the {name} points lie on one line: an affine map needs 3 points that make a triangle")
    rows, *_ = np.linalg.lstsq(design, dst, rcond=None)
    return np.vstack([rows.T, [0.0, 0.0, 1.0]])


def apply_transform(matrix: np.ndarray, points: Any) -> np.ndarray:
    """Where ``matrix`` takes the (x, y) ``points``.

    Examples
    --------
    >>> apply_transform(similarity_matrix(shift=(1, 2)), [(0, 0), (3, 4)])
    array([[1., 2.],
           [4., 6.]])
    """
    p = check_points("points", points)
    return p @ np.asarray(matrix)[:2, :2].T + np.asarray(matrix)[:2, 2]


def _mirror(coordinate: np.ndarray, length: int) -> np.ndarray:
    """Reflect pixel coordinates into ``-0.5 .. length - 0.5`` (mirror at the picture's edges)."""
    period = 2.0 * length
    t = np.mod(coordinate + 0.5, period)
    return np.where(t > length, period - t, t) - 0.5


def warp(picture: np.ndarray, matrix: np.ndarray, shape: tuple[int, int], *, fill: str = "fade") -> np.ndarray:
    """Map ``picture`` through ``matrix`` onto an (H, W) canvas, resampled in linear light.

    Parameters
    ----------
    picture : ndarray, shape (h, w, 3), values in [0, 1]
    matrix : ndarray, shape (3, 3)
        From ``picture``'s pixels to the canvas's (see :func:`align_transform`).
    shape : (int, int)
        The canvas's (H, W).
    fill : {"fade", "mirror", "edge", "mean"}
        What the canvas shows where ``picture`` does not reach (see the module's notes).

    Returns
    -------
    ndarray of float64, shape (H, W, 3), values in [0, 1]

    Examples
    --------
    A shift by one pixel to the right, the new column mirrored from the edge:

    >>> ramp = np.tile(np.linspace(0, 1, 4)[None, :, None], (2, 1, 3))
    >>> warp(ramp, similarity_matrix(shift=(1, 0)), (2, 4), fill="mirror")[0, :, 0].round(3)
    array([0.   , 0.   , 0.333, 0.667])
    """
    picture = check_picture("picture", picture)
    fill = check_choice("fill", fill, FILLS)
    height, width = check_count("height", shape[0]), check_count("width", shape[1])
    m = np.asarray(matrix, dtype=np.float64)
    if m.shape != (3, 3) or not np.all(np.isfinite(m)) or abs(np.linalg.det(m[:2, :2])) < 1e-12:
        raise ValueError(f"matrix must be an invertible 3 x 3 transform, got {m.tolist()}")
    light = srgb_to_linear(picture)
    factor = int(1.0 / math.sqrt(abs(np.linalg.det(m[:2, :2]))))  # source pixels per canvas pixel, whole
    factor = min(factor, picture.shape[0], picture.shape[1])
    if factor >= 2:  # average blocks first, so that shrinking never aliases
        light = srgb_to_linear(shrink_linear(picture, factor))
        half = (factor - 1) / 2.0  # a block's centre in the original's pixels
        m = m @ np.array([[factor, 0.0, half], [0.0, factor, half], [0.0, 0.0, 1.0]])
    h, w = light.shape[:2]
    inverse = np.linalg.inv(m)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    sx = inverse[0, 0] * xs + inverse[0, 1] * ys + inverse[0, 2]
    sy = inverse[1, 0] * xs + inverse[1, 1] * ys + inverse[1, 2]
    beyond_x = np.maximum(np.maximum(-0.5 - sx, sx - (w - 0.5)), 0.0)
    beyond_y = np.maximum(np.maximum(-0.5 - sy, sy - (h - 0.5)), 0.0)
    if fill == "mirror":
        sx, sy = _mirror(sx, w), _mirror(sy, h)
    sx, sy = np.clip(sx, 0.0, w - 1.0), np.clip(sy, 0.0, h - 1.0)
    x0 = np.clip(np.floor(sx).astype(np.intp), 0, max(w - 2, 0))
    y0 = np.clip(np.floor(sy).astype(np.intp), 0, max(h - 2, 0))
    x1, y1 = np.minimum(x0 + 1, w - 1), np.minimum(y0 + 1, h - 1)
    fx, fy = (sx - x0)[..., None], (sy - y0)[..., None]
    top = light[y0, x0] * (1 - fx) + light[y0, x1] * fx
    bottom = light[y1, x0] * (1 - fx) + light[y1, x1] * fx
    out = top * (1 - fy) + bottom * fy
    if fill in ("fade", "mean"):
        distance = np.hypot(beyond_x, beyond_y)  # in the source's pixels, 0 inside it
        edge = np.exp(-distance / (FADE * max(h, w))) if fill == "fade" else (distance == 0).astype(np.float64)
        out = edge[..., None] * out + (1.0 - edge[..., None]) * light.reshape(-1, 3).mean(axis=0)
    return np.clip(linear_to_srgb(np.clip(out, 0.0, 1.0)), 0.0, 1.0)


def square_frame(shape: tuple[int, ...], points: Any = None) -> tuple[int, int, int]:
    """The largest square of an (H, W) picture: ``(left, top, side)``, centred on ``points`` if given.

    Without points it is the centre square (what :func:`~hybridnb.load_image`
    keeps); with points, the square slides along the long side to centre
    their mean (clamped to the picture), so a face off-centre in a wide photo
    is not cut.

    Examples
    --------
    >>> square_frame((300, 400)), square_frame((300, 400), [(30, 100), (60, 100)])
    ((50, 0, 300), (0, 0, 300))
    """
    h, w = int(shape[0]), int(shape[1])
    side = min(h, w)
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    if points is not None:
        cx, cy = check_points("points", points).mean(axis=0)
    left = int(min(max(round(cx - (side - 1) / 2.0), 0), w - side))
    top = int(min(max(round(cy - (side - 1) / 2.0), 0), h - side))
    return left, top, side


def frame_matrix(left: int, top: int, side: int, size: int) -> np.ndarray:
    """From a picture's pixels to a ``size``-pixel copy of its square ``(left, top, side)``.

    Examples
    --------
    >>> (frame_matrix(100, 0, 200, 100) @ [100.5, 0.5, 1]).tolist()  # the first 2 x 2 block
    [0.0, 0.0, 1.0]
    """
    k = size / side
    return np.array([[k, 0.0, k * (0.5 - left) - 0.5], [0.0, k, k * (0.5 - top) - 0.5], [0.0, 0.0, 1.0]])


@dataclass(frozen=True)
class AlignedPair:
    """Two pictures lined up in one square frame (what a hybrid is fitted to).

    Attributes
    ----------
    near, far : ndarray, shape (size, size, 3)
        The near picture's square (``frame``) resized, and the far picture
        mapped onto it.
    matrix : ndarray, shape (3, 3)
        From the far picture's pixels to the near picture's own (uncropped) pixels.
    frame : (int, int, int)
        ``(left, top, side)`` of the square kept from the near picture.
    """

    near: np.ndarray
    far: np.ndarray
    matrix: np.ndarray
    frame: tuple[int, int, int]


def aligned_pair(
    far: np.ndarray, near: np.ndarray, matrix: np.ndarray, size: int, *, near_points: Any = None, fill: str = "fade"
) -> AlignedPair:
    """The near picture's square at ``size`` pixels and the far picture mapped onto it by ``matrix``.

    The square is the largest one centred on ``near_points`` (see
    :func:`square_frame`), or the centre square without them.  The far
    picture is resampled once, straight into the square.

    Examples
    --------
    >>> near, far = np.full((40, 60, 3), 0.5), np.full((80, 80, 3), 0.25)
    >>> pair = aligned_pair(far, near, similarity_matrix(scale=0.5), 20, near_points=[(5, 10), (15, 10)])
    >>> pair.near.shape, pair.far.shape, pair.frame
    ((20, 20, 3), (20, 20, 3), (0, 0, 40))
    """
    near = check_picture("near", near)
    far = check_picture("far", far)
    size = check_count("size", size)
    left, top, side = square_frame(near.shape, near_points)
    near_square = resize(near[top : top + side, left : left + side], size)
    far_square = warp(far, frame_matrix(left, top, side, size) @ matrix, (size, size), fill=fill)
    return AlignedPair(near_square, far_square, np.asarray(matrix, dtype=np.float64), (left, top, side))


def align(
    far: np.ndarray,
    near: np.ndarray,
    far_points: Any = None,
    near_points: Any = None,
    *,
    kind: str = "similarity",
    fill: str = "fade",
) -> np.ndarray:
    """The far picture mapped onto the near picture's frame, so that the points meet.

    Parameters
    ----------
    far, near : ndarray, shape (h, w, 3) and (H, W, 3), values in [0, 1]
        Any sizes and shapes (:func:`~hybridnb.load_picture` reads a file
        without cropping it).
    far_points, near_points : array_like, shape (N, 2), or ``"auto"``
        The same places in each picture, ``(x, y)`` in its own pixels (see
        :func:`align_transform`).  ``"auto"`` (as ``far_points``, with no
        ``near_points``) finds the eyes of a face in each picture
        (:func:`~hybridnb.find_eyes`) and raises ``ValueError`` if either has none.
    kind : {"similarity", "affine"}
        2 pairs or more for ``"similarity"``, 3 or more for ``"affine"``.
    fill : {"fade", "mirror", "edge", "mean"}
        What shows where the far picture does not cover the near frame;
        ``"fade"`` (its edge fading into its mean colour: no seam, no copy)
        by default: see the module's notes.

    Returns
    -------
    ndarray of float64, shape (H, W, 3)
        The far picture in the near picture's pixels, resampled in linear light.

    Examples
    --------
    A picture shifted 5 pixels to the right is put back where it was:

    >>> import hybridnb as hn
    >>> near = hn.load_image("hopper", 64)
    >>> far = hn.align(near, near, [(0, 0), (10, 0)], [(5, 0), (15, 0)])  # far = near moved
    >>> bool(np.abs(far[:, 5:] - near[:, :-5]).max() < 1e-6)
    True
    """
    far = check_picture("far", far)
    near = check_picture("near", near)
    if isinstance(far_points, str):
        check_choice("far_points", far_points, ("auto",))
        if near_points is not None:
            raise ValueError("with far_points='auto' leave near_points out: both are found")
        from .faces import find_eyes

        far_points, near_points = find_eyes(far).points, find_eyes(near).points
    if far_points is None or near_points is None:
        raise ValueError("give far_points and near_points, or far_points='auto' to find the eyes")
    matrix = align_transform(far_points, near_points, kind=kind)
    return warp(far, matrix, near.shape[:2], fill=fill)
