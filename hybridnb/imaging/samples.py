"""The bundled sample pictures, and the one rule for naming a picture.

Wherever a picture is asked for by name (the command line, the panel, the
notebooks), a file path works too: :func:`resolve_picture` decides which is
meant, in one place.
"""

from __future__ import annotations

import os
from pathlib import Path

_SAMPLES_DIRS = (
    Path(__file__).resolve().parent.parent / "imgs",  # installed wheel
    Path(__file__).resolve().parent.parent.parent / "imgs",  # source checkout / editable
)

#: The default pair: a sharp, detailed portrait to see up close and a smooth,
#: smiling one to see from afar, with their faces aligned.
DEFAULT_NEAR = "hopper"
DEFAULT_FAR = "astronaut"


def sample_images() -> dict[str, Path]:
    """Return the bundled sample pictures, name -> path (sorted by name).

    See ``imgs/README.md`` for each picture's source and licence.  The
    default pair is ``DEFAULT_NEAR`` / ``DEFAULT_FAR``.

    Examples
    --------
    >>> import hybridnb as hn
    >>> sorted(hn.sample_images())
    ['astronaut', 'camera', 'cat', 'coffee', 'hopper']
    """
    for folder in _SAMPLES_DIRS:
        found = sorted(folder.glob("*.png"))
        if found:
            return {p.stem: p for p in found}
    raise FileNotFoundError("the sample pictures are missing from this installation")


def resolve_picture(name: str | os.PathLike) -> Path:
    """The file a picture name stands for: a bundled sample's name, or a file path.

    A bare sample name (the string ``"cat"``, no folder, no suffix) always
    means the sample, so nothing in the current folder can hide it (a folder
    ``cat``, a file ``cat``); to mean such a file, write it as a path
    (``"./cat"``, or a :class:`~pathlib.Path`).  Anything else is a path,
    ``~`` expanded, returned as it is, so that reading it says what is wrong
    with it.

    Examples
    --------
    >>> resolve_picture("hopper").name
    'hopper.png'
    >>> resolve_picture("./hopper").name, resolve_picture(Path("hopper")).name
    ('hopper', 'hopper')
    >>> resolve_picture("no-such-picture.png").name
    'no-such-picture.png'
    """
    if isinstance(name, str) and os.sep not in name and "." not in name:
        try:
            return sample_images()[name]
        except (KeyError, FileNotFoundError):  # not a sample's name, or an installation without them
            pass
    return Path(os.path.expanduser(os.fspath(name)))
