"""The viewer's loss: its start is the classic split, it stays clean at any length, it does not depend on the size."""

import numpy as np
import pytest
import tensorflow as tf

import hybridnb as hn
from hybridnb.filters.eye import OPPONENT
from hybridnb.filters.hybrid_view import ideal_split, shown


def fine_texture(image: np.ndarray) -> float:
    """Mean |4-neighbour Laplacian| of the luma: speckle raises it."""
    y = image @ np.array([0.299, 0.587, 0.114])
    lap = 4 * y[1:-1, 1:-1] - y[:-2, 1:-1] - y[2:, 1:-1] - y[1:-1, :-2] - y[1:-1, 2:]
    return float(np.abs(lap).mean())


def border_step(image: np.ndarray) -> float:
    """Mean luma of the outer 2 px minus that of the next 4 px: a dark frame makes it negative."""
    y = image @ np.array([0.299, 0.587, 0.114])
    outer = np.ones_like(y, bool)
    outer[2:-2, 2:-2] = False
    ring = np.zeros_like(y, bool)
    ring[2:-2, 2:-2] = True
    ring[6:-6, 6:-6] = False
    return float(y[outer].mean() - y[ring].mean())


def stuck(image: np.ndarray) -> float:
    return float(np.mean((image <= 1 / 255) | (image >= 254 / 255)))


@pytest.fixture(scope="module")
def pair64():
    return hn.load_image("hopper", 64), hn.load_image("astronaut", 64)


def test_the_start_is_the_classic_split_clipped(pair64):
    near, far = pair64
    sigma_p, sigma_b = 2.0, 4.0
    loss = hn.ViewerLoss(float(hn.sigma_to_cutoff(sigma_p, 64)), float(hn.sigma_to_cutoff(sigma_b, 64)))
    start = loss.start(tf.constant(near[None]), tf.constant(far[None]), tf.float64)[0].numpy()
    classic = hn.classic_hybrid(near, far, sigma_p, sigma_b).image
    np.testing.assert_allclose(start, classic, atol=1e-9)  # fit then keeps it start_margin inside (0, 1)


def test_a_picture_the_display_can_show_is_its_own_optimum():
    picture = hn.load_image("cat", 32) * 0.8 + 0.1
    model = hn.HybridModel(32, 32, loss=hn.ViewerLoss(8.0))
    first = model.fit(picture, picture, max_steps=0)
    assert first.loss == pytest.approx(0.0, abs=1e-6)  # the ideal split of a picture with itself is the picture
    np.testing.assert_allclose(first.image, picture, atol=1e-5)


def test_the_loss_falls_and_the_terms_see_different_frequencies(pair64):
    near, far = pair64
    model = hn.HybridModel(64, 64, loss=hn.ViewerLoss(12.0))
    start = model.fit(near, far, max_steps=0)
    end = model.fit(near, far, max_steps=40, lr=0.03)
    assert end.loss < start.loss
    # a change of the mean (the coarsest frequency) is seen from afar, hardly up close
    inputs = model.loss.prepare(tf.constant(near[None]), tf.constant(far[None]), 1, tf.float32)
    x = tf.constant(shown(ideal_split(near, far, 12.0, 12.0), "display", 0.01)[None], tf.float32)
    (n0,), (f0,) = (t.numpy() for t in model.loss.terms(x, inputs))
    (n1,), (f1,) = (t.numpy() for t in model.loss.terms(x + 0.05, inputs))  # only the mean moves
    assert f1 - f0 > 0 and abs(n1 - n0) < 0.01 * (f1 - f0)


@pytest.mark.parametrize("space", ["display", "linear"])
def test_no_artefact_grows_with_steps(pair64, space):
    """10 steps and 400 steps: the same fine texture, no frame, no more stuck values than the classic split."""
    near, far = pair64
    classic = hn.classic_hybrid(near, far, 2.0, 2.0, linear=space == "linear").image
    pictures = {}
    for steps in (10, 400):
        model = hn.HybridModel(64, 64, loss=hn.ViewerLoss(float(hn.sigma_to_cutoff(2.0, 64)), space=space))
        pictures[steps] = model.fit(near, far, max_steps=steps, lr=0.03).image
    short, long = pictures[10], pictures[400]
    assert fine_texture(long) < 1.15 * fine_texture(short)
    assert fine_texture(long) < 1.2 * fine_texture(classic)
    assert abs(border_step(long) - border_step(near)) < 0.05
    assert stuck(long) <= stuck(classic) + 0.01
    # no colour cast: the mean red-green and blue-yellow balance stays the classic split's
    opponent = OPPONENT[1:]
    assert np.abs(opponent @ long.mean(axis=(0, 1)) - opponent @ classic.mean(axis=(0, 1))).max() < 0.03


def test_the_same_checks_catch_the_articles_speckle(pair64):
    """The measures above can fail: the article's loss, minimised longer, speckles and darkens its border."""
    near, far = hn.load_image("hopper", 128), hn.load_image("astronaut", 128)
    article = hn.ARTICLE.for_size(128)
    pictures = []
    for steps in (10, 400):
        model = hn.HybridModel(128, 128, article.kernel_size, article.sigma)
        pictures.append(model.fit(near, far, m_precise=article.m_precise, max_steps=steps).image)
    assert fine_texture(pictures[1]) > 1.15 * fine_texture(pictures[0])


def test_the_balance_does_not_depend_on_the_pixel_count():
    crossovers = []
    for size in (64, 128, 256):
        near, far = hn.load_image("hopper", size), hn.load_image("astronaut", size)
        crossovers.append(hn.balanced_crossover(near, far))
    assert max(crossovers) / min(crossovers) < 1.25, crossovers


def test_the_same_settings_look_the_same_at_two_sizes():
    """The hybrid at 128 px against the one at 256 px shrunk to 128 (the viewer's parameters are per picture)."""
    images = {}
    for size in (128, 256):
        near, far = hn.load_image("cat", size), hn.load_image("coffee", size)
        model = hn.HybridModel(size, size, loss=hn.ViewerLoss(12.0))
        images[size] = model.fit(near, far, max_steps=30, lr=0.03).image
    small = hn.shrink_linear(images[256], 2)
    assert hn.ssim(hn.shrink_linear(images[128], 4), hn.shrink_linear(small, 4)) > 0.95


def test_an_unbalanced_hybrid_gets_advice():
    near, far = hn.load_image("hopper", 64), hn.load_image("astronaut", 64)
    v = hn.visibilities(near, near, far)  # the near picture alone: nothing of the far one
    text = hn.advice(v, 16.0)
    assert text.startswith("the near picture dominates") and "raise the crossover above 16" in text
    assert hn.advice(hn.Visibility(0.8, 0.75), 16.0) is None
