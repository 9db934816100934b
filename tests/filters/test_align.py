"""Alignment maths: transforms from point pairs, resampling in linear light, the frame of a pair."""

import numpy as np
import pytest

import hybridnb as hn
from hybridnb.filters.align import (
    aligned_pair,
    apply_transform,
    frame_matrix,
    similarity_matrix,
    square_frame,
    transform_parts,
    warp,
)


def blobs(shape, centres, sigma=2.0):
    """A dark picture with bright Gaussian spots at the (x, y) ``centres``."""
    ys, xs = np.mgrid[0 : shape[0], 0 : shape[1]].astype(float)
    light = sum(np.exp(-((xs - x) ** 2 + (ys - y) ** 2) / (2 * sigma**2)) for x, y in centres)
    return np.repeat(np.clip(light, 0, 1)[..., None], 3, axis=2)


def spot_centre(picture, near, radius=8):
    """Centroid (in linear light) of the spot around ``near``."""
    x0, y0 = np.round(near).astype(int)
    light = hn.srgb_to_linear(picture[..., 0])
    window = light[y0 - radius : y0 + radius + 1, x0 - radius : x0 + radius + 1]
    ys, xs = np.mgrid[y0 - radius : y0 + radius + 1, x0 - radius : x0 + radius + 1]
    return np.array([(xs * window).sum(), (ys * window).sum()]) / window.sum()


@pytest.mark.parametrize(
    ("angle", "scale", "shift"), [(0, 1, (7.3, -4.6)), (17, 1, (3, 2)), (-33, 1.4, (-5, 9)), (90, 0.8, (0, 0))]
)
def test_two_pairs_recover_a_known_similarity_exactly(angle, scale, shift):
    truth = similarity_matrix(angle, scale, shift=shift, centre=(40, 30))
    far = np.array([(12.0, 20.0), (70.5, 33.25)])
    m = hn.align_transform(far, apply_transform(truth, far))
    np.testing.assert_allclose(m, truth, atol=1e-9)
    got = transform_parts(m)
    assert got[0] == pytest.approx(angle) and got[1] == pytest.approx(scale)


def test_more_pairs_are_a_least_squares_fit(rng):
    truth = similarity_matrix(12, 1.1, shift=(4, -3))
    far = rng.uniform(0, 100, (40, 2))
    noisy = apply_transform(truth, far) + rng.normal(0, 0.5, (40, 2))
    m = hn.align_transform(far, noisy)
    # the noise averages out: the fit is much closer than one point's noise
    assert np.abs(apply_transform(m, far) - apply_transform(truth, far)).max() < 0.35


def test_three_pairs_recover_an_affine_map_and_round_trip():
    truth = np.array([[1.2, 0.3, 5.0], [-0.1, 0.9, -2.0], [0, 0, 1]])
    far = np.array([(0.0, 0.0), (50.0, 10.0), (20.0, 60.0)])
    near = apply_transform(truth, far)
    m = hn.align_transform(far, near, kind="affine")
    np.testing.assert_allclose(m, truth, atol=1e-9)
    back = hn.align_transform(near, far, kind="affine")
    np.testing.assert_allclose(back @ m, np.eye(3), atol=1e-9)


