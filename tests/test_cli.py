import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import hybridnb as hn
from hybridnb import cli


def _run(*args, **kw):
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "hybridnb", *args], capture_output=True, text=True, env=env, **kw)


def test_end_to_end_default_pair(tmp_path):
    out = tmp_path / "hybrid.png"
    result = _run("-o", str(out), "--size", "48", "--steps", "30", "--kernel-size", "7", "--sigma", "1.5")
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
        [str(samples["cat"]), "coffee", "-o", str(out), "--size", "24", "--steps", "5", "--optimizer", "adam", "-q"]
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
    assert cli.main(["-o", str(out), "--size", "16", "-q"]) == cli.EXIT_INTERRUPTED
    assert "saved the picture so far" in capsys.readouterr().err
    np.testing.assert_allclose(hn.load_image(out, size=None), 1 / (1 + np.exp(1.0)), atol=1 / 255)
