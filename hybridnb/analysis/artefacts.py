"""Artefacts an optimised hybrid can have, measured against the near picture.

Fitting pixels can buy a lower loss with things no viewer wants; these are
the three that the article's loss produces when it is minimised well
(``bench/quality/FINDINGS.md``, section 3; notebook 07 shows them):

- **speckle**: salt-and-pepper texture that neither picture has, measured as
  the mean absolute 4-neighbour Laplacian of the display luma, relative to
  the near picture's (1: as busy as the near picture; the article's 200
  plain steps give about 0.4, converged fits 3-4);
- **stuck values**: the share of values (pixels x channels) at 0 or 1 in
  8 bits: the sigmoid pushed to its ends;
- **frame**: the mean luma of the outer border (3 pixels at 256 px) minus
  that of the next band (twice as wide), minus the same step of the near
  picture: negative for a dark frame (the article's zero-padded blur).

Plain NumPy, on display values: these judge what is shown, not how it was
made.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import check_picture

#: Rec. 601 luma weights (display values, as a screen mixes them).
LUMA = np.array([0.299, 0.587, 0.114])


@dataclass(frozen=True)
class Artefacts:
    """Speckle, stuck values and frame of a hybrid (see the module's docstring).

    Attributes
    ----------
    speckle : float
        Mean |Laplacian| of luma, relative to the near picture's.
    stuck : float
        Share of values at 0 or 1 in 8 bits, in [0, 1].
    frame : float
        Border step of luma minus the near picture's (negative: darker border).
    """

    speckle: float
    stuck: float
    frame: float


def _luma(picture: np.ndarray) -> np.ndarray:
    return np.asarray(picture, dtype=np.float64) @ LUMA


def _busyness(luma: np.ndarray) -> float:
    laplacian = 4 * luma[1:-1, 1:-1] - luma[:-2, 1:-1] - luma[2:, 1:-1] - luma[1:-1, :-2] - luma[1:-1, 2:]
    return float(np.abs(laplacian).mean())


def _border_step(luma: np.ndarray, width: int) -> float:
    inner = np.ones(luma.shape, dtype=bool)
    inner[:width, :] = inner[-width:, :] = inner[:, :width] = inner[:, -width:] = False
    band = inner.copy()
    band[3 * width : -3 * width, 3 * width : -3 * width] = False
    return float(luma[~inner].mean() - luma[band].mean())


def artefacts(image: np.ndarray, near: np.ndarray) -> Artefacts:
    """Measure a hybrid's speckle, stuck values and frame against its near picture.

    Parameters
    ----------
    image, near : ndarray, shape (H, W, 3), values in [0, 1]
        The hybrid and the picture it should look like up close; at least
        16 pixels a side.

    Returns
    -------
    Artefacts

    Examples
    --------
    >>> import hybridnb as hn
    >>> near = hn.load_image("hopper", 64)
    >>> a = artefacts(near, near)
    >>> a.speckle, a.stuck == artefacts(near, near).stuck, a.frame
    (1.0, True, 0.0)
    >>> noisy = np.clip(near + np.random.default_rng(0).choice([-0.5, 0.5], near.shape), 0, 1)
    >>> artefacts(noisy, near).speckle > 3, artefacts(noisy, near).stuck > 0.3
    (True, True)
    """
    near = check_picture("near", near)
    image = check_picture("image", image, near.shape[:2])
    if min(near.shape[:2]) < 16:
        raise ValueError(f"artefacts need pictures of at least 16 pixels a side, got {near.shape[:2]}")
    width = max(1, round(3 * min(near.shape[:2]) / 256))
    shown, reference = _luma(image), _luma(near)
    codes = np.round(np.asarray(image) * 255)
    return Artefacts(
        speckle=_busyness(shown) / max(_busyness(reference), 1e-12),
        stuck=float(np.mean((codes <= 0) | (codes >= 255))),
        frame=_border_step(shown, width) - _border_step(reference, width),
    )
