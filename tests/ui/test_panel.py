"""Drive ``HybridPanel`` headless, as a kernel would: set controls, click, join, look."""

from __future__ import annotations

import dataclasses
import io
import time
from datetime import datetime, timezone

import numpy as np
import pytest

import hybridnb as hn
from hybridnb.optimize import runs as runs_module
from hybridnb.optimize.records import LossRecord
from hybridnb.optimize.runs import report_period
from hybridnb.ui import panel as panel_module

SIZE = 32
ERROR_COLOUR = panel_module._MESSAGE_COLOURS["error"]


def small_panel(steps: int = 30, size: int = SIZE) -> hn.HybridPanel:
    """A panel on the article's method (the mechanics tested here are the same for both; see the viewer's tests)."""
    panel = hn.HybridPanel(size=size, method="article")
    panel.controls["kernel_size"].value = 7
    panel.controls["sigma"].value = 1.5
    panel.controls["steps"].value = steps
    return panel


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture(scope="module")
def finished():
    """A panel after one complete run, and its figure before the run."""
    panel = small_panel()
    before = panel.figure.value
    panel.run_button.click()
    assert panel.join(timeout=120)
    yield panel, before
    panel.close()


def test_controls_default_to_the_command_lines_defaults():
    viewer = hn.HybridPanel(size=512)
    assert viewer.settings() == dataclasses.replace(hn.VIEWER, lr=hn.VIEWER.learning_rate())
    assert viewer.command_line() == "hybridnb -o hybrid.png"
    viewer.close()
    panel = hn.HybridPanel(size=512, method="article")
    values = {name: widget.value for name, widget in panel.controls.items()}
    assert (
        values.items()
        >= {
            "method": "article",
            "kernel_size": 15,
            "sigma": 3.0,
            "m_precise": 0.1,
            "m_blurred": 1.0,
            "lr": 0.3,
            "steps": 200,
            "optimizer": "sgd",
            "size": 512,
        }.items()
    )
    assert panel.near_picker.value == hn.DEFAULT_NEAR and panel.far_picker.value == hn.DEFAULT_FAR
    assert set(hn.sample_images()) <= set(panel.near_picker.options)
    assert panel.stop_button.disabled and not panel.run_button.disabled
    assert panel.figure.value[:4] == b"\x89PNG"  # the goal is previewed before any run


def test_a_run_fills_history_progress_and_result(finished):
    panel, before = finished
    steps = panel.controls["steps"].value
    assert panel.progress.value == panel.progress.max == steps
    assert panel.progress.bar_style == "success"
    assert all(isinstance(r, LossRecord) for r in panel.history)
    recorded = [r.step for r in panel.history]
    # each report step's picture before its update, then the final picture after all the steps
    assert recorded == [*range(report_period(steps) - 1, steps, report_period(steps)), steps]
    final = panel.model.run(panel.picture("near"), panel.picture("far"), 0.1, 1.0)
    assert panel.history[-1].loss == pytest.approx(final.loss) and panel.model.steps == steps
    assert f"Done: {steps} steps" in panel.message.value
    assert panel.history[-1].loss < panel.history[0].loss
    assert panel.result.shape == (SIZE, SIZE, 3) and np.issubdtype(panel.result.dtype, np.floating)
    assert 0.0 <= panel.result.min() and panel.result.max() <= 1.0
    assert np.abs(panel.result - 0.5).max() > 0.1  # no longer the grey start
    assert panel.figure.value != before
    assert "Done" in panel.message.value
    assert not panel.running and not panel.run_button.disabled and panel.stop_button.disabled


def test_parameters_reach_the_model():
    panel = hn.HybridPanel(size=SIZE, method="article")
    chosen = dict(kernel_size=5, sigma=1.2, m_precise=0.3, m_blurred=0.5, lr=0.05, steps=20, optimizer="adam")
    for name, value in chosen.items():
        panel.controls[name].value = value
    panel.far_picker.value = "cat"
    panel.run_button.click()
    assert panel.join(timeout=120)

    assert (panel.model.gauss_kernel_size, panel.model.gauss_sigma) == (5, 1.2)
    near = hn.load_image(hn.sample_images()[hn.DEFAULT_NEAR], SIZE)
    far = hn.load_image(hn.sample_images()["cat"], SIZE)
    reference = hn.HybridModel(SIZE, SIZE, 5, 1.2)
    records = []
    reference.train(
        20,
        report_period(20),
        0.05,
        img_precise=near,
        img_blurred=far,
        m_precise=0.3,
        m_blurred=0.5,
        optimizer="adam",
        callback=lambda step, report: records.append(LossRecord.from_report(step, report)),
        verbose=False,
    )
    records.append(LossRecord.from_report(20, reference.run(near, far, 0.3, 0.5)))  # the final picture
    np.testing.assert_allclose(np.array(panel.history), np.array(records), rtol=1e-6)
    np.testing.assert_allclose(panel.result, reference.image(), atol=1e-6)


