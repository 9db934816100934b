import numpy as np
import pytest
import tensorflow as tf

import hybridnb as hn
from hybridnb.filters.similarity import mean_ssim


def test_ssim_on_tensors_matches_numpy_per_picture(rng):
    a = rng.random((3, 20, 24, 3))
    b = rng.random((1, 20, 24, 3))
    got = mean_ssim(tf.constant(a), tf.constant(b)).numpy()
    np.testing.assert_allclose(got, [hn.ssim(x, b[0]) for x in a], rtol=1e-10)


def test_perceptual_losses_are_zero_at_the_targets(pair16):
    near, _ = pair16
    loss = hn.PerceptualLoss(1.0, 1.0)
    x = tf.constant(near[np.newaxis])
    ln, lf = loss.terms(x, loss.prepare(x, x, 1, tf.float64))
    assert float(ln[0]) == pytest.approx(0.0, abs=1e-9) and float(lf[0]) == pytest.approx(0.0, abs=1e-12)


def test_perceptual_hybrid_starts_from_classic_and_trades_with_weight():
    near = hn.load_image(hn.sample_images()["hopper"], size=64)
    far = hn.load_image(hn.sample_images()["astronaut"], size=64)
    start = hn.classic_hybrid(near, far, 1.0, 2.0).image
    res = hn.perceptual_hybrid(near, far, 1.0, 2.0, m_precise=(0.01, 0.3), steps_count=20)
    np.testing.assert_allclose(res.init, start, atol=1e-6)  # computed in float32 by the optimiser's start
    assert res.images.min() >= 0 and res.images.max() <= 1
    # one step from the classic start: still close to it
    one = hn.perceptual_hybrid(near, far, 1.0, 2.0, m_precise=(0.01,), steps_count=1).images[0]
    assert np.abs(one - start).max() < 0.05
    # the near term pulls towards the near picture, more so with more weight
    s_low, s_high = (hn.ssim(im, near) for im in res.images)
    assert hn.ssim(start, near) < s_low < s_high


def test_perceptual_hybrid_from_grey_and_bad_init():
    near = hn.load_image(hn.sample_images()["hopper"], size=32)
    far = hn.load_image(hn.sample_images()["astronaut"], size=32)
    res = hn.perceptual_hybrid(near, far, 1.0, 2.0, m_precise=(0.1,), steps_count=30, init="grey")
    assert hn.ssim(res.images[0], near) > hn.ssim(np.full_like(near, 0.5), near)
    with pytest.raises(ValueError):
        hn.perceptual_hybrid(near, far, 1.0, 2.0, init="white")
