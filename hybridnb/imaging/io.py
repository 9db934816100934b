"""Reading and writing pictures: the raster formats hybridnb means to read in, 8-bit pictures out.

:func:`load_image` opens only the formats of :data:`READ_FORMATS` (raster
formats Pillow decodes in its own process: no PostScript, PDF or anything
else that would start another program), refuses decompression bombs from
their header, and decodes with :mod:`hybridnb.imaging.decode` (every mode,
16-bit precision, ICC profiles to sRGB, memory bounded by bands).
:func:`save_image` writes the formats of
:data:`hybridnb.imaging.output.OUTPUT_FORMATS`, whole or not at all.
"""

from __future__ import annotations

import io
import math
import os
import re
import struct
import warnings
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, UnidentifiedImageError

from ..checks import check_count
from .decode import decode
from .files import shown, write_file
from .output import output_format
from .samples import resolve_picture

PathOrBytes = str | os.PathLike | bytes | bytearray | memoryview | BinaryIO

#: Largest picture read, in pixels (width x height): 120 megapixels covers every
#: phone camera (108 MP modes included).  Larger ones are refused from their
#: header, before any pixel is decoded: a guard against decompression bombs
#: (a few kilobytes of PNG that claim gigabytes of pixels).  It also bounds
#: the ``size`` asked for: at most ``isqrt(MAX_PIXELS)`` (10954) pixels a side.
MAX_PIXELS = 120_000_000
#: Largest ``size`` of :func:`load_image`.
MAX_SIZE = math.isqrt(MAX_PIXELS)
#: Pictures above this many pixels are box-reduced (band by band, in every
#: mode; JPEGs by DCT scaling while decoding) to about twice the requested
#: size before the Lanczos resampling, so a 100 MP photo never becomes a
#: 2.4 GB float64 array.
_REDUCE_ABOVE = 16_000_000

#: The formats :func:`load_image` opens (Pillow's names): raster formats that
#: Pillow decodes itself.  Pillow's EPS reader would run Ghostscript, a
#: PostScript interpreter, on the file; it and every other format not listed
#: are refused before anything is decoded.
READ_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "DIB", "TIFF", "WEBP", "PPM", "TGA", "AVIF")
_READABLE = "PNG, JPEG, GIF, BMP, TIFF, WebP, PPM/PGM/PBM, TGA or AVIF"

#: What a refused file most likely is, by its first bytes (for the message).
_KNOWN_REFUSED = (
    (b"%!PS", "PostScript/EPS"),
    (b"\xc5\xd0\xd3\xc6", "EPS"),
    (b"%PDF", "PDF"),
    (b"8BPS", "Photoshop (PSD)"),
    (b"<?xml", "XML (an SVG?)"),
    (b"<svg", "SVG"),
)

_LIMIT = (
    f"pictures of 1 to {MAX_PIXELS // 1_000_000} megapixels are read (a guard against decompression bombs): "
    "shrink it first"
)
_ADDRESS = re.compile(r"\s*<[^<>]* at 0x[0-9a-fA-F]+>")


def _label(source: PathOrBytes) -> str:
    """How messages name a picture: its path, its file's name, or 'the given data'."""
    if isinstance(source, (str, os.PathLike)):
        return shown(source)
    name = getattr(source, "name", None)
    return shown(name) if isinstance(name, (str, os.PathLike)) else "the given data"


def _reason(error: BaseException) -> str:
    if isinstance(error, UnidentifiedImageError):
        return f"not a picture format hybridnb reads ({_READABLE})"
    return _ADDRESS.sub("", str(error)).strip() or type(error).__name__


def check_size(size) -> int | None:
    """``size`` for :func:`load_image`: None, or a whole number from 1 to :data:`MAX_SIZE`.

    Examples
    --------
    >>> check_size(64), check_size(None), check_size(np.int64(8))
    (64, None, 8)
    >>> check_size(10**30)
    Traceback (most recent call last):
    ValueError: size must be at most 10954 (pictures of at most 120 megapixels), got 1000000000000000000000000000000
    """
    if size is None:
        return None
    size = check_count("size", size)
    if size > MAX_SIZE:
        raise ValueError(f"size must be at most {MAX_SIZE} (pictures of at most {MAX_PIXELS // 1_000_000} megapixels), "
                         f"got {size}")  # fmt: skip
    return size