def test_stop_midway_keeps_the_picture_and_the_panel_usable():
    panel = small_panel(steps=2000, size=64)
    panel.run_button.click()
    wait_for(lambda: len(panel.history) >= 3)
    asked = time.monotonic()
    panel.stop_button.click()
    assert panel.join(timeout=10)
    assert time.monotonic() - asked < 5
    assert panel.history[-1].step < 1999 and panel.progress.value < panel.progress.max
    assert panel.progress.bar_style == "warning" and "Stopped" in panel.message.value
    # the message, the last record and the bar all say how many updates the picture has had
    assert f"Stopped at step {panel.model.steps} " in panel.message.value
    assert panel.history[-1].step == panel.model.steps == panel.progress.value
    np.testing.assert_array_equal(panel.result, panel.model.image())  # the picture reached is kept
    assert np.abs(panel.result - 0.5).max() > 0.05

    panel.controls["steps"].value = 10
    panel.run_button.click()
    assert panel.join(timeout=60)
    assert panel.progress.value == panel.progress.max == 10 and panel.history[-1].step == 10
    panel.close()


def test_a_second_run_while_running_does_not_start_another():
    panel = small_panel(steps=2000, size=64)
    panel.run_button.click()
    first = panel.session.thread
    assert panel.running
    panel.run_button.click()
    assert panel.session.thread is first
    assert "in progress" in panel.message.value
    assert panel.run() is False
    panel.stop()
    assert panel.join(timeout=10)
    steps = [r.step for r in panel.history]
    assert steps == sorted(set(steps))  # one run's records, not two interleaved
    panel.close()


def fake_upload(name: str, content: bytes) -> tuple[dict, ...]:
    """A ``FileUpload`` value as ipywidgets 8 deserialises it from the browser."""
    return (
        {
            "name": name,
            "type": "image/png",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime.now(timezone.utc),
        },
    )


def test_a_bad_upload_shows_a_message_and_changes_nothing():
    panel = hn.HybridPanel(size=SIZE)
    options = panel.near_picker.options
    panel.near_upload.value = fake_upload("notes.txt", b"not a picture at all")
    assert "notes.txt" in panel.message.value and ERROR_COLOUR in panel.message.value
    assert "cannot be used as a picture" in panel.message.value and "BytesIO" not in panel.message.value
    assert panel.near_picker.options == options and panel.near_picker.value == hn.DEFAULT_NEAR
    assert panel.near_upload.value == ()  # the button counts no file: "own picture (0)", not "(1)"


def test_an_upload_becomes_a_choice_for_both_pictures():
    panel = hn.HybridPanel(size=SIZE)
    content = hn.sample_images()["coffee"].read_bytes()
    panel.far_upload.value = fake_upload("my coffee.png", content)
    assert panel.far_picker.value == "upload: my coffee.png"
    assert "upload: my coffee.png" in panel.near_picker.options
    assert panel.near_picker.value == hn.DEFAULT_NEAR
    np.testing.assert_array_equal(panel.picture("far"), hn.load_image(content, SIZE))
    assert panel.far_upload.value == ()
    assert panel.command.value.startswith("hybridnb hopper 'my coffee.png' -o hybrid.png")


def test_a_diverging_run_shows_a_message_and_keeps_the_last_picture(monkeypatch):
    class Diverging(hn.HybridModel):
        def train(self, steps_count, print_loss_steps, lr, *, callback=None, **kwargs):
            report = self.run(kwargs["img_precise"], kwargs["img_blurred"])
            callback(0, report)
            raise FloatingPointError("training diverged at step 1 (loss is nan); lower the learning rate")

    monkeypatch.setattr(runs_module, "HybridModel", Diverging)
    panel = small_panel()
    panel.run_button.click()
    assert panel.join(timeout=60)
    assert "diverged" in panel.message.value and "lower the learning rate" in panel.message.value
    assert ERROR_COLOUR in panel.message.value and panel.progress.bar_style == "danger"
    assert panel.result is not None and np.isfinite(panel.result).all()
    assert not panel.run_button.disabled


