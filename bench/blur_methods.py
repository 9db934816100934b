"""Direct (depthwise) against FFT blur, per training step, by kernel size: where FFT starts to pay.

Run from the repository root::

    python bench/blur_methods.py                   # 512 x 512, float32 and float64
    python bench/blur_methods.py --size 2048 --dtypes float32

For each kernel size it times one evaluation of the loss and its gradient
(two blurs: the picture's and the gradient's), the cost of one step, with
each method, and prints wall and CPU time per step (best of ``--repeats``
rounds of ``--steps`` steps) and the FFT / direct ratio.  ``FFT_MIN_TAPS``
in ``hybridnb/blur.py`` comes from this table.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import tensorflow as tf

import hybridnb as hn
from hybridnb.filters.viewing import far_view
from hybridnb.optimize.article import loss_and_gradient


def time_step(fn, steps: int, repeats: int) -> tuple[float, float]:
    """Best (wall, cpu) seconds per call of ``fn`` over ``repeats`` rounds of ``steps`` calls."""
    fn()[0].numpy()  # trace and warm up
    best = (np.inf, np.inf)
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(steps):
            out = fn()
        out[0].numpy()
        best = min(best, ((time.perf_counter() - wall) / steps, (time.process_time() - cpu) / steps))
    return best


def step_function(method: str):
    @tf.function(autograph=False)
    def step(logits, near, far_target, kernel):
        return loss_and_gradient(logits, near, far_target, kernel, 0.1, 1.0, 2.2, method=method)

    return step


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--taps", type=int, nargs="+", default=[9, 15, 21, 31, 41, 61, 91, 121])
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"])
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    samples = hn.sample_images()
    near = hn.load_image(samples["hopper"], args.size)[np.newaxis]
    far = hn.load_image(samples["astronaut"], args.size)[np.newaxis]
    print(f"loss + gradient (one step) at {args.size}x{args.size}: ms per step, best of {args.repeats} x "
          f"{args.steps}; TensorFlow {tf.__version__}, {os.cpu_count()} CPUs")  # fmt: skip
    print(f"{'dtype':8} {'taps':>5} {'sigma':>6} | {'direct wall':>11} {'cpu':>7} | {'fft wall':>9} {'cpu':>7} "
          f"| fft/direct (cpu)")  # fmt: skip
    steps = {method: step_function(method) for method in ("direct", "fft")}
    for dtype in args.dtypes:
        d = tf.as_dtype(dtype)
        near_t, far_t = tf.constant(near, d), tf.constant(far, d)
        logits = tf.zeros_like(near_t)
        for taps in args.taps:
            sigma = (taps - 1) / 6
            kernel = tf.constant(hn.make_gauss_blur_kernel(taps, sigma), d)
            target = far_view(far_t, kernel)
            inputs = (logits, near_t, target, kernel)
            times = {m: time_step(lambda s=s, a=inputs: s(*a), args.steps, args.repeats) for m, s in steps.items()}
            (dw, dc), (fw, fc) = times["direct"], times["fft"]
            print(f"{dtype:8} {taps:5d} {sigma:6.1f} | {1e3 * dw:11.1f} {1e3 * dc:7.1f} | {1e3 * fw:9.1f} "
                  f"{1e3 * fc:7.1f} | {fc / dc:5.2f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
