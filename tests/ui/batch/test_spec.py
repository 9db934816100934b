"""The spec: reading CSV and JSON lines, each row's settings, what a row may and may not say."""

import dataclasses
import json
import typing

import pytest

import hybridnb as hn
from hybridnb.ui.batch import records, spec
from hybridnb.ui.batch.spec import SpecError, make_rows, read_spec, row_hash, settings_for


def test_csv_as_spreadsheets_save_it(tmp_path):
    path = tmp_path / "spec.csv"
    # Excel's "CSV UTF-8" has a byte-order mark; European locales separate with ';'; CRLF line ends
    path.write_bytes(
        '\ufeffNear;Far;Method;Kernel-Size;note\r\nhopper;cat;article;9;"Ann\'s\npair"\r\n;;;;\r\ncat;coffee;article;;x;\r\n'.encode()
    )
    rows = read_spec(path)
    assert rows == [
        {
            "Near": "hopper",
            "Far": "cat",
            "Method": "article",
            "Kernel-Size": "9",
            "note": "Ann's\npair",
        },  # a quoted cell of two lines
        {"Near": "cat", "Far": "coffee", "Method": "article", "Kernel-Size": "", "note": "x"},
    ]
    made = make_rows(rows)
    assert [r.settings.kernel_size for r in made] == [9, hn.ARTICLE.kernel_size]
    assert made[0].extra == {"note": "Ann's\npair"} and made[0].near == "hopper"


def test_json_lines_and_json_array(tmp_path):
    lines = tmp_path / "spec.jsonl"
    lines.write_text('{"near": "cat", "far": "hopper", "steps": 20, "crossover": 12}\n\n{"near": "a", "far": "b"}\n')
    array = tmp_path / "spec.json"
    array.write_text(json.dumps([{"near": "cat", "far": "hopper", "steps": 20, "crossover": 12}]))
    assert read_spec(lines)[0] == read_spec(array)[0] == {"near": "cat", "far": "hopper", "steps": 20, "crossover": 12}
    settings = make_rows(read_spec(lines))[0].settings
    assert (settings.method, settings.steps, settings.crossover) == ("viewer", 20, 12.0)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("none.csv", None, "no such spec"),
        ("empty.csv", "", "is empty"),
        ("header.csv", "near,far\n", "has no rows"),
        ("twice.csv", "near,far,near\na,b,c\n", "the column 'near' twice"),
        ("long.csv", "near,far\na,b,c\n", "has 3 cells"),
        ("bad.jsonl", '{"near": "a", "far": "b"}\n{"near": \n', "line 2"),
        ("list.jsonl", '["a", "b"]\n', "not a JSON object"),
        ("latin1.csv", b"near,far\n\xe9,b\n", "not UTF-8"),
    ],
)
def test_unreadable_specs_say_why_in_one_line(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(SpecError, match=message) as caught:
        read_spec(path)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"near": "a"}], "needs the columns near and far"),
        ([{"near": "a", "far": "b", "sigam": "2"}], "did you mean 'sigma'"),
        ([{"near": "a", "far": "b", "m-precise": "1", "m_precise": "2"}], "name the same thing"),
        ([{"near": "a", "far": "b", "loss": "2"}], "one the manifest writes"),
    ],
)
def test_spec_wide_mistakes_stop_before_any_work(rows, message):
    with pytest.raises(SpecError, match=message):
        make_rows(rows)


def test_bad_rows_get_their_own_error_and_the_others_go_on():
    article = {"near": "hopper", "far": "cat", "method": "article"}
    rows = make_rows(
        [
            {"near": "hopper", "far": "cat"},
            {"near": "hopper", "far": "cat", "steps": "0", "optimizer": "lbfgs"},
            {"near": "", "far": "cat"},
            {**article, "sigma": "2", "cutoff": "16"},
            {**article, "target_loss": "10"},
            {**article, "size": "8", "kernel_size": "17"},
            {"near": "hopper", "far": "cat", "output": "../escape.png"},
            {"near": "hopper", "far": "cat", "output": "0001-HOPPER-cat"},
            {"near": "hopper", "far": "cat", "sigma": "2"},
            {**article, "crossover": "12"},
        ]
    )
    errors = [r.error for r in rows]
    assert errors[0] is None and rows[0].settings == hn.VIEWER
    assert "steps: expected a positive whole number, got '0'" in errors[1] and "optimizer: must be one of" in errors[1]
    assert errors[2] == "near is empty"
    assert "sigma or as cutoff, not both" in errors[3]
    assert "target_loss needs the optimizer fit" in errors[4]
    assert "too small for a 17-tap blur" in errors[5]
    assert "inside the batch's folder" in errors[6]
    assert "row 1's too" in errors[7]  # the same name but for case: one file on macOS and Windows
    assert "sigma belongs to the method article" in errors[8]  # as the command line says it
    assert "crossover belongs to the method viewer" in errors[9]
    assert all(r.settings is None for r in rows[1:])


