"""The comparison grid against its cells trained one by one, by picture size.

For each size, side by side in one process (best of ``--repeats``):

- **one by one**: each cell a fresh ``HybridModel.train`` (compiled sgd);
- **batch axis**: the cells as an ``(N, H, W, 3)`` batch through
  ``loss_and_gradient`` (how ``comparison_grid`` trained them before);
- **grid**: ``comparison_grid``, the cells side by side in the channels,
  ``(1, H, W, 3 N)``.

The article's experiment: kernel 15, sigma 3, lr 0.3, sgd, m_blurred 1 and
``m_precise`` = 0.1, 0.3, 1.0 (3 cells), or a 3 x 3 grid with ``--cells 9``.
Run from the repository root: ``python bench/grid.py``.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import tensorflow as tf

import hybridnb as hn
from hybridnb.filters.viewing import far_view
from hybridnb.optimize.article import loss_and_gradient
from hybridnb.teaching.timing import best_time

KERNEL_SIZE, SIGMA, LR = 15, 3.0, 0.3


@tf.function(autograph=False)
def batch_axis_step(logits, precise, far_target, kernel, m_precise, m_blurred, gamma, lr):
    _, loss_precise, loss_gauss, grad = loss_and_gradient(logits, precise, far_target, kernel, m_precise, m_blurred,
                                                          gamma)  # fmt: skip
    return logits - lr * grad, m_precise * loss_precise + m_blurred * loss_gauss


def batch_axis(near, far, m_precise, m_blurred, steps):
    kernel = tf.constant(hn.make_gauss_blur_kernel(KERNEL_SIZE, SIGMA), tf.float32)
    gamma = tf.constant(hn.GAMMA, tf.float32)
    precise = tf.constant(near[np.newaxis], tf.float32)
    far_target = far_view(tf.constant(far[np.newaxis], tf.float32), kernel, gamma)
    weights = tf.constant(m_precise, tf.float32), tf.constant(m_blurred, tf.float32)
    logits = tf.zeros((len(m_precise), *near.shape), tf.float32)
    for _ in range(steps):
        logits, loss = batch_axis_step(logits, precise, far_target, kernel, *weights, gamma, tf.constant(LR))
    return loss.numpy()


def one_by_one(near, far, m_precise, m_blurred, steps):
    size = near.shape[0]
    losses = []
    for mp, mb in zip(m_precise, m_blurred, strict=True):
        model = hn.HybridModel(size, size, KERNEL_SIZE, SIGMA)
        report = model.train(steps, 0, LR, img_precise=near, img_blurred=far, m_precise=mp, m_blurred=mb,
                             verbose=False)  # fmt: skip
        losses.append(report.loss)
    return np.array(losses)


def grid(near, far, m_precise_axis, m_blurred_axis, steps):
    result = hn.comparison_grid(near, far, m_precise_axis, m_blurred_axis, steps_count=steps, lr=LR,
                                gauss_kernel_size=KERNEL_SIZE, gauss_sigma=SIGMA, print_loss_steps=0)  # fmt: skip
    return result.loss


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[64, 128, 256, 512])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--cells", type=int, choices=[3, 9], default=3)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    mp_axis = (0.1, 0.3, 1.0)
    mb_axis = (1.0,) if args.cells == 3 else (0.3, 1.0, 3.0)
    cells = [(mp, mb) for mb in mb_axis for mp in mp_axis]
    mp, mb = [c[0] for c in cells], [c[1] for c in cells]
    samples = hn.sample_images()
    print(f"grid bench: {len(cells)} cells x {args.steps} sgd steps, kernel {KERNEL_SIZE}, sigma {SIGMA}; "
          f"TensorFlow {tf.__version__}, {os.cpu_count()} CPUs; best of {args.repeats}")  # fmt: skip
    print(f"{'size':>6} {'one by one':>11} {'batch axis':>11} {'grid':>8}   batch axis/cells   grid/cells")
    for size in args.sizes:
        near = hn.load_image(samples[hn.DEFAULT_NEAR], size=size)
        far = hn.load_image(samples[hn.DEFAULT_FAR], size=size)
        a = one_by_one(near, far, mp, mb, args.steps)
        b = batch_axis(near, far, mp, mb, args.steps)
        c = grid(near, far, mp_axis, mb_axis, args.steps)
        assert np.allclose(a, b, rtol=1e-5) and np.allclose(a, c, rtol=1e-5), (a, b, c)  # the same hybrids
        t_cells = best_time(lambda n=near, f=far: one_by_one(n, f, mp, mb, args.steps), repeat=args.repeats)
        t_batch = best_time(lambda n=near, f=far: batch_axis(n, f, mp, mb, args.steps), repeat=args.repeats)
        t_grid = best_time(lambda n=near, f=far: grid(n, f, mp_axis, mb_axis, args.steps), repeat=args.repeats)
        print(f"{size:>5}² {t_cells:>10.2f}s {t_batch:>10.2f}s {t_grid:>7.2f}s   "
              f"{t_batch / t_cells:>16.2f}   {t_grid / t_cells:>10.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
