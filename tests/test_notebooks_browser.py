"""Every executed notebook as a student sees it: JupyterLab in Chromium, no red output, screenshots.

The notebooks run headless (``executing.executed``, shared with
``test_notebooks.py``, so each runs once per session); their executed copies
are opened in one JupyterLab server, rendered by JupyterLab itself (math,
Markdown tables, pictures at their size, stderr in red boxes), checked for red
outputs in the page, and screenshotted whole into
``test-artifacts/browser/notebooks/``.  The live panel and the Voilà app have
their own browser tests (``tests/ui/``).
"""

from __future__ import annotations

import json
import secrets
import sys
import urllib.request
from pathlib import Path

import nbformat
import pytest
from browser import ARTIFACTS, RED_OUTPUTS, free_port, launch, needs_chromium, screenshot_all, server, user_environment
from executing import NOTEBOOKS, executed

pytestmark = needs_chromium
SHOTS = ARTIFACTS / "browser" / "notebooks"

#: The notebook shown, its cells all laid out (no windowing: every cell is in the page).
RENDERED = """() => {
    const nb = window.jupyterapp && window.jupyterapp.shell.currentWidget;  // the app may not be there yet
    return Boolean(nb && nb.content && nb.content.widgets.length > 0 && nb.context.isReady
                   && nb.content.widgets.every(cell => cell.isAttached));
}"""


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """One JupyterLab for all the notebooks: a folder to put executed copies in, and the page's address."""
    folder = tmp_path_factory.mktemp("lab")
    served = folder / "notebooks"
    served.mkdir()
    env = user_environment(folder)
    tracker = folder / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    port, token = free_port(), secrets.token_hex(16)
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={served}", f"--IdentityProvider.token={token}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with server(command, f"{base}/api/status?token={token}", folder / "jupyterlab-notebooks.log", env):
        yield served, base, token
        try:
            request = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST")
            urllib.request.urlopen(request, timeout=5).close()
        except OSError:
            pass


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_executed_notebook_shows_no_red_output_in_jupyterlab(jupyterlab, path: Path):
    from playwright.sync_api import sync_playwright

    served, base, token = jupyterlab
    nbformat.write(executed(path), served / path.name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            page.set_default_timeout(60_000)
            page.goto(f"{base}/lab/tree/{path.name}?token={token}")
            page.wait_for_function(RENDERED, timeout=120_000)
            page.evaluate("() => window.jupyterapp.commands.execute('application:toggle-left-area')")
            page.wait_for_timeout(1500)  # pictures decoded, math typeset
            red = page.locator(RED_OUTPUTS)
            screenshot_all(page, SHOTS / f"{path.stem}.png", limit=16_000)
            assert red.count() == 0, red.first.inner_text()[:500]
        finally:
            browser.close()
