"""Issue 15, the panel: save names as a person means them, no save loop, closing stops the run."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import hybridnb as hn
from hybridnb.ui import panel as panel_module
from hybridnb.ui import session as session_module


@pytest.fixture(scope="module")
def done_panel():
    panel = hn.HybridPanel(size=16, method="article")
    panel.controls["kernel_size"].value = 3
    panel.controls["steps"].value = 10
    panel.run()
    assert panel.join(timeout=120) and panel.result is not None
    yield panel
    panel.close()


def test_save_names_are_taken_as_a_person_means_them(done_panel, tmp_path, monkeypatch):
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(home))
    expected = {
        "sub/": work / "sub" / "hybrid.png",
        "..": tmp_path / "hybrid.png",
        ".": work / "hybrid.png",
        "~": home / "hybrid.png",
        "~/mine": home / "mine.png",
        "~draft": work / "~draft.png",
    }
    for typed, path in expected.items():
        done_panel.filename.value = typed
        assert done_panel.save() == path and path.is_file(), (typed, done_panel.message.value)
        assert f"Saved {path}" in done_panel.message.value
    done_panel.filename.value = "nowhere/x.png"
    with pytest.raises(OSError, match="the folder nowhere does not exist") as caught:
        done_panel.save()
    assert "PosixPath" not in str(caught.value)


def test_saving_over_a_dangling_link_ends(done_panel, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hybrid.png").symlink_to("missing/x.png")
    done_panel.filename.value = "hybrid.png"
    thread = threading.Thread(target=done_panel.save, daemon=True)
    thread.start()
    thread.join(20)
    assert not thread.is_alive(), "Save loops"
    assert (tmp_path / "hybrid-1.png").is_file() and not (tmp_path / "missing").exists()


def _running_panel(monkeypatch, size: int = 128) -> hn.HybridPanel:
    """A panel whose run reports once, at its end: a stop can only be heard between compiled chunks."""
    monkeypatch.setattr(session_module, "report_period", lambda steps: 10**6)
    panel = hn.HybridPanel(size=size)
    panel.controls["steps"].value = 2000
    panel.run()
    deadline = time.monotonic() + 120
    while panel.model is None or panel.model.steps == 0:  # compiled, and stepping
        assert time.monotonic() < deadline and panel.running
        time.sleep(0.02)
    assert panel.running and panel.model.steps < 2000  # mid-run: the picture reached is kept as it goes
    return panel


def test_close_stops_a_run_between_reports(monkeypatch):
    panel = _running_panel(monkeypatch)
    started = time.monotonic()
    panel.close()
    assert not panel.running and time.monotonic() - started < 5.0
    assert 0 < panel.model.steps < 2000 and np.all(np.isfinite(panel.model.image()))


def test_close_all_counts_and_stops_running_panels(monkeypatch):
    monkeypatch.setattr(session_module, "report_period", lambda steps: 10**6)
    panel = hn.HybridPanel(size=256)
    panel.controls["steps"].value = 2000  # some seconds of steps, reported only at the end
    panel.run()
    time.sleep(1.0)
    assert panel.running
    assert hn.HybridPanel.close_all() >= 1
    assert not panel.running and panel not in panel_module._PANELS.open


def test_a_closed_panel_does_not_run():
    panel = hn.HybridPanel(size=16)
    panel.close()
    with pytest.raises(ValueError, match="This panel is closed"):
        panel.run()
    panel.run_button.click()  # a click that reaches a closed panel: a message, no hidden thread
    assert panel.session.thread is None and not panel.running
    assert "closed" in panel.message.value


def test_a_panel_refused_while_being_made_closes_quietly():
    """ipywidgets closes every widget at exit, a panel whose making failed too: that close must not fail."""
    with pytest.raises(ValueError, match="size must be"):
        hn.HybridPanel(size=0)
    half_made = hn.HybridPanel.__new__(hn.HybridPanel)  # what the failed constructor leaves: no session yet
    half_made.close()  # printed "Exception ignored ... has no attribute 'session'" at exit
