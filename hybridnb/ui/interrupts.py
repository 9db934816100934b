"""Ctrl-C, SIGTERM and SIGHUP for one command: the picture reached is saved, within a second or two.

A command that fits a picture goes through three phases, and an interrupt
(SIGINT from Ctrl-C, SIGTERM from ``timeout`` or a container's stop, SIGHUP
from a closed terminal) means something different in each:

- **starting** (reading options, importing TensorFlow, loading pictures):
  there is nothing to save; the command stops at once (:class:`Interrupted`).
- **working** (the steps): the run is asked to stop (``stop()``), which the
  compiled loop answers at its next chunk, within about a quarter of a
  second (:data:`hybridnb.optimize.engine.CHUNK_SECONDS`); the command then
  saves the picture reached and says where.
- **finishing** (the final evaluation and the save): the interrupt is only
  noted, so that the picture is written whole; the command then exits
  with the interrupt's status.

The exit status of an interrupted command is ``128 + signal`` (130 for
Ctrl-C, 143 for SIGTERM, 129 for SIGHUP), as a shell reports a process
killed by that signal.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

#: The signals that interrupt a command.
SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Interrupted(KeyboardInterrupt):
    """An interrupt before there was anything to save; ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class Interrupts:
    """Handle :data:`SIGNALS` while the ``with`` block runs (see the module's docstring).

    Outside the main thread (where Python cannot handle signals) it does
    nothing, and the process keeps its handlers.

    Attributes
    ----------
    received : int or None
        The first signal received.

    Examples
    --------
    >>> import os, signal
    >>> with Interrupts() as interrupts:
    ...     interrupts.finishing()
    ...     os.kill(os.getpid(), signal.SIGTERM)  # noted, not raised
    >>> interrupts.received == signal.SIGTERM, interrupts.status
    (True, 143)
    """

    def __init__(self) -> None:
        self.received: int | None = None
        self._stop: Callable[[], None] | None = None
        self._finishing = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is threading.main_thread():
            for signum in SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()

    @property
    def status(self) -> int:
        """The exit status that says which signal interrupted the command (0 if none did)."""
        return 0 if self.received is None else 128 + self.received

    @property
    def name(self) -> str:
        """How the message calls the interrupt: ``"interrupted"`` or ``"terminated (SIGTERM)"``."""
        if self.received in (None, signal.SIGINT):
            return "interrupted"
        return f"stopped by {signal.Signals(self.received).name}"

    def working(self, stop: Callable[[], None]) -> None:
        """From now on an interrupt calls ``stop()`` (it may raise :class:`Interrupted` to abort instead)."""
        self._stop = stop

    def finishing(self) -> None:
        """From now on an interrupt is only noted: the picture is being written."""
        self._finishing = True

    def _handle(self, signum: int, frame: object) -> None:
        if self.received is None:
            self.received = signum
        if self._finishing:
            return
        if self._stop is not None:
            self._stop()
            return
        raise Interrupted(signum)
