"""A batch's spec: one hybrid per row, read from CSV or JSON lines, each row's settings checked.

A spec has a ``near`` and a ``far`` column (picture files or bundled samples'
names) and any of the command line's parameters, named as
:class:`~hybridnb.optimize.settings.RunSettings`' fields (``size``,
``steps``, ``lr``, ``kernel_size``, ``sigma``, ``m_precise``, ``m_blurred``,
``optimizer``, ``target_loss``, and whatever fields later versions add;
``kernel-size`` works too).  Two more columns are the batch's own:

- ``cutoff``: the blur as a cut-off in cycles per picture (half amplitude,
  :func:`hybridnb.filters.viewing.cutoff_to_sigma`): the size-relative form of
  ``sigma``, as stimulus sets specify it.  Its kernel gets the article's
  taps per sigma (15 for sigma 3) unless ``kernel_size`` is given.
- ``output``: the PNG's name inside the batch's folder (default
  ``0001-near-far.png`` from the row's number and pictures).

An empty cell takes the batch's default (the command's flags, else the
article's value, :data:`~hybridnb.optimize.settings.ARTICLE`), and a row's
``sigma`` or ``cutoff`` replaces the default blur of either form.  Each
value is checked by the command line's own parser for that flag, so a row
accepts exactly what ``hybridnb`` accepts.  Other columns (a condition, a
student's name) are copied to the manifest untouched, except names so close
to a parameter's that they are surely a typing slip (``sigam``).

Relative picture paths are read from the spec's folder first, then as
sample names (:func:`hybridnb.imaging.samples.resolve_picture`).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import difflib
import hashlib
import io
import json
import os
import re
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ...checks import check_count, check_kernel_fits, check_number
from ...filters.kernels import kernel_size_for
from ...filters.viewing import cutoff_to_sigma, sigma_to_cutoff
from ...imaging.samples import resolve_picture, sample_images
from ...optimize.settings import ARTICLE, ARTICLE_ONLY, VIEWER, VIEWER_ONLY, RunSettings, method_defaults
from .records import columns as manifest_columns

PICTURES = ("near", "far")
OUTPUT = "output"
CUTOFF = "cutoff"
#: The article's reach of its kernel in sigmas (15 taps for sigma 3: 7/3 sigma
#: each side): the taps a blur given as a ``cutoff`` gets.
ARTICLE_TRUNCATE = (ARTICLE.kernel_size - 1) / 2 / ARTICLE.sigma
#: Spec files read as JSON lines (one object per line) or a JSON array; others are CSV.
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")


class SpecError(ValueError):
    """The spec as a whole cannot be read (no such file, no ``near`` column, ...): one line."""


@dataclass(frozen=True)
class Row:
    """One row of a spec, ready to plan: its pictures, its output, its settings or why it has none.

    Attributes
    ----------
    number : int
        Position in the spec, from 1.
    near, far : str
        The pictures as the spec names them.
    output : str
        The PNG's path relative to the batch's folder (``/``-separated).
    settings : RunSettings or None
        ``None`` when ``error`` says what is wrong with the row.
    cutoff : float or None
        The blur's cut-off in cycles per picture (for the manifest).
    extra : dict
        The spec's other columns, copied to the manifest.
    error : str or None
        One line for a person; the row is not run.
    """

    number: int
    near: str
    far: str
    output: str
    settings: RunSettings | None
    cutoff: float | None = None
    extra: dict = dataclasses.field(default_factory=dict)
    error: str | None = None


# --- reading a file -------------------------------------------------------------------


def read_spec(path: str | os.PathLike) -> list[dict[str, Any]]:
    """The rows of a spec file, each a dict of column -> cell.

    CSV (any of ``,`` ``;`` or tab as separator, as spreadsheets save it; a
    byte-order mark is ignored) or, for ``.jsonl``, ``.ndjson`` and
    ``.json``, one JSON object per line or a JSON array of objects.  Blank
    lines are skipped.

    Raises
    ------
    SpecError
        If the file cannot be read or parsed (one line naming the file and,
        where it helps, the line).

    Examples
    --------
    >>> import tempfile
    >>> spec = Path(tempfile.mkdtemp()) / "spec.csv"
    >>> _ = spec.write_text("near;far;sigma\\nhopper;astronaut;2\\n\\ncat;coffee;\\n")
    >>> read_spec(spec)
    [{'near': 'hopper', 'far': 'astronaut', 'sigma': '2'}, {'near': 'cat', 'far': 'coffee', 'sigma': ''}]
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise SpecError(f"no such spec: {path}") from None
    except IsADirectoryError:
        raise SpecError(f"{path} is a folder; give a spec file (CSV or JSON lines)") from None
    except UnicodeDecodeError:
        raise SpecError(f"{path} is not UTF-8 text; save the spec as UTF-8 CSV or JSON lines") from None
    except OSError as error:
        raise SpecError(f"cannot read {path}: {error.strerror or error}") from None
    json_like = path.suffix.lower() in JSON_SUFFIXES or text.lstrip()[:1] in ("{", "[")
    rows = _json_rows(text, path) if json_like else _csv_rows(text, path)
    if not rows:
        raise SpecError(f"{path} has no rows")
    return rows