@pytest.mark.parametrize(
    ("far", "near", "kind", "message"),
    [
        ([(0, 0)], [(1, 1)], "similarity", "far points must hold at least 2 points"),
        ([(0, 0), (5, 5)], [(1, 1), (2, 2), (3, 3)], "similarity", "as many far points as near points"),
        ([(0, 0), (0, 0)], [(1, 1), (2, 2)], "similarity", "the far points coincide"),
        ([(0, 0), (5, 5)], [(1, 1), (1, 1)], "similarity", "the near points coincide"),
        ([(0, 0), (5, 5), (10, 10)], [(1, 1), (2, 5), (9, 3)], "affine", "the far points lie on one line"),
        ([(0, 0), (5, 5)], [(1, 1), (2, 5)], "affine", "far points must hold at least 3 points"),
        ([(0, 0), (np.nan, 5)], [(1, 1), (2, 5)], "similarity", "must be finite"),
        ([(0, 0, 0)], [(1, 1)], "similarity", "must be (x, y) pairs"),
        ([("a", "b")], [(1, 1)], "similarity", "must be (x, y) pairs of numbers"),
        ([(0, 0), (5, 5)], [(1, 1), (2, 5)], "projective", "kind must be one of"),
    ],
)
def test_bad_points_say_what_is_wrong(far, near, kind, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        hn.align_transform(far, near, kind=kind)


@pytest.mark.parametrize(("angle", "scale", "shift"), [(0, 1, (6.4, -3.7)), (23, 1, (2.5, 4.5)), (-12, 1.3, (-4, 3))])
def test_a_shifted_and_turned_picture_is_recovered_within_half_a_pixel(angle, scale, shift):
    spots = [(30.0, 28.0), (70.0, 35.0), (45.0, 75.0), (80.0, 80.0)]
    original = blobs((110, 110), spots)
    truth = similarity_matrix(angle, scale, shift=shift, centre=(55, 55))
    moved = warp(original, truth, (110, 110), fill="edge")
    for spot, expected in zip(spots, apply_transform(truth, spots), strict=True):  # warp puts them where it should
        assert np.hypot(*(spot_centre(moved, expected) - expected)) < 0.5, spot
    # the user clicks two of the spots in each picture; align puts the moved picture back
    clicked = [0, 3]
    back = hn.align(moved, original, apply_transform(truth, spots)[clicked], np.array(spots)[clicked])
    for spot in spots:
        assert np.hypot(*(spot_centre(back, spot) - spot)) < 0.5, spot


def test_resampling_is_in_linear_light_and_shrinks_without_aliasing():
    stripes = np.zeros((64, 64, 3))
    stripes[::2] = 1.0  # one-pixel stripes: aliasing would show them as black or white bands
    half = warp(stripes, similarity_matrix(scale=0.5), (32, 32))
    # the eye's average of black and white: 0.5 of the light, 0.73 in display values
    np.testing.assert_allclose(half[2:-2, 2:-2], 0.5 ** (1 / 2.2), atol=1e-9)
    third = warp(stripes, similarity_matrix(scale=1 / 3, shift=(0.3, 0.1)), (20, 20))
    assert np.ptp(third[2:-2, 2:-2]) < 0.12


@pytest.mark.parametrize("fill", ["fade", "mirror", "edge", "mean"])
def test_the_area_outside_is_never_black(fill):
    picture = hn.load_image("astronaut", 64)
    small = warp(picture, similarity_matrix(scale=0.5, centre=(31.5, 31.5)), (64, 64), fill=fill)
    border = np.concatenate([small[:8].reshape(-1, 3), small[-8:].reshape(-1, 3)])
    assert border.mean() > 0.3  # the astronaut's background is light grey, black would be 0
    mean = hn.linear_to_srgb(hn.srgb_to_linear(picture).reshape(-1, 3).mean(axis=0))
    if fill in ("mean", "fade"):  # far from the picture: its mean colour, featureless
        np.testing.assert_allclose(small[0, 0], mean, atol=1e-6)
    if fill in ("mirror", "fade"):  # no seam where the picture ends
        np.testing.assert_allclose(small[15, 16:48], small[16, 16:48], atol=0.1)
    if fill == "fade":  # and no copy of the subject: the far view outside is flat
        assert np.ptp(small[:6, :6], axis=(0, 1)).max() < 0.01


def test_align_keeps_the_near_shape_for_any_sizes():
    far, near = hn.load_image("hopper", None)[:300, :200], np.full((120, 160, 3), 0.5)
    out = hn.align(far, near, [(50, 60), (150, 60)], [(40, 50), (110, 52)])
    assert out.shape == (120, 160, 3) and 0 <= out.min() and out.max() <= 1
    with pytest.raises(ValueError, match="give far_points and near_points"):
        hn.align(far, near)
    with pytest.raises(ValueError, match="far_points must be one of 'auto'"):
        hn.align(far, near, "eyes")


def test_frame_follows_the_points_and_the_pair_lines_up():
    assert square_frame((100, 300)) == (100, 0, 100)
    assert square_frame((100, 300), [(250, 40), (270, 60)]) == (200, 0, 100)
    assert square_frame((300, 100), [(50, 10), (50, 30)]) == (0, 0, 100)
    np.testing.assert_allclose(frame_matrix(0, 0, 100, 100), np.eye(3))
    # a wide near picture with a spot at the right, a tall far picture with its spot elsewhere
    near = blobs((100, 240), [(200.0, 40.0), (220.0, 70.0)], sigma=3)
    far = blobs((300, 150), [(60.0, 120.0), (100.0, 180.0)], sigma=6)
    m = hn.align_transform([(60, 120), (100, 180)], [(200, 40), (220, 70)])
    pair = aligned_pair(far, near, m, 50, near_points=[(200, 40), (220, 70)])
    left, top, side = pair.frame
    assert (side, top) == (100, 0) and left == 140  # the square slid right, to the spots
    for x, y in [(200, 40), (220, 70)]:
        at = apply_transform(frame_matrix(left, top, side, 50), [(x, y)])[0]
        assert np.hypot(*(spot_centre(pair.near, at, 4) - at)) < 0.5
        assert np.hypot(*(spot_centre(pair.far, at, 4) - at)) < 0.5


def test_align_runs_without_tensorflow():
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['tensorflow'] = None\n"
        "import hybridnb as hn\n"
        "p = hn.load_image('cat', 32)\n"
        "print(hn.align(p, p, [(1, 1), (20, 3)], [(2, 2), (21, 4)]).shape)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "(32, 32, 3)"
