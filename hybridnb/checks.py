"""Argument checks that say what is allowed: one ``ValueError`` per bad input.

Small pure functions used wherever user numbers, names or pictures come in,
so every message has the same shape: the name of the argument, what it may
be, and what it was.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

#: Logits beyond this size are saturated: in float32 the sigmoid is within
#: 2e-9 of 0 or 1 and its slope has vanished.  Sound runs stay far below (at
#: most about 13 in every setting measured, Adam included: see
#: tests/optimize/test_reliability.py); a step size that blows up sends many pixels there at once.
SATURATED_LOGIT = 20.0
#: Share of saturated logits above which a run is said to have blown up.
SATURATED_SHARE = 0.01


def check_count(name: str, value: Any, minimum: int = 1) -> int:
    """``value`` as an int if it is a whole number ``>= minimum``, else ``ValueError``.

    Examples
    --------
    >>> check_count("steps", 3), check_count("steps", 4.0)
    (3, 4)
    >>> check_count("steps", 0)
    Traceback (most recent call last):
    ValueError: steps must be a whole number >= 1, got 0
    """
    whole = isinstance(value, numbers.Integral) or (isinstance(value, numbers.Real) and float(value).is_integer())
    if isinstance(value, bool) or not whole or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def check_number(name: str, value: Any, *, positive: bool = False) -> float:
    """``value`` as a float if it is a finite number ``>= 0`` (``> 0`` with ``positive``).

    Examples
    --------
    >>> check_number("m_precise", 0), check_number("lr", 0.3, positive=True)
    (0.0, 0.3)
    >>> check_number("sigma", float("nan"), positive=True)
    Traceback (most recent call last):
    ValueError: sigma must be a finite number > 0, got nan
    """
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be a finite number {'> 0' if positive else '>= 0'}, got {value!r}")
    return float(value)


def check_choice(name: str, value: Any, choices: tuple) -> Any:
    """``value`` if it is one of ``choices``, else ``ValueError`` listing them.

    Examples
    --------
    >>> check_choice("border", "zero", ("zero", "mirror"))
    'zero'
    >>> check_choice("border", "wrap", ("zero", "mirror"))
    Traceback (most recent call last):
    ValueError: border must be one of 'zero', 'mirror', got 'wrap'
    """
    try:
        if value in choices:
            return value
    except TypeError:  # unhashable or incomparable: not a choice
        pass
    raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")


def check_picture(name: str, image: Any, shape: tuple[int, int] | None = None) -> np.ndarray:
    """An (H, W, 3) float picture in [0, 1] (a leading batch axis of 1 is dropped).

    Parameters
    ----------
    name : str
        How the message calls the argument.
    image : array_like
    shape : (int, int), optional
        The (H, W) it must have.

    Returns
    -------
    ndarray, shape (H, W, 3)

    Raises
    ------
    ValueError
        On another shape, a non-numeric array, NaN or infinity, or values
        outside [0, 1] (with a hint to divide by 255 when the largest is
        above 1: 8-bit pixels).

    Examples
    --------
    >>> check_picture("near", np.full((2, 2, 3), 0.5)).shape
    (2, 2, 3)
    >>> check_picture("near", np.full((2, 2, 3), 128))
    Traceback (most recent call last):
    ValueError: near must hold values in [0, 1], got values up to 128 (divide by 255?)
    """
    a = np.asarray(image)
    if a.ndim == 4 and a.shape[0] == 1:
        a = a[0]
    if a.ndim != 3 or a.shape[2] != 3:
        raise ValueError(f"{name} must be an (H, W, 3) picture, got shape {np.shape(image)}")
    if shape is not None and a.shape[:2] != tuple(shape):
        raise ValueError(f"{name} is {a.shape[0]}x{a.shape[1]} but the model is {shape[0]}x{shape[1]}")
    if a.dtype == bool:
        a = a.astype(np.float64)
    if not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)):
        raise ValueError(f"{name} must hold real numbers in [0, 1], got dtype {a.dtype}")
    if a.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} holds NaN or infinity; it must hold values in [0, 1]")
    low, high = a.min(), a.max()
    if low < 0 or high > 1:
        hint = " (divide by 255?)" if high > 1 else ""
        raise ValueError(f"{name} must hold values in [0, 1], got values {_range(low, high)}{hint}")
    return a


def _range(low: float, high: float) -> str:
    if low < 0 and high > 1:
        return f"from {low:g} to {high:g}"
    return f"down to {low:g}" if low < 0 else f"up to {high:g}"


def check_kernel_fits(size: tuple[int, int], kernel_size: int) -> None:
    """Refuse a blur kernel too large for the picture.

    A picture is too small for a kernel of ``K`` taps when ``K > 2 * min(H,
    W) - 1``: from ``2 * side - 1`` taps on, every pixel's blur window already
    covers the whole picture, so further taps only ever fall in the zero
    padding (they darken the far view and change nothing else).

    Examples
    --------
    >>> check_kernel_fits((8, 8), 15)
    >>> check_kernel_fits((8, 8), 17)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: a 8x8 picture is too small for a 17-tap blur kernel: use at most 15 taps (2 x 8 - 1), ...
    """
    side = min(size)
    if kernel_size > 2 * side - 1:
        raise ValueError(
            f"a {size[0]}x{size[1]} picture is too small for a {kernel_size}-tap blur kernel: "
            f"use at most {2 * side - 1} taps (2 x {side} - 1), or a larger picture"
        )


def blow_up_message(logits: np.ndarray) -> str | None:
    """Why a picture's logits show a step size that blew up, or None if they look sound.

    Non-finite logits, or more than :data:`SATURATED_SHARE` of them beyond
    :data:`SATURATED_LOGIT`, mean the steps overshot: the picture is stuck in
    pure black and white where the loss has no slope left.

    Examples
    --------
    >>> blow_up_message(np.zeros((1, 4, 4, 3))) is None
    True
    >>> blow_up_message(np.full((1, 4, 4, 3), 80.0))
    '100% of the pixel values are saturated (logits beyond ±20)'
    """
    z = np.asarray(logits)
    if not np.all(np.isfinite(z)):
        return "the picture holds NaN or infinity"
    share = float(np.mean(np.abs(z) > SATURATED_LOGIT))
    if share > SATURATED_SHARE:
        return f"{share:.0%} of the pixel values are saturated (logits beyond ±{SATURATED_LOGIT:g})"
    return None
