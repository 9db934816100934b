"""The zoom-out animation: frames shrinking in linear light, GIF and WebP files that decode to them."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

import hybridnb as hn
from hybridnb.imaging.animation import encode_zoom, zoom_frames, zoom_scales
from hybridnb.imaging.io import to_uint8


@pytest.fixture(scope="module")
def picture():
    """A 64-pixel photo with no pure white, so its extent on the white canvas can be measured."""
    return np.clip(hn.load_image("hopper", 64), 0.0, 0.95)


def extent(frame: np.ndarray) -> tuple[int, int]:
    """Height and width of what is not the white canvas."""
    rows, cols = np.nonzero(np.any(frame != 255, axis=-1))
    return rows.max() - rows.min() + 1, cols.max() - cols.min() + 1


def test_frames_shrink_steadily_from_the_picture_to_its_far_view(picture):
    frames = zoom_frames(picture, far_factor=8, frames=7)
    assert len(frames) == 7 and all(f.shape == (64, 64, 3) and f.dtype == np.uint8 for f in frames)
    np.testing.assert_array_equal(frames[0], to_uint8(picture))
    sides = [extent(f)[0] for f in frames]
    assert sides == [round(64 * s) for s in zoom_scales(8, 7)] == [64, 45, 32, 23, 16, 11, 8]
    # the last frame is the picture shrunk 8 times in linear light (8 x 8 blocks of light averaged), centred
    far = to_uint8(hn.shrink_linear(picture, 8))
    assert np.abs(frames[-1][28:36, 28:36].astype(int) - far).max() <= 1
    assert np.all(frames[-1][:28] == 255) and np.all(frames[-1][36:] == 255)


def test_the_canvas_colour_can_be_chosen(picture):
    last = zoom_frames(picture, far_factor=4, frames=2, background=(0.0, 0.5, 1.0))[-1]
    assert last[0, 0].tolist() == [0, 128, 255]


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_the_animation_decodes_to_the_frames_and_loops(picture, fmt):
    data = encode_zoom(picture, fmt, frames=6, seconds=1.0, hold=0.5)
    animation = Image.open(io.BytesIO(data))
    assert animation.format == fmt and animation.size == (64, 64)
    assert animation.n_frames == 6 + 4  # out, and back without repeating the ends
    assert animation.info["loop"] == 0
    durations = []
    for k in range(animation.n_frames):
        animation.seek(k)
        animation.load()  # WebP reads a frame's duration when it decodes it
        durations.append(animation.info["duration"])
        if k == 0:
            first = np.asarray(animation.convert("RGB"), dtype=np.float64) / 255
        if k == 5:
            smallest = np.asarray(animation.convert("RGB"))
    assert durations[0] == durations[5] == 500 and set(durations[1:5] + durations[6:]) == {200}
    assert np.abs(first - picture).mean() < 0.03  # 256 colours (GIF) or lossy (WebP), but the picture
    expected = zoom_frames(picture, frames=6)[-1]
    assert np.abs(smallest.astype(int) - expected).mean() < 3
    if fmt == "GIF":
        assert np.all(smallest[:20] == 255)  # the canvas stays exactly white, not a dithered near-white


def test_zoom_animation_writes_by_extension_and_never_overwrites(picture, tmp_path):
    gif = hn.zoom_animation(picture, tmp_path / "zoom.gif", frames=4)
    webp = hn.zoom_animation("hopper", tmp_path / "zoom.WEBP", frames=4)  # a sample's name, like a file
    assert Image.open(gif).format == "GIF" and Image.open(webp).format == "WEBP"
    first = gif.read_bytes()
    with pytest.raises(FileExistsError):
        hn.zoom_animation(picture * 0.5, gif, frames=4)
    assert gif.read_bytes() == first
    assert hn.zoom_animation(picture * 0.5, gif, frames=4, beside=True).name == "zoom-1.gif"
    assert hn.zoom_animation(picture * 0.5, gif, frames=4, overwrite=True) == gif and gif.read_bytes() != first
    with pytest.raises(ValueError, match=r"\.gif or \.webp"):
        hn.zoom_animation(picture, tmp_path / "zoom.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zoom-1.gif", "zoom.WEBP", "zoom.gif"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(far_factor=1), "far_factor must be > 1"),
        (dict(frames=1), "frames must be a whole number >= 2"),
        (dict(background=2.0), "background must be"),
        (dict(image=np.zeros((8, 8))), r"\(H, W, 3\)"),
        (dict(image=np.full((8, 8, 3), 200.0)), "divide by 255"),
    ],
)
def test_bad_arguments_say_what_is_allowed(picture, kwargs, message):
    image = kwargs.pop("image", picture)
    with pytest.raises(ValueError, match=message):
        zoom_frames(image, **kwargs)
