"""Gamma curves: the article's power law between sRGB codes and linear light.

The article converts perceived values to light with ``x ** 2.2`` before it
blurs and back with ``x ** (1 / 2.2)`` afterwards, because blurring (what the
eye does from afar) averages photons, not codes.  Both functions accept a
NumPy array or a TensorFlow tensor and return the same kind; NumPy input never
imports TensorFlow.  For tensors the power is computed as
``exp(exponent * log(x))`` (:func:`hybridnb.imaging.color_tf.fast_power`),
about six times faster than ``tf.pow`` on a CPU and safe to differentiate at 0.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

from ..arrays import as_float_array, is_tensor

ArrayT = TypeVar("ArrayT")

#: The article's display gamma.
GAMMA = 2.2


def power(x: ArrayT, exponent: float) -> ArrayT:
    """``x ** exponent`` for non-negative ``x``, a NumPy array or a tensor.

    Examples
    --------
    >>> power(np.array([0.0, 0.25, 1.0]), 0.5)
    array([0. , 0.5, 1. ])
    """
    if is_tensor(x):
        from .color_tf import fast_power

        return fast_power(x, exponent)
    x = as_float_array(x)
    return np.power(x, exponent, dtype=x.dtype)


def srgb_to_linear(x: ArrayT, gamma: float = GAMMA) -> ArrayT:
    """Convert display values in [0, 1] to linear light: ``x ** gamma``.

    Parameters
    ----------
    x : ndarray or tf.Tensor
        Values in [0, 1] (sRGB codes divided by 255).  Negative values have no
        meaning here and give NaN.
    gamma : float or scalar tensor, optional
        Exponent; the article's 2.2 by default.

    Returns
    -------
    ndarray or tf.Tensor
        Same kind and shape as ``x``; floating point (integers become float64).

    Examples
    --------
    Two pixels of code 127 give less light than one of 254:

    >>> import hybridnb as hn
    >>> two = 2 * hn.srgb_to_linear(127 / 255)
    >>> one = hn.srgb_to_linear(254 / 255)
    >>> bool(two < one), round(float(two / one), 3)
    (True, 0.435)
    """
    return power(x, gamma)


def linear_to_srgb(x: ArrayT, gamma: float = GAMMA) -> ArrayT:
    """Convert linear light in [0, 1] back to display values: ``x ** (1 / gamma)``.

    Parameters
    ----------
    x : ndarray or tf.Tensor
        Linear light in [0, 1].
    gamma : float or scalar tensor, optional
        The exponent that :func:`srgb_to_linear` used; 2.2 by default.

    Returns
    -------
    ndarray or tf.Tensor
        Same kind and shape as ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> import hybridnb as hn
    >>> x = np.linspace(0, 1, 5)
    >>> bool(np.allclose(hn.linear_to_srgb(hn.srgb_to_linear(x)), x))
    True
    """
    return power(x, 1.0 / gamma)


def srgb_standard_to_linear(x: np.ndarray) -> np.ndarray:
    """The exact sRGB decoding curve (IEC 61966-2-1), for comparison with 2.2.

    Screens follow this standard curve: a short straight segment near black
    (``x / 12.92`` up to ``x = 0.04045``), then ``((x + 0.055) / 1.055) **
    2.4``.  The plain power ``x ** 2.2`` that the article uses stays within
    0.009 of it everywhere, which is why 2.2 is the usual shorthand for
    "sRGB gamma".

    Parameters
    ----------
    x : array_like
        Display values in [0, 1].

    Returns
    -------
    ndarray of float64
        Linear light in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> x = np.linspace(0, 1, 256)
    >>> round(float(np.abs(srgb_standard_to_linear(x) - x**2.2).max()), 3)
    0.009
    >>> round(float(srgb_standard_to_linear(0.5)), 3), round(0.5**2.2, 3)
    (0.214, 0.218)
    """
    x = np.asarray(x, dtype=np.float64)
    return np.where(x <= 0.04045, x / 12.92, ((np.maximum(x, 0.04045) + 0.055) / 1.055) ** 2.4)
