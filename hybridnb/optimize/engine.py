"""The compiled engine: one loop that descends any loss with any update rule.

Every optimiser of hybridnb runs here: the article's ``train`` (plain
descent from grey, reporting every few steps), ``fit`` (Adam from the
classic start until a target loss), the comparison grid (many candidates at
once).  The work per step is compiled once per loss graph and update rule
(:func:`engine_for`) and runs in a ``tf.while_loop`` that returns to Python
only at report points.  All numbers enter as tensors, so new pictures,
weights, kernels, learning rates and sizes reuse the same traces.

Two promises hold for every run:

- **No update that is not finite is ever applied**: the loop stops before
  it, keeps the last finite picture and says so (:class:`Diverged`), and a
  picture whose logits saturate (:func:`hybridnb.checks.blow_up_message`) is
  reported the same way at the next report point.
- **Reports count the same way everywhere**: ``Descent.steps`` updates lie
  behind ``Descent.evaluation``, the loss and gradient of ``Descent.logits``.
- **Python gets control back often**: :func:`advance` runs its steps in
  chunks of about :data:`CHUNK_SECONDS` (sized from the measured time per
  step), calling ``checkpoint(state)`` after each, so a stop request, Ctrl-C
  or a signal is answered within a fraction of a second, and the picture
  reached is never lost, however long a run and however large the picture.
  The chunks change no number: a chunk ends with the same evaluation the
  next step would have made.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace

import tensorflow as tf

from ..checks import blow_up_message
from .loss import HybridLoss, Inputs
from .updates import Slots, UpdateRule, update_rule

#: (loss, near term, far term, gradient) of the packed candidates; terms have shape (N,).
Evaluation = tuple[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]

_NOINLINE = {"_noinline": True}


class OwnTracingNotice(logging.Filter):
    """Drop TensorFlow's "frequent retracing" notice when it is about the engine's own functions.

    TensorFlow counts traces per Python *code object*, not per compiled
    function: the first trace of each loss class's graph (the article's, the
    viewer's, the perceptual one, each once per picture layout) and of each
    update rule's loop add up, and after five in a session it warns of
    retracing although no graph was traced twice for the same inputs.  The
    tests count the engine's traces instead (:func:`compiled_functions`);
    notices about other functions pass.

    Examples
    --------
    >>> record = logging.makeLogRecord({"msg": "5 out of the last 11 calls to <bound method "
    ...                                 "LossGraph._evaluate of ...> triggered tf.function retracing."})
    >>> OwnTracingNotice().filter(record)
    False
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        ours = any(f"{name}." in message for name in ("LossGraph", "Engine"))
        return not (ours and "triggered tf.function retracing" in message)


if not any(isinstance(f, OwnTracingNotice) for f in tf.get_logger().filters):
    tf.get_logger().addFilter(OwnTracingNotice())

#: Target duration of one compiled call of the loop, in seconds: how long a
#: stop, Ctrl-C or signal may wait for Python to get control back.
CHUNK_SECONDS = 0.25


class LossGraph:
    """A loss's evaluation, compiled: shared by every update rule.

    ``evaluate`` is never inlined into the loops that call it, so the same
    concrete function runs whether :meth:`hybridnb.HybridModel.run` calls it
    alone or a training loop does: ``train`` gives bit for bit the numbers of
    ``run`` plus ``apply_gradient``, and ``fit`` stops on exactly the loss
    ``run`` reports, whatever the graph optimiser would otherwise rearrange.
    """

    def __init__(self, loss: HybridLoss) -> None:
        self.loss = loss
        options = dict(reduce_retracing=True, autograph=False, experimental_attributes=_NOINLINE)
        self.evaluate = tf.function(self._evaluate, **options)
        self.gradient = tf.function(self._gradient, **options)

    def _evaluate(self, logits, inputs, m_precise, m_blurred) -> Evaluation:
        near_term, far_term, grad = self.loss.evaluate(logits, inputs, m_precise, m_blurred, True)
        return tf.reduce_sum(m_precise * near_term + m_blurred * far_term), near_term, far_term, grad

    def _gradient(self, logits, inputs, m_precise, m_blurred) -> Evaluation:
        zeros = tf.zeros_like(m_precise)
        _, _, grad = self.loss.evaluate(logits, inputs, m_precise, m_blurred, False)
        return tf.zeros([], logits.dtype), zeros, zeros, grad


