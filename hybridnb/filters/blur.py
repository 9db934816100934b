"""Applying a Gaussian blur: one separable filter, the border as an argument.

Kernel *construction* lives in :mod:`hybridnb.filters.kernels`; this module
applies a 1-D kernel along x and then along y, each colour channel onto
itself, as the article does with ``tf.nn.depthwise_conv2d``.  The same
function takes NumPy arrays (computed in NumPy, so NumPy work never imports
TensorFlow) and TensorFlow tensors (computed by
:mod:`hybridnb.filters.blur_tf`, compiled and differentiable); both give the
same numbers to float rounding.

Borders (what the kernel sees beyond the picture):

- ``"zero"``: zeros, the article's ``SAME`` padding.  The border darkens,
  harmlessly inside the article's loss, where both sides of a comparison are
  darkened alike; a picture that is *shown* gets a dark frame.
- ``"mirror"``: the picture mirrored at its edge (edge pixel repeated, as
  ``np.pad(mode="symmetric")``): no dark frame, for what is shown (the
  classic split, a simulated view).
- ``"valid"``: no padding; only pixels whose whole window lies inside the
  picture are returned, so each side shrinks by ``K - 1`` (SSIM's windows).
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

from ..arrays import as_float_array, is_tensor
from ..checks import check_choice
from .kernels import kernel_size_for, make_gauss_blur_kernel

ArrayT = TypeVar("ArrayT")

BORDERS = ("zero", "mirror", "valid")
BLUR_METHODS = ("auto", "direct", "fft")

#: NumPy blurs kernels of at least this many taps with FFTs along each axis
#: (TensorFlow's threshold is :data:`hybridnb.filters.blur_tf.FFT_MIN_TAPS`).
NUMPY_FFT_MIN_TAPS = 40


def blur_with_kernel(
    images: ArrayT, kernel, method: str = "auto", positive: bool = False, *, border: str = "zero"
) -> ArrayT:
    """Blur an NHWC batch with a separable 1-D kernel (x first, then y).

    Parameters
    ----------
    images : ndarray or tf.Tensor, shape (N, H, W, C)
    kernel : array_like or tf.Tensor, shape (K,)
        Its centre tap is ``(K - 1) // 2``, as in the article.
    method : {"auto", "direct", "fft"}, optional
        ``"direct"`` sums the taps (cost grows with ``K``), ``"fft"`` uses
        FFTs (cost independent of ``K``), ``"auto"`` picks the faster.
    positive : bool, optional
        The images are non-negative (light), so the exact blur is too: clamp
        the FFT's rounding (about 1e-7 of the largest value in float32) to
        the smallest positive number, where a following fractional power or
        its gradient would not be finite.
    border : {"zero", "mirror", "valid"}, optional
        What lies beyond the picture (module docstring); ``"zero"`` (the
        article's) by default.

    Returns
    -------
    ndarray or tf.Tensor
        Same kind and dtype; shape (N, H, W, C), or (N, H - K + 1, W - K + 1,
        C) for ``border="valid"``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.ones((1, 4, 4, 3))
    >>> blur_with_kernel(x, [0.25, 0.5, 0.25])[0, :, 0, 0]
    array([0.5625, 0.75  , 0.75  , 0.5625])
    >>> blur_with_kernel(x, [0.25, 0.5, 0.25], border="mirror")[0, :, 0, 0]
    array([1., 1., 1., 1.])
    >>> blur_with_kernel(x, [0.25, 0.5, 0.25], border="valid").shape
    (1, 2, 2, 3)
    """
    check_choice("method", method, BLUR_METHODS)
    check_choice("border", border, BORDERS)
    if is_tensor(images):
        from .blur_tf import blur_tensor

        return blur_tensor(images, kernel, method, positive, border)
    return _blur_numpy(as_float_array(images), kernel, method, positive, border)


def gauss_blur(images: ArrayT, kernel_size: int, sigma: float, method: str = "auto", *, border: str = "zero") -> ArrayT:
    """Gaussian-blur images with the article's kernel and separable convolution.

    Parameters
    ----------
    images : ndarray or tf.Tensor, shape (N, H, W, C) or (H, W, C)
        Floating-point images (integers are converted to float64).  Blur in
        linear light (see :func:`hybridnb.srgb_to_linear`) to mimic the eye.
    kernel_size : int
        Taps of the 1-D kernel (see :func:`hybridnb.make_gauss_blur_kernel`).
    sigma : float
        Standard deviation in pixels.
    method : {"auto", "direct", "fft"}, optional
        How to compute it (see :func:`blur_with_kernel`); the numbers agree
        to float rounding.
    border : {"zero", "mirror", "valid"}, optional
        ``"zero"`` (``SAME`` padding, the article's: borders darken) by
        default; ``"mirror"`` for pictures that are shown.

    Returns
    -------
    ndarray or tf.Tensor
        Same kind, shape and dtype as ``images`` (smaller with ``"valid"``).

    Raises
    ------
    ValueError
        On a shape that is not 3-D or 4-D, or a bad kernel.

    Examples
    --------
    A constant image keeps its value away from the border:

    >>> import numpy as np
    >>> import hybridnb as hn
    >>> out = hn.gauss_blur(np.full((1, 32, 32, 3), 0.5), kernel_size=7, sigma=1.5)
    >>> out.shape, round(float(out[0, 16, 16, 0]), 6)
    ((1, 32, 32, 3), 0.5)
    """
    kernel = make_gauss_blur_kernel(kernel_size, sigma)
    if not is_tensor(images):
        images = as_float_array(images)
    ndim = len(images.shape)
    if ndim not in (3, 4):
        raise ValueError(f"expected (N, H, W, C) or (H, W, C) images, got shape {tuple(images.shape)}")
    batch = images[None] if ndim == 3 else images
    out = blur_with_kernel(batch, kernel, method, border=border)
    return out[0] if ndim == 3 else out


def lowpass(image: ArrayT, sigma: float) -> ArrayT:
    """Gaussian blur of an (H, W, C) or (N, H, W, C) picture with mirrored borders.

    ``kernel_size_for(sigma)`` taps (+-3 sigma); ``sigma = 0`` returns the
    picture as it is.

    Examples
    --------
    A constant picture stays constant, border included (no dark frame):

    >>> import numpy as np
    >>> out = lowpass(np.full((16, 16, 3), 0.5), 3.0)
    >>> bool(np.allclose(out, 0.5))
    True
    """
    if sigma == 0:
        return image if is_tensor(image) else as_float_array(image).copy()
    return gauss_blur(image, kernel_size_for(sigma), sigma, border="mirror")


def highpass(image: ArrayT, sigma: float) -> ArrayT:
    """``image - lowpass(image, sigma)``: the detail finer than ``sigma``.

    Examples
    --------
    >>> import numpy as np
    >>> bool(np.allclose(highpass(np.full((8, 8, 3), 0.7), 2.0), 0.0))
    True
    """
    if not is_tensor(image):
        image = as_float_array(image)
    return image - lowpass(image, sigma)


# --- the NumPy computation -------------------------------------------------------


def _blur_numpy(images: np.ndarray, kernel, method: str, positive: bool, border: str) -> np.ndarray:
    if images.ndim != 4:
        raise ValueError(f"expected (N, H, W, C) images, got shape {images.shape}")
    kernel = np.asarray(kernel, dtype=images.dtype).reshape(-1)
    use_fft = method == "fft" or (method == "auto" and kernel.size >= NUMPY_FFT_MIN_TAPS)
    out = images
    for axis in (2, 1):  # x first, then y, as the article
        out = _correlate_along(_pad_along(out, kernel.size, axis, border), kernel, axis, use_fft)
    if positive and use_fft:
        out = np.maximum(out, np.finfo(out.dtype).tiny)
    return out


def _pad_along(a: np.ndarray, taps: int, axis: int, border: str) -> np.ndarray:
    """Pad ``a`` along ``axis`` so that a valid correlation gives the border's result."""
    if border == "valid":
        return a
    before = (taps - 1) // 2
    widths = [(0, 0)] * a.ndim
    widths[axis] = (before, taps - 1 - before)
    # np.pad mirrors repeatedly when the kernel is wider than the picture
    return np.pad(a, widths, mode="constant" if border == "zero" else "symmetric")


def _correlate_along(a: np.ndarray, kernel: np.ndarray, axis: int, use_fft: bool) -> np.ndarray:
    """``out[j] = sum_i kernel[i] a[j + i]`` along ``axis``, for every full window."""
    taps, length = kernel.size, a.shape[axis]
    n = length - taps + 1
    if n < 1:
        raise ValueError(f"a {taps}-tap kernel does not fit in {length} pixels without padding")
    if not use_fft:
        out = np.zeros((*a.shape[:axis], n, *a.shape[axis + 1 :]), dtype=a.dtype)
        index = [slice(None)] * a.ndim
        for i, weight in enumerate(kernel):
            index[axis] = slice(i, i + n)
            out += weight * a[tuple(index)]
        return out
    # Circular convolution with the reversed kernel, over the padded length: the
    # last n outputs are the full windows and never wrap around.
    reversed_kernel = np.zeros(length, dtype=a.dtype)
    reversed_kernel[:taps] = kernel[::-1]
    shape = [1] * a.ndim
    shape[axis] = -1
    spectrum = np.fft.rfft(a, axis=axis) * np.fft.rfft(reversed_kernel).reshape(shape)
    full = np.fft.irfft(spectrum, n=length, axis=axis)
    index = [slice(None)] * a.ndim
    index[axis] = slice(taps - 1, length)
    return full[tuple(index)].astype(a.dtype, copy=False)
