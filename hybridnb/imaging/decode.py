"""From an opened Pillow picture to float64 RGB in [0, 1]: every mode, full precision, sRGB, bounded memory.

:func:`decode` turns a picture that Pillow has opened (header only) into a
:class:`Decoded` picture, whose :meth:`Decoded.square` gives the float
(side, side, 3) array of its centre square.  Four promises hold for every
mode Pillow reads:

- **Precision**: 16-bit pictures keep 16 bits, grey or colour.  Pillow holds
  16-bit RGB(A) only as 8-bit, so those are decoded twice, once for the high
  and once for the low byte of each value (the decoder's other byte order;
  the same unfiltering), and put together here.  Integer pictures are
  scaled by the range of their type (65535 for 16 bits, 2**31 - 1 for
  signed 32-bit TIFFs), never by their own largest value; float pictures
  are taken as values in [0, 1].
- **Colour**: an embedded ICC profile (PNG, JPEG, TIFF, WebP) is converted to
  sRGB with LittleCMS (Pillow's ``ImageCms``), so a picture stored in linear
  light, Display P3, Adobe RGB or CMYK loads with the values it shows.  A
  standard sRGB profile (:data:`SRGB_NAMES`) is taken as it is; one that cannot be
  read, or that does not fit the picture's mode, is ignored.  LittleCMS
  works on 8-bit data here, so a 16-bit picture *with a profile other than
  sRGB* is converted at 8-bit precision.
- **Memory**: the float conversion works in bands of rows, so its memory is
  bounded by :data:`BAND_PIXELS` and the output, whatever the mode (a
  palette, 1-bit or 16-bit picture needs no more than an 8-bit RGB one);
  large pictures are box-reduced band by band (in
  Pillow for 8-bit data, in float for 16-bit data) to about twice the size
  asked for.
- **Orientation**: the EXIF orientation is applied (a damaged EXIF block
  keeps the pixels as stored).
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageCms

#: Pixels converted to float at a time (about 96 MB of float64 RGB).
BAND_PIXELS = 4_000_000

#: High byte / low byte decodings of Pillow's 16-bit RGB(A) raw modes.
_LOW_BYTE = {
    "RGB;16B": "RGB;16L",
    "RGB;16L": "RGB;16B",
    "RGBA;16B": "RGBA;16L",
    "RGBA;16L": "RGBA;16B",
    "RGBX;16B": "RGBX;16L",
    "RGBX;16L": "RGBX;16B",
}
_LOW_BYTE["RGB;16N"] = _LOW_BYTE["RGB;16L" if struct.pack("=H", 1)[0] else "RGB;16B"]
_LOW_BYTE["RGBA;16N"] = _LOW_BYTE["RGBA;16L" if struct.pack("=H", 1)[0] else "RGBA;16B"]
#: Grey + alpha at 16 bits, which Pillow holds as 8-bit RGBA: the raw bytes, read as RGBA.
_GREY_ALPHA_16 = ("LA;16B",)

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
#: Names of the standard sRGB profiles (cameras, browsers, LittleCMS): taken as sRGB without a conversion.
SRGB_NAMES = frozenset(
    {"srgb", "srgb iec61966-2.1", "srgb iec61966-2-1", "srgb iec61966-2-1 black scaled", "srgb built-in", "srgb2014"}
)
_PROFILE_SPACES = {"RGB": "RGB", "GRAY": "L", "CMYK": "CMYK"}
_HIGH_PRECISION = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")


@dataclass
class Decoded:
    """A decoded picture: its planes (one Pillow image, or two for 16-bit colour) and how to read them.

    ``kind`` is ``"plain"`` (one image in any mode), ``"wide"`` (high and
    low bytes of 16-bit RGB(A)) or ``"grey-alpha-16"`` (16-bit grey + alpha,
    raw bytes in an RGBA image).
    """

    planes: list[Image.Image]
    kind: str = "plain"
    profile: ImageCms.ImageCmsProfile | None = None
    integer_range: float = 65535.0
    unsigned_32: bool = False
    _transforms: dict = field(default_factory=dict)

    @property
    def size(self) -> tuple[int, int]:
        return self.planes[0].size

    def square(self, size: int | None, reduce: bool) -> np.ndarray:
        """The centre square as float64 (side, side, 3) in [0, 1] (see :meth:`read`)."""
        return self.read(size, reduce, square=True)

    def read(self, size: int | None, reduce: bool, *, square: bool = True) -> np.ndarray:
        """The centre square, or the whole picture, as float64 (h, w, 3) in [0, 1].

        With ``reduce`` and ``size`` given, a picture whose side (the square's,
        or the long side) is at least 4 times ``size`` is box-reduced by a
        whole factor to between 2 and 4 times ``size``.
        """
        width, height = self.size
        long = min(width, height) if square else max(width, height)
        factor = 1
        if size is not None and reduce and long >= 4 * size:
            factor = long // (2 * size)
        w, h = (long, long) if square else (width, height)
        w, h = w - w % factor, h - h % factor
        left, top = (width - w) // 2, (height - h) // 2
        out = np.empty((h // factor, w // factor, 3), np.float64)
        rows = max(factor, BAND_PIXELS // w // factor * factor)
        for y in range(0, h, rows):
            bottom = min(h, y + rows)
            box = (left, top + y, left + w, top + bottom)
            out[y // factor : bottom // factor] = self._band([plane.crop(box) for plane in self.planes], factor)
        return out

    # -- one band of rows -------------------------------------------------------

    def _band(self, pieces: list[Image.Image], factor: int) -> np.ndarray:
        # 16-bit and float data are combined in float32 (exact for 16-bit integers) and reduced before
        # grey is expanded to three channels: a band's temporaries stay a few times its 8-bit size.
        if self.kind == "wide":
            hi, lo = (np.asarray(p.convert("RGB") if p.mode != "RGB" else p, np.float32) for p in pieces)
            return self._finish(self._colour((hi * 256.0 + lo) / 65535.0), factor)
        if self.kind == "grey-alpha-16":
            raw = np.asarray(pieces[0], np.float32)
            return self._finish(self._colour((raw[..., 0] * 256.0 + raw[..., 1]) / 65535.0), factor)
        piece = pieces[0]
        if piece.mode in _HIGH_PRECISION:
            return self._finish(self._colour(self._scaled(piece)), factor)
        eight = self._eight_bit(piece)
        if factor > 1:
            eight = eight.reduce(factor)
        return _expand(np.asarray(eight, np.float64) / 255.0)[..., :3]

    def _finish(self, a: np.ndarray, factor: int) -> np.ndarray:
        """Float (h, w) or (h, w, 3) -> (h / factor, w / factor, 3) float64, box-averaged, clipped."""
        if factor > 1:
            h, w = a.shape[0] // factor, a.shape[1] // factor
            a = a[: h * factor, : w * factor].reshape(h, factor, w, factor, *a.shape[2:]).mean(axis=(1, 3))
        return _expand(np.clip(a, 0.0, 1.0, dtype=np.float64))

    def _scaled(self, piece: Image.Image) -> np.ndarray:
        """A high-precision grey piece as float in [0, 1]: integers by their type's range, floats as they are."""
        if piece.mode == "F":
            return np.asarray(piece, np.float32)
        a = np.asarray(piece)
        if self.unsigned_32 and a.dtype == np.int32:
            a = a.view(np.uint32)
        scale = 65535.0 if piece.mode.startswith("I;16") else self.integer_range
        return a.astype(np.float32) / np.float32(scale)

    def _eight_bit(self, piece: Image.Image) -> Image.Image:
        """An 8-bit piece as "L", "RGB" or "RGBA" (alpha dropped later), in sRGB."""
        mode = piece.mode
        if mode == "1":
            piece = piece.convert("L")
        elif mode in ("LA", "La"):
            piece = piece.convert("L")
        elif mode in ("P", "PA"):
            piece = piece.convert("RGBA")
        elif mode not in ("L", "RGB", "RGBA", "CMYK"):
            piece = piece.convert("RGB")  # YCbCr, LAB, HSV, RGBX, RGBa, ...
        transform = self._transform(piece.mode)
        if transform is not None:
            if piece.mode == "RGBA":
                piece = piece.convert("RGB")
            return ImageCms.applyTransform(piece, transform)
        return piece.convert("RGB") if piece.mode == "CMYK" else piece

    def _colour(self, a: np.ndarray) -> np.ndarray:
        """Float grey or RGB from 16-bit data, through the profile (at 8-bit precision) when it has one."""
        a = a[..., :3] if a.ndim == 3 else a
        mode = "L" if a.ndim == 2 else "RGB"
        transform = self._transform(mode)
        if transform is None:
            return a
        codes = np.round(np.clip(a, 0.0, 1.0) * 255.0).astype(np.uint8)
        return np.asarray(ImageCms.applyTransform(Image.fromarray(codes, mode), transform), np.float32) / 255.0

    def _transform(self, mode: str) -> ImageCms.ImageCmsTransform | None:
        """The transform from the picture's profile to sRGB for ``mode`` pieces, or None."""
        if self.profile is None:
            return None
        space = _PROFILE_SPACES.get(self.profile.profile.xcolor_space.strip())
        fits = space == mode or (space == "RGB" and mode == "RGBA")
        if not fits:
            return None
        if mode not in self._transforms:
            source = "RGB" if mode == "RGBA" else mode
            try:
                self._transforms[mode] = ImageCms.buildTransform(self.profile, _srgb(), source, "RGB")
            except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
                self._transforms[mode] = None  # LittleCMS cannot use it: keep the values
        return self._transforms[mode]


