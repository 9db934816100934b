"""Running the notebooks as the tests do: test parameters injected, a kernel as JupyterLab starts it.

Shared by ``test_notebooks.py`` (runs and checks them) and
``test_notebooks_browser.py`` (shows them in JupyterLab): one module, so each
notebook runs once per test session (:func:`executed` is cached).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TEACHING = [p for p in NOTEBOOKS if re.match(r"\d\d_", p.name)]
ARTIFACTS = ROOT / "test-artifacts" / "notebooks"
WARNING = re.compile(r"\bwarn(ing)?\b", re.IGNORECASE)


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


def noise(nb: nbformat.NotebookNode) -> list[str]:
    """What a student would see as red boxes or warnings: stderr streams, errors, text saying 'warning'."""
    found = []
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            kind = output.get("output_type")
            if kind == "stream" and output.get("name") == "stderr":
                found.append(f"cell {i}: stderr: {output.get('text', '')[:300]!r}")
            elif kind == "error":
                found.append(f"cell {i}: {output.get('ename')}: {output.get('evalue')}")
            elif kind == "stream" and WARNING.search(output.get("text", "")):
                found.append(f"cell {i}: a warning: {output.get('text', '')[:300]!r}")
    return found


@functools.cache
def executed(path: Path) -> nbformat.NotebookNode:
    """The notebook run headless with its test parameters, as a JupyterLab kernel would run it (cached)."""
    nb = nbformat.read(path, as_version=4)
    inject_test_parameters(nb)
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    env.setdefault("MPLBACKEND", "Agg")
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute(env=env)
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, ARTIFACTS / path.name)
    return nb
