"""Eyes found automatically: on the portraits, and on copies moved, scaled and turned by known amounts."""

import numpy as np
import pytest

import hybridnb as hn
from hybridnb.filters.align import apply_transform, similarity_matrix, warp

#: The pupils in the 512-pixel samples, clicked by hand on 5x enlargements (about 1 px).
PUPILS = {"hopper": [(221, 181), (303, 181)], "astronaut": [(218, 180), (309, 186)]}
#: The tolerance the README and notebook 08 state for automatic alignment of moved copies:
#: the worst displacement of a face-box corner after the round trip, in pixels of the 512 picture.
TOLERANCE = 3.0


@pytest.fixture(scope="module")
def portraits():
    return {name: hn.load_image(name, 512) for name in PUPILS}


@pytest.mark.parametrize("name", list(PUPILS))
def test_the_eyes_of_the_portraits_are_found(portraits, name):
    found = hn.find_eyes(portraits[name])
    assert found.method == "eyes"
    assert np.hypot(*(found.points - PUPILS[name]).T).max() < 6.0  # 7 % of the distance between the eyes
    assert found.describe().startswith("eyes at (")


def moved_copy(picture, angle, scale, shift):
    """The picture turned, scaled and shifted on a larger, non-square canvas of flat colour; the transform."""
    truth = similarity_matrix(angle, scale, shift=shift, centre=(255.5, 255.5))
    truth[:2, 2] += (64, 32)
    return warp(picture, truth, (576, 640), fill="mean"), truth


@pytest.mark.parametrize(
    ("name", "angle", "scale", "shift"),
    [("hopper", 0, 1, (40, -25)), ("hopper", 15, 0.8, (30, 40)), ("astronaut", -20, 1, (10, 10)),
     ("astronaut", 0, 1.5, (-60, -30))],
)  # fmt: skip
def test_auto_alignment_undoes_a_known_move(portraits, name, angle, scale, shift):
    original = portraits[name]
    moved, truth = moved_copy(original, angle, scale, shift)
    reference, found = hn.find_eyes(original), hn.find_eyes(moved)
    recovered = hn.align_transform(found.points, reference.points)
    x, y, side = reference.box
    corners = np.array([(x, y), (x + side, y), (x, y + side), (x + side, y + side)])
    error = np.hypot(*(apply_transform(recovered @ truth, corners) - corners).T).max()
    assert error < TOLERANCE
    back = hn.align(moved, original, "auto")
    face = (slice(int(y), int(y + side)), slice(int(x), int(x + side)))
    assert np.abs(back[face] - original[face]).mean() < 0.03


def test_no_face_is_a_clear_error():
    with pytest.raises(ValueError, match=r"no face found .* click the eyes instead"):
        hn.find_eyes(hn.load_image("coffee", 128))
    with pytest.raises(ValueError, match="no face found"):
        hn.align(hn.load_image("coffee", 64), hn.load_image("hopper", 64), "auto")
