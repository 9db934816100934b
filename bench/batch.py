"""Rows per minute: a shell loop of ``hybridnb`` calls against ``hybridnb batch`` with 1 and 2 workers.

For each picture size (256 and 512 px by default) the same rows (the sample
pairs in turn, ``m_precise`` varying, the command's other defaults: 200 sgd
steps, a 15-tap blur of sigma 3) are made three ways, one after another in
this run, each a fresh process timed end to end:

- ``loop``: one ``hybridnb NEAR FAR -o OUT --size S`` process per row, as a
  shell loop would (TensorFlow's start-up and tracing paid for every row);
- ``batch, 1 worker``: ``hybridnb batch SPEC -o DIR --size S --workers 1``;
- ``batch, 2 workers``: the same with ``--workers 2``.

From the batches' manifests it also prints the work of one row where it ran
(``row_seconds``: decoding, 200 steps, scores, PNG) and the fixed start-up
(wall time less the rows' work divided among the workers), and it measures
Dask's own cost per row: round trips of a task carrying the bytes of two
sample pictures (what a row sends) on a 2-worker ``LocalCluster``.  The
machine's load average is printed with each line: on a shared machine, compare
the ratios of one run.

Run from the repository root: ``python bench/batch.py [--rows 12 6] [--rounds 2]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import hybridnb as hn

PAIRS = [("hopper", "astronaut"), ("cat", "coffee"), ("camera", "cat"), ("astronaut", "hopper"), ("coffee", "camera")]
WEIGHTS = (0.1, 0.3, 1.0)


def rows(count: int) -> list[tuple[str, str, float]]:
    cycle = itertools.cycle([(n, f, m) for m in WEIGHTS for n, f in PAIRS])
    return [next(cycle) for _ in range(count)]


#: CPU seconds used by finished child processes (and theirs: the batch's Dask workers), all runs so far.
CPU = {"seconds": 0.0}


def wall(command: list[str]) -> float:
    """Run ``command``; return its wall time, adding the CPU time of its process tree to :data:`CPU`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU["seconds"] += (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr.strip()}")
    return seconds


def cpu_of(work, *args):
    """``work(*args)`` and the CPU seconds its processes used."""
    before = CPU["seconds"]
    result = work(*args)
    return result, CPU["seconds"] - before


def loop(folder: Path, size: int, spec: list) -> float:
    started = time.perf_counter()
    for i, (near, far, m) in enumerate(spec):
        wall([sys.executable, "-m", "hybridnb", near, far, "-o", str(folder / f"{i}.png"), "--size", str(size),
              "--m-precise", str(m), "-q"])  # fmt: skip
    return time.perf_counter() - started


def batch(folder: Path, size: int, spec: list, workers: int) -> tuple[float, list[dict]]:
    path = folder / "spec.csv"
    path.write_text("near,far,m_precise\n" + "".join(f"{n},{f},{m}\n" for n, f, m in spec))
    out = folder / f"out-{workers}"
    seconds = wall([sys.executable, "-m", "hybridnb", "batch", str(path), "-o", str(out), "--size", str(size),
                    "--workers", str(workers), "-q"])  # fmt: skip
    table = json.loads((out / "manifest.json").read_text())["rows"]
    assert all(r["status"] == "done" for r in table), [r["error"] for r in table]
    return seconds, table


