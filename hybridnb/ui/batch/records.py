"""What a batch records: one record per row, carried inside its PNG and gathered in the manifest.

Each picture a batch makes carries its own record (the row's settings, the
hash of the settings and both pictures' bytes, the final losses, the scores,
the time taken) in a PNG text chunk, ``hybridnb-batch``.  That makes the
folder its own ledger: a re-run knows which files it made and with what, even
if the manifest was never written (a killed process), and a file without the
chunk is somebody else's, never to be replaced.

The manifest, ``manifest.csv`` (for a spreadsheet) and ``manifest.json`` (for
programs), lists every row of the spec with its status (``done``, ``failed``
or ``pending``), its parameters, its results and, for failed rows, the error.
Both are written whole or not at all (:func:`hybridnb.imaging.files.write_file`).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, PngImagePlugin, UnidentifiedImageError

from ...imaging.files import write_file
from ...imaging.io import to_uint8
from ...optimize.settings import RunSettings

#: The PNG text chunk (iTXt, compressed) that holds a picture's record.
RECORD_KEY = "hybridnb-batch"
MANIFEST_CSV = "manifest.csv"
MANIFEST_JSON = "manifest.json"
#: ``manifest.json``'s ``format``: how a re-run recognises its own manifest.
FORMAT = "hybridnb batch manifest 1"

DONE, FAILED, PENDING = "done", "failed", "pending"

#: What a record says beyond the row's settings, in the manifest's order.
RESULTS = (
    "learning_rate",  # the rate used (lr, or the optimiser's default)
    "steps_done",  # updates applied (fewer than steps when fit met its target)
    "loss",
    "loss_precise",
    "loss_gauss",
    "near_score",  # hybridnb.hybrid_scores: SSIM to the near picture
    "far_score",  # SSIM of the 8x linear-light shrinks (pictures of 88 px and more)
    "out_of_range",
    "seconds",  # training alone, as the command line reports it
    "row_seconds",  # the whole row where it ran: decoding, training, scores, PNG
    "cpu_seconds",  # CPU time of the worker's process during the row, all its threads
    "traces",  # new TensorFlow traces the row needed (0 once a worker has made one of its kind)
    "worker",  # host:pid
    "threads",  # TensorFlow's threads in that worker process (empty: the batch's own process)
    "made",  # UTC time the picture was made
    "hybridnb",  # the version that made it
    "hash",  # of the settings and both pictures' bytes: what decides that a picture is up to date
    "near_sha256",
    "far_sha256",
)


def columns(extra: Iterable[str] = ()) -> list[str]:
    """The manifest's columns: row, status, output, pictures, every setting, cut-off, results, error, the spec's own.

    Examples
    --------
    >>> cols = columns(["condition"])
    >>> cols[:6], cols[-2:]
    (['row', 'status', 'output', 'near', 'far', 'size'], ['error', 'condition'])
    """
    fields = [f.name for f in dataclasses.fields(RunSettings)]
    head = ["row", "status", "output", "near", "far", *fields, "cutoff", *RESULTS, "error"]
    return head + [name for name in dict.fromkeys(extra) if name not in head]


# --- the record inside a PNG ------------------------------------------------------------


def encode_png(image: np.ndarray, record: Mapping[str, Any]) -> bytes:
    """An 8-bit PNG of ``image`` carrying ``record`` (JSON) in its ``hybridnb-batch`` chunk.

    Examples
    --------
    >>> png = encode_png(np.zeros((4, 4, 3)), {"hash": "0123"})
    >>> Image.open(io.BytesIO(png)).info[RECORD_KEY]
    '{"hash": "0123"}'
    """
    info = PngImagePlugin.PngInfo()
    info.add_itxt(RECORD_KEY, json.dumps(clean(record), ensure_ascii=False), zip=True)
    buffer = io.BytesIO()
    Image.fromarray(to_uint8(image)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def read_record(path: str | os.PathLike) -> dict[str, Any] | None:
    """The record a batch left in the PNG at ``path``; ``None`` if the file is not one a batch made.

    Reads the header only (the chunk comes before the pixels).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "h.png"
    >>> _ = path.write_bytes(encode_png(np.zeros((4, 4, 3)), {"hash": "0123"}))
    >>> read_record(path), read_record(Path(tempfile.mkdtemp()) / "none.png")
    ({'hash': '0123'}, None)
    """
    try:
        with Image.open(path) as image:
            text = image.info.get(RECORD_KEY) if image.format == "PNG" else None
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError):
        return None
    try:
        record = json.loads(text) if isinstance(text, str) else None
    except json.JSONDecodeError:
        return None
    return record if isinstance(record, dict) and isinstance(record.get("hash"), str) else None


def clean(record: Mapping[str, Any]) -> dict[str, Any]:
    """``record`` with NumPy numbers as Python ones and NaN or infinity as ``None`` (JSON has neither).

    Examples
    --------
    >>> clean({"a": np.float32(0.5), "b": float("nan"), "c": np.int64(3)})
    {'a': 0.5, 'b': None, 'c': 3}
    """
    out = {}
    for key, value in record.items():
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        out[key] = value
    return out


# --- the manifest -----------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def manifest_csv(rows: Iterable[Mapping[str, Any]], extra: Iterable[str] = ()) -> bytes:
    """The manifest as CSV: one header, one line per row, empty cells for what a row lacks.

    Examples
    --------
    >>> text = manifest_csv([{"row": 1, "status": "done", "loss": 0.25}]).decode()
    >>> text.splitlines()[0].startswith("row,status,output,near,far,size,"), ",done," in text, "0.25" in text
    (True, True, True)
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180, as spreadsheets write it
    names = columns(extra)
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in names])
    return buffer.getvalue().encode("utf-8")