def test_save_never_overwrites_and_says_where(finished, tmp_path):
    panel, _ = finished
    panel.filename.value = str(tmp_path / "hybrid.png")
    assert panel.save() == tmp_path / "hybrid.png"
    assert panel.message.value.count("hybrid") == 1  # "Saved <path>", nothing about a taken name
    first = (tmp_path / "hybrid.png").read_bytes()
    assert panel.save() == tmp_path / "hybrid-1.png"
    assert (tmp_path / "hybrid.png").read_bytes() == first
    assert "hybrid.png was taken, so saved " + str(tmp_path / "hybrid-1.png") in panel.message.value
    np.testing.assert_allclose(hn.load_image(tmp_path / "hybrid-1.png", size=None), panel.result, atol=0.5 / 255 + 1e-6)

    assert panel.save(tmp_path / "plain") == tmp_path / "plain.png"
    with pytest.raises(OSError):
        panel.save(tmp_path / "missing" / "h.png")
    assert not (tmp_path / "missing").exists()


def test_save_before_a_run_says_there_is_nothing(tmp_path):
    panel = hn.HybridPanel(size=SIZE)
    with pytest.raises(ValueError, match="Nothing to save"):
        panel.save(tmp_path / "h.png")
    assert not list(tmp_path.iterdir())
    assert panel.download_button.data == b"" and panel.zoom_button.disabled is False
    panel.zoom_button.click()
    assert "Nothing to animate" in panel.message.value and ERROR_COLOUR in panel.message.value


def test_download_holds_the_picture_as_a_png_named_by_the_box(finished):
    """Download PNG (a button in the browser) gets the finished picture's PNG; the box names it."""
    panel, _ = finished
    data = panel.download_button.data
    assert data[:4] == b"\x89PNG" and panel.download_button.mime == "image/png"
    np.testing.assert_allclose(hn.load_image(data, size=None), panel.result, atol=0.5 / 255 + 1e-6)
    panel.filename.value = "results/my cat"
    assert panel.download_button.filename == "my cat.png"
    assert panel.zoom_download.filename == "my cat-zoom.gif"
    panel.download_button.downloads += 1  # what the page does after handing the file to the browser
    assert "my cat.png went to your browser&#x27;s downloads" in panel.message.value
    panel.filename.value = "hybrid.png"


def test_zoom_button_shows_the_animation_to_the_viewing_distance_and_offers_it(finished):
    from PIL import Image

    panel, _ = finished
    panel.distance.value = 4
    panel.zoom_button.click()
    gif = panel.zoom_view.value
    assert gif[:3] == b"GIF" and panel.zoom_download.data == gif and panel.zoom_view.layout.display == ""
    heights = []
    with Image.open(io.BytesIO(gif)) as animation:
        for k in range(animation.n_frames):
            animation.seek(k)
            rows = np.nonzero(np.any(np.asarray(animation.convert("RGB")) != 255, axis=-1))[0]
            heights.append(rows.max() - rows.min() + 1)
    assert heights[0] == SIZE and min(heights) == SIZE // 4  # from the picture down to a quarter of its side
    assert "zoom-out animation" in panel.message.value


def test_the_command_line_follows_the_controls_and_makes_the_same_settings(finished):
    import shlex

    from hybridnb.ui.cli import build_parser

    panel, _ = finished
    panel.far_picker.value = "cat"
    panel.controls["m_precise"].value = 0.3
    command = panel.command.value
    assert command == panel.command_line() and command.startswith("hybridnb hopper cat -o hybrid.png --method article")
    args = build_parser().parse_args(shlex.split(command)[1:])
    assert (args.near, args.far, args.m_precise, args.kernel_size, args.steps) == ("hopper", "cat", 0.3, 7, 30)
    panel.far_picker.value = hn.DEFAULT_FAR
    panel.controls["m_precise"].value = 0.1