def _expand(a: np.ndarray) -> np.ndarray:
    """(h, w) or (h, w, 1) grey -> (h, w, 3)."""
    if a.ndim == 2:
        a = a[..., np.newaxis]
    return np.repeat(a, 3, axis=2) if a.shape[2] == 1 else a


_SRGB: list[ImageCms.ImageCmsProfile] = []


def _srgb() -> ImageCms.ImageCmsProfile:
    if not _SRGB:
        _SRGB.append(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")))
    return _SRGB[0]


def embedded_profile(image: Image.Image) -> ImageCms.ImageCmsProfile | None:
    """The picture's ICC profile if it has one that is not sRGB, else None (also for a damaged one).

    Examples
    --------
    >>> embedded_profile(Image.new("RGB", (2, 2))) is None
    True
    """
    data = image.info.get("icc_profile")
    if not data:
        return None
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
        description = ImageCms.getProfileDescription(profile)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None
    return None if description.strip().lower() in SRGB_NAMES else profile


def _integer_range(image: Image.Image) -> tuple[float, bool]:
    """The largest value of an integer picture's type, and whether it is unsigned 32-bit."""
    if image.format != "TIFF":
        return 65535.0, False  # PNG, PPM (scaled by Pillow to 16 bits), ...
    tags = getattr(image, "tag_v2", {})
    bits = tags.get(258, (16,))
    bits = int(bits[0] if isinstance(bits, tuple) else bits)
    sample = tags.get(339, (1,))
    sample = int(sample[0] if isinstance(sample, tuple) else sample)
    if sample == 2:  # signed integers: negative values are below black
        return float(2 ** (bits - 1) - 1), False
    return float(2**bits - 1), bits == 32


def _rawmode(tile) -> str | None:
    args = tile.args
    return args if isinstance(args, str) else (args[0] if args and isinstance(args[0], str) else None)


def _with_rawmode(tile, rawmode: str):
    args = tile.args
    args = rawmode if isinstance(args, str) else (rawmode, *args[1:])
    return tile._replace(args=args)


def _orientation(image: Image.Image) -> Image.Transpose | None:
    try:
        return _TRANSPOSE.get(image.getexif().get(0x0112, 1))
    except (OSError, SyntaxError, ValueError, KeyError, TypeError, struct.error):
        return None  # a damaged EXIF block: keep the pixels as stored


def decode(image: Image.Image, reopen: Callable[[], Image.Image]) -> Decoded:
    """Decode the pixels of ``image`` (opened, not loaded); ``reopen()`` opens the same picture again.

    Errors of the decoder propagate (the caller names the file).  16-bit
    RGB(A) pictures are decoded a second time through ``reopen`` (see the
    module's docstring).
    """
    rawmodes = {_rawmode(tile) for tile in image.tile}
    low = _LOW_BYTE.get(next(iter(rawmodes))) if len(rawmodes) == 1 else None
    grey_alpha = len(rawmodes) == 1 and next(iter(rawmodes)) in _GREY_ALPHA_16 and image.mode == "RGBA"
    if grey_alpha:
        image.tile = [_with_rawmode(tile, "RGBA") for tile in image.tile]
    image.load()
    planes, kind = [image], "grey-alpha-16" if grey_alpha else "plain"
    if low is not None:
        second = reopen()
        second.tile = [_with_rawmode(tile, low) for tile in second.tile]
        second.load()
        planes, kind = [image, second], "wide"
    turn = _orientation(image)
    if turn is not None:
        planes = [plane.transpose(turn) for plane in planes]
    integer_range, unsigned_32 = _integer_range(image)
    return Decoded(planes, kind, embedded_profile(image), integer_range, unsigned_32)
