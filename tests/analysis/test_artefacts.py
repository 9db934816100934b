"""Artefacts of a hybrid: each measure reacts to its own artefact and not to the others."""

import numpy as np
import pytest

import hybridnb as hn

SIZE = 64


@pytest.fixture(scope="module")
def near():
    return hn.load_image("hopper", SIZE)


def test_the_near_picture_itself_has_none(near):
    a = hn.artefacts(near, near)
    assert a.speckle == pytest.approx(1.0) and a.frame == pytest.approx(0.0)
    assert a.stuck == pytest.approx(np.mean((np.round(near * 255) <= 0) | (np.round(near * 255) >= 255)))


def test_salt_and_pepper_is_speckle_and_stuck_values_not_a_frame(near):
    salt = near.copy()
    rng = np.random.default_rng(1)
    chosen = rng.random(near.shape[:2]) < 0.1
    salt[chosen] = rng.choice([0.0, 1.0], size=(chosen.sum(), 1))
    a = hn.artefacts(salt, near)
    assert a.speckle > 2 and a.stuck > 0.09 and abs(a.frame) < 0.03


def test_a_dark_border_is_a_frame_and_nothing_else(near):
    framed = near.copy()
    framed[:2], framed[-2:], framed[:, :2], framed[:, -2:] = (0.6 * framed[:2], 0.6 * framed[-2:],
                                                              0.6 * framed[:, :2], 0.6 * framed[:, -2:])  # fmt: skip
    a = hn.artefacts(framed, near)
    assert a.frame < -0.05 and a.speckle < 1.2 and a.stuck <= hn.artefacts(near, near).stuck


def test_a_smooth_picture_has_less_speckle_than_the_near_one(near):
    flat = np.full_like(near, near.mean())
    assert hn.artefacts(flat, near).speckle == pytest.approx(0.0)


@pytest.mark.parametrize(("shape", "message"), [((8, 8, 3), "at least 16 pixels"), ((32, 32, 3), "is 32x32")])
def test_bad_pictures_are_refused(near, shape, message):
    with pytest.raises(ValueError, match=message):
        hn.artefacts(np.zeros(shape), near if shape[0] == 32 else np.zeros(shape))
