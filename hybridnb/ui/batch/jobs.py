"""A batch from start to end: plan what is done, stale or refused; make the rest; keep the manifest.

:func:`batch` is the Python API of ``hybridnb batch``.  For every row of
the spec it decides, before any work (:func:`plan`):

- **done**: its PNG exists and carries the hash of this row's settings and
  pictures (:func:`hybridnb.ui.batch.spec.row_hash`): kept as it is;
- **to make**: no PNG yet, or a PNG this batch made with other settings or
  pictures (stale): made (again), the stale one replaced;
- **refused**: a bad value, a missing picture, or an output file that a
  batch did not make (never overwritten): recorded as failed with the reason.

The rows to make run in a pool (:mod:`hybridnb.ui.batch.pool`); each
finished row's PNG is written at once, whole or not at all, and the manifest
is rewritten every few seconds and at the end, also after Ctrl-C, SIGTERM or
an error.  An interruption loses only the rows in flight: running the same
batch again makes just the rows still missing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ...imaging.files import write_file
from ...imaging.samples import sample_images
from .pool import open_pool
from .records import DONE, FAILED, PENDING, check_manifest_is_ours, columns, read_record, write_manifest
from .spec import Row, make_rows, picture_path, read_spec, row_hash

#: The manifest is rewritten at most this often while rows finish (and always at the end).
MANIFEST_PERIOD_S = 2.0
#: A hidden file in the batch's folder, locked while a batch writes there.
LOCK_NAME = ".hybridnb-batch.lock"


@dataclass
class Planned:
    """A row and what to do with it: its manifest row so far, and the pictures to send if it is to be made."""

    row: Row
    record: dict[str, Any]
    pictures: tuple[Path, Path] | None = None
    replace: bool = False  # its output is a stale picture of this batch's, to be replaced


class Pictures:
    """The rows' pictures: found once per name, hashed once per file (the bytes are read again to send them)."""

    def __init__(self, base: Path | None = None) -> None:
        self.base = base
        self._digests: dict[tuple, str] = {}

    def find(self, name: str) -> Path:
        """The file a row's picture names; ``ValueError`` (one line) if there is none."""
        path = picture_path(name, self.base)
        if not path.exists():
            raise ValueError(f"no such picture: {name} (or a sample name: {', '.join(sample_images())})")
        if path.is_dir():
            raise ValueError(f"{name} is a folder, not a picture")
        return path

    def digest(self, path: Path) -> str:
        """SHA-256 of the file's bytes (cached by path, size and modification time)."""
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        if key not in self._digests:
            self._digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        return self._digests[key]


def _settings_record(row: Row) -> dict[str, Any]:
    settings = dataclasses.asdict(row.settings) if row.settings is not None else {}
    return {"near": row.near, "far": row.far, **settings, "cutoff": row.cutoff}


def _manifest_row(row: Row, status: str, record: Mapping[str, Any], error: str | None = None) -> dict[str, Any]:
    return {**row.extra, **record, "row": row.number, "status": status, "output": row.output, "error": error}


def plan(rows: Iterable[Row], folder: Path, pictures: Pictures) -> list[Planned]:
    """Decide for each row: done (kept), to make (missing or stale), or refused (failed, with the reason).

    Reads only the pictures' bytes (to hash them) and the existing PNGs'
    headers.
    """
    planned = []
    for row in rows:
        if row.error is not None:
            planned.append(Planned(row, _manifest_row(row, FAILED, _settings_record(row), row.error)))
            continue
        record = _settings_record(row)
        try:
            paths = pictures.find(row.near), pictures.find(row.far)
            digests = [pictures.digest(p) for p in paths]
        except (ValueError, OSError) as error:
            message = str(error) if isinstance(error, ValueError) else f"cannot read a picture: {error}"
            planned.append(Planned(row, _manifest_row(row, FAILED, record, message)))
            continue
        record.update(hash=row_hash(row.settings, *digests), near_sha256=digests[0], far_sha256=digests[1])
        target = folder / row.output
        if not os.path.lexists(target):
            planned.append(Planned(row, _manifest_row(row, PENDING, record), paths))
            continue
        made = read_record(target) if target.is_file() else None
        if made is None:
            error = f"{target} exists and was not made by hybridnb batch; move it away or name another output"
            planned.append(Planned(row, _manifest_row(row, FAILED, record, error)))
        elif made["hash"] == record["hash"]:
            planned.append(Planned(row, _manifest_row(row, DONE, {**record, **made})))
        else:
            planned.append(Planned(row, _manifest_row(row, PENDING, record), paths, replace=True))
    return planned


