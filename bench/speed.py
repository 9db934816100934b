"""Time to the article's quality: the article's own loop against ``HybridModel.fit``, in one process.

Run from the repository root::

    python bench/speed.py                 # the default pair, the article's parameters, 512 x 512
    python bench/speed.py --all-pairs     # and the fast path on the other sample pairs
    python bench/speed.py --size 2048 --article-steps 0   # scale: no anchor, fast path only

What it does, on one pair of pictures:

1. the article's code (``bench/article.py``: eager, float64, a NumPy round
   trip per step) runs its 200 plain steps; the loss of the picture it ends
   with is the *target*;
2. ``HybridModel.train`` runs the same 200 steps compiled (float32);
3. ``HybridModel.fit(target_loss=target)`` runs warm (after one untimed call
   that traces), best of ``--repeats``;
4. a fresh Python process loads the pictures and runs ``fit`` to the same
   target, timing everything after the imports (tracing included), and
   reports its peak memory; then the ``hybridnb`` command does the same
   whole (``--optimizer fit --target-loss``), timed from outside
   (``bench/startup.py`` breaks that time down);
5. if ``hybridnb.comparison_grid`` exists, the batched grid against the sum
   of its cells run one by one.

It prints the ratios, time per step, steps to the target and peak memory
(the largest resident set, ``ru_maxrss``).  Timings on a shared machine
move with the load; the ratios are measured side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
HERE = Path(__file__).resolve().parent

# The article's experiment.
KERNEL_SIZE, SIGMA, STEPS, LR, M_PRECISE, M_BLURRED = 15, 3.0, 200, 0.3, 0.1, 1.0


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Largest resident set so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(who).ru_maxrss / 1024


def load_pair(near: str, far: str, size: int):
    import hybridnb as hn

    samples = hn.sample_images()
    return hn.load_image(samples[near], size), hn.load_image(samples[far], size)


def article_run(near_img, far_img, size: int, steps: int) -> tuple[float, float]:
    """The article's loop; returns (seconds, loss of the picture it ends with)."""
    sys.path.insert(0, str(HERE))
    import article

    model = article.MyModel(size, size, gauss_kernel_size=KERNEL_SIZE, gauss_sigma=SIGMA)
    kwargs = dict(img_precise=near_img, img_blurred=far_img, m_precise=M_PRECISE, m_blurred=M_BLURRED)
    start = time.perf_counter()
    model.train(steps_count=steps, print_loss_steps=50, lr=LR, **kwargs)
    seconds = time.perf_counter() - start
    return seconds, model.run(**kwargs).loss


def compiled_sgd(near_img, far_img, size: int, steps: int) -> tuple[float, float]:
    """``HybridModel.train`` with the article's step; returns (seconds, final loss)."""
    import hybridnb as hn

    kwargs = dict(img_precise=near_img, img_blurred=far_img, m_precise=M_PRECISE, m_blurred=M_BLURRED)
    hn.HybridModel(size, size, KERNEL_SIZE, SIGMA).train(2, 0, LR, verbose=False, **kwargs)  # trace
    model = hn.HybridModel(size, size, KERNEL_SIZE, SIGMA)
    start = time.perf_counter()
    model.train(steps, 0, LR, verbose=False, **kwargs)
    seconds = time.perf_counter() - start
    return seconds, model.run(near_img, far_img, M_PRECISE, M_BLURRED).loss


def fit_once(near_img, far_img, size: int, target: float | None, max_steps: int = 1000):
    """One ``fit`` from a fresh model; returns (seconds, report)."""
    import hybridnb as hn

    start = time.perf_counter()
    model = hn.HybridModel(size, size, KERNEL_SIZE, SIGMA)
    report = model.fit(near_img, far_img, m_precise=M_PRECISE, m_blurred=M_BLURRED, target_loss=target,
                       max_steps=max_steps)  # fmt: skip
    return time.perf_counter() - start, report