def _json_rows(text: str, path: Path) -> list[dict[str, Any]]:
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            rows = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise SpecError(f"{path} is not valid JSON: {error}") from None
        numbered = list(enumerate(rows, 1))
    else:
        numbered = []
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    numbered.append((number, json.loads(line)))
                except json.JSONDecodeError as error:
                    raise SpecError(f"line {number} of {path} is not valid JSON: {error.msg}") from None
    for number, row in numbered:
        if not isinstance(row, dict):
            raise SpecError(f"entry {number} of {path} is not a JSON object of column: value")
    return [row for _, row in numbered]


def _csv_rows(text: str, path: Path) -> list[dict[str, Any]]:
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = max(",;\t", key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)  # quoted cells may hold line ends
    try:
        lines = [(reader.line_num, cells) for cells in reader]
    except csv.Error as error:
        raise SpecError(f"{path} is not valid CSV: {error}") from None
    lines = [(n, cells) for n, cells in lines if any(cell.strip() for cell in cells)]
    if not lines:
        raise SpecError(f"{path} is empty")
    header = [cell.strip() for cell in lines[0][1]]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise SpecError(f"{path} has the column {repeated[0]!r} twice")
    rows = []
    for number, cells in lines[1:]:
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
            raise SpecError(f"line {number} of {path} has {len(cells)} cells but the header names {len(header)}")
        rows.append({name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)})
    return rows


# --- parameters ---------------------------------------------------------------------


def parameter_names() -> tuple[str, ...]:
    """The parameters a row may set: :class:`RunSettings`' fields and ``cutoff``.

    Examples
    --------
    >>> parameter_names()[:3], parameter_names()[-1]
    (('size', 'method', 'kernel_size'), 'cutoff')
    """
    return (*(f.name for f in dataclasses.fields(RunSettings)), CUTOFF)


def _command_flags() -> dict[str, argparse.Action]:
    """The ``hybridnb`` command's flags by destination: their parsers check row values too."""
    from ..cli import build_parser

    return {action.dest: action for action in build_parser()._actions if action.option_strings}