def save_output(folder: Path, planned: Planned, png: bytes) -> None:
    """Write a made row's PNG: never over a file a batch did not make, whole or not at all.

    Raises
    ------
    FileExistsError
        If the output appeared meanwhile and is not a batch's picture.
    """
    target = folder / planned.row.output
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_file(png, target)
        return
    except FileExistsError:
        pass
    made = read_record(target)  # there now: replace it only if a batch made it (stale, or the same row again)
    if made is None:
        raise FileExistsError(f"{target} appeared during the batch and was not made by it; the picture was not saved")
    write_file(png, target, overwrite=True)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the batch folder's lock: a second batch writing to the same folder is refused at once."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    with open(folder / LOCK_NAME, "a+b") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ValueError(
                f"another hybridnb batch is writing to {folder}; wait for it or give another folder"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


class Ledger:
    """Every row's manifest row, kept up to date and written to the folder now and then."""

    def __init__(self, folder: Path, planned: list[Planned], about: Mapping[str, Any]) -> None:
        self.folder, self.about = folder, dict(about)
        self.records = {p.row.number: p.record for p in planned}
        self.extra = list(dict.fromkeys(name for p in planned for name in p.row.extra))
        self.started = time.perf_counter()
        self._written = -float("inf")

    def count(self, status: str) -> int:
        return sum(r["status"] == status for r in self.records.values())

    def rows(self) -> list[dict[str, Any]]:
        """The manifest: one dict per row of the spec, in its order, every column present."""
        names = columns(self.extra)
        return [{name: record.get(name) for name in names} for _, record in sorted(self.records.items())]

    def write(self, force: bool = False) -> None:
        if not force and time.perf_counter() - self._written < MANIFEST_PERIOD_S:
            return
        counts = {status: self.count(status) for status in (DONE, FAILED, PENDING)}
        write_manifest(self.folder, self.rows(), self.extra, **self.about, counts=counts,
                       updated=datetime.now(timezone.utc).isoformat(timespec="seconds"))  # fmt: skip
        self._written = time.perf_counter()


