import numpy as np
import pytest

import hybridnb as hn
from hybridnb.optimize.records import LossRecord
from hybridnb.ui.plots import plot_losses


def test_training_figure_renders_png():
    history = [LossRecord(i, 100.0 / (i + 1), 300.0 / (i + 1), 10.0 / (i + 1)) for i in range(20)]
    image = np.random.default_rng(0).random((32, 32, 3))
    fig = hn.training_figure(history, image, hn.shrink_linear(image, 8), title="t")
    assert len(fig.axes) == 3
    assert [line.get_label() for line in fig.axes[0].lines] == ["total", "precise (near)", "gauss (far)"]
    png = hn.figure_to_png(fig)
    assert png[:4] == b"\x89PNG" and len(png) > 5000


def test_plot_losses_redraws_without_piling_up():
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    for n in (1, 5, 9):
        plot_losses(ax, [LossRecord(i, 1.0, 2.0, 3.0) for i in range(n)])
    assert len(ax.lines) == 3 and len(ax.lines[0].get_xdata()) == 9


def test_shrink_linear_averages_light():
    stripes = np.zeros((4, 4, 3))
    stripes[::2] = 1.0
    out = hn.shrink_linear(stripes, 2)
    assert out.shape == (2, 2, 3)
    np.testing.assert_allclose(out, 0.5 ** (1 / 2.2))
    with pytest.raises(ValueError):
        hn.shrink_linear(stripes, 0)
    with pytest.raises(ValueError):
        hn.shrink_linear(stripes, 8)
