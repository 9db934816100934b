"""Issue 15, pictures in: only raster formats, bounded memory in every mode, full precision, colour profiles."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from pictures import ADOBE_RGB_PRIMARIES, SRGB_PRIMARIES, icc_profile, png_encoded, rgb_to_xyz, srgb_encode
from PIL import EpsImagePlugin, Image

import hybridnb as hn
from hybridnb.imaging import io as images_module


def _encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


# --- foreign code: an allow-list of raster formats, no other program ever started ----------------


def test_postscript_is_refused_without_starting_ghostscript(monkeypatch, tmp_path):
    started = []

    def no_program(*args, **kwargs):
        started.append(args)
        raise AssertionError("load_image started another program")

    monkeypatch.setattr(EpsImagePlugin, "gs_binary", "gs", raising=False)  # as if Ghostscript were installed
    monkeypatch.setattr(EpsImagePlugin, "has_ghostscript", lambda: True)
    monkeypatch.setattr(subprocess, "Popen", no_program)
    monkeypatch.setattr(subprocess, "check_call", no_program)
    eps = _encode(Image.new("RGB", (8, 8), (200, 10, 10)), "EPS")
    (tmp_path / "drawing.eps").write_bytes(eps)
    for source in (eps, tmp_path / "drawing.eps", io.BytesIO(eps)):
        with pytest.raises(ValueError, match=r"PostScript/EPS, which hybridnb does not read \(it reads PNG, JPEG"):
            hn.load_image(source, size=8)
    (tmp_path / "drawing.pdf").write_bytes(b"%PDF-1.4\n%...\n")
    with pytest.raises(ValueError, match=r"drawing\.pdf.* PDF, which hybridnb does not read"):
        hn.load_image(tmp_path / "drawing.pdf")
    assert not started


def test_only_the_listed_formats_are_opened():
    assert "EPS" not in images_module.READ_FORMATS
    for fmt in ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP", "PPM"):
        assert hn.load_image(_encode(Image.new("RGB", (6, 6), (9, 99, 199)), fmt), size=None).shape == (6, 6, 3)
    for fmt in ("ICO", "PCX", "SGI", "TGA"):  # Pillow reads them; TGA is listed, the others are not
        data = _encode(Image.new("RGB", (6, 6)), fmt)
        if fmt in images_module.READ_FORMATS:
            hn.load_image(data)
        else:
            with pytest.raises(ValueError, match="not a picture format hybridnb reads"):
                hn.load_image(data)


# --- precision: 16 bits kept, integers scaled by their type's range ---------------------------------

RAMP = np.arange(64, dtype=np.uint16) * 4  # 64 levels between 0 and 252 / 65535: one 8-bit level


@pytest.mark.parametrize(("color_type", "channels"), [(2, 3), (6, 4), (4, 2), (0, 1)])
def test_sixteen_bit_pngs_keep_every_level(color_type, channels):
    rng = np.random.default_rng(color_type)
    values = rng.integers(0, 65536, (64, 64, channels)).astype(np.uint16)
    values[..., 0] = RAMP[np.newaxis, :]  # the ramp in the first channel, noise elsewhere
    out = hn.load_image(png_encoded(values if channels > 1 else values[..., 0], color_type=color_type), size=None)
    colour = values[..., :3] if channels >= 3 else np.repeat(values[..., :1], 3, axis=2)
    np.testing.assert_array_equal(np.round(out * 65535), colour)  # every filter type, every level
    assert len(np.unique(out[..., 0])) == 64


def test_sixteen_bit_tiffs_keep_every_level():
    tifffile = pytest.importorskip("tifffile")
    values = np.stack([np.broadcast_to(RAMP, (64, 64))] * 3, axis=-1).astype(np.uint16)
    for options in ({}, {"compression": "zlib"}):
        buffer = io.BytesIO()
        tifffile.imwrite(buffer, values, photometric="rgb", **options)
        out = hn.load_image(buffer.getvalue(), size=None)
        np.testing.assert_array_equal(np.round(out * 65535), values)


@pytest.mark.parametrize("largest", [255, 256, 70_000, 2**31 - 1])
def test_thirty_two_bit_integers_are_scaled_by_their_range_not_their_maximum(largest):
    values = np.full((4, 4), largest, np.int32)
    values[0, 0] = 0
    out = hn.load_image(_encode(Image.fromarray(values), "TIFF"), size=None)
    np.testing.assert_allclose(out[1, 1], largest / (2**31 - 1), rtol=1e-9)
    assert out[0, 0, 0] == 0.0


def test_float_pictures_are_values_in_unit_range():
    values = np.full((4, 4), 0.75, np.float32)
    values[0, 0] = 1.5  # over white: clipped, and the rest is not rescaled by it
    out = hn.load_image(_encode(Image.fromarray(values), "TIFF"), size=None)
    assert out[1, 1, 0] == pytest.approx(0.75) and out[0, 0, 0] == 1.0


# --- colour profiles: converted to sRGB ------------------------------------------------------------

LINEAR_SRGB = icc_profile("linear-light sRGB", SRGB_PRIMARIES, gamma=1.0)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF", "WEBP"])
def test_a_linear_light_profile_is_converted(fmt):
    grey = Image.new("RGB", (16, 16), (128, 128, 128))
    options = {"quality": 100} if fmt == "JPEG" else {}
    out = hn.load_image(_encode(grey, fmt, icc_profile=LINEAR_SRGB, **options), size=None)
    expected = float(srgb_encode(128 / 255))  # linear mid-grey: 188 in sRGB
    np.testing.assert_allclose(out, expected, atol=1.5 / 255)
    plain = hn.load_image(_encode(grey, fmt, **options), size=None)
    np.testing.assert_allclose(plain, 128 / 255, atol=1.5 / 255)  # no profile: the values as stored


def test_a_wide_gamut_profile_is_converted():
    profile = icc_profile("wide gamut, gamma 2.2", ADOBE_RGB_PRIMARIES, gamma=563 / 256)
    colours = np.array([[200, 120, 60], [40, 160, 90], [128, 128, 128], [90, 60, 200]], np.uint8)
    pixels = np.repeat(colours[np.newaxis], 4, axis=0)
    out = hn.load_image(_encode(Image.fromarray(pixels), "PNG", icc_profile=profile), size=None)
    to_srgb = np.linalg.inv(rgb_to_xyz(SRGB_PRIMARIES)) @ rgb_to_xyz(ADOBE_RGB_PRIMARIES)
    expected = srgb_encode((colours / 255.0) ** (563 / 256) @ to_srgb.T)
    np.testing.assert_allclose(out[0], expected, atol=2 / 255)


def test_a_grey_profile_is_converted_and_a_damaged_one_ignored():
    grey = icc_profile("linear grey", None, gamma=1.0)
    out = hn.load_image(_encode(Image.new("L", (8, 8), 128), "PNG", icc_profile=grey), size=None)
    np.testing.assert_allclose(out, float(srgb_encode(128 / 255)), atol=1.5 / 255)
    damaged = _encode(Image.new("RGB", (8, 8), (128, 128, 128)), "PNG", icc_profile=b"not a profile")
    np.testing.assert_allclose(hn.load_image(damaged, size=None), 128 / 255)


def test_a_sixteen_bit_picture_with_a_profile_is_converted():
    values = np.full((8, 8, 3), 128 * 257, np.uint16)
    iccp = b"linear\0\0" + __import__("zlib").compress(LINEAR_SRGB)
    out = hn.load_image(png_encoded(values, chunks=[(b"iCCP", iccp)]), size=None)
    np.testing.assert_allclose(out, float(srgb_encode(128 / 255)), atol=1.5 / 255)


# --- memory: bounded by the output in every mode -----------------------------------------------------

MEASURE = """
import resource, sys
from hybridnb.imaging.io import load_image
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = load_image(sys.argv[1], size=512)
assert out.shape == (512, 512, 3) and 0.2 < out.mean() < 0.8, out.mean()
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