def _source(path_or_bytes: PathOrBytes) -> PathOrBytes:
    """A path (a sample's name resolved), bytes as a file, or a binary file; ValueError for anything else."""
    if isinstance(path_or_bytes, (str, os.PathLike)):
        return resolve_picture(path_or_bytes)
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(path_or_bytes))
    if callable(getattr(path_or_bytes, "read", None)):
        return path_or_bytes
    kind = type(path_or_bytes).__name__
    hint = " (an array is a picture already: no need to load it)" if hasattr(path_or_bytes, "shape") else ""
    raise ValueError(f"load_image takes a file path, a sample's name, bytes or a binary file, got {kind}{hint}")


def _head(source: PathOrBytes, start: int | None) -> bytes:
    """The first bytes of ``source`` (for the message about a refused format), or b""."""
    try:
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as file:
                return file.read(16)
        where = source.tell()
        try:
            source.seek(start or 0)
            return source.read(16)
        finally:
            source.seek(where)
    except (OSError, ValueError, AttributeError):
        return b""


def _refused(source: PathOrBytes, start: int | None, label: str, error: BaseException) -> ValueError:
    head = _head(source, start).lstrip()
    for magic, what in _KNOWN_REFUSED:
        if head.startswith(magic):
            return ValueError(f"cannot read {label} as a picture: it is {what}, which hybridnb does not read "
                              f"(it reads {_READABLE})")  # fmt: skip
    return ValueError(f"cannot read {label} as a picture: {_reason(error)}")


def _open(source: PathOrBytes, label: str, start: int | None = None) -> Image.Image:
    """Open lazily (header only), only :data:`READ_FORMATS`, and refuse pictures above :data:`MAX_PIXELS`.

    ``start`` is where a file object's picture begins.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # MAX_PIXELS decides
            image = Image.open(source, formats=READ_FORMATS)
    except FileNotFoundError:
        raise FileNotFoundError(f"no such picture: {label}") from None
    except IsADirectoryError:
        raise ValueError(f"{label} is a folder, not a picture") from None
    except Image.DecompressionBombError as error:
        pixels = re.search(r"\((\d+) pixels\)", str(error))
        count = f"{int(pixels.group(1)) / 1e6:.0f} megapixels" if pixels else "too many pixels"
        raise ValueError(f"{label} has {count}; {_LIMIT}") from None
    except UnidentifiedImageError as error:
        raise _refused(source, start, label, error) from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ValueError(f"cannot read {label} as a picture: {_reason(error)}") from None
    width, height = image.size
    if width * height > MAX_PIXELS or width < 1 or height < 1:
        image.close()
        raise ValueError(f"{label} is {width}x{height} pixels; {_LIMIT}")
    return image


def _reopener(source: PathOrBytes, start: int | None):
    """A function opening ``source`` again from its start (for a second decoding)."""

    def reopen() -> Image.Image:
        if start is not None:
            source.seek(start)
        return Image.open(source, formats=READ_FORMATS)

    return reopen


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

    The picture is turned upright (EXIF orientation), converted to sRGB
    from its ICC profile if it has one, centre-cropped to a square and
    resampled with Lanczos.  Alpha is dropped, grey is expanded to three
    channels, 16-bit pictures keep their precision.

    Parameters
    ----------
    path_or_bytes : str, path, bytes or binary file
        A picture in one of :data:`READ_FORMATS` (PNG, JPEG, GIF, BMP, TIFF,
        WebP, PPM, TGA, AVIF), or the name of a bundled sample (``"hopper"``:
        a bare sample name always means the sample, write ``"./hopper"`` for
        a file of that name; see :func:`hybridnb.imaging.samples.resolve_picture`).
    size : int or None, optional
        Side of the result in pixels, from 1 to :data:`MAX_SIZE`; ``None``
        keeps the cropped size.

    Returns
    -------
    ndarray of float64, shape (size, size, 3)

    Raises
    ------
    FileNotFoundError
        If the path does not exist.
    ValueError
        If the data is not a picture in one of :data:`READ_FORMATS` (EPS,
        PDF and other formats that need another program are refused before
        anything is decoded), is truncated or damaged, is larger than
        :data:`MAX_PIXELS` (refused from its header, before decoding), if
        ``size`` is not a whole number from 1 to :data:`MAX_SIZE`, or if
        ``path_or_bytes`` is neither a path, bytes nor a binary file.
        Messages name the file (or say "the given data" for bytes).

    Notes
    -----
    Every mode these formats hold is accepted: 1-bit, grey, grey+alpha,
    palette (with transparency), RGB, RGBA, CMYK, YCbCr, LAB, 16-bit grey
    and colour, 32-bit integer and float.  Integers are scaled by the range
    of their type (16-bit by 65535, signed 32-bit TIFFs by 2**31 - 1), float
    pictures are taken as values in [0, 1].  A non-square picture keeps its
    centre square; a pair of pictures of different sizes and shapes comes
    out at the same ``size``.  The float conversion runs in bands of rows,
    and pictures above 16 megapixels are box-reduced to about twice
    ``size`` first, so the memory a picture takes is bounded for every
    mode (:mod:`hybridnb.imaging.decode`).

    Examples
    --------
    >>> import hybridnb as hn
    >>> img = hn.load_image("cat", size=64)
    >>> img.shape, img.dtype, bool(0 <= img.min() and img.max() <= 1)
    ((64, 64, 3), dtype('float64'), True)
    """
    size = check_size(size)
    array = _read(path_or_bytes, size, square=True)
    return array if size is None else resize(array, size)


