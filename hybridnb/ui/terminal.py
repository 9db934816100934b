"""The command's output streams: whatever happens to the terminal, the picture is made.

A command's stdout and stderr can be closed (``2>&-``), full (``2>/dev/full``),
a pipe whose reader has gone (``| head -1``), a terminal that was closed
(SIGHUP), or a locale that cannot print a file's name.  None of that may
stop the work or lose the picture, and none may turn a saved picture into
an error status.  :func:`ensure_standard_streams` gives every missing
standard descriptor somewhere to go; :class:`Tolerant` wraps a stream so
that writing never raises (a write that fails is dropped and remembered,
the descriptor is pointed at the null device so that Python's own flush at
exit cannot fail either), and unprintable characters are escaped.
"""

from __future__ import annotations

import io
import os
import sys
from typing import TextIO


def ensure_standard_streams() -> None:
    """Open the null device on any of descriptors 0, 1, 2 that is closed, and give Python streams for them.

    Without this, with ``2>&-`` the first file the process opens takes
    descriptor 2, and native code (TensorFlow's logging) writes into it;
    ``sys.stderr`` is None and a message cannot be written at all.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if sys.stdout is None:
        sys.stdout = open(1, "w", closefd=False, errors="backslashreplace")
    if sys.stderr is None:
        sys.stderr = open(2, "w", closefd=False, errors="backslashreplace")


class Tolerant(io.TextIOBase):
    """A text stream whose writes never raise.

    The first failure (``OSError``, or ``ValueError`` for a closed stream)
    is kept in :attr:`failed`, later writes are dropped, and the underlying
    descriptor, if it has one, is pointed at the null device so that what is
    still buffered can be flushed at exit.  Characters the stream's encoding
    cannot write are escaped (``\\udce9``) instead of raising.

    Examples
    --------
    >>> import io
    >>> closed = io.StringIO()
    >>> closed.close()
    >>> out = Tolerant(closed)
    >>> out.write("lost") and out.failed is not None
    True
    """

    def __init__(self, stream: TextIO | None) -> None:
        super().__init__()
        self.stream = stream
        self.failed: BaseException | None = None if stream is not None else OSError("no stream")

    @property
    def encoding(self) -> str:
        return getattr(self.stream, "encoding", None) or "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        try:
            return bool(self.stream.isatty())
        except (OSError, ValueError, AttributeError):
            return False

    def fileno(self) -> int:
        if self.stream is None:
            raise OSError("no stream")
        return self.stream.fileno()

    def write(self, text: str) -> int:
        if self.failed is None:
            try:
                try:
                    self.stream.write(text)
                except UnicodeEncodeError:
                    self.stream.write(text.encode(self.encoding, "backslashreplace").decode(self.encoding))
                self.stream.flush()
            except (OSError, ValueError) as error:
                self._fail(error)
        return len(text)

    def flush(self) -> None:
        if self.failed is None:
            try:
                self.stream.flush()
            except (OSError, ValueError) as error:
                self._fail(error)

    def _fail(self, error: BaseException) -> None:
        self.failed = error
        try:
            fd = self.stream.fileno()
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            return  # not a descriptor (a test's capture): nothing is flushed at exit
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, fd)  # what is still buffered goes nowhere, without an error at exit
        finally:
            os.close(null)
