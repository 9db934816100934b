import os
import subprocess
import sys

import numpy as np
import pytest
from pictures import png_claiming
from PIL import Image

import hybridnb as hn
from hybridnb.imaging import files as files_module
from hybridnb.ui import cli


def _run(*args, **kw):
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "hybridnb", *args], capture_output=True, text=True, env=env, **kw)


def test_end_to_end_default_pair(tmp_path):
    out = tmp_path / "hybrid.png"
    result = _run("-o", str(out), "--size", "48", "--steps", "30", "--method", "article", "--kernel-size", "7",
                  "--sigma", "1.5")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"saved {out}" in result.stdout
    assert "Traceback" not in result.stderr and "cuda" not in result.stderr.lower()
    with Image.open(out) as image:
        assert image.size == (48, 48) and image.mode == "RGB"
    picture = hn.load_image(out, size=None)
    near = hn.load_image(hn.sample_images()[hn.DEFAULT_NEAR], 48)
    assert picture.std() > 0.05  # not the grey start
    assert np.abs(picture - near).mean() < np.abs(0.5 - near).mean()


def test_in_process_with_files_and_adam(tmp_path, capsys):
    samples = hn.sample_images()
    out = tmp_path / "h.png"
    code = cli.main(
        [
            str(samples["cat"]),
            "coffee",
            "-o",
            str(out),
            "--size",
            "24",
            "--steps",
            "5",
            "--method",
            "article",
            "--optimizer",
            "adam",
            "-q",
        ]
    )
    assert code == 0 and out.exists()
    assert "5 steps" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cat"], "both NEAR and FAR"),
        (["nope.png", "cat"], "no such picture"),
        (["--steps", "0"], "--steps"),
        (["--lr", "-1"], "--lr"),
        (["--sigma", "nan"], "--sigma"),
        (["--optimizer", "lbfgs"], "--optimizer"),
        (["-o", "/no/such/folder/x.png"], "does not exist"),
        (["-o", "x.notanimage"], "cannot save"),
        (["--size", "64", "--steps", "30", "--lr", "1e6", "-o", "{tmp}/x.png"], "diverged"),
    ],
)
def test_bad_input_gives_one_line_and_status_2(tmp_path, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = _run(*args, "-q", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("hybridnb: error: ") and message in lines[0]


def test_not_a_picture(tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_text("hello")
    result = _run(str(bad), "cat", "-o", str(tmp_path / "x.png"), "-q")
    assert result.returncode == 2 and "cannot read" in result.stderr and "Traceback" not in result.stderr


def test_interrupt_saves_the_work_so_far(tmp_path, monkeypatch, capsys):
    def interrupted_train(self, *args, **kwargs):
        self.apply_gradient(np.ones((1, 16, 16, 3)), 1.0)  # some progress, then Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr(hn.HybridModel, "train", interrupted_train)
    out = tmp_path / "partial.png"
    assert cli.main(["-o", str(out), "--size", "16", "--method", "article", "-q"]) == cli.EXIT_INTERRUPTED
    assert "saved the picture so far" in capsys.readouterr().err
    np.testing.assert_allclose(hn.load_image(out, size=None), 1 / (1 + np.exp(1.0)), atol=1 / 255)


# --- overwriting, unwritable places, every bad value ---------------------------------

FAST = ["--size", "16", "--steps", "3", "--method", "article", "--kernel-size", "3", "--sigma", "1", "-q"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--size", "0"], "--size"),
        (["--size", "abc"], "--size"),
        (["--kernel-size", "0"], "--kernel-size"),
        (["--sigma", "-1"], "--sigma"),
        (["--sigma", "0"], "--sigma"),
        (["--lr", "inf"], "--lr"),
        (["--lr", "0"], "--lr"),
        (["--m-precise", "-0.5"], "--m-precise"),
        (["--m-blurred", "nan"], "--m-blurred"),
        (["--steps", "1.5"], "--steps"),
        (["--size", "4", "--method", "article", "--kernel-size", "15"], "too small for a 15-tap blur kernel"),
        (["--bogus"], "unrecognized"),
        (["a", "b", "c"], "unrecognized"),
    ],
)
def test_bad_option_values_in_process(args, message, capsys, tmp_path):
    assert cli.main([*args, "-o", str(tmp_path / "x.png"), "-q"]) == cli.EXIT_USAGE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("hybridnb: error: ") and message in err[0]
    assert not (tmp_path / "x.png").exists()


def test_an_existing_output_is_kept_without_force(tmp_path, capsys, monkeypatch):
    out = tmp_path / "h.png"
    out.write_bytes(b"precious")
    trained = []
    monkeypatch.setattr(hn.HybridModel, "train", lambda *a, **k: trained.append(1))
    assert cli.main(["-o", str(out), *FAST]) == cli.EXIT_USAGE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "exists" in err[0] and "--force" in err[0]
    assert out.read_bytes() == b"precious" and not trained  # refused before any work
    monkeypatch.undo()
    assert cli.main(["-o", str(out), "--force", *FAST]) == 0
    with Image.open(out) as image:
        assert image.size == (16, 16)
    assert [p.name for p in tmp_path.iterdir()] == ["h.png"]  # no temporary file left behind


def test_an_output_that_appears_during_the_run_is_kept(tmp_path, capsys, monkeypatch):
    out = tmp_path / "h.png"
    original = hn.HybridModel.train

    def train_while_someone_writes(self, *args, **kwargs):
        out.write_bytes(b"someone else's")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(hn.HybridModel, "train", train_while_someone_writes)
    assert cli.main(["-o", str(out), *FAST]) == 0
    assert out.read_bytes() == b"someone else's"
    assert "saved to" in capsys.readouterr().err and (tmp_path / "h-1.png").exists()


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("/proc/hybrid.png", "cannot write to the folder /proc"),
        ("{tmp}/file.txt/x.png", "is not a folder"),
        ("{tmp}", "is a folder"),
    ],
)
def test_unwritable_outputs_are_refused_before_any_work(tmp_path, capsys, output, message):
    (tmp_path / "file.txt").write_text("a file, not a folder")
    assert cli.main(["-o", output.replace("{tmp}", str(tmp_path)), *FAST]) == cli.EXIT_USAGE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_a_failing_disk_is_one_line_and_keeps_the_old_file(tmp_path, capsys, monkeypatch):
    out = tmp_path / "h.png"
    out.write_bytes(b"old")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files_module.os, "replace", full_disk)
    assert cli.main(["-o", str(out), "--force", *FAST]) == cli.EXIT_FAILURE  # not bad input: the save failed
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "could not save the picture" in err[0] and "No space left" in err[0]
    assert out.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["h.png"]


