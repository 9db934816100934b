"""Tests of the helpers the teaching notebooks compute with.

Kernel frequency response, cutoff and truncation; test patterns; the
linear-light blur; the full 2-D blur; timing; image rows; live training.
"""

import math
import os

import numpy as np
import pytest
from reference import blur as reference_blur

import hybridnb as hn
from hybridnb.ui.live import LiveFigure


def ideal_cutoff(sigma: float) -> float:
    """Half-amplitude frequency of a continuous Gaussian: exp(-2 pi^2 sigma^2 f^2) = 1/2."""
    return math.sqrt(math.log(2) / 2) / (math.pi * sigma)


# --- kernels ---------------------------------------------------------------


@pytest.mark.parametrize(("size", "sigma"), [(15, 3.0), (16, 3.0), (7, 1.0), (61, 10.0)])
def test_frequency_response_matches_a_zero_padded_fft(size, sigma):
    k = hn.make_gauss_blur_kernel(size, sigma)
    freqs, amplitude = hn.frequency_response(k, n=65)
    fft = np.abs(np.fft.rfft(k, n=128))  # bins at 0, 1/128, ..., 0.5 cycles per pixel
    assert freqs[0] == 0.0 and freqs[-1] == 0.5
    assert amplitude[0] == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(amplitude, fft, atol=1e-12)


def test_frequency_response_rejects_too_few_points():
    with pytest.raises(ValueError):
        hn.frequency_response([1.0], n=1)


@pytest.mark.parametrize("sigma", [1.5, 3.0, 6.0, 10.0])
def test_cutoff_of_a_long_kernel_is_the_ideal_gaussians(sigma):
    size = 2 * math.ceil(4 * sigma) + 1
    cutoff = hn.half_amplitude_cutoff(hn.make_gauss_blur_kernel(size, sigma))
    assert cutoff == pytest.approx(ideal_cutoff(sigma), rel=2e-3)


def test_cutoff_is_where_the_response_crosses_one_half():
    k = hn.make_gauss_blur_kernel(15, 3)
    cutoff = hn.half_amplitude_cutoff(k)
    taps = np.arange(k.size)
    at = lambda f: abs(np.sum(k * np.exp(-2j * np.pi * f * taps)))  # noqa: E731
    assert at(cutoff * 0.99) > 0.5 > at(cutoff * 1.01)
    assert at(cutoff) == pytest.approx(0.5, abs=1e-4)


def test_truncation_raises_the_cutoff_and_short_kernels_never_reach_half():
    cut = [hn.half_amplitude_cutoff(hn.make_gauss_blur_kernel(n, 3)) for n in (7, 11, 15, 31)]
    assert cut == sorted(cut, reverse=True) and cut[-1] == pytest.approx(ideal_cutoff(3), rel=1e-3)
    assert math.isnan(hn.half_amplitude_cutoff([1.0]))
    assert math.isnan(hn.half_amplitude_cutoff(hn.make_gauss_blur_kernel(2, 0.1)))


@pytest.mark.parametrize(("size", "sigma"), [(15, 3.0), (5, 3.0), (16, 2.0), (1, 0.5), (61, 10.0)])
def test_truncated_weight_against_numerical_integration(size, sigma):
    center = (size - 1) // 2
    x = np.linspace(-center - 0.5, size - center - 0.5, 200001)
    density = np.exp(-(x**2) / (2 * sigma**2)) / (sigma * math.sqrt(2 * math.pi))
    kept = np.sum((density[1:] + density[:-1]) / 2 * np.diff(x))
    assert hn.truncated_weight(size, sigma) == pytest.approx(1 - kept, abs=1e-8)


def test_truncated_weight_validates():
    with pytest.raises(ValueError):
        hn.truncated_weight(0, 1.0)
    with pytest.raises(ValueError):
        hn.truncated_weight(5, -1.0)


# --- gamma -----------------------------------------------------------------


def test_standard_srgb_curve_against_the_definition():
    codes = np.array([0, 10, 11, 64, 127, 128, 200, 255]) / 255
    expected = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in codes]
    np.testing.assert_allclose(hn.srgb_standard_to_linear(codes), expected, rtol=1e-15)
    assert np.abs(hn.srgb_standard_to_linear(codes) - codes**2.2).max() < 0.01


# --- patterns --------------------------------------------------------------


