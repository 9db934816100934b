"""HybridModel.fit, the hand-written gradient and the FFT blur: correctness only (speed is in bench/)."""

import numpy as np
import pytest
import reference as ref
import tensorflow as tf

import hybridnb as hn
from hybridnb.filters.blur import blur_with_kernel
from hybridnb.filters.blur_tf import FFT_MIN_TAPS, adjoint_kernel
from hybridnb.filters.viewing import far_view
from hybridnb.optimize.article import hybrid_losses, loss_and_gradient

WEIGHTS = dict(m_precise=0.1, m_blurred=1.0)


def _sgd_target(near, far, steps=1000, size=16, kernel=(5, 1.0)):
    """The loss the article's plain descent reaches in ``steps`` steps from grey."""
    model = hn.HybridModel(size, size, *kernel)
    model.train(steps, 0, 0.3, img_precise=near, img_blurred=far, verbose=False, **WEIGHTS)
    return model.run(near, far, **WEIGHTS).loss


def test_fit_stops_as_soon_as_the_target_is_met(pair16):
    near, far = pair16
    target = _sgd_target(near, far)
    model = hn.HybridModel(16, 16, 5, 1.0)
    report = model.fit(near, far, target_loss=target, **WEIGHTS)
    assert report.loss <= target
    assert 0 < report.steps < 100 and model.steps == report.steps
    # One step fewer from the same start has not got there yet.
    shorter = hn.HybridModel(16, 16, 5, 1.0).fit(near, far, target_loss=target, max_steps=report.steps - 1, **WEIGHTS)
    assert shorter.steps == report.steps - 1 and shorter.loss > target


def test_fit_reports_the_articles_loss_of_the_picture_it_holds(pair16):
    near, far = pair16
    model = hn.HybridModel(16, 16, 5, 1.0)
    report = model.fit(near, far, max_steps=7, **WEIGHTS)
    again = model.run(near, far, **WEIGHTS)
    assert (report.loss, report.loss_precise, report.loss_gauss) == (again.loss, again.loss_precise, again.loss_gauss)
    np.testing.assert_array_equal(report.image, model.image())
    expected = ref.losses(report.image.astype(np.float64), near, far, ref.kernel(5, 1.0), 0.1, 1.0)
    assert report.loss == pytest.approx(expected[0], rel=1e-4)
    assert report.loss_precise == pytest.approx(expected[1], rel=1e-4)
    assert report.loss_gauss == pytest.approx(expected[2], rel=1e-4)


def test_fit_respects_max_steps_and_goes_on_from_the_current_picture(pair16):
    near, far = pair16
    model = hn.HybridModel(16, 16, 5, 1.0)
    first = model.fit(near, far, max_steps=5, **WEIGHTS)
    assert first.steps == 5
    second = model.fit(near, far, max_steps=5, target_loss=0.0, **WEIGHTS)  # unreachable target
    assert second.steps == 10 and second.loss < first.loss
    assert model.fit(near, far, max_steps=0, **WEIGHTS).loss == second.loss


def test_fit_starts_from_the_classic_hybrid_only_on_a_grey_model(pair16, rng):
    near, far = pair16
    grey = hn.HybridModel(16, 16, 5, 1.0)
    start = grey.run(near, far, **WEIGHTS).loss
    guessed = grey.fit(near, far, max_steps=0, **WEIGHTS)
    assert guessed.loss < 0.5 * start  # the classic hybrid is far better than grey
    logits = rng.normal(size=(1, 16, 16, 3))
    kept = hn.HybridModel(16, 16, 5, 1.0, image_source=logits)
    kept.fit(near, far, max_steps=0, **WEIGHTS)
    np.testing.assert_allclose(kept.trainable_image.numpy(), logits, rtol=1e-6)
    kept.fit(near, far, max_steps=0, start="guess", **WEIGHTS)
    np.testing.assert_allclose(kept.image(), guessed.image, rtol=1e-6)


def test_fit_callback_sees_progress_and_can_stop(pair16):
    near, far = pair16
    seen = []

    def callback(steps, report):
        seen.append((steps, report.steps, report.loss))
        return steps >= 9

    model = hn.HybridModel(16, 16, 5, 1.0)
    last = model.fit(near, far, max_steps=50, callback=callback, report_every=3, **WEIGHTS)
    assert [s for s, _, _ in seen] == [3, 6, 9] and [s for _, s, _ in seen] == [3, 6, 9]
    assert model.steps == 9 and last.loss == seen[-1][2]
    losses = [loss for _, _, loss in seen]
    assert losses == sorted(losses, reverse=True)


