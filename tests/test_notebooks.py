"""Execute every notebook in ``notebooks/`` headless, at reduced size, as a student would see it.

Protocol (for whoever writes a notebook):

- The first code cell that sets parameters is tagged ``parameters`` (as in
  papermill) and holds plain assignments such as ``SIZE = 512``.
- The notebook's metadata may hold ``{"hybridnb": {"test_parameters":
  {"SIZE": 64, "STEPS": 20}}}``: the tests insert a cell right after the
  ``parameters`` cell that assigns those values, so the notebook runs fast.
- Every teaching notebook (``NN_*.ipynb``) draws at least one picture (an
  ``image/png`` output) and ends with ``## Exercises``: 2 or 3 of them, each
  a markdown cell (``### Exercise N``) followed by its solution, a code cell
  tagged ``solution`` whose source and outputs are collapsed
  (``"jupyter": {"source_hidden": true, "outputs_hidden": true}``); the tests
  run the solutions with the rest.
- Nothing may reach stderr and no warning may show: the kernel runs as in
  JupyterLab (without pytest's ``PYTEST_CURRENT_TEST``, under which ipykernel
  stops forwarding what native code writes to descriptor 2), so TensorFlow's
  C++ lines would show up here as they do as red boxes in the browser.
- Pictures are read with ``hn.load_image`` (a sample's name or a file), never
  by indexing ``sample_images()``, so a student's own file works as well.

Executed copies are written to ``test-artifacts/notebooks/`` for inspection
(``tests/executing.py`` runs them, once per test session);
``tests/test_notebooks_browser.py`` shows them in JupyterLab and takes screenshots.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from executing import NOTEBOOKS, ROOT, TEACHING, executed, noise, png_outputs


def test_notebooks_exist():
    assert len(TEACHING) >= 7 and (ROOT / "notebooks" / "app.ipynb") in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_headless_cleanly(path: Path):
    source = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in source.cells if c.cell_type == "code"), "commit notebooks without outputs"
    nb = executed(path)
    assert noise(nb) == [], "the notebook shows red boxes or warnings:\n" + "\n".join(noise(nb))
    if path in TEACHING:
        assert png_outputs(nb) >= 1, "the notebook drew no picture"


@pytest.mark.parametrize("path", TEACHING, ids=[p.stem for p in TEACHING])
def test_teaching_notebooks_end_with_exercises_and_hidden_solutions(path: Path):
    cells = nbformat.read(path, as_version=4).cells
    heading = next(i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("## Exercises"))
    exercises = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("### Exercise")]
    assert exercises and exercises[0] > heading and 2 <= len(exercises) <= 3
    assert all(c.cell_type == "markdown" or "solution" in c.metadata.get("tags", []) for c in cells[heading:])
    for i in exercises:
        text, solution = cells[i].source, cells[i + 1]
        assert "redict" in text, f"exercise at cell {i} does not ask for a prediction"
        assert solution.cell_type == "code" and "solution" in solution.metadata.get("tags", [])
        assert solution.metadata.get("jupyter") == {"source_hidden": True, "outputs_hidden": True}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_pictures_are_read_by_name_or_path(path: Path):
    """The one rule (``hn.load_image`` / the panel): a student's file works wherever a sample's name does."""
    code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert not re.search(r"sample_images\(\)\s*\[|samples\s*\[", code)