def _plain_type(hint: Any) -> Any:
    """``int`` for ``int``, ``float`` for ``float | None``: the type a cell is read as."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    return hint


def parse_parameter(name: str, value: Any, flags: Mapping[str, argparse.Action] | None = None) -> Any:
    """A row's (or the command's) value of parameter ``name``, checked; ``None`` if not given.

    Text is parsed as the command line parses its flag (``--kernel-size``
    for ``kernel_size``); other values (numbers from JSON or Python) are
    checked the same way through their text.

    Raises
    ------
    ValueError
        ``"NAME: what is wrong"``.

    Examples
    --------
    >>> parse_parameter("steps", "50"), parse_parameter("sigma", 1.5), parse_parameter("lr", "")
    (50, 1.5, None)
    >>> parse_parameter("steps", "0")
    Traceback (most recent call last):
    ValueError: steps: expected a positive whole number, got '0'
    >>> parse_parameter("optimizer", "lbfgs")
    Traceback (most recent call last):
    ValueError: optimizer: must be one of 'sgd', 'adam', 'fit', got 'lbfgs'
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = value.strip() if isinstance(value, str) else str(value)
    try:
        if name == CUTOFF:
            return check_number(CUTOFF, _float(text), positive=True)
        flag = (flags if flags is not None else _command_flags()).get(name)
        if flag is not None:
            parsed = flag.type(text) if flag.type is not None else text
            if flag.choices is not None and parsed not in flag.choices:
                raise ValueError(f"must be one of {', '.join(map(repr, flag.choices))}, got {parsed!r}")
            return parsed
        kind = _plain_type(typing.get_type_hints(RunSettings)[name])
        if kind is int:
            return check_count(name, _float(text) if "." in text or "e" in text.lower() else int(text))
        if kind is float:
            return check_number(name, _float(text))
        if kind is bool:
            return {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}[text.lower()]
        return kind(text)
    except (ValueError, TypeError, KeyError, argparse.ArgumentTypeError) as error:
        message = str(error) if not isinstance(error, KeyError) else f"expected true or false, got {text!r}"
        raise ValueError(f"{name}: {message.removeprefix(name + ' ')}") from None


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"expected a number, got {text!r}") from None


def settings_for(
    given: Mapping[str, Any], defaults: Mapping[str, Any] | None = None
) -> tuple[RunSettings, float | None]:
    """The settings of a row, and its blur's cut-off in cycles per picture (``None`` for the viewer's loss).

    Parameters
    ----------
    given : mapping
        The row's parsed parameters (names from :func:`parameter_names`;
        ``None`` or absent: not given).
    defaults : mapping, optional
        The batch's parameters (the command's flags), in the same form; the
        method's table for the rest (:data:`~hybridnb.optimize.settings.VIEWER`
        by default, :data:`ARTICLE` with ``method=article``, its blur scaled
        with the size as the command line does).

    Raises
    ------
    ValueError
        For what the command line refuses too: a parameter of the other
        method, ``sigma`` and ``cutoff`` together, ``target_loss`` without
        the ``fit`` optimiser, a kernel too large for the picture.

    Examples
    --------
    >>> settings, cutoff = settings_for({"size": 256, "method": "article", "cutoff": 16})
    >>> round(settings.sigma, 2), settings.kernel_size, round(cutoff, 6)
    (3.0, 15, 16.0)
    >>> settings_for({"sigma": 2.0}, defaults={"cutoff": 16, "method": "article"})[0].sigma
    2.0
    >>> settings_for({"crossover": 12.0})[0].method
    'viewer'
    """
    row = {k: v for k, v in given.items() if v is not None}
    base = {k: v for k, v in (defaults or {}).items() if v is not None}
    for where in (row, base):
        if "sigma" in where and CUTOFF in where:
            raise ValueError("give the blur as sigma or as cutoff, not both")
    if "sigma" in row or CUTOFF in row:  # the row's blur replaces the default one, in either form
        base.pop("sigma", None), base.pop(CUTOFF, None)
    merged = {**base, **row}
    method = merged.get("method", VIEWER.method)
    other = (*ARTICLE_ONLY, CUTOFF) if method == "viewer" else VIEWER_ONLY
    wrong = [name for name in other if name in merged]
    if wrong:
        raise ValueError(f"{wrong[0]} belongs to the method {'article' if method == 'viewer' else 'viewer'}")
    cutoff = merged.pop(CUTOFF, None)
    size = merged.get("size", VIEWER.size)
    values = {**dataclasses.asdict(method_defaults(method, size)), **merged}
    if cutoff is not None:
        values["sigma"] = float(cutoff_to_sigma(cutoff, size))
        if "kernel_size" not in merged:
            values["kernel_size"] = min(kernel_size_for(values["sigma"], ARTICLE_TRUNCATE), 2 * size - 1)
    settings = RunSettings(**values)
    if settings.target_loss is not None and settings.optimizer != "fit":
        raise ValueError("target_loss needs the optimizer fit")
    if method != "article":
        return settings, None
    check_kernel_fits((size, size), settings.kernel_size)
    return settings, float(sigma_to_cutoff(settings.sigma, size))


