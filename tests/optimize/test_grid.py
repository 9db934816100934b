import numpy as np
import pytest
import tensorflow as tf

import hybridnb as hn
from hybridnb.filters.blur_tf import FFT_MIN_TAPS


@pytest.mark.parametrize(("optimizer", "lr"), [("sgd", 0.3), ("adam", 0.05)])
def test_each_cell_equals_a_single_model_run(pair16, optimizer, lr):
    near, far = pair16
    kw = dict(steps_count=15, lr=lr, gauss_kernel_size=5, gauss_sigma=1.0, optimizer=optimizer)
    grid = hn.comparison_grid(near, far, m_precise=(0.1, 1.0), m_blurred=(0.5, 1.0), print_loss_steps=5, **kw)
    assert grid.images.shape == (4, 16, 16, 3)
    assert grid.m_precise.tolist() == [0.1, 1.0, 0.1, 1.0]
    assert grid.m_blurred.tolist() == [0.5, 0.5, 1.0, 1.0]
    for i in range(4):
        model = hn.HybridModel(16, 16, 5, 1.0)
        reports: list[float] = []
        last = model.train(
            15,
            5,
            lr,
            img_precise=near,
            img_blurred=far,
            m_precise=grid.m_precise[i],
            m_blurred=grid.m_blurred[i],
            optimizer=optimizer,
            callback=lambda step, r, seen=reports: seen.append(r.loss),
            verbose=False,
        )
        np.testing.assert_allclose(grid.images[i], last.image, rtol=0, atol=2e-6)
        np.testing.assert_allclose(
            [grid.loss[i], grid.loss_precise[i], grid.loss_gauss[i]],
            [last.loss, last.loss_precise, last.loss_gauss],
            rtol=2e-5,
        )
        np.testing.assert_allclose([r.loss for r in grid.history[i]], reports, rtol=2e-5)


def test_more_near_weight_gives_a_closer_near_picture(pair16):
    near, far = pair16
    grid = hn.comparison_grid(near, far, steps_count=30, gauss_kernel_size=5, gauss_sigma=1.0)
    assert grid.loss_precise[0] > grid.loss_precise[1] > grid.loss_precise[2]
    assert grid.loss_gauss[0] < grid.loss_gauss[2]
    fig = hn.comparison_figure(grid, far_factor=2)
    assert len(fig.axes) == 2 * 3 + 1


def test_grid_rejects_bad_arguments(pair16):
    near, far = pair16
    with pytest.raises(ValueError):
        hn.comparison_grid(near, far, m_precise=(-1.0,))
    with pytest.raises(ValueError):
        hn.comparison_grid(near, far, optimizer="lbfgs")
    with pytest.raises(ValueError):
        hn.comparison_grid(near, far[:8])


def test_grid_float64_matches_float32(pair16):
    near, far = pair16
    kw = dict(m_precise=(0.3,), steps_count=5, gauss_kernel_size=5, gauss_sigma=1.0)
    a = hn.comparison_grid(near, far, dtype=tf.float64, **kw)
    b = hn.comparison_grid(near, far, **kw)
    np.testing.assert_allclose(a.images, b.images, atol=1e-5)


@pytest.mark.parametrize("taps", [7, FFT_MIN_TAPS])  # the direct and the FFT blur in float32
def test_cells_side_by_side_match_single_runs_on_a_wide_picture(taps):
    """A picture that is not square, 3 cells, both blur methods: each cell is its own single run."""
    samples = hn.sample_images()
    near = hn.load_image(samples["hopper"], size=64)[:56, :62]  # a side of n holds 2n - 1 taps
    far = hn.load_image(samples["astronaut"], size=64)[:56, :62]
    kw = dict(steps_count=8, lr=0.3, gauss_kernel_size=taps, gauss_sigma=2.0)
    grid = hn.comparison_grid(near, far, m_precise=(0.1, 0.3, 1.0), print_loss_steps=0, **kw)
    assert grid.images.shape == (3, 56, 62, 3)
    for i in range(3):
        model = hn.HybridModel(56, 62, taps, 2.0)
        last = model.train(8, 0, 0.3, img_precise=near, img_blurred=far, m_precise=grid.m_precise[i], verbose=False)
        np.testing.assert_allclose(grid.images[i], last.image, rtol=0, atol=2e-6)
        np.testing.assert_allclose(grid.loss[i], last.loss, rtol=2e-5)


def test_side_by_side_losses_are_as_accurate_as_float32_allows():
    """Per-cell sums over 384 x 384 pixels: gradient bit for bit, losses within 2e-6 of float64."""
    from hybridnb.optimize.article import loss_and_gradient, loss_and_gradient_side_by_side, side_by_side, stacked

    k = tf.constant(hn.make_gauss_blur_kernel(15, 3.0), tf.float32)
    z = tf.random.stateless_normal((6, 384, 384, 3), seed=(1, 2))
    near = tf.random.stateless_uniform((1, 384, 384, 3), seed=(3, 4))
    far = tf.random.stateless_uniform((1, 384, 384, 3), seed=(5, 6))
    mp, mb = tf.constant([0.1, 0.3, 1.0] * 2), tf.constant([1.0] * 3 + [3.0] * 3)
    _, _, _, grad = loss_and_gradient(z, near, far, k, mp, mb)
    tiled = [tf.tile(t, [1, 1, 1, 6]) for t in (near, far)]
    lp, lg, grad_side = loss_and_gradient_side_by_side(side_by_side(z), *tiled, k, mp, mb)
    assert bool(tf.reduce_all(stacked(grad_side) == grad))
    f64 = [tf.cast(t, tf.float64) for t in (z, near, far, k, mp, mb)]
    _, lp64, lg64, _ = loss_and_gradient(*f64, method="direct")
    np.testing.assert_allclose(lp, lp64, rtol=2e-6)
    np.testing.assert_allclose(lg, lg64, rtol=2e-6)
