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
def rng():
    return np.random.default_rng(20261126)
