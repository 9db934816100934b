"""What the divergence guard costs: the engine's guarded loop against the same loop without it.

Every update of :mod:`hybridnb.optimize.engine` is applied only when it is
finite (one extra reduction and a ``tf.cond`` per step).  This times the
engine's compiled loop (``Engine.descend``) against a bare ``tf.while_loop``
of the same update rule and gradient without the check, alternating the two
in one process on the default pair, and prints the ratio.

    python bench/step_guard.py --size 512 --steps 40 --repeats 3
"""

from __future__ import annotations

import argparse
import time

import tensorflow as tf

import hybridnb as hn
from hybridnb.optimize import engine


def bare_loop(graph: engine.LossGraph, rule):
    """The loop without the guard: ``logits = rule.apply(...)`` whatever the numbers."""

    @tf.function(reduce_retracing=True, autograph=False)
    def descend(logits, slots, gradient, inputs, m_precise, m_blurred, lr, steps):
        def step(done, logits, slots, gradient):
            logits, slots = rule.apply(logits, gradient, slots, lr)
            return done + 1, logits, slots, graph.gradient(logits, inputs, m_precise, m_blurred)[3]

        return tf.while_loop(lambda done, *_: done < steps, step, (tf.constant(0), logits, slots, gradient))

    return descend


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    near, far = hn.load_image(hn.DEFAULT_NEAR, args.size), hn.load_image(hn.DEFAULT_FAR, args.size)
    model = hn.HybridModel(args.size, args.size, 15, 3.0)
    inputs, weights = model._inputs(near, far, 0.1, 1.0)
    compiled = engine.engine_for(model.loss, "sgd")
    bare = bare_loop(compiled.graph, compiled.rule)
    state = engine.begin(compiled, model._logits(), (), inputs, weights)
    lr, steps = tf.constant(0.3), tf.constant(args.steps)

    def guarded_run():
        out = compiled.descend(state.logits, (), state.evaluation, inputs, *weights, lr, tf.constant(-float("inf")),
                               steps, False)  # fmt: skip
        return out[0]

    def bare_run():
        return bare(state.logits, (), state.evaluation[3], inputs, *weights, lr, steps)[1]

    times: dict[str, list[float]] = {"bare": [], "guarded": []}
    for run in (bare_run, guarded_run):
        run().numpy()  # compiled before timing
    for _ in range(args.repeats):
        for name, run in (("bare", bare_run), ("guarded", guarded_run)):
            start = time.perf_counter()
            run().numpy()
            times[name].append(time.perf_counter() - start)
    bare_s, guarded_s = min(times["bare"]), min(times["guarded"])
    print(f"{args.size} px, {args.steps} steps, best of {args.repeats}:")
    print(f"  bare    {1000 * bare_s / args.steps:7.2f} ms/step")
    print(f"  guarded {1000 * guarded_s / args.steps:7.2f} ms/step")
    print(f"  guarded / bare = {guarded_s / bare_s:.3f}")


if __name__ == "__main__":
    main()