def manifest_json(rows: Iterable[Mapping[str, Any]], extra: Iterable[str] = (), **about: Any) -> bytes:
    """The manifest as JSON: ``{"format", ..., "columns", "rows": [...]}``, numbers as numbers.

    Examples
    --------
    >>> data = json.loads(manifest_json([{"row": 1, "status": "done", "loss": 0.25}], spec="s.csv"))
    >>> data["format"], data["spec"], data["rows"][0]["loss"], data["rows"][0]["error"]
    ('hybridnb batch manifest 1', 's.csv', 0.25, None)
    """
    names = columns(extra)
    table = [clean({name: row.get(name) for name in names}) for row in rows]
    document = {"format": FORMAT, **about, "columns": names, "rows": table}
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def write_manifest(folder: str | os.PathLike, rows: list[Mapping[str, Any]], extra=(), **about: Any) -> Path:
    """Write ``manifest.csv`` and ``manifest.json`` in ``folder`` (each whole or not at all); return the CSV's path."""
    folder = Path(folder)
    write_file(manifest_json(rows, extra, **about), folder / MANIFEST_JSON, overwrite=True)
    return write_file(manifest_csv(rows, extra), folder / MANIFEST_CSV, overwrite=True)


def read_manifest(folder: str | os.PathLike) -> list[dict[str, Any]]:
    """The rows of the manifest a batch wrote in ``folder`` (from ``manifest.json``).

    Raises
    ------
    FileNotFoundError
        If there is none.
    ValueError
        If ``manifest.json`` is not a batch's manifest.
    """
    path = Path(folder) / MANIFEST_JSON
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        document = None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{path} is not a hybridnb batch manifest")
    return document["rows"]


def check_manifest_is_ours(folder: str | os.PathLike) -> None:
    """Refuse a folder whose ``manifest.csv`` or ``manifest.json`` a batch did not write (it would be replaced).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> check_manifest_is_ours(folder)
    >>> _ = (folder / "manifest.csv").write_text("name,score\\n")
    >>> check_manifest_is_ours(folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: .../manifest.csv exists and is not a hybridnb batch manifest; ...
    """
    folder = Path(folder)
    header = ",".join(columns()[:3]) + ","
    for name in (MANIFEST_CSV, MANIFEST_JSON):
        path = folder / name
        if not os.path.lexists(path):
            continue
        try:
            if name == MANIFEST_CSV:
                with open(path, encoding="utf-8") as file:
                    ours = file.readline().startswith(header)
            else:
                read_manifest(folder)
                ours = True
        except (OSError, ValueError, UnicodeDecodeError):
            ours = False
        if not ours:
            raise ValueError(
                f"{path} exists and is not a hybridnb batch manifest; "
                "give the batch a folder of its own (-o) or move that file away"
            )
