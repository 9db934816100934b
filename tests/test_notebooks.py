"""Execute every notebook in ``notebooks/`` headless, at reduced size.

Protocol (for whoever writes a notebook):

- The first code cell that sets parameters is tagged ``parameters`` (as in
  papermill) and holds plain assignments such as ``SIZE = 512``.
- The notebook's metadata may hold ``{"hybridnb": {"test_parameters":
  {"SIZE": 64, "STEPS": 20}}}``: the tests insert a cell right after the
  ``parameters`` cell that assigns those values, so the notebook runs fast.
- Every notebook must produce at least one picture (an ``image/png`` output).

Executed copies are written to ``test-artifacts/notebooks/`` for inspection.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ARTIFACTS = ROOT / "test-artifacts" / "notebooks"


def inject_test_parameters(nb: nbformat.NotebookNode) -> dict:
    """Insert the notebook's test parameters after its ``parameters`` cell."""
    overrides = nb.metadata.get("hybridnb", {}).get("test_parameters", {})
    if not overrides:
        return {}
    index = next(
        (i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])),
        None,
    )
    assert index is not None, "test_parameters given but no cell is tagged 'parameters'"
    source = "# injected by tests/test_notebooks.py\n" + "\n".join(f"{k} = {v!r}" for k, v in overrides.items())
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(index + 1, cell)
    return overrides


def png_outputs(nb: nbformat.NotebookNode) -> int:
    return sum(
        1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    )


def test_notebooks_exist():
    assert NOTEBOOKS, "no notebooks found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_headless_and_draws(path: Path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit notebooks without outputs"
    inject_test_parameters(nb)
    env_cwd = str(path.parent)
    os.environ.setdefault("MPLBACKEND", "Agg")
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": env_cwd}})
    try:
        client.execute()
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, ARTIFACTS / path.name)
    assert png_outputs(nb) >= 1, "the notebook drew no picture"
