"""``HybridModel``: the article's ``MyModel``, fitting any loss with any update rule.

The model is nothing but an array of pixel logits, ``trainable_image``
(shape (1, H, W, 3)); the picture is its sigmoid, so colours never leave
[0, 1].  What it is fitted to is a *loss* object (:mod:`hybridnb.optimize.loss`;
the article's, :class:`~hybridnb.optimize.article.ArticleLoss`, by default)
and how is an *update rule* named from :data:`hybridnb.optimize.updates.UPDATE_RULES`.
``run`` evaluates the loss and its gradient, ``apply_gradient`` is the
article's hand-written descent step, ``train`` is the article's loop, ``fit``
is the fast path (the classic start and Adam until a target loss).  Both
loops run in the compiled engine (:mod:`hybridnb.optimize.engine`) and report
steps the same way: a report of step ``i`` is the picture after ``i`` updates.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import tensorflow as tf

from ..checks import check_choice, check_count, check_fits_dtype, check_number, check_picture, check_real
from ..imaging.color import GAMMA
from .article import ArticleLoss
from .engine import Descent, Diverged, advance, begin, engine_for, train_steps
from .loss import HybridLoss
from .memory import check_model_memory
from .records import Report
from .settings import FIT_LR
from .start import start_logits
from .updates import UPDATE_RULES

#: The update rules ``train`` takes, by name.
OPTIMIZERS = tuple(UPDATE_RULES)


class HybridModel:
    """The article's model: trainable pixel logits fitted to two pictures.

    Parameters
    ----------
    img_h, img_w : int
        Size of the pictures.
    gauss_kernel_size : int, optional
        Taps of the article's blur kernel (the article uses 15).
    gauss_sigma : float, optional
        The blur's sigma in pixels (the article uses 3).
    image_source : ndarray, optional
        Initial logits, shape (1, H, W, 3) or (H, W, 3); zeros (a grey
        picture) by default, as in the article.
    loss : HybridLoss, optional
        What to fit; ``ArticleLoss(gauss_kernel_size, gauss_sigma, gamma)``
        by default.  Give either the article's two blur parameters or a loss.
    dtype : tf.DType, optional
        ``tf.float32`` (default, fast) or ``tf.float64`` (the article's).
    gamma : float, optional
        Gamma of the article's linear-light blur, 2.2 as in the article.

    Raises
    ------
    ValueError
        With a message that says what is allowed: sizes and kernel taps are
        whole numbers >= 1, sigma and gamma finite and > 0, a picture holds
        at most ``2 * side - 1`` taps (:func:`hybridnb.checks.check_kernel_fits`),
        ``image_source`` is finite, and the model fits in this machine's
        memory (estimated before anything is allocated,
        :func:`hybridnb.optimize.memory.check_model_memory`).

    Notes
    -----
    :meth:`train` and :meth:`fit` return to Python every quarter of a
    second or so (:data:`hybridnb.optimize.engine.CHUNK_SECONDS`) and keep
    the picture reached each time: :meth:`request_stop` (from another
    thread, a signal handler) ends them there, and an exception
    (``KeyboardInterrupt``) leaves the model holding the picture reached.

    Examples
    --------
    >>> import hybridnb as hn
    >>> near = hn.load_image("hopper", size=32)
    >>> far = hn.load_image("astronaut", size=32)
    >>> model = hn.HybridModel(32, 32, gauss_kernel_size=7, gauss_sigma=1.5)
    >>> first = model.run(near, far, m_precise=0.1)
    >>> last = model.train(50, 0, 0.3, img_precise=near, img_blurred=far, m_precise=0.1)
    >>> bool(last.loss < first.loss), last.image.shape
    (True, (32, 32, 3))
    """

    def __init__(
        self,
        img_h: int,
        img_w: int,
        gauss_kernel_size: int | None = None,
        gauss_sigma: float | None = None,
        image_source: np.ndarray | None = None,
        *,
        loss: HybridLoss | None = None,
        dtype: tf.DType = tf.float32,
        gamma: float = GAMMA,
    ) -> None:
        self.img_h, self.img_w = check_count("img_h", img_h), check_count("img_w", img_w)
        self.dtype = tf.as_dtype(dtype)
        if self.dtype not in (tf.float32, tf.float64):
            raise ValueError(f"dtype must be tf.float32 or tf.float64, got {self.dtype.name}")
        check_model_memory(self.img_h, self.img_w, itemsize=self.dtype.size)
        if loss is None:
            if gauss_kernel_size is None or gauss_sigma is None:
                raise ValueError("give the blur (gauss_kernel_size and gauss_sigma) or a loss")
            loss = ArticleLoss(gauss_kernel_size, gauss_sigma, gamma)
        elif gauss_kernel_size is not None or gauss_sigma is not None:
            raise ValueError(
                "the blur's parameters belong to the loss: give them to it, e.g. loss=hn.ArticleLoss(15, 3)"
            )
        elif not isinstance(loss, HybridLoss):
            raise ValueError(f"loss must be a hybridnb loss (a HybridLoss), got {type(loss).__name__}")
        loss.check((self.img_h, self.img_w))
        self.loss = loss
        if image_source is None:
            image_source = np.zeros((1, self.img_h, self.img_w, 3))
        image_source = np.asarray(image_source, dtype=self.dtype.as_numpy_dtype)
        if image_source.ndim == 3:
            image_source = image_source[np.newaxis]
        if image_source.shape != (1, self.img_h, self.img_w, 3):
            raise ValueError(f"image_source must have shape (1, {img_h}, {img_w}, 3), got {image_source.shape}")
        if not np.all(np.isfinite(image_source)):
            raise ValueError("image_source must hold finite logits (any real number; 0 is grey)")
        self.trainable_image = tf.Variable(initial_value=image_source, trainable=True)
        self.steps = 0
        self._slots: dict[str, tuple] = {}  # each rule's state, kept between calls of ``train``
        self._stop = threading.Event()

    def request_stop(self) -> None:
        """Ask the :meth:`train` or :meth:`fit` running now (or next) to stop soon, keeping the picture reached.

        Safe to call from another thread or a signal handler.  The run ends
        at its next chunk boundary (within about
        :data:`hybridnb.optimize.engine.CHUNK_SECONDS`) and returns the
        evaluation of the picture reached; the request is then used up.

        Examples
        --------
        >>> import hybridnb as hn
        >>> near, far = hn.load_image("hopper", 16), hn.load_image("astronaut", 16)
        >>> model = hn.HybridModel(16, 16, 5, 1.0)
        >>> model.request_stop()
        >>> model.fit(near, far, max_steps=10**6).steps < 10**6  # stopped after its first chunk
        True
        """
        self._stop.set()

    # -- the article's blur (for the article's loss) -------------------------

    @property
    def gauss_kernel_size(self) -> int:
        """Taps of the article's blur (its loss's ``kernel_size``)."""
        return self._article_loss().kernel_size

    @property
    def gauss_sigma(self) -> float:
        """Sigma of the article's blur (its loss's ``sigma``)."""
        return self._article_loss().sigma

    @property
    def gamma(self) -> float:
        """Gamma of the article's blur."""
        return self._article_loss().gamma

    @property
    def kernel(self) -> np.ndarray:
        """The article's 1-D blur kernel."""
        return self._article_loss().kernel

    def set_blur(self, gauss_kernel_size: int, gauss_sigma: float) -> None:
        """Change the article's blur kernel; the compiled steps are reused.

        Examples
        --------
        >>> import hybridnb as hn
        >>> model = hn.HybridModel(8, 8, 5, 1.0)
        >>> model.set_blur(5, 2.0)
        >>> model.kernel.shape, model.gauss_sigma
        ((5,), 2.0)
        """
        loss = replace(self._article_loss(), kernel_size=gauss_kernel_size, sigma=gauss_sigma)
        loss.check((self.img_h, self.img_w))
        self.loss = loss

    def _article_loss(self) -> ArticleLoss:
        if not isinstance(self.loss, ArticleLoss):
            raise ValueError(f"this model fits {type(self.loss).__name__}, which has no article blur")
        return self.loss

    # -- the article's surface ---------------------------------------------

    def image(self) -> np.ndarray:
        """The current picture, float (H, W, 3) in [0, 1].

        Examples
        --------
        >>> import hybridnb as hn
        >>> float(hn.HybridModel(4, 4, 3, 1.0).image()[0, 0, 0])
        0.5
        """
        return tf.math.sigmoid(self.trainable_image)[0].numpy()

    def run(self, img_precise, img_blurred, m_precise: float = 1, m_blurred: float = 1) -> Report:
        """Evaluate the loss and its gradient at the current picture.

        Parameters
        ----------
        img_precise : ndarray, shape (H, W, 3)
            Seen up close: the near picture.
        img_blurred : ndarray, shape (H, W, 3)
            Seen from afar: the far picture.
        m_precise, m_blurred : float
            Weights of the near and the far term.

        Returns
        -------
        Report

        Examples
        --------
        >>> import numpy as np
        >>> import hybridnb as hn
        >>> model = hn.HybridModel(8, 8, 3, 1.0)
        >>> r = model.run(np.full((8, 8, 3), 0.5), np.full((8, 8, 3), 0.5))
        >>> round(r.loss, 6), r.gradient.shape
        (0.0, (1, 8, 8, 3))
        """
        inputs, weights = self._inputs(img_precise, img_blurred, m_precise, m_blurred)
        engine = engine_for(self.loss, "sgd")
        return self._report(begin(engine, self._logits(), (), inputs, weights), self.steps)

    def apply_gradient(self, grad, lr: float) -> None:
        """The article's descent step: ``trainable_image -= lr * grad``.

        Examples
        --------
        >>> import numpy as np
        >>> import hybridnb as hn
        >>> model = hn.HybridModel(2, 2, 1, 1.0)
        >>> model.apply_gradient(np.ones((1, 2, 2, 3)), 0.5)
        >>> float(model.trainable_image[0, 0, 0, 0])
        -0.5
        """
        lr = self._check_lr(check_number("lr", lr))
        grad = tf.convert_to_tensor(grad, dtype=self.dtype)
        if grad.shape != self.trainable_image.shape:
            raise ValueError(f"grad must have shape {tuple(self.trainable_image.shape)}, got {tuple(grad.shape)}")
        if not bool(tf.reduce_all(tf.math.is_finite(grad))):
            raise ValueError("grad holds NaN or infinity; the picture is left unchanged")
        self.trainable_image.assign_sub(tf.constant(lr, self.dtype) * grad)
        self.steps += 1

    def train(
        self,
        steps_count: int,
        print_loss_steps: int,
        lr: float,
        *,
        img_precise,
        img_blurred,
        m_precise: float = 1,
        m_blurred: float = 1,
        optimizer: str = "sgd",
        callback: Callable[[int, Report], bool | None] | None = None,
        verbose: bool = True,
    ) -> Report:
        """Run ``steps_count`` descent steps, as the article's ``train``.

        Step ``i`` evaluates the loss, then updates the picture.  Every
        ``print_loss_steps`` steps (``i % print_loss_steps ==
        print_loss_steps - 1``) it prints ``"{i}: loss = ..., precise = ...,
        gauss = ..."`` and calls ``callback(i, report)``, ``report`` being the
        evaluation of the picture after ``i`` updates.

        Parameters
        ----------
        steps_count : int
        print_loss_steps : int
            Report period; 0 reports nothing.
        lr : float
            Learning rate (the article: 0.3 with ``"sgd"``; try 0.05 with
            ``"adam"``).
        img_precise, img_blurred, m_precise, m_blurred
            As for :meth:`run`.
        optimizer : {"sgd", "adam"}
            An update rule of :data:`hybridnb.optimize.updates.UPDATE_RULES`.
            ``"sgd"`` is the article's step and gives exactly the numbers of
            calling :meth:`run` and :meth:`apply_gradient` by hand.
        callback : callable, optional
            ``callback(step, report)``; return ``True`` to stop after that step.
        verbose : bool, optional
            Print at report steps (default, as the article).

        Returns
        -------
        Report
            The last evaluation, as the article: the loss *before* the last
            update (its ``steps`` field says how many updates preceded it).

        Raises
        ------
        FloatingPointError
            If the steps blow up: an update would make the picture NaN or
            infinite (it is not applied), or the picture saturates to pure
            black and white (see :func:`hybridnb.checks.blow_up_message`).
            The message suggests a smaller ``lr``; the model keeps its last
            finite picture.
        """
        optimizer = check_choice("optimizer", optimizer, OPTIMIZERS)
        steps_count = check_count("steps_count", steps_count)
        print_loss_steps = check_count("print_loss_steps", print_loss_steps, minimum=0)
        lr = self._check_lr(check_number("lr", lr, positive=True))
        inputs, weights = self._inputs(img_precise, img_blurred, m_precise, m_blurred)
        engine = engine_for(self.loss, optimizer)
        logits = self._logits()
        slots = self._slots.get(optimizer) or engine.rule.slots(logits)
        base, last = self.steps, None
        checkpoint = self._checkpoint(base)

        def on_report(step: int, state: Descent, printed: bool) -> bool:
            nonlocal last
            self._hold(state, base)
            last = self._report(state, base + step)
            if not printed:
                return False
            if verbose:
                print(f"{step}: loss = {last.loss}, precise = {last.loss_precise}, gauss = {last.loss_gauss}")
            return callback is not None and bool(callback(step, last))

        try:
            state = train_steps(
                engine, begin(engine, logits, slots, inputs, weights), inputs, weights, lr, steps_count,
                print_loss_steps, on_report, checkpoint,
            )  # fmt: skip
        except Diverged as error:
            self._hold(error.state, base)
            raise
        finally:
            self._stop.clear()
        self._hold(state, base)
        self._slots[optimizer] = state.slots
        if checkpoint.stopped:  # between report points: the evaluation of the picture reached
            last = self._report(state, self.steps)
        return last

    def fit(
        self,
        img_precise,
        img_blurred,
        *,
        m_precise: float = 1,
        m_blurred: float = 1,
        target_loss: float | None = None,
        max_steps: int = 1000,
        callback: Callable[[int, Report], bool | None] | None = None,
        lr: float = FIT_LR,
        start: str = "auto",
        report_every: int = 10,
    ) -> Report:
        """The fast path: fit the picture until its loss is ``<= target_loss``.

        Starts from the loss's classic start (for the article's loss, the
        classic hybrid in linear light, :mod:`hybridnb.optimize.start`) and
        runs Adam in the compiled loop, which checks the loss after every
        step.  For the article's loss it reaches the loss of the article's
        200 plain steps in 4 to 16 steps, well under a second at 512 x 512 on
        2 CPU cores (``bench/README.md``).  The loss is exactly what
        :meth:`run` reports.

        Parameters
        ----------
        img_precise, img_blurred, m_precise, m_blurred
            As for :meth:`run`.
        target_loss : float, optional
            Stop as soon as the total loss is at most this.  ``None`` runs
            ``max_steps`` steps.
        max_steps : int, optional
            Most Adam steps (default 1000).
        callback : callable, optional
            ``callback(steps, report)`` every ``report_every`` steps and at the
            end, ``report`` being the evaluation of the picture after ``steps``
            steps of this call; return ``True`` to stop.
        lr : float, optional
            Adam's step size (default :data:`hybridnb.optimize.settings.FIT_LR`).
        start : {"auto", "guess", "current"}, optional
            ``"guess"``: from the loss's classic start; ``"current"``: from the
            current picture; ``"auto"`` (default): the guess if the picture is
            still the untouched grey start, else the current picture.
        report_every : int, optional
            Steps between callbacks (the loop returns to Python only then).

        Returns
        -------
        Report
            The evaluation of the final picture (the model holds it);
            ``steps`` counts the model's updates, those of this call
            included.

        Raises
        ------
        FloatingPointError
            If the steps blow up (an update would not be finite, or the
            picture saturates to pure black and white), checked every
            ``report_every`` steps with a callback, else at the end; the
            message suggests a smaller ``lr``.  The model keeps its last
            finite picture.

        Examples
        --------
        >>> import hybridnb as hn
        >>> near = hn.load_image("hopper", size=32)
        >>> far = hn.load_image("astronaut", size=32)
        >>> model = hn.HybridModel(32, 32, gauss_kernel_size=7, gauss_sigma=1.5)
        >>> report = model.fit(near, far, m_precise=0.1, target_loss=40.0)
        >>> report.loss <= 40.0, report.steps < 100
        (True, True)
        >>> model.run(near, far, m_precise=0.1).loss == report.loss
        True
        """
        max_steps = check_count("max_steps", max_steps, minimum=0)
        report_every = check_count("report_every", report_every, minimum=1)
        lr = self._check_lr(check_number("lr", lr, positive=True))
        if target_loss is not None:
            target_loss = check_real("target_loss", target_loss)
        start = check_choice("start", start, ("auto", "guess", "current"))
        inputs, weights = self._inputs(img_precise, img_blurred, m_precise, m_blurred)
        grey = self.steps == 0 and not np.any(self.trainable_image.numpy())
        if start == "guess" or (start == "auto" and grey):
            near, far = (tf.constant(check_picture(n, a)[np.newaxis], self.dtype)
                         for n, a in (("img_precise", img_precise), ("img_blurred", img_blurred)))  # fmt: skip
            guess = start_logits(self.loss.start(near, far, self.dtype), self.loss.start_margin)
            self.trainable_image.assign(guess)
        engine = engine_for(self.loss, "adam")
        logits = self._logits()
        state = begin(engine, logits, engine.rule.slots(logits), inputs, weights)
        chunk = report_every if callback is not None else max_steps
        base = self.steps
        checkpoint = self._checkpoint(base)
        try:
            while True:
                try:
                    state = advance(engine, state, inputs, weights, lr, min(chunk, max_steps - state.steps),
                                    target=target_loss, what="fit", checkpoint=checkpoint)  # fmt: skip
                except Diverged as error:
                    self._hold(error.state, base)
                    raise
                self._hold(state, base)
                report = self._report(state, self.steps)
                met = target_loss is not None and report.loss <= target_loss
                if callback is not None and callback(state.steps, report):
                    break
                if state.steps >= max_steps or met or self._stop.is_set():
                    break
        finally:
            self._stop.clear()
        return report

    # -- helpers ------------------------------------------------------------

    def _logits(self) -> tf.Tensor:
        return self.loss.pack(self.trainable_image.read_value())

    def _checkpoint(self, base: int) -> _Checkpoint:
        return _Checkpoint(self, base)

    def _check_lr(self, lr: float) -> float:
        return check_fits_dtype("lr", lr, self.dtype.as_numpy_dtype)

    def _hold(self, state: Descent, base: int) -> None:
        """Make ``state``'s picture the model's, ``base`` being the model's steps before the run."""
        self.trainable_image.assign(self.loss.unpack(state.logits, 1))
        self.steps = base + state.steps

    def _inputs(self, img_precise, img_blurred, m_precise, m_blurred):
        shape = (self.img_h, self.img_w)
        precise = check_picture("img_precise", img_precise, shape)
        blurred = check_picture("img_blurred", img_blurred, shape)
        count = 2 * self.img_h * self.img_w * 3  # both terms add up to this many squared differences of at most 1
        why = f"at {self.img_h}x{self.img_w} px the loss adds up {count} squared differences of at most 1"
        m_precise, m_blurred = (
            check_fits_dtype(name, check_number(name, value), self.dtype.as_numpy_dtype, count=count, why=why)
            for name, value in (("m_precise", m_precise), ("m_blurred", m_blurred))
        )
        d = self.dtype
        near, far = tf.constant(precise[np.newaxis], d), tf.constant(blurred[np.newaxis], d)
        inputs = self.loss.prepare(near, far, 1, d)
        return inputs, (tf.constant([m_precise], d), tf.constant([m_blurred], d))

    def _report(self, state: Descent, steps: int) -> Report:
        loss, near_term, far_term, grad = state.evaluation
        return Report(
            image=tf.math.sigmoid(self.loss.unpack(state.logits, 1))[0].numpy(),
            loss=float(loss),
            loss_precise=float(tf.reduce_sum(near_term)),
            loss_gauss=float(tf.reduce_sum(far_term)),
            gradient=self.loss.unpack(grad, 1).numpy(),
            steps=steps,
        )


class _Checkpoint:
    """What the engine calls between chunks: keep the picture reached, and stop if asked."""

    def __init__(self, model: HybridModel, base: int) -> None:
        self.model, self.base, self.stopped = model, base, False

    def __call__(self, state: Descent) -> bool:
        self.model._hold(state, self.base)
        self.stopped = self.model._stop.is_set()
        return self.stopped
