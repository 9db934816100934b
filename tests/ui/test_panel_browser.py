"""The panel in a real browser: JupyterLab, headless Chromium, a click on Run.

Starts JupyterLab on a free local port with a token, opens
``notebooks/05_panel.ipynb`` (a copy at a small size) in Debian's Chromium
driven by Playwright (never a downloaded browser), runs the notebook, checks
that the panel is rendered by the widget frontend, clicks Run, waits until
the progress bar is full and the picture has changed, and saves screenshots
to ``test-artifacts/browser/``.  Skipped only where ``/usr/bin/chromium`` is
absent (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest
from test_notebooks import inject_test_parameters

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "05_panel.ipynb"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Small enough to finish in seconds, large enough to see.
PARAMETERS = {"SIZE": 128, "STEPS": 60, "RUN_NOW": False}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium); .ci/run installs it",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server on a free port serving a small copy of the panel notebook."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.metadata.setdefault("hybridnb", {})["test_parameters"] = PARAMETERS
    inject_test_parameters(nb)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nbformat.write(nb, notebooks / NOTEBOOK.name)

    settings = tmp_path / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)  # no "get Jupyter news?" toast over the page
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')

    port, token = free_port(), secrets.token_hex(16)
    env = dict(  # everything the server writes or reads per user stays in tmp_path
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
    log = (tmp_path / "jupyterlab.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",  # CI runs as root
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={notebooks}",
            f"--IdentityProvider.token={token}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",  # no calls to PyPI
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while not answers(f"{base}/api/status?token={token}"):
            assert server.poll() is None, "JupyterLab exited:\n" + (tmp_path / "jupyterlab.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "JupyterLab did not answer within 90 s"
            time.sleep(0.5)
        yield base, token
    finally:
        try:  # the server shuts its kernels down too
            request = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST")
            urllib.request.urlopen(request, timeout=5).close()
            server.wait(timeout=20)
        except (urllib.error.URLError, OSError, subprocess.TimeoutExpired):
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log.close()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "jupyterlab.log").write_bytes((tmp_path / "jupyterlab.log").read_bytes())


#: The notebook open in JupyterLab (``--LabApp.expose_app_in_browser`` gives ``window.jupyterapp``).
NOTEBOOK_JS = "window.jupyterapp.shell.currentWidget"

KERNEL_READY = f"""() => {{
    const nb = {NOTEBOOK_JS};
    const kernel = nb && nb.sessionContext && nb.sessionContext.session && nb.sessionContext.session.kernel;
    return Boolean(kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle'
                   && nb.content.widgets.length > 0);
}}"""

ALL_CELLS_RUN = f"""() => {{
    const nb = {NOTEBOOK_JS};
    const code = nb.content.widgets.filter(cell => cell.model.type === 'code');
    return code.every(cell => cell.model.executionCount !== null)
        && nb.sessionContext.session.kernel.status === 'idle';
}}"""

ERRORS = f"""() => {NOTEBOOK_JS}.content.widgets
    .filter(cell => cell.model.type === 'code')
    .flatMap(cell => cell.model.outputs.toJSON())
    .filter(output => output.output_type === 'error')
    .map(output => output.ename + ': ' + output.evalue)"""

PROGRESS_FULL = """() => {
    const bar = document.querySelector('.hybridnb-progress .progress-bar');
    return Boolean(bar) && bar.style.width === '100%';
}"""


def test_panel_runs_in_jupyterlab_in_chromium(jupyterlab):
    from playwright.sync_api import expect, sync_playwright

    base, token = jupyterlab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
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
            run = panel.locator(".hybridnb-run-button")
            expect(run).to_be_enabled()
            figure = panel.locator("img.hybridnb-figure")
            before = figure.get_attribute("src")
            assert before, "the panel shows no picture"
            panel.scroll_into_view_if_needed()
            page.screenshot(path=ARTIFACTS / "panel-before-run.png")

            run.click()
            page.wait_for_function(PROGRESS_FULL, timeout=180_000)
            expect(run).to_be_enabled()  # the run has ended
            assert figure.get_attribute("src") != before, "the picture did not change"
            message = panel.locator(".hybridnb-message").inner_text()
            assert message.startswith("Done"), message
            panel.scroll_into_view_if_needed()
            page.screenshot(path=ARTIFACTS / "panel.png")
            panel.screenshot(path=ARTIFACTS / "panel-widget.png")
        finally:
            browser.close()
