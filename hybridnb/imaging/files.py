"""Writing files without losing any: whole or not at all, never over another file unless asked.

Every save in hybridnb goes through :func:`write_file`: the data goes to a
temporary file beside the target, which is then moved into place
(``os.replace``, atomic) or linked to a *new* name (``os.link``, which fails
if the name exists: atomic too).  A full disk or Ctrl-C during a save never
leaves half a file and never destroys the file that was there; without
``overwrite`` an existing file is never replaced, and with ``beside`` the data
goes to the first free ``name-1``, ``name-2``, ... instead.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import secrets
from pathlib import Path


def free_path(path: str | os.PathLike) -> Path:
    """``path`` if nothing is there yet, else the first free ``stem-1``, ``stem-2``, ...

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> free_path(folder / "h.png").name
    'h.png'
    >>> _ = (folder / "h.png").write_bytes(b"")
    >>> free_path(folder / "h.png").name
    'h-1.png'
    """
    path = Path(path)
    for n in itertools.count():
        candidate = path if n == 0 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def write_file(data: bytes, path: str | os.PathLike, *, overwrite: bool = False, beside: bool = False) -> Path:
    """Write ``data`` to ``path`` whole or not at all; return the path written.

    Parameters
    ----------
    data : bytes
    path : str or path
    overwrite : bool, optional
        Replace an existing file.  Without it (default) an existing ``path``
        is left untouched (checked atomically).
    beside : bool, optional
        When ``path`` exists (and ``overwrite`` is false), write to the first
        free ``stem-1``, ``stem-2``, ... beside it instead of raising.

    Returns
    -------
    Path

    Raises
    ------
    FileExistsError
        If ``path`` exists and neither ``overwrite`` nor ``beside`` is given.
    OSError
        If the folder is missing or cannot be written (nothing is left behind).

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "a.txt"
    >>> write_file(b"one", target).name, write_file(b"two", target, beside=True).name
    ('a.txt', 'a-1.txt')
    >>> write_file(b"three", target)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    FileExistsError: ... exists
    >>> _ = write_file(b"four", target, overwrite=True); target.read_bytes()
    b'four'
    """
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.part")
    try:
        with open(temporary, "xb") as file:  # created with the usual permissions (umask)
            file.write(data)
        if overwrite:
            os.replace(temporary, path)
            return path
        while True:
            try:
                _link_new(temporary, path)
                return path
            except FileExistsError:
                if not beside:
                    raise
                path = free_path(path)  # taken since we looked: the next free name
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _link_new(temporary: Path, path: Path) -> None:
    """Give ``temporary``'s content the name ``path`` unless ``path`` exists (atomically)."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise FileExistsError(f"{path} exists") from None
    except OSError:  # a file system without hard links: exclusive creation still never clobbers
        try:
            with open(path, "xb") as file:
                file.write(temporary.read_bytes())
        except FileExistsError:
            raise FileExistsError(f"{path} exists") from None
