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

import numpy as np

import hybridnb as hn

HERE = Path(__file__).resolve().parent


def shrink_linear(image: np.ndarray, factor: int) -> np.ndarray:
    """Average ``factor`` x ``factor`` blocks in linear light."""
    h, w, c = image.shape
    light = hn.srgb_to_linear(image[: h - h % factor, : w - w % factor])
    blocks = light.reshape(h // factor, factor, w // factor, factor, c).mean(axis=(1, 3))
    return hn.linear_to_srgb(blocks)


def main() -> None:
    near = HERE / "hybrid.png"
    subprocess.run([sys.executable, "-m", "hybridnb", "-o", str(near)], check=True)
    hn.save_image(shrink_linear(hn.load_image(near, size=None), 8), HERE / "hybrid-far.png")


if __name__ == "__main__":
    main()
