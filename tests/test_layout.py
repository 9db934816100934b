"""The package's layout: the public names, imports flowing one way, NumPy work without TensorFlow."""

import ast
import subprocess
import sys
from pathlib import Path

import hybridnb

PACKAGE = Path(hybridnb.__file__).resolve().parent
#: The layers from the bottom up; a module may import its own layer and those below.
LAYERS = ("imaging", "filters", "optimize", "analysis", "ui")
#: Below every layer: used by all, importing none of them.
BASE = ("arrays", "checks")


def test_public_names_are_all_importable():
    assert len(hybridnb.__all__) == len(set(hybridnb.__all__)) > 50
    assert set(hybridnb.__all__) <= set(dir(hybridnb))
    for name in hybridnb.__all__:
        assert getattr(hybridnb, name) is not None


def _layer(module: str) -> str:
    return module.split(".")[1] if module.count(".") else module


def _imports(path: Path) -> list[str]:
    """The hybridnb modules ``path`` imports, as dotted names below ``hybridnb``."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = parts[: len(parts) - node.level]
            found.append(".".join(["hybridnb", *base, *([node.module] if node.module else [])]))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hybridnb"):
            found.append(node.module)
    return found


def test_imports_flow_one_way():
    """imaging -> filters -> optimize -> analysis -> ui; teaching uses what it needs, nobody uses teaching."""
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        here = parts[0].removesuffix(".py")
        for target in _imports(path):
            layer = _layer(target) if target != "hybridnb" else None
            if layer is None or layer == here:
                continue
            if here in BASE and layer not in BASE:
                wrong.append(f"{path.name} (base) imports {target}")
            elif here in LAYERS and layer in LAYERS and LAYERS.index(layer) > LAYERS.index(here):
                wrong.append(f"{'/'.join(parts)} ({here}) imports {target} ({layer}, above it)")
            elif layer == "teaching" and here != "teaching":
                wrong.append(f"{'/'.join(parts)} imports the teaching helpers {target}")
    assert not wrong, "\n".join(wrong)


NUMPY_ONLY = """
import sys
sys.modules["tensorflow"] = None  # importing TensorFlow now fails at once
import numpy as np
import hybridnb as hn
from hybridnb.analysis import scores
from hybridnb.filters import blur, classic, kernels, similarity, viewing
from hybridnb.imaging import animation, color, files, io, samples

near, far = hn.load_image("hopper", 96), hn.load_image("astronaut", 96)
hybrid = hn.classic_hybrid(near, far, 1.0, 3.0, linear=True).image
assert hn.hybrid_scores(hybrid, near, far).near > 0.3
assert hn.simulate_viewing(hybrid, 5.0).shape == hybrid.shape
assert hn.gauss_blur(near, 7, 1.5, border="mirror").shape == near.shape
assert abs(hn.srgb_to_linear(0.5) - 0.5 ** 2.2) < 1e-12
assert hn.perception_curve(hybrid, near, far, [0.5, 50.0]).near.shape == (2,)
assert sys.modules["tensorflow"] is None
print("numpy only")
"""


def test_numpy_parts_import_and_run_without_tensorflow():
    out = subprocess.run([sys.executable, "-c", NUMPY_ONLY], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "numpy only" in out.stdout
