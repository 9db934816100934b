import numpy as np
import pytest
from skimage.metrics import structural_similarity

import hybridnb as hn
from hybridnb.analysis.scores import pareto_front, uncovered


@pytest.mark.parametrize("shape", [(24, 30, 3), (16, 16), (40, 33, 2)])
def test_ssim_matches_scikit_image(rng, shape):
    a = rng.random(shape)
    b = np.clip(a + rng.normal(0, 0.15, shape), 0, 1)
    kwargs = dict(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1.0)
    if len(shape) == 3:
        kwargs["channel_axis"] = -1
    assert hn.ssim(a, b) == pytest.approx(structural_similarity(a, b, **kwargs), abs=1e-12)


def test_identical_pictures_score_perfectly():
    img = hn.load_image(hn.sample_images()["coffee"], size=96)
    assert hn.hybrid_scores(img, img, img) == hn.HybridScores(1.0, 1.0, 0.0)


def test_scores_fall_with_noise_and_count_out_of_range(rng):
    near = hn.load_image(hn.sample_images()["hopper"], size=96)
    far = hn.load_image(hn.sample_images()["astronaut"], size=96)
    noisy = near + rng.normal(0, 0.2, near.shape)
    s = hn.hybrid_scores(noisy, near, far)
    assert s.out_of_range == pytest.approx(np.mean((noisy < 0) | (noisy > 1)))
    assert 0 < s.out_of_range < 1
    assert s.near < hn.hybrid_scores(np.clip(near + rng.normal(0, 0.05, near.shape), 0, 1), near, far).near < 1
    # the far score compares far views: the far picture itself is perfect there, the near one is not
    assert hn.hybrid_scores(far, near, far).far == 1.0
    assert hn.hybrid_scores(near, near, far).far < 0.8


def test_pareto_front_and_coverage():
    pts = np.array([[0.5, 0.5], [0.6, 0.4], [0.4, 0.6], [0.45, 0.45], [0.6, 0.4]])
    assert sorted(pareto_front(pts).tolist()) == [0, 1, 2, 4]
    assert uncovered(pts, pts).tolist() == []
    assert uncovered(np.array([[0.7, 0.1]]), pts).tolist() == [0]


@pytest.mark.parametrize(("side", "factor"), [(64, 8), (87, 8), (40, 4)])
def test_scores_state_the_smallest_picture_they_take(side, factor):
    pictures = [np.full((side, side, 3), 0.5)] * 3
    smallest = 11 * factor
    with pytest.raises(ValueError, match=rf"at least {smallest} x {smallest} pixels .* got {side} x {side}$"):
        hn.hybrid_scores(*pictures, far_factor=factor)
    big = [np.full((smallest, smallest, 3), 0.5)] * 3
    assert hn.hybrid_scores(*big, far_factor=factor).near == 1.0


@pytest.mark.parametrize("bad", [float("inf"), float("nan"), "3", None, -1.0])
def test_documented_value_errors_are_value_errors(bad):
    img = np.full((32, 32, 3), 0.5)
    with pytest.raises(ValueError, match="sigma must be"):
        hn.ssim(img, img, sigma=bad)
    with pytest.raises(ValueError, match="width must be"):
        hn.simulate_viewing(img, 1.0, width=bad)
