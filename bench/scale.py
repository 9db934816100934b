"""Scale: time per ``fit`` step and peak memory against picture size, each size in a fresh process.

Run from the repository root::

    python bench/scale.py                       # 512, 1024 and 2048 pixels square
    python bench/scale.py --sizes 512 2048 --taps 61

Each size runs in its own Python process so that its peak resident set
(``ru_maxrss``) is its own.  Per size it prints the milliseconds per Adam
step (best of ``--repeats`` rounds of ``--steps`` steps, warm), the same
per megapixel, and the peak RSS; time about proportional to pixels means a
flat ms/Mpx column.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def child(size: int, taps: int, steps: int, repeats: int) -> None:
    import hybridnb as hn

    samples = hn.sample_images()
    near, far = hn.load_image(samples["hopper"], size), hn.load_image(samples["astronaut"], size)
    sigma = (taps - 1) / 5
    model = hn.HybridModel(size, size, taps, sigma)
    kwargs = dict(m_precise=0.1, m_blurred=1.0)
    start = time.perf_counter()
    model.fit(near, far, max_steps=1, **kwargs)  # trace, start from the classic hybrid
    first = time.perf_counter() - start
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        model.fit(near, far, max_steps=steps, **kwargs)
        best = min(best, (time.perf_counter() - start) / steps)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"size": size, "step_s": best, "first_s": first, "peak_rss_mb": peak}))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[512, 1024, 2048])
    parser.add_argument("--taps", type=int, default=15)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.taps, args.steps, args.repeats)
        return
    print(f"fit steps by size, kernel {args.taps} taps, {os.cpu_count()} CPUs")
    print(f"{'size':>6} {'Mpx':>6} | {'ms/step':>8} {'ms/Mpx':>7} | {'1st call s':>10} | {'peak RSS MiB':>12}")
    for size in args.sizes:
        command = [sys.executable, __file__, "--child", str(size), "--taps", str(args.taps), "--steps",
                   str(args.steps), "--repeats", str(args.repeats)]  # fmt: skip
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        mpx = size * size / 1e6
        print(f"{size:6d} {mpx:6.2f} | {1e3 * r['step_s']:8.1f} {1e3 * r['step_s'] / mpx:7.1f} | "
              f"{r['first_s']:10.2f} | {r['peak_rss_mb']:12.0f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
