"""A batch in this process (``workers=0``): what it makes, what it keeps, what it refuses, the manifest."""

import csv
import json
import os

import numpy as np
import pytest

import hybridnb as hn
from hybridnb.optimize.runs import HybridRun
from hybridnb.ui.batch import jobs
from hybridnb.ui.batch.records import read_manifest, read_record

SMALL = {"size": 32, "steps": 12}


def _batch(rows, folder, **kw):
    return hn.batch(rows, folder, workers=0, progress=False, **{**SMALL, **kw})


def _stamps(folder):
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.glob("*.png")}


def test_rows_are_made_as_the_command_line_makes_one(tmp_path):
    rows = [
        {"near": "hopper", "far": "astronaut", "m_precise": 0.3, "condition": "A"},
        {"near": "cat", "far": "coffee", "method": "article", "optimizer": "adam", "cutoff": 8, "condition": "B"},
    ]
    table = _batch(rows, tmp_path)
    assert [r["status"] for r in table] == ["done", "done"] and [r["condition"] for r in table] == ["A", "B"]
    for row, given in zip(table, rows, strict=True):
        settings = hn.RunSettings(**{f: row[f] for f in hn.RunSettings.__dataclass_fields__})
        near, far = hn.load_image(given["near"], 32), hn.load_image(given["far"], 32)
        expected = HybridRun(near, far, settings).run()
        assert row["loss"] == pytest.approx(expected.loss, rel=1e-6)
        assert row["loss_precise"] == pytest.approx(expected.loss_precise, rel=1e-6)
        assert row["steps_done"] == 12 and row["seconds"] > 0 and row["row_seconds"] >= row["seconds"]
        picture = hn.load_image(tmp_path / row["output"], size=None)
        assert np.abs(picture - expected.image).max() <= 0.5 / 255 + 1e-9  # the PNG is the final picture
        assert read_record(tmp_path / row["output"])["hash"] == row["hash"]
    assert table[1]["sigma"] == pytest.approx(hn.cutoff_to_sigma(8, 32)) and table[1]["learning_rate"] == 0.05


def test_the_manifest_opens_as_csv_and_json(tmp_path):
    table = _batch([{"near": "hopper", "far": "cat", "note": "é, \"quoted\""}, {"near": "nope.png", "far": "cat"}],
                   tmp_path)  # fmt: skip
    with open(tmp_path / "manifest.csv", newline="", encoding="utf-8") as file:
        lines = list(csv.DictReader(file))
    assert [line["status"] for line in lines] == ["done", "failed"]
    assert lines[0]["note"] == 'é, "quoted"' and float(lines[0]["loss"]) == table[0]["loss"]
    assert lines[1]["error"].startswith("no such picture: nope.png") and lines[1]["loss"] == ""
    document = json.loads((tmp_path / "manifest.json").read_text())
    assert document["counts"] == {"done": 1, "failed": 1, "pending": 0}
    assert document["rows"] == read_manifest(tmp_path) == table
    assert list(table[0]) == document["columns"]


def test_bad_rows_never_stop_the_batch(tmp_path):
    (tmp_path / "not-a-picture.png").write_text("hello")
    (tmp_path / "folder").mkdir()
    rows = [
        {"near": "not-a-picture.png", "far": "cat"},  # read by the worker: fails there
        {"near": "hopper", "far": "cat", "steps": "lots"},
        {"near": "hopper", "far": "cat", "lr": "1e6", "steps": 40},  # diverges
        {"near": "folder", "far": "cat"},
        {"near": "hopper", "far": "cat"},
    ]
    spec = tmp_path / "spec.jsonl"
    spec.write_text("\n".join(json.dumps(r) for r in rows))
    table = _batch(spec, tmp_path / "out")
    assert [r["status"] for r in table] == ["failed"] * 4 + ["done"]
    errors = [r["error"] for r in table]
    assert "cannot read not-a-picture.png as a picture" in errors[0]  # named, although sent as bytes
    assert "steps: expected a positive whole number" in errors[1]
    assert "diverged" in errors[2] and "lower the learning rate" in errors[2]
    assert "is a folder" in errors[3]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.png")) == ["0005-hopper-cat.png"]


