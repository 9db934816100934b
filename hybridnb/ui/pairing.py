"""Two pictures into one square frame: the centre crop, or alignment by points or by eyes.

What the command line (``--align auto``, ``--align-points``) and the panel's
alignment box share:

- :class:`PointPairs`: matching points on the near and the far picture, with
  the size of the pictures they were given on, and their text and JSON forms.
  The JSON is what the panel exports and ``--align-points FILE.json`` reads::

      {"format": "hybridnb-alignment-1", "kind": "similarity",
       "near": {"size": [640, 480], "points": [[210.0, 180.5], [300.0, 178.0]]},
       "far": {"size": [512, 512], "points": [[220.0, 190.0], [305.0, 188.0]]}}

  Points are ``(x, y)`` in the picture's own pixels (pixel centres at whole
  numbers); on a picture of another size with the same shape (a copy
  shrunk or enlarged) they are scaled to it.
- :func:`load_pair`: reads both pictures and returns them at the hybrid's
  size, lined up, with one line per thing it did that the user should know
  (a centre crop, the transform used, the eyes found).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ..checks import check_choice
from ..filters.align import KINDS, align_transform, aligned_pair, check_points, transform_parts
from ..imaging.io import load_image, load_picture
from ..imaging.samples import resolve_picture

#: Name and version of the JSON form of :class:`PointPairs`.
FORMAT = "hybridnb-alignment-1"
#: Longest side the pictures are read at for alignment, in multiples of the hybrid's size.
READ_SIDE = 4

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_POINT = re.compile(rf"^\s*\(?\s*({_NUMBER})\s*,\s*({_NUMBER})\s*\)?\s*$")


def _parse_side(text: str, side: str) -> np.ndarray:
    """``"x1,y1 x2,y2"`` -> an (N, 2) array; ValueError naming the bad piece."""
    pieces = re.findall(r"\(?[^\s()]+\)?", text.strip())
    if not pieces:
        raise ValueError(f"no {side} points: write them as x,y pairs, e.g. '210,180 300,178'")
    points = []
    for piece in pieces:
        match = _POINT.match(piece)
        if match is None:
            raise ValueError(f"cannot read {piece!r} as a {side} point: write x,y (two numbers and a comma)")
        points.append((float(match.group(1)), float(match.group(2))))
    return np.array(points)


@dataclass(frozen=True)
class PointPairs:
    """Matching points on the near and the far picture.

    Attributes
    ----------
    near, far : ndarray, shape (N, 2)
        ``(x, y)`` of the same places, in the same order.
    kind : {"similarity", "affine"}
    near_size, far_size : (int, int) or None
        ``(width, height)`` of the pictures the points were given on (None:
        the pictures' own size).

    Examples
    --------
    >>> pairs = PointPairs.parse("210,180 300,178 : 220,190 305,188")
    >>> pairs.kind, pairs.near.tolist(), pairs.far.tolist()
    ('similarity', [[210.0, 180.0], [300.0, 178.0]], [[220.0, 190.0], [305.0, 188.0]])
    >>> PointPairs.from_json(pairs.to_json()).far.tolist()
    [[220.0, 190.0], [305.0, 188.0]]
    """

    near: np.ndarray
    far: np.ndarray
    kind: str = "similarity"
    near_size: tuple[int, int] | None = field(default=None)
    far_size: tuple[int, int] | None = field(default=None)

    def __post_init__(self) -> None:
        kind = check_choice("kind", self.kind, tuple(KINDS))
        near = check_points("near points", self.near, KINDS[kind])
        far = check_points("far points", self.far, KINDS[kind])
        if len(near) != len(far):
            raise ValueError(f"give as many near points as far points, got {len(near)} and {len(far)}")
        object.__setattr__(self, "near", near)
        object.__setattr__(self, "far", far)
        self.transform()  # coincident points, points on a line: say so now

    @classmethod
    def parse(cls, text: str) -> PointPairs:
        """Read ``"x1,y1 x2,y2 : X1,Y1 X2,Y2"``: near points, a colon, far points.

        Two pairs make a similarity (turn, scale, shift), three or more an
        affine map.

        Examples
        --------
        >>> PointPairs.parse("0,0 10,0 0,10 : 1,1 11,1 1,11").kind
        'affine'
        >>> PointPairs.parse("0,0 10,0 : 1,1")
        Traceback (most recent call last):
        ValueError: give as many near points as far points, got 2 and 1
        """
        sides = text.split(":")
        if len(sides) != 2:
            raise ValueError("write the points as 'x1,y1 x2,y2 : X1,Y1 X2,Y2' (near points, a colon, far points)")
        near, far = (_parse_side(t, s) for t, s in zip(sides, ("near", "far"), strict=True))
        if len(near) != len(far):
            raise ValueError(f"give as many near points as far points, got {len(near)} and {len(far)}")
        return cls(near, far, "affine" if len(near) >= 3 else "similarity")

    @classmethod
    def from_json(cls, text: str) -> PointPairs:
        """Read the panel's JSON form (see the module's notes)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"the points file is not JSON: {error}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"the points file is not a hybridnb alignment (its 'format' must be {FORMAT!r})")
        sides = {}
        for side in ("near", "far"):
            entry = data.get(side)
            if not isinstance(entry, dict) or "points" not in entry:
                raise ValueError(f"the points file has no {side!r} entry with 'points'")
            size = entry.get("size")
            if size is not None and not (
                isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and v > 0 for v in size)
            ):
                raise ValueError(f"the {side} 'size' in the points file must be [width, height], got {size!r}")
            sides[side] = (entry["points"], None if size is None else tuple(size))
        return cls(sides["near"][0], sides["far"][0], data.get("kind", "similarity"), sides["near"][1], sides["far"][1])

    @classmethod
    def read(cls, spec: str) -> PointPairs:
        """Points from the command line: a JSON file's name, or the text form."""
        path = Path(spec).expanduser()
        if spec.strip().lower().endswith(".json") or path.is_file():
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise ValueError(f"no such points file: {spec}") from None
            except (OSError, UnicodeDecodeError) as error:
                raise ValueError(f"cannot read the points file {spec}: {error}") from None
            return cls.from_json(text)
        return cls.parse(spec)

    def to_json(self) -> str:
        """The JSON form (what the panel exports)."""
        data = {"format": FORMAT, "kind": self.kind}
        for side, points, size in (("near", self.near, self.near_size), ("far", self.far, self.far_size)):
            entry: dict[str, Any] = {"points": [[round(float(x), 2), round(float(y), 2)] for x, y in points]}
            if size is not None:
                entry["size"] = [int(size[0]), int(size[1])]
            data[side] = entry
        return json.dumps(data, indent=1)

    def transform(self) -> np.ndarray:
        """From the far picture's pixels to the near picture's (:func:`~hybridnb.align_transform`)."""
        return align_transform(self.far, self.near, kind=self.kind)

    def on(self, near_size: tuple[int, int], far_size: tuple[int, int]) -> PointPairs:
        """These points on pictures of ``(width, height)`` ``near_size`` and ``far_size``.

        Scaled when the points were given on a copy of another size;
        ValueError when the shapes differ or a point falls outside.

        Examples
        --------
        >>> pairs = PointPairs([(10, 10), (30, 10)], [(5, 5), (15, 5)], near_size=(40, 20), far_size=(20, 20))
        >>> pairs.on((80, 40), (20, 20)).near.tolist()
        [[20.5, 20.5], [60.5, 20.5]]
        """
        scaled = {}
        for side, points, given, size in (
            ("near", self.near, self.near_size, near_size),
            ("far", self.far, self.far_size, far_size),
        ):
            width, height = size
            if given is not None and tuple(given) != (width, height):
                kx, ky = width / given[0], height / given[1]
                if abs(kx / ky - 1) > 0.02:
                    raise ValueError(
                        f"the {side} points were given on a {given[0]}x{given[1]} picture, "
                        f"but the {side} picture is {width}x{height}"
                    )
                points = (points + 0.5) * (kx, ky) - 0.5
            for number, (x, y) in enumerate(points, 1):
                if not (-0.5 <= x <= width - 0.5 and -0.5 <= y <= height - 0.5):
                    raise ValueError(
                        f"{side} point {number} ({x:g}, {y:g}) is outside the {side} picture ({width}x{height} pixels)"
                    )
            scaled[side] = points
        return PointPairs(scaled["near"], scaled["far"], self.kind, tuple(near_size), tuple(far_size))


