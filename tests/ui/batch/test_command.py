"""``hybridnb batch``: flags as the ``hybridnb`` command's, one-line errors, exit statuses, SIGTERM."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

import hybridnb as hn
from hybridnb.ui import cli
from hybridnb.ui.batch.command import build_parser
from hybridnb.ui.batch.records import read_manifest


def test_the_parameters_flags_are_the_commands_own():
    main = {a.dest: a for a in cli.build_parser()._actions}
    batch = {a.dest: a for a in build_parser()._actions}
    for name in hn.RunSettings.__dataclass_fields__:
        assert batch[name].option_strings == main[name].option_strings and batch[name].choices == main[name].choices
        assert getattr(batch[name].type, "__qualname__", None) == getattr(main[name].type, "__qualname__", None)
        assert batch[name].default is None  # not given: the row's value, else the article's
    assert "--cutoff" in batch["cutoff"].option_strings and "--scheduler" in batch["scheduler"].option_strings


def test_a_batch_in_this_process(tmp_path, capsys):
    spec = tmp_path / "spec.csv"
    spec.write_text("near,far,m_precise\nhopper,astronaut,0.1\ncat,coffee,0.3\n")
    out = tmp_path / "new" / "folder"
    args = ["batch", str(spec), "-o", str(out), "--workers", "0", "--size", "24", "--steps", "6"]
    assert cli.main(args) == 0
    captured = capsys.readouterr()
    assert "2 rows: 0 done before, 2 to make" in captured.err and "in this process" in captured.err
    assert captured.out.startswith(f"{out}: 2 of 2 rows done (2 made now, 0 kept), 0 failed")
    assert [r["size"] for r in read_manifest(out)] == [24, 24]
    assert cli.main([*args, "-q"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "(0 made now, 2 kept)" in captured.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{spec}", "-o", "{tmp}/o", "--steps", "0"], "--steps"),
        (["{spec}", "-o", "{tmp}/o", "--method", "article", "--sigma", "2", "--cutoff", "16"], "sigma or as cutoff"),
        (["{spec}", "-o", "{tmp}/o", "--sigma", "2"], "sigma belongs to the method article"),
        (["{spec}", "-o", "{tmp}/o", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
        (["{spec}"], "-o/--output"),
        (["{tmp}/none.csv", "-o", "{tmp}/o"], "no such spec"),
        (["{bad}", "-o", "{tmp}/o"], "did you mean 'kernel_size'"),
        (["{spec}", "-o", "{spec}"], "is a file"),
    ],
)
def test_bad_input_gives_one_line_and_status_2(tmp_path, capsys, args, message):
    spec, bad = tmp_path / "spec.csv", tmp_path / "bad.csv"
    spec.write_text("near,far\nhopper,cat\n")
    bad.write_text("near,far,kernel_sise\nhopper,cat,3\n")
    args = [a.format(spec=spec, bad=bad, tmp=tmp_path) for a in args]
    assert cli.main(["batch", *args]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hybridnb: error: ") and message in lines[0], lines


def test_sigterm_stops_the_batch_and_a_rerun_finishes_it(tmp_path):
    spec = tmp_path / "spec.jsonl"
    spec.write_text(
        "\n".join(json.dumps({"near": "hopper", "far": "cat", "m_precise": 0.1 * (i + 1)}) for i in range(12))
    )
    out = tmp_path / "out"
    command = [sys.executable, "-m", "hybridnb", "batch", str(spec), "-o", str(out), "--workers", "0", "-q",
               "--size", "32", "--steps", "100"]  # fmt: skip
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 240
    while len(list(out.glob("*.png"))) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "interrupted with" in stderr and "run the same command again" in stderr and "Traceback" not in stderr
    table = read_manifest(out)
    done = [r for r in table if r["status"] == "done"]
    assert len(done) >= 2 and {r["status"] for r in table} == {"done", "pending"}
    assert len(list(out.glob("*.png"))) == len(done) and not list(out.glob(".*.part"))

    rerun = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"12 of 12 rows done ({12 - len(done)} made now, {len(done)} kept)" in rerun.stdout