def test_resume_keeps_done_rows_and_redoes_missing_and_stale_ones(tmp_path):
    rows = [{"near": "hopper", "far": "cat", "method": "article", "sigma": s} for s in (1.0, 1.5, 2.0)]
    first = _batch(rows, tmp_path)
    before = _stamps(tmp_path)

    made = []
    again = _batch(rows, tmp_path, on_row=made.append)
    assert made == [] and _stamps(tmp_path) == before and again == first  # nothing redone, nothing rewritten

    (tmp_path / first[0]["output"]).unlink()  # missing
    rows[1]["sigma"] = 1.25  # stale: the batch's own picture, made with other settings
    third = _batch(rows, tmp_path, on_row=made.append)
    assert sorted(r["row"] for r in made) == [1, 2]
    assert third[2] == first[2] and _stamps(tmp_path)[first[2]["output"]] == before[first[2]["output"]]
    assert third[1]["sigma"] == 1.25 and third[1]["hash"] != first[1]["hash"]
    assert read_record(tmp_path / third[1]["output"])["hash"] == third[1]["hash"]


def test_a_changed_picture_makes_its_rows_stale(tmp_path):
    picture = tmp_path / "face.png"
    hn.save_image(hn.load_image("cat", 40), picture)
    rows = [{"near": "face.png", "far": "hopper"}]
    spec = tmp_path / "spec.csv"
    spec.write_text("near,far\nface.png,hopper\n")
    first = _batch(spec, tmp_path / "out")  # relative to the spec's folder, whatever the working directory
    hn.save_image(hn.load_image("coffee", 40), picture)
    made = []
    second = _batch(spec, tmp_path / "out", on_row=made.append)
    assert len(made) == 1 and second[0]["near_sha256"] != first[0]["near_sha256"]
    assert rows[0]["near"] == second[0]["near"]


def test_never_overwrites_a_file_it_did_not_make(tmp_path):
    theirs = tmp_path / "0001-hopper-cat.png"
    hn.save_image(np.zeros((8, 8, 3)), theirs)
    (tmp_path / "0002-hopper-cat.png").mkdir()
    content = theirs.read_bytes()
    table = _batch([{"near": "hopper", "far": "cat"}] * 2 + [{"near": "cat", "far": "hopper"}], tmp_path)
    assert [r["status"] for r in table] == ["failed", "failed", "done"]
    assert "was not made by hybridnb batch" in table[0]["error"] and theirs.read_bytes() == content
    (tmp_path / "manifest.json").unlink()
    (tmp_path / "manifest.csv").write_text("student,grade\nann,A\n")
    with pytest.raises(ValueError, match="not a hybridnb batch manifest"):
        _batch([{"near": "hopper", "far": "cat"}], tmp_path)
    assert (tmp_path / "manifest.csv").read_text() == "student,grade\nann,A\n"


def test_a_file_that_appears_during_the_batch_is_kept(tmp_path, monkeypatch):
    from hybridnb.ui.batch import pool

    real = pool.make_row  # the worker: someone saves a file under the row's name while it works

    def slow_and_contested(task):
        result = real(task)
        hn.save_image(np.ones((8, 8, 3)), tmp_path / "0001-hopper-cat.png")
        return result

    monkeypatch.setattr(pool, "make_row", slow_and_contested)
    table = _batch([{"near": "hopper", "far": "cat"}], tmp_path)
    assert table[0]["status"] == "failed" and "appeared during the batch" in table[0]["error"]
    assert hn.load_image(tmp_path / "0001-hopper-cat.png", size=None).min() == 1.0


def test_an_interruption_loses_only_the_row_in_flight(tmp_path):
    rows = [{"near": "hopper", "far": "cat", "m_precise": m} for m in (0.1, 0.2, 0.3, 0.4)]

    def stop_after_two(row):
        if row["row"] == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _batch(rows, tmp_path, on_row=stop_after_two)
    assert [r["status"] for r in read_manifest(tmp_path)] == ["done", "done", "pending", "pending"]
    assert len(list(tmp_path.glob("*.png"))) == 2 and not list(tmp_path.glob(".*.part"))
    made = []
    table = _batch(rows, tmp_path, on_row=made.append)
    assert [r["row"] for r in made] == [3, 4] and all(r["status"] == "done" for r in table)


def test_a_second_batch_on_the_same_folder_is_refused(tmp_path):
    with jobs.folder_lock(tmp_path), pytest.raises(ValueError, match="another hybridnb batch is writing"):
        _batch([{"near": "hopper", "far": "cat"}], tmp_path)
    assert not os.path.exists(tmp_path / "manifest.csv")
