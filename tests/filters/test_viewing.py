import numpy as np
import pytest

import hybridnb as hn
from hybridnb.filters.viewing import distance_for_cutoff, eye_sigma, picture_degrees


def test_sigma_cutoff_round_trip_and_half_amplitude():
    sigmas = np.array([0.5, 1.0, 3.0, 10.0])
    np.testing.assert_allclose(hn.cutoff_to_sigma(hn.sigma_to_cutoff(sigmas, 256), 256), sigmas)
    # the Gaussian's transfer function is 1/2 at the cutoff: check on the kernel's own DFT
    size, sigma = 512, 3.0
    k = np.zeros(size)
    taps = hn.make_gauss_blur_kernel(31, sigma)
    k[:31] = taps
    f_c = hn.sigma_to_cutoff(sigma, size)  # cycles per image = DFT bin
    gain = np.abs(np.fft.rfft(k))
    assert np.interp(f_c, np.arange(gain.size), gain) == pytest.approx(0.5, abs=2e-3)


def test_cycles_per_degree_round_trip_and_geometry():
    d = np.array([0.5, 2.0, 10.0])
    np.testing.assert_allclose(hn.cycles_per_image(hn.cycles_per_degree(40.0, 0.3, d), 0.3, d), 40.0)
    # far away, the picture's angle shrinks like 1/d, so cycles per degree grow like d
    cpd = hn.cycles_per_degree(40.0, 0.3, np.array([100.0, 200.0]))
    assert cpd[1] / cpd[0] == pytest.approx(2.0, rel=1e-4)
    assert picture_degrees(1.0, 0.5) == pytest.approx(90.0)
    assert hn.cycles_per_degree(32.0, 0.3, distance_for_cutoff(32.0, 0.3, cpd=20.0)) == pytest.approx(20.0)


def test_simulate_viewing_blurs_more_with_distance_and_keeps_light(rng):
    img = hn.load_image(hn.sample_images()["camera"], size=64)
    assert eye_sigma(64, 5.0) < eye_sigma(64, 50.0)
    views = [hn.simulate_viewing(img, d) for d in (0.1, 10.0, 40.0)]
    np.testing.assert_array_equal(views[0], img)
    detail = [np.abs(np.diff(v, axis=1)).mean() for v in views]
    assert detail[0] > detail[1] > detail[2]
    light = [float(np.mean(hn.srgb_to_linear(v))) for v in views]
    assert light[2] == pytest.approx(light[0], rel=0.02)  # mirrored borders: no light lost


def test_perception_curve_crosses_over():
    near = hn.load_image(hn.sample_images()["hopper"], size=64)
    far = hn.load_image(hn.sample_images()["astronaut"], size=64)
    hybrid = hn.classic_hybrid(near, far, 1.0, 3.0).image
    curve = hn.perception_curve(hybrid, near, far, np.geomspace(0.3, 100, 9))
    assert curve.near[0] > curve.far[0]
    assert curve.far[-1] > curve.near[-1]
    assert 0.3 < curve.crossover < 100
    fig = hn.perception_figure(curve)
    assert len(fig.axes[0].lines) == 3
