"""Where a picture may be saved, decided once, before any work: its format and its file.

:data:`OUTPUT_FORMATS` is the one list of formats hybridnb writes (the
command line, :func:`hybridnb.save_image`, the panel): PNG, and the formats
Pillow writes by itself that hold an 8-bit RGB picture.  Each says what it
loses, if anything: a hybrid *is* its fine detail, so a lossy format is
allowed but named as such.  :func:`check_output` checks a name against that
list and against the file system (:func:`hybridnb.imaging.files.writable_target`)
without writing anything, so a refusal costs nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .files import check_folder_writable, shown, writable_target


@dataclass(frozen=True)
class OutputFormat:
    """A format hybridnb writes: Pillow's name for it, its save options, what it loses.

    ``loses`` is None for a lossless format, else one sentence for the user.
    """

    name: str
    options: Mapping[str, object] = field(default_factory=dict)
    loses: str | None = None


_PNG = OutputFormat("PNG")
_TIFF = OutputFormat("TIFF", {"compression": "tiff_deflate"})
_JPEG = OutputFormat(
    "JPEG",
    {"quality": 95},
    "JPEG is lossy: it blurs the fine detail that the near view is made of (quality 95); use .png to keep every pixel",
)

#: The formats hybridnb writes, by file suffix.  A name without a suffix is
#: written as PNG.  Every other suffix is refused before any work.
OUTPUT_FORMATS: dict[str, OutputFormat] = {
    ".png": _PNG,
    ".tif": _TIFF,
    ".tiff": _TIFF,
    ".webp": OutputFormat("WEBP", {"lossless": True, "exact": True}),
    ".bmp": OutputFormat("BMP"),
    ".jpg": _JPEG,
    ".jpeg": _JPEG,
    ".gif": OutputFormat(
        "GIF", {}, "GIF keeps at most 256 colours: smooth shading turns into dots; use .png to keep every pixel"
    ),
}


def output_format(path: str | os.PathLike) -> OutputFormat:
    """The format a picture saved as ``path`` is written in (by its suffix; PNG without one).

    Raises
    ------
    ValueError
        For a suffix not in :data:`OUTPUT_FORMATS`, listing those that are.

    Examples
    --------
    >>> output_format("hybrid.png").name, output_format("hybrid").name, output_format("h.JPG").loses is None
    ('PNG', 'PNG', False)
    >>> output_format("hybrid.psd")
    Traceback (most recent call last):
    ValueError: cannot save a picture as '.psd': use .png (or .tif, .webp, .bmp; .jpg and .gif lose detail)
    """
    suffix = Path(path).suffix.lower()
    if not suffix:
        return _PNG
    if suffix not in OUTPUT_FORMATS:
        raise ValueError(
            f"cannot save a picture as {shown(suffix)!r}: use .png (or .tif, .webp, .bmp; .jpg and .gif lose detail)"
        )
    return OUTPUT_FORMATS[suffix]


def check_output(path: str | os.PathLike, *, overwrite: bool = False, beside: bool = False) -> OutputFormat:
    """Check, before any work, that a picture can be saved as ``path``; return its format.

    The format must be one of :data:`OUTPUT_FORMATS`; the file must be one
    :func:`hybridnb.imaging.files.write_file` would write with the same
    ``overwrite`` and ``beside`` (a name that fits the folder, not a folder,
    device, pipe or dangling link, not an existing file unless allowed); and
    the folder must take a new file.  Nothing is left behind.

    Raises
    ------
    ValueError, FileExistsError, FileNotFoundError, NotADirectoryError, PermissionError
        One line each, naming the file.

    Examples
    --------
    >>> import tempfile
    >>> check_output(Path(tempfile.mkdtemp()) / "h.png").name
    'PNG'
    >>> check_output("/dev/null", overwrite=True)
    Traceback (most recent call last):
    ValueError: /dev/null is a device, not a file: hybridnb writes only regular files
    """
    fmt = output_format(path)
    target = writable_target(path, overwrite=overwrite, beside=beside)
    check_folder_writable(target.parent)
    return fmt


def typed_path(text: str, *, default_name: str = "hybrid.png", suffix: str = ".png") -> Path:
    """The file a person means by a name typed in a box: ``~`` expanded, folders completed, ``suffix`` ensured.

    - ``~/x`` and ``~user/x`` are in that home folder; a name that only
      starts with ``~`` (``~draft``) is a file of that name;
    - a name ending in ``/``, ``.``, ``..``, ``/`` itself or an existing
      folder means ``default_name`` inside that folder;
    - ``suffix`` is added to a name that does not end with it
      (``hybrid`` -> ``hybrid.png``).

    Raises
    ------
    ValueError
        For an empty name.

    Examples
    --------
    >>> str(typed_path("hybrid")), str(typed_path("sub/")), str(typed_path("..")), str(typed_path("/"))
    ('hybrid.png', 'sub/hybrid.png', '../hybrid.png', '/hybrid.png')
    >>> str(typed_path("~draft")), typed_path("~/h.png") == Path.home() / "h.png"
    ('~draft.png', True)
    """
    text = str(text).strip()
    if not text:
        raise ValueError("Type a file name first.")
    folder_meant = text.endswith(("/", os.sep)) or text in (".", "..") or text.endswith(("/.", "/.."))
    path = Path(os.path.expanduser(text))  # "~draft" stays as it is when there is no user "draft"
    if folder_meant or path.is_dir():
        path = path / default_name
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    return path
