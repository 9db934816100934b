"""Alignment in a real browser: upload two photos, click the eyes on each, Run; the eyes line up.

JupyterLab on a free local port, a small notebook that shows the panel, and
Debian's Chromium driven by Playwright (never a downloaded browser), as in
``test_panel_browser.py``.  Two photos of different size and framing are
uploaded through the panel's file inputs; the alignment section is opened
and the eyes clicked on both pictures, where they are in each file (we made
the files, so we know); the box must report those coordinates in the
pictures' own pixels (the click landed where it should and reached the
kernel), and after Run the panel holds a hybrid trained on the aligned pair.
Screenshots go to ``test-artifacts/browser/``.  Skipped only where
``/usr/bin/chromium`` is absent (``.ci/run`` installs it).
"""

from __future__ import annotations

import re
import secrets
import sys

import nbformat
import numpy as np
import pytest
from browser import (
    ALL_CELLS_RUN,
    ARTIFACTS,
    KERNEL_READY,
    PROGRESS_FULL,
    free_port,
    launch,
    needs_chromium,
    server,
    user_environment,
)

import hybridnb as hn
from hybridnb.filters.align import apply_transform, similarity_matrix, warp

SHOTS = ARTIFACTS / "browser"
#: The pupils of the 512-pixel samples (tests/filters/test_faces.py).
EYES = {"hopper": [(221, 181), (303, 181)], "astronaut": [(218, 180), (309, 186)]}
#: The photos uploaded: (sample, transform from the sample to the photo, (height, width) of the photo).
PHOTOS = {
    "near": ("hopper", similarity_matrix(shift=(330, -20)), (460, 1000)),  # wide, the face right of centre
    "far": ("astronaut", similarity_matrix(-12, 1.4, shift=(-40, 150), centre=(255.5, 255.5)), (900, 600)),
}
NOTEBOOK = """\
import hybridnb as hn

panel = hn.HybridPanel(size=256)
panel.controls["steps"].value = 60
panel
"""

pytestmark = needs_chromium


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server serving a one-cell panel notebook, and the two photos to upload."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(NOTEBOOK)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, notebooks / "align.ipynb")
    photos, eyes = {}, {}
    for side, (name, move, shape) in PHOTOS.items():
        photos[side] = hn.save_image(warp(hn.load_image(name, 512), move, shape, fill="mean"), tmp_path / f"{side}.png")
        eyes[side] = apply_transform(move, EYES[name])
    port, token = free_port(), secrets.token_hex(16)
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={notebooks}",
        f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    ready = f"{base}/api/status?token={token}"
    with server(command, ready, tmp_path / "jupyterlab-align.log", user_environment(tmp_path)):
        yield f"{base}/lab/tree/align.ipynb?token={token}", photos, eyes


SHOWN = """(selector) => {
    const img = document.querySelector(selector);
    return Boolean(img) && img.complete && img.naturalWidth > 0;
}"""


def reported(message: str, side: str) -> np.ndarray:
    """The (x, y) points the alignment box reports for ``side``."""
    part = re.search(rf"{side} ((?:\(-?\d+, -?\d+\) ?)+)", message)
    assert part, message
    return np.array([tuple(map(float, p)) for p in re.findall(r"\((-?\d+), (-?\d+)\)", part.group(1))])


def test_clicks_on_two_uploaded_photos_line_the_eyes_up(lab):
    from playwright.sync_api import expect, sync_playwright

    url, photos, eyes = lab
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1300})
            page.set_default_timeout(60_000)
            page.goto(url)
            page.wait_for_function(KERNEL_READY, timeout=120_000)
            page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
            page.wait_for_function(ALL_CELLS_RUN, timeout=180_000)
            panel = page.locator(".hybridnb-panel")
            expect(panel).to_be_visible()

            uploads = panel.locator(".widget-upload")  # the "own picture" buttons, near then far
            assert uploads.count() == 2
            for index, side in enumerate(("near", "far")):
                with page.expect_file_chooser() as chooser:
                    uploads.nth(index).click()
                chooser.value.set_files(str(photos[side]))
                expect(panel.locator(".hybridnb-message")).to_contain_text(
                    f"Using {side}.png as the {side} picture", timeout=60_000
                )

            panel.get_by_text("Line the pictures up").click()
            for side in ("near", "far"):
                page.wait_for_function(SHOWN, arg=f".hybridnb-align-{side} img")
            page.wait_for_timeout(500)  # the pictures of the uploads replace the samples'
            for side in ("near", "far"):
                height, width = PHOTOS[side][2]
                picture = panel.locator(f".hybridnb-align-{side} img")
                box = picture.bounding_box()
                for x, y in eyes[side]:
                    page.mouse.click(box["x"] + (x + 0.5) / width * box["width"],
                                     box["y"] + (y + 0.5) / height * box["height"])  # fmt: skip
                    page.wait_for_timeout(200)
            message = panel.locator(".hybridnb-align-message")
            expect(message).to_contain_text("Lined up by 2 point pairs", timeout=30_000)
            text = message.inner_text()
            for side in ("near", "far"):
                height, width = PHOTOS[side][2]
                shown = panel.locator(f".hybridnb-align-{side} img").bounding_box()["width"]
                tolerance = width / shown + 1.0  # one screen pixel, and the message's rounding
                assert np.abs(reported(text, side) - eyes[side]).max() <= tolerance, (side, text)
            panel.locator(".hybridnb-alignment").scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            panel.locator(".hybridnb-alignment").screenshot(path=SHOTS / "alignment.png")

            panel.locator(".hybridnb-run-button").click()
            page.wait_for_function(PROGRESS_FULL, timeout=240_000)
            expect(panel.locator(".hybridnb-message")).to_contain_text("Done")
            page.wait_for_timeout(500)
            panel.locator("img.hybridnb-figure").screenshot(path=SHOTS / "aligned-hybrid.png")
            panel.screenshot(path=SHOTS / "panel-aligned.png")
        finally:
            browser.close()
