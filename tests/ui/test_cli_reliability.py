"""Issue 15, the command line: refusals before any work, interrupts that save, streams that cannot stop it."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from PIL import Image

import hybridnb as hn
from hybridnb.imaging import io as images_module
from hybridnb.ui import cli

FAST = ["--size", "16", "--steps", "3", "--method", "article", "--kernel-size", "3", "--sigma", "1", "-q"]


@pytest.fixture
def no_work(monkeypatch):
    """Make any work (TensorFlow's import, the first step of it all) fail the test."""

    def work(*args, **kwargs):
        raise AssertionError("work started before the refusal")

    monkeypatch.setattr(cli, "_import_quietly", work)


def _one_error(capsys) -> str:
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hybridnb: error: "), lines
    return lines[0]


# --- the output's name, checked before any work ------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".psd", ".xpm", ".cur", ".fits", ".mpeg", ".pcd", ".blp", ".xbm", ".msp",
                                    ".palm", ".h5", ".bufr", ".grib", ".wmf", ".ico", ".eps"])  # fmt: skip
def test_formats_the_command_does_not_write_are_refused_before_any_work(tmp_path, capsys, no_work, suffix):
    assert cli.main(["-o", str(tmp_path / f"out{suffix}"), *FAST]) == cli.EXIT_USAGE
    assert f"cannot save a picture as '{suffix}': use .png" in _one_error(capsys)
    assert list(tmp_path.iterdir()) == []


def test_lossy_formats_are_written_and_named_as_lossy(tmp_path, capsys):
    assert cli.main(["-o", str(tmp_path / "out.jpg"), *FAST]) == 0
    captured = capsys.readouterr()
    assert "note: JPEG is lossy" in captured.err and "saved" in captured.out
    with Image.open(tmp_path / "out.jpg") as image:
        assert image.format == "JPEG" and image.size == (16, 16)


@pytest.mark.parametrize("force", [False, True])
def test_a_dangling_link_as_output_is_refused_before_any_work(tmp_path, capsys, no_work, force):
    out = tmp_path / "out.png"
    out.symlink_to("missing/x.png")
    assert cli.main(["-o", str(out), *FAST, *(["--force"] if force else [])]) == cli.EXIT_USAGE
    assert "is a symbolic link to missing/x.png, which does not exist" in _one_error(capsys)


def test_long_legal_names_are_saved_and_too_long_ones_refused_first(tmp_path, capsys, monkeypatch):
    name = "n" * 251 + ".png"  # 255 bytes: the temporary name beside it used to exceed the limit
    assert cli.main(["-o", str(tmp_path / name), *FAST]) == 0
    assert (tmp_path / name).is_file() and [p.name for p in tmp_path.iterdir()] == [name]
    capsys.readouterr()
    monkeypatch.setattr(cli, "_import_quietly", lambda: pytest.fail("work started before the refusal"))
    assert cli.main(["-o", str(tmp_path / ("n" * 252 + ".png")), *FAST]) == cli.EXIT_USAGE
    assert "bytes long; this folder takes at most" in _one_error(capsys)


def test_force_never_replaces_what_is_not_a_regular_file(tmp_path, capsys, no_work):
    fifo = tmp_path / "fifo.png"
    os.mkfifo(fifo)
    stream = tmp_path / "stdout"
    stream.symlink_to("/proc/self/fd/1")  # a copy of /dev/stdout
    cases = [(fifo, "pipe or socket"), (stream, "leads into /proc/"), (tmp_path, "is a folder")]
    null = tmp_path / "null"
    try:  # a copy of /dev/null (root only)
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        cases.append((null, "is a device, not a file"))
    except PermissionError:
        pass
    for path, message in cases:
        assert cli.main(["-o", str(path), "--force", *FAST]) == cli.EXIT_USAGE
        assert message in _one_error(capsys)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and stream.is_symlink()
    assert not null.exists() or stat.S_ISCHR(os.lstat(null).st_mode)


def test_force_through_a_link_replaces_its_target_keeping_the_mode(tmp_path):
    target = tmp_path / "runs" / "7.png"
    target.parent.mkdir()
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    link = tmp_path / "latest.png"
    link.symlink_to(target)
    assert cli.main(["-o", str(link), "--force", *FAST]) == 0
    assert link.is_symlink() and stat.S_IMODE(os.stat(target).st_mode) == 0o600
    with Image.open(target) as image:
        assert image.size == (16, 16)


# --- numbers the arithmetic cannot carry, sizes that cannot fit --------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "article", "--sigma", "1e-170"], "--sigma must be at least 1e-150"),
        (["--m-precise", "1e39"], "--m-precise must be at most"),
        (["--m-blurred", "1e36"], "--m-blurred must be at most"),
        (["--lr", "1e39"], "--lr must be at most 3.4e+38 in float32"),
        (["--size", "100000"], "--size must be at most 10954"),
    ],
)
def test_numbers_out_of_reach_are_refused_naming_the_option(tmp_path, capsys, no_work, args, message):
    assert cli.main([*args, "-o", str(tmp_path / "x.png"), "-q"]) == cli.EXIT_USAGE
    line = _one_error(capsys)
    assert message in line and "learning rate" not in line.split(":", 2)[-1].split("(")[0]