def fit_warm(near_img, far_img, size: int, target: float, repeats: int):
    """Best of ``repeats`` warm fits; returns (seconds, report)."""
    fit_once(near_img, far_img, size, target)  # trace
    runs = [fit_once(near_img, far_img, size, target) for _ in range(repeats)]
    return min(runs, key=lambda run: run[0])


def step_time(near_img, far_img, size: int, steps: int = 30) -> float:
    """Seconds per Adam step of ``fit`` (no target: exactly ``steps`` steps, start excluded)."""
    import hybridnb as hn

    model = hn.HybridModel(size, size, KERNEL_SIZE, SIGMA)
    kwargs = dict(m_precise=M_PRECISE, m_blurred=M_BLURRED)
    model.fit(near_img, far_img, max_steps=1, **kwargs)  # trace and start
    start = time.perf_counter()
    model.fit(near_img, far_img, max_steps=steps, **kwargs)
    return (time.perf_counter() - start) / steps


def fresh_process(near: str, far: str, size: int, target: float | None, max_steps: int) -> dict:
    """Run ``fit`` in a new interpreter; returns what the child measured, plus its whole wall time."""
    command = [sys.executable, __file__, "--child", "--near", near, "--far", far, "--size", str(size),
               "--max-steps", str(max_steps)]  # fmt: skip
    if target is not None:
        command += ["--target", repr(target)]
    start = time.perf_counter()
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - start
    return result


def command_line(near: str, far: str, size: int, target: float, repeats: int) -> tuple[float, str]:
    """Best wall time of the ``hybridnb`` command making the hybrid with ``fit`` in a new process; its output."""
    import tempfile

    times, said = [], ""
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "hybridnb", near, far, "--size", str(size), "--optimizer", "fit",
                   "--target-loss", repr(target), "-q", "-f", "-o", str(Path(folder) / "hybrid.png")]  # fmt: skip
        for _ in range(repeats):
            start = time.perf_counter()
            said = subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()
            times.append(time.perf_counter() - start)
    return min(times), said


def child(args) -> None:
    """In the fresh process: imports, then pictures + model + tracing + fit, timed."""
    start = time.perf_counter()
    import tensorflow  # noqa: F401  (the import is timed apart from the work)

    import hybridnb as hn

    imported = time.perf_counter()
    near_img, far_img = load_pair(args.near, args.far, args.size)
    model = hn.HybridModel(args.size, args.size, KERNEL_SIZE, SIGMA)
    report = model.fit(near_img, far_img, m_precise=M_PRECISE, m_blurred=M_BLURRED, target_loss=args.target,
                       max_steps=args.max_steps)  # fmt: skip
    done = time.perf_counter()
    print(json.dumps({"import_s": imported - start, "fit_s": done - imported, "steps": report.steps,
                      "loss": report.loss, "peak_rss_mb": peak_rss_mb()}))  # fmt: skip