def parse_parameters(values: Mapping[str, Any], flags=None) -> dict[str, Any]:
    """``{name: parsed value}`` for the parameters among ``values`` (see :func:`parse_parameter`).

    Examples
    --------
    >>> parse_parameters({"near": "cat", "kernel-size": "9", "steps": ""})
    {'kernel_size': 9, 'steps': None}
    """
    flags = _command_flags() if flags is None else flags
    names = set(parameter_names())
    parsed, problems = {}, []
    for column, value in values.items():
        name = column_name(column)
        if name in names:
            try:
                parsed[name] = parse_parameter(name, value, flags)
            except ValueError as error:
                problems.append(str(error))
    if problems:
        raise ValueError("; ".join(problems))
    return parsed


# --- rows ---------------------------------------------------------------------------


def column_name(column: str) -> str:
    """A column's name as a parameter: ``Kernel-Size`` -> ``kernel_size``.

    Examples
    --------
    >>> column_name(" Kernel-Size "), column_name("m precise")
    ('kernel_size', 'm_precise')
    """
    return re.sub(r"[\s-]+", "_", str(column).strip().lower())


def check_columns(columns: Iterable[str]) -> None:
    """Refuse a spec without ``near`` and ``far``, or with a column that is surely a slip for a parameter.

    Examples
    --------
    >>> check_columns(["near", "far", "sigma", "condition"])
    >>> check_columns(["near", "far", "sigam"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    hybridnb.ui.batch.spec.SpecError: the column 'sigam' is not a parameter: did you mean 'sigma'? ...
    """
    known = (*PICTURES, OUTPUT, *parameter_names())
    names: dict[str, str] = {}
    for column in columns:
        if column_name(column) in names:
            raise SpecError(f"the columns {names[column_name(column)]!r} and {column!r} name the same thing")
        names[column_name(column)] = column
    missing = [p for p in PICTURES if p not in names]
    if missing:
        raise SpecError(f"the spec needs the columns near and far (it has {', '.join(map(repr, names.values()))})")
    written = set(manifest_columns()) - set(known)
    for name, column in names.items():
        if name in written:
            raise SpecError(f"the column {column!r} is one the manifest writes (a result): rename it")
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
            if close:
                raise SpecError(
                    f"the column {column!r} is not a parameter: did you mean {close[0]!r}? "
                    "(other columns are copied to the manifest)"
                )


def default_output(number: int, near: str, far: str) -> str:
    """The PNG a row makes unless the spec names one: its number and its pictures' names.

    Numbers keep four digits (and more past 9999), so appending rows to a
    spec never renames the earlier rows' pictures.

    Examples
    --------
    >>> default_output(7, "hopper", "photos/Ann Lee.jpg")
    '0007-hopper-Ann_Lee.png'
    """
    stems = [re.sub(r"[^\w.-]+", "_", PurePosixPath(name.replace("\\", "/")).stem).strip("._") or "picture"
             for name in (near, far)]  # fmt: skip
    return f"{number:04d}-{stems[0]}-{stems[1]}.png"


