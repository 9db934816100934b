"""What the divergence guard costs: the guarded SGD step against the bare one.

``hybridnb.model._sgd_step`` applies an update only when the loss and the
update are finite (one extra reduction and a ``tf.cond``).  This times it
against the same step without the guard, alternating the two in one process
on the default pair, and prints the ratio.

    python bench/step_guard.py --size 512 --steps 40 --repeats 3
"""

from __future__ import annotations

import argparse
import time

import tensorflow as tf

import hybridnb as hn
from hybridnb.optimize import model as model_module


@tf.function(reduce_retracing=True, autograph=False)
def bare_step(var, img_precise, far_target, kernel, m_precise, m_blurred, gamma, lr):
    """The step before the guard: ``var -= lr * gradient`` whatever the numbers."""
    loss, loss_precise, loss_gauss, grad = model_module._loss_and_gradient(
        var.read_value(), img_precise, far_target, kernel, m_precise, m_blurred, gamma
    )
    var.assign_sub(lr * grad)
    return loss, loss_precise, loss_gauss, grad


def seconds(step, model, args, lr, steps: int) -> float:
    step(model.trainable_image, *args, lr)  # compiled before timing
    start = time.perf_counter()
    for _ in range(steps):
        out = step(model.trainable_image, *args, lr)
    float(out[0])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    samples = hn.sample_images()
    near = hn.load_image(samples[hn.DEFAULT_NEAR], args.size)
    far = hn.load_image(samples[hn.DEFAULT_FAR], args.size)
    model = hn.HybridModel(args.size, args.size, 15, 3.0)
    tensors = model._tensors(near, far, 0.1, 1.0)
    lr = tf.constant(0.3)
    times: dict[str, list[float]] = {"bare": [], "guarded": []}
    for _ in range(args.repeats):
        times["bare"].append(seconds(bare_step, model, tensors, lr, args.steps))
        times["guarded"].append(seconds(model_module._sgd_step, model, tensors, lr, args.steps))
    bare, guarded = min(times["bare"]), min(times["guarded"])
    print(f"{args.size} px, {args.steps} steps, best of {args.repeats}:")
    print(f"  bare    {1000 * bare / args.steps:7.2f} ms/step")
    print(f"  guarded {1000 * guarded / args.steps:7.2f} ms/step")
    print(f"  guarded / bare = {guarded / bare:.3f}")


if __name__ == "__main__":
    main()
