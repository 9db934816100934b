"""Issue 15, pictures out: one writer, one list of formats, checked before any work, never damaging."""

from __future__ import annotations

import os
import stat
import threading

import numpy as np
import pytest
from PIL import Image

import hybridnb as hn
from hybridnb.imaging import files
from hybridnb.imaging.output import OUTPUT_FORMATS, check_output, output_format, typed_path

PICTURE = np.linspace(0, 1, 8 * 8 * 3).reshape(8, 8, 3)


def _with_timeout(function, seconds=20):
    """Run ``function`` in a thread; fail (instead of hanging the suite) if it loops."""
    result = {}

    def call():
        try:
            result["value"] = function()
        except Exception as error:
            result["error"] = error

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in result:
        raise result["error"]
    return result.get("value")


# --- names taken: dangling links, the check and the writer agree ---------------------------------------


def test_a_dangling_link_is_a_taken_name_for_the_check_and_the_writer(tmp_path):
    link = tmp_path / "hybrid.png"
    link.symlink_to("missing/x.png")
    saved = _with_timeout(lambda: hn.save_image(PICTURE, link, overwrite=False, beside=True))
    assert saved == tmp_path / "hybrid-1.png" and link.is_symlink() and not (tmp_path / "missing").exists()
    for overwrite in (False, True):
        with pytest.raises(ValueError, match=r"hybrid\.png is a symbolic link to missing/x\.png, which does not exist"):
            check_output(link, overwrite=overwrite)
        with pytest.raises(ValueError, match="which does not exist"):
            hn.save_image(PICTURE, link, overwrite=overwrite)
    assert not (tmp_path / "missing").exists()  # nothing is created through the link


def test_beside_never_tries_a_name_twice(tmp_path, monkeypatch):
    """If the exclusive link keeps failing, the writer moves on and ends, instead of looping."""
    monkeypatch.setattr(files, "MAX_BESIDE", 5)

    def always_taken(temporary, path):
        raise FileExistsError(f"{path} exists")

    monkeypatch.setattr(files, "_link_new", always_taken)
    with pytest.raises(FileExistsError, match="names beside it exist"):
        _with_timeout(lambda: files.write_file(b"x", tmp_path / "h.png", beside=True))


# --- names too long for the folder ------------------------------------------------------------------


def test_long_legal_names_are_written_and_the_temporary_name_fits(tmp_path):
    limit = files.name_limit(tmp_path)
    name = "a" * (limit - len(".png")) + ".png"  # as long as the folder allows
    path = hn.save_image(PICTURE, tmp_path / name)
    assert path.name == name and len(name.encode()) == limit
    beside = hn.save_image(PICTURE, tmp_path / name, overwrite=False, beside=True)
    assert beside.name.endswith("-1.png") and len(beside.name.encode()) <= limit  # the stem gave way
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, beside.name])  # no temporary file left


def test_names_over_the_limit_are_refused_before_any_work(tmp_path):
    name = "é" * 127 + ".png"  # 258 bytes in UTF-8
    with pytest.raises(ValueError, match=r"is 258 bytes long; this folder takes at most 255"):
        check_output(tmp_path / name)
    stem = "é" * 125 + "x"  # 251 bytes + ".png": the stem is cut at a character boundary for "-1"
    (tmp_path / f"{stem}.png").write_bytes(b"")
    assert files.free_path(tmp_path / f"{stem}.png").name.encode().decode().endswith("-1.png")


# --- only regular files are replaced; links are followed; permissions kept ----------------------------