def test_fit_float64(pair16):
    near, far = pair16
    model = hn.HybridModel(16, 16, 5, 1.0, dtype=tf.float64)
    report = model.fit(near, far, max_steps=10, **WEIGHTS)
    expected = ref.losses(model.image(), near, far, ref.kernel(5, 1.0), 0.1, 1.0)[0]
    assert report.loss == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(max_steps=-1), "max_steps"),
        (dict(max_steps=2.5), "max_steps"),
        (dict(report_every=0), "report_every"),
        (dict(lr=0.0), "lr"),
        (dict(start="grey"), "start"),
        (dict(target_loss=float("nan")), "target_loss"),
        (dict(m_blurred=-1.0), "m_blurred"),
    ],
)
def test_fit_rejects_bad_arguments(pair16, kwargs, message):
    near, far = pair16
    with pytest.raises(ValueError, match=message):
        hn.HybridModel(16, 16, 5, 1.0).fit(near, far, **kwargs)


def test_fit_does_not_retrace_for_new_values(pair16, trace_count):
    near, far = pair16
    hn.HybridModel(16, 16, 5, 1.0).fit(near, far, max_steps=2, **WEIGHTS)
    counts = trace_count()
    other = hn.HybridModel(16, 16, 5, 2.5)
    other.fit(near, far, m_precise=0.7, m_blurred=0.3, max_steps=3, lr=0.05, target_loss=1.0)
    other.set_blur(5, 1.7)
    other.fit(far, near, max_steps=2, start="guess", callback=lambda s, r: None, report_every=1)
    assert trace_count() == counts


# --- the hand-written gradient ----------------------------------------------


@pytest.mark.parametrize("taps", [5, 4, 61])
def test_hand_gradient_equals_autodiff(pair16, rng, taps):
    """Batch of two, per-picture weights, odd, even and FFT-sized kernels, in float64."""
    near, far = (tf.constant(np.stack([a, b])) for a, b in (pair16, pair16[::-1]))
    logits = tf.constant(rng.normal(0.0, 1.5, size=(2, 16, 16, 3)))
    kernel = tf.constant(hn.make_gauss_blur_kernel(taps, taps / 5))
    m_precise, m_blurred = tf.constant([0.1, 2.0], tf.float64), tf.constant([1.0, 0.5], tf.float64)
    target = far_view(far, kernel)
    with tf.GradientTape() as tape:
        tape.watch(logits)
        lp, lg = hybrid_losses(tf.sigmoid(logits), near, target, kernel)
        total = tf.reduce_sum(m_precise * lp + m_blurred * lg)
    expected = tape.gradient(total, logits)
    loss, lp2, lg2, grad = loss_and_gradient(logits, near, target, kernel, m_precise, m_blurred, 2.2)
    np.testing.assert_allclose(loss, total, rtol=1e-12)
    np.testing.assert_allclose(lp2, lp, rtol=1e-12)
    np.testing.assert_allclose(lg2, lg, rtol=1e-11)
    np.testing.assert_allclose(grad, expected, rtol=1e-9, atol=1e-13)


# --- the FFT blur -------------------------------------------------------------


@pytest.mark.parametrize(("size", "sigma"), [(15, 3.0), (4, 1.0), (61, 10.0), (80, 15.0), (1, 1.0)])
@pytest.mark.parametrize("method", ["direct", "fft"])
@pytest.mark.parametrize("kind", [np.asarray, tf.constant])
def test_both_blur_methods_match_the_numpy_reference(rng, size, sigma, method, kind):
    images = rng.random((2, 23, 31, 3))  # kernels of 61 and 80 taps are wider than the picture
    expected = ref.blur(images, ref.kernel(size, sigma))
    out = hn.gauss_blur(kind(images), size, sigma, method=method)
    assert type(out) is type(kind(images[:1]))  # NumPy in, NumPy out; tensors in, tensors out
    np.testing.assert_allclose(out, expected, rtol=1e-11)
    out32 = hn.gauss_blur(kind(images.astype(np.float32)), size, sigma, method=method)
    np.testing.assert_allclose(out32, expected, rtol=1e-5, atol=1e-6)


