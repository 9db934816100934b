"""Small timing helpers for the notebooks' side-by-side comparisons.

Wall-clock times on a shared machine wobble; what carries over from one
machine to another is the *ratio* of two methods timed side by side in the
same process, so :func:`blur_timings` reports both methods and their ratio.
Benchmarks proper live in ``bench/``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from ..checks import check_count


def best_time(fn: Callable[[], object], *, repeat: int = 5, warmup: int = 1) -> float:
    """Seconds of the fastest of ``repeat`` calls of ``fn()``, after ``warmup`` calls.

    The minimum is the least disturbed measurement (other processes only
    ever add time); the warm-up calls absorb one-off costs such as
    TensorFlow choosing its kernels.

    Parameters
    ----------
    fn : callable
        Called with no arguments.  If it returns a TensorFlow tensor, call
        ``.numpy()`` inside ``fn`` so the work is really done.
    repeat : int, optional
        At least 1.
    warmup : int, optional
        At least 0.

    Returns
    -------
    float

    Examples
    --------
    >>> t = best_time(lambda: sum(range(1000)), repeat=3)
    >>> 0 < t < 1
    True
    """
    repeat = check_count("repeat", repeat)
    warmup = check_count("warmup", warmup, minimum=0)
    for _ in range(warmup):
        fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


class BlurTiming(NamedTuple):
    """Separable against full 2-D blur for one kernel size (times in seconds)."""

    kernel_size: int
    separable: float
    full_2d: float

    @property
    def ratio(self) -> float:
        """How many times slower the full 2-D kernel is."""
        return self.full_2d / self.separable

    @property
    def taps_ratio(self) -> float:
        """Multiply-adds per pixel, full over separable: ``K**2 / (2 K)``."""
        return self.kernel_size / 2.0


def blur_timings(images: np.ndarray, kernel_sizes: Sequence[int], sigma: float, *, repeat: int = 3) -> list[BlurTiming]:
    """Time the article's separable blur against one full 2-D convolution.

    Both run the same Gaussian (``make_gauss_blur_kernel(K, sigma)`` and its
    outer product) through ``tf.nn.depthwise_conv2d`` in float32, with
    ``SAME`` zero padding, on the same batch, one kernel size after the
    other, so their ratio is fair even on a busy machine.

    Parameters
    ----------
    images : ndarray, shape (N, H, W, C) or (H, W, C)
    kernel_sizes : sequence of int
    sigma : float
    repeat : int, optional
        Calls per method and size; the fastest counts (:func:`best_time`).

    Returns
    -------
    list of BlurTiming

    Examples
    --------
    >>> import numpy as np
    >>> rows = blur_timings(np.random.default_rng(0).random((32, 32, 3)), [3, 9], 1.5, repeat=1)
    >>> [r.kernel_size for r in rows], rows[1].taps_ratio
    ([3, 9], 4.5)
    """
    import tensorflow as tf

    from ..filters.blur_tf import blur_tensor, blur_with_kernel_2d
    from ..filters.kernels import make_gauss_blur_kernel

    x = tf.constant(np.asarray(images, dtype=np.float32))
    if x.shape.rank == 3:
        x = x[tf.newaxis]
    rows = []
    for size in kernel_sizes:
        k = make_gauss_blur_kernel(size, sigma)
        k1 = tf.constant(k, tf.float32)
        k2 = tf.constant(np.outer(k, k), tf.float32)
        separable = best_time(lambda k1=k1: blur_tensor(x, k1, method="direct").numpy(), repeat=repeat)
        full = best_time(lambda k2=k2: blur_with_kernel_2d(x, k2).numpy(), repeat=repeat)
        rows.append(BlurTiming(int(size), separable, full))
    return rows