def test_devices_pipes_and_streams_are_never_replaced(tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    stream = tmp_path / "stdout.png"
    stream.symlink_to("/proc/self/fd/1")  # what /dev/stdout is
    with pytest.raises(ValueError, match="pipe or socket, not a file"):
        hn.save_image(PICTURE, fifo, overwrite=True)
    with pytest.raises(ValueError, match=r"leads into /proc/"):
        hn.save_image(PICTURE, stream, overwrite=True)
    with pytest.raises(ValueError, match="is a device, not a file"):
        check_output("/dev/null", overwrite=True)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and stream.is_symlink()


def test_a_device_node_in_a_copy_of_dev_stays_a_device(tmp_path):
    null = tmp_path / "null"
    try:
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    with pytest.raises(ValueError, match="is a device, not a file"):
        hn.save_image(PICTURE, null, overwrite=True)
    assert stat.S_ISCHR(os.lstat(null).st_mode)


def test_overwrite_through_a_link_replaces_its_target_and_keeps_the_mode(tmp_path):
    target = tmp_path / "real.png"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    link = tmp_path / "latest.png"
    link.symlink_to("real.png")
    hn.save_image(PICTURE, link, overwrite=True)
    assert link.is_symlink() and os.readlink(link) == "real.png"  # the link stays
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600  # the replaced file keeps its permissions
    with Image.open(target) as image:
        assert image.size == (8, 8)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.png", "real.png"]


def test_a_replaced_file_keeps_its_owner_when_root_replaces_it(tmp_path):
    if os.getuid() != 0:
        pytest.skip("only root can give a file away")
    target = tmp_path / "theirs.png"
    target.write_bytes(b"old")
    os.chown(target, 1234, 5678)
    hn.save_image(PICTURE, target, overwrite=True)
    assert (os.stat(target).st_uid, os.stat(target).st_gid) == (1234, 5678)


# --- one list of formats --------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", sorted(OUTPUT_FORMATS))
def test_every_listed_format_is_written_and_read_back(tmp_path, suffix):
    path = hn.save_image(PICTURE, tmp_path / f"h{suffix}")
    back = hn.load_image(path, size=None)
    tolerance = 0.25 if output_format(path).loses else 0.5 / 255 + 1e-9
    assert back.shape == (8, 8, 3) and np.abs(back - PICTURE).max() <= tolerance
    if output_format(path).loses is None:
        np.testing.assert_array_equal(np.round(back * 255), np.round(PICTURE * 255))  # lossless: every pixel


@pytest.mark.parametrize(
    "suffix",
    [".psd", ".xpm", ".cur", ".fits", ".mpeg", ".pcd", ".blp", ".xbm", ".msp", ".palm", ".h5", ".bufr", ".grib",
     ".wmf", ".ico", ".eps", ".pdf", ".txt"],
)  # fmt: skip
def test_other_formats_are_refused_before_anything_is_written(tmp_path, suffix):
    with pytest.raises(ValueError, match=rf"cannot save a picture as '\{suffix}': use \.png"):
        check_output(tmp_path / f"h{suffix}")
    with pytest.raises(ValueError, match="cannot save a picture as"):
        hn.save_image(PICTURE, tmp_path / f"h{suffix}")
    assert list(tmp_path.iterdir()) == []


def test_lossy_formats_say_what_they_lose():
    assert "lossy" in output_format("h.jpg").loses and "256 colours" in output_format("h.gif").loses
    assert output_format("h.png").loses is None and output_format("h").name == "PNG"


# --- names typed in a box ---------------------------------------------------------------------------------


def test_typed_names_are_taken_as_a_person_means_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    cases = {
        "hybrid": "hybrid.png",
        "sub/": "sub/hybrid.png",
        "sub": "sub/hybrid.png",  # an existing folder
        ".": "hybrid.png",
        "..": "../hybrid.png",
        "/": "/hybrid.png",
        "~": str(home / "hybrid.png"),
        "~/mine": str(home / "mine.png"),
        "~draft": "~draft.png",  # no user "draft": a file of that name, here
        "  spaced.png  ": "spaced.png",
        "photo.jpg": "photo.jpg.png",
    }
    for typed, meant in cases.items():
        assert os.path.normpath(typed_path(typed)) == os.path.normpath(meant), typed
    with pytest.raises(ValueError, match="Type a file name first"):
        typed_path("   ")