def test_stripes_and_chart():
    s = hn.stripes(6, 3, period=4)
    np.testing.assert_array_equal(s[:, 0, 0], [1, 1, 0, 0, 1, 1])
    assert s.shape == (6, 3, 3) and (s[..., 0] == s[..., 2]).all()
    chart = hn.stripe_chart(10)
    assert chart.shape == (10, 20, 3)
    np.testing.assert_array_equal(chart[:, :10], hn.stripes(10, 10))
    assert (chart[:5, 10:] == 0.5).all() and np.allclose(chart[5:, 10:], 0.5 ** (1 / 2.2))
    for bad in (dict(period=3), dict(period=0)):
        with pytest.raises(ValueError):
            hn.stripes(4, 4, **bad)
    with pytest.raises(ValueError):
        hn.stripe_chart(1)


def test_blurred_chirp_traces_the_frequency_response():
    """The contrast left in a blurred chirp around each column is |H(f)| there."""
    width, top, k = 2048, 0.25, hn.make_gauss_blur_kernel(15, 3)
    blurred = reference_blur(hn.chirp(16, width, top)[np.newaxis], k)[0, 8, :, 0]  # a middle row: no border
    freqs = hn.chirp_frequencies(width, top)
    taps = np.arange(k.size)
    for f in (0.03, 0.05, 0.064, 0.08, 0.1):
        x = int(f * width / top)
        half = round(0.5 / f)  # half a period either side
        window = blurred[x - half : x + half + 1]
        contrast = window.max() - window.min()  # the chirp itself swings from 0 to 1
        expected = abs(np.sum(k * np.exp(-2j * np.pi * freqs[x] * taps)))
        assert freqs[x] == pytest.approx(f, abs=1e-3)
        assert contrast == pytest.approx(expected, abs=0.01)
        assert expected == pytest.approx(np.interp(freqs[x], *hn.frequency_response(k, 1025)), abs=1e-4)


def test_chirp_validates():
    with pytest.raises(ValueError):
        hn.chirp(4, 4, max_frequency=0.6)


# --- blurs -----------------------------------------------------------------


def test_blur_linear_is_gamma_blur_gamma(rng):
    image = rng.random((24, 24, 3))
    expected = reference_blur((image**2.2)[np.newaxis], hn.make_gauss_blur_kernel(9, 2.0))[0] ** (1 / 2.2)
    np.testing.assert_allclose(hn.blur_linear(image, 9, 2.0), expected, rtol=1e-10, atol=1e-12)
    middle = hn.blur_linear(hn.stripes(40, 40), 17, 2.0)[10:-10, 10:-10]
    np.testing.assert_allclose(middle, 0.5 ** (1 / 2.2), atol=2e-3)
    assert np.allclose(hn.gauss_blur(hn.stripes(40, 40), 17, 2.0)[10:-10, 10:-10], 0.5, atol=2e-3)


@pytest.mark.parametrize("size", [5, 6])
def test_full_2d_blur_equals_separable(rng, size):
    import tensorflow as tf

    k = hn.make_gauss_blur_kernel(size, 1.3)
    x = rng.random((2, 12, 10, 3))
    full = hn.blur_with_kernel_2d(tf.constant(x), tf.constant(np.outer(k, k))).numpy()
    np.testing.assert_allclose(full, reference_blur(x, k), atol=1e-12)


def test_blur_timings_rows(rng):
    rows = hn.blur_timings(rng.random((16, 16, 3)), [3, 7], 1.0, repeat=1)
    assert [r.kernel_size for r in rows] == [3, 7]
    assert all(r.separable > 0 and r.full_2d > 0 for r in rows)
    assert rows[1].ratio == rows[1].full_2d / rows[1].separable and rows[1].taps_ratio == 3.5


def test_best_time_takes_the_fastest_call():
    from hybridnb.teaching.timing import best_time

    calls = []
    durations = iter([0.0, 0.03, 0.001, 0.02])  # warm-up, then three timed calls

    def fn():
        import time

        calls.append(1)
        time.sleep(next(durations))

    t = best_time(fn, repeat=3, warmup=1)
    assert len(calls) == 4 and 0.001 <= t < 0.015
    with pytest.raises(ValueError):
        best_time(fn, repeat=0)


# --- figures ---------------------------------------------------------------


def test_image_row_widths_and_grey():
    fig = hn.image_row({"a": np.zeros((8, 8, 3)), "b": np.ones((8, 8)), "c": np.zeros((2, 2, 3))}, widths=[4, 4, 1])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c"]
    boxes = [ax.get_position().width for ax in fig.axes]
    assert boxes[2] < boxes[0] / 2
    assert hn.figure_to_png(fig)[:4] == b"\x89PNG"
    with pytest.raises(ValueError):
        hn.image_row({"a": np.zeros((2, 2, 3))}, widths=[1, 2])


class FakeHandle:
    def __init__(self):
        self.updates = 0

    def update(self, _obj):
        self.updates += 1


