"""Where a batch's rows run: this process, a Dask ``LocalCluster`` on this machine, or a running cluster.

A pool takes ``(key, task)`` pairs and yields ``(key, result)`` as rows
finish, in any order (:func:`hybridnb.ui.batch.worker.make_row` makes each).

- :class:`InProcess` makes the rows one after another here: no Dask, no
  new process; a notebook's or a test's own TensorFlow.
- :class:`DaskPool` submits them to ``dask.distributed``: by default a
  ``LocalCluster`` of one single-threaded worker process per core, bound to
  127.0.0.1; or, given a scheduler's address, a cluster already running
  (its workers need hybridnb installed; they get the pictures' bytes, not
  paths, so they need no shared disk).  TensorFlow in each worker gets the
  machine's cores divided among its workers.  Only a bounded window of
  rows is in flight at once (twice the workers' threads), so the pictures'
  bytes of a long spec are never all in memory, and an interruption loses
  only those.  A worker that dies (killed, out of memory) is replaced by its
  nanny and its rows are run again elsewhere (Dask retries a row whose
  workers die up to ``distributed.scheduler.allowed-failures`` times, 3 by
  default, then the row fails with that reason).
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

from .worker import make_row

Task = dict[str, Any]


def machine_cores() -> int:
    """The cores this process may run on.

    Examples
    --------
    >>> machine_cores() >= 1
    True
    """
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


class InProcess:
    """Make the rows here, one after another (``workers=0``)."""

    description = "in this process"
    dashboard: str | None = None
    threads: int | None = None

    def run(self, tasks: Iterable[tuple[Any, Task]]) -> Iterator[tuple[Any, dict]]:
        for key, task in tasks:
            yield key, make_row({**task, "threads": None})

    def close(self) -> None:
        pass


def _hybridnb_version() -> str:  # run on each worker of a cluster we did not start
    import hybridnb

    return hybridnb.__version__


class DaskPool:
    """Rows on ``dask.distributed``: a new ``LocalCluster`` of ``workers`` processes, or the cluster at ``scheduler``.

    Parameters
    ----------
    workers : int, optional
        Worker processes of the local cluster (one thread each); the cores
        of this machine by default.
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``) instead.
    threads : int, optional
        TensorFlow threads per worker; by default each host's cores divided
        by its worker threads.

    Raises
    ------
    ValueError
        If the cluster cannot be started or reached, or its workers cannot
        import hybridnb (one line).
    """

    def __init__(self, workers: int | None = None, scheduler: str | None = None, threads: int | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ValueError("running rows on Dask needs dask.distributed: pip install distributed "
                             "(or make them in this process: workers=0, --workers 0)") from None  # fmt: skip

        self.cluster = None
        with warnings.catch_warnings():  # "port 8787 is in use": the dashboard's real address is printed
            warnings.simplefilter("ignore", UserWarning)
            if scheduler is None:
                workers = workers or machine_cores()
                try:
                    self.cluster = LocalCluster(
                        n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                        dashboard_address="127.0.0.1:8787", silence_logs=logging.ERROR,
                    )  # fmt: skip
                except Exception as error:
                    raise ValueError(f"cannot start a Dask cluster of {workers} workers: {error}") from None
                self.client = Client(self.cluster, set_as_default=False)
            else:
                try:
                    self.client = Client(scheduler, set_as_default=False)  # waits distributed.comm.timeouts.connect
                except Exception as error:
                    raise ValueError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
        try:
            if self.cluster is None:
                self._check_workers()
            self.threads = threads or self._threads_per_worker()
        except BaseException:
            self.close()
            raise
        info = self.client.scheduler_info()
        count = len(info.get("workers", {}))
        self.slots = max(2, 2 * sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))
        where = "a local Dask cluster" if self.cluster is not None else f"the Dask cluster at {scheduler}"
        tf = f"TensorFlow on {self.threads} thread{'s' * (self.threads != 1)}{' each' * (count != 1)}"
        self.description = f"{where} of {count} worker{'s' * (count != 1)} ({tf})"
        self.dashboard = self.client.dashboard_link if info.get("services", {}).get("dashboard") else None

    def _check_workers(self) -> None:
        if not self.client.scheduler_info().get("workers"):
            try:
                self.client.wait_for_workers(1, timeout=60)
            except Exception:
                raise ValueError("the Dask cluster has no workers (waited 60 s): start some") from None
        try:
            versions = set(self.client.run(_hybridnb_version).values())
        except Exception as error:
            raise ValueError(f"the cluster's workers cannot import hybridnb (install it there): {error}") from None
        import hybridnb

        if versions != {hybridnb.__version__}:
            raise ValueError(f"the cluster's workers run hybridnb {', '.join(sorted(versions))}, "
                             f"this process {hybridnb.__version__}: install the same version there")  # fmt: skip

    def _threads_per_worker(self) -> int:
        """Each host's cores over its worker threads (the smallest share, for a mixed cluster)."""
        workers = self.client.scheduler_info()["workers"]
        if self.cluster is not None:
            cores = dict.fromkeys(workers, machine_cores())
        else:
            cores = self.client.run(machine_cores)
        per_host: dict[str, list[int]] = {}
        for address, worker in workers.items():
            per_host.setdefault(worker["host"], [cores.get(address, 1), 0])[1] += worker.get("nthreads", 1)
        return max(1, min(host_cores // max(1, threads) for host_cores, threads in per_host.values()))

    def run(self, tasks: Iterable[tuple[Any, Task]]) -> Iterator[tuple[Any, dict]]:
        """Submit the tasks a window at a time; yield each row's result as it finishes."""
        from distributed import KilledWorker, as_completed

        pending = iter(tasks)
        keys: dict[Any, Any] = {}
        finished = as_completed(loop=self.client.loop)
        batch_id = uuid.uuid4().hex[:8]

        def submit() -> None:
            item = next(pending, None)
            if item is not None:
                key, task = item
                future = self.client.submit(make_row, {**task, "threads": self.threads}, pure=False,
                                            key=f"hybridnb-row-{key}-{batch_id}")  # fmt: skip
                keys[future] = key
                finished.add(future)

        try:
            for _ in range(self.slots):
                submit()
            for future in finished:
                key = keys.pop(future)
                try:
                    result = future.result()
                except KilledWorker:
                    result = {"error": "the workers making this row died each time (out of memory?)"}
                except Exception as error:  # the row's, reported as its error
                    result = {"error": f"{type(error).__name__}: {error}"}
                future.release()
                yield key, result
                submit()
        finally:
            if keys:
                with contextlib.suppress(Exception):
                    self.client.cancel(list(keys), force=True)

    def close(self) -> None:
        """Disconnect, and stop the local cluster if this pool started it."""
        with warnings.catch_warnings(), contextlib.suppress(Exception):
            warnings.simplefilter("ignore")
            self.client.close(timeout=10)
        if self.cluster is not None:
            with warnings.catch_warnings(), contextlib.suppress(Exception):
                warnings.simplefilter("ignore")
                self.cluster.close(timeout=10)


def open_pool(workers: int | None = None, scheduler: str | None = None, threads: int | None = None):
    """:class:`InProcess` for ``workers=0``, else a :class:`DaskPool`.

    Examples
    --------
    >>> open_pool(0).description
    'in this process'
    """
    if scheduler is not None and workers:
        raise ValueError("give workers (a local cluster) or scheduler (a running one), not both")
    if workers == 0 and scheduler is None:
        return InProcess()
    return DaskPool(workers, scheduler, threads)
