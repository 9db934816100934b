"""Bad parameters, runs that blow up, long sessions, panels re-made and stopped at any moment."""

from __future__ import annotations

import gc
import sys
import threading
import time

import numpy as np
import pytest
import tensorflow as tf

import hybridnb as hn
from hybridnb.checks import SATURATED_LOGIT
from hybridnb.optimize import engine
from hybridnb.ui import panel as panel_module

SIZE = 16


@pytest.fixture(scope="module")
def pair():
    samples = hn.sample_images()
    return hn.load_image(samples[hn.DEFAULT_NEAR], SIZE), hn.load_image(samples[hn.DEFAULT_FAR], SIZE)


# --- parameters: a ValueError that says what is allowed -------------------------------------------

MODEL_ARGS = dict(img_h=SIZE, img_w=SIZE, gauss_kernel_size=5, gauss_sigma=1.0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"gauss_sigma": 0.0}, "gauss_sigma must be a finite number > 0, got 0.0"),
        ({"gauss_sigma": -1.0}, "gauss_sigma must be a finite number > 0"),
        ({"gauss_sigma": float("nan")}, "gauss_sigma must be a finite number > 0, got nan"),
        ({"gauss_sigma": float("inf")}, "gauss_sigma must be a finite number > 0"),
        ({"gauss_sigma": "3"}, "gauss_sigma must be a finite number > 0, got '3'"),
        ({"gauss_kernel_size": 0}, "gauss_kernel_size must be a whole number >= 1, got 0"),
        ({"gauss_kernel_size": -3}, "gauss_kernel_size must be a whole number >= 1"),
        ({"gauss_kernel_size": 2.5}, "gauss_kernel_size must be a whole number >= 1, got 2.5"),
        ({"gauss_kernel_size": float("nan")}, "gauss_kernel_size must be a whole number"),
        ({"gauss_kernel_size": 33}, "a 16x16 picture is too small for a 33-tap blur kernel: use at most 31 taps"),
        ({"img_h": 0}, "img_h must be a whole number >= 1"),
        ({"img_w": 3.5}, "img_w must be a whole number >= 1"),
        ({"img_h": 2, "img_w": 40}, "a 2x40 picture is too small for a 5-tap blur kernel: use at most 3 taps"),
        ({"dtype": tf.int32}, "dtype must be tf.float32 or tf.float64"),
        ({"gamma": 0.0}, "gamma must be a finite number > 0"),
        ({"image_source": np.full((1, SIZE, SIZE, 3), np.nan)}, "image_source must hold finite logits"),
        ({"image_source": np.zeros((SIZE, SIZE))}, "image_source must have shape"),
    ],
)
def test_the_model_rejects_what_it_cannot_use(change, message):
    with pytest.raises(ValueError, match="^" + _escaped(message)):
        hn.HybridModel(**{**MODEL_ARGS, **change})


def _escaped(text: str) -> str:
    import re

    return re.escape(text)


def test_the_kernel_limit_is_two_sides_minus_one():
    hn.HybridModel(8, 8, 15, 2.0)  # every window covers the picture: still allowed
    with pytest.raises(ValueError, match="at most 15 taps"):
        hn.HybridModel(8, 8, 16, 2.0)
    model = hn.HybridModel(8, 8, 3, 1.0)
    with pytest.raises(ValueError, match="at most 15 taps"):
        model.set_blur(17, 2.0)
    assert model.gauss_kernel_size == 3 and model.kernel.shape == (3,)  # a refused change changes nothing