class Engine:
    """The compiled loop of one loss graph and one update rule (see :func:`engine_for`)."""

    def __init__(self, graph: LossGraph, rule: UpdateRule) -> None:
        self.graph, self.rule = graph, rule
        self.descend = tf.function(self._descend, reduce_retracing=True, autograph=False)
        self.apply = tf.function(self._apply, reduce_retracing=True, autograph=False)

    def _apply(self, logits, slots, gradient, lr):
        """One update without an evaluation; the old state back if it is not finite."""
        new_logits, new_slots = self.rule.apply(logits, gradient, slots, lr)
        ok = tf.math.is_finite(tf.reduce_sum(new_logits))
        kept = tf.cond(ok, lambda: (new_logits, new_slots), lambda: (logits, slots))
        return kept[0], kept[1], ok

    def _descend(self, logits, slots, evaluation, inputs, m_precise, m_blurred, lr, target, max_steps, track_loss):
        """Up to ``max_steps`` updates, while the loss is above ``target`` and every update is finite.

        ``track_loss`` (a Python bool) evaluates the loss after every update
        (to stop at ``target``); without it, only the gradient is computed
        between the first and the last update, and the losses once at the end.
        """
        graph = self.graph

        def keep_going(done, logits, slots, evaluation, ok):
            return tf.logical_and(tf.logical_and(ok, done < max_steps), evaluation[0] > target)

        def step(done, logits, slots, evaluation, ok):
            new_logits, new_slots = self.rule.apply(logits, evaluation[3], slots, lr)
            finite = tf.math.is_finite(tf.reduce_sum(new_logits))

            def advance():
                args = (new_logits, inputs, m_precise, m_blurred)
                if track_loss:
                    new = graph.evaluate(*args)
                else:
                    new = tf.cond(done + 1 >= max_steps, lambda: graph.evaluate(*args), lambda: graph.gradient(*args))
                # A shared trace of ``evaluate`` may have less specific output shapes.
                new = tuple(tf.ensure_shape(value, old.shape) for value, old in zip(new, evaluation, strict=True))
                return done + 1, new_logits, new_slots, new, tf.constant(True)

            def refuse():
                return done, logits, slots, evaluation, tf.constant(False)

            return tf.cond(finite, advance, refuse)

        start = (tf.constant(0), logits, slots, tuple(evaluation), tf.constant(True))
        done, logits, slots, evaluation, ok = tf.while_loop(keep_going, step, start)
        return logits, slots, evaluation, done, ok


_GRAPHS: dict[Hashable, LossGraph] = {}
_ENGINES: dict[Hashable, Engine] = {}
#: Seconds per step last measured, by engine and logits shape (to size the chunks).
_PACE: dict[Hashable, float] = {}


def engine_for(loss: HybridLoss, optimizer: str) -> Engine:
    """The compiled loop for ``loss`` and the update rule called ``optimizer``.

    Compiled once per loss class, :meth:`~hybridnb.optimize.loss.HybridLoss.graph_key`
    and rule; every loss object with the same key shares it (their numbers
    are tensors).

    Examples
    --------
    >>> import hybridnb as hn
    >>> engine_for(hn.ArticleLoss(15, 3.0), "sgd") is engine_for(hn.ArticleLoss(7, 1.0), "sgd")
    True
    """
    rule = update_rule(optimizer)
    key = (type(loss), loss.graph_key())
    graph = _GRAPHS.get(key)
    if graph is None:
        graph = _GRAPHS[key] = LossGraph(loss)
    engine = _ENGINES.get((key, rule.name))
    if engine is None:
        engine = _ENGINES[(key, rule.name)] = Engine(graph, rule)
    return engine


def compiled_functions() -> list:
    """Every ``tf.function`` the engine has made so far (to count traces in tests)."""
    graphs = [f for graph in _GRAPHS.values() for f in (graph.evaluate, graph.gradient)]
    return graphs + [f for engine in _ENGINES.values() for f in (engine.descend, engine.apply)]


# --- the loops, in Python between report points ---------------------------------------


@dataclass(frozen=True)
class Descent:
    """Where a descent stands: packed logits, the rule's slots, their evaluation, updates so far.

    ``evaluation`` is that of ``logits``, except right after :func:`finish`
    (the article's last update is applied without a new evaluation).
    """

    logits: tf.Tensor
    slots: Slots
    evaluation: Evaluation
    steps: int = 0


class Diverged(FloatingPointError):
    """The steps blew up; ``state`` is the last finite one (the picture to keep).

    The message says when and why, and suggests a smaller learning rate.
    """

    def __init__(self, what: str, state: Descent, why: str, lr: float) -> None:
        super().__init__(f"{what} diverged after {state.steps} steps: {why}; lower the learning rate "
                         f"(it was {lr:g}; try {lr / 10:g})")  # fmt: skip
        self.state = state


