"""A batch on a real Dask ``LocalCluster`` of 2 worker processes: the same numbers, no retracing, a killed worker.

Small pictures keep it to seconds of work; most of the time goes to
starting the worker processes and TensorFlow in them, so one cluster of
processes serves all the checks.  ``--scheduler`` is checked on a cluster
whose worker runs in this process.
"""

import os
import signal

import dask
import distributed
import pytest

import hybridnb as hn
from hybridnb.optimize.runs import HybridRun
from hybridnb.ui import cli
from hybridnb.ui.batch.pool import machine_cores


def _expected(row):
    settings = hn.RunSettings(**{f: row[f] for f in hn.RunSettings.__dataclass_fields__})
    near, far = hn.load_image(row["near"], settings.size), hn.load_image(row["far"], settings.size)
    return HybridRun(near, far, settings).run()


def test_a_local_cluster_gives_the_numbers_of_one_by_one_and_survives_a_killed_worker(tmp_path, capsys):
    """Two worker processes; the first to finish a row is killed (SIGKILL) while it makes its next one."""
    pairs = [("hopper", "astronaut"), ("cat", "coffee"), ("camera", "cat")]
    rows = [
        {"near": n, "far": f, "method": "article", "m_precise": m, "sigma": s}
        for n, f in pairs
        for m, s in ((0.1, 1.0), (0.5, 1.2))
    ]
    rows.append({"near": "missing.png", "far": "cat"})
    killed = []

    def kill_a_worker(row):
        if not killed:
            killed.append(int(row["worker"].rsplit(":", 1)[1]))
            os.kill(killed[0], signal.SIGKILL)

    table = hn.batch(rows, tmp_path, workers=2, on_row=kill_a_worker, size=32, steps=400)
    err = capsys.readouterr().err
    assert "a local Dask cluster of 2 workers (TensorFlow on" in err and "dashboard: http://127.0.0.1:" in err
    assert "row 7 failed: no such picture: missing.png" in err
    assert [r["status"] for r in table] == ["done"] * 6 + ["failed"] and len(list(tmp_path.glob("*.png"))) == 6
    with pytest.raises(ProcessLookupError):
        os.kill(killed[0], 0)  # it is gone, and its rows were made by the others
    for row in table[:6]:
        expected = _expected(row)
        assert row["loss"] == pytest.approx(expected.loss, rel=1e-6)
        assert row["loss_gauss"] == pytest.approx(expected.loss_gauss, rel=1e-6)
        assert int(row["worker"].rsplit(":", 1)[1]) != os.getpid()
    assert {row["threads"] for row in table[:6]} == {max(1, machine_cores() // 2)}  # the cores shared
    workers = {row["worker"] for row in table[:6]}
    for worker in workers:  # one compiled model per worker process: only its first row traced
        traces = [row["traces"] for row in table[:6] if row["worker"] == worker]
        assert sum(t > 0 for t in traces) == 1, traces


@pytest.fixture(scope="module")
def cluster():
    """A running cluster, its worker in this process (whose TensorFlow is loaded already)."""
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp://", host="127.0.0.1",
        dashboard_address=":0", silence_logs=40,
    ) as local, distributed.Client(local, set_as_default=False) as client:  # fmt: skip
        yield local, client


def test_a_running_cluster_is_used_as_it_is(tmp_path, cluster, capsys):
    local, client = cluster
    before = set(client.scheduler_info()["workers"])
    spec = tmp_path / "spec.csv"
    spec.write_text("near,far\ncat,hopper\nhopper,cat\n")
    args = ["batch", str(spec), "-o", str(tmp_path / "out"), "--scheduler", local.scheduler_address, "--size", "32"]
    assert cli.main([*args, "--steps", "5"]) == 0
    captured = capsys.readouterr()
    assert f"the Dask cluster at {local.scheduler_address} of 1 worker" in captured.err
    assert "2 of 2 rows done (2 made now, 0 kept), 0 failed" in captured.out
    assert set(client.scheduler_info()["workers"]) == before  # not closed, not restarted
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        assert cli.main(["batch", str(spec), "-o", str(tmp_path / "x"), "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
