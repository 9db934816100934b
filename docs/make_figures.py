"""Regenerate the README's pictures: hybrids of three bundled pairs, near and from afar.

Run from the repository root: ``python docs/make_figures.py``.  Each hybrid is
made through the command line with its defaults (the viewer's loss at the
balanced crossover, 512 px), then shrunk 8x by averaging 8 x 8 blocks in
linear light (what the eye collects from a picture eight times farther away).
The default pair is also made with the article's run (``--method article``),
for the comparison the README shows.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import hybridnb as hn

HERE = Path(__file__).resolve().parent
#: (near, far, file stem, extra options)
PICTURES = (
    ("hopper", "astronaut", "hybrid", ()),
    ("cat", "coffee", "hybrid-cat-coffee", ()),
    ("camera", "astronaut", "hybrid-camera-astronaut", ()),
    ("hopper", "astronaut", "hybrid-article", ("--method", "article")),
)


def main() -> None:
    for near, far, stem, options in PICTURES:
        out = HERE / f"{stem}.png"
        subprocess.run([sys.executable, "-m", "hybridnb", near, far, "-o", str(out), "--force", *options], check=True)
        hn.save_image(hn.shrink_linear(hn.load_image(out, size=None), 8), HERE / f"{stem}-far.png", overwrite=True)


if __name__ == "__main__":
    main()
