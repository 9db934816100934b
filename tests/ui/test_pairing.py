"""Alignment on the command line: --align-points (text or the panel's JSON), --align auto, the crop note."""

import json

import numpy as np
import pytest

import hybridnb as hn
from hybridnb.filters.align import apply_transform, similarity_matrix, warp
from hybridnb.ui import cli
from hybridnb.ui.pairing import FORMAT, PointPairs, load_pair

#: The pupils of the 512-pixel samples (tests/filters/test_faces.py).
HOPPER_EYES = [(221, 181), (303, 181)]


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    """Two photos of different size and framing: a wide near one, a tall far one turned and enlarged."""
    folder = tmp_path_factory.mktemp("photos")
    hopper = hn.load_image("hopper", 512)
    near_move = similarity_matrix(shift=(180, -60))  # on a 900 x 420 canvas: face right of centre
    hn.save_image(warp(hopper, near_move, (420, 900), fill="mean"), folder / "near.png")
    far_move = similarity_matrix(-14, 1.3, shift=(-20, 90), centre=(255.5, 255.5))
    hn.save_image(warp(hopper, far_move, (800, 560), fill="mean"), folder / "far.png")
    eyes = {"near": apply_transform(near_move, HOPPER_EYES), "far": apply_transform(far_move, HOPPER_EYES)}
    return folder, eyes


def spec(eyes) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in eyes["near"]) + " : " + " ".join(f"{x},{y}" for x, y in eyes["far"])


def test_points_line_the_pair_up_in_the_near_square(photos):
    folder, eyes = photos
    pair = load_pair(folder / "near.png", folder / "far.png", 128, points=PointPairs.parse(spec(eyes)))
    assert pair.near.shape == pair.far.shape == (128, 128, 3)
    face = (slice(20, 90), slice(30, 100))
    assert np.abs(pair.near[face] - pair.far[face]).mean() < 0.03  # the same face, on itself
    # the square followed the face: a centre crop of the wide picture would have cut it
    centred = hn.load_image(folder / "near.png", 128)
    assert np.abs(centred[face] - pair.far[face]).mean() > 0.08
    assert any("kept NEAR's 420x420 square from (" in note for note in pair.notes)
    assert any("turned 14.0°, scaled ×0.77" in note for note in pair.notes)


def test_the_command_says_what_it_did(photos, tmp_path, capsys):
    folder, eyes = photos
    near, far = str(folder / "near.png"), str(folder / "far.png")
    out = tmp_path / "a.png"
    args = [
        "-o",
        str(out),
        "--size",
        "32",
        "--steps",
        "2",
        "--method",
        "article",
        "--kernel-size",
        "7",
        "--sigma",
        "1",
        "-q",
    ]
    assert cli.main([near, far, "--align-points", spec(eyes), *args]) == 0 and out.exists()
    err = capsys.readouterr().err
    assert "lined FAR up with NEAR by 2 point pairs (similarity)" in err and "kept NEAR's" in err
    # without alignment the crop is the default, and the command says so
    assert cli.main([near, far, *args, "-f"]) == 0
    err = capsys.readouterr().err
    assert "NEAR " in err and "is 900x420: kept its centre 420x420 square" in err and "is 560x800" in err


def test_the_panels_json_is_read_and_scaled_to_the_file(photos, tmp_path, capsys):
    folder, eyes = photos
    # the panel works on copies shrunk to 450 px: its points and sizes are those of the copies
    half = PointPairs((eyes["near"] + 0.5) / 2 - 0.5, (eyes["far"] + 0.5) / 2 - 0.5, near_size=(450, 210),
                      far_size=(280, 400))  # fmt: skip
    points_file = tmp_path / "points.json"
    points_file.write_text(half.to_json())
    assert json.loads(points_file.read_text())["format"] == FORMAT
    direct = load_pair(folder / "near.png", folder / "far.png", 64, points=PointPairs.parse(spec(eyes)))
    via_json = load_pair(folder / "near.png", folder / "far.png", 64, points=PointPairs.read(str(points_file)))
    np.testing.assert_allclose(via_json.far, direct.far, atol=0.02)
    out = tmp_path / "b.png"
    pictures = [str(folder / "near.png"), str(folder / "far.png")]
    small = ["--size", "16", "--steps", "1", "--method", "article", "--kernel-size", "3", "--sigma", "1", "-q"]
    code = cli.main([*pictures, "--align-points", str(points_file), "-o", str(out), *small])
    assert code == 0 and out.exists()


def test_auto_finds_the_eyes(photos):
    folder, _ = photos
    pair = load_pair(folder / "near.png", folder / "far.png", 128, auto=True)
    face = (slice(20, 90), slice(30, 100))
    assert np.abs(pair.near[face] - pair.far[face]).mean() < 0.03
    assert pair.notes[0].startswith(f"NEAR {folder / 'near.png'}: eyes at (")
    assert "lined FAR up with NEAR by their eyes" in pair.notes[2]


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("1,2 3,4", "write the points as 'x1,y1 x2,y2 : X1,Y1 X2,Y2'"),
        ("1,2 3;4 : 5,6 7,8", "cannot read '3;4' as a near point"),
        ("1,2 3,4 : 5,6", "give as many near points as far points, got 2 and 1"),
        ("1,2 : 5,6", "near points must hold at least 2 points"),
        ("1,2 1,2 : 5,6 7,8", "the near points coincide"),
        ("0,0 1,1 2,2 : 0,0 5,1 2,9", "the near points lie on one line"),
        (" : 1,2 3,4", "no near points"),
        ("{tmp}/missing.json", "no such points file"),
        ("{tmp}/bad.json", "the points file is not JSON"),
        ("{tmp}/other.json", "not a hybridnb alignment"),
        ("100,100 5000,100 : 100,100 200,100", "near point 2 (5000, 100) is outside the near picture (512x512 pixels)"),
    ],
)
def test_bad_points_are_one_line_and_status_2(tmp_path, capsys, points, message):
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "other.json").write_text('{"points": []}')
    out = str(tmp_path / "x.png")
    code = cli.main(["hopper", "astronaut", "--align-points", points.replace("{tmp}", str(tmp_path)), "-o", out, "-q"])
    assert code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hybridnb: error: ") and message in lines[0], lines


def test_align_choices_are_checked(tmp_path, capsys):
    out = str(tmp_path / "x.png")
    assert cli.main(["--align", "auto", "--align-points", "1,2 3,4 : 5,6 7,8", "-o", out]) == 2
    assert "not both" in capsys.readouterr().err
    assert cli.main(["--align", "eyes", "-o", out]) == 2
    assert "--align" in capsys.readouterr().err
    assert cli.main(["coffee", "hopper", "--align", "auto", "-o", out, "-q"]) == 2
    assert "NEAR coffee: no face found" in capsys.readouterr().err