def describe_transform(matrix: np.ndarray) -> str:
    """The far picture's move in words.

    Examples
    --------
    >>> from hybridnb.filters.align import similarity_matrix
    >>> describe_transform(similarity_matrix(-3.14159, 1.5, shift=(10, -4)))
    'turned -3.1°, scaled ×1.50, shifted by (10, -4) px'
    """
    angle, scale, tx, ty = transform_parts(matrix)
    return f"turned {angle:.1f}°, scaled ×{scale:.2f}, shifted by ({tx:.0f}, {ty:.0f}) px"


def picture_size(source: Any) -> tuple[int, int]:
    """``(width, height)`` of a picture file or sample as it is shown (EXIF orientation applied), from its header."""
    path = resolve_picture(source) if isinstance(source, (str, os.PathLike)) else source
    try:
        with Image.open(path) as image:
            width, height = image.size
            turned = image.getexif().get(0x0112, 1) in (5, 6, 7, 8)  # EXIF orientation: a quarter turn
    except Exception:  # load_image/load_picture say what is wrong with it
        return (0, 0)
    return (height, width) if turned else (width, height)


@dataclass(frozen=True)
class Pair:
    """The two pictures at the hybrid's size, lined up, and what was done to them."""

    near: np.ndarray
    far: np.ndarray
    notes: tuple[str, ...]


