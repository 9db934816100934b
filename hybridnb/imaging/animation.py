"""The zoom-out animation: a hybrid shrinking until the far picture appears, as an animated GIF or WebP.

The clearest way to show a hybrid is to walk away from it.  On a screen that
is the picture getting smaller: :func:`zoom_frames` draws it at scales from 1
down to ``1 / far_factor`` (a geometric sequence: equal steps of "twice as
far"), each shrunk in linear light (Pillow's area-averaging ``BOX`` filter on
the light, not on the codes: what the eye averages from afar) and centred on
a plain canvas of the picture's size.  :func:`encode_zoom` makes the
animation's bytes (it holds the near view, zooms out, holds the far view and
zooms back in, in a loop); :func:`zoom_animation` writes them to a file, the
format chosen by its extension.  Pillow only: GIF and WebP need no other
encoder (a video format would need ffmpeg).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from ..checks import check_choice, check_count, check_number, check_picture
from .color import linear_to_srgb, srgb_to_linear
from .files import write_file
from .io import load_image, to_uint8

#: Formats of the animation, by file extension.
ZOOM_FORMATS = {".gif": "GIF", ".webp": "WEBP"}


def _picture(image) -> np.ndarray:
    """A float (H, W, 3) picture in [0, 1] from an array, or from anything :func:`load_image` reads."""
    if isinstance(image, (str, os.PathLike, bytes, bytearray, memoryview)):
        return load_image(image, size=None)
    return np.asarray(check_picture("image", image), dtype=np.float64)


def _shrink(light: np.ndarray, width: int, height: int) -> np.ndarray:
    """Area-average linear light to ``width`` x ``height`` (each channel in 32-bit float)."""
    channels = [
        np.asarray(Image.fromarray(light[..., c].astype(np.float32)).resize((width, height), Image.Resampling.BOX))
        for c in range(light.shape[2])
    ]
    return np.stack(channels, axis=-1).astype(np.float64)


def zoom_scales(far_factor: float = 8, frames: int = 24) -> np.ndarray:
    """Scales from 1 to ``1 / far_factor``, equal ratios apart (steady steps back).

    Examples
    --------
    >>> zoom_scales(8, 4).round(3).tolist()
    [1.0, 0.5, 0.25, 0.125]
    """
    frames = check_count("frames", frames, minimum=2)
    far_factor = check_number("far_factor", far_factor, positive=True)
    if far_factor <= 1:
        raise ValueError(f"far_factor must be > 1 (how many times smaller the last frame is), got {far_factor}")
    return far_factor ** -np.linspace(0.0, 1.0, frames)


def zoom_frames(
    image,
    *,
    far_factor: float = 8,
    frames: int = 24,
    background: float | Sequence[float] = 1.0,
) -> list[np.ndarray]:
    """The picture at each of :func:`zoom_scales`, centred on a canvas of its own size.

    Parameters
    ----------
    image : ndarray (H, W, 3) in [0, 1], or a file / sample name
    far_factor : float, optional
        The last frame shows the picture this many times smaller (as from
        this many times farther away).
    frames : int, optional
        Frames from the full picture to the smallest, both included.
    background : float or (r, g, b), optional
        Colour of the canvas around the shrinking picture, in [0, 1] (white).

    Returns
    -------
    list of uint8 ndarray (H, W, 3)

    Examples
    --------
    >>> import numpy as np
    >>> stripes = np.zeros((16, 16, 3)); stripes[::2] = 1.0
    >>> first, last = zoom_frames(stripes, far_factor=4, frames=3)[::2]
    >>> bool(np.array_equal(first, (stripes * 255).astype(np.uint8)))
    True
    >>> last[8, 8].tolist(), last[0, 0].tolist()  # the stripes' average light, then the white canvas
    ([186, 186, 186], [255, 255, 255])
    """
    picture = _picture(image)
    colour = np.broadcast_to(np.asarray(background, dtype=np.float64), (3,))
    if not np.all((colour >= 0) & (colour <= 1)):
        raise ValueError(f"background must be a grey level or (r, g, b) in [0, 1], got {background!r}")
    height, width = picture.shape[:2]
    light = srgb_to_linear(picture)
    blank = np.broadcast_to(to_uint8(colour[np.newaxis, np.newaxis]), picture.shape)
    out = []
    for scale in zoom_scales(far_factor, frames):
        w, h = max(1, round(width * scale)), max(1, round(height * scale))
        small = picture if (w, h) == (width, height) else linear_to_srgb(np.clip(_shrink(light, w, h), 0.0, 1.0))
        canvas = blank.copy()
        top, left = (height - h) // 2, (width - w) // 2
        canvas[top : top + h, left : left + w] = to_uint8(small)
        out.append(canvas)
    return out


def _gif_frames(rgb: list[np.ndarray]) -> list[Image.Image]:
    """The frames in 256 colours: one palette of 255 colours of the full picture and the canvas's colour.

    Pillow maps colours to a given palette approximately, so the canvas
    (the last frame's corner) is set to its own entry afterwards, exactly.
    """
    palette = Image.fromarray(rgb[0]).quantize(colors=255, method=Image.Quantize.FASTOCTREE)
    canvas = rgb[-1][0, 0]
    palette.putpalette([*palette.getpalette()[: 3 * 255], *canvas.tolist()])
    frames = []
    for frame in rgb:
        indices = np.asarray(Image.fromarray(frame).quantize(palette=palette, dither=Image.Dither.FLOYDSTEINBERG))
        indices = np.where(np.all(frame == canvas, axis=-1), 255, indices).astype(np.uint8)
        image = Image.fromarray(indices)  # "L"; the palette makes it "P"
        image.putpalette(palette.getpalette())
        frames.append(image)
    return frames


def encode_zoom(
    image,
    fmt: str = "GIF",
    *,
    far_factor: float = 8,
    frames: int = 24,
    seconds: float = 2.0,
    hold: float = 1.0,
    background: float | Sequence[float] = 1.0,
) -> bytes:
    """The zoom-out animation's bytes: near view, zoom out, far view, zoom back in, looping.

    Parameters
    ----------
    image, far_factor, frames, background
        As for :func:`zoom_frames`.
    fmt : {"GIF", "WEBP"}, optional
        GIF (256 colours: one palette, shared by every frame, of 255
        colours of the full picture and the canvas's colour, with
        Floyd-Steinberg dithering) or WebP (full colour, lossy at quality
        90; smaller).
    seconds : float, optional
        Duration of the zoom out (and of the zoom back in).
    hold : float, optional
        Seconds the animation rests on the full picture and on the smallest.

    Returns
    -------
    bytes

    Examples
    --------
    >>> import io
    >>> import hybridnb as hn
    >>> from PIL import Image
    >>> gif = encode_zoom(hn.load_image("cat", 64), frames=6)
    >>> animation = Image.open(io.BytesIO(gif))
    >>> animation.format, animation.size, animation.n_frames, animation.info["loop"]
    ('GIF', (64, 64), 10, 0)
    """
    fmt = check_choice("fmt", str(fmt).upper(), tuple(ZOOM_FORMATS.values()))
    seconds = check_number("seconds", seconds, positive=True)
    hold = check_number("hold", hold, positive=True)
    rgb = zoom_frames(image, far_factor=far_factor, frames=frames, background=background)
    sweep = [Image.fromarray(f) for f in rgb] if fmt == "WEBP" else _gif_frames(rgb)
    # out: frames 0 .. n-1; back: n-2 .. 1 (the ends are not repeated, they are held instead)
    sequence = sweep + sweep[-2:0:-1]
    step_ms = max(20, round(1000 * seconds / (len(sweep) - 1)))  # browsers treat < 20 ms GIF delays as 100 ms
    durations = [step_ms] * len(sequence)
    durations[0] = durations[len(sweep) - 1] = round(1000 * hold)
    buffer = io.BytesIO()
    options = dict(save_all=True, append_images=sequence[1:], duration=durations, loop=0)
    if fmt == "GIF":
        options.update(optimize=False, disposal=1)
    else:
        options.update(quality=90, method=4)
    sequence[0].save(buffer, format=fmt, **options)
    return buffer.getvalue()


def zoom_animation(
    image,
    path: str | os.PathLike,
    *,
    far_factor: float = 8,
    frames: int = 24,
    seconds: float = 2.0,
    hold: float = 1.0,
    background: float | Sequence[float] = 1.0,
    overwrite: bool = False,
    beside: bool = False,
) -> Path:
    """Write the zoom-out animation of ``image``: a GIF or WebP, by ``path``'s extension.

    The picture is shown full size, shrinks step by step (in linear light)
    to ``1 / far_factor`` of its size, rests there, where the far picture
    takes over, and grows back, in a loop.  Open the file in a browser or an
    image viewer at 100 % zoom.

    Parameters
    ----------
    image : ndarray (H, W, 3) in [0, 1], or a file / sample name
        The hybrid (say ``panel.result`` or ``model.image()``).
    path : str or path
        Ends in ``.gif`` or ``.webp``.
    far_factor, frames, seconds, hold, background
        See :func:`encode_zoom`.
    overwrite : bool, optional
        Replace an existing file (without it, an existing file is never
        touched: ``FileExistsError``).  The file is written whole or not at
        all (:func:`hybridnb.imaging.files.write_file`).
    beside : bool, optional
        Without ``overwrite``: when ``path`` exists, write to the first free
        ``stem-1``, ``stem-2``, ... instead of raising.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> import hybridnb as hn
    >>> folder = Path(tempfile.mkdtemp())
    >>> hn.zoom_animation(hn.load_image("hopper", 64), folder / "zoom.gif", frames=8).name
    'zoom.gif'
    >>> hn.zoom_animation("hopper", folder / "zoom.png")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: cannot write the animation as 'zoom.png': ... .gif or .webp
    """
    path = Path(path)
    fmt = ZOOM_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"cannot write the animation as {path.name!r}: the name must end in .gif or .webp")
    data = encode_zoom(
        image, fmt, far_factor=far_factor, frames=frames, seconds=seconds, hold=hold, background=background
    )
    return write_file(data, path, overwrite=overwrite, beside=beside)
