"""A batch on a real Dask ``LocalCluster`` of 2 worker processes: the same numbers, no retracing, a killed worker.

Small pictures and few steps keep it to seconds of work; most of the time
goes to starting the worker processes and TensorFlow in them.
"""

import os
import re
import signal
import threading

import dask
import distributed
import pytest

import hybridnb as hn
from hybridnb.optimize.runs import HybridRun
from hybridnb.ui import cli
from hybridnb.ui.batch.pool import machine_cores
from hybridnb.ui.batch.records import read_manifest


def _expected(row):
    settings = hn.RunSettings(**{f: row[f] for f in hn.RunSettings.__dataclass_fields__})
    near, far = hn.load_image(row["near"], settings.size), hn.load_image(row["far"], settings.size)
    return HybridRun(near, far, settings).run()


def test_the_command_on_a_local_cluster_gives_the_numbers_of_one_by_one(tmp_path, capsys):
    spec = tmp_path / "spec.csv"
    pairs = [("hopper", "astronaut"), ("cat", "coffee"), ("camera", "cat")]
    lines = [f"{n},{f},{m},{s}" for n, f in pairs for m, s in ((0.1, 1.0), (0.5, 1.2))]
    spec.write_text("near,far,m_precise,sigma\n" + "\n".join(lines) + "\nmissing.png,cat,0.1,1\n")
    out = tmp_path / "out"
    code = cli.main(["batch", str(spec), "-o", str(out), "--workers", "2", "--size", "32", "--steps", "25"])
    captured = capsys.readouterr()
    assert code == 1, captured.err  # one row failed: the exit status says so
    assert "a local Dask cluster of 2 workers" in captured.err and "dashboard: http://127.0.0.1:" in captured.err
    assert "row 7 failed: no such picture: missing.png" in captured.err
    assert f"{out}: 6 of 7 rows done (6 made now, 0 kept), 1 failed" in captured.out
    table = read_manifest(out)
    done = [r for r in table if r["status"] == "done"]
    assert len(done) == 6 and len(list(out.glob("*.png"))) == 6
    for row in done:
        expected = _expected(row)
        assert row["loss"] == pytest.approx(expected.loss, rel=1e-6)
        assert row["loss_gauss"] == pytest.approx(expected.loss_gauss, rel=1e-6)
    workers = {row["worker"] for row in done}
    assert len(workers) == 2 and all(int(w.rsplit(":", 1)[1]) != os.getpid() for w in workers)
    assert {row["threads"] for row in done} == {max(1, machine_cores() // 2)}  # the cores shared, not fought over
    for worker in workers:  # one compiled model per worker: only its first row traced
        traces = [row["traces"] for row in done if row["worker"] == worker]
        assert sum(t > 0 for t in traces) == 1, traces

    assert cli.main(["batch", str(spec), "-o", str(out), "--workers", "2", "--size", "32", "--steps", "25", "-q"]) == 1
    assert f"{out}: 6 of 7 rows done (0 made now, 6 kept), 1 failed" in capsys.readouterr().out


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
        silence_logs=40,
    ) as local, distributed.Client(local, set_as_default=False) as client:  # fmt: skip
        yield local, client


def test_a_worker_killed_mid_batch_is_replaced_and_its_row_made_again(tmp_path, cluster):
    local, client = cluster
    rows = [{"near": "hopper", "far": "astronaut", "m_precise": 0.05 * (i + 1)} for i in range(6)]
    killed = {}

    def kill_a_busy_worker(row):
        if killed:
            return
        busy = {address: keys for address, keys in client.processing().items() if keys}
        if not busy:
            return  # nothing in flight at this moment: try again after the next row
        address, keys = next(iter(busy.items()))
        pid = client.run(os.getpid, workers=[address])[address]
        killed.update(pid=pid, rows={int(re.match(r"hybridnb-row-(\d+)-", key).group(1)) for key in keys})
        os.kill(pid, signal.SIGKILL)

    table = hn.batch(rows, tmp_path, scheduler=local.scheduler_address, progress=False, on_row=kill_a_busy_worker,
                     size=32, steps=200)  # fmt: skip
    assert killed, "no row was in flight to kill a worker under"
    assert [r["status"] for r in table] == ["done"] * 6
    for number in killed["rows"]:  # the rows in flight on the killed worker were made again elsewhere
        assert not table[number - 1]["worker"].endswith(f":{killed['pid']}")
    for row in table[:2] + [table[number - 1] for number in killed["rows"]]:
        assert row["loss"] == pytest.approx(_expected(row).loss, rel=1e-6)
    client.wait_for_workers(2, timeout=60)  # the nanny started a new worker


def test_a_running_cluster_is_used_as_it_is(tmp_path, cluster):
    local, client = cluster
    before = set(client.scheduler_info()["workers"])
    done = threading.Event()
    table = hn.batch([{"near": "cat", "far": "hopper"}], tmp_path, scheduler=local.scheduler_address, progress=False,
                     on_row=lambda row: done.set(), size=32, steps=5)  # fmt: skip
    assert done.is_set() and table[0]["status"] == "done"
    assert set(client.scheduler_info()["workers"]) == before  # not closed, not restarted
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}), pytest.raises(ValueError, match="cannot reach"):
        hn.batch([{"near": "cat", "far": "hopper"}], tmp_path / "x", scheduler="tcp://127.0.0.1:9", progress=False)