class Progress:
    """What a person sees: a few lines on what will happen, then a bar of rows done, failed, rate and time left."""

    #: Row errors printed before "see the manifest".
    SHOWN = 10

    def __init__(self, enabled: bool) -> None:
        self.enabled, self.bar, self.failed, self.shown = enabled, None, 0, 0

    def say(self, line: str) -> None:
        if self.enabled:
            (self.bar.write if self.bar is not None else print)(line, file=sys.stderr)

    def row_failed(self, number: int, error: str) -> None:
        self.shown += 1
        if self.shown <= self.SHOWN:
            self.say(f"row {number} failed: {error}")
        elif self.shown == self.SHOWN + 1:
            self.say("more rows failed: see the manifest's error column")

    def start(self, total: int) -> None:
        if self.enabled:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, unit="row", desc="hybridnb batch", file=sys.stderr, smoothing=0.1)

    def advance(self, failed: bool) -> None:
        if self.bar is not None:
            self.failed += failed
            self.bar.set_postfix(failed=self.failed, refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def batch(
    rows: str | os.PathLike | Iterable[Mapping[str, Any]],
    out_dir: str | os.PathLike,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    threads: int | None = None,
    progress: bool = True,
    on_row: Callable[[dict[str, Any]], None] | None = None,
    **parameters: Any,
) -> list[dict[str, Any]]:
    """Make one hybrid per row, one PNG each, in ``out_dir``; return the manifest.

    Every row is made as the ``hybridnb`` command makes one hybrid, with the
    row's parameters, then ``parameters``, then the article's
    (:data:`hybridnb.ARTICLE`).  Rows already made with the same parameters
    and pictures are kept; missing or stale ones are made; a file in the way
    that no batch made is never overwritten (the row fails, saying so).  See
    :mod:`hybridnb.ui.batch.spec` for the columns.

    Parameters
    ----------
    rows : path or iterable of mapping
        A spec file (CSV or JSON lines; relative picture paths are read from
        its folder), or rows as dicts (``{"near": ..., "far": ..., "crossover": ...}``).
    out_dir : path
        The batch's folder (made if missing): the PNGs, ``manifest.csv`` and
        ``manifest.json``.
    workers : int, optional
        ``0``: make the rows in this process, one after another.  Otherwise
        a Dask ``LocalCluster`` of this many worker processes (the machine's
        cores by default).
    scheduler : str, optional
        The address of a running Dask scheduler to use instead.
    threads : int, optional
        TensorFlow threads per worker (default: each machine's cores shared
        among its workers).
    progress : bool, optional
        Print what will happen, the dashboard's address and a progress bar
        (stderr).
    on_row : callable, optional
        ``on_row(manifest_row)`` after each row made (or failed) in this run.
    **parameters
        The batch's defaults for the rows: :class:`~hybridnb.RunSettings`'
        fields (``size=256``, ``steps=100``, ``method="article"``, ...) or,
        with ``method="article"``, ``cutoff`` (cycles per picture).

    Returns
    -------
    list of dict
        The manifest: one dict per row of the spec, in its order, with the
        columns of ``manifest.csv`` (``status`` is ``"done"``, ``"failed"``
        or ``"pending"``); ``pandas.DataFrame(result)`` makes it a table.

    Raises
    ------
    ValueError
        For a problem of the whole batch (the spec cannot be read, a
        parameter in ``parameters`` is bad, the folder holds a file named
        like the manifest that a batch did not write, the cluster cannot be
        reached).  Problems of single rows are in their ``error``.
    KeyboardInterrupt
        After writing the manifest (the rows in flight are ``"pending"``).

    Notes
    -----
    Dask starts its worker processes afresh ("spawn"), and each imports the
    script that called :func:`batch`: in a script, call it under ``if
    __name__ == "__main__":`` (notebooks and the command need nothing).

    Examples
    --------
    >>> import tempfile, hybridnb as hn
    >>> folder = tempfile.mkdtemp()
    >>> rows = [{"near": "hopper", "far": "astronaut", "m_precise": m} for m in (0.1, 1.0)]
    >>> table = hn.batch(rows, folder, workers=0, progress=False, size=32, steps=20)
    >>> [(r["output"], r["status"], r["steps_done"]) for r in table]
    [('0001-hopper-astronaut.png', 'done', 20), ('0002-hopper-astronaut.png', 'done', 20)]
    >>> table[0]["loss"] < table[1]["loss"], table[0]["hash"] != table[1]["hash"]
    (True, True)
    """
    spec = Path(rows) if isinstance(rows, (str, os.PathLike)) else None
    table = make_rows(read_spec(spec) if spec is not None else rows, parameters)
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{folder} is a file; the batch needs a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"cannot make the folder {folder}: {error.strerror or error}") from None
    check_manifest_is_ours(folder)
    show = Progress(progress)
    with folder_lock(folder):
        planned = plan(table, folder, Pictures(spec.parent if spec is not None else None))
        about = {"spec": str(spec) if spec is not None else None, "directory": str(folder)}
        ledger = Ledger(folder, planned, about)
        todo = [p for p in planned if p.pictures is not None]
        refused = [p for p in planned if p.record["status"] == FAILED]
        show.say(f"hybridnb batch: {len(planned)} rows: {ledger.count(DONE)} done before, {len(todo)} to make"
                 + (f", {len(refused)} refused" if refused else ""))  # fmt: skip
        for p in refused:
            show.row_failed(p.row.number, p.record["error"])
        ledger.write(force=True)
        if not todo:
            return ledger.rows()
        pool = open_pool(workers, scheduler, threads)
        try:
            show.say(f"making them on {pool.description}"
                     + (f"; dashboard: {pool.dashboard}" if pool.dashboard else ""))  # fmt: skip
            show.start(len(todo))
            _make(pool, todo, folder, ledger, show, on_row)
        finally:
            show.close()
            ledger.write(force=True)
            pool.close()
    return ledger.rows()


def _make(pool, todo: list[Planned], folder: Path, ledger: Ledger, show: Progress, on_row) -> None:
    """Run the rows to make in ``pool``, saving each finished row's PNG and record as it comes."""
    by_number = {p.row.number: p for p in todo}
    for number, result in pool.run(_tasks(todo, ledger, show)):
        record = _finish(folder, by_number[number], result)
        ledger.records[number] = record
        show.advance(record["status"] == FAILED)
        if record["status"] == FAILED:
            show.row_failed(number, record["error"])
        ledger.write()
        if on_row is not None:
            on_row(dict(record))


def _tasks(todo: list[Planned], ledger: Ledger, show: Progress) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows to make, their pictures read as the pool asks for them (a picture gone since the plan fails its row)."""
    for p in todo:
        try:
            near, far = (path.read_bytes() for path in p.pictures)
        except OSError as error:
            p.record.update(status=FAILED, error=f"cannot read a picture: {error}")
            ledger.records[p.row.number] = p.record
            show.advance(True)
            show.row_failed(p.row.number, p.record["error"])
            continue
        settings = dataclasses.asdict(p.row.settings)
        record = {k: v for k, v in p.record.items() if k not in ("row", "status", "output", "error", *p.row.extra)}
        yield p.row.number, {"near": near, "far": far, "settings": settings, "record": record}


def _finish(folder: Path, planned: Planned, result: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest row of a finished row, its PNG saved."""
    record = {**planned.record, **result.get("record", {})}
    error = result.get("error")
    if error is None:
        try:
            save_output(folder, planned, result["png"])
        except OSError as failure:
            error = str(failure)
    return _manifest_row(planned.row, FAILED if error else DONE, record, error)
