"""The panel in a real browser: JupyterLab, headless Chromium, a click on Run.

Starts JupyterLab on a free local port with a token, opens
``notebooks/05_panel.ipynb`` (a copy at a small size) in Debian's Chromium
driven by Playwright (never a downloaded browser), runs the notebook, checks
that the panel is rendered by the widget frontend, clicks Run, waits until
the progress bar is full and the picture has changed, downloads the PNG
and checks that it decodes to the picture the same run makes here (nothing
is written on the server), and saves screenshots
to ``test-artifacts/browser/``.  Skipped only where ``/usr/bin/chromium`` is
absent (``.ci/run`` installs it).
"""

from __future__ import annotations

import dataclasses
import secrets
import sys
import urllib.request

import nbformat
import numpy as np
import pytest
from browser import (
    ALL_CELLS_RUN,
    ARTIFACTS,
    ERRORS,
    KERNEL_READY,
    PROGRESS_FULL,
    RED_OUTPUTS,
    ROOT,
    free_port,
    launch,
    needs_chromium,
    server,
    user_environment,
)
from executing import inject_test_parameters

import hybridnb as hn
from hybridnb.optimize.runs import HybridRun

NOTEBOOK = ROOT / "notebooks" / "05_panel.ipynb"
SHOTS = ARTIFACTS / "browser"
#: Small enough to finish in seconds, large enough to see.
PARAMETERS = {"SIZE": 128, "STEPS": 60, "RUN_NOW": False}

pytestmark = needs_chromium


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server on a free port serving a small copy of the panel notebook."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.metadata.setdefault("hybridnb", {})["test_parameters"] = PARAMETERS
    inject_test_parameters(nb)
    # the exercises' solutions drive the panel themselves (tests/test_notebooks.py runs them): leave them
    # out, so that the panel opens with no picture yet and the click on Run makes the first one
    nb.cells = [c for c in nb.cells if "solution" not in c.metadata.get("tags", [])]
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nbformat.write(nb, notebooks / NOTEBOOK.name)
    port, token = free_port(), secrets.token_hex(16)
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser",
        "--allow-root",  # CI runs as root
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={notebooks}", f"--IdentityProvider.token={token}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",  # no calls to PyPI
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with server(command, f"{base}/api/status?token={token}", tmp_path / "jupyterlab.log", user_environment(tmp_path)):
        yield base, token
        try:  # the server shuts its kernels down too
            request = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST")
            urllib.request.urlopen(request, timeout=5).close()
        except OSError:
            pass  # terminated on the way out anyway


def reference_hybrid() -> np.ndarray:
    """What the panel's Run makes with the notebook's settings: the article's run at PARAMETERS' size (its blur
    scaled to the size, as the command line does) and steps."""
    size = PARAMETERS["SIZE"]
    near, far = hn.load_image(hn.DEFAULT_NEAR, size), hn.load_image(hn.DEFAULT_FAR, size)
    run = HybridRun(near, far, dataclasses.replace(hn.ARTICLE.for_size(size), steps=PARAMETERS["STEPS"]))
    run.run()
    return run.model.image()


def test_panel_runs_in_jupyterlab_in_chromium(jupyterlab, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base, token = jupyterlab
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
            page.set_default_timeout(60_000)
            page.goto(f"{base}/lab/tree/{NOTEBOOK.name}?token={token}")
            page.wait_for_function(KERNEL_READY, timeout=120_000)
            page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
            page.wait_for_function(ALL_CELLS_RUN, timeout=180_000)
            assert page.evaluate(ERRORS) == []

            panel = page.locator(".hybridnb-panel")
            expect(panel).to_be_visible()
            outputs = page.locator(".jp-OutputArea-output")
            assert outputs.filter(has_text="Loading widget").count() == 0  # the widget frontend is there
            assert outputs.filter(has_text="HybridPanel(").count() == 0  # a widget, not its text repr
            assert page.locator(RED_OUTPUTS).count() == 0  # no red boxes (TensorFlow's start-up, warnings)
            run = panel.locator(".hybridnb-run-button")
            expect(run).to_be_enabled()
            figure = panel.locator("img.hybridnb-figure")
            before = figure.get_attribute("src")
            assert before, "the panel shows no picture"
            panel.scroll_into_view_if_needed()
            page.screenshot(path=SHOTS / "panel-before-run.png")

            run.click()
            page.wait_for_function(PROGRESS_FULL, timeout=180_000)
            expect(run).to_be_enabled()  # the run has ended
            # the new picture: its widget may take a moment longer than the bar to show (a bigger message)
            changed = "before => document.querySelector('.hybridnb-panel img.hybridnb-figure').src !== before"
            page.wait_for_function(changed, arg=before, timeout=60_000)
            message = panel.locator(".hybridnb-message").inner_text()
            assert message.startswith("Done"), message
            steps = PARAMETERS["STEPS"]
            expect(panel.locator(".hybridnb-progress")).to_contain_text(f"{steps}/{steps}")

            download = panel.locator(".hybridnb-download-button button")
            with page.expect_download() as started:
                download.click()  # the picture reaches the browser, not the server's disk
            saved = tmp_path / "downloaded.png"
            started.value.save_as(saved)
            suggested = started.value.suggested_filename
            panel.scroll_into_view_if_needed()
            page.screenshot(path=SHOTS / "panel.png")
            panel.screenshot(path=SHOTS / "panel-widget.png")
        finally:
            browser.close()
    assert suggested == "hybrid.png"
    np.testing.assert_allclose(hn.load_image(saved, size=None), reference_hybrid(), atol=1.5 / 255)
    assert not list((tmp_path / "notebooks").glob("*.png"))  # nothing written beside the notebook