def _pictures(pair, **change):
    near, far = pair
    return {"img_precise": change.get("img_precise", near), "img_blurred": change.get("img_blurred", far)}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lr": float("nan")}, "lr must be a finite number > 0, got nan"),
        ({"lr": float("inf")}, "lr must be a finite number > 0, got inf"),
        ({"lr": 0.0}, "lr must be a finite number > 0"),
        ({"lr": -0.3}, "lr must be a finite number > 0"),
        ({"m_precise": -0.1}, "m_precise must be a finite number >= 0, got -0.1"),
        ({"m_blurred": float("nan")}, "m_blurred must be a finite number >= 0"),
        ({"m_blurred": -1}, "m_blurred must be a finite number >= 0"),
        ({"steps_count": 0}, "steps_count must be a whole number >= 1"),
        ({"print_loss_steps": -1}, "print_loss_steps must be a whole number >= 0"),
        ({"optimizer": "lbfgs"}, "optimizer must be one of"),
        ({"img_precise": np.zeros((SIZE, SIZE))}, "img_precise must be an (H, W, 3) picture, got shape (16, 16)"),
        ({"img_blurred": np.zeros((8, 8, 3))}, "img_blurred is 8x8 but the model is 16x16"),
        ({"img_precise": np.full((SIZE, SIZE, 3), 200, np.uint8)}, "up to 200 (divide by 255?)"),
        ({"img_precise": np.full((SIZE, SIZE, 3), 1.5)}, "up to 1.5 (divide by 255?)"),
        ({"img_blurred": np.full((SIZE, SIZE, 3), -0.5)}, "img_blurred must hold values in [0, 1], got values down to"),
        ({"img_blurred": np.full((SIZE, SIZE, 3), np.nan)}, "img_blurred holds NaN or infinity"),
        ({"img_precise": np.full((SIZE, SIZE, 3), "a")}, "img_precise must hold real numbers"),
    ],
)
def test_train_and_fit_reject_what_they_cannot_use(pair, change, message):
    kwargs = {"steps_count": 2, "print_loss_steps": 0, "lr": 0.3, **_pictures(pair, **change)}
    kwargs.update({k: v for k, v in change.items() if k not in ("img_precise", "img_blurred")})
    model = hn.HybridModel(**MODEL_ARGS)
    with pytest.raises(ValueError, match=_escaped(message)):
        model.train(**kwargs)
    if not {"steps_count", "print_loss_steps", "optimizer"} & set(change):
        fit_kwargs = {k: v for k, v in kwargs.items() if k not in ("steps_count", "print_loss_steps")}
        near, far = fit_kwargs.pop("img_precise"), fit_kwargs.pop("img_blurred")
        with pytest.raises(ValueError, match=_escaped(message)):
            model.fit(near, far, max_steps=2, **fit_kwargs)
    assert model.steps == 0 and float(tf.reduce_max(tf.abs(model.trainable_image))) == 0.0  # nothing happened


def test_a_hand_step_with_a_bad_gradient_changes_nothing():
    model = hn.HybridModel(4, 4, 3, 1.0)
    with pytest.raises(ValueError, match="NaN or infinity"):
        model.apply_gradient(np.full((1, 4, 4, 3), np.nan), 0.3)
    with pytest.raises(ValueError, match="shape"):
        model.apply_gradient(np.ones((4, 4)), 0.3)
    with pytest.raises(ValueError, match="lr"):
        model.apply_gradient(np.ones((1, 4, 4, 3)), float("nan"))
    assert model.steps == 0 and np.all(model.image() == 0.5)


# --- divergence: never a NaN picture, always a clear message ---------------------------------------


@pytest.mark.parametrize(
    ("optimizer", "lr", "weights"),
    [
        ("sgd", 10.0, (10.0, 10.0)),  # the panel's sliders at their top: found by the panel's author
        ("sgd", 1e6, (0.1, 1.0)),
        ("adam", 10.0, (0.1, 1.0)),
        ("sgd", 1e38, (0.1, 1.0)),  # lr * gradient overflows float32
    ],
)
def test_a_learning_rate_that_blows_up_stops_with_advice(pair, optimizer, lr, weights):
    model = hn.HybridModel(32, 32, 15, 3.0)
    near, far = (hn.load_image(hn.sample_images()[name], 32) for name in (hn.DEFAULT_NEAR, hn.DEFAULT_FAR))
    with pytest.raises(FloatingPointError, match=r"diverged .*lower the learning rate \(it was .*; try "):
        model.train(
            50, 10, lr, img_precise=near, img_blurred=far, m_precise=weights[0], m_blurred=weights[1],
            optimizer=optimizer, verbose=False,
        )  # fmt: skip
    assert np.all(np.isfinite(model.trainable_image.numpy())) and np.all(np.isfinite(model.image()))


def test_fit_that_blows_up_stops_with_advice_and_a_finite_picture(pair):
    near, far = pair
    model = hn.HybridModel(**MODEL_ARGS)
    with pytest.raises(FloatingPointError, match=r"fit diverged .*lower the learning rate"):
        model.fit(near, far, lr=100.0, max_steps=50)
    assert np.all(np.isfinite(model.image()))


