"""Sweeps of the classic and the perceptual hybrid over their settings, scored.

Both methods trade the near picture against the far one.  A sweep runs each
over a small grid of settings and scores every hybrid with
:func:`hybridnb.hybrid_scores`; the two clouds of (near, far) fidelities and
their Pareto fronts show which method gives the better trade-offs
(``bench/pareto.py`` and notebook 07 use these functions).

Settings are given in pixels for a 256-pixel picture and scaled with the
picture's size (:func:`hybridnb.filters.kernels.scale_sigma`), so a sweep at
512 px blurs twice as wide.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..filters.classic import classic_hybrid
from ..filters.kernels import scale_sigma
from ..filters.viewing import sigma_to_cutoff
from ..optimize.perceptual import perceptual_hybrid
from ..optimize.settings import VIEWER
from .scores import HybridScores, hybrid_scores, uncovered

#: sigma_precise, sigma_blurred (pixels at 256 px) swept by both methods.
SIGMAS_PRECISE = (1.0, 2.0, 4.0)
SIGMAS_BLURRED = (2.0, 4.0, 8.0)
#: near-term weights of the perceptual hybrid.
PERCEPTUAL_WEIGHTS = (0.003, 0.01, 0.03, 0.1)


@dataclass(frozen=True)
class SweepEntry:
    """One hybrid of a sweep: how it was made, the picture and its scores."""

    method: str
    name: str
    params: dict
    image: np.ndarray = field(repr=False)
    scores: HybridScores


#: The picture size the sweeps' sigmas are given for.
REFERENCE_SIZE = 256


def sweep_classic(
    img_precise: np.ndarray,
    img_blurred: np.ndarray,
    sigmas_precise: Sequence[float] = SIGMAS_PRECISE,
    sigmas_blurred: Sequence[float] = SIGMAS_BLURRED,
    linear: Sequence[bool] = (False, True),
) -> list[SweepEntry]:
    """Classic hybrids over ``sigmas_precise x sigmas_blurred x linear``.

    Examples
    --------
    >>> import hybridnb as hn
    >>> near = hn.load_image(hn.sample_images()["hopper"], size=96)
    >>> far = hn.load_image(hn.sample_images()["astronaut"], size=96)
    >>> entries = sweep_classic(near, far, (1.0,), (2.0, 4.0), (False,))
    >>> [e.name for e in entries]
    ['classic-sp1-sb2-srgb', 'classic-sp1-sb4-srgb']
    """
    size = img_precise.shape[1]
    entries = []
    for lin, sp, sb in itertools.product(linear, sigmas_precise, sigmas_blurred):
        result = classic_hybrid(
            img_precise,
            img_blurred,
            scale_sigma(sp, size, REFERENCE_SIZE),
            scale_sigma(sb, size, REFERENCE_SIZE),
            linear=lin,
        )
        # score the display values before clipping, so out-of-range is counted
        shown = result.unclipped if not lin else result.image
        scores = hybrid_scores(shown, img_precise, img_blurred)
        if lin:
            scores = HybridScores(scores.near, scores.far, result.out_of_range_fraction)
        name = f"classic-sp{sp:g}-sb{sb:g}-{'linear' if lin else 'srgb'}"
        params = dict(sigma_precise=sp, sigma_blurred=sb, linear=lin)
        entries.append(SweepEntry("classic", name, params, result.image, scores))
    return entries


def sweep_perceptual(
    img_precise: np.ndarray,
    img_blurred: np.ndarray,
    sigmas_precise: Sequence[float] = SIGMAS_PRECISE,
    sigmas_blurred: Sequence[float] = SIGMAS_BLURRED,
    weights: Sequence[float] = PERCEPTUAL_WEIGHTS,
    *,
    steps_count: int = 50,
) -> list[SweepEntry]:
    """Perceptual hybrids: for each pair of sigmas, all ``weights`` in one batch.

    Examples
    --------
    >>> import hybridnb as hn
    >>> near = hn.load_image(hn.sample_images()["hopper"], size=96)
    >>> far = hn.load_image(hn.sample_images()["astronaut"], size=96)
    >>> entries = sweep_perceptual(near, far, (1.0,), (2.0,), (0.1,), steps_count=5)
    >>> [e.name for e in entries], entries[0].scores.out_of_range
    (['optimized-sp1-sb2-m0.1'], 0.0)
    """
    size = img_precise.shape[1]
    entries = []
    for sp, sb in itertools.product(sigmas_precise, sigmas_blurred):
        result = perceptual_hybrid(
            img_precise,
            img_blurred,
            scale_sigma(sp, size, REFERENCE_SIZE),
            scale_sigma(sb, size, REFERENCE_SIZE),
            weights,
            steps_count=steps_count,
        )
        for m, image in zip(result.m_precise, result.images, strict=True):
            name = f"optimized-sp{sp:g}-sb{sb:g}-m{m:g}"
            params = dict(sigma_precise=sp, sigma_blurred=sb, m_precise=float(m), steps=steps_count)
            entries.append(SweepEntry("optimized", name, params, image, hybrid_scores(image, img_precise, img_blurred)))
    return entries


def sweep_viewer(
    img_precise: np.ndarray,
    img_blurred: np.ndarray,
    sigmas_precise: Sequence[float] = SIGMAS_PRECISE,
    sigmas_blurred: Sequence[float] = SIGMAS_BLURRED,
    linear: Sequence[bool] = (False,),
    *,
    steps: int = VIEWER.steps,
) -> list[SweepEntry]:
    """Viewer hybrids (:class:`hybridnb.ViewerLoss`) at the settings of :func:`sweep_classic`, one by one.

    Each classic setting's split (the same filters, in the same space) is the
    ideal the viewer's loss shows within the display's range, so the two
    sweeps pair up setting by setting.

    Examples
    --------
    >>> import hybridnb as hn
    >>> near, far = hn.load_image("hopper", 96), hn.load_image("astronaut", 96)
    >>> [e.name for e in sweep_viewer(near, far, (1.0,), (2.0,), (False,), steps=5)]
    ['optimized-sp1-sb2-srgb']
    """
    from ..optimize.model import HybridModel
    from ..optimize.viewer import ViewerLoss

    size = img_precise.shape[1]
    entries = []
    for lin, sp, sb in itertools.product(linear, sigmas_precise, sigmas_blurred):
        cutoffs = (float(sigma_to_cutoff(scale_sigma(s, size, REFERENCE_SIZE), size)) for s in (sp, sb))
        loss = ViewerLoss(*cutoffs, space="linear" if lin else "display")
        model = HybridModel(size, size, loss=loss)
        image = model.fit(img_precise, img_blurred, m_precise=VIEWER.m_precise, m_blurred=VIEWER.m_blurred,
                          max_steps=steps, lr=VIEWER.learning_rate()).image  # fmt: skip
        name = f"optimized-sp{sp:g}-sb{sb:g}-{'linear' if lin else 'srgb'}"
        params = dict(sigma_precise=sp, sigma_blurred=sb, linear=lin, steps=steps)
        entries.append(SweepEntry("optimized", name, params, image, hybrid_scores(image, img_precise, img_blurred)))
    return entries


def score_points(entries: Sequence[SweepEntry]) -> np.ndarray:
    """(K, 2) array of (near, far) fidelities.

    Examples
    --------
    >>> score_points([]).shape
    (0, 2)
    """
    return np.array([(e.scores.near, e.scores.far) for e in entries], dtype=np.float64).reshape(-1, 2)


def uncovered_entries(classic: Sequence[SweepEntry], optimized: Sequence[SweepEntry]) -> list[SweepEntry]:
    """Classic hybrids that no optimised hybrid matches or beats on both fidelities.

    Examples
    --------
    >>> uncovered_entries([], [])
    []
    """
    return [classic[i] for i in uncovered(score_points(classic), score_points(optimized))]
