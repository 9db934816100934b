"""What the real-browser tests share: Debian's Chromium, a local server, a clean user environment.

The browser is ``/usr/bin/chromium`` driven by Playwright (never a
downloaded browser); servers (JupyterLab, Voilà) listen on a free port of
127.0.0.1 only, keep every per-user file in the test's temporary folder, and
are shut down when the test ends.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium); .ci/run installs it",
)

#: Outputs that JupyterLab and Voilà draw as red boxes: text on stderr and errors both render with this type.
RED_OUTPUTS = '[data-mime-type="application/vnd.jupyter.stderr"]'


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


def user_environment(folder: Path) -> dict[str, str]:
    """The environment of a server whose per-user files all stay in ``folder``.

    JupyterLab's "get Jupyter news?" toast is switched off, so nothing covers the page.
    """
    settings = folder / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
    return dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(folder / "config"),
        JUPYTER_DATA_DIR=str(folder / "data"),
        JUPYTERLAB_SETTINGS_DIR=str(folder / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(folder / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(folder / "runtime"),
    )


@contextlib.contextmanager
def server(command: list[str], ready_url: str, log_path: Path, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """Run ``command`` until the block ends; wait until ``ready_url`` answers 200 (90 s at most).

    Its output goes to ``log_path``, copied to ``test-artifacts/browser/`` at the end.
    """
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + 90
            while not answers(ready_url):
                assert process.poll() is None, f"{command[2]} exited:\n" + log_path.read_text()[-3000:]
                assert time.monotonic() < deadline, f"{ready_url} did not answer within 90 s"
                time.sleep(0.5)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            (ARTIFACTS / "browser").mkdir(parents=True, exist_ok=True)
            (ARTIFACTS / "browser" / log_path.name).write_bytes(log_path.read_bytes())


def launch(playwright):
    """Headless Debian Chromium."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


#: The tallest content of the page, whichever element scrolls it (Voilà and JupyterLab scroll inner panels).
CONTENT_HEIGHT = """() => Math.max(document.documentElement.scrollHeight, ...Array.from(document.querySelectorAll('*'))
    .filter(el => el.scrollHeight > el.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(el).overflowY))
    .map(el => el.scrollHeight + el.getBoundingClientRect().top))"""


def screenshot_all(page, path: Path, *, limit: int = 12_000) -> None:
    """Screenshot the whole page, also where an inner panel scrolls: the viewport grows to the content."""
    size = page.viewport_size
    height = min(limit, int(page.evaluate(CONTENT_HEIGHT)) + 40)
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    try:
        page.wait_for_timeout(300)  # let the layout settle at the new size
        page.screenshot(path=path)
    finally:
        page.set_viewport_size(size)


#: The notebook open in JupyterLab (``--LabApp.expose_app_in_browser`` gives ``window.jupyterapp``).
NOTEBOOK_JS = "(window.jupyterapp && window.jupyterapp.shell.currentWidget)"

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