def _peak_mb(path) -> int:
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


@pytest.mark.parametrize("mode", ["P", "1", "I;16"])
def test_peak_memory_is_bounded_in_every_mode(tmp_path, mode):
    """A 36-megapixel picture: at most about 2x its 8-bit decoding (2.1 GB for a palette before the fix)."""
    side = 6000
    stripes = (np.arange(side) // 50 % 2).astype(np.uint8)  # light and dark stripes, 50 px wide
    if mode == "I;16":
        image = Image.fromarray(np.broadcast_to(stripes.astype(np.uint16) * 40000 + 12000, (side, side)).copy())
    else:
        image = Image.fromarray(np.broadcast_to(stripes * 160 + 40, (side, side)).copy()).convert(mode)
    path = tmp_path / "big.png"
    image.save(path, compress_level=1)
    del image
    decoded_mb = side * side * (2 if mode == "I;16" else 1) / 2**20
    assert _peak_mb(path) < 2 * decoded_mb + 120


# --- every documented ValueError is one ------------------------------------------------------------------


@pytest.mark.parametrize("size", [float("inf"), 10**30, 2**63, 11_000, 0, -1, 2.5, "64", True])
def test_sizes_out_of_range_are_value_errors(size):
    with pytest.raises(ValueError, match="size must be"):
        hn.load_image("cat", size=size)


@pytest.mark.parametrize("source", [None, np.zeros((4, 4, 3)), 42, ["cat"], object()])
def test_sources_of_the_wrong_kind_are_value_errors(source):
    with pytest.raises(ValueError, match="load_image takes a file path, a sample's name, bytes or a binary file"):
        hn.load_image(source)


def test_numpy_sizes_are_sizes():
    assert hn.load_image("cat", size=np.int64(8)).shape == (8, 8, 3)
    assert hn.load_image("cat", size=np.array(8)).shape == (8, 8, 3)


# --- sample names cannot be hidden -----------------------------------------------------------------------------


def test_a_folder_or_file_named_like_a_sample_does_not_hide_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cat").mkdir()
    (tmp_path / "coffee").write_text("my notes, not a picture")
    samples = hn.sample_images()
    np.testing.assert_array_equal(hn.load_image("cat", 16), hn.load_image(samples["cat"], 16))
    np.testing.assert_array_equal(hn.load_image("coffee", 16), hn.load_image(samples["coffee"], 16))
    with pytest.raises(ValueError, match=r"coffee as a picture"):  # written as a path, it is the file
        hn.load_image("./coffee")
    Image.new("RGB", (4, 4), (255, 0, 0)).save(tmp_path / "hopper", format="PNG")
    assert hn.load_image(images_module.Path("hopper"), size=None)[0, 0, 0] == 1.0  # a Path is a path


def test_load_image_documents_its_formats():
    text = textwrap.dedent(hn.load_image.__doc__)
    assert "READ_FORMATS" in text and "EPS" in text and "ValueError" in text
