"""Update rules, each written once: how a gradient moves the logits.

An update rule is a pair of pure TensorFlow functions: ``slots(logits)``
makes its state (nothing for plain descent; moments and a step count for
Adam) and ``apply(logits, gradient, slots, lr)`` returns the new logits and
state.  :class:`hybridnb.HybridModel` (``train`` and ``fit``), the
comparison grid and the command line find rules by name in
:data:`UPDATE_RULES`: a new optimiser is one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import tensorflow as tf

from ..checks import check_choice

#: Adam's usual constants (Kingma & Ba, 2015).
ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON = 0.9, 0.999, 1e-8

Slots = tuple[tf.Tensor, ...]


@dataclass(frozen=True)
class UpdateRule:
    """An optimiser: its state and its step, as pure functions of tensors.

    Attributes
    ----------
    name : str
    slots : callable
        ``slots(logits) -> tuple of tensors``, the state of a fresh start.
    apply : callable
        ``apply(logits, gradient, slots, lr) -> (logits, slots)``.
    """

    name: str
    slots: Callable[[tf.Tensor], Slots]
    apply: Callable[[tf.Tensor, tf.Tensor, Slots, tf.Tensor], tuple[tf.Tensor, Slots]]


def _no_slots(logits: tf.Tensor) -> Slots:
    return ()


def sgd_apply(logits: tf.Tensor, gradient: tf.Tensor, slots: Slots, lr: tf.Tensor) -> tuple[tf.Tensor, Slots]:
    """The article's hand-written descent step: ``logits - lr * gradient``.

    Examples
    --------
    >>> import tensorflow as tf
    >>> sgd_apply(tf.constant([1.0]), tf.constant([2.0]), (), tf.constant(0.25))[0].numpy()
    array([0.5], dtype=float32)
    """
    return logits - lr * gradient, slots


def adam_slots(logits: tf.Tensor) -> Slots:
    """Adam's state: first and second moments (zeros) and the step count (0)."""
    return tf.zeros_like(logits), tf.zeros_like(logits), tf.zeros([], logits.dtype)


def adam_apply(logits: tf.Tensor, gradient: tf.Tensor, slots: Slots, lr: tf.Tensor) -> tuple[tf.Tensor, Slots]:
    """One Adam step (Kingma & Ba 2015, Algorithm 1), with bias-corrected moments.

    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g**2``, ``t = t + 1``,
    ``logits - lr * (m / (1 - b1**t)) / (sqrt(v / (1 - b2**t)) + eps)``.

    Examples
    --------
    >>> import tensorflow as tf
    >>> z = tf.constant([0.0, 0.0])
    >>> new, (m, v, t) = adam_apply(z, tf.constant([3.0, -0.01]), adam_slots(z), tf.constant(0.1))
    >>> new.numpy().round(6), float(t)  # the first step moves every logit by about lr
    (array([-0.1,  0.1], dtype=float32), 1.0)
    """
    moment1, moment2, step = slots
    dtype = logits.dtype
    beta1, beta2 = tf.constant(ADAM_BETA1, dtype), tf.constant(ADAM_BETA2, dtype)
    step = step + 1.0
    moment1 = beta1 * moment1 + (1.0 - beta1) * gradient
    moment2 = beta2 * moment2 + (1.0 - beta2) * tf.square(gradient)
    corrected1 = moment1 / (1.0 - tf.pow(beta1, step))
    corrected2 = moment2 / (1.0 - tf.pow(beta2, step))
    return logits - lr * corrected1 / (tf.sqrt(corrected2) + ADAM_EPSILON), (moment1, moment2, step)


#: The optimisers, by name.  ``"sgd"`` is the article's.
UPDATE_RULES: dict[str, UpdateRule] = {
    "sgd": UpdateRule("sgd", _no_slots, sgd_apply),
    "adam": UpdateRule("adam", adam_slots, adam_apply),
}


def update_rule(name: str) -> UpdateRule:
    """The update rule called ``name`` (a ``ValueError`` lists the names otherwise).

    Examples
    --------
    >>> update_rule("adam").name
    'adam'
    >>> update_rule("rmsprop")
    Traceback (most recent call last):
    ValueError: optimizer must be one of 'sgd', 'adam', got 'rmsprop'
    """
    return UPDATE_RULES[check_choice("optimizer", name, tuple(UPDATE_RULES))]
