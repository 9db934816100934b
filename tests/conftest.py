from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def pair16():
    """The default pair at 16 x 16: small enough for float64 finite differences."""
    import hybridnb as hn

    samples = hn.sample_images()
    return hn.load_image(samples[hn.DEFAULT_NEAR], 16), hn.load_image(samples[hn.DEFAULT_FAR], 16)


@pytest.fixture
def trace_count():
    """A function counting the traces of every compiled function of the optimisers so far."""
    from hybridnb.optimize import article, engine, start

    def count() -> int:
        functions = [*engine.compiled_functions(), article.compiled_far_view, start.compiled_classic_start]
        return sum(f.experimental_get_tracing_count() for f in functions)

    return count


@pytest.fixture
def rng():
    return np.random.default_rng(20261126)
