"""``HybridModel``: the article's ``MyModel`` with a compiled training step.

The model is nothing but an array of pixel logits, ``trainable_image``
(shape (1, H, W, 3)); the picture is its sigmoid, so colours never leave
[0, 1].  ``run`` evaluates the article's loss and its gradient,
``apply_gradient`` is the article's hand-written descent step, ``train``
loops; ``fit`` is the fast path (a classic-hybrid start and Adam in a
compiled loop, see :mod:`hybridnb.fitting`).  Everything that runs per step
is compiled once with ``tf.function``; targets, weights, kernel, gamma and
learning rate enter as tensors, so a new pair of pictures or new parameters
of the same size reuse the compiled graph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from ..checks import blow_up_message, check_count, check_kernel_fits, check_number, check_picture
from ..filters.blur import blur_with_kernel
from ..filters.kernels import make_gauss_blur_kernel
from ..imaging.color import GAMMA, fast_power
from .fitting import ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, FIT_LR, adam_steps, evaluate, initial_logits

OPTIMIZERS = ("sgd", "adam")


@dataclass(frozen=True)
class Report:
    """One evaluation of the loss, as the article's ``Report``.

    Attributes
    ----------
    image : ndarray, shape (H, W, 3)
        The picture (sigmoid of the logits) the losses were evaluated at.
    loss, loss_precise, loss_gauss : float
        ``m_precise * loss_precise + m_blurred * loss_gauss`` and its parts.
    gradient : ndarray, shape (1, H, W, 3)
        d loss / d ``trainable_image`` at that point.
    steps : int
        Descent steps applied to the model before this evaluation.
    """

    image: np.ndarray
    loss: float
    loss_precise: float
    loss_gauss: float
    gradient: np.ndarray
    steps: int = 0


# --- compiled functional core ---------------------------------------------
# Module-level functions, so every model of the same size and dtype shares
# one trace.  All numbers come in as tensors: no retracing for new values.


@tf.function(reduce_retracing=True, autograph=False)
def _far_target(img_blurred, kernel, gamma):
    # far_view's numbers, with the fast power: this is never differentiated.
    gamma = tf.cast(gamma, img_blurred.dtype)
    return fast_power(blur_with_kernel(fast_power(img_blurred, gamma), kernel, positive=True), 1.0 / gamma)


# The loss and its gradient (the article's numbers; see fitting.evaluate): one
# compiled function shared by ``run``, ``train`` and ``fit``.
_loss_and_gradient = evaluate


def _finite(loss, update):
    """One scalar test that the loss and every element of the update are finite.

    A sum is finite only if all its terms are; this costs one reduction, where
    ``reduce_all(is_finite(...))`` plus ``tf.where`` on the picture cost about
    15 % of a step at 512 x 512.
    """
    return tf.math.is_finite(loss + tf.reduce_sum(update))


def _nan_unless(ok, loss):
    return tf.where(ok, loss, tf.constant(np.nan, loss.dtype))


# The steps below apply no update that is not finite (the picture stays the
# last finite one) and then report the loss as NaN, so that ``train`` stops
# with a clear error instead of handing back a NaN picture.


@tf.function(reduce_retracing=True, autograph=False)
def _sgd_step(var, img_precise, far_target, kernel, m_precise, m_blurred, gamma, lr):
    loss, loss_precise, loss_gauss, grad = _loss_and_gradient(
        var.read_value(), img_precise, far_target, kernel, m_precise, m_blurred, gamma
    )
    update = lr * grad
    ok = _finite(loss, update)
    tf.cond(ok, lambda: var.assign_sub(update).op, tf.no_op)
    return _nan_unless(ok, loss), loss_precise, loss_gauss, grad


@tf.function(reduce_retracing=True, autograph=False)
def _adam_step(var, m, v, t, img_precise, far_target, kernel, m_precise, m_blurred, gamma, lr):
    loss, loss_precise, loss_gauss, grad = _loss_and_gradient(
        var.read_value(), img_precise, far_target, kernel, m_precise, m_blurred, gamma
    )
    b1 = tf.constant(ADAM_BETA1, var.dtype)
    b2 = tf.constant(ADAM_BETA2, var.dtype)
    t_new = t + 1.0
    m_new = b1 * m + (1.0 - b1) * grad
    v_new = b2 * v + (1.0 - b2) * tf.square(grad)
    m_hat = m_new / (1.0 - tf.pow(b1, t_new))
    v_hat = v_new / (1.0 - tf.pow(b2, t_new))
    update = lr * m_hat / (tf.sqrt(v_hat) + ADAM_EPSILON)
    ok = _finite(loss, update)

    def apply():
        return tf.group(t.assign(t_new), m.assign(m_new), v.assign(v_new), var.assign_sub(update))

    tf.cond(ok, apply, tf.no_op)
    return _nan_unless(ok, loss), loss_precise, loss_gauss, grad


def _diverged(what: str, why: str, lr: float) -> FloatingPointError:
    return FloatingPointError(f"{what}: {why}; lower the learning rate (it was {lr:g}; try {lr / 10:g})")


class HybridModel:
    """The article's model: trainable pixel logits fitted to two pictures.

    Parameters
    ----------
    img_h, img_w : int
        Size of the pictures.
    gauss_kernel_size : int
        Taps of the blur kernel (the article uses 15).
    gauss_sigma : float
        Blur sigma in pixels (the article uses 3).
    image_source : ndarray, optional
        Initial logits, shape (1, H, W, 3) or (H, W, 3); zeros (a grey
        picture) by default, as in the article.
    dtype : tf.DType, optional
        ``tf.float32`` (default, fast) or ``tf.float64`` (the article's).
    gamma : float, optional
        Gamma of the linear-light blur, 2.2 as in the article.

    Raises
    ------
    ValueError
        With a message that says what is allowed: sizes and kernel taps are
        whole numbers >= 1, sigma and gamma finite and > 0, a picture holds
        at most ``2 * side - 1`` taps (:func:`hybridnb.checks.check_kernel_fits`),
        ``image_source`` is finite.

    Examples
    --------
    >>> import numpy as np
    >>> import hybridnb as hn
    >>> near = hn.load_image(hn.sample_images()["hopper"], size=32)
    >>> far = hn.load_image(hn.sample_images()["astronaut"], size=32)
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
        gauss_kernel_size: int,
        gauss_sigma: float,
        image_source: np.ndarray | None = None,
        *,
        dtype: tf.DType = tf.float32,
        gamma: float = GAMMA,
    ) -> None:
        self.img_h, self.img_w = check_count("img_h", img_h), check_count("img_w", img_w)
        self.dtype = tf.as_dtype(dtype)
        if self.dtype not in (tf.float32, tf.float64):
            raise ValueError(f"dtype must be tf.float32 or tf.float64, got {self.dtype.name}")
        self.gamma = check_number("gamma", gamma, positive=True)
        if image_source is None:
            image_source = np.zeros((1, self.img_h, self.img_w, 3))
        image_source = np.asarray(image_source, dtype=self.dtype.as_numpy_dtype)
        if image_source.ndim == 3:
            image_source = image_source[np.newaxis]
        if image_source.shape != (1, self.img_h, self.img_w, 3):
            raise ValueError(f"image_source must have shape (1, {img_h}, {img_w}, 3), got {image_source.shape}")
        if not np.all(np.isfinite(image_source)):
            raise ValueError("image_source must hold finite logits (any real number; 0 is grey)")
        self.set_blur(gauss_kernel_size, gauss_sigma)
        self.trainable_image = tf.Variable(initial_value=image_source, trainable=True)
        self.steps = 0
        self._adam_slots: tuple[tf.Variable, tf.Variable, tf.Variable] | None = None

    # -- parameters ---------------------------------------------------------

    def set_blur(self, gauss_kernel_size: int, gauss_sigma: float) -> None:
        """Change the blur kernel; the compiled step is reused for the same size.

        Examples
        --------
        >>> import hybridnb as hn
        >>> model = hn.HybridModel(8, 8, 5, 1.0)
        >>> model.set_blur(5, 2.0)
        >>> model.kernel.shape
        (5,)
        """
        kernel_size = check_count("gauss_kernel_size", gauss_kernel_size)
        sigma = check_number("gauss_sigma", gauss_sigma, positive=True)
        check_kernel_fits((self.img_h, self.img_w), kernel_size)
        self.gauss_kernel_size, self.gauss_sigma = kernel_size, sigma
        self.kernel = make_gauss_blur_kernel(self.gauss_kernel_size, self.gauss_sigma)
        self._kernel = tf.constant(self.kernel, dtype=self.dtype)

    def image(self) -> np.ndarray:
        """The current picture, float (H, W, 3) in [0, 1].

        Examples
        --------
        >>> import hybridnb as hn
        >>> float(hn.HybridModel(4, 4, 3, 1.0).image()[0, 0, 0])
        0.5
        """
        return tf.math.sigmoid(self.trainable_image)[0].numpy()

    def _tensors(self, img_precise, img_blurred, m_precise, m_blurred):
        shape = (self.img_h, self.img_w)
        precise = check_picture("img_precise", img_precise, shape)
        blurred = check_picture("img_blurred", img_blurred, shape)
        m_precise, m_blurred = check_number("m_precise", m_precise), check_number("m_blurred", m_blurred)
        d = self.dtype
        gamma = tf.constant(self.gamma, d)
        precise = tf.constant(precise[np.newaxis], d)
        far_target = _far_target(tf.constant(blurred[np.newaxis], d), self._kernel, gamma)
        return (precise, far_target, self._kernel, tf.constant(m_precise, d), tf.constant(m_blurred, d), gamma)

    # -- the article's surface ---------------------------------------------

    def run(self, img_precise, img_blurred, m_precise: float = 1, m_blurred: float = 1) -> Report:
        """Evaluate the loss and its gradient at the current picture.

        Parameters
        ----------
        img_precise : ndarray, shape (H, W, 3)
            Seen up close: matched pixel by pixel.
        img_blurred : ndarray, shape (H, W, 3)
            Seen from afar: matched after the linear-light blur.
        m_precise, m_blurred : float
            Weights of the two losses.

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
        args = self._tensors(img_precise, img_blurred, m_precise, m_blurred)
        return self._report(*_loss_and_gradient(self.trainable_image.read_value(), *args))

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
        lr = check_number("lr", lr)
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
        gauss = ..."`` and calls ``callback(i, report)``.

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
            If the steps blow up (checked at report steps and the last step):
            the loss becomes NaN or infinite, or the picture saturates to pure
            black and white (see :func:`hybridnb.checks.blow_up_message`).
            The message suggests a smaller ``lr``.  No update that is not
            finite is ever applied, so the model keeps its last finite
            picture.
        """
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
        steps_count = check_count("steps_count", steps_count)
        print_loss_steps = check_count("print_loss_steps", print_loss_steps, minimum=0)
        lr = check_number("lr", lr, positive=True)
        args = self._tensors(img_precise, img_blurred, m_precise, m_blurred)
        lr_t = tf.constant(lr, self.dtype)
        if optimizer == "adam":
            slots = self._adam()
            step = lambda: _adam_step(self.trainable_image, *slots, *args, lr_t)  # noqa: E731
        else:
            step = lambda: _sgd_step(self.trainable_image, *args, lr_t)  # noqa: E731
        report = None
        for i in range(int(steps_count)):
            reporting = print_loss_steps and i % print_loss_steps == print_loss_steps - 1
            last = i == steps_count - 1
            image = tf.math.sigmoid(self.trainable_image[0]) if (reporting or last) else None
            out = step()
            self.steps += 1
            if reporting or last:
                report = self._report(*out, image=image, steps=self.steps - 1)
                if not np.isfinite(report.loss):
                    raise _diverged(f"training diverged at step {i}", f"the loss became {report.loss}", lr)
                why = blow_up_message(self.trainable_image.numpy())
                if why is not None:
                    raise _diverged(f"training diverged at step {i}", why, lr)
            if reporting:
                if verbose:
                    print(f"{i}: loss = {report.loss}, precise = {report.loss_precise}, gauss = {report.loss_gauss}")
                if callback is not None and callback(i, report):
                    break
        return report

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

        Starts from the classic hybrid in linear light
        (:func:`hybridnb.fitting.initial_logits`) and runs Adam in a compiled
        loop that checks the loss after every step (see
        :mod:`hybridnb.fitting`).  It reaches the loss of the article's 200
        plain steps in 4 to 16 steps, well under a second at 512 x 512 on 2
        CPU cores (``bench/README.md``).  The loss is the article's, exactly
        what :meth:`run` reports.

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
            Adam's step size (default :data:`hybridnb.fitting.FIT_LR`).
        start : {"auto", "guess", "current"}, optional
            ``"guess"``: from the classic hybrid; ``"current"``: from the
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
            If the steps blow up (the loss becomes NaN or infinite, or the
            picture saturates to pure black and white), checked every
            ``report_every`` steps with a callback, else at the end; the
            message suggests a smaller ``lr``.  The model keeps its last
            finite picture.

        Examples
        --------
        >>> import hybridnb as hn
        >>> near = hn.load_image(hn.sample_images()["hopper"], size=32)
        >>> far = hn.load_image(hn.sample_images()["astronaut"], size=32)
        >>> model = hn.HybridModel(32, 32, gauss_kernel_size=7, gauss_sigma=1.5)
        >>> report = model.fit(near, far, m_precise=0.1, target_loss=40.0)
        >>> report.loss <= 40.0, report.steps < 100
        (True, True)
        >>> model.run(near, far, m_precise=0.1).loss == report.loss
        True
        """
        check_count("max_steps", max_steps, minimum=0)
        check_count("report_every", report_every, minimum=1)
        lr = check_number("lr", lr, positive=True)
        if target_loss is not None and not (isinstance(target_loss, (int, float)) and not np.isnan(target_loss)):
            raise ValueError(f"target_loss must be a number or None, got {target_loss!r}")
        if start not in ("auto", "guess", "current"):
            raise ValueError(f"start must be 'auto', 'guess' or 'current', got {start!r}")
        args = self._tensors(img_precise, img_blurred, m_precise, m_blurred)
        precise, far_target, kernel, _, _, gamma = args
        grey = self.steps == 0 and not np.any(self.trainable_image.numpy())
        if start == "guess" or (start == "auto" and grey):
            self.trainable_image.assign(initial_logits(precise, far_target, kernel, gamma))
        d = self.dtype
        logits = self.trainable_image.read_value()
        moment1 = moment2 = tf.zeros_like(logits)
        adam_step = tf.constant(0.0, d)
        evaluation = _loss_and_gradient(logits, *args)
        target = tf.constant(-np.inf if target_loss is None else target_loss, d)
        lr_t = tf.constant(lr, d)
        chunk = int(report_every) if callback is not None else int(max_steps)
        done = 0
        while True:
            n = min(chunk, int(max_steps) - done)
            before = logits
            logits, moment1, moment2, adam_step, evaluation, taken = adam_steps(
                logits, moment1, moment2, adam_step, evaluation, *args, lr_t, target, tf.constant(n)
            )
            taken = int(taken)
            done += taken
            loss = float(evaluation[0])
            why = f"the loss became {loss}" if not np.isfinite(loss) else blow_up_message(logits.numpy())
            if why is not None:
                if np.all(np.isfinite(logits.numpy())):
                    self.trainable_image.assign(logits)
                    self.steps += taken
                else:
                    self.trainable_image.assign(before)  # the last finite picture (this chunk's start)
                raise _diverged(f"fit diverged after {done} steps", why, lr)
            self.steps += taken
            self.trainable_image.assign(logits)
            finished = done >= max_steps or (target_loss is not None and loss <= target_loss)
            if callback is not None and callback(done, self._report(*evaluation)):
                break
            if finished:
                break
        return self._report(*evaluation)

    # -- helpers ------------------------------------------------------------

    def _adam(self):
        if self._adam_slots is None:
            zeros = tf.zeros_like(self.trainable_image)
            self._adam_slots = (tf.Variable(zeros), tf.Variable(zeros), tf.Variable(tf.constant(0.0, self.dtype)))
        return self._adam_slots

    def _report(self, loss, loss_precise, loss_gauss, grad, *, image=None, steps=None) -> Report:
        if image is None:
            image = tf.math.sigmoid(self.trainable_image[0])
        return Report(
            image=image.numpy(),
            loss=float(loss),
            loss_precise=float(loss_precise),
            loss_gauss=float(loss_gauss),
            gradient=grad.numpy(),
            steps=self.steps if steps is None else steps,
        )
