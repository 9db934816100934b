"""``hybridnb batch SPEC -o DIR``: many hybrids from a spec, on this machine's cores or a Dask cluster.

The flags that set a hybrid's parameters are the ``hybridnb`` command's own
(copied from its parser, so a parameter added there is a flag here too);
here they are the defaults of the rows, whose own values win.  Prints what
it will do, the Dask dashboard's address and a progress bar (stderr), then
one summary line (stdout).  Exit status: 0 when every row is done, 1 when
some failed (the manifest says why), 2 for bad input, 130 when interrupted
(Ctrl-C or SIGTERM), with the manifest written and the finished pictures
kept: running the same command again makes only the rest.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from ...optimize.settings import ARTICLE, ARTICLE_ONLY, VIEWER
from ..cli import EXIT_INTERRUPTED, UsageError, _number, _Parser, _positive_int
from ..cli import build_parser as command_parser
from .records import DONE, FAILED, MANIFEST_CSV, read_manifest
from .spec import parameter_names

EXIT_SOME_FAILED = 1


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The options of ``hybridnb batch``; the parameters' flags are the ``hybridnb`` command's."""
    p = _Parser(
        prog="hybridnb batch",
        description=(
            "Make one hybrid per row of SPEC (CSV or JSON lines with columns near, far and any of the "
            "parameters below, e.g. crossover, m_blurred, steps), each as the hybridnb command makes one, on a "
            "Dask cluster. Writes DIR/0001-near-far.png (or the row's output column), DIR/manifest.csv and "
            "DIR/manifest.json. Running it again keeps the rows already made and makes the rest."
        ),
        epilog="A row's values win over these flags; an empty cell takes the flag's value, else the method's "
        "(the viewer's loss by default, as the hybridnb command).",
    )
    p.add_argument("spec", metavar="SPEC", help="the rows: a CSV or JSON-lines file")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="the batch's folder (made if missing)")
    rows = p.add_argument_group("defaults for the rows (the hybridnb command's parameters)")
    fields = set(parameter_names())
    for action in command_parser()._actions:
        if action.dest in fields:
            default = getattr(ARTICLE if action.dest in ARTICLE_ONLY else VIEWER, action.dest)
            action.help = (action.help or "").replace("%(default)s", str(default))
            action.default = None  # not given: the row's value, else the method's
            rows._add_action(action)
    rows.add_argument(
        "--cutoff", type=_number(0, True), default=None,
        help="with --method article, the blur as a cut-off in cycles per picture (half amplitude) instead of "
        "--sigma: the same look at every --size; the kernel gets the article's taps per sigma unless "
        "--kernel-size is given",
    )  # fmt: skip
    run = p.add_argument_group("where the rows run")
    run.add_argument(
        "--workers", type=_count, default=None, metavar="N",
        help="worker processes of a local Dask cluster (default: one per core); 0 makes the rows in this "
        "process, without Dask",
    )  # fmt: skip
    run.add_argument(
        "--scheduler", metavar="ADDRESS", default=None,
        help="use the Dask cluster running at ADDRESS (e.g. tcp://scheduler-host:8786); its workers need hybridnb",
    )  # fmt: skip
    run.add_argument(
        "--tf-threads", type=_positive_int, default=None, metavar="N",
        help="TensorFlow threads per worker (default: the machine's cores shared among its workers)",
    )  # fmt: skip
    p.add_argument("-q", "--quiet", action="store_true", help="no progress, only the summary line")
    return p


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM stops the batch as Ctrl-C does (the manifest is written, the cluster closed)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (what follows ``hybridnb batch``), run the batch; return the exit status."""
    args = build_parser().parse_args(argv)
    if args.scheduler is not None and args.workers is not None:
        raise UsageError("give --workers (a local cluster) or --scheduler (a running one), not both")
    parameters = {name: getattr(args, name) for name in parameter_names() if getattr(args, name, None) is not None}
    from .jobs import batch

    if args.workers == 0:  # TensorFlow runs here: start it quietly, as the hybridnb command does
        from ..cli import _import_quietly

        _import_quietly()
    made = []
    started = time.perf_counter()
    folder = Path(args.output)
    try:
        with sigterm_as_interrupt():
            table = batch(args.spec, folder, workers=args.workers, scheduler=args.scheduler, threads=args.tf_threads,
                          progress=not args.quiet, on_row=made.append, **parameters)  # fmt: skip
    except ValueError as error:  # the spec, a default, the folder, the cluster
        raise UsageError(str(error)) from None
    except KeyboardInterrupt:
        try:
            table = read_manifest(folder)
        except (OSError, ValueError):
            table = []
        done = sum(r["status"] == DONE for r in table)
        print(f"hybridnb batch: interrupted with {done} of {len(table)} rows done, the manifest written; "
              "run the same command again to make the rest", file=sys.stderr)  # fmt: skip
        return EXIT_INTERRUPTED
    seconds = time.perf_counter() - started
    done = sum(r["status"] == DONE for r in table)
    failed = sum(r["status"] == FAILED for r in table)
    new = sum(r["status"] == DONE for r in made)
    rate = f" ({60 * new / seconds:.1f} rows/min)" if new else ""
    print(f"{folder}: {done} of {len(table)} rows done ({new} made now, {done - new} kept), {failed} failed, "
          f"in {seconds:.1f} s{rate}; manifest: {folder / MANIFEST_CSV}")  # fmt: skip
    return EXIT_SOME_FAILED if failed else 0
