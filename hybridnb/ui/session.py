"""A hybrid being made in the background: start, stop, progress, history, result. No widgets.

:class:`TrainingSession` runs a :class:`~hybridnb.optimize.runs.HybridRun` in a
thread, so a notebook's kernel stays free, and keeps what a view needs: the
loss history, the latest picture, how far the run got and a one-line status.
It knows nothing of widgets: a view passes ``on_update``, which the session
calls (from its thread) after every report and once at the end; the panel
(:mod:`hybridnb.ui.panel`) is such a view.  The tests drive it without
ipywidgets.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from ..optimize.records import LossRecord, Report
from ..optimize.runs import HybridRun, report_period
from ..optimize.settings import RunSettings


def seen(run: HybridRun) -> str:
    """A sentence on what a viewer sees in the run's picture, and what to change if one picture dominates.

    Empty for a picture too small to judge (:func:`hybridnb.visibilities` needs 8 pixels a side).

    Examples
    --------
    >>> import hybridnb as hn
    >>> near, far = hn.load_image("hopper", 32), hn.load_image("astronaut", 32)
    >>> run = HybridRun(near, far, hn.RunSettings(size=32, method="viewer", crossover=8.0, steps=5))
    >>> _ = run.run()
    >>> seen(run).startswith(" Crossover 8 cycles per picture; visibility ")
    True
    """
    try:
        visibility = run.visibility()
    except ValueError:
        return ""
    numbers = f"{visibility.near:.2f} up close, {visibility.far:.2f} from afar."
    if run.crossover is not None:
        line = f" Crossover {run.crossover:g} cycles per picture; visibility {numbers}"
    else:
        line = f" Visibility {numbers}"
    hint = run.advice()
    return line + (f" {hint[0].upper()}{hint[1:]}." if hint else "")


def describe(error: BaseException) -> str:
    """One line for a person: what went wrong, without a traceback.

    Examples
    --------
    >>> describe(ValueError("sigma must be a finite number > 0, got nan"))
    'sigma must be a finite number > 0, got nan'
    >>> describe(FloatingPointError("fit diverged"))
    'The run stopped: fit diverged.'
    """
    if isinstance(error, FloatingPointError):
        return f"The run stopped: {error}."
    if isinstance(error, (ValueError, OSError)):
        return str(error)
    return f"{type(error).__name__}: {error}"


class TrainingSession:
    """Make one hybrid at a time in a background thread.

    Parameters
    ----------
    on_update : callable, optional
        ``on_update(session, finished)``, called from the training thread
        after every report (``finished`` false) and once when the run ends
        (true), whatever the outcome.  It must not raise.

    Attributes
    ----------
    history : list of LossRecord
        The losses of the current (or last) run, at its report steps, and of
        its final picture at the step it ended on (after ``steps`` updates
        when it completes, as the status says).
    result : ndarray or None
        The latest picture, float (H, W, 3) in [0, 1].
    run : HybridRun or None
        The current (or last) run; its ``model`` holds the picture.
    settings : RunSettings or None
    steps_done : int
        Updates behind the latest report's picture (a view shows the count:
        the status line does not repeat it while running).
    status, kind : str
        One line saying how the run stands, and its kind: ``"info"``
        (running), ``"ok"`` (done), ``"warning"`` (stopped) or ``"error"``.

    Examples
    --------
    >>> import hybridnb as hn
    >>> session = TrainingSession()
    >>> near, far = hn.load_image("hopper", 32), hn.load_image("astronaut", 32)
    >>> session.start(near, far, hn.ARTICLE.for_size(32))
    True
    >>> session.join(timeout=120), session.kind, session.history[-1].step, session.steps_done
    (True, 'ok', 200, 200)
    """

    def __init__(self, on_update: Callable[[TrainingSession, bool], None] | None = None) -> None:
        self.on_update = on_update
        self.history: list[LossRecord] = []
        self.result: np.ndarray | None = None
        self.run: HybridRun | None = None
        self.settings: RunSettings | None = None
        self.steps_done = 0
        self.status, self.kind = "", "info"
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        """Whether a run is in progress."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def thread(self) -> threading.Thread | None:
        """The thread of the current (or last) run."""
        return self._thread

    @property
    def model(self):
        """The model of the current (or last) run, or None."""
        return None if self.run is None else self.run.model

    def start(self, near: np.ndarray, far: np.ndarray, settings: RunSettings) -> bool:
        """Start a run; False (and nothing changes) if one is in progress.

        Raises
        ------
        ValueError
            If the settings or pictures are refused (before any thread starts).
        """
        with self._lock:
            if self.running:
                return False
            run = HybridRun(near, far, settings)  # refuses bad settings here, in the caller's thread
            self.run, self.settings = run, settings
            self.history, self.result, self.steps_done = [], None, 0
            what = "the viewer's loss" if settings.method == "viewer" else f"the article's loss, {settings.optimizer}"
            self.status, self.kind = f"Running {settings.steps} steps ({what}, {settings.size} px)…", "info"
            self._stop.clear()
            self._thread = threading.Thread(target=self._work, args=(run,), name="hybridnb-session", daemon=True)
            self._thread.start()
            return True

    def stop(self) -> None:
        """Ask the run to stop soon (within about a quarter of a second), keeping the picture reached."""
        if self.running:
            self._stop.set()
            self.run.stop()  # answered between the compiled loop's chunks, not only at reports
            self.status = "Stopping…"

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the run to end; True if no run is in progress any more."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.running

    # -- the training thread ---------------------------------------------------

    def _work(self, run: HybridRun) -> None:
        s = run.settings
        started = time.monotonic()
        try:
            final = run.run(self._on_report, every=report_period(s.steps))
            self._record_final(run, final)
            seconds = time.monotonic() - started
            if self._stop.is_set() and run.model.steps < s.steps:
                self.status, self.kind = f"Stopped at step {run.model.steps} of {s.steps} ({seconds:.1f} s)", "warning"
            else:
                self.status, self.kind = f"Done: {run.model.steps} steps in {seconds:.1f} s", "ok"
            self.status += f", loss {final.loss:.4g} (precise {final.loss_precise:.4g}, gauss {final.loss_gauss:.4g})."
            self.status += seen(run)
        except Exception as error:
            kept = " The picture reached before is kept." if self.result is not None else ""
            if self.result is None and isinstance(error, FloatingPointError):
                self.result = run.model.image()  # finite: a non-finite update is never applied
                kept = " This is the picture it reached."
            self.status, self.kind = describe(error) + kept, "error"
        finally:
            self._notify(True)

    def _record_final(self, run: HybridRun, final: Report) -> None:
        """Record the final picture's losses at its step, ``model.steps``.

        The article's loop reports each report step's picture *before* that
        step's update (``199`` is the picture after 199 updates) and then
        applies the last update: without this record a 200-step run would
        end its history at step 199, under a picture of 200 steps.
        """
        steps = run.model.steps
        if not self.history or self.history[-1].step != steps:
            self.history.append(LossRecord.from_report(steps, final))
        self.result, self.steps_done = final.image, steps

    def _on_report(self, step: int, report: Report) -> bool:
        self.history.append(LossRecord.from_report(step, report))
        if np.all(np.isfinite(report.image)):
            self.result = report.image
        self.steps_done = step
        self.status = (
            f"Running: loss {report.loss:.4g} (precise {report.loss_precise:.4g}, gauss {report.loss_gauss:.4g})"
        )
        self.kind = "info"
        self._notify(False)
        return self._stop.is_set()

    def _notify(self, finished: bool) -> None:
        if self.on_update is not None:
            self.on_update(self, finished)
