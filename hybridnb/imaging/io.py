"""Reading and writing pictures: any file Pillow reads in, 8-bit PNG out."""

from __future__ import annotations

import io
import os
import re
import struct
import warnings
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..checks import check_count
from .files import write_file
from .samples import resolve_picture

PathOrBytes = str | os.PathLike | bytes | bytearray | memoryview | BinaryIO

#: Largest picture read, in pixels (width x height): 120 megapixels covers every
#: phone camera (108 MP modes included).  Larger ones are refused from their
#: header, before any pixel is decoded: a guard against decompression bombs
#: (a few kilobytes of PNG that claim gigabytes of pixels).
MAX_PIXELS = 120_000_000
#: Pictures above this many pixels are reduced in Pillow (8-bit box filter,
#: JPEG DCT scaling) to about twice the requested size before the float
#: conversion, so a 100 MP photo never becomes a 2.4 GB float64 array.
_REDUCE_ABOVE = 16_000_000

_LIMIT = (
    f"pictures of 1 to {MAX_PIXELS // 1_000_000} megapixels are read (a guard against decompression bombs): "
    "shrink it first"
)
_ADDRESS = re.compile(r"\s*<[^<>]* at 0x[0-9a-fA-F]+>")


def _label(source: PathOrBytes) -> str:
    """How messages name a picture: its path, its file's name, or 'the given data'."""
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    name = getattr(source, "name", None)
    return str(name) if isinstance(name, (str, os.PathLike)) else "the given data"


def _reason(error: BaseException) -> str:
    if isinstance(error, UnidentifiedImageError):
        return "not a picture format Pillow knows"
    return _ADDRESS.sub("", str(error)).strip() or type(error).__name__


