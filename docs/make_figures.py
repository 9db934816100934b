"""Regenerate the README's pictures: the default hybrid, near and from afar.

Run from the repository root: ``python docs/make_figures.py``.  It runs the
article's experiment on the default pair through the command line, then
shrinks the result 8x by averaging 8 x 8 blocks in linear light (what the
eye collects from a picture eight times farther away).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import hybridnb as hn

HERE = Path(__file__).resolve().parent


def main() -> None:
    near = HERE / "hybrid.png"
    subprocess.run([sys.executable, "-m", "hybridnb", "-o", str(near), "--force"], check=True)
    hn.save_image(hn.shrink_linear(hn.load_image(near, size=None), 8), HERE / "hybrid-far.png")


if __name__ == "__main__":
    main()
