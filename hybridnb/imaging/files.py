"""Writing files without losing any: whole or not at all, never over another file unless asked.

Every save in hybridnb goes through :func:`write_file`: the data goes to a
temporary file beside the target, which is then moved into place
(``os.replace``, atomic) or linked to a *new* name (``os.link``, which fails
if the name exists: atomic too).  A full disk or Ctrl-C during a save never
leaves half a file and never destroys the file that was there; without
``overwrite`` an existing file is never replaced, and with ``beside`` the data
goes to the first free ``name-1``, ``name-2``, ... instead.

What may be written is decided once, by :func:`writable_target`, which the
command line and the panel call *before* any work and :func:`write_file`
calls again at save time, so the two never disagree:

- a name that exists in any form (a file, a folder, a symbolic link, even
  one pointing nowhere) is *taken*: refused, or replaced with ``overwrite``,
  or avoided with ``beside``;
- only a regular file is ever replaced: devices (``/dev/null``), pipes,
  sockets and folders are refused, and so is anything reached through
  ``/proc`` or ``/sys`` (``/dev/stdout`` is a link into ``/proc``);
- a symbolic link is followed: ``overwrite`` replaces the file it points to
  (the link stays), and a link that points nowhere is refused (as root,
  following it would create a file wherever it points);
- a replaced file keeps its permission bits (and, where allowed, its owner);
- a name whose bytes exceed the folder's limit (255 on most file systems) is
  refused up front; the temporary name has a fixed short length, so any name
  that fits can be written, and ``beside`` shortens the stem to make room
  for its ``-1`` suffix.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import tempfile
from pathlib import Path

#: Longest file name, in bytes, where the folder does not say (POSIX file systems).
NAME_MAX = 255
#: How many symbolic links are followed before a name is refused as a loop.
MAX_LINKS = 40
#: Names tried by ``beside`` before giving up.
MAX_BESIDE = 10_000
#: Folders whose entries are not files to replace (``/dev/stdout`` leads into ``/proc``).
_SYSTEM_FOLDERS = ("/proc", "/sys")


def name_limit(folder: str | os.PathLike) -> int:
    """The longest file name ``folder`` takes, in bytes (``NAME_MAX`` if it does not say).

    Examples
    --------
    >>> import tempfile
    >>> name_limit(tempfile.gettempdir()) >= 14
    True
    """
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return NAME_MAX


def shown(path: str | os.PathLike) -> str:
    """``path`` as a message can print it, whatever the terminal's encoding.

    A name in bytes the locale cannot decode (``caf\\xe9.png`` under UTF-8)
    reaches Python as lone surrogates, which printing would refuse; here they
    become their escapes.

    Examples
    --------
    >>> shown("caf\\udce9.png")
    'caf\\\\xe9.png'
    >>> shown(Path("a") / "b.png")
    'a/b.png'
    """
    return os.fsencode(os.fspath(path)).decode("utf-8", "backslashreplace")


def _check_name_length(path: Path) -> None:
    limit = name_limit(path.parent if str(path.parent) else ".")
    length = len(os.fsencode(path.name))
    if length > limit:
        name = shown(path.name)
        raise ValueError(f"the file name {name[:40]}... is {length} bytes long; this folder takes at most {limit}")


def _in_system_folder(folder: Path) -> bool:
    return any(str(folder) == top or str(folder).startswith(top + "/") for top in _SYSTEM_FOLDERS)


def _follow(path: Path) -> Path:
    """Where a write to ``path`` lands: ``path``, or the end of its chain of symbolic links.

    Raises ``ValueError`` for a loop of links, a link into ``/proc`` or ``/sys``.
    """
    current = Path(os.path.abspath(path))
    for _ in range(MAX_LINKS):
        folder = Path(os.path.realpath(current.parent))
        if _in_system_folder(folder):
            raise ValueError(f"{shown(path)} leads into {folder}: a stream or a system file, not a file to write")
        current = folder / current.name
        if not current.is_symlink():
            return current
        current = folder / os.readlink(current)  # an absolute link replaces the folder
    raise ValueError(f"{shown(path)} is a loop of symbolic links")


def writable_target(path: str | os.PathLike, *, overwrite: bool = False, beside: bool = False) -> Path:
    """Check that ``path`` can be written as :func:`write_file` would; return the file it will write.

    Called before any work (by the command line and the panel) and again
    by :func:`write_file` at save time: the same rules both times (see the
    module's docstring).  Nothing is created.

    Parameters
    ----------
    path : str or path
    overwrite : bool, optional
        An existing regular file (or the regular file a symbolic link points
        to) may be replaced.
    beside : bool, optional
        An existing name is fine: the data will go beside it.

    Returns
    -------
    Path
        ``path``; with ``overwrite``, the file at the end of its symbolic
        links.

    Raises
    ------
    FileExistsError
        If ``path`` exists (in any form) and neither option is given.
    ValueError
        If the name is too long, names a folder, a device, a pipe or a
        socket, a link that points nowhere or into ``/proc`` or ``/sys``.
    FileNotFoundError, NotADirectoryError
        If the folder is missing or is not a folder.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> writable_target(folder / "h.png").name
    'h.png'
    >>> writable_target("/dev/null", overwrite=True)
    Traceback (most recent call last):
    ValueError: /dev/null is a device, not a file: hybridnb writes only regular files
    """
    path = Path(path)
    if not path.name or path.name in (".", ".."):
        raise ValueError(f"{shown(path)} names a folder; give a file name such as {shown(path / 'hybrid.png')}")
    _check_name_length(path)
    folder = path.parent
    if _in_system_folder(Path(os.path.realpath(folder))):
        raise ValueError(f"cannot write to the folder {shown(folder)} (a system folder, not for files)")
    if not folder.exists():
        raise FileNotFoundError(f"the folder {shown(folder)} does not exist")
    if not folder.is_dir():
        raise NotADirectoryError(f"{shown(folder)} is not a folder")
    if not os.path.lexists(path):
        return path
    if path.is_dir():
        raise ValueError(f"{shown(path)} is a folder; give a file name such as {shown(path / 'hybrid.png')}")
    if beside and not overwrite:
        return path
    if path.is_symlink() and not path.exists():
        raise ValueError(
            f"{shown(path)} is a symbolic link to {shown(os.readlink(path))}, which does not exist: "
            "remove the link or choose another name"
        )
    if not overwrite:
        raise FileExistsError(f"{shown(path)} exists")
    target = _follow(path)
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:  # removed since we looked
        raise FileNotFoundError(f"{shown(path)} disappeared while it was checked") from None
    if stat.S_ISDIR(mode):
        raise ValueError(f"{shown(path)} leads to the folder {shown(target)}; give a file name")
    if not stat.S_ISREG(mode):
        kind = "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a pipe or socket"
        raise ValueError(f"{shown(path)} is {kind}, not a file: hybridnb writes only regular files")
    return target


def check_folder_writable(folder: str | os.PathLike) -> None:
    """Refuse a folder this process cannot write in, by creating and removing a file there.

    The one reliable test: permissions, read-only mounts, root's powers and
    quotas all show.

    Raises
    ------
    PermissionError
        Saying why, in one line.

    Examples
    --------
    >>> check_folder_writable(tempfile.gettempdir())
    >>> check_folder_writable("/proc")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    PermissionError: cannot write to the folder /proc (...)
    """
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=".hybridnb-", suffix=".part")
    except OSError as error:
        raise PermissionError(f"cannot write to the folder {shown(folder)} ({error.strerror or error})") from None
    os.close(handle)
    os.unlink(name)


def free_path(path: str | os.PathLike) -> Path:
    """``path`` if nothing is there yet, else the first free ``stem-1``, ``stem-2``, ...

    "Nothing is there" means no file, folder or symbolic link (even one
    pointing nowhere).  The stem is shortened, when needed, so that the
    numbered name still fits the folder's name limit.

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
    for candidate in _candidates(path):
        if not os.path.lexists(candidate):
            return candidate
    raise FileExistsError(f"{shown(path)} and {MAX_BESIDE} names beside it exist")


def _candidates(path: Path):
    """``path``, then ``stem-1``, ``stem-2``, ... (stems shortened to fit the name limit)."""
    yield path
    limit = name_limit(path.parent if str(path.parent) else ".")
    stem, suffix = os.fsencode(path.stem), os.fsencode(path.suffix)
    for n in range(1, MAX_BESIDE):
        tail = f"-{n}".encode() + suffix
        head = stem[: max(1, limit - len(tail))]
        while head:  # never cut a UTF-8 character in two
            try:
                head.decode("utf-8")
                break
            except UnicodeDecodeError:
                head = head[:-1]
        yield path.with_name(os.fsdecode((head or stem[:1]) + tail))


def write_file(data: bytes, path: str | os.PathLike, *, overwrite: bool = False, beside: bool = False) -> Path:
    """Write ``data`` to ``path`` whole or not at all; return the path written.

    Parameters
    ----------
    data : bytes
    path : str or path
    overwrite : bool, optional
        Replace an existing regular file (through a symbolic link: the file
        it points to), keeping its permission bits.  Without it (default) an
        existing ``path`` is left untouched (checked atomically).
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
    ValueError
        If ``path`` cannot be written (see :func:`writable_target`).
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
    target = writable_target(path, overwrite=overwrite, beside=beside)
    # A short name of its own: the target's name may use the whole name limit.
    temporary = target.with_name(f".hybridnb-{os.getpid()}-{secrets.token_hex(4)}.part")
    try:
        with open(temporary, "xb") as file:  # created with the usual permissions (umask)
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if overwrite:
            _keep_mode(target, temporary)
            os.replace(temporary, target)
            return path
        for candidate in _candidates(path) if beside else (path,):
            try:
                _link_new(temporary, candidate)
                return candidate
            except FileExistsError:
                if not beside:
                    raise
        raise FileExistsError(f"{shown(path)} and {MAX_BESIDE} names beside it exist")
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _keep_mode(target: Path, temporary: Path) -> None:
    """Give ``temporary`` the permission bits (and, where allowed, the owner) of the file it replaces."""
    try:
        old = os.stat(target)
    except FileNotFoundError:
        return
    os.chmod(temporary, stat.S_IMODE(old.st_mode) & 0o777)
    with contextlib.suppress(OSError):  # only root may give a file away; others keep their own
        if (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
            os.chown(temporary, old.st_uid, old.st_gid)


def _link_new(temporary: Path, path: Path) -> None:
    """Give ``temporary``'s content the name ``path`` unless ``path`` exists (atomically)."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise FileExistsError(f"{shown(path)} exists") from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS):
            raise
        try:  # a file system without hard links: exclusive creation still never clobbers
            with open(path, "xb") as file:
                file.write(temporary.read_bytes())
        except FileExistsError:
            raise FileExistsError(f"{shown(path)} exists") from None