def begin(engine: Engine, logits: tf.Tensor, slots: Slots, inputs: Inputs, weights) -> Descent:
    """A descent from ``logits``: their evaluation, no steps yet."""
    return Descent(logits, slots, engine.graph.evaluate(logits, inputs, *weights))


def advance(
    engine: Engine,
    state: Descent,
    inputs: Inputs,
    weights,
    lr: float,
    steps: int,
    *,
    target: float | None = None,
    what: str = "training",
    checkpoint: Callable[[Descent], bool | None] | None = None,
) -> Descent:
    """``steps`` more updates (fewer if the loss reaches ``target``); raises :class:`Diverged`.

    The updates run in chunks of about :data:`CHUNK_SECONDS`;
    ``checkpoint(state)`` is called after each chunk but the last (to keep
    the picture reached, to ask whether to stop: returning True ends the
    call there, with fewer steps).  The returned state's evaluation is that
    of its logits, with the losses.
    """
    dtype = state.logits.dtype
    target_t = tf.constant(-float("inf") if target is None else target, dtype)
    lr_t = tf.constant(lr, dtype)
    pace_key = (id(engine), tuple(state.logits.shape))
    remaining = int(steps)
    while remaining > 0:
        pace = _PACE.get(pace_key)  # unknown: one step first, to measure
        chunk = max(1, int(min(remaining, 1 if pace is None else CHUNK_SECONDS / max(pace, 1e-9))))
        started = time.perf_counter()
        logits, slots, evaluation, done, ok = engine.descend(
            state.logits, state.slots, state.evaluation, inputs, *weights, lr_t, target_t, tf.constant(chunk),
            target is not None,
        )  # fmt: skip
        done = int(done)
        if done:
            _PACE[pace_key] = (time.perf_counter() - started) / done
        state = Descent(logits, tuple(slots), tuple(evaluation), state.steps + done)
        remaining -= done
        if not bool(ok):
            raise Diverged(what, state, "the next update was not finite (NaN or infinity)", lr)
        loss = float(evaluation[0])
        if loss != loss or abs(loss) == float("inf"):
            raise Diverged(what, state, f"the loss became {loss}", lr)
        if done < chunk or remaining <= 0:  # the target is met, or all steps are done
            break
        if checkpoint is not None and checkpoint(state):
            break
    why = blow_up_message(state.logits.numpy())
    if why is not None:
        raise Diverged(what, state, why, lr)
    return state


def finish(engine: Engine, state: Descent, lr: float, *, what: str = "training") -> Descent:
    """Apply the update of ``state``'s gradient without evaluating the new picture (the article's last step)."""
    logits, slots, ok = engine.apply(
        state.logits, state.slots, state.evaluation[3], tf.constant(lr, state.logits.dtype)
    )
    if not bool(ok):
        raise Diverged(what, state, "the last update was not finite (NaN or infinity)", lr)
    return replace(state, logits=logits, slots=tuple(slots), steps=state.steps + 1)


def report_points(steps: int, every: int) -> list[int]:
    """The steps at which the article's loop reports: ``i % every == every - 1``, and the last.

    Examples
    --------
    >>> report_points(10, 4), report_points(3, 0)
    ([3, 7, 9], [2])
    """
    points = list(range(every - 1, steps, every)) if every else []
    return points if points and points[-1] == steps - 1 else [*points, steps - 1]


def train_steps(
    engine: Engine,
    state: Descent,
    inputs: Inputs,
    weights,
    lr: float,
    steps: int,
    every: int,
    on_report: Callable[[int, Descent, bool], bool | None],
    checkpoint: Callable[[Descent], bool | None] | None = None,
) -> Descent:
    """The article's loop: ``steps`` updates, reporting the loss *before* the update of each report step.

    At each of :func:`report_points` ``i``, ``on_report(i, state, printed)``
    gets the state after ``i`` updates (``printed``: whether ``i`` is one of
    the ``every``-th steps rather than only the last); returning True stops
    after that step's update.  Returns the state after the last update.
    ``checkpoint`` is :func:`advance`'s: when it returns True the loop stops
    at once, between report points, and returns the state reached (its
    evaluation is that of its logits; no last update is applied).
    """
    for point in report_points(steps, every):
        state = advance(engine, state, inputs, weights, lr, point - state.steps, checkpoint=checkpoint)
        if state.steps < point:  # the checkpoint asked to stop
            return state
        printed = bool(every) and point % every == every - 1
        if on_report(point, state, printed) or point == steps - 1:
            return finish(engine, state, lr)
    raise AssertionError("unreachable")  # pragma: no cover
