"""The classroom app in a real browser: Voilà serves the panel alone, a student runs it and downloads.

Starts Voilà on a free local port with ``notebooks/app.ipynb`` (a copy at a
small size), opens it in Debian's Chromium driven by Playwright, checks that
only the panel shows (no code, no red output), presses Run, downloads the PNG
and checks that its bytes decode to the hybrid the same settings make here,
makes and downloads the zoom-out GIF, copies the command line, and saves
screenshots to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import dataclasses
import io
import shlex
import sys

import nbformat
import numpy as np
import pytest
from browser import (
    ARTIFACTS,
    RED_OUTPUTS,
    ROOT,
    free_port,
    launch,
    needs_chromium,
    screenshot_all,
    server,
    user_environment,
)
from executing import inject_test_parameters
from PIL import Image

import hybridnb as hn
from hybridnb.optimize.runs import HybridRun

APP = ROOT / "notebooks" / "app.ipynb"
SIZE = 64
SHOTS = ARTIFACTS / "browser"

pytestmark = needs_chromium


@pytest.fixture
def voila(tmp_path):
    """Voilà serving a small copy of the app; yields its address."""
    nb = nbformat.read(APP, as_version=4)
    nb.metadata.setdefault("hybridnb", {})["test_parameters"] = {"SIZE": SIZE}
    inject_test_parameters(nb)
    nbformat.write(nb, tmp_path / APP.name)
    port = free_port()
    command = [
        sys.executable, "-m", "voila", str(tmp_path / APP.name), "--no-browser", f"--port={port}",
        "--Voila.ip=127.0.0.1", "--Voila.port_retries=0",
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with server(command, base, tmp_path / "voila.log", user_environment(tmp_path)):
        yield base


def reference_hybrid() -> np.ndarray:
    """What the app's Run makes with its controls untouched: the default method, the viewer's loss, at SIZE pixels."""
    near, far = hn.load_image(hn.DEFAULT_NEAR, SIZE), hn.load_image(hn.DEFAULT_FAR, SIZE)
    run = HybridRun(near, far, dataclasses.replace(hn.VIEWER, size=SIZE))
    run.run()
    return run.model.image()


def test_a_student_runs_the_voila_app_and_downloads_the_picture(voila, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport={"width": 1300, "height": 1100}, accept_downloads=True)
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=voila)
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(voila)
            panel = page.locator(".hybridnb-panel")
            expect(panel).to_be_visible(timeout=180_000)
            assert page.locator(".cm-editor, .jp-InputPrompt").count() == 0  # no code: the panel alone
            assert "import hybridnb" not in page.content()
            assert page.locator(RED_OUTPUTS).count() == 0
            assert "Hybrid images" in page.locator("h1").first.inner_text()
            download = panel.locator(".hybridnb-download-button button")
            expect(download).to_be_disabled()  # nothing to download before a run
            screenshot_all(page, SHOTS / "app-before-run.png")

            panel.locator(".hybridnb-run-button").click()
            expect(panel.locator(".hybridnb-message")).to_contain_text("Done", timeout=180_000)
            steps = hn.VIEWER.steps  # the app runs the default method, the viewer's loss
            expect(panel.locator(".hybridnb-progress")).to_contain_text(f"{steps}/{steps}")
            expect(download).to_be_enabled()
            with page.expect_download() as started:
                download.click()
            saved = tmp_path / "downloaded.png"
            started.value.save_as(saved)
            assert started.value.suggested_filename == "hybrid.png"
            expect(panel.locator(".hybridnb-message")).to_contain_text("went to your browser's downloads")

            panel.locator(".hybridnb-zoom-button").click()
            expect(panel.locator("img.hybridnb-zoom-view")).to_be_visible(timeout=60_000)
            with page.expect_download() as started_gif:
                panel.locator(".hybridnb-zoom-download button").click()
            gif = tmp_path / "downloaded.gif"
            started_gif.value.save_as(gif)
            assert started_gif.value.suggested_filename == "hybrid-zoom.gif"

            command = panel.locator(".hybridnb-command code").inner_text()
            panel.locator(".hybridnb-command button").click()
            expect(panel.locator(".hybridnb-command button")).to_contain_text("Copied")
            copied = page.evaluate("navigator.clipboard.readText()")
            assert page.locator(RED_OUTPUTS).count() == 0
            screenshot_all(page, SHOTS / "app.png")
        finally:
            browser.close()

    # the downloaded file is the picture: the same run made here, to 8-bit rounding
    picture = hn.load_image(saved, size=None)
    assert picture.shape == (SIZE, SIZE, 3)
    np.testing.assert_allclose(picture, reference_hybrid(), atol=1.5 / 255)
    with Image.open(io.BytesIO(gif.read_bytes())) as animation:
        assert animation.format == "GIF" and animation.size == (SIZE, SIZE) and animation.n_frames > 10
        first = np.asarray(animation.convert("RGB"), dtype=np.float64) / 255
    assert np.abs(first - picture).mean() < 0.03
    assert copied == command == f"hybridnb -o hybrid.png --size {SIZE}"
    assert shlex.split(command)[0] == "hybridnb"
