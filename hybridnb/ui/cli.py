"""The ``hybridnb`` command line: make a hybrid image from two pictures.

With no pictures it runs the article's experiment (its parameters) on the
default sample pair.  Errors in the input give one line on stderr and exit
status 2; Ctrl-C saves the picture reached so far.

An existing output file is never replaced unless ``--force`` is given: the
check happens before any work, so a refusal costs nothing.  The picture is
written whole or not at all (a temporary file moved into place).  If the
output appears while training (another run finished first), the result is
saved beside it as ``OUT-1.png`` and the command says so.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import math
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from PIL import Image

from ..optimize.settings import ARTICLE, DEFAULT_LR, FIT_LR, RunSettings

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """Bad input: reported as one line and exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line, no usage dump
        raise UsageError(f"{message} (see hybridnb --help)")


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
    """The command's options, their defaults from :data:`hybridnb.ARTICLE`."""
    a = ARTICLE
    p = _Parser(
        prog="hybridnb",
        description=(
            "Make a hybrid image: NEAR is seen up close, FAR from afar. The picture is fitted by "
            "gradient descent in TensorFlow (sharp match to NEAR, linear-light blurred match to FAR). "
            "With no pictures, runs the article's experiment on the default sample pair."
        ),
        epilog="NEAR and FAR are picture files or names of bundled samples: astronaut, camera, cat, coffee, hopper.",
    )
    p.add_argument("near", nargs="?", metavar="NEAR", help="picture seen up close")
    p.add_argument("far", nargs="?", metavar="FAR", help="picture seen from afar")
    p.add_argument(
        "-o", "--output", default="hybrid.png", metavar="OUT.png", help="where to save (default: %(default)s)"
    )
    p.add_argument("--size", type=_positive_int, default=a.size, help="side in pixels (default: %(default)s)")
    p.add_argument("--steps", type=_positive_int, default=a.steps, help="descent steps (default: %(default)s)")
    p.add_argument(
        "--lr",
        type=_number(0, True),
        default=None,
        help=f"learning rate (default: {DEFAULT_LR['sgd']} for sgd, {DEFAULT_LR['adam']} for adam, {FIT_LR} for fit)",
    )
    p.add_argument(
        "--kernel-size", type=_positive_int, default=a.kernel_size, help="blur kernel taps (default: %(default)s)"
    )
    p.add_argument(
        "--sigma", type=_number(0, True), default=a.sigma, help="blur sigma in pixels (default: %(default)s)"
    )
    p.add_argument(
        "--m-precise",
        type=_number(0, False),
        default=a.m_precise,
        help="weight of the near match (default: %(default)s)",
    )
    p.add_argument(
        "--m-blurred",
        type=_number(0, False),
        default=a.m_blurred,
        help="weight of the far match (default: %(default)s)",
    )
    p.add_argument(
        "--optimizer",
        choices=("sgd", "adam", "fit"),
        default=a.optimizer,
        help="sgd is the article's; fit is the fast path (classic-hybrid start, Adam, stops at --target-loss) "
        "(default: %(default)s)",
    )
    p.add_argument(
        "--target-loss",
        type=_number(0, False),
        default=None,
        help="with --optimizer fit: stop as soon as the loss is at most this (--steps is then the most steps)",
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


@contextlib.contextmanager
def _native_stderr_captured() -> Iterator[None]:
    """Hold back what native code writes to stderr; replay it if an error escapes.

    TensorFlow's C++ start-up messages (CUDA probing, oneDNN notices) bypass
    every logging setting; on a terminal they bury the progress bar.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            held.seek(0)
            sys.stderr.write(held.read().decode(errors="replace"))
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


def _check_output(path: Path, force: bool) -> None:
    """Refuse, before any work, an output that cannot or must not be written."""
    suffix = path.suffix.lower()
    if suffix and suffix not in Image.registered_extensions():
        raise UsageError(f"cannot save a picture as {suffix!r}: use .png")
    folder = path.parent
    if not folder.exists():
        raise UsageError(f"the folder {folder} does not exist")
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name such as {path / 'hybrid.png'}")
    if path.exists() and not force:
        raise UsageError(f"{path} exists; pass --force to replace it, or choose another -o")
    try:  # the one reliable test (permissions, read-only mounts, root): create a file there
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".hybridnb-", suffix=".part"):
            pass
    except OSError as error:
        raise UsageError(f"cannot write to the folder {folder} ({error.strerror or error})") from None


def _save(hn, image, path: Path, force: bool) -> Path:
    """Save the result; if ``path`` appeared during the run (and no --force), save beside it."""
    saved = hn.save_image(image, path, overwrite=force, beside=True)
    if saved != path:
        print(f"hybridnb: {path} appeared during the run; saved to {saved} instead", file=sys.stderr)
    return saved


def run(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv``, make the hybrid, save it; return the exit status."""
    args = build_parser().parse_args(argv)
    if (args.near is None) != (args.far is None):
        raise UsageError("give both NEAR and FAR pictures, or neither for the default pair")
    out = Path(args.output)
    _check_output(out, args.force)
    zoom = None if args.zoom is None else Path(args.zoom)
    if zoom is not None:
        if zoom.suffix.lower() not in (".gif", ".webp"):
            raise UsageError(f"--zoom {zoom}: the animation's name must end in .gif or .webp")
        _check_output(zoom, args.force)
    if args.target_loss is not None and args.optimizer != "fit":
        raise UsageError("--target-loss needs --optimizer fit")
    settings = RunSettings(
        size=args.size, kernel_size=args.kernel_size, sigma=args.sigma, m_precise=args.m_precise,
        m_blurred=args.m_blurred, lr=args.lr, steps=args.steps, optimizer=args.optimizer, target_loss=args.target_loss,
    )  # fmt: skip

    from tqdm.auto import tqdm

    hn = _import_quietly()
    from ..optimize.runs import HybridRun

    near = args.near if args.near is not None else hn.DEFAULT_NEAR
    far = args.far if args.far is not None else hn.DEFAULT_FAR
    try:
        img_near = hn.load_image(near, size=args.size)
        img_far = hn.load_image(far, size=args.size)
    except FileNotFoundError as error:
        raise UsageError(f"{error} (or a sample name: {', '.join(hn.sample_images())})") from None
    except ValueError as error:
        raise UsageError(str(error)) from None
    try:
        job = HybridRun(img_near, img_far, settings)
    except ValueError as error:
        raise UsageError(str(error)) from None

    every = max(1, args.steps // 100)
    bar = tqdm(total=args.steps, unit="step", disable=args.quiet, file=sys.stderr, desc="hybridnb")

    def progress(steps: int, report) -> None:
        bar.update(steps - bar.n)
        bar.set_postfix(loss=f"{report.loss:.5g}", refresh=False)

    try:
        job.run(progress, every=every)
    except KeyboardInterrupt:
        bar.close()
        out = _save(hn, job.model.image(), out, args.force)
        print(
            f"hybridnb: interrupted after {job.model.steps} steps; saved the picture so far to {out}", file=sys.stderr
        )
        return EXIT_INTERRUPTED
    except FloatingPointError as error:
        bar.close()
        raise UsageError(str(error)) from None  # it names the rate and a smaller one
    bar.update(job.model.steps - bar.n)
    bar.close()
    out = _save(hn, job.model.image(), out, args.force)
    final = job.final()  # the saved picture's loss
    print(
        f"saved {out}: {job.model.steps} steps in {job.seconds:.1f} s, loss {final.loss:.6g} "
        f"(precise {final.loss_precise:.6g}, gauss {final.loss_gauss:.6g})"
    )
    if zoom is not None:
        written = hn.zoom_animation(job.model.image(), zoom, overwrite=args.force, beside=True)
        note = f" ({zoom} appeared during the run)" if written != zoom else ""
        print(f"saved {written}: the zoom-out animation{note}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``hybridnb`` and ``python -m hybridnb``."""
    try:
        return run(argv)
    except UsageError as error:
        print(f"hybridnb: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("hybridnb: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as error:  # e.g. the disk filled up while saving
        print(f"hybridnb: error: {error}", file=sys.stderr)
        return EXIT_USAGE


def console_main() -> int:
    """The ``hybridnb`` command: :func:`main`, then a quick exit.

    Once TensorFlow is loaded (some 330 000 objects tracked by the garbage
    collector), the interpreter's shutdown spends 0.4-1.0 s in collection
    passes over them while it tears modules down (2 CPU cores,
    ``bench/startup.py``).  ``gc.freeze()`` moves them out of the collector's
    sight first, so the exit takes about 0.05 s; ``atexit`` handlers,
    flushing and closing still run as usual.  Only for a process that ends right after (``main`` itself
    is called in-process by the tests and must not freeze their heap).
    """
    status = main()
    gc.freeze()
    return status