def test_live_training_updates_one_output_in_place(monkeypatch):
    """Training with the callback displays once and then only updates that output."""
    import IPython.display

    shown = []

    def fake_display(obj, display_id=False):
        shown.append(obj)
        return FakeHandle()

    monkeypatch.setattr(IPython.display, "display", fake_display)
    near = hn.load_image(hn.sample_images()["hopper"], 16)
    far = hn.load_image(hn.sample_images()["astronaut"], 16)
    model = hn.HybridModel(16, 16, 5, 1.0)
    monitor = hn.LiveTraining(LiveFigure(min_interval=0.0), far=lambda im: hn.shrink_linear(im, 4))
    last = model.train(10, 2, 0.3, img_precise=near, img_blurred=far, m_precise=0.1, callback=monitor, verbose=False)
    assert [r.step for r in monitor.history] == [1, 3, 5, 7, 9]
    assert monitor.history[-1].loss == pytest.approx(last.loss)
    assert np.array_equal(monitor.image, last.image)
    monitor.finish(model.steps, model.run(near, far, m_precise=0.1))  # the picture after the 10th update
    assert monitor.history[-1].step == 10 and np.array_equal(monitor.image, model.image())
    assert "step 10" in monitor.figure().axes[1].get_title()
    assert len(shown) == 1 and monitor.live._handle.updates == 6
    assert len(monitor.figure().axes) == 3


def test_live_training_skips_redraws_that_come_too_soon(monkeypatch):
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda obj, display_id=False: FakeHandle())
    from types import SimpleNamespace

    monitor = hn.LiveTraining(LiveFigure(min_interval=60.0))
    for step in range(4):
        monitor(step, SimpleNamespace(loss=1.0, loss_precise=1.0, loss_gauss=1.0, image=np.zeros((4, 4, 3))))
    assert len(monitor.history) == 4 and monitor.live._handle.updates == 0
    monitor.finish()
    assert monitor.live._handle.updates == 1


# --- start-up --------------------------------------------------------------


def test_quiet_tensorflow_hides_native_start_up_lines_only():
    """In a fresh process: nothing from TensorFlow's start-up reaches stderr, later output does."""
    import subprocess
    import sys

    code = (
        "import sys, hybridnb as hn\n"
        "devices = hn.quiet_tensorflow()\n"
        "import tensorflow as tf\n"
        "print(float(tf.constant(1.0) + 1), [d.device_type for d in devices])\n"
        "print('still shown', file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.strip().startswith("2.0 ['CPU'")
    assert done.stderr.strip() == "still shown"


def test_public_names_start_tensorflow_quietly_and_leave_the_environment_alone():
    """In a fresh process: the first ``hn.<name>`` that loads TensorFlow prints nothing natively,
    not even the graph optimiser's warnings of a later FFT blur inside a cond, and the user's
    environment is as it was."""
    import subprocess
    import sys

    code = (
        "import os, sys, hybridnb as hn\n"
        "near, far = hn.load_image('hopper', 48), hn.load_image('astronaut', 48)\n"
        "for sigma in (2.0, 4.0):  # the second kernel size retraces with the FFT-or-direct cond\n"
        "    hn.perceptual_hybrid(near, far, 1.0, sigma, m_precise=(0.1,), steps_count=2)\n"
        "print('TF_CPP_MIN_LOG_LEVEL' in os.environ)\n"
        "print('still shown', file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True, env=env
    )
    assert done.stdout.strip() == "False"
    assert done.stderr.strip() == "still shown"


def test_import_without_keras_skips_only_the_eager_keras_import():
    """In a fresh process: TensorFlow loads without Keras, and Keras still loads when asked for."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from hybridnb.ui.startup import import_tensorflow_without_keras\n"
        "tf = import_tensorflow_without_keras()\n"
        "print('keras' in sys.modules, 'matplotlib.pyplot' in sys.modules, sys.modules.get('keras', 1) is None)\n"
        "print(int(tf.reduce_sum(tf.ones(3))))\n"
        "print(tf.keras.layers.Dense(2)(tf.ones((1, 3))).shape, 'keras' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.split("\n")[:3] == ["False False False", "3", "(1, 2) True"]


def test_command_line_entry_point_runs_main_and_freezes_the_heap(monkeypatch):
    """``hybridnb`` (console_main) returns main's status; only it freezes the heap before exit."""
    import gc
    from importlib.metadata import entry_points

    from hybridnb.ui import cli

    (script,) = entry_points(group="console_scripts", name="hybridnb")
    assert script.value == "hybridnb.ui.cli:console_main"
    frozen = []
    monkeypatch.setattr(cli, "main", lambda: 7)
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    assert cli.console_main() == 7 and frozen == [True]
