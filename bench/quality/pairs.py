"""Picture pairs for the quality work: tuning pairs and a held-out set.

**Tuning pairs** are made of the bundled samples (``hn.sample_images()``:
astronaut, camera, cat, coffee, hopper).  Everything in the loss was designed
and checked on them only.

**Held-out pairs** come only from data shipped inside installed packages
(scikit-image's bundled ``skimage.data`` files, which need no download, and
matplotlib's sample data through ``matplotlib.cbook.get_sample_data``) or are
drawn by code.  Pictures that are also bundled samples (astronaut, camera,
chelsea = cat, coffee, grace_hopper = hopper) are excluded.  The set includes
binary / high-contrast far pictures (a silhouette, text, a checkerboard, a
logo), where the classic split clips, and a low-contrast pair.  They were
evaluated once, after the loss was fixed (see FINDINGS.md).

Every picture goes through :func:`hybridnb.load_image` (centre square,
Lanczos resampling) from an in-memory PNG, like a user's file would.

Run ``python bench/quality/pairs.py --help``; it checks that every pair loads
offline and can write a contact sheet.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFont

#: (near, far) names of bundled samples.
TUNING_PAIRS: tuple[tuple[str, str], ...] = (
    ("hopper", "astronaut"),
    ("astronaut", "hopper"),
    ("cat", "coffee"),
    ("camera", "astronaut"),
    ("coffee", "camera"),
    ("camera", "cat"),
)


def _png(array: np.ndarray) -> bytes:
    a = np.asarray(array)
    if a.dtype == bool:
        a = a.astype(np.uint8) * 255
    elif a.dtype != np.uint8:
        a = np.round(255 * (a - a.min()) / max(float(a.max() - a.min()), 1e-12)).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(a).save(buffer, format="PNG")
    return buffer.getvalue()


def _skimage(name: str) -> Callable[[], bytes]:
    def load() -> bytes:
        import skimage.data as data

        a = getattr(data, name)()
        if isinstance(a, tuple):  # stereo_motorcycle -> (left, right, disparity)
            a = a[0]
        return _png(a)

    return load


def _logo_on_white() -> bytes:
    import skimage.data as data

    rgba = data.logo().astype(np.float64) / 255.0
    rgb = rgba[..., :3] * rgba[..., 3:] + (1.0 - rgba[..., 3:])
    return _png(np.round(rgb * 255).astype(np.uint8))


def _matplotlib(name: str) -> Callable[[], bytes]:
    def load() -> bytes:
        import matplotlib.cbook as cbook

        with cbook.get_sample_data(name) as f:
            rgb = Image.open(f).convert("RGBA")
        white = Image.new("RGBA", rgb.size, (255, 255, 255, 255))
        buffer = io.BytesIO()
        Image.alpha_composite(white, rgb).convert("RGB").save(buffer, format="PNG")
        return buffer.getvalue()

    return load


def _text() -> bytes:
    """Black bold-ish 'Hi' on white (Pillow's bundled scalable default font)."""
    im = Image.new("L", (512, 512), 255)
    draw = ImageDraw.Draw(im)
    font = ImageFont.load_default(size=300)
    draw.text((256, 250), "Hi", font=font, fill=0, anchor="mm", stroke_width=12, stroke_fill=0)
    return _png(np.asarray(im))


def _checkerboard() -> bytes:
    """A 4 x 4 black and white checkerboard."""
    i = np.arange(512) // 128
    return _png(((i[:, None] + i[None, :]) % 2 == 0).astype(np.uint8) * 255)


#: name -> (near loader, far loader, what it tests)
HELD_OUT: dict[str, tuple[Callable[[], bytes], Callable[[], bytes], str]] = {
    "coins/horse": (_skimage("coins"), _skimage("horse"), "binary silhouette far"),
    "motorcycle/text": (_skimage("stereo_motorcycle"), _text, "binary text far, colour near"),
    "moon/microaneurysms": (_skimage("moon"), _skimage("microaneurysms"), "low contrast, both grey"),
    "ihc/rocket": (_skimage("immunohistochemistry"), _skimage("rocket"), "colour, both"),
    "hubble/logo": (_skimage("hubble_deep_field"), _logo_on_white, "dark near, saturated logo far"),
    "retina/gift": (_skimage("retina"), _matplotlib("Minduka_Present_Blue_Pack.png"), "red near, blue far"),
    "brick/checker": (_skimage("brick"), _checkerboard, "texture near, checkerboard far"),
    "page/phantom": (_skimage("page"), _skimage("shepp_logan_phantom"), "text near, geometric far"),
}


def _stars(size: int) -> np.ndarray:
    """A code-made star field: sparse bright points and a faint glow on black (a tuning stress picture)."""
    rng = np.random.default_rng(7)
    img = np.zeros((size, size))
    yy, xx = np.mgrid[:size, :size] / size
    img += 0.05 * np.exp(-((xx - 0.3) ** 2 + (yy - 0.6) ** 2) / 0.02)
    for _ in range(size // 4):
        y, x = rng.integers(0, size, 2)
        r = rng.uniform(0.3, 1.5) * size / 256
        img += rng.uniform(0.3, 1.0) * np.exp(
            -((np.arange(size)[:, None] - y) ** 2 + (np.arange(size)[None] - x) ** 2) / (2 * r * r)
        )
    img = np.clip(img, 0, 1)
    return np.stack([img, img * 0.9, img], axis=-1)


def _shape(size: int) -> np.ndarray:
    """A code-made binary 'logo': a black ring and a bar on white (a tuning stress picture)."""
    yy, xx = (np.mgrid[:size, :size] + 0.5) / size
    r = np.hypot(xx - 0.5, yy - 0.45)
    black = ((r > 0.22) & (r < 0.32)) | ((np.abs(yy - 0.85) < 0.05) & (np.abs(xx - 0.5) < 0.35))
    return np.repeat(np.where(black, 0.0, 1.0)[..., None], 3, axis=2)


def stress_pairs(size: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Code-made tuning stress pairs (not the held-out ones): a star field near, a binary far."""
    import hybridnb as hn

    s = hn.sample_images()
    return {
        "stars/astronaut": (_stars(size), hn.load_image(s["astronaut"], size)),
        "cat/ring": (hn.load_image(s["cat"], size), _shape(size)),
    }


def load_pair(near: str, far: str, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Two bundled samples as (near, far) pictures of ``size`` px."""
    import hybridnb as hn

    s = hn.sample_images()
    return hn.load_image(s[near], size), hn.load_image(s[far], size)


def tuning_pairs(size: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``"near/far" -> (near, far)`` for every tuning pair at ``size`` px."""
    return {f"{n}/{f}": load_pair(n, f, size) for n, f in TUNING_PAIRS}


def held_out_pairs(size: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``name -> (near, far)`` for every held-out pair at ``size`` px (offline)."""
    import hybridnb as hn

    return {name: (hn.load_image(a(), size), hn.load_image(b(), size)) for name, (a, b, _) in HELD_OUT.items()}


def main(argv: list[str] | None = None) -> None:
    """Command line: load every pair (offline) and optionally write a contact sheet."""
    parser = argparse.ArgumentParser(
        description="Tuning and held-out picture pairs. Loads every pair (no network) and prints its "
        "size, value range and the classic split's clipped share; --sheet writes a contact sheet."
    )
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--sheet", help="PNG path for a contact sheet of all pairs (near above far)")
    args = parser.parse_args(argv)
    import hybridnb as hn

    everything = {**tuning_pairs(args.size), **held_out_pairs(args.size)}
    scale = args.size / 256.0
    for name, (near, far) in everything.items():
        clip = hn.classic_hybrid(near, far, 2 * scale, 4 * scale).out_of_range_fraction
        tag = "held-out" if name in HELD_OUT else "tuning"
        print(f"{tag:8s} {name:22s} std near {near.std():.3f} far {far.std():.3f}  classic clips {clip:.1%}")
    if args.sheet:
        tiles = [np.concatenate([n, f], axis=0) for n, f in everything.values()]
        sheet = np.concatenate(tiles, axis=1)
        hn.save_image(sheet, args.sheet)
        print("wrote", args.sheet)


if __name__ == "__main__":
    main()
