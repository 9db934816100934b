"""Gaussian kernel construction (kept apart from applying it, see :mod:`hybridnb.filters.blur`).

Three questions about a kernel are answered here, each once: its taps
(:func:`make_gauss_blur_kernel`, the article's formula), how many taps a
sigma needs (:func:`kernel_size_for`) and how a kernel chosen for one
picture size carries over to another (:func:`scale_blur`); and what it does
to fine detail (:func:`frequency_response` and friends, notebook 02).
"""

from __future__ import annotations

import math

import numpy as np

from ..checks import check_count, check_number


def make_gauss_blur_kernel(size: int, sigma: float) -> np.ndarray:
    """Return the article's 1-D Gaussian kernel, normalised to sum to 1.

    Tap ``i`` is ``exp(-(center - i)**2 / (2 sigma**2))`` with
    ``center = (size - 1) // 2``, divided by the sum of all taps.  For an
    even ``size`` the centre sits left of the middle, exactly as in the
    article.  The 2-D kernel is the outer product of this one with itself
    (the Gaussian is separable), which is why blurring needs only two 1-D
    convolutions.

    Parameters
    ----------
    size : int
        Number of taps, at least 1.  About ``6 * sigma + 1`` keeps the
        truncated tails below 0.3 % of the weight.
    sigma : float
        Standard deviation in pixels, > 0.

    Returns
    -------
    ndarray of float64, shape (size,)

    Raises
    ------
    ValueError
        If ``size < 1`` or ``sigma <= 0`` (or either is not finite).

    Examples
    --------
    The article's numbers for size 11 and sigma 2:

    >>> import hybridnb as hn
    >>> hn.make_gauss_blur_kernel(11, 2).round(8)[:6]
    array([0.00881223, 0.02714358, 0.06511406, 0.12164907, 0.17699836,
           0.20056541])
    """
    size = check_count("kernel size", size)
    sigma = check_number("sigma", sigma, positive=True)
    center = (size - 1) // 2
    x2 = (center - np.arange(size, dtype=np.float64)) ** 2
    result = np.exp(-x2 / (2.0 * sigma**2))
    return result / np.sum(result)


def kernel_size_for(sigma: float, truncate: float = 3.0) -> int:
    """The odd number of taps that covers ``+-truncate`` sigma: ``2 * ceil(truncate * sigma) + 1``.

    Three sigmas keep all but 0.3 % of the Gaussian's weight
    (:func:`truncated_weight`).  The article's 15 taps for sigma 3 reach
    ``7 / 3`` sigma.

    Examples
    --------
    >>> kernel_size_for(1.0), kernel_size_for(2.5), kernel_size_for(3.0, truncate=7 / 3)
    (7, 17, 15)
    """
    sigma = check_number("sigma", sigma, positive=True)
    return 2 * math.ceil(round(truncate * sigma, 9)) + 1


def scale_sigma(sigma: float, size: int, reference_size: int = 512) -> float:
    """A sigma chosen for ``reference_size`` pixels, for ``size`` pixels: the same blur relative to the picture.

    Examples
    --------
    >>> scale_sigma(3.0, 1024), scale_sigma(2.0, 128, reference_size=256)
    (6.0, 1.0)
    """
    sigma = check_number("sigma", sigma, positive=True)
    return sigma * check_count("size", size) / check_count("reference_size", reference_size)


def scale_blur(kernel_size: int, sigma: float, size: int, reference_size: int = 512) -> tuple[int, float]:
    """A blur chosen for ``reference_size`` pixels, carried over to ``size`` pixels.

    The same blur *relative to the picture* (the same cutoff in cycles per
    picture, so the hybrid looks the same at any resolution): sigma scales
    with the size, and so do the taps, kept odd and at least 3 (at most
    ``2 * size - 1``, see :func:`hybridnb.checks.check_kernel_fits`).

    Parameters
    ----------
    kernel_size, sigma : int, float
        The blur at ``reference_size`` (the article: 15 taps, sigma 3 at 512 px).
    size : int
        The picture side to carry it to.
    reference_size : int, optional

    Returns
    -------
    (int, float)
        Taps and sigma for ``size``.

    Examples
    --------
    >>> scale_blur(15, 3.0, 512), scale_blur(15, 3.0, 1024), scale_blur(15, 3.0, 128)
    ((15, 3.0), (31, 6.0), (5, 0.75))
    """
    kernel_size = check_count("kernel_size", kernel_size)
    sigma = scale_sigma(sigma, size, reference_size)
    taps = max(3, round(kernel_size * size / reference_size) | 1)
    return min(taps, 2 * size - 1), sigma


# --- what a kernel does to frequencies ----------------------------------------


