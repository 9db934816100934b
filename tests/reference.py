"""Independent NumPy float64 implementations of the article's maths, for tests.

Nothing here imports hybridnb's TensorFlow code: the blur is a plain loop of
shifted, zero-padded slices and the loss is the formula written out again.
"""

from __future__ import annotations

import math

import numpy as np


def kernel(size: int, sigma: float) -> np.ndarray:
    """The article's kernel, written as in the article (a Python loop)."""
    result = np.zeros(size)
    center = (size - 1) // 2
    for i in range(size):
        result[i] = math.exp(-((center - i) ** 2) / (2 * sigma**2))
    return result / result.sum()


def blur(images: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Separable correlation of an NHWC batch with zero padding (TF's SAME)."""
    size = len(k)
    before = (size - 1) // 2
    after = size - 1 - before
    out = images.astype(np.float64)
    for axis in (2, 1):  # x, then y
        pad = [(0, 0)] * 4
        pad[axis] = (before, after)
        padded = np.pad(out, pad)
        n = out.shape[axis]
        acc = np.zeros_like(out)
        for j in range(size):
            acc += k[j] * np.take(padded, np.arange(j, j + n), axis=axis)
        out = acc
    return out


def losses(x01, precise, blurred, k, m_precise, m_blurred, gamma=2.2):
    """(loss, loss_precise, loss_gauss) of the article for one (H, W, 3) picture."""
    x = x01[np.newaxis].astype(np.float64)
    loss_precise = np.sum((x - precise[np.newaxis]) ** 2)
    far_x = blur(x**gamma, k) ** (1 / gamma)
    far_t = blur(blurred[np.newaxis] ** gamma, k) ** (1 / gamma)
    loss_gauss = np.sum((far_x - far_t) ** 2)
    return m_precise * loss_precise + m_blurred * loss_gauss, loss_precise, loss_gauss


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))