def test_sample_names_beat_folders_and_files_of_the_same_name(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cat").mkdir()
    (tmp_path / "coffee").write_text("not a picture")
    assert cli.main(["cat", "coffee", "-o", "h.png", *FAST]) == 0
    assert (tmp_path / "h.png").is_file()


# --- an interrupt after the work: the picture is written whole --------------------------------------------


def test_ctrl_c_during_the_save_still_saves(tmp_path, capsys, monkeypatch):
    real_write = images_module.write_file

    def interrupted_write(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C right as the picture is written
        return real_write(*args, **kwargs)

    monkeypatch.setattr(images_module, "write_file", interrupted_write)
    out = tmp_path / "h.png"
    assert cli.main(["-o", str(out), *FAST]) == cli.EXIT_INTERRUPTED
    assert f"saved the picture so far to {out}" in capsys.readouterr().err
    with Image.open(out) as image:
        assert image.size == (16, 16)


def test_the_command_module_imports_no_third_party_code():
    """So that Ctrl-C in the command's first moments meets its handler, not a traceback."""
    code = "import sys, hybridnb.ui.cli; print(sorted({'numpy', 'PIL', 'tensorflow', 'tqdm'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stdout + out.stderr


# --- real signals, in a real process -------------------------------------------------------------------------


class _Command:
    """``python -m hybridnb`` with its stderr read as it comes."""

    def __init__(self, *args: str, cwd) -> None:
        env = dict(os.environ, PYTHONWARNINGS="ignore")
        self.process = subprocess.Popen([sys.executable, "-m", "hybridnb", *args], cwd=cwd, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        self.err = b""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while chunk := os.read(self.process.stderr.fileno(), 4096):
            self.err += chunk

    def wait_for_steps(self, total: int, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            counts = [int(n) for n in re.findall(rb"\| *(\d+)/" + str(total).encode(), self.err)]
            if counts and max(counts) > 0:
                return
            assert self.process.poll() is None, self.err.decode(errors="replace")
            time.sleep(0.05)
        pytest.fail(f"no step reported in {timeout} s: {self.err[-300:]!r}")

    def interrupt(self, signum: int) -> tuple[int, float, str, str]:
        sent = time.monotonic()
        self.process.send_signal(signum)
        code = self.process.wait(timeout=120)
        took = time.monotonic() - sent
        self.reader.join(10)
        return code, took, self.process.stdout.read().decode(), self.err.decode(errors="replace")


@pytest.mark.parametrize(
    ("signum", "options"),
    [
        (
            signal.SIGINT,
            ["--method", "article", "--optimizer", "fit", "--size", "256"],
        ),  # the case: fit, 100000 steps
        (signal.SIGTERM, ["--method", "article", "--optimizer", "sgd", "--size", "64"]),  # timeout, a container's stop
        (
            signal.SIGHUP,
            ["--method", "article", "--optimizer", "adam", "--size", "64", "--lr", "0.01"],
        ),  # a closed terminal
        (signal.SIGINT, ["--size", "128"]),  # the default: the viewer's loss
    ],
)
def test_an_interrupt_after_the_first_step_saves_within_two_seconds(tmp_path, signum, options):
    command = _Command(*options, "--steps", "100000", "-o", "out.png", cwd=tmp_path)
    command.wait_for_steps(100000)
    code, took, _, err = command.interrupt(signum)
    assert code == 128 + signum, err
    assert took < 2.0, f"{took:.2f} s"
    assert re.search(r"after \d+ of 100000 steps; saved the picture so far to out\.png", err), err
    assert "Traceback" not in err
    picture = hn.load_image(tmp_path / "out.png", size=None)
    assert picture.std() > 0.05  # the picture reached, not the grey start


def test_an_interrupt_during_the_start_is_one_line_without_tensorflows_log(tmp_path):
    command = _Command("-o", "out.png", cwd=tmp_path)
    time.sleep(1.5)  # reading options, importing TensorFlow, probing devices
    code, _, _, err = command.interrupt(signal.SIGINT)
    assert code == 130 and err.strip().splitlines() == ["hybridnb: interrupted before the first step; nothing saved"]
    assert not (tmp_path / "out.png").exists()


# --- streams ---------------------------------------------------------------------------------------------


def _shell(script: str, cwd) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONWARNINGS="ignore", LC_ALL="C.UTF-8", PY=sys.executable)
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, timeout=300)


SMALL = "--size 16 --steps 3 --method article --kernel-size 3 --sigma 1"


def test_closed_stderr_and_an_unprintable_name_still_make_the_picture(tmp_path):
    done = _shell(f"exec 2>&-; exec \"$PY\" -m hybridnb {SMALL} -o $'caf\\xe9.png'", tmp_path)
    assert done.returncode == 0, done
    assert (tmp_path / os.fsdecode(b"caf\xe9.png")).is_file()
    assert b"saved caf\\xe9.png" in done.stdout  # the name escaped, not a UnicodeEncodeError


def test_full_stderr_and_a_closed_stdout_pipe_still_make_the_picture(tmp_path):
    script = f'"$PY" -m hybridnb {SMALL} -o out.png 2>/dev/full | true; echo "status ${{PIPESTATUS[0]}}"'
    done = _shell(script, tmp_path)
    assert done.stdout.strip().endswith(b"status 0"), done
    assert (tmp_path / "out.png").is_file()


def test_a_full_stdout_is_not_an_error_when_the_picture_is_saved(tmp_path):
    done = _shell(f'"$PY" -m hybridnb {SMALL} -o out.png -q >/dev/full', tmp_path)
    assert done.returncode == 0, done
    assert (tmp_path / "out.png").is_file()
    assert b"could not write to stdout" in done.stderr and b"saved out.png" in done.stderr
    assert np.isfinite(hn.load_image(tmp_path / "out.png", size=None)).all()
