"""Side-by-side pictures for looking at hybrids: full size and shrunk in linear light.

``side_by_side(rows)`` lays out each (label, hybrid) with its 8x linear-light
shrink (what the eye collects from 8 times farther, enlarged back with
nearest-neighbour so it can be compared) and writes a small PNG.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw


def shrink_view(image: np.ndarray, factor: int = 8) -> np.ndarray:
    """Shrink by ``factor`` in linear light (:func:`hybridnb.shrink_linear`), enlarged back ``factor // 2`` x."""
    import hybridnb as hn

    small = hn.shrink_linear(np.clip(image, 0, 1), factor)
    rep = max(factor // 2, 1)
    return np.repeat(np.repeat(small, rep, axis=0), rep, axis=1)


def side_by_side(rows: list[tuple[str, np.ndarray]], path: str, factor: int = 8, palette: bool = True) -> None:
    """Write a PNG: one column per hybrid, full size above, shrunk below, labels on top.

    ``palette`` stores 256 colours without dithering (about a third of the
    size; dithering would add a speckle of its own).
    """
    h, w = rows[0][1].shape[:2]
    label_h = 14
    cols = []
    for _, img in rows:
        small = shrink_view(img, factor)
        pad = np.ones((h // 2, w, 3))
        pad[: small.shape[0], : small.shape[1]] = small
        col = np.concatenate([np.ones((label_h, w, 3)), np.clip(img, 0, 1), pad], axis=0)
        cols.append(col)
        cols.append(np.ones((col.shape[0], 4, 3)))
    sheet = Image.fromarray(np.round(np.concatenate(cols[:-1], axis=1) * 255).astype(np.uint8))
    draw = ImageDraw.Draw(sheet)
    for i, (label, _) in enumerate(rows):
        draw.text((i * (w + 4) + 2, 1), label, fill=(0, 0, 0))
    if palette:
        sheet = sheet.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    sheet.save(path, optimize=True)
