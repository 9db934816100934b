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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..imaging.color import GAMMA, linear_to_srgb, srgb_to_linear
from .lowpass import highpass, lowpass


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


def _check_pair(img_precise, img_blurred) -> tuple[np.ndarray, np.ndarray]:
    near = np.asarray(img_precise, dtype=np.float64)
    far = np.asarray(img_blurred, dtype=np.float64)
    if near.ndim != 3 or near.shape != far.shape:
        raise ValueError(f"expected two (H, W, C) pictures of one shape, got {near.shape} and {far.shape}")
    for name, a in (("img_precise", near), ("img_blurred", far)):
        if not np.all(np.isfinite(a)) or a.min() < 0 or a.max() > 1:
            raise ValueError(f"{name} must hold values in [0, 1]")
    return near, far


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
        :func:`hybridnb.sigma_to_cutoff` for the matching frequencies).
        Both filters mirror the borders (:func:`hybridnb.filters.lowpass`).
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
    near, far = _check_pair(img_precise, img_blurred)
    for name, s in (("sigma_precise", sigma_precise), ("sigma_blurred", sigma_blurred)):
        if not (np.isfinite(s) and s > 0):
            raise ValueError(f"{name} must be a positive number, got {s!r}")
    if linear:
        near, far = srgb_to_linear(near, gamma), srgb_to_linear(far, gamma)
    unclipped = lowpass(far, sigma_blurred) + highpass(near, sigma_precise)
    out_of_range = int(np.count_nonzero((unclipped < 0) | (unclipped > 1)))
    # Clip first: a negative value has no power (x ** (1 / gamma) is NaN).
    image = np.clip(unclipped, 0.0, 1.0)
    if linear:
        image = linear_to_srgb(image, gamma)
    return ClassicResult(image=image, unclipped=unclipped, out_of_range=out_of_range, linear=bool(linear))