def check_output(name: str) -> str:
    """A row's ``output``: a relative ``.png`` path that stays inside the batch's folder.

    Examples
    --------
    >>> check_output("faces/anna"), check_output("b.PNG")
    ('faces/anna.png', 'b.PNG')
    >>> check_output("../x.png")
    Traceback (most recent call last):
    ValueError: output must be a file name inside the batch's folder, got '../x.png'
    """
    path = PurePosixPath(str(name).strip().replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts or path.name.startswith("."):
        raise ValueError(f"output must be a file name inside the batch's folder, got {name!r}")
    if not path.suffix:
        path = path.with_suffix(".png")
    if path.suffix.lower() != ".png":
        raise ValueError(f"output must be a .png file, got {name!r}")
    return str(path)


def make_rows(raw: Iterable[Mapping[str, Any]], defaults: Mapping[str, Any] | None = None) -> list[Row]:
    """Check each raw row (a dict of column -> cell) and give it settings; a bad row gets an ``error``.

    Parameters
    ----------
    raw : iterable of mapping
        The spec's rows (:func:`read_spec`, or dicts made in Python).
    defaults : mapping, optional
        The batch's parameters (see :func:`settings_for`), parsed or as text.

    Raises
    ------
    SpecError
        For a spec without ``near``/``far`` columns or with a mistyped
        parameter column (:func:`check_columns`); the batch's defaults
        themselves are bad.  Every other problem is one row's ``error``: one bad
        row never stops the batch.

    Examples
    --------
    >>> rows = make_rows([{"near": "hopper", "far": "cat", "steps": "20"}, {"near": "cat", "far": "", "steps": "x"}])
    >>> rows[0].settings.steps, rows[0].output
    (20, '0001-hopper-cat.png')
    >>> rows[1].error
    "far is empty; steps: expected a positive whole number, got 'x'"
    """
    raw = [dict(r) for r in raw]
    columns = dict.fromkeys(c for r in raw for c in r)
    check_columns(columns)
    flags = _command_flags()
    try:
        base = parse_parameters(defaults or {}, flags)
        settings_for({}, base)
    except ValueError as error:
        raise SpecError(str(error)) from None
    known = {*PICTURES, OUTPUT, *parameter_names()}
    rows, outputs = [], {}
    for number, cells in enumerate(raw, 1):
        named = {column_name(k): v for k, v in cells.items()}
        near, far = (str(named.get(p) or "").strip() for p in PICTURES)
        extra = {k: v for k, v in cells.items() if column_name(k) not in known}
        problems, settings, cutoff = [], None, None
        problems += [f"{p} is empty" for p, v in zip(PICTURES, (near, far), strict=True) if not v]
        try:
            given = parse_parameters(cells, flags)
            settings, cutoff = settings_for(given, base)
        except ValueError as error:
            problems.append(str(error))
        output = default_output(number, near or "near", far or "far")
        if str(named.get(OUTPUT) or "").strip():
            try:
                output = check_output(named[OUTPUT])
            except ValueError as error:
                problems.append(str(error))
        if output.lower() in outputs:
            problems.append(f"output {output} is row {outputs[output.lower()]}'s too")
        else:
            outputs[output.lower()] = number
        error = "; ".join(problems) or None
        rows.append(Row(number, near, far, output, None if error else settings, cutoff, extra, error))
    return rows


def picture_path(name: str, base: Path | None = None) -> Path:
    """The file a row's picture names: relative to ``base`` (the spec's folder) first, then as for the command line.

    Examples
    --------
    >>> picture_path("hopper").name
    'hopper.png'
    """
    path = Path(name).expanduser()
    if base is not None and not path.is_absolute():
        beside = base / path
        if beside.is_file() or (beside.exists() and name not in sample_images()):
            return beside
    return resolve_picture(name)


def row_hash(settings: RunSettings, near_digest: str, far_digest: str) -> str:
    """What a row's picture depends on, hashed: every setting and both pictures' bytes.

    New fields of :class:`RunSettings` enter by themselves (so rows made
    before a new setting existed count as stale).  16 hex digits (64 bits).

    Examples
    --------
    >>> a = row_hash(ARTICLE, "1" * 64, "2" * 64)
    >>> len(a), a == row_hash(ARTICLE, "1" * 64, "2" * 64), a == row_hash(ARTICLE.for_size(256), "1" * 64, "2" * 64)
    (16, True, False)
    """
    payload = {"settings": dataclasses.asdict(settings), "near": near_digest, "far": far_digest}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]
