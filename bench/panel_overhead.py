"""What the panel's live view costs: a panel run against ``HybridModel.train`` alone.

Runs the article's settings on the default pair, alternating a plain
``train`` (reporting every 10 steps, as the panel does) and a panel run (the
same, plus redraws of the live view), in one process, and prints the ratio.
The panel redraws at most every ``max(min_interval, draw_share_inverse *
last draw)`` seconds, so drawing should cost about a fifth of a run at most.

    python bench/panel_overhead.py --size 512 --repeats 3
"""

from __future__ import annotations

import argparse
import time

import hybridnb as hn
from hybridnb.ui.panel import report_period


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    samples = hn.sample_images()
    near = hn.load_image(samples[hn.DEFAULT_NEAR], args.size)
    far = hn.load_image(samples[hn.DEFAULT_FAR], args.size)
    panel = hn.HybridPanel(size=args.size)
    panel.controls["steps"].value = args.steps

    def plain() -> float:
        model = hn.HybridModel(args.size, args.size, 15, 3.0)
        started = time.monotonic()
        model.train(
            args.steps, report_period(args.steps), 0.3, img_precise=near, img_blurred=far, m_precise=0.1, verbose=False
        )
        return time.monotonic() - started

    def in_panel() -> float:
        started = time.monotonic()
        panel.run()
        panel.join()
        return time.monotonic() - started

    plain()  # trace the compiled step once
    print(f"{args.size} px, {args.steps} steps (sgd, the article's settings)")
    for _ in range(args.repeats):
        a, b = plain(), in_panel()
        print(f"train {a:6.2f} s   panel {b:6.2f} s   ratio {b / a:4.2f}   one redraw {panel._draw_seconds:4.2f} s")


if __name__ == "__main__":
    main()