def test_a_non_finite_update_is_never_applied(pair):
    near, far = pair
    model = hn.HybridModel(**MODEL_ARGS)
    inputs, weights = model._inputs(near, far, 1.0, 1.0)
    logits = model._logits()
    inf = tf.constant(np.inf, tf.float32)
    for name in ("sgd", "adam"):
        compiled = engine.engine_for(model.loss, name)
        slots = compiled.rule.slots(logits)
        state = engine.begin(compiled, logits, slots, inputs, weights)
        out, out_slots, _, done, ok = compiled.descend(
            logits, slots, state.evaluation, inputs, *weights, inf, tf.constant(-np.inf), tf.constant(5), False
        )
        assert not bool(ok) and int(done) == 0  # stopped before the first update
        np.testing.assert_array_equal(out, logits)
        for kept, before in zip(out_slots, slots, strict=True):  # Adam's moments and step count untouched too
            np.testing.assert_array_equal(kept, before)
        out, _, ok = compiled.apply(logits, slots, state.evaluation[3], inf)
        assert not bool(ok)
        np.testing.assert_array_equal(out, logits)
        with pytest.raises(FloatingPointError, match="not finite"):  # reported, so train and fit raise
            engine.advance(compiled, state, inputs, weights, np.inf, 5)


def test_black_areas_cannot_make_the_gradient_nan():
    """The far view's slope B**(1/g - 1) is infinite where the blur is exactly 0."""
    black = np.zeros((SIZE, SIZE, 3))
    logits = np.full((1, SIZE, SIZE, 3), -200.0)  # sigmoid is exactly 0 in float32
    report = hn.HybridModel(**MODEL_ARGS, image_source=logits).run(black, black)
    assert np.isfinite(report.loss) and np.all(np.isfinite(report.gradient))


def test_sound_runs_never_look_blown_up(pair):
    """The saturation test must not fire on honest runs (Adam walks logits farthest)."""
    near, far = pair
    white = np.ones((SIZE, SIZE, 3))
    for img in (near, white):
        model = hn.HybridModel(**MODEL_ARGS)
        model.train(800, 100, 0.3, img_precise=img, img_blurred=img, optimizer="adam", verbose=False)
        assert float(np.abs(model.trainable_image.numpy()).max()) < SATURATED_LOGIT
    model = hn.HybridModel(**MODEL_ARGS)
    model.fit(near, far, max_steps=800, report_every=100, callback=lambda *_: None)
    assert float(np.abs(model.trainable_image.numpy()).max()) < SATURATED_LOGIT


# --- long sessions: memory and compiled traces stay put ------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")  # pragma: no cover


def test_forty_runs_with_new_parameters_neither_grow_nor_retrace(trace_count):
    samples = list(hn.sample_images().values())
    sizes, kernels = (20, 24, 28), (3, 5, 9, 15, 31, 39)  # 39 taps on 20 px: wider than the picture
    growth, traces = [], []
    for run in range(42):
        size, taps = sizes[run % 3], kernels[run % 6]
        near, far = (hn.load_image(samples[(run + k) % len(samples)], size) for k in (0, 1))
        model = hn.HybridModel(size, size, taps, 0.5 + run % 5)
        kind = run % 3
        if kind == 0:
            model.train(6, 3, 0.1 + run / 100, img_precise=near, img_blurred=far, m_precise=0.1 * (1 + run % 4),
                        verbose=False)  # fmt: skip
        elif kind == 1:
            model.train(6, 0, 0.05, img_precise=near, img_blurred=far, optimizer="adam", m_blurred=0.5 + run % 3,
                        verbose=False)  # fmt: skip
        else:
            model.fit(near, far, max_steps=4, m_precise=0.05 * (1 + run % 5))
        if run == 11:  # warmed up: every size, kernel and path seen
            gc.collect()
            start_rss, start_traces = _rss_mb(), trace_count()
        if run > 11:
            growth.append(_rss_mb() - start_rss)
            traces.append(trace_count() - start_traces)
    gc.collect()
    assert _rss_mb() - start_rss <= 150, growth
    assert traces[-1] == 0, traces  # 30 runs with new numbers and pictures: not one new trace


# --- the panel: re-made by re-running its cell, stopped at any moment -----------------------------


def test_rerunning_the_cell_closes_the_panel_it_made(monkeypatch):
    monkeypatch.setattr(panel_module, "cell_key", lambda: "cell:abc")
    threads = threading.active_count()
    panels = []
    for _ in range(6):
        panel = hn.HybridPanel(size=32)
        panel.controls["steps"].value = 2000
        panel.run_button.click()
        panels.append(panel)
    assert all(p._closed and not p.running for p in panels[:-1])
    assert panels[-1].running and not panels[-1]._closed
    assert threading.active_count() <= threads + 1
    assert [p for p in panels if not p._closed] == [panels[-1]]
    assert sum(p in panel_module._PANELS.open for p in panels) == 1
    monkeypatch.setattr(panel_module, "cell_key", lambda: "cell:other")
    other = hn.HybridPanel(size=32)  # another cell: both stay
    assert not panels[-1]._closed and not other._closed
    assert hn.HybridPanel.close_all() >= 2 and not panels[-1].running
    assert panels[-1]._closed and other._closed and not list(panel_module._PANELS.open)
    assert panels[0]._cache == {}  # a closed panel lets go of its pictures


