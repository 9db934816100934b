"""The ``hybridnb`` command line: make a hybrid image from two pictures.

By default it fits the viewer's loss (``--method viewer``); ``--method
article`` runs the article's experiment (its parameters, the blur scaled
with ``--size``).  With no pictures it uses the default sample pair.
``hybridnb batch`` makes many (:mod:`hybridnb.ui.batch`).  Errors in the input give one line on stderr and exit
status 2, before any work: the options, the pictures and the output's name
(:func:`hybridnb.imaging.output.check_output`: its format, its length, what
is there) are all checked first.

An existing output file is never replaced unless ``--force`` is given, and
then only a regular file (through a symbolic link: the file it points to,
keeping its permissions).  The picture is written whole or not at all (a
temporary file moved into place).  If the output appears while training
(another run finished first), the result is saved beside it as
``OUT-1.png`` and the command says so.

Ctrl-C, SIGTERM and SIGHUP after the first step save the picture reached
within a second or two and say where (:mod:`hybridnb.ui.interrupts`); a
closed or full stdout or stderr never stops the work
(:mod:`hybridnb.ui.terminal`).  Exit status: 0 saved, 1 the save failed, 2
bad input, 128 + the signal's number when interrupted.

This module imports only the standard library at first, so that the
``hybridnb`` command handles Ctrl-C from its first moments; NumPy, Pillow
and TensorFlow load later.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import math
import os
import re
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from .interrupts import Interrupted, Interrupts
from .terminal import Tolerant, ensure_standard_streams

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """Bad input: reported as one line and exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line, no usage dump
        raise UsageError(f"{message} (see hybridnb --help)")

    def _print_message(self, message: str, file=None) -> None:  # --help into a closed pipe: no traceback
        if message:
            Tolerant(file or sys.stderr).write(message)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def _number(minimum: float, strict: bool):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not math.isfinite(value) or value < minimum or (strict and value == minimum):
            bound = f"> {minimum:g}" if strict else f">= {minimum:g}"
            raise argparse.ArgumentTypeError(f"expected a number {bound}, got {text!r}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    """The command's options; their defaults come from :data:`hybridnb.optimize.settings.VIEWER` and ``ARTICLE``."""
    from ..optimize.settings import ARTICLE, DEFAULT_LR, FIT_LR, METHODS, VIEWER, VIEWER_LR

    v, a = VIEWER, ARTICLE
    p = _Parser(
        prog="hybridnb",
        description=(
            "Make a hybrid image: NEAR is seen up close, FAR from afar. The picture is fitted by gradient descent "
            "in TensorFlow. By default (--method viewer) it is the picture in the display's range that looks most "
            "like the ideal frequency split to a viewer up close and from afar, at the crossover where both "
            "pictures are equally visible. --method article runs the Habr article's experiment (a sharp match to "
            "NEAR, a linear-light blurred match to FAR, 200 plain descent steps). With no pictures it uses the "
            "default sample pair."
        ),
        epilog=(
            "NEAR and FAR are picture files or names of bundled samples: astronaut, camera, cat, coffee, hopper "
            "(write ./cat for a file named cat). OUT may end in .png (the default), .tif, .webp or .bmp, or in "
            ".jpg or .gif, which lose detail. Ctrl-C saves the picture reached so far. "
            "Many hybrids from a spec: hybridnb batch SPEC -o DIR (see hybridnb batch --help)."
        ),
    )
    p.add_argument("near", nargs="?", metavar="NEAR", help="picture seen up close")
    p.add_argument("far", nargs="?", metavar="FAR", help="picture seen from afar")
    p.add_argument(
        "-o", "--output", default="hybrid.png", metavar="OUT.png", help="where to save (default: %(default)s)"
    )
    p.add_argument(
        "--method",
        choices=METHODS,
        default=v.method,
        help="viewer: the viewer's loss (default); article: the article's loss and run",
    )
    p.add_argument("--size", type=_positive_int, default=v.size, help="side in pixels (default: %(default)s)")
    p.add_argument(
        "--steps", type=_positive_int, default=None, help=f"steps (default: {v.steps} viewer, {a.steps} article)"
    )
    p.add_argument(
        "--lr",
        type=_number(0, True),
        default=None,
        help=f"learning rate (default: {VIEWER_LR} viewer; article: {DEFAULT_LR['sgd']} sgd, "
        f"{DEFAULT_LR['adam']} adam, {FIT_LR} fit)",
    )
    p.add_argument(
        "--m-precise",
        type=_number(0, False),
        default=None,
        help=f"weight of the near picture (default: {v.m_precise:g} viewer, {a.m_precise:g} article)",
    )
    p.add_argument(
        "--m-blurred",
        type=_number(0, False),
        default=None,
        help=f"weight of the far picture (default: {v.m_blurred:g} viewer, {a.m_blurred:g} article)",
    )
    viewer = p.add_argument_group("the viewer's loss (--method viewer)")
    viewer.add_argument(
        "--crossover",
        type=_number(0, True),
        default=None,
        metavar="CYCLES",
        help="cycles per picture where the far picture hands over to the near one; higher shows more of the far "
        "picture (default: found from the pictures, both equally visible)",
    )
    viewer.add_argument(
        "--near-distance",
        type=_number(0, True),
        default=None,
        metavar="WIDTHS",
        help=f"viewing distance up close, in picture widths (default: {v.near_distance:g})",
    )
    viewer.add_argument(
        "--far-distance",
        type=_number(0, True),
        default=None,
        metavar="WIDTHS",
        help=f"viewing distance from afar, in picture widths (default: {v.far_distance:g})",
    )
    viewer.add_argument(
        "--space",
        choices=("display", "linear"),
        default=None,
        help=f"form the split in display values or linear light (default: {v.space})",
    )
    article = p.add_argument_group("the article's loss (--method article)")
    article.add_argument(
        "--kernel-size",
        type=_positive_int,
        default=None,
        help=f"blur kernel taps (default: {a.kernel_size} at {a.size} px, scaled with --size)",
    )
    article.add_argument(
        "--sigma",
        type=_number(0, True),
        default=None,
        help=f"blur sigma in pixels (default: {a.sigma:g} at {a.size} px, scaled with --size)",
    )
    article.add_argument(
        "--optimizer",
        choices=("sgd", "adam", "fit"),
        default=None,
        help="sgd is the article's (default); fit is the fast path (classic-hybrid start, Adam, stops at "
        "--target-loss)",
    )
    article.add_argument(
        "--target-loss",
        type=_number(0, False),
        default=None,
        help="with --optimizer fit: stop as soon as the loss is at most this (--steps is then the most steps)",
    )
    p.add_argument(
        "--align",
        choices=("auto",),
        default=None,
        help="auto: line FAR up with NEAR by the eyes of the faces in them (without it, and without "
        "--align-points, each picture keeps its centre square)",
    )
    p.add_argument(
        "--align-points",
        metavar="POINTS",
        default=None,
        help="line FAR up with NEAR by matching points, in each picture's own pixels: 'x1,y1 x2,y2 : X1,Y1 X2,Y2' "
        "(NEAR's points, a colon, FAR's; 2 pairs: turn, scale and shift; 3 or more: affine), "
        "or a JSON file of points as the panel exports it",
    )
    p.add_argument(
        "--zoom",
        metavar="ZOOM.gif",
        help="also write the zoom-out animation of the result (the picture shrinking until the far one "
        "appears): an animated .gif or .webp",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "-f", "--force", action="store_true", help="replace OUT.png if it exists (without it, an existing file is kept)"
    )
    return p


def settings_from(args: argparse.Namespace):
    """The run the options ask for (:class:`~hybridnb.optimize.settings.RunSettings`), checked.

    The method's table, what was given on top, the article's blur scaled with
    the size.

    Raises
    ------
    UsageError
        For an option of the other method, ``--target-loss`` without
        ``--optimizer fit``, or a value the settings refuse (named as the option).
    """
    from ..optimize.settings import ARTICLE_ONLY, VIEWER_ONLY, RunSettings, method_defaults

    given = {name: value for name, value in vars(args).items() if value is not None}
    other = ARTICLE_ONLY if args.method == "viewer" else VIEWER_ONLY
    wrong = [name for name in other if name in given]
    if wrong:
        flag = "--" + wrong[0].replace("_", "-")
        other_method = "article" if args.method == "viewer" else "viewer"
        raise UsageError(f"{flag} belongs to --method {other_method}")
    if given.get("optimizer", "sgd") != "fit" and "target_loss" in given:
        raise UsageError("--target-loss needs --optimizer fit")
    fields = {f.name for f in dataclasses.fields(RunSettings)}
    chosen = {name: value for name, value in given.items() if name in fields}
    try:
        return dataclasses.replace(method_defaults(args.method, args.size), **chosen)
    except ValueError as error:  # "m_precise must be ..." -> "--m-precise must be ..."
        message = re.sub(r"^(\w+)", lambda m: _OPTIONS.get(m.group(1), m.group(1)), str(error))
        raise UsageError(message) from None


@contextlib.contextmanager
def _native_stderr_captured() -> Iterator[None]:
    """Hold back what native code writes to stderr; replay it if an error escapes.

    TensorFlow's C++ start-up messages (CUDA probing, oneDNN notices) bypass
    every logging setting; on a terminal they bury the progress bar.  An
    interrupt is not an error: nothing is replayed then.
    """
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        except Exception:
            os.dup2(saved, 2)
            held.seek(0)
            Tolerant(sys.stderr).write(held.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _import_quietly():
    with _native_stderr_captured():
        from .startup import import_tensorflow_without_keras

        tf = import_tensorflow_without_keras()
        import hybridnb

        tf.zeros(1).numpy()  # the first op probes for devices: say it here, quietly
    return hybridnb


#: The option that sets each field of RunSettings, for messages.
_OPTIONS = {name: "--" + name.replace("_", "-") for name in
            ("size", "steps", "lr", "kernel_size", "sigma", "m_precise", "m_blurred", "target_loss", "method",
             "crossover", "near_distance", "far_distance", "space")}  # fmt: skip


def _check_output(path: Path, force: bool):
    """Refuse, before any work, an output that cannot or must not be written; return its format."""
    from ..imaging.files import shown
    from ..imaging.output import check_output

    try:
        return check_output(path, overwrite=force)
    except FileExistsError:
        raise UsageError(f"{shown(path)} exists; pass --force to replace it, or choose another -o") from None
    except (ValueError, OSError) as error:
        raise UsageError(str(error)) from None


class _Output:
    """Where the command's lines go: stdout and stderr that never raise (:class:`~hybridnb.ui.terminal.Tolerant`)."""

    def __init__(self) -> None:
        self.out, self.err = Tolerant(sys.stdout), Tolerant(sys.stderr)

    def say(self, line: str) -> None:
        self.out.write(line + "\n")
        if self.out.failed is not None:  # the picture is saved all the same: say so where one can
            self.err.write(f"hybridnb: could not write to stdout ({self.out.failed}); {line}\n")

    def note(self, line: str) -> None:
        self.err.write(f"hybridnb: {line}\n")


def _save(hn, image, path: Path, force: bool, output: _Output) -> Path:
    """Save the result; if ``path`` appeared during the run (and no --force), save beside it."""
    from ..imaging.files import shown

    try:
        saved = hn.save_image(image, path, overwrite=force, beside=True)
    except (OSError, ValueError) as error:
        raise SaveError(f"could not save the picture to {shown(path)}: {error}") from None
    if saved != path:
        output.note(f"{shown(path)} appeared during the run; saved to {shown(saved)} instead")
    return saved


def _alignment_points(args: argparse.Namespace):
    """The --align-points, read and checked before any work (None without them)."""
    from .pairing import PointPairs

    if args.align_points is None:
        return None
    if args.align is not None:
        raise UsageError("give --align auto or --align-points, not both")
    try:
        return PointPairs.read(args.align_points)
    except ValueError as error:
        raise UsageError(f"--align-points: {error}") from None


class SaveError(Exception):
    """The picture could not be written (a full disk, a file system error): exit status 1."""


def run(argv: Sequence[str] | None = None, interrupts: Interrupts | None = None) -> int:
    """Parse ``argv``, make the hybrid, save it; return the exit status.

    ``interrupts`` (made by :func:`main`) decides what a signal does at each
    phase; without it the process's handlers stay.
    """
    interrupts = Interrupts() if interrupts is None else interrupts
    output = _Output()
    args = build_parser().parse_args(argv)
    if (args.near is None) != (args.far is None):
        raise UsageError("give both NEAR and FAR pictures, or neither for the default pair")
    out = Path(args.output)
    fmt = _check_output(out, args.force)
    zoom = None if args.zoom is None else Path(args.zoom)
    if zoom is not None:
        if zoom.suffix.lower() not in (".gif", ".webp"):
            raise UsageError(f"--zoom {zoom}: the animation's name must end in .gif or .webp")
        _check_output(zoom, args.force)
    settings = settings_from(args)
    points = _alignment_points(args)
    if fmt.loses:
        output.note(f"note: {fmt.loses}")

    from tqdm.auto import tqdm

    hn = _import_quietly()
    from ..imaging.files import shown
    from ..optimize.runs import HybridRun
    from .pairing import load_pair

    near = args.near if args.near is not None else hn.DEFAULT_NEAR
    far = args.far if args.far is not None else hn.DEFAULT_FAR
    try:
        pair = load_pair(near, far, args.size, points=points, auto=args.align == "auto")
    except FileNotFoundError as error:
        raise UsageError(f"{error} (or a sample name: {', '.join(hn.sample_images())})") from None
    except ValueError as error:
        raise UsageError(str(error)) from None
    except OSError as error:  # a picture that cannot be opened: permissions, an I/O error
        name = shown(error.filename) if error.filename else "a picture"
        raise UsageError(f"cannot read {name}: {error.strerror or error}") from None
    img_near, img_far = pair.near, pair.far
    for note in pair.notes:
        output.note(note)
    try:
        job = HybridRun(img_near, img_far, settings)
    except ValueError as error:
        raise UsageError(str(error)) from None

    every = max(1, settings.steps // 100)
    bar = tqdm(total=settings.steps, unit="step", disable=args.quiet, file=output.err, desc="hybridnb")

    def progress(steps: int, report) -> None:
        bar.update(steps - bar.n)
        bar.set_postfix(loss=f"{report.loss:.5g}", refresh=False)

    def stop() -> None:
        if job.model.steps == 0:  # nothing worth saving yet
            raise Interrupted(interrupts.received)
        job.stop()

    interrupts.working(stop)
    interrupted = False
    try:
        job.run(progress, every=every)
    except FloatingPointError as error:
        raise UsageError(str(error)) from None  # it names the rate and a smaller one
    except KeyboardInterrupt:  # raised by other means than our handlers (or before the first step)
        if job.model.steps == 0:
            raise
        interrupted = True  # the model holds the picture of its last chunk
    finally:
        interrupts.finishing()  # from here on a signal waits: the picture is written whole
        bar.update(job.model.steps - bar.n)
        bar.close()
    out = _save(hn, job.model.image(), out, args.force, output)
    if interrupted or interrupts.received is not None:
        output.note(
            f"{interrupts.name} after {job.model.steps} of {settings.steps} steps; saved the picture so far to "
            f"{shown(out)}"
        )
        return interrupts.status or EXIT_INTERRUPTED
    final = job.final()  # the saved picture's loss
    output.say(f"saved {shown(out)}: {job.describe(final)}")
    hint = job.advice()
    if hint:
        output.note(hint)
    if zoom is not None:
        written = hn.zoom_animation(job.model.image(), zoom, overwrite=args.force, beside=True)
        note = f" ({shown(zoom)} appeared during the run)" if written != zoom else ""
        output.say(f"saved {shown(written)}: the zoom-out animation{note}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``hybridnb`` and ``python -m hybridnb``; returns the exit status.

    Bad input is one line on stderr and status 2; a picture that cannot be
    saved is one line and status 1; an interrupt before the first step is
    one line and ``128 + signal``.  Whatever happens to stdout and stderr,
    the status tells what happened to the picture.  ``hybridnb batch ...``
    goes to :mod:`hybridnb.ui.batch.command`, which handles its own signals.
    """
    ensure_standard_streams()
    err = Tolerant(sys.stderr)
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["batch"]:
        from .batch.command import run as batch

        try:
            return batch(argv[1:])
        except UsageError as error:
            err.write(f"hybridnb: error: {error}\n")
            return EXIT_USAGE
    with Interrupts() as interrupts:
        try:
            return run(argv, interrupts)
        except UsageError as error:
            err.write(f"hybridnb: error: {error}\n")
            return EXIT_USAGE
        except SaveError as error:
            err.write(f"hybridnb: error: {error}\n")
            return EXIT_FAILURE
        except KeyboardInterrupt as error:  # before the first step: nothing to save
            signum = getattr(error, "signum", None) or interrupts.received or signal.SIGINT
            name = "interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}"
            err.write(f"hybridnb: {name} before the first step; nothing saved\n")
            return 128 + signum
        except OSError as error:  # the operating system failed us (an I/O error): not the input's fault
            err.write(f"hybridnb: error: {error}\n")
            return EXIT_FAILURE


def console_main() -> int:
    """The ``hybridnb`` command: :func:`main`, then a quick exit.

    Once TensorFlow is loaded (some 330 000 objects tracked by the garbage
    collector), the interpreter's shutdown spends 0.4-1.0 s in collection
    passes over them while it tears modules down (2 CPU cores,
    ``bench/startup.py``).  ``gc.freeze()`` moves them out of the collector's
    sight first, so the exit takes about 0.05 s; ``atexit`` handlers,
    flushing and closing still run as usual.  Only for a process that ends right after (``main`` itself
    is called in-process by the tests and must not freeze their heap).

    From the moment it returns, the process is ending: interrupts are
    ignored, so none can print a traceback over the result.
    """
    status = main()
    for signum in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)):
        signal.signal(signum, signal.SIG_IGN)
    gc.freeze()
    return status
