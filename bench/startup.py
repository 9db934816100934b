"""Where a fresh ``hybridnb`` process spends its time, and what each start-up change buys.

Each variant runs in a new interpreter, ``--repeats`` times, interleaved (so a
burst of load on a shared machine hits all of them alike); the median wall
time of the whole process is printed:

- ``import tensorflow``, plain: TensorFlow imports Keras 3 (and matplotlib's
  pyplot) eagerly;
- ``import_tensorflow_without_keras()``: the same import with that Keras
  import skipped (:mod:`hybridnb.tf_startup`);
- the plain import followed by ``gc.freeze()``: the interpreter's shutdown
  without the garbage-collection passes over TensorFlow's objects;
- the command line end to end, ``hybridnb --optimizer fit --target-loss T``
  on the default pair at 512 x 512 (imports, pictures, tracing, fit, saving),
  which uses both.

Run from the repository root: ``python bench/startup.py``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The compiled sgd's loss after the article's 200 steps on the default pair at 512 x 512
# (bench/speed.py prints it as the target; the article's own code gives the same digits).
TARGET = 12900.72

PLAIN = "import tensorflow"
LEAN = "from hybridnb.ui.startup import import_tensorflow_without_keras as f; f()"
FROZEN = "import tensorflow, gc; gc.freeze()"


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "hybrid.png"
        cli = [sys.executable, "-m", "hybridnb", "--optimizer", "fit", "--target-loss", str(TARGET), "-q", "-f",
               "-o", str(out)]  # fmt: skip
        variants = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "import tensorflow (plain)": [sys.executable, "-c", PLAIN],
            "import tensorflow without its Keras import": [sys.executable, "-c", LEAN],
            "import tensorflow (plain), then gc.freeze()": [sys.executable, "-c", FROZEN],
            f"hybridnb --optimizer fit --target-loss {TARGET} (512 px)": cli,
        }
        times: dict[str, list[float]] = {name: [] for name in variants}
        wall(variants["import tensorflow (plain)"])  # warm the file cache
        for _ in range(args.repeats):
            for name, command in variants.items():
                times[name].append(wall(command))
    print(f"fresh processes, median of {args.repeats} (min-max), whole wall time:")
    for name, values in times.items():
        print(f"  {name:<62} {statistics.median(values):5.2f} s ({min(values):.2f}-{max(values):.2f})")
    plain = statistics.median(times["import tensorflow (plain)"])
    lean = statistics.median(times["import tensorflow without its Keras import"])
    frozen = statistics.median(times["import tensorflow (plain), then gc.freeze()"])
    print(f"skipping the Keras import saves {plain - lean:.2f} s; gc.freeze() before exit saves {plain - frozen:.2f} s")


if __name__ == "__main__":
    main()
