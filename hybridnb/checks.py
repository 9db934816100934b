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
#: Smallest positive number taken where a number must be > 0 (a sigma, a
#: learning rate, a distance): below it squares underflow float64 to 0 (a
#: sigma of 1e-170 made the blur kernel NaN).
TINY = 1e-150


def _scalar(value: Any) -> Any:
    """A 0-d NumPy array as its scalar (``np.mean`` of a 0-d array, ``arr[()]``); anything else as it is."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    return value


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
    value = _scalar(value)
    whole = isinstance(value, numbers.Integral) or (isinstance(value, numbers.Real) and float(value).is_integer())
    if isinstance(value, bool) or not whole or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def check_number(name: str, value: Any, *, positive: bool = False) -> float:
    """``value`` as a float if it is a finite number ``>= 0`` (``> 0`` with ``positive``).

    NumPy scalars (and 0-d arrays) are numbers.  With ``positive``, numbers
    below :data:`TINY` are refused too: the arithmetic cannot carry them.

    Examples
    --------
    >>> check_number("m_precise", 0), check_number("lr", np.float32(0.5), positive=True)
    (0.0, 0.5)
    >>> check_number("sigma", float("nan"), positive=True)
    Traceback (most recent call last):
    ValueError: sigma must be a finite number > 0, got nan
    >>> check_number("sigma", 1e-170, positive=True)
    Traceback (most recent call last):
    ValueError: sigma must be at least 1e-150 (smaller numbers underflow: their squares are 0), got 1e-170
    """
    value = _scalar(value)
    ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)) and math.isfinite(value)
    if not ok or value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be a finite number {'> 0' if positive else '>= 0'}, got {value!r}")
    if positive and value < TINY:
        raise ValueError(f"{name} must be at least {TINY:g} (smaller numbers underflow: their squares are 0), "
                         f"got {float(value)!r}")  # fmt: skip
    return float(value)


def check_real(name: str, value: Any) -> float:
    """``value`` as a float if it is a number (any sign, infinities included), not NaN.

    Examples
    --------
    >>> check_real("target_loss", np.float32(40)), check_real("target_loss", -1)
    (40.0, -1.0)
    >>> check_real("target_loss", "40")
    Traceback (most recent call last):
    ValueError: target_loss must be a number, got '40'
    """
    value = _scalar(value)
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)) or value != value:
        raise ValueError(f"{name} must be a number, got {value!r}")
    return float(value)


def check_fits_dtype(name: str, value: float, dtype: Any, *, count: int = 1, why: str = "") -> float:
    """Refuse a number that ``dtype`` arithmetic cannot carry.

    ``value * count`` must stay below the largest finite number of
    ``dtype`` (``count`` is how many terms of that size may add up), and a
    value that is not 0 must not round to 0 (or a subnormal) in ``dtype``.
    ``why`` says, in the message, why ``count`` terms.

    Examples
    --------
    >>> check_fits_dtype("lr", 0.3, np.float32)
    0.3
    >>> check_fits_dtype("m_precise", 1e39, np.float32, count=10, why="the loss adds up 10 terms")
    Traceback (most recent call last):
    ValueError: m_precise must be at most 3.4e+37 in float32 (the loss adds up 10 terms), got 1e+39
    """
    info = np.finfo(dtype)
    largest = float(info.max) / count
    if value > largest:
        because = f" ({why})" if why else ""
        raise ValueError(f"{name} must be at most {largest:.2g} in {info.dtype}{because}, got {value!r}")
    if 0 < value < float(info.smallest_normal):
        raise ValueError(f"{name} must be at least {float(info.smallest_normal):.2g} in {info.dtype} "
                         f"(smaller numbers round to 0), got {value!r}")  # fmt: skip
    return value


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
