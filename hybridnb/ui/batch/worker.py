"""Making one row where it runs: in a Dask worker's process, or in this one.

:func:`make_row` is all a worker does: decode the two pictures from the
bytes it was sent (so workers need no shared disk), make the hybrid exactly
as the command line does (:class:`~hybridnb.optimize.runs.HybridRun`), score
it, and send back the PNG, which carries its record
(:mod:`hybridnb.ui.batch.records`).  A problem of the row (a picture that is
not one, a kernel too large, a run that diverges) comes back as the row's
error; it never raises, so one bad row never stops the batch.  The worker
writes no file: the batch's process alone writes, so a worker killed
mid-row leaves nothing behind.

A worker process keeps its compiled steps between rows: the engine
(:mod:`hybridnb.optimize.engine`) traces once per loss graph and update rule
and feeds every number in as a tensor, so a row of a size, blur, weights
and pictures already seen needs no new trace.  Each record counts the traces
its row needed (``traces``: 0 after a worker's first row of a kind).

TensorFlow's threads are set once per worker process, before its first
operation (:func:`prepare_process`), so that the workers of one machine
share its cores instead of each starting a thread per core.

This module imports TensorFlow only inside :func:`make_row`: the batch's
own process, which only submits rows to a cluster, never loads it.
"""

from __future__ import annotations

import io
import os
import socket
import sys
import time
from datetime import datetime, timezone
from typing import Any

#: The intra-op threads TensorFlow runs with in this process, once :func:`prepare_process` has set them.
_PREPARED: int | None = None


def prepare_process(threads: int) -> int:
    """Load TensorFlow in this (worker) process with ``threads`` threads; return the threads in force.

    Sets the intra-op and inter-op thread pools before TensorFlow's first
    operation, hiding its native start-up lines (as the command line does).
    In a process where TensorFlow already runs (a long-lived worker of a
    cluster), its pools cannot change any more and are kept.  Only the
    first call does anything.

    Examples
    --------
    >>> prepare_process(2) >= 1
    True
    """
    global _PREPARED
    if _PREPARED is not None:
        return _PREPARED
    from ..startup import import_tensorflow_without_keras

    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        tf = import_tensorflow_without_keras()
        try:
            tf.config.threading.set_intra_op_parallelism_threads(int(threads))
            tf.config.threading.set_inter_op_parallelism_threads(int(threads))
        except RuntimeError:  # TensorFlow is already running here: its pools are fixed
            pass
        tf.zeros(1).numpy()  # the first op starts the runtime (and probes for devices, quietly)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    _PREPARED = tf.config.threading.get_intra_op_parallelism_threads() or os.cpu_count() or 1
    return _PREPARED


def trace_count() -> int:
    """Traces made so far by every compiled function of the optimisers in this process."""
    from ...optimize import article, engine, start

    functions = [*engine.compiled_functions(), article.compiled_far_view, start.compiled_classic_start]
    return sum(f.experimental_get_tracing_count() for f in functions)


def _picture(name: str, data: bytes, size: int):
    from ...imaging.io import load_image

    source = io.BytesIO(data)
    source.name = name  # messages name the picture, not "the given data"
    return load_image(source, size=size)


def _describe(error: BaseException) -> str:
    from ..session import describe

    return describe(error)


def make_row(task: dict[str, Any]) -> dict[str, Any]:
    """Make one row's hybrid; return ``{"record": ..., "png": bytes}`` or ``{"record": ..., "error": str}``.

    Parameters
    ----------
    task : dict
        ``near``, ``far``: the pictures' bytes; ``settings``: the
        :class:`~hybridnb.optimize.settings.RunSettings` fields; ``record``:
        what the row's record starts with (pictures' names, settings, hash);
        ``threads``: TensorFlow's threads for a worker process (``None`` in
        the batch's own process, whose TensorFlow is left as it is).

    Returns
    -------
    dict
        The record completed with the results (see
        :data:`hybridnb.ui.batch.records.RESULTS`), and the PNG carrying it, or
        the error (one line) of a row that could not be made.
    """
    started, cpu = time.perf_counter(), time.process_time()
    record = dict(task["record"])
    record["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    try:
        if task.get("threads"):
            record["threads"] = prepare_process(task["threads"])
        import hybridnb

        from ...analysis.scores import hybrid_scores
        from ...optimize.runs import HybridRun
        from ...optimize.settings import RunSettings
        from .records import encode_png

        settings = RunSettings(**task["settings"])
        near = _picture(record["near"], task["near"], settings.size)
        far = _picture(record["far"], task["far"], settings.size)
        traces = trace_count()
        job = HybridRun(near, far, settings)
        final = job.run()
        image = job.model.image()
        scored = settings.size >= 88  # the far score compares 8x shrinks, which must keep 11 px for SSIM
        scores = hybrid_scores(image, near, far) if scored else None
        record.update(
            learning_rate=settings.learning_rate(), steps_done=job.model.steps, loss=final.loss,
            loss_precise=final.loss_precise, loss_gauss=final.loss_gauss,
            near_score=scores.near if scored else None, far_score=scores.far if scored else None,
            out_of_range=scores.out_of_range if scored else None, seconds=job.seconds,
            traces=trace_count() - traces, made=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            hybridnb=hybridnb.__version__,
        )  # fmt: skip
        record.update(row_seconds=time.perf_counter() - started, cpu_seconds=time.process_time() - cpu)
        return {"record": record, "png": encode_png(image, record)}
    except Exception as error:  # the row's problem, reported in its record: the batch goes on
        record["row_seconds"] = time.perf_counter() - started
        return {"record": record, "error": _describe(error)}
