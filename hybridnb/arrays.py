"""NumPy or TensorFlow: telling them apart without importing TensorFlow.

Several functions (the gamma curves, the blur, the far view, the classic
split, SSIM) are written once and work on NumPy arrays and TensorFlow tensors
alike.  They must not import TensorFlow for NumPy input (it takes seconds and
is not needed for NumPy work), so they ask :func:`is_tensor`, which looks at
``sys.modules``: if TensorFlow was never imported, nothing can be a tensor.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np


def is_tensor(x: Any) -> bool:
    """Whether ``x`` is a TensorFlow tensor or variable (False without importing TensorFlow).

    Examples
    --------
    >>> import numpy as np
    >>> is_tensor(np.zeros(3)), is_tensor(0.5)
    (False, False)
    """
    tf = sys.modules.get("tensorflow")
    return tf is not None and isinstance(x, (tf.Tensor, tf.Variable))


def as_float_array(x: Any) -> np.ndarray:
    """``x`` as a NumPy floating-point array (integers and bools become float64).

    Examples
    --------
    >>> as_float_array([1, 2]).dtype, as_float_array(np.zeros(2, np.float32)).dtype
    (dtype('float64'), dtype('float32'))
    """
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def scalar_like(value: Any, dtype) -> Any:
    """``value`` as a TensorFlow scalar of ``dtype``: a tensor cast, a Python number converted exactly.

    ``tf.cast(2.2, tf.float64)`` would first make a float32 tensor and lose
    digits (0.45454545 becomes 0.4545454680919647).

    Examples
    --------
    >>> import tensorflow as tf
    >>> float(scalar_like(1 / 2.2, tf.float64)) == 1 / 2.2
    True
    """
    import tensorflow as tf

    if isinstance(value, (tf.Tensor, tf.Variable)):
        return tf.cast(value, dtype)
    return tf.constant(value, dtype)


def clip(x: Any, low: float, high: float) -> Any:
    """``x`` clipped to ``[low, high]``: a NumPy array or a tensor, as given.

    Examples
    --------
    >>> clip(np.array([-1.0, 0.5, 2.0]), 0.0, 1.0)
    array([0. , 0.5, 1. ])
    """
    if is_tensor(x):
        import tensorflow as tf

        return tf.clip_by_value(x, scalar_like(low, x.dtype), scalar_like(high, x.dtype))
    return np.clip(x, low, high)