def test_outside_a_notebook_panels_are_kept_until_closed():
    assert panel_module.cell_key() is None
    a, b = hn.HybridPanel(size=16), hn.HybridPanel(size=16)
    assert not a._closed and not b._closed
    a.close()
    a.close()  # twice is harmless
    b.close()


def test_stop_at_any_moment_keeps_the_panel_usable_and_the_picture(monkeypatch):
    rng = np.random.default_rng(7)
    panel = hn.HybridPanel(size=32)
    panel.controls["kernel_size"].value = 7
    panel.controls["steps"].value = 400
    for delay in (0.0, 0.0, *rng.uniform(0.0, 0.4, size=5)):
        assert panel.run() is True
        time.sleep(delay)
        panel.stop()
        panel.stop()  # a double click
        assert panel.join(timeout=30)
        assert not panel.run_button.disabled and panel.stop_button.disabled
        assert panel.result is not None and np.all(np.isfinite(panel.result))
        np.testing.assert_array_equal(panel.result, panel.model.image())  # the picture reached is shown
        assert "Stopped" in panel.message.value or "Done" in panel.message.value
    panel.stop()  # with no run: nothing happens
    assert "Stopping" not in panel.message.value
    panel.controls["steps"].value = 20
    assert panel.run() and panel.join(timeout=60) and panel.progress.value == 20
    panel.close()


def test_the_panel_shows_a_run_that_blows_up():
    panel = hn.HybridPanel(size=32)
    for name, value in (("lr", 10.0), ("m_precise", 10.0), ("m_blurred", 10.0), ("steps", 50)):
        panel.controls[name].value = value  # every slider at its top
    panel.run()
    assert panel.join(timeout=60)
    text = panel.message.value
    assert "diverged" in text and "lower the learning rate" in text and panel.progress.bar_style == "danger"
    assert panel.result is not None and np.all(np.isfinite(panel.result))
    assert not panel.run_button.disabled
    panel.controls["lr"].value = 0.3
    assert panel.run() and panel.join(timeout=60) and panel.progress.bar_style == "success"
    panel.close()


def _live_figures() -> int:
    from matplotlib.figure import Figure

    gc.collect()
    return sum(isinstance(o, Figure) for o in gc.get_objects())


def test_redraws_do_not_pile_up_figures():
    panel = hn.HybridPanel(size=16)
    panel.distance.value = 2  # a first redraw: any lazy import or cache is made now
    before = _live_figures()
    for distance in range(3, 12):
        panel.distance.value = distance  # each redraws the live view
    assert _live_figures() <= before  # every figure drawn was let go
    if "matplotlib.pyplot" in sys.modules:
        assert sys.modules["matplotlib.pyplot"].get_fignums() == []  # none in pyplot's registry
    panel.close()


def test_rerunning_a_notebook_cell_in_a_real_kernel_keeps_one_panel_and_one_thread(tmp_path):
    """A kernel, as JupyterLab drives it: the same cell run five times while its panel trains."""
    import nbformat
    from nbclient import NotebookClient

    make = (
        "import hybridnb as hn\n"
        "panel = hn.HybridPanel(size=32)\n"
        "panel.controls['steps'].value = 2000\n"
        "panel.run_button.click()\n"
        "panel"
    )
    count = (
        "import threading\n"
        "from hybridnb.ui import panel as panel_module\n"
        "print(sum(not p._closed for p in panel_module._PANELS.open), "
        "sum(t.name == 'hybridnb-session' for t in threading.enumerate()))\n"
        "hn.HybridPanel.close_all()"
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(make), nbformat.v4.new_code_cell(count)]
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    with client.setup_kernel():
        for _ in range(5):
            client.execute_cell(nb.cells[0], 0)
        client.execute_cell(nb.cells[1], 1)
    printed = "".join(o.get("text", "") for o in nb.cells[1].outputs if o.get("name") == "stdout")
    assert printed.split() == ["1", "1"], nb.cells[1].outputs  # one open panel, one training thread