def test_auto_method_chooses_inside_a_graph_when_the_kernel_size_is_unknown(rng):
    images = tf.constant(rng.random((1, 20, 20, 3)), tf.float32)
    blur = tf.function(blur_with_kernel, input_signature=[tf.TensorSpec([1, 20, 20, 3]), tf.TensorSpec([None])])
    for taps in (5, FFT_MIN_TAPS + 10):  # one graph, both branches
        kernel = hn.make_gauss_blur_kernel(taps, taps / 6)
        expected = ref.blur(images.numpy(), kernel)
        np.testing.assert_allclose(blur(images, tf.constant(kernel, tf.float32)), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("taps", [1, 2, 5, 6, 61])
def test_adjoint_kernel_transposes_the_blur(rng, taps):
    x, y = rng.random((2, 1, 12, 14, 3))
    kernel = tf.constant(rng.random(taps))
    left = np.sum(blur_with_kernel(tf.constant(x), kernel, "direct").numpy() * y)
    right = np.sum(x * blur_with_kernel(tf.constant(y), adjoint_kernel(kernel), "direct").numpy())
    assert left == pytest.approx(right, rel=1e-12)


# A kernel the FFT blurs in float32 too, and a picture side that holds it: a side of n px holds
# at most 2n - 1 taps (hybridnb.checks.check_kernel_fits).
LARGE_TAPS = FFT_MIN_TAPS + 4
LARGE_SIDE = (LARGE_TAPS + 1) // 2 + 2


def test_model_loss_with_a_large_kernel_matches_the_formula(rng):
    near, far = (hn.load_image(hn.sample_images()[name], LARGE_SIDE) for name in (hn.DEFAULT_NEAR, hn.DEFAULT_FAR))
    logits = rng.normal(0.0, 1.5, size=(1, LARGE_SIDE, LARGE_SIDE, 3))
    for dtype in (tf.float32, tf.float64):
        model = hn.HybridModel(LARGE_SIDE, LARGE_SIDE, LARGE_TAPS, 12.0, image_source=logits, dtype=dtype)
        report = model.run(near, far, **WEIGHTS)
        expected = ref.losses(ref.sigmoid(logits[0]), near, far, ref.kernel(LARGE_TAPS, 12.0), 0.1, 1.0)
        assert report.loss == pytest.approx(expected[0], rel=1e-4)
        assert report.loss_gauss == pytest.approx(expected[2], rel=1e-4)


def test_command_line_fit(tmp_path, capsys):
    from hybridnb.ui import cli

    out = tmp_path / "h.png"
    common = ["cat", "coffee", "-o", str(out), "--size", "24", "--method", "article", "--kernel-size", "5", "--sigma",
              "1", "-q", "--force"]  # fmt: skip
    assert cli.main([*common, "--optimizer", "fit", "--steps", "5"]) == 0 and out.exists()
    assert "5 steps" in capsys.readouterr().out
    assert cli.main([*common, "--optimizer", "fit", "--target-loss", "1e9"]) == 0
    assert "0 steps" in capsys.readouterr().out  # the classic-hybrid start already meets it
    assert cli.main([*common, "--target-loss", "10"]) == 2
    assert "--target-loss needs --optimizer fit" in capsys.readouterr().err


def test_fft_rounding_cannot_make_black_areas_nan():
    near, far = (hn.load_image(hn.sample_images()[name], LARGE_SIDE) for name in (hn.DEFAULT_NEAR, hn.DEFAULT_FAR))
    far[:, : LARGE_SIDE // 2] = 0.0  # black: zero light, which FFT rounding scatters around zero
    light = tf.constant(far[np.newaxis] ** 2.2, tf.float32)
    kernel = tf.constant(hn.make_gauss_blur_kernel(LARGE_TAPS, 12.0), tf.float32)
    assert float(tf.reduce_min(blur_with_kernel(light, kernel, "fft", positive=True))) > 0
    report = hn.HybridModel(LARGE_SIDE, LARGE_SIDE, LARGE_TAPS, 12.0).fit(near, far, max_steps=3, **WEIGHTS)
    assert np.isfinite(report.loss) and np.all(np.isfinite(report.gradient))
