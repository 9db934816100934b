"""The runs as tables: the defaults of the command line, the panel, the grid, batches and the notebooks.

:data:`VIEWER` is the default: the viewer's loss
(:class:`hybridnb.optimize.viewer.ViewerLoss`) at the crossover where both
pictures are equally visible, found from the pictures, parameters in picture
widths and cycles per picture.  :data:`ARTICLE` is the article's experiment
(512 x 512 pictures, a 15-tap blur of sigma 3, 200 plain descent steps of
0.3, ``m_precise`` 0.1 and ``m_blurred`` 1), one flag away
(``hybridnb --method article``).  Everything that needs a default run reads
it from here, and :func:`RunSettings.for_size` carries the article's blur
over to other picture sizes (:func:`hybridnb.filters.kernels.scale_blur`),
so a hybrid looks the same at any resolution.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..checks import check_choice, check_count, check_fits_dtype, check_kernel_fits, check_number, check_real
from ..filters.hybrid_view import FAR_DISTANCE, NEAR_DISTANCE, SPACES
from ..filters.kernels import scale_blur
from ..imaging.io import check_size
from .memory import check_model_memory

#: How a hybrid is made: ``"viewer"``, the viewer's loss from the ideal split
#: (the default); ``"article"``, the article's loss and steps.
METHODS = ("viewer", "article")

#: The fields of :class:`RunSettings` that only one method uses.
ARTICLE_ONLY = ("kernel_size", "sigma", "optimizer", "target_loss")
VIEWER_ONLY = ("crossover", "near_distance", "far_distance", "space")

#: Adam's step size for the viewer's loss, in logit units (``bench/quality``:
#: 0.01, 0.03 and 0.1 reach the same loss within 1 % in 300 steps).
VIEWER_LR = 0.03

#: Learning rates that suit each update rule on the article's loss from a grey
#: start, in logit units per step: the article's 0.3 for plain descent, 0.05
#: for Adam (whose step is about ``lr`` per pixel whatever the gradient).
DEFAULT_LR = {"sgd": 0.3, "adam": 0.05}

#: Adam's step size for ``fit``, which starts from the classic split, close to
#: the goal: larger than :data:`DEFAULT_LR`'s.  Steps to the article's
#: 200-step loss, summed over six sample pairs at 512 x 512: lr 0.15: 49,
#: 0.2: 49, 0.3: 62.
FIT_LR = 0.2


@dataclass(frozen=True)
class RunSettings:
    """Everything a run needs besides the pictures.

    Attributes
    ----------
    size : int
        Picture side in pixels.
    method : {"viewer", "article"}
        The loss: the viewer's (:class:`hybridnb.optimize.viewer.ViewerLoss`)
        or the article's (:class:`hybridnb.optimize.article.ArticleLoss`).
    kernel_size, sigma : int, float
        The article's blur, in pixels of a ``size``-pixel picture.
    m_precise, m_blurred : float
        Weights of the near and far terms.
    crossover : float
        The viewer's crossover, cycles per picture; 0: found from the
        pictures (:func:`hybridnb.balanced_crossover`).
    near_distance, far_distance : float
        The viewer's distances, picture widths.
    space : {"display", "linear"}
        Where the viewer's ideal split is formed.
    lr : float or None
        Learning rate; ``None`` takes the optimiser's default
        (:meth:`learning_rate`).
    steps : int
        Steps (the most steps for ``"fit"``).
    optimizer : {"sgd", "adam", "fit"}
        An update rule for the article's loop, or ``"fit"``: the fast path
        (classic start, Adam, stop at ``target_loss``).  The viewer's loss
        always runs as ``"fit"`` does.
    target_loss : float or None
        With ``"fit"``: stop as soon as the loss is at most this.

    Raises
    ------
    ValueError
        When made with a value no run can use, naming the field: the same
        checks as :class:`~hybridnb.optimize.model.HybridModel`'s (whole
        numbers, finite numbers the float32 arithmetic can carry, a kernel
        that fits the picture, a model that fits in memory), so every front
        end refuses bad settings before any work.

    Examples
    --------
    >>> ARTICLE.kernel_size, ARTICLE.m_precise, ARTICLE.optimizer, ARTICLE.learning_rate()
    (15, 0.1, 'sgd', 0.3)
    >>> VIEWER.method, VIEWER.crossover, VIEWER.learning_rate()
    ('viewer', 0.0, 0.03)
    >>> RunSettings(m_precise=1e39)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: m_precise must be at most 2.2e+32 in float32 (at 512 px the loss adds up ...), got 1e+39
    >>> ARTICLE.for_size(1024).kernel_size, ARTICLE.for_size(1024).sigma
    (31, 6.0)
    """

    size: int = 512
    method: str = "article"
    kernel_size: int = 15
    sigma: float = 3.0
    m_precise: float = 0.1
    m_blurred: float = 1.0
    lr: float | None = None
    steps: int = 200
    optimizer: str = "sgd"
    target_loss: float | None = None
    crossover: float = 0.0
    near_distance: float = NEAR_DISTANCE
    far_distance: float = FAR_DISTANCE
    space: str = "display"

    def __post_init__(self) -> None:
        size = check_size(self.size)
        count = 2 * size * size * 3  # both terms: squared differences of at most 1
        why = f"at {size} px the loss adds up {count} squared differences of at most 1"
        checked = {
            "size": size,
            "kernel_size": check_count("kernel_size", self.kernel_size),
            "sigma": check_number("sigma", self.sigma, positive=True),
            "m_precise": check_fits_dtype("m_precise", check_number("m_precise", self.m_precise), np.float32,
                                          count=count, why=why),
            "m_blurred": check_fits_dtype("m_blurred", check_number("m_blurred", self.m_blurred), np.float32,
                                          count=count, why=why),
            "lr": None if self.lr is None else check_fits_dtype("lr", check_number("lr", self.lr, positive=True),
                                                                 np.float32),
            "steps": check_count("steps", self.steps),
            "target_loss": None if self.target_loss is None else check_real("target_loss", self.target_loss),
            "method": check_choice("method", self.method, METHODS),
            "crossover": check_number("crossover", self.crossover),
            "near_distance": check_number("near_distance", self.near_distance, positive=True),
            "far_distance": check_number("far_distance", self.far_distance, positive=True),
            "space": check_choice("space", self.space, SPACES),
        }  # fmt: skip
        for name, value in checked.items():
            object.__setattr__(self, name, value)
        if self.method == "article":
            check_kernel_fits((size, size), self.kernel_size)
        check_model_memory(size, size)

    def learning_rate(self) -> float:
        """``lr``, or the default of the method and optimiser."""
        if self.lr is not None:
            return self.lr
        if self.method == "viewer":
            return VIEWER_LR
        return FIT_LR if self.optimizer == "fit" else DEFAULT_LR.get(self.optimizer, DEFAULT_LR["sgd"])

    def for_size(self, size: int) -> RunSettings:
        """These settings for ``size``-pixel pictures, the blur scaled with the picture."""
        kernel_size, sigma = scale_blur(self.kernel_size, self.sigma, size, reference_size=self.size)
        return replace(self, size=size, kernel_size=kernel_size, sigma=sigma)


#: The article's experiment.
ARTICLE = RunSettings()
#: The default: the viewer's loss at the balanced crossover, 100 Adam steps from the ideal split clipped to the
#: display.  The far view's error counts double: from afar the far picture is recognised by its coarse
#: structure alone, which the classic split keeps whole and a projection must not trade for near detail
#: (``bench/quality/viewer_sweep.py``: with equal weights the far visibility fell by up to 0.011 on the
#: tuning pairs, with double weight by at most 0.006, the near visibility still rising).
VIEWER = RunSettings(method="viewer", m_precise=1.0, m_blurred=2.0, steps=100, optimizer="fit")


def method_defaults(method: str, size: int) -> RunSettings:
    """The settings ``method`` starts from at ``size`` pixels, before any option or control.

    :data:`VIEWER` (its parameters do not depend on the pixel count), or
    :data:`ARTICLE` with its blur scaled to the size: the one rule of the
    command line, the panel and a batch.

    Examples
    --------
    >>> method_defaults("viewer", 256) == replace(VIEWER, size=256)
    True
    >>> article = method_defaults("article", 256)
    >>> article.kernel_size, article.sigma
    (9, 1.5)
    """
    return replace(VIEWER, size=size) if method == VIEWER.method else ARTICLE.for_size(size)
