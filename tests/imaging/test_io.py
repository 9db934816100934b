import io
import warnings

import numpy as np
import pytest
from pictures import png_claiming
from PIL import Image, ImageFile

import hybridnb as hn
from hybridnb.imaging import io as images_module


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
    elif mode == "I":  # 32-bit integers span their type's range (2**31 - 1 is white)
        image = Image.fromarray((_gradient().astype(np.int64) * (2**31 - 1) // 255).astype(np.int32))
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


# --- every mode, phone photos, damaged files, bombs ------------------------------------

ROUND_TRIPS = [  # (mode made, format): every mode each format stores, as Pillow reads it back
    ("1", "PNG"),
    ("1", "TIFF"),
    ("L", "JPEG"),
    ("LA", "PNG"),
    ("LA", "TIFF"),
    ("P", "PNG"),
    ("P", "GIF"),
    ("PA", "TIFF"),
    ("RGB", "JPEG"),
    ("RGB", "WEBP"),
    ("RGB", "BMP"),
    ("RGBA", "PNG"),
    ("RGBA", "TIFF"),
    ("CMYK", "TIFF"),
    ("YCbCr", "TIFF"),
    ("LAB", "TIFF"),
    ("I;16B", "TIFF"),
    ("I;16", "TIFF"),
]


@pytest.mark.parametrize(("mode", "fmt"), ROUND_TRIPS)
def test_every_mode_pillow_reads(mode, fmt):
    if mode.startswith("I;16"):  # made from raw bytes: Pillow's convert() to I;16B clips at 255
        wide = _gradient().astype(np.uint16) * 257
        dtype = ">u2" if mode == "I;16B" else "<u2"
        image = Image.frombytes(mode, wide.shape[::-1], wide.astype(dtype).tobytes())
    else:
        image = Image.fromarray(_gradient()).convert("RGB").convert(mode)
    out = hn.load_image(_encode(image, fmt), size=20)
    assert out.shape == (20, 20, 3) and out.dtype == np.float64
    assert np.isfinite(out).all() and 0 <= out.min() and out.max() <= 1
    if mode != "1":
        assert out[:, :3].mean() < 0.4 < 0.6 < out[:, -3:].mean()  # the gradient survives, left to right


def test_palette_with_transparency_keeps_its_colours():
    image = Image.fromarray(_gradient()).convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    image.info["transparency"] = 0
    out = hn.load_image(_encode(image), size=None)
    expected = np.asarray(image.convert("RGB"), dtype=np.float64) / 255
    np.testing.assert_allclose(out, expected[:, 10:50])


def _top_red_bottom_blue(width=40, height=20) -> Image.Image:
    pixels = np.zeros((height, width, 3), np.uint8)
    pixels[: height // 2, :, 0] = 255
    pixels[height // 2 :, :, 2] = 255
    return Image.fromarray(pixels)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_phone_photo_is_turned_upright(fmt):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; show it rotated 90 degrees clockwise
    buffer = io.BytesIO()
    _top_red_bottom_blue().save(buffer, format=fmt, exif=exif, **({"quality": 95} if fmt == "JPEG" else {}))
    with Image.open(io.BytesIO(buffer.getvalue())) as stored:
        assert stored.size == (40, 20) and stored.getexif()[0x0112] == 6
    out = hn.load_image(buffer.getvalue(), size=None)
    assert out.shape == (20, 20, 3)  # the upright picture is 20 wide, 40 tall: its centre square
    red, blue = out[..., 0], out[..., 2]
    assert blue[:, :8].mean() > 0.8 and red[:, -8:].mean() > 0.8  # the top went right, the bottom left
    plain = io.BytesIO()
    _top_red_bottom_blue().save(plain, format=fmt)
    unturned = hn.load_image(plain.getvalue(), size=None)
    assert unturned[:8, :, 0].mean() > 0.8  # without the tag, the red stays on top


def test_a_damaged_exif_block_keeps_the_pixels():
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 99  # not an orientation
    _top_red_bottom_blue().save(buffer, format="PNG", exif=exif)
    out = hn.load_image(buffer.getvalue(), size=None)
    assert out[:8, :, 0].mean() > 0.8


def test_non_square_pairs_of_different_sizes_come_out_alike():
    wide = hn.load_image(_encode(_top_red_bottom_blue(300, 40)), size=24)
    tall = hn.load_image(_encode(_top_red_bottom_blue(30, 200)), size=24)
    assert wide.shape == tall.shape == (24, 24, 3)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_truncated_file_names_itself(tmp_path, fmt):
    data = _encode(Image.fromarray(np.random.default_rng(1).integers(0, 255, (64, 64, 3), dtype=np.uint8)), fmt)
    path = tmp_path / f"cut.{fmt.lower()}"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"cut\..*truncated or damaged"):
        hn.load_image(path)
    with pytest.raises(ValueError, match=r"the given data .*truncated") as caught:
        hn.load_image(data[: len(data) // 2])
    assert "0x" not in str(caught.value)


def test_messages_name_the_file_never_a_python_object(tmp_path):
    with pytest.raises(ValueError) as caught:
        hn.load_image(b"GIF89a but not really")
    assert "given data" in str(caught.value) and "BytesIO" not in str(caught.value)
    with pytest.raises(ValueError) as caught:
        hn.load_image(io.BytesIO(b"nothing"))
    assert "BytesIO" not in str(caught.value) and " at 0x" not in str(caught.value)
    bad = tmp_path / "notes.png"
    bad.write_bytes(b"plain text")
    with open(bad, "rb") as file, pytest.raises(ValueError, match=r"notes\.png"):
        hn.load_image(file)
    with pytest.raises(ValueError, match="folder"):
        hn.load_image(tmp_path)
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(ValueError, match=r"empty\.png"):
        hn.load_image(tmp_path / "empty.png")


@pytest.mark.parametrize("side", [11_000, 15_000, 100_000])  # 121 MP, 225 MP (Pillow's own error), 10 GP
def test_a_decompression_bomb_is_refused_from_its_header(monkeypatch, tmp_path, side):
    def never(self, *args, **kwargs):
        raise AssertionError("the pixels of a bomb must never be decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", never)
    path = tmp_path / "bomb.png"
    path.write_bytes(png_claiming(side, side))
    assert path.stat().st_size < 200_000
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nor a DecompressionBombWarning left to the user
        with pytest.raises(ValueError, match=r"bomb\.png.*(too large|megapixels)"):
            hn.load_image(path)


def test_the_pixel_limit_is_inclusive_and_documented():
    assert images_module.MAX_PIXELS >= 108_000_000  # the largest phone mode in common use
    square = int(images_module.MAX_PIXELS**0.5)
    with pytest.raises(ValueError, match="megapixels"):
        hn.load_image(png_claiming(square + 1, square + 1))


def test_a_huge_photo_is_reduced_before_the_float_conversion(monkeypatch):
    height, width = 4200, 4000  # 16.8 MP, above the reduction threshold
    y = np.linspace(0, 1, height)[:, None]
    x = np.linspace(0, 1, width)[None, :]
    pixels = np.stack([255 * x * np.ones_like(y), 255 * y * np.ones_like(x), np.full((height, width), 128.0)], -1)
    seen = []
    original = images_module.resize
    monkeypatch.setattr(images_module, "resize", lambda image, size: seen.append(image.shape) or original(image, size))
    top = (height - width) // 2
    reference = original(pixels[top : top + width] / 255.0, 50)
    for fmt in ("JPEG", "PNG"):  # reduced while decoding (JPEG), or band by band (PNG)
        out = hn.load_image(_encode(Image.fromarray(pixels.astype(np.uint8)), fmt), size=50)
        assert max(seen[-1]) <= 4 * 50  # never a 16 MP float64 array
        assert out.shape == (50, 50, 3) and np.abs(out - reference).mean() < 0.01
