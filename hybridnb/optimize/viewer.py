"""The viewer's loss: the picture in range that looks most like the ideal hybrid, up close and from afar.

The article fits the pixels to the near picture sharply and to the far
picture blurred.  At its minimum that loss *rewards* speckle (its near term
counts display values, its far term light, and light grows faster than the
display value: where the far picture needs more light, a few pixels pushed to
white are cheapest), a dark frame (its zero padding) and a ghost of the near
picture from afar (its near term claims the coarse structure too); see
``bench/quality/FINDINGS.md`` and notebook 07.

This loss asks instead what a viewer sees.  The *ideal* hybrid is the
classic split at a crossover in cycles per picture
(:func:`hybridnb.filters.hybrid_view.ideal_split`, formed in display values
by default, or in linear light); a display cannot show it all, since the sum
leaves [0, 1].  The loss compares the picture's opponent channels (luminance
and two colour differences of display values, where equal steps look about
equally large) with the ideal's, in the orthonormal DCT domain (mirrored
borders: no frame), weighted by the eye's contrast sensitivity at a near and
a far distance in picture widths (:mod:`hybridnb.filters.eye`):

``near_term = sum_f W_near(f)^2 |DCT(s(x)) - DCT(s(ideal))|^2``,
``far_term = sum_f W_far(f)^2 |DCT(s(x)) - DCT(s(ideal))|^2``,
``loss = m_precise * near_term + m_blurred * far_term`` (sums, as the
article's: with the orthonormal DCT a band of cycles per picture holds the
same coefficients at any pixel count, each scaled with the picture's side,
so the two terms keep their balance and Adam its step at any size).

It is a convex quadratic in the display values, which are monotone in
the logits, so more steps never find a speckled optimum; it
starts from the ideal clipped into the display (:meth:`ViewerLoss.start`) and
only moves what the display cannot show to where the viewer notices it
least.  Where the classic split needs no clipping the two agree; where it
clips (bright text on a dark picture, a binary logo) the viewer's picture
keeps the shapes that clipping flattens.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from ..checks import check_choice, check_number
from ..filters.eye import FAR_FLOOR, OPPONENT, dct_matrix, view_weights
from ..filters.hybrid_view import FAR_DISTANCE, NEAR_DISTANCE, SPACES, ideal_display, ideal_split, shown, signal
from ..imaging.color import GAMMA
from .loss import HybridLoss, Inputs


@dataclass(frozen=True)
class ViewerLoss(HybridLoss):
    """The hybrid as a viewer sees it, up close and from afar, against the ideal split.

    Parameters
    ----------
    near_cutoff : float
        Cycles per picture above which the near picture's detail is kept.
    far_cutoff : float, optional
        Cycles per picture below which the far picture's structure is kept;
        ``near_cutoff`` by default (a crossover).
    near_distance, far_distance : float, optional
        Viewing distances in picture widths (4 and 32: arm's length and
        eight times farther).
    space : {"display", "linear"}, optional
        Form the split in display values (default, as the classic recipe)
        or in linear light (the eye adds photons, so the near picture's
        detail averages out from afar).  ``bench/quality`` measured both:
        linear light scores higher with a luminance-correlation viewer,
        lower with a lightness (L*) viewer.
    gamma : float, optional

    Examples
    --------
    >>> import hybridnb as hn
    >>> near, far = hn.load_image("hopper", 64), hn.load_image("astronaut", 64)
    >>> model = hn.HybridModel(64, 64, loss=hn.ViewerLoss(12.0))
    >>> report = model.fit(near, far, max_steps=20, lr=0.03)
    >>> report.steps, bool(0 <= report.image.min() and report.image.max() <= 1)
    (20, True)
    """

    near_cutoff: float
    far_cutoff: float | None = None
    near_distance: float = NEAR_DISTANCE
    far_distance: float = FAR_DISTANCE
    space: str = "display"
    gamma: float = GAMMA

    #: The start keeps colours this far inside (0, 1): a tenth of an 8-bit step, so that where the
    #: optimiser leaves the clipped ideal alone the saved picture is the classic split's, to the code.
    start_margin = 0.0004

    def __post_init__(self) -> None:
        object.__setattr__(self, "near_cutoff", check_number("near_cutoff", self.near_cutoff, positive=True))
        far_cutoff = self.near_cutoff if self.far_cutoff is None else self.far_cutoff
        object.__setattr__(self, "far_cutoff", check_number("far_cutoff", far_cutoff, positive=True))
        for name in ("near_distance", "far_distance", "gamma"):
            object.__setattr__(self, name, check_number(name, getattr(self, name), positive=True))
        check_choice("space", self.space, SPACES)

    def prepare(self, near: tf.Tensor, far: tf.Tensor, count: int, dtype: tf.DType) -> Inputs:
        near_np, far_np = near[0].numpy().astype(np.float64), far[0].numpy().astype(np.float64)
        ideal = ideal_split(near_np, far_np, self.near_cutoff, self.far_cutoff, space=self.space, gamma=self.gamma)
        target = self._spectrum(signal(ideal_display(ideal, self.space, self.gamma)))
        h, w = ideal.shape[:2]
        weights_near = view_weights(h, w, self.near_distance) ** 2
        weights_far = view_weights(h, w, self.far_distance, floor=FAR_FLOOR) ** 2
        return tuple(
            tf.constant(a, dtype)
            for a in (target[None], weights_near, weights_far, dct_matrix(h), dct_matrix(w), OPPONENT)
        )  # fmt: skip

    @staticmethod
    def _spectrum(channels: np.ndarray) -> np.ndarray:
        h, w = channels.shape[1:]
        return dct_matrix(h) @ channels @ dct_matrix(w).T

    def terms(self, image01: tf.Tensor, inputs: Inputs) -> tuple[tf.Tensor, tf.Tensor]:
        target, weights_near, weights_far, dct_h, dct_w, opponent = inputs
        channels = tf.einsum("kc,nhwc->nkhw", opponent, image01)
        spectrum = tf.einsum("ah,nkhw,bw->nkab", dct_h, channels, dct_w)
        error = tf.square(spectrum - target)
        return tf.reduce_sum(weights_near * error, axis=[1, 2, 3]), tf.reduce_sum(weights_far * error, axis=[1, 2, 3])

    def start(self, near: tf.Tensor, far: tf.Tensor, dtype: tf.DType) -> tf.Tensor:
        """The ideal split clipped into the display (:func:`hybridnb.filters.hybrid_view.shown`)."""
        near_np, far_np = near[0].numpy().astype(np.float64), far[0].numpy().astype(np.float64)
        ideal = ideal_split(near_np, far_np, self.near_cutoff, self.far_cutoff, space=self.space, gamma=self.gamma)
        return tf.constant(shown(ideal, self.space, gamma=self.gamma)[None], dtype)