def _cropped_note(role: str, label: str, size: tuple[int, int]) -> str | None:
    width, height = size
    if width == height or 0 in size:
        return None
    side = min(width, height)
    return (
        f"{role} {label} is {width}x{height}: kept its centre {side}x{side} square "
        "(--align-points or --align auto line the pictures up instead)"
    )


def _scaling(k: float) -> np.ndarray:
    """From a picture's pixels to those of a copy ``k`` times as large (pixel centres kept)."""
    return np.array([[k, 0.0, 0.5 * k - 0.5], [0.0, k, 0.5 * k - 0.5], [0.0, 0.0, 1.0]])


def load_pair(near: Any, far: Any, size: int, *, points: PointPairs | None = None, auto: bool = False) -> Pair:
    """Read the near and far pictures at ``size`` pixels, lined up by ``points``, by their eyes, or centre-cropped.

    Parameters
    ----------
    near, far : str or path
        Picture files or sample names.
    size : int
        Side of the hybrid.
    points : PointPairs, optional
        Matching points, in each file's own pixels.
    auto : bool, optional
        Find the eyes in both pictures (:func:`~hybridnb.find_eyes`).

    Raises
    ------
    FileNotFoundError, ValueError
        A picture that cannot be read, points that do not fit, no face found.

    Examples
    --------
    >>> pair = load_pair("hopper", "astronaut", 32)
    >>> pair.near.shape, pair.far.shape, pair.notes
    ((32, 32, 3), (32, 32, 3), ())
    """
    if points is None and not auto:
        notes = [_cropped_note(role, str(name), picture_size(name)) for role, name in (("NEAR", near), ("FAR", far))]
        return Pair(load_image(near, size=size), load_image(far, size=size), tuple(n for n in notes if n))
    pictures, originals, reads = {}, {}, {}
    for role, name in (("near", near), ("far", far)):
        pictures[role] = load_picture(name, max_side=READ_SIDE * size)
        reads[role] = (pictures[role].shape[1], pictures[role].shape[0])
        header = picture_size(name)
        originals[role] = header if 0 not in header else reads[role]
    notes = []
    if auto:
        from ..filters.faces import find_eyes

        found = {}
        for role, name in (("near", near), ("far", far)):
            try:
                found[role] = find_eyes(pictures[role])
            except ValueError as error:
                raise ValueError(f"{role.upper()} {name}: {error}") from None
            shown = found[role].describe(scale=originals[role][0] / reads[role][0])
            notes.append(f"{role.upper()} {name}: {shown}")
        pairs = PointPairs(found["near"].points, found["far"].points, "similarity", reads["near"], reads["far"])
    else:
        pairs = points.on(originals["near"], originals["far"]).on(reads["near"], reads["far"])
    matrix = pairs.transform()
    pair = aligned_pair(pictures["far"], pictures["near"], matrix, size, near_points=pairs.near)
    how = "their eyes" if auto else f"{len(pairs.near)} point pairs ({pairs.kind})"
    to_read = {role: _scaling(reads[role][0] / originals[role][0]) for role in ("near", "far")}
    in_files = np.linalg.inv(to_read["near"]) @ matrix @ to_read["far"]
    notes.append(f"lined FAR up with NEAR by {how}: FAR {describe_transform(in_files)}")
    if reads["near"][0] != reads["near"][1]:
        k = originals["near"][0] / reads["near"][0]
        left, top, side = (round(v * k) for v in pair.frame)
        notes.append(f"kept NEAR's {side}x{side} square from ({left}, {top}), around the points")
    return Pair(pair.near, pair.far, tuple(notes))