def frequency_response(kernel: np.ndarray, n: int = 257) -> tuple[np.ndarray, np.ndarray]:
    """Amplitude response of a 1-D kernel, from 0 to the Nyquist frequency.

    Blurring multiplies a stripe pattern of frequency ``f`` (cycles per
    pixel) by ``|H(f)|``, where ``H(f) = sum_i kernel[i] exp(-2 pi j f i)``
    is the kernel's discrete-time Fourier transform.  ``|H(0)| = 1`` for a
    kernel that sums to 1 (flat areas keep their value); fine detail near
    0.5 cycles per pixel (alternating pixels) is what blurring removes.
    The 2-D response of the separable kernel is ``|H(fx)| * |H(fy)|``.

    Parameters
    ----------
    kernel : array_like, shape (K,)
        A 1-D kernel, e.g. :func:`make_gauss_blur_kernel`.
    n : int, optional
        Number of frequencies, evenly spaced over [0, 0.5], at least 2.

    Returns
    -------
    freqs : ndarray, shape (n,)
        Frequencies in cycles per pixel (multiply by the picture's width in
        pixels for cycles per picture).
    amplitude : ndarray, shape (n,)
        ``|H(freqs)|``.  Evaluated exactly (no FFT zero-padding artefacts).

    Examples
    --------
    >>> f, a = frequency_response(make_gauss_blur_kernel(15, 3), n=5)
    >>> f
    array([0.   , 0.125, 0.25 , 0.375, 0.5  ])
    >>> a.round(4)
    array([1.    , 0.0536, 0.0067, 0.0057, 0.0055])

    The 15 taps cut the Gaussian's tails, so some fine detail (0.5 %) is
    left even at 0.5 cycles per pixel, where an ideal Gaussian leaves none.
    """
    kernel = np.asarray(kernel, dtype=np.float64).reshape(-1)
    n = check_count("n", n, minimum=2)
    freqs = np.linspace(0.0, 0.5, int(n))
    taps = np.arange(kernel.size, dtype=np.float64)
    response = np.exp(-2j * np.pi * np.outer(freqs, taps)) @ kernel
    return freqs, np.abs(response)


def half_amplitude_cutoff(kernel: np.ndarray, resolution: int = 4097) -> float:
    """The lowest frequency that a kernel lets through at half amplitude or less.

    Below this frequency (in cycles per pixel) a blurred stripe pattern
    keeps more than half its contrast, above it less: it is where a hybrid
    hands over from the far picture (coarse, kept by the blur) to the near
    one (fine, removed by it).  For an ideal Gaussian of standard deviation
    ``sigma`` the answer is ``sqrt(ln 2 / 2) / (pi * sigma) ~ 0.187 / sigma``.

    Parameters
    ----------
    kernel : array_like, shape (K,)
    resolution : int, optional
        Frequencies sampled over [0, 0.5] before linear interpolation.

    Returns
    -------
    float
        Cycles per pixel, linearly interpolated between samples; NaN when
        the amplitude never falls to 0.5 (a kernel too short to blur).

    Examples
    --------
    The article's kernel (15 taps, sigma 3) lets slightly finer detail
    through than the ideal Gaussian, whose tails it cuts; 31 taps match it:

    >>> import math
    >>> round(math.sqrt(math.log(2) / 2) / (math.pi * 3), 4)
    0.0625
    >>> round(half_amplitude_cutoff(make_gauss_blur_kernel(15, 3)), 4)
    0.064
    >>> round(half_amplitude_cutoff(make_gauss_blur_kernel(31, 3)), 4)
    0.0625

    So from afar a 512-pixel picture keeps about 33 cycles across:

    >>> round(512 * half_amplitude_cutoff(make_gauss_blur_kernel(15, 3)))
    33
    >>> half_amplitude_cutoff([1.0])
    nan
    """
    freqs, amplitude = frequency_response(kernel, resolution)
    below = np.flatnonzero(amplitude <= 0.5)
    if below.size == 0:
        return math.nan
    i = int(below[0])
    if i == 0:
        return 0.0
    f0, f1, a0, a1 = freqs[i - 1], freqs[i], amplitude[i - 1], amplitude[i]
    return float(f0 + (a0 - 0.5) * (f1 - f0) / (a0 - a1))


def truncated_weight(size: int, sigma: float) -> float:
    """Fraction of an ideal Gaussian's weight that a ``size``-tap kernel cuts off.

    Tap ``i`` stands for the interval ``[i - center - 1/2, i - center + 1/2]``,
    so the taps cover ``[-center - 1/2, size - center - 1/2]`` and the rest of
    the continuous Gaussian is lost.  :func:`make_gauss_blur_kernel`
    renormalises the taps to sum to 1, so nothing gets darker, but a kernel
    that cuts off a lot is closer to a box than to a Gaussian and lets fine
    detail leak through (see :func:`frequency_response`).

    Parameters
    ----------
    size : int
    sigma : float

    Returns
    -------
    float
        In [0, 1].

    Examples
    --------
    The article's 15 taps for sigma 3 cut off 1.2 % of the Gaussian;
    ``6 * sigma + 1`` taps keep all but 0.15 %; 5 taps lose 40 % of it:

    >>> round(truncated_weight(15, 3), 4), round(truncated_weight(19, 3), 4)
    (0.0124, 0.0015)
    >>> round(truncated_weight(5, 3), 2)
    0.4
    """
    make_gauss_blur_kernel(size, sigma)  # validates both arguments
    center = (int(size) - 1) // 2
    lo, hi = -center - 0.5, int(size) - center - 0.5
    scale = math.sqrt(2.0) * float(sigma)
    kept = 0.5 * (math.erf(hi / scale) - math.erf(lo / scale))
    return max(0.0, 1.0 - kept)