def test_defaults_come_from_the_flags_then_the_method_and_rows_win():
    rows = make_rows(
        [{"near": "a", "far": "b"}, {"near": "a", "far": "b", "steps": "7", "sigma": "1"}],
        {"method": "article", "steps": "30", "cutoff": 16, "size": 256},
    )
    first, second = (r.settings for r in rows)
    assert first.steps == 30 and first.size == 256 and abs(first.sigma - hn.cutoff_to_sigma(16, 256)) < 1e-12
    assert first.kernel_size == 15 and abs(rows[0].cutoff - 16) < 1e-9  # the article's taps per sigma: 15 for 3
    assert second.steps == 7 and second.sigma == 1.0  # the row's sigma replaces the default cut-off
    assert second.kernel_size == hn.ARTICLE.for_size(256).kernel_size and second.m_precise == hn.ARTICLE.m_precise
    viewer = make_rows([{"near": "a", "far": "b"}, {"near": "a", "far": "b", "method": "article"}], {"size": 256})
    assert viewer[0].settings == dataclasses.replace(hn.VIEWER, size=256)
    assert viewer[1].settings == hn.ARTICLE.for_size(256)  # the article's blur scaled as the command line does
    with pytest.raises(SpecError, match="steps"):
        make_rows([{"near": "a", "far": "b"}], {"steps": "-1"})


def test_a_cutoff_means_the_same_blur_at_every_size():
    small, _ = settings_for({"size": 128, "method": "article", "cutoff": 32})
    large, _ = settings_for({"size": 1024, "method": "article", "cutoff": 32})
    assert large.sigma == pytest.approx(8 * small.sigma)
    assert hn.sigma_to_cutoff(small.sigma, 128) == pytest.approx(hn.sigma_to_cutoff(large.sigma, 1024))
    assert large.kernel_size >= 2 * 2 * large.sigma + 1  # covers +-2 sigma at least
    tiny, _ = settings_for({"size": 8, "method": "article", "cutoff": 0.1})  # a huge blur on a tiny picture
    assert tiny.kernel_size == 15  # the kernel still fits


def test_default_outputs_are_stable_and_explicit_ones_are_checked():
    rows = make_rows([{"near": "photos/Ann Lee.jpg", "far": "cat"}, {"near": "a", "far": "b", "output": "set1/x"}])
    assert rows[0].output == "0001-Ann_Lee-cat.png"
    assert rows[1].output == "set1/x.png"
    assert make_rows([{"near": "a", "far": "b", "output": "x.jpg"}])[0].error.endswith("got 'x.jpg'")


def test_the_hash_changes_with_every_setting_and_each_picture():
    base = row_hash(hn.ARTICLE, "n" * 64, "f" * 64)
    values = (256, "viewer", 9, 2.0, 0.3, 0.5, 0.1, 50, "adam", 1.0, 12.0, 3.0, 40.0, "linear")
    changed = [dataclasses.replace(hn.ARTICLE, **{f.name: value}) for f, value in zip(
        dataclasses.fields(hn.RunSettings), values, strict=True)]  # fmt: skip
    hashes = {row_hash(s, "n" * 64, "f" * 64) for s in changed}
    hashes |= {row_hash(hn.ARTICLE, "m" * 64, "f" * 64), row_hash(hn.ARTICLE, "n" * 64, "g" * 64)}
    assert base not in hashes and len(hashes) == len(changed) + 2


def test_a_new_runsettings_field_is_a_column_without_code_changes(monkeypatch):
    """A field added to RunSettings (a made-up ``seed``): rows read it, the manifest writes it, the hash covers it."""
    Extended = dataclasses.make_dataclass(
        "RunSettings", [("seed", int, dataclasses.field(default=0))], bases=(hn.RunSettings,), frozen=True
    )
    Extended.__module__ = hn.RunSettings.__module__
    monkeypatch.setattr(spec, "RunSettings", Extended)
    monkeypatch.setattr(records, "RunSettings", Extended)
    monkeypatch.setattr(typing, "get_type_hints", lambda cls: {"seed": int})
    rows = make_rows([{"near": "a", "far": "b", "seed": "7"}, {"near": "a", "far": "b"}])
    assert [r.settings.seed for r in rows] == [7, 0]
    assert "seed" in records.columns() and "seed" in spec.parameter_names()
    assert row_hash(rows[0].settings, "n", "f") != row_hash(rows[1].settings, "n", "f")