def dask_round_trips(count: int = 200) -> tuple[float, float]:
    """Seconds per task, empty and carrying two sample pictures' bytes, on a 2-worker LocalCluster."""
    from distributed import Client, LocalCluster

    payload = {name: hn.sample_images()[name].read_bytes() for name in ("hopper", "astronaut")}
    out = []
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=":0",
                      silence_logs=40) as cluster, Client(cluster, set_as_default=False) as client:  # fmt: skip
        for data in (None, payload):
            client.gather(client.map(len, [data or {}] * 10, pure=False))  # warm
            started = time.perf_counter()
            client.gather(client.map(len, [data or {}] * count, pure=False))
            out.append((time.perf_counter() - started) / count)
    return out[0], out[1]


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 512])
    parser.add_argument("--rows", type=int, nargs="+", default=[12, 6], help="rows per size, in the order of --sizes")
    parser.add_argument("--rounds", type=int, default=1, help="the three ways in turn, this many times (load drift)")
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} cores; {load()}", flush=True)
    empty, loaded = dask_round_trips()
    print(f"Dask round trip per task on a 2-worker LocalCluster: {1e3 * empty:.2f} ms empty, "
          f"{1e3 * loaded:.2f} ms carrying two pictures ({load()})", flush=True)  # fmt: skip
    results = []
    for size, count in zip(args.sizes, args.rows, strict=True):
        spec = rows(count)
        timing: dict = {"loop": 0.0, 1: 0.0, 2: 0.0}
        cpu: dict = {"loop": 0.0, 1: 0.0, 2: 0.0}
        tables: dict = {1: [], 2: []}
        for turn in range(args.rounds):
            with tempfile.TemporaryDirectory() as folder:
                folder = Path(folder)
                seconds, used = cpu_of(loop, folder, size, spec)
                timing["loop"] += seconds
                cpu["loop"] += used
                print(f"{size} px, {count} rows, round {turn + 1}: loop of hybridnb calls {seconds:.1f} s, "
                      f"{used:.1f} CPU s ({load()})", flush=True)  # fmt: skip
                for workers in (1, 2):
                    (seconds, table), used = cpu_of(batch, folder, size, spec, workers)
                    timing[workers] += seconds
                    cpu[workers] += used
                    tables[workers] += table
                    print(f"  hybridnb batch --workers {workers}: {seconds:.1f} s, {used:.1f} CPU s ({load()})",
                          flush=True)  # fmt: skip
        work = {}
        for workers, table in tables.items():
            work[workers] = statistics.median(r["row_seconds"] for r in table)
            besides = statistics.median(r["row_seconds"] - r["seconds"] for r in table)
            row_cpu = statistics.median(r.get("cpu_seconds") or float("nan") for r in table)
            startup = (timing[workers] - sum(r["row_seconds"] for r in table) / workers) / args.rounds
            traced = sum(r["traces"] > 0 for r in table)
            print(f"  {size} px, {workers} worker(s): a row's work {work[workers]:.2f} s (median; TensorFlow on "
                  f"{table[0]['threads']} thread(s); {row_cpu:.2f} CPU s), {besides:.2f} s of it besides training "
                  "(pictures, scores, PNG); "
                  f"start-up {startup:.1f} s a run; {traced} of {len(table)} rows traced", flush=True)  # fmt: skip
        results.append((size, count * args.rounds, timing, work, cpu))
    print()
    print("Wall time (on a shared machine: depends on the other jobs' load):")
    print()
    print("| size | rows | loop of `hybridnb` calls | `hybridnb batch`, 1 worker | 2 workers | batch 1 / loop | "
          "batch 2 / loop | 2 workers / 1 | rows' work alone, 1 / 2 workers |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for size, count, timing, work, _ in results:
        rate = {k: 60 * count / v for k, v in timing.items()}
        steady = {w: 60 * w / work[w] for w in work}
        print(f"| {size} px | {count} | {rate['loop']:.1f} rows/min | {rate[1]:.1f} rows/min | {rate[2]:.1f} rows/min "
              f"| {rate[1] / rate['loop']:.2f}x | {rate[2] / rate['loop']:.2f}x | {rate[2] / rate[1]:.2f}x "
              f"| {steady[1]:.1f} / {steady[2]:.1f} rows/min |")  # fmt: skip
    print()
    print(f"CPU time of all the processes (much less sensitive to the load); rows/min if the {os.cpu_count()} cores "
          "were ours and busy all the time = 60 x cores / CPU s per row:")  # fmt: skip
    print()
    print("| size | CPU s per row: loop | batch, 1 worker | 2 workers | loop / batch 1 | loop / batch 2 "
          "| rows/min at full use: loop | batch 1 | batch 2 |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for size, count, _, _, cpu in results:
        per = {k: v / count for k, v in cpu.items()}
        full = {k: 60 * (os.cpu_count() or 1) / v for k, v in per.items()}
        print(f"| {size} px | {per['loop']:.2f} | {per[1]:.2f} | {per[2]:.2f} | {per['loop'] / per[1]:.2f}x "
              f"| {per['loop'] / per[2]:.2f}x | {full['loop']:.0f} | {full[1]:.0f} | {full[2]:.0f} |")  # fmt: skip


if __name__ == "__main__":
    main()
