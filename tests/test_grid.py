import numpy as np
import pytest
import tensorflow as tf

import hybridnb as hn


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
