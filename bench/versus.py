"""This checkout against an earlier revision: the same work through the public API, side by side.

    python bench/versus.py                    # against the revision before the package was laid out anew
    python bench/versus.py --baseline HEAD~3 --size 512 --repeats 5

The baseline revision is checked out into a temporary git worktree.  Each
measurement runs in a fresh Python process (``import hybridnb`` from one
checkout or the other), warms up (traces) and times the best of
``--repeats`` calls; old and new processes alternate, so both see the same
machine.  Timed, on the default pair at ``--size``:

- ``train``: the article's 200 compiled plain steps (``HybridModel.train``);
- ``fit``: the fast path to the article's 200-step loss;
- ``grid``: the article's comparison of three weights (``comparison_grid``).

It prints seconds and the ratio old / new (above 1: the new code is faster).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The last commit before the package was laid out in subpackages.
BEFORE_LAYOUT = "5f4c261"

WORK = r"""
import json, sys, time
import hybridnb as hn
size, repeats = int(sys.argv[1]), int(sys.argv[2])
samples = hn.sample_images()
near, far = hn.load_image(samples[hn.DEFAULT_NEAR], size), hn.load_image(samples[hn.DEFAULT_FAR], size)
weights = dict(m_precise=0.1, m_blurred=1.0)

def train():
    model = hn.HybridModel(size, size, 15, 3.0)
    model.train(200, 50, 0.3, img_precise=near, img_blurred=far, verbose=False, **weights)
    return model.run(near, far, **weights).loss

target = train()

def fit():
    return hn.HybridModel(size, size, 15, 3.0).fit(near, far, target_loss=target, **weights).loss

def grid():
    return float(hn.comparison_grid(near, far, steps_count=200).loss[0])

out = {}
for name, work in (("train", train), ("fit", fit), ("grid", grid)):
    work()  # traced before timing
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        value = work()
        best = min(best, time.perf_counter() - start)
    out[name] = (best, value)
print(json.dumps(out))
"""


def measure(checkout: Path, size: int, repeats: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(checkout), TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(
        [sys.executable, "-c", WORK, str(size), str(repeats)], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BEFORE_LAYOUT, help="git revision to compare with (%(default)s)")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=3, help="timed calls per process, best counts")
    parser.add_argument("--rounds", type=int, default=2, help="old/new process pairs, alternating")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        old = Path(folder) / "baseline"
        git = ["git", "-C", str(ROOT), "worktree"]
        subprocess.run([*git, "add", "--detach", "-q", str(old), args.baseline], check=True)
        try:
            results: dict[str, list[dict]] = {"old": [], "new": []}
            for _ in range(args.rounds):
                results["old"].append(measure(old, args.size, args.repeats))
                results["new"].append(measure(ROOT, args.size, args.repeats))
        finally:
            subprocess.run([*git, "remove", "--force", str(old)], check=True)

    print(f"{args.size} px, best of {args.rounds} processes x {args.repeats} calls")
    print(f"old = {args.baseline}, new = this checkout")
    print(f"{'work':6} {'old s':>8} {'new s':>8} {'old/new':>8}   losses (old, new)")
    for name in ("train", "fit", "grid"):
        old_s = min(r[name][0] for r in results["old"])
        new_s = min(r[name][0] for r in results["new"])
        losses = results["old"][0][name][1], results["new"][0][name][1]
        print(f"{name:6} {old_s:8.3f} {new_s:8.3f} {old_s / new_s:8.2f}   {losses[0]:.2f}, {losses[1]:.2f}")


if __name__ == "__main__":
    main()
