import io

import numpy as np
import pytest
from PIL import Image

import hybridnb as hn


def _encode(image: Image.Image, fmt="PNG") -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=fmt)
    return buf.getvalue()


def _gradient(w=60, h=40) -> np.ndarray:
    x = np.linspace(0, 255, w, dtype=np.float64)
    return np.broadcast_to(x, (h, w)).astype(np.uint8)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA", "P", "1", "CMYK", "I;16", "I", "F"])
def test_any_mode_gives_float_rgb_in_unit_range(mode):
    if mode == "I;16":
        image = Image.fromarray(_gradient().astype(np.uint16) * 257)
        assert image.mode == "I;16"
    elif mode == "F":
        image = Image.fromarray(_gradient().astype(np.float32) / 255.0)
    else:
        image = Image.fromarray(_gradient()).convert(mode)
    fmt = "JPEG" if mode == "CMYK" else ("TIFF" if mode in ("F", "I") else "PNG")
    out = hn.load_image(_encode(image, fmt), size=20)
    assert out.shape == (20, 20, 3) and out.dtype == np.float64
    assert 0 <= out.min() and out.max() <= 1
    if mode not in ("1",):
        assert out[:, 0].mean() < 0.4 < 0.6 < out[:, -1].mean()  # the gradient survives


def test_grey_is_expanded_and_alpha_dropped():
    rgba = np.zeros((10, 10, 4), np.uint8)
    rgba[..., 0] = 200
    rgba[..., 3] = 0  # fully transparent: colour must still come through
    out = hn.load_image(_encode(Image.fromarray(rgba, "RGBA")), size=None)
    np.testing.assert_allclose(out[..., 0], 200 / 255)
    grey = hn.load_image(_encode(Image.fromarray(np.full((6, 6), 51, np.uint8))), size=None)
    np.testing.assert_allclose(grey, 0.2)


def test_centre_crop_to_square():
    pixels = np.zeros((10, 30, 3), np.uint8)
    pixels[:, 10:20] = 255  # the centre square is white, the sides black
    out = hn.load_image(_encode(Image.fromarray(pixels)), size=None)
    assert out.shape == (10, 10, 3)
    np.testing.assert_allclose(out, 1.0)


def test_sixteen_bit_precision_is_kept():
    values = np.arange(0, 65536, 1, dtype=np.uint16)[:4096].reshape(64, 64) + 1000
    image = Image.fromarray(values)
    assert image.mode == "I;16"
    out = hn.load_image(_encode(image), size=None)
    assert len(np.unique(out[..., 0])) == 4096  # 8-bit would collapse these to ~16 levels


def test_path_bytes_and_file_give_the_same(tmp_path):
    path = hn.sample_images()["cat"]
    a = hn.load_image(path, size=32)
    b = hn.load_image(path.read_bytes(), size=32)
    with open(path, "rb") as f:
        c = hn.load_image(f, size=32)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)


def test_errors_are_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such picture"):
        hn.load_image(tmp_path / "missing.png")
    (tmp_path / "text.png").write_text("not a picture")
    with pytest.raises(ValueError, match="cannot read"):
        hn.load_image(tmp_path / "text.png")
    with pytest.raises(ValueError, match="cannot read"):
        hn.load_image(b"\x89PNG broken")
    with pytest.raises(ValueError, match="size"):
        hn.load_image(hn.sample_images()["cat"], size=0)


def test_save_round_trip(tmp_path, rng):
    image = rng.random((9, 7, 3))
    path = hn.save_image(image, tmp_path / "x.png")
    back = hn.load_image(path, size=None)
    assert back.shape == (7, 7, 3)  # loading crops to a square
    saved = np.asarray(Image.open(path))
    assert saved.shape == (9, 7, 3) and saved.dtype == np.uint8
    np.testing.assert_array_equal(saved, np.round(image * 255).astype(np.uint8))


def test_save_accepts_a_batch_of_one_and_rejects_nan(tmp_path):
    hn.save_image(np.zeros((1, 4, 4, 3)), tmp_path / "a.png")
    with pytest.raises(ValueError, match="NaN"):
        hn.save_image(np.full((4, 4, 3), np.nan), tmp_path / "b.png")


def test_samples_are_512_rgb_pngs():
    samples = hn.sample_images()
    assert {hn.DEFAULT_NEAR, hn.DEFAULT_FAR} <= set(samples) and len(samples) >= 4
    for path in samples.values():
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == (512, 512)
