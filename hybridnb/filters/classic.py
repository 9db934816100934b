"""The classic hybrid image: low-pass of the far picture plus high-pass of the near one.

Oliva, Torralba & Schyns, "Hybrid images", ACM SIGGRAPH 2006:

``H = G_far * far + (near - G_near * near)``

where ``G_s *`` is a Gaussian blur of standard deviation ``s`` pixels.  The
sum is not bounded: where the near picture's detail is strong on a bright or
dark patch of the far picture, ``H`` leaves [0, 1] and has to be clipped,
which is one of the two faults the article finds with the recipe.  The other
is gamma: done on display values, the blur averages codes, not light.  With
``linear=True`` the same sum is formed in linear light (``x ** 2.2``) and
converted back, which fixes the second fault but not the first (negative
light has no display value, so it is clipped before the conversion).

:func:`classic_split` is the formula, once, for NumPy arrays and tensors
alike: :func:`classic_hybrid` shows it, and the optimisers start from it
(:mod:`hybridnb.optimize.start`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from ..arrays import clip
from ..checks import check_number, check_picture
from ..imaging.color import GAMMA, linear_to_srgb, srgb_to_linear
from .blur import blur_with_kernel
from .kernels import kernel_size_for, make_gauss_blur_kernel

ArrayT = TypeVar("ArrayT")


@dataclass(frozen=True)
class ClassicResult:
    """A classic hybrid and what clipping it cost.

    Attributes
    ----------
    image : ndarray, shape (H, W, 3)
        The hybrid in display values, clipped to [0, 1].
    unclipped : ndarray, shape (H, W, 3)
        The sum before clipping, in the space it was formed in (linear
        light when ``linear`` is true, display values otherwise).
    out_of_range : int
        Number of values (pixels x channels) of ``unclipped`` outside [0, 1].
    linear : bool
        Whether the sum was formed in linear light.
    """

    image: np.ndarray
    unclipped: np.ndarray
    out_of_range: int
    linear: bool

    @property
    def out_of_range_fraction(self) -> float:
        """``out_of_range`` divided by the number of values."""
        return self.out_of_range / self.unclipped.size

    @property
    def out_of_range_map(self) -> np.ndarray:
        """(H, W) signed excess: how far each pixel's worst channel left [0, 1].

        Positive above 1, negative below 0, zero inside.
        """
        over = np.clip(self.unclipped - 1.0, 0.0, None).max(axis=-1)
        under = np.clip(-self.unclipped, 0.0, None).max(axis=-1)
        return np.where(over >= under, over, -under)


def classic_split(
    img_precise: ArrayT,
    img_blurred: ArrayT,
    kernel_precise,
    kernel_blurred,
    *,
    linear: bool = False,
    gamma=GAMMA,
    border: str = "mirror",
) -> ArrayT:
    """The unclipped classic sum ``lowpass(far) + near - lowpass(near)`` of NHWC batches.

    NumPy arrays or tensors (the optimisers' start computes it in the graph).

    Parameters
    ----------
    img_precise, img_blurred : ndarray or tf.Tensor, shape (N, H, W, C), values in [0, 1]
    kernel_precise, kernel_blurred : array_like or tf.Tensor, shape (K,)
        The two low-pass kernels (see :func:`hybridnb.make_gauss_blur_kernel`).
    linear : bool, optional
        Form the sum in linear light (``x ** gamma``); the result is then
        light, not display values.
    gamma : float or scalar tensor, optional
    border : {"mirror", "zero"}, optional
        The blurs' border (:mod:`hybridnb.filters.blur`).

    Returns
    -------
    ndarray or tf.Tensor, same shape: display values, or light with ``linear``

    Examples
    --------
    >>> import numpy as np
    >>> grey = np.full((1, 8, 8, 3), 0.5)
    >>> bool(np.allclose(classic_split(grey, grey, [0.25, 0.5, 0.25], [0.25, 0.5, 0.25]), 0.5))
    True
    """
    near, far = img_precise, img_blurred
    if linear:
        near, far = srgb_to_linear(near, gamma), srgb_to_linear(far, gamma)
    return (
        blur_with_kernel(far, kernel_blurred, border=border)
        + near
        - blur_with_kernel(near, kernel_precise, border=border)
    )


def classic_hybrid(
    img_precise: np.ndarray,
    img_blurred: np.ndarray,
    sigma_precise: float,
    sigma_blurred: float,
    *,
    linear: bool = False,
    gamma: float = GAMMA,
) -> ClassicResult:
    """Oliva, Torralba & Schyns' hybrid: ``lowpass(far) + highpass(near)``.

    Parameters
    ----------
    img_precise : ndarray, shape (H, W, 3), values in [0, 1]
        Seen up close: only its detail finer than ``sigma_precise`` is kept.
    img_blurred : ndarray, shape (H, W, 3), values in [0, 1]
        Seen from afar: only its structure coarser than ``sigma_blurred`` is kept.
    sigma_precise, sigma_blurred : float
        Gaussian standard deviations in pixels (see
        :func:`hybridnb.sigma_to_cutoff` for the matching frequencies), with
        ``kernel_size_for(sigma)`` taps (+-3 sigma).  Both filters mirror the
        borders, so the hybrid has no dark frame.
    linear : bool, optional
        Form the sum in linear light (``x ** gamma``) instead of on display
        values (the original recipe, default).
    gamma : float, optional

    Returns
    -------
    ClassicResult
        The clipped hybrid, the sum before clipping and the number of values
        that were outside [0, 1].

    Examples
    --------
    >>> import hybridnb as hn
    >>> near = hn.load_image(hn.sample_images()["hopper"], size=64)
    >>> far = hn.load_image(hn.sample_images()["astronaut"], size=64)
    >>> result = hn.classic_hybrid(near, far, sigma_precise=2.0, sigma_blurred=3.0)
    >>> result.image.shape, bool(result.image.min() >= 0 and result.image.max() <= 1)
    ((64, 64, 3), True)
    >>> result.out_of_range > 0  # the sum leaves [0, 1] somewhere
    True
    """
    near = check_picture("img_precise", img_precise).astype(np.float64)
    far = check_picture("img_blurred", img_blurred, near.shape[:2]).astype(np.float64)
    kernels = [
        make_gauss_blur_kernel(kernel_size_for(sigma), sigma)
        for sigma in (check_number(name, value, positive=True) for name, value in
                      (("sigma_precise", sigma_precise), ("sigma_blurred", sigma_blurred)))
    ]  # fmt: skip
    unclipped = classic_split(near[None], far[None], *kernels, linear=linear, gamma=gamma)[0]
    out_of_range = int(np.count_nonzero((unclipped < 0) | (unclipped > 1)))
    # Clip first: a negative value has no power (x ** (1 / gamma) is NaN).
    image = clip(unclipped, 0.0, 1.0)
    if linear:
        image = linear_to_srgb(image, gamma)
    return ClassicResult(image=image, unclipped=unclipped, out_of_range=out_of_range, linear=bool(linear))