@pytest.mark.parametrize(
    ("pictures", "message"),
    [
        (["{tmp}/cut.png", "cat"], "truncated"),
        (["{tmp}/bomb.png", "cat"], "megapixels"),
        (["{tmp}", "cat"], "is a folder"),
    ],
)
def test_bad_pictures_are_one_line(tmp_path, capsys, pictures, message):
    data = hn.sample_images()["cat"].read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 3])
    (tmp_path / "bomb.png").write_bytes(png_claiming(20_000, 20_000))
    args = [p.replace("{tmp}", str(tmp_path)) for p in pictures]
    assert cli.main([*args, "-o", str(tmp_path / "out.png"), *FAST]) == cli.EXIT_USAGE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and "Traceback" not in err[0]


def test_help_documents_the_overwrite_policy(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "--force" in capsys.readouterr().out


def test_the_default_is_the_viewers_loss_and_says_how_visible_each_picture_is(tmp_path, capsys):
    out = tmp_path / "viewer.png"
    assert cli.main(["cat", "coffee", "-o", str(out), "--size", "32", "--steps", "4", "-q"]) == 0
    said = capsys.readouterr().out
    assert "the viewer's loss at a crossover of" in said and "visibility" in said and out.exists()
    assert cli.main(["-o", str(tmp_path / "x.png"), "--size", "32", "--kernel-size", "3", "-q"]) == cli.EXIT_USAGE
    assert "--kernel-size belongs to --method article" in capsys.readouterr().err
    assert cli.main(["-o", str(tmp_path / "y.png"), "--method", "article", "--crossover", "8", "-q"]) == cli.EXIT_USAGE
    assert "--crossover belongs to --method viewer" in capsys.readouterr().err


def test_zoom_writes_the_animation_of_the_saved_picture(tmp_path, capsys):
    out, zoom = tmp_path / "h.png", tmp_path / "h-zoom.gif"
    code = cli.main(["-o", str(out), "--zoom", str(zoom), "--size", "32", "--steps", "5", "-q"])
    assert code == 0
    assert f"saved {zoom}: the zoom-out animation" in capsys.readouterr().out
    with Image.open(zoom) as animation:
        assert animation.format == "GIF" and animation.size == (32, 32) and animation.n_frames > 10
        first = np.asarray(animation.convert("RGB"), dtype=np.float64) / 255
    assert np.abs(first - hn.load_image(out, size=None)).mean() < 0.03  # it starts from the saved hybrid


@pytest.mark.parametrize(("name", "message"), [("z.mp4", "must end in .gif or .webp"), ("taken.gif", "exists")])
def test_a_zoom_that_cannot_be_written_is_refused_before_training(tmp_path, monkeypatch, capsys, name, message):
    (tmp_path / "taken.gif").write_bytes(b"keep me")
    monkeypatch.setattr(hn.HybridModel, "train", lambda *a, **k: pytest.fail("trained before refusing"))
    code = cli.main(["-o", str(tmp_path / "h.png"), "--zoom", str(tmp_path / name), "--size", "16", "-q"])
    assert code == 2 and message in capsys.readouterr().err
    assert (tmp_path / "taken.gif").read_bytes() == b"keep me" and not (tmp_path / "h.png").exists()
