"""Issue 15, the model: numbers the arithmetic cannot carry, models that cannot fit, stops that are heard."""

from __future__ import annotations

import _thread
import threading
import time

import numpy as np
import pytest

import hybridnb as hn
from hybridnb.optimize import engine
from hybridnb.optimize.runs import HybridRun

SIZE = 16


@pytest.fixture(scope="module")
def pair():
    return hn.load_image("hopper", SIZE), hn.load_image("astronaut", SIZE)


# --- numbers ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sigma", [1e-170, 1e-300, 5e-324])
def test_a_sigma_whose_square_underflows_is_refused_naming_it(sigma):
    with pytest.raises(ValueError, match=r"^sigma must be at least 1e-150"):
        hn.make_gauss_blur_kernel(5, sigma)
    with pytest.raises(ValueError, match=r"^gauss_sigma must be at least 1e-150"):
        hn.HybridModel(SIZE, SIZE, 5, sigma)
    with pytest.raises(ValueError, match=r"^sigma must be at least"):
        hn.RunSettings(sigma=sigma)
    assert np.all(np.isfinite(hn.make_gauss_blur_kernel(5, 1e-150)))  # the smallest taken still computes


def test_weights_beyond_float32_are_refused_naming_them(pair):
    near, far = pair
    model = hn.HybridModel(SIZE, SIZE, 5, 1.0)
    for name in ("m_precise", "m_blurred"):
        with pytest.raises(ValueError, match=rf"^{name} must be at most .* in float32 \(at 16x16 px the loss"):
            model.run(near, far, **{name: 1e39})
        with pytest.raises(ValueError, match=rf"^{name} must be at most"):
            model.fit(near, far, max_steps=2, **{name: 1e36})  # finite, but the loss's sum overflows
        with pytest.raises(ValueError, match=rf"^{name} must be at most"):
            hn.RunSettings(**{name: 1e39})
    model.run(near, far, m_precise=1e30)  # large but carried: allowed
    assert model.steps == 0


def test_learning_rates_beyond_the_models_dtype_are_refused(pair):
    near, far = pair
    model = hn.HybridModel(SIZE, SIZE, 5, 1.0)
    with pytest.raises(ValueError, match=r"^lr must be at most 3\.4e\+38 in float32"):
        model.train(2, 0, 1e39, img_precise=near, img_blurred=far)
    with pytest.raises(ValueError, match=r"^lr must be at least 1\.2e-38 in float32 \(smaller numbers round to 0\)"):
        model.fit(near, far, lr=1e-45)


def test_numpy_scalars_and_zero_d_arrays_are_numbers(pair):
    near, far = pair
    model = hn.HybridModel(np.int64(SIZE), np.int32(SIZE), np.int16(5), np.float32(1.0))
    report = model.fit(near, far, target_loss=np.float32(1e9), max_steps=np.int64(3), report_every=np.uint8(2),
                       lr=np.float32(0.2), m_precise=np.float16(0.5), m_blurred=np.array(1.0))  # fmt: skip
    assert report.steps == 0  # the start already meets a target that high
    assert model.fit(near, far, target_loss=np.int64(-1), max_steps=np.array(2)).steps == 2
    model.train(np.int64(2), np.int64(1), np.float64(0.3), img_precise=near, img_blurred=far, verbose=False)
    settings = hn.RunSettings(size=np.int64(32), sigma=np.float32(1.5), steps=np.int32(3), target_loss=np.float32(9))
    assert (type(settings.size), type(settings.sigma), type(settings.target_loss)) == (int, float, float)


# --- memory --------------------------------------------------------------------------------------------


def test_a_model_too_large_for_this_machine_is_refused_before_allocating():
    from hybridnb.optimize.memory import check_model_memory, model_bytes

    with pytest.raises(ValueError, match=r"^a 100000x100000 picture needs about .* TiB of memory to fit"):
        hn.HybridModel(100_000, 100_000, 15, 3.0)
    with pytest.raises(ValueError, match=r"^size must be at most 10954"):
        hn.RunSettings(size=100_000)
    assert model_bytes(512, 512) < 2**30  # the article's run: well under a gigabyte
    check_model_memory(512, 512)


# --- stops are heard within a chunk, and the picture reached is kept ---------------------------------


def test_chunks_change_no_number(pair, monkeypatch):
    near, far = pair
    plain = hn.HybridModel(SIZE, SIZE, 5, 1.0)
    first = plain.train(30, 7, 0.3, img_precise=near, img_blurred=far, verbose=False)
    monkeypatch.setattr(engine, "CHUNK_SECONDS", 0.0)  # every step its own compiled call
    chunked = hn.HybridModel(SIZE, SIZE, 5, 1.0)
    second = chunked.train(30, 7, 0.3, img_precise=near, img_blurred=far, verbose=False)
    assert first.loss == second.loss and first.steps == second.steps
    np.testing.assert_array_equal(plain.image(), chunked.image())
    a, b = hn.HybridModel(SIZE, SIZE, 5, 1.0), hn.HybridModel(SIZE, SIZE, 5, 1.0)
    fitted = b.fit(near, far, max_steps=25)
    monkeypatch.setattr(engine, "CHUNK_SECONDS", 0.25)
    assert a.fit(near, far, max_steps=25).loss == fitted.loss


@pytest.mark.parametrize("method", ["fit", "train"])
def test_a_stop_request_is_heard_within_a_chunk_of_a_long_run(pair, method):
    """One report period of 10**6 steps: before the fix a stop waited for the whole of it."""
    near, far = pair
    model = hn.HybridModel(SIZE, SIZE, 5, 1.0)
    threading.Timer(1.0, model.request_stop).start()
    started = time.monotonic()
    if method == "fit":
        report = model.fit(near, far, max_steps=10**6, report_every=10**6, callback=lambda *_: None)
    else:
        report = model.train(10**6, 10**6, 0.05, img_precise=near, img_blurred=far, optimizer="adam", verbose=False)
    assert time.monotonic() - started < 1.0 + 1.5
    assert 0 < model.steps < 10**6 and report.steps == model.steps
    np.testing.assert_array_equal(report.image, model.image())  # the report is of the picture kept
    assert model.fit(near, far, max_steps=3).steps == model.steps  # the request was used up


def test_keyboard_interrupt_keeps_the_picture_of_the_last_chunk(pair):
    near, far = pair
    model = hn.HybridModel(SIZE, SIZE, 5, 1.0)
    threading.Timer(1.0, _thread.interrupt_main).start()  # Ctrl-C in a notebook: KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        model.fit(near, far, max_steps=10**7)
    assert model.steps > 0 and np.all(np.isfinite(model.image()))
    assert np.abs(model.image() - 0.5).max() > 0.05  # not the grey start: the work is kept


def test_a_run_object_can_be_stopped(pair):
    near, far = pair
    run = HybridRun(near, far, hn.RunSettings(size=SIZE, kernel_size=5, sigma=1.0, steps=10**6))
    threading.Timer(0.5, run.stop).start()
    final = run.run(every=10**6)
    assert 0 < final.steps < 10**6


def test_step_counts_beyond_32_bits_run_and_stop(pair):
    """A compiled loop counts in 32 bits: the chunks keep every call's count small."""
    near, far = pair
    model = hn.HybridModel(SIZE, SIZE, 5, 1.0)
    threading.Timer(0.5, model.request_stop).start()
    assert 0 < model.fit(near, far, max_steps=3 * 10**9).steps < 3 * 10**9
