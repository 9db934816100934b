"""The alignment box, headless: clicked coordinates reach the transform, the panel trains on the aligned pair."""

import base64
import io
import re
from datetime import datetime, timezone

import numpy as np
import pytest
from PIL import Image

import hybridnb as hn
from hybridnb.filters.align import apply_transform, similarity_matrix, warp
from hybridnb.ui.alignment import AlignmentBox, centre_matrix
from hybridnb.ui.pairing import PointPairs

#: The pupils of the 512-pixel samples (tests/filters/test_faces.py).
EYES = {"hopper": [(221, 181), (303, 181)], "astronaut": [(218, 180), (309, 186)]}


def click(box, near, far):
    """What the browser sends when the user has clicked these points (picture pixels)."""
    box.pickers["near"].points = [list(map(float, p)) for p in near]
    box.pickers["far"].points = [list(map(float, p)) for p in far]


def test_pictures_load_when_the_box_opens_and_keep_their_own_shape():
    wide = np.zeros((100, 300, 3))
    box = AlignmentBox(wide, "astronaut")
    assert box.pickers["near"].image == b""  # closed: nothing read yet
    box.selected_index = 0
    assert (box.pickers["near"].width, box.pickers["near"].height) == (300, 100)
    assert (box.pickers["far"].width, box.pickers["far"].height) == (512, 512)
    assert Image.open(io.BytesIO(box.overlay.value)).size == (320, 320)
    assert not box.active and "Click the same places on both pictures" in box.message.value


def test_clicked_points_reach_the_transform_and_the_export():
    box = AlignmentBox("hopper", "astronaut")
    click(box, EYES["hopper"], EYES["astronaut"])
    assert box.active
    np.testing.assert_allclose(box.matrix(), hn.align_transform(EYES["astronaut"], EYES["hopper"]))
    assert "near (221, 181) (303, 181) · far (218, 180) (309, 186)" in box.message.value
    link = re.search(r'href="data:application/json;base64,([^"]+)"', box.download.value)
    exported = PointPairs.from_json(base64.b64decode(link.group(1)).decode())
    assert exported.near_size == exported.far_size == (512, 512)
    np.testing.assert_allclose(exported.transform(), box.matrix())
    # the pair the panel trains on: the far eyes land on the near eyes
    far = box.picture("far", 512)
    moved = apply_transform(box.matrix(), EYES["astronaut"])
    np.testing.assert_allclose(moved, EYES["hopper"], atol=1e-9)
    assert far.shape == (512, 512, 3)


def test_fine_tuning_moves_the_far_picture_and_is_exported_with_the_points():
    box = AlignmentBox("hopper", "astronaut")
    click(box, EYES["hopper"], EYES["astronaut"])
    before = box.matrix()
    box.tuning["shift_x"].value = 10.0  # 10 % of the 512-pixel square
    box.tuning["turn"].value = 5.0
    tune = similarity_matrix(5.0, 1.0, shift=(51.2, 0.0), centre=(255.5, 255.5))
    np.testing.assert_allclose(box.matrix(), tune @ before, atol=1e-9)
    exported = PointPairs.from_json(box.export()).transform()  # points rounded to 0.01 px
    np.testing.assert_allclose(
        apply_transform(exported, EYES["astronaut"]), apply_transform(box.matrix(), EYES["astronaut"]), atol=0.02
    )
    # without points the sliders move the far picture's centre square over the near one's
    box.reset()
    assert not box.active and box.pickers["near"].points == [] and box.tuning["turn"].value == 0
    box.tuning["scale"].value = 150
    assert box.active
    np.testing.assert_allclose(box.matrix(), similarity_matrix(0, 1.5, centre=(255.5, 255.5)), atol=1e-9)
    np.testing.assert_allclose(centre_matrix((100, 200), (50, 50)) @ [24.5, 24.5, 1], [99.5, 49.5, 1])


def test_incomplete_and_bad_points_are_said_not_raised():
    box = AlignmentBox("hopper", "astronaut")
    box.pickers["near"].points = [[10.0, 10.0], [50.0, 10.0]]
    assert not box.active and "Place 2 more points on the far picture" in box.message.value
    box.pickers["far"].points = [[20.0, 20.0], [20.0, 20.0]]
    assert "the far points coincide" in box.message.value and "#b00020" in box.message.value
    box.pickers["far"].points = [[20.0, 20.0]]
    assert "Place 1 more point on the far picture" in box.message.value
    with pytest.raises(ValueError, match="Place as many points"):
        box.export()


def test_find_the_eyes_places_the_points_and_says_so():
    box = AlignmentBox("hopper", "astronaut")
    version = box.version
    box.find_button.click()
    assert box.version > version
    for side, name in (("near", "hopper"), ("far", "astronaut")):
        placed = box.pickers[side].array()
        assert np.hypot(*(placed - EYES[name]).T).max() < 6
    assert "near: eyes at (" in box.message.value and "Drag a point to correct it" in box.message.value
    box.set_source("far", "coffee")
    box.find_button.click()
    assert "far picture: no face found" in box.message.value


def test_the_panel_trains_on_the_aligned_pair():
    size = 32
    panel = hn.HybridPanel(size=size)
    try:
        centred = panel.picture("far", size)
        before = panel.figure.value
        click(panel.alignment, EYES["hopper"], EYES["astronaut"])
        assert panel.figure.value != before  # the goal's preview follows the alignment
        aligned = panel.picture("far", size)
        np.testing.assert_array_equal(aligned, panel.alignment.picture("far", size))
        assert np.abs(aligned - centred).mean() > 0.01
        assert panel.command.value.endswith("--align-points alignment.json")  # the file the box's link downloads
        panel.controls["steps"].value = 10
        panel.controls["kernel_size"].value = 5
        panel.run_button.click()
        assert panel.join(timeout=120)
        assert panel.session.model is not None and panel.result.shape == (size, size, 3)
        # a new far picture drops the far points: back to the centre crop
        panel.far_picker.value = "cat"
        assert not panel.alignment.active and panel.alignment.pickers["far"].points == []
        assert "--align-points" not in panel.command.value
    finally:
        panel.close()


def test_an_upload_is_aligned_in_its_own_pixels():
    hopper = hn.load_image("hopper", 512)
    wide = warp(hopper, similarity_matrix(shift=(150, -40)), (400, 800), fill="mean")
    buffer = io.BytesIO()
    Image.fromarray(hn.imaging.io.to_uint8(wide)).save(buffer, "PNG")
    panel = hn.HybridPanel(size=64, far="hopper")  # the same face, moved: lined up, they coincide
    try:
        content = buffer.getvalue()
        panel.near_upload.value = (
            {"name": "wide.png", "type": "image/png", "size": len(content), "content": memoryview(content),
             "last_modified": datetime.now(timezone.utc)},
        )  # fmt: skip
        panel.alignment.selected_index = 0
        picker = panel.alignment.pickers["near"]
        assert (picker.width, picker.height) == (800, 400)
        click(panel.alignment, apply_transform(similarity_matrix(shift=(150, -40)), EYES["hopper"]), EYES["hopper"])
        near, far = panel.picture("near", 64), panel.picture("far", 64)
        face = (slice(10, 40), slice(15, 50))
        centred = hn.load_image(buffer.getvalue(), 64)  # what the panel trained on before
        assert np.abs(near[face] - far[face]).mean() < 0.05  # the same face, lined up
        assert np.abs(centred[face] - far[face]).mean() > 0.1
    finally:
        panel.close()
