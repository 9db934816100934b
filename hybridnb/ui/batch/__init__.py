"""Many hybrids: a batch job that runs in this process, on a laptop's cores or on a Dask cluster.

One hybrid per row of a spec (CSV or JSON lines), each made exactly as the
``hybridnb`` command makes one (:class:`~hybridnb.optimize.runs.HybridRun`
from :class:`~hybridnb.optimize.settings.RunSettings`), one PNG per row and a
manifest (CSV and JSON) of what was made with what.

- :mod:`~hybridnb.ui.batch.spec`: reading a spec, one :class:`~hybridnb.ui.batch.spec.Row` per row,
  its settings read generically from ``RunSettings``' fields;
- :mod:`~hybridnb.ui.batch.records`: the record of one row, the PNG that carries it, the manifest;
- :mod:`~hybridnb.ui.batch.worker`: making one row where it runs (a Dask worker or this process);
- :mod:`~hybridnb.ui.batch.pool`: where rows run: this process, a ``LocalCluster``, a running cluster;
- :mod:`~hybridnb.ui.batch.jobs`: the plan (what is done, stale, refused), the run,
  :func:`~hybridnb.ui.batch.jobs.batch`;
- :mod:`~hybridnb.ui.batch.command`: ``hybridnb batch SPEC -o DIR``.

Dask is imported only when a cluster is used.
"""
