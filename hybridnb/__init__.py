"""hybridnb: hybrid images fitted pixel by pixel with TensorFlow.

One picture seen up close, another from afar.  See the README and the
notebooks for the technique.  The public names are listed once, in
``__init__.pyi``, grouped by layer; they are imported lazily (``lazy_loader``,
as scikit-image does), so ``import hybridnb`` and ``hybridnb --help`` stay
fast and TensorFlow loads on first use of a name that needs it, without
the C++ log lines that a notebook would show as red boxes
(:mod:`hybridnb.ui.startup`).

The package is layered, imports flowing one way:

- ``imaging``: pictures in and out, colour curves, the samples (NumPy + Pillow);
- ``filters``: kernels, the one blur, the far view, viewing distance, the
  classic split, SSIM (NumPy, or TensorFlow for tensors);
- ``optimize``: losses, update rules, the compiled engine, ``HybridModel``,
  the grid, runs from settings (TensorFlow);
- ``analysis``: scores and fronts;
- ``ui``: figures, live views, the training session, the panel, the command line;
- ``teaching``: patterns and timings used by the notebooks.
"""

import sys

import lazy_loader

__version__ = "0.1.0"

_load, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)


def __getattr__(name: str):
    """Load a public name on first use; TensorFlow, if that loads it, starts without its C++ log lines."""
    if "tensorflow" in sys.modules:
        return _load(name)
    from .ui.startup import tensorflow_quietly

    with tensorflow_quietly():
        return _load(name)