def load_picture(path_or_bytes: PathOrBytes, max_side: int | None = None) -> np.ndarray:
    """Load a picture as it is, not cropped: a float64 (H, W, 3) array in [0, 1].

    What :func:`load_image` does (upright, every mode, colour profiles, the
    same guards and messages) without the centre square, for alignment
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
    array = _read(path_or_bytes, max_side, square=False)
    h, w = array.shape[:2]
    if max_side is None or max(h, w) <= max_side:
        return array
    k = max_side / max(h, w)
    return resize(array, (max(1, round(h * k)), max(1, round(w * k))))


def _read(path_or_bytes: PathOrBytes, size: int | None, *, square: bool) -> np.ndarray:
    """Open, decode and convert a picture: its centre square or the whole of it (see :func:`load_image`)."""
    source = _source(path_or_bytes)
    label = _label(source if not isinstance(path_or_bytes, (bytes, bytearray, memoryview)) else path_or_bytes)
    start = None if isinstance(source, (str, os.PathLike)) else _tell(source)
    with _open(source, label, start) as image:
        big = image.width * image.height > _REDUCE_ABOVE
        if big and size is not None and image.format == "JPEG":
            image.draft(image.mode, (2 * size, 2 * size))  # decode at 1/2, 1/4 or 1/8 scale
        reopen = _reopener(source, start)
        try:
            return decode(image, reopen).read(size, reduce=big, square=square)
        except (OSError, SyntaxError, ValueError, EOFError, MemoryError, struct.error) as error:
            why = _reason(error)
            raise ValueError(f"cannot read {label} as a picture, it is truncated or damaged: {why}") from None


def _tell(source) -> int | None:
    try:
        return source.tell()
    except (OSError, AttributeError, ValueError):
        return None


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


def encode_image(image: np.ndarray, fmt: str = "PNG", **options) -> bytes:
    """Encode a float picture in [0, 1] as 8-bit ``fmt`` bytes (PNG by default); ``options`` go to Pillow.

    Examples
    --------
    >>> encode_image(np.zeros((4, 4, 3)))[:4]
    b'\\x89PNG'
    """
    buffer = io.BytesIO()
    Image.fromarray(to_uint8(image)).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def save_image(image: np.ndarray, path: str | os.PathLike, *, overwrite: bool = True, beside: bool = False) -> Path:
    """Save a float image in [0, 1] as an 8-bit PNG (values outside are clipped).

    The file is written whole or not at all (:func:`hybridnb.imaging.files.write_file`:
    a temporary file beside ``path``, moved into place), so an error (a full
    disk, Ctrl-C) never leaves half a PNG, nor destroys the file that was there.
    Only regular files are ever replaced (never a device, a pipe or a
    folder); a symbolic link is followed to the file it points to, whose
    permission bits are kept.

    Parameters
    ----------
    image : array_like, shape (H, W, 3), (1, H, W, 3) or (H, W)
    path : str or path
        Where to write; the format follows the suffix, one of
        :data:`hybridnb.imaging.output.OUTPUT_FORMATS` (PNG if none is given;
        ``.jpg`` and ``.gif`` lose detail).
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

    Raises
    ------
    ValueError
        For a suffix hybridnb does not write (before anything is encoded),
        or a ``path`` that is not a file to write
        (:func:`hybridnb.imaging.files.writable_target`).
    FileExistsError
        See ``overwrite``.
    OSError
        If the disk fails (nothing is left behind).

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
    fmt = output_format(path)  # refused before the encoding: an unknown suffix
    return write_file(encode_image(image, fmt.name, **fmt.options), path, overwrite=overwrite, beside=beside)