def test_the_bar_says_the_steps_and_the_first_view_starts_at_step_0(finished):
    panel, _ = finished
    assert panel.progress.description == f"{panel.progress.max}/{panel.progress.max}"
    loss_axes = panel.make_figure().axes[0]
    assert [float(x) for x in loss_axes.get_xlim()] == [0.0, float(panel.controls["steps"].value)]


def test_viewing_distance_redraws_without_training(finished):
    panel, _ = finished
    shown, model, records = panel.figure.value, panel.model, list(panel.history)
    panel.distance.value = 2 if panel.distance.value != 2 else 4
    assert panel.figure.value != shown
    assert panel.model is model and panel.history == records and not panel.running


def test_callbacks_print_nothing(capsys):
    panel = small_panel(steps=20)
    panel.run_button.click()
    panel.join(timeout=60)
    panel.distance.value = 3
    panel.near_upload.value = fake_upload("bad.png", b"\x89PNG broken")
    assert capsys.readouterr().out == ""


def test_close_stops_a_run():
    panel = small_panel(steps=2000, size=64)
    panel.run_button.click()
    wait_for(lambda: len(panel.history) >= 1)
    panel.close()
    assert not panel.running and panel.history[-1].step < 1999


def test_pictures_can_be_given_as_files_or_arrays(tmp_path):
    near_file = tmp_path / "mine.png"
    near_file.write_bytes(hn.sample_images()["cat"].read_bytes())
    far_array = hn.load_image(hn.sample_images()["coffee"], 48)
    panel = hn.HybridPanel(size=SIZE, near=near_file, far=far_array)
    assert (panel.near_picker.value, panel.far_picker.value) == ("file: mine.png", "far array")
    assert panel.command_line().startswith(f"hybridnb {near_file} far.png -o")
    assert hn.HybridPanel(size=SIZE, near="cat").near_picker.value == "cat"  # a sample's name, as load_image
    np.testing.assert_array_equal(panel.picture("near"), hn.load_image(near_file, SIZE))
    assert panel.picture("far").shape == (SIZE, SIZE, 3)
    with pytest.raises(FileNotFoundError):
        hn.HybridPanel(size=SIZE, near=tmp_path / "missing.png")
    with pytest.raises(ValueError, match="divide by 255"):
        hn.HybridPanel(size=SIZE, far=far_array * 255)


def test_the_method_shows_its_own_controls_and_puts_its_defaults_in_the_others():
    panel = hn.HybridPanel(size=256)
    shown = {name for name, widget in panel.controls.items() if widget.layout.display != "none"}
    assert "crossover" in shown and not shown & {"kernel_size", "sigma", "optimizer"}
    panel.controls["m_blurred"].value = 5.0
    panel.controls["method"].value = "article"
    shown = {name for name, widget in panel.controls.items() if widget.layout.display != "none"}
    assert {"kernel_size", "sigma", "optimizer"} <= shown and "crossover" not in shown
    assert panel.settings() == dataclasses.replace(hn.ARTICLE.for_size(256), lr=0.3)  # the weights are the article's
    assert panel.command.value == "hybridnb -o hybrid.png --method article --size 256"
    panel.controls["size"].value = 512  # the article's blur follows the size, as on the command line
    assert (panel.controls["kernel_size"].value, panel.controls["sigma"].value) == (15, 3.0)
    panel.controls["sigma"].value = 2.0  # set by the user: kept
    panel.controls["size"].value = 128
    assert panel.controls["sigma"].value == 2.0 and panel.settings().sigma == 2.0
    panel.controls["method"].value = "viewer"
    assert panel.settings() == dataclasses.replace(hn.VIEWER, size=128, lr=hn.VIEWER.learning_rate())
    panel.close()


def test_a_viewer_run_says_what_a_viewer_sees():
    panel = hn.HybridPanel(size=SIZE, far="cat")
    panel.controls["steps"].value = 10
    panel.controls["crossover"].value = 6.0
    panel.run_button.click()
    assert panel.join(timeout=120)
    assert "Done: 10 steps" in panel.message.value
    assert "Crossover 6 cycles per picture; visibility " in panel.message.value
    assert type(panel.model.loss).__name__ == "ViewerLoss"
    assert panel.command.value == "hybridnb hopper cat -o hybrid.png --size 32 --steps 10 --crossover 6.0"
    panel.close()
