"""One hybrid made from :class:`~hybridnb.optimize.settings.RunSettings`, as every front end makes it.

:class:`HybridRun` turns settings and two pictures into a model, runs the
article's loop or the fast path, and evaluates the final picture, so that
every front end makes a hybrid the same way and reports the same numbers.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from ..checks import check_choice, check_picture
from ..filters.hybrid_view import Visibility, advice, balanced_crossover, visibilities
from .model import HybridModel
from .records import Report
from .settings import METHODS, RunSettings
from .viewer import ViewerLoss


def report_period(steps: int, reports: int = 20, longest: int = 10) -> int:
    """Steps between progress reports: about ``reports`` per run, at least every ``longest``.

    Short runs report often enough to animate; long runs still report every
    ``longest`` steps, so a stop is answered within a fraction of a second.

    Examples
    --------
    >>> report_period(200), report_period(40), report_period(5), report_period(5000)
    (10, 2, 1, 10)
    """
    return max(1, min(int(longest), int(steps) // int(reports)))


class HybridRun:
    """Make one hybrid: the settings' model fitted to a pair of pictures.

    Parameters
    ----------
    near, far : ndarray, shape (size, size, 3), values in [0, 1]
    settings : RunSettings

    Attributes
    ----------
    model : HybridModel
        Holds the picture reached so far (also after an interruption).
    seconds : float
        Time spent in :meth:`run`.

    Examples
    --------
    >>> import hybridnb as hn
    >>> settings = hn.ARTICLE.for_size(32)
    >>> near, far = hn.load_image("hopper", 32), hn.load_image("astronaut", 32)
    >>> final = HybridRun(near, far, settings).run()
    >>> final.steps, final.image.shape
    (200, (32, 32, 3))
    """

    def __init__(self, near: np.ndarray, far: np.ndarray, settings: RunSettings) -> None:
        shape = (settings.size, settings.size)
        self.near = check_picture("near", near, shape)
        self.far = check_picture("far", far, shape)
        check_choice("method", settings.method, METHODS)
        self.settings = settings
        #: The viewer's crossover used (cycles per picture; found from the pictures when the settings say 0).
        self.crossover: float | None = None
        if settings.method == "viewer":
            self.crossover = settings.crossover or balanced_crossover(
                self.near, self.far, space=settings.space, near_distance=settings.near_distance,
                far_distance=settings.far_distance,
            )  # fmt: skip
            loss = ViewerLoss(self.crossover, near_distance=settings.near_distance,
                              far_distance=settings.far_distance, space=settings.space)  # fmt: skip
            self.model = HybridModel(settings.size, settings.size, loss=loss)
        else:
            self.model = HybridModel(settings.size, settings.size, settings.kernel_size, settings.sigma)
        self.seconds = 0.0

    def run(self, on_report: Callable[[int, Report], bool | None] | None = None, every: int | None = None) -> Report:
        """Run the steps; return the evaluation of the final picture.

        ``on_report(steps, report)`` is called every ``every`` steps
        (:func:`report_period` by default) with the picture after ``steps``
        updates; returning True stops the run there.
        """
        s, model = self.settings, self.model
        every = report_period(s.steps) if every is None else every
        started = time.perf_counter()
        try:
            if s.optimizer == "fit" or s.method == "viewer":
                model.fit(self.near, self.far, m_precise=s.m_precise, m_blurred=s.m_blurred, target_loss=s.target_loss,
                          max_steps=s.steps, callback=on_report, report_every=every, lr=s.learning_rate())  # fmt: skip
            else:
                model.train(s.steps, every, s.learning_rate(), img_precise=self.near, img_blurred=self.far,
                            m_precise=s.m_precise, m_blurred=s.m_blurred, optimizer=s.optimizer, callback=on_report,
                            verbose=False)  # fmt: skip
        finally:
            self.seconds += time.perf_counter() - started
        return self.final()

    def stop(self) -> None:
        """Ask :meth:`run` to stop soon (from another thread or a signal handler), keeping the picture reached.

        The compiled loop answers within about a quarter of a second
        (:meth:`HybridModel.request_stop`), whatever the report period.
        """
        self.model.request_stop()

    def final(self) -> Report:
        """The evaluation of the picture the model holds now (what a save writes)."""
        s = self.settings
        return self.model.run(self.near, self.far, s.m_precise, s.m_blurred)

    def visibility(self) -> Visibility:
        """How visible each picture is in the picture the model holds (:func:`hybridnb.visibilities`)."""
        s = self.settings
        return visibilities(self.model.image(), self.near, self.far, near_distance=s.near_distance,
                            far_distance=s.far_distance)  # fmt: skip

    def describe(self, final: Report) -> str:
        """One line on what was made: the method, its main parameter, steps, time, loss and visibilities.

        Examples
        --------
        >>> import hybridnb as hn
        >>> near, far = hn.load_image("hopper", 32), hn.load_image("astronaut", 32)
        >>> job = HybridRun(near, far, hn.RunSettings(size=32, method="viewer", crossover=8.0, steps=5))
        >>> job.describe(job.run()).startswith("the viewer's loss at a crossover of 8 cycles per picture, 5 steps")
        True
        """
        s, v = self.settings, self.visibility()
        what = (
            f"the viewer's loss at a crossover of {self.crossover:g} cycles per picture"
            if s.method == "viewer"
            else f"the article's loss (m_precise {s.m_precise:g}, {s.optimizer})"
        )
        return (
            f"{what}, {self.model.steps} steps in {self.seconds:.1f} s, loss {final.loss:.6g} "
            f"(near {final.loss_precise:.6g}, far {final.loss_gauss:.6g}); visibility {v.near:.2f} up close, "
            f"{v.far:.2f} from afar"
        )

    def advice(self) -> str | None:
        """What to change when one picture dominates the other (None when both are clearly visible)."""
        v = self.visibility()
        if self.settings.method == "viewer":
            return advice(v, self.crossover)
        hint = advice(v, 0.0)
        if hint is None:
            return None
        more = "raise" if v.far > v.near else "lower"
        return hint.split(":")[0] + f": {more} m_precise (it is {self.settings.m_precise:g}) or try --method viewer"