def grid_bench(near_img, far_img, size: int, steps: int) -> None:
    import hybridnb as hn

    if not hasattr(hn, "comparison_grid") and "comparison_grid" not in getattr(hn, "_EXPORTS", {}):
        print("grid: skipped: not available")
        return
    weights = (0.1, 0.3, 1.0)
    hn.comparison_grid(near_img, far_img, weights, steps_count=2, print_loss_steps=0)  # trace
    start = time.perf_counter()
    hn.comparison_grid(near_img, far_img, weights, steps_count=steps, print_loss_steps=0)
    batched = time.perf_counter() - start
    kwargs = dict(img_precise=near_img, img_blurred=far_img, m_blurred=M_BLURRED, verbose=False)
    start = time.perf_counter()
    for m in weights:
        hn.HybridModel(size, size, KERNEL_SIZE, SIGMA).train(steps, 0, LR, m_precise=m, **kwargs)
    cells = time.perf_counter() - start
    print(f"grid: 3 cells x {steps} sgd steps batched {batched:.2f} s, one by one {cells:.2f} s, "
          f"ratio {batched / cells:.2f}")  # fmt: skip


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--near", default="hopper")
    parser.add_argument("--far", default="astronaut")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--article-steps", type=int, default=STEPS,
                        help="steps of the article's own loop (0: skip it, target from the compiled sgd)")  # fmt: skip
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--all-pairs", action="store_true", help="also fit the other sample pairs")
    parser.add_argument("--max-steps", type=int, default=1000)
    parser.add_argument("--target", type=float, default=None)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return

    import tensorflow as tf

    import hybridnb as hn

    print(f"hybridnb speed bench: {args.size}x{args.size}, {args.near} near / {args.far} far, kernel {KERNEL_SIZE}, "
          f"sigma {SIGMA}, m_precise {M_PRECISE}; TensorFlow {tf.__version__}, {os.cpu_count()} CPUs")  # fmt: skip
    near_img, far_img = load_pair(args.near, args.far, args.size)
    sgd_s, sgd_loss = compiled_sgd(near_img, far_img, args.size, STEPS)
    if args.article_steps:
        article_s, article_loss = article_run(near_img, far_img, args.size, args.article_steps)
        print(f"article's code: {args.article_steps} steps in {article_s:.2f} s "
              f"({1e3 * article_s / args.article_steps:.1f} ms/step), final loss {article_loss:.2f}")  # fmt: skip
        if args.article_steps != STEPS:
            article_s *= STEPS / args.article_steps
            print(f"  (scaled to {STEPS} steps: {article_s:.1f} s; target from the compiled sgd)")
        target = article_loss if args.article_steps == STEPS else sgd_loss
    else:
        article_s, target = None, sgd_loss
    print(f"compiled sgd:   {STEPS} steps in {sgd_s:.2f} s ({1e3 * sgd_s / STEPS:.1f} ms/step), "
          f"final loss {sgd_loss:.2f}")  # fmt: skip
    print(f"target loss:    {target:.2f}")
    fit_s, report = fit_warm(near_img, far_img, args.size, target, args.repeats)
    per_step = step_time(near_img, far_img, args.size)
    print(f"fit (warm):     {fit_s:.3f} s, {report.steps} steps to loss {report.loss:.2f} "
          f"({1e3 * per_step:.1f} ms per Adam step)")  # fmt: skip
    fresh = fresh_process(args.near, args.far, args.size, target, args.max_steps)
    print(f"fit (fresh process): {fresh['fit_s']:.2f} s after imports incl. tracing ({fresh['steps']} steps, "
          f"loss {fresh['loss']:.2f}); imports {fresh['import_s']:.2f} s; whole process {fresh['process_s']:.2f} s; "
          f"peak RSS {fresh['peak_rss_mb']:.0f} MiB")  # fmt: skip
    cli_s, said = command_line(args.near, args.far, args.size, target, args.repeats)
    print(f"command line (fresh process, whole: imports, pictures, tracing, fit, saving), best of {args.repeats}: "
          f"{cli_s:.2f} s; it said: {said}")  # fmt: skip
    if article_s is not None:
        print(f"RATIO article / fit warm:  {article_s / fit_s:.0f}x")
        print(f"RATIO article / fit fresh: {article_s / fresh['fit_s']:.0f}x")
    print(f"RATIO compiled sgd / fit warm: {sgd_s / fit_s:.1f}x")
    print(f"peak RSS of this process: {peak_rss_mb():.0f} MiB")
    if args.all_pairs:
        names = sorted(hn.sample_images())
        pairs = [(a, b) for a, b in zip(names, names[1:] + names[:1], strict=True)] + [(args.far, args.near)]
        for near, far in pairs:
            pair = load_pair(near, far, args.size)
            _, pair_target = compiled_sgd(*pair, args.size, STEPS)
            seconds, rep = fit_warm(*pair, args.size, pair_target, args.repeats)
            print(f"pair {near:>9} near / {far:<9} far: target (compiled sgd, 200 steps) {pair_target:9.2f}; "
                  f"fit {seconds:.3f} s warm, {rep.steps:3d} steps, loss {rep.loss:9.2f}")  # fmt: skip
    grid_bench(near_img, far_img, args.size, STEPS)


if __name__ == "__main__":
    main()
