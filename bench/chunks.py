"""What the compiled loop's chunks cost: the same work in chunks of a quarter second, and in one call.

    python bench/chunks.py                # 512 px, best of 3
    python bench/chunks.py --size 1024 --repeats 5

Since issue 15 the engine (``hybridnb.optimize.engine.advance``) returns to
Python about every ``CHUNK_SECONDS`` (0.25 s) so that a stop, Ctrl-C or a
signal is heard and the picture reached is kept.  This script times, in one
process and alternating, the same runs with ``CHUNK_SECONDS`` as shipped and
with it infinite (one compiled call per report period, as before):

- ``train``: the article's 200 plain steps, reporting every 50;
- ``fit``: ``max_steps`` Adam steps without a callback (one long call before);
- ``fit to target``: the fast path to the article's 200-step loss.

It prints seconds and the ratio one call / chunks (1.0: the chunks cost
nothing; below 1: they cost that share).
"""

from __future__ import annotations

import argparse
import time

import hybridnb as hn
from hybridnb.optimize import engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-steps", type=int, default=400)
    args = parser.parse_args()
    size = args.size
    near, far = hn.load_image(hn.DEFAULT_NEAR, size), hn.load_image(hn.DEFAULT_FAR, size)
    settings = hn.ARTICLE.for_size(size)
    weights = dict(m_precise=settings.m_precise, m_blurred=settings.m_blurred)

    def model():
        return hn.HybridModel(size, size, settings.kernel_size, settings.sigma)

    def train():
        m = model()
        m.train(200, 50, 0.3, img_precise=near, img_blurred=far, verbose=False, **weights)
        return m.run(near, far, **weights).loss

    target = train()
    work = {
        "train": train,
        "fit": lambda: model().fit(near, far, max_steps=args.max_steps, **weights).loss,
        "fit to target": lambda: model().fit(near, far, target_loss=target, **weights).loss,
    }
    shipped = engine.CHUNK_SECONDS
    print(f"{size} px, best of {args.repeats}; chunks of {shipped} s against one call per report period")
    for name, run in work.items():
        best = {"chunks": float("inf"), "one call": float("inf")}
        results = {}
        for _ in range(args.repeats + 1):  # the first round traces
            for label, seconds in (("chunks", shipped), ("one call", float("inf"))):
                engine.CHUNK_SECONDS = seconds
                started = time.perf_counter()
                results[label] = run()
                best[label] = min(best[label], time.perf_counter() - started)
        engine.CHUNK_SECONDS = shipped
        same = "same loss" if results["chunks"] == results["one call"] else "LOSSES DIFFER"
        ratio = best["one call"] / best["chunks"]
        print(f"  {name:14s} chunks {best['chunks']:.3f} s   one call {best['one call']:.3f} s   "
              f"ratio {ratio:.3f}   {same}")  # fmt: skip


if __name__ == "__main__":
    main()