def _open(source: PathOrBytes, label: str) -> Image.Image:
    """Open lazily (header only) and refuse pictures above :data:`MAX_PIXELS`."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        source = io.BytesIO(bytes(source))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # MAX_PIXELS decides
            image = Image.open(source)
    except FileNotFoundError:
        raise FileNotFoundError(f"no such picture: {label}") from None
    except IsADirectoryError:
        raise ValueError(f"{label} is a folder, not a picture") from None
    except Image.DecompressionBombError as error:
        pixels = re.search(r"\((\d+) pixels\)", str(error))
        count = f"{int(pixels.group(1)) / 1e6:.0f} megapixels" if pixels else "too many pixels"
        raise ValueError(f"{label} has {count}; {_LIMIT}") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise ValueError(f"cannot read {label} as a picture: {_reason(error)}") from None
    width, height = image.size
    if width * height > MAX_PIXELS or width < 1 or height < 1:
        image.close()
        raise ValueError(f"{label} is {width}x{height} pixels; {_LIMIT}")
    return image


def _decode(image: Image.Image, label: str, size: int | None, square: bool = True) -> Image.Image:
    """Decode the pixels: upright (EXIF), centre square (unless ``square`` is false), reduced when huge."""
    big = image.width * image.height > _REDUCE_ABOVE
    if big and size is not None and image.format == "JPEG":
        image.draft(image.mode, (2 * size, 2 * size))  # decode at 1/2, 1/4 or 1/8 scale
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as error:
        raise ValueError(f"cannot read {label} as a picture, it is truncated or damaged: {_reason(error)}") from None
    try:
        image = ImageOps.exif_transpose(image) or image
    except (OSError, SyntaxError, ValueError, KeyError, TypeError, struct.error):
        pass  # a damaged EXIF block: keep the pixels as stored rather than refuse them
    side = min(image.size) if square else max(image.size)
    if square:
        left, top = (image.width - side) // 2, (image.height - side) // 2
        image = image.crop((left, top, left + side, top + side))
    if big and size is not None and side >= 4 * size:
        try:
            image = image.reduce(side // (2 * size))
        except ValueError:  # a mode Pillow cannot reduce: the float path copes
            pass
    return image


def _to_float_rgb(image: Image.Image) -> np.ndarray:
    """Any Pillow mode -> float64 (H, W, 3) in [0, 1]; alpha dropped, grey expanded."""
    mode = image.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        a = np.asarray(image, dtype=np.float64)
        a = a / (65535.0 if a.max(initial=0) > 255 or mode.startswith("I;16") else 255.0)
    elif mode == "F":
        a = np.asarray(image, dtype=np.float64)
        if a.max(initial=0) > 1.0:
            a = a / 255.0
    elif mode == "1":
        a = np.asarray(image.convert("L"), dtype=np.float64) / 255.0
    else:
        if mode == "P":
            image = image.convert("RGBA")
        elif mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGB")  # CMYK, YCbCr, LAB, HSV, ...
        a = np.asarray(image, dtype=np.float64) / 255.0
        if a.ndim == 3 and a.shape[2] in (2, 4):
            a = a[..., :-1]  # drop alpha
    if a.ndim == 2:
        a = a[..., np.newaxis]
    if a.shape[2] == 1:
        a = np.repeat(a, 3, axis=2)
    return np.clip(a, 0.0, 1.0)


def centre_crop(image: np.ndarray) -> np.ndarray:
    """Crop an (H, W, ...) array to the largest centred square.

    Examples
    --------
    >>> import numpy as np
    >>> centre_crop(np.zeros((4, 6, 3))).shape
    (4, 4, 3)
    """
    h, w = image.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    return image[top : top + side, left : left + side]


def resize(image: np.ndarray, size: int | tuple[int, int]) -> np.ndarray:
    """Resample a float (H, W, 3) image to (size, size, 3), or to (height, width, 3), with Lanczos.

    Each channel is resampled in 32-bit float (no 8-bit rounding) and the
    Lanczos overshoot is clipped back to [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> resize(np.full((10, 10, 3), 0.25), 4).shape, resize(np.full((10, 20, 3), 0.25), (5, 10)).shape
    ((4, 4, 3), (5, 10, 3))
    """
    height, width = (size, size) if isinstance(size, int) else size
    if image.shape[0] == height and image.shape[1] == width:
        return image
    channels = [
        np.asarray(
            Image.fromarray(image[..., c].astype(np.float32)).resize((width, height), Image.Resampling.LANCZOS),
            dtype=np.float64,
        )
        for c in range(image.shape[2])
    ]
    return np.clip(np.stack(channels, axis=-1), 0.0, 1.0)


def load_image(path_or_bytes: PathOrBytes, size: int | None = 512) -> np.ndarray:
    """Load a picture as a float64 (size, size, 3) array in [0, 1].

    The picture is turned upright (EXIF orientation), centre-cropped to a
    square and resampled with Lanczos.  Alpha is dropped, grey is expanded to
    three channels, 16-bit pictures keep their precision.

    Parameters
    ----------
    path_or_bytes : str, path, bytes or binary file
        A PNG, JPEG or anything else Pillow reads, or the name of a bundled
        sample (``"hopper"``; an existing file of that name wins, see
        :func:`hybridnb.imaging.samples.resolve_picture`).
    size : int or None, optional
        Side of the result in pixels; ``None`` keeps the cropped size.

    Returns
    -------
    ndarray of float64, shape (size, size, 3)

    Raises
    ------
    FileNotFoundError
        If the path does not exist.
    ValueError
        If the data is not a picture, is truncated or damaged, is larger than
        :data:`MAX_PIXELS` (refused from its header, before decoding), or
        ``size`` is not a positive integer.  Messages name the file (or say
        "the given data" for bytes).

    Notes
    -----
    Every mode Pillow reads is accepted: 1-bit, grey, grey+alpha, palette
    (with transparency), RGB, RGBA, CMYK (JPEG), YCbCr, 16-bit and 32-bit
    integer and float.  A non-square picture keeps its centre square; a pair
    of pictures of different sizes and shapes comes out at the same ``size``.
    Pictures above 16 megapixels are reduced in Pillow to about twice
    ``size`` before the float conversion, which bounds the memory a phone
    photo takes.

    Examples
    --------
    >>> import hybridnb as hn
    >>> img = hn.load_image("cat", size=64)
    >>> img.shape, img.dtype, bool(0 <= img.min() and img.max() <= 1)
    ((64, 64, 3), dtype('float64'), True)
    """
    size = None if size is None else check_count("size", size)
    if isinstance(path_or_bytes, (str, os.PathLike)):
        path_or_bytes = resolve_picture(path_or_bytes)
    label = _label(path_or_bytes)
    with _open(path_or_bytes, label) as image:
        array = _to_float_rgb(_decode(image, label, size))
    return array if size is None else resize(array, size)


def load_picture(path_or_bytes: PathOrBytes, max_side: int | None = None) -> np.ndarray:
    """Load a picture as it is, not cropped: a float64 (H, W, 3) array in [0, 1].

    What :func:`load_image` does (upright, every mode, the same guards and
    messages) without the centre square, for alignment
    (:func:`~hybridnb.align`), where each picture keeps its own frame and
    points are given in its own pixels.

    Parameters
    ----------
    path_or_bytes : str, path, bytes or binary file
        As for :func:`load_image` (a bundled sample's name works too).
    max_side : int or None, optional
        Shrink (Lanczos, keeping the shape) so that the long side is at most
        this; ``None`` keeps every pixel.

    Examples
    --------
    >>> import io, numpy as np
    >>> from PIL import Image
    >>> buffer = io.BytesIO(); Image.new("RGB", (60, 40), "white").save(buffer, "PNG")
    >>> load_picture(buffer.getvalue()).shape, load_picture(buffer.getvalue(), max_side=30).shape
    ((40, 60, 3), (20, 30, 3))
    """
    max_side = None if max_side is None else check_count("max_side", max_side)
    if isinstance(path_or_bytes, (str, os.PathLike)):
        path_or_bytes = resolve_picture(path_or_bytes)
    label = _label(path_or_bytes)
    with _open(path_or_bytes, label) as image:
        array = _to_float_rgb(_decode(image, label, max_side, square=False))
    h, w = array.shape[:2]
    if max_side is None or max(h, w) <= max_side:
        return array
    k = max_side / max(h, w)
    return resize(array, (max(1, round(h * k)), max(1, round(w * k))))


def to_uint8(image: np.ndarray) -> np.ndarray:
    """Float image in [0, 1] -> uint8 (H, W, 3), rounding to nearest.

    A leading batch axis of length 1 and a trailing grey axis are accepted.

    Raises
    ------
    ValueError
        On NaN or a shape that is not a picture.

    Examples
    --------
    >>> import numpy as np
    >>> to_uint8(np.array([[[0.0, 0.5, 1.0]]]))
    array([[[  0, 128, 255]]], dtype=uint8)
    """
    a = np.asarray(image, dtype=np.float64)
    if a.ndim == 4 and a.shape[0] == 1:
        a = a[0]
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (3, 4)):
        raise ValueError(f"expected an (H, W, 3) picture, got shape {np.shape(image)}")
    if np.isnan(a).any():
        raise ValueError("the picture contains NaN")
    return np.round(np.clip(a, 0.0, 1.0) * 255.0).astype(np.uint8)


def encode_image(image: np.ndarray, fmt: str = "PNG") -> bytes:
    """Encode a float picture in [0, 1] as 8-bit ``fmt`` bytes (PNG by default).

    Examples
    --------
    >>> encode_image(np.zeros((4, 4, 3)))[:4]
    b'\\x89PNG'
    """
    buffer = io.BytesIO()
    Image.fromarray(to_uint8(image)).save(buffer, format=fmt)
    return buffer.getvalue()


def save_image(image: np.ndarray, path: str | os.PathLike, *, overwrite: bool = True, beside: bool = False) -> Path:
    """Save a float image in [0, 1] as an 8-bit PNG (values outside are clipped).

    The file is written whole or not at all (:func:`hybridnb.imaging.files.write_file`:
    a temporary file beside ``path``, moved into place), so an error (a full
    disk, Ctrl-C) never leaves half a PNG, nor destroys the file that was there.

    Parameters
    ----------
    image : array_like, shape (H, W, 3), (1, H, W, 3) or (H, W)
    path : str or path
        Where to write; the format follows the suffix (PNG if none is given).
    overwrite : bool, optional
        Replace an existing file (default).  With ``False`` an existing file
        raises ``FileExistsError`` and is left untouched (checked atomically).
    beside : bool, optional
        With ``overwrite=False``: when ``path`` exists, write to the first free
        ``stem-1``, ``stem-2``, ... beside it instead of raising.

    Returns
    -------
    Path
        The path written.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> import hybridnb as hn
    >>> path = os.path.join(tempfile.mkdtemp(), "grey.png")
    >>> hn.save_image(np.full((8, 8, 3), 0.5), path).name
    'grey.png'
    >>> float(hn.load_image(path, size=None)[0, 0, 0])
    0.5019607843137255
    >>> hn.save_image(np.zeros((8, 8, 3)), path, overwrite=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    FileExistsError: ... exists
    >>> hn.save_image(np.zeros((8, 8, 3)), path, overwrite=False, beside=True).name
    'grey-1.png'
    """
    path = Path(path)
    fmt = Image.registered_extensions().get(path.suffix.lower(), "PNG") if path.suffix else "PNG"
    return write_file(encode_image(image, fmt), path, overwrite=overwrite, beside=beside)
