"""hybridnb: hybrid images fitted pixel by pixel with TensorFlow.

One picture seen up close, another from afar.  See the README and the
notebooks for the technique; the public names are listed in ``__all__``.

Names are imported lazily (PEP 562), so ``import hybridnb`` and
``hybridnb --help`` stay fast and TensorFlow loads on first use.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING

# TensorFlow logs start-up chatter to stderr; keep it down unless asked for.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"

#: public name -> submodule that defines it
_EXPORTS = {
    "GAMMA": "color",
    "srgb_to_linear": "color",
    "linear_to_srgb": "color",
    "make_gauss_blur_kernel": "kernels",
    "gauss_blur": "blur",
    "blur_with_kernel": "blur",
    "far_view": "losses",
    "hybrid_losses": "losses",
    "load_image": "images",
    "save_image": "images",
    "sample_images": "images",
    "DEFAULT_NEAR": "images",
    "DEFAULT_FAR": "images",
    "HybridModel": "model",
    "Report": "model",
    "LossRecord": "history",
    "shrink_linear": "viewing",
    "LiveFigure": "live",
    "training_figure": "plots",
    "figure_to_png": "plots",
    # teaching notebooks (issue 3)
    "srgb_standard_to_linear": "color",
    "frequency_response": "kernels",
    "half_amplitude_cutoff": "kernels",
    "truncated_weight": "kernels",
    "blur_with_kernel_2d": "blur",
    "blur_linear": "viewing",
    "stripes": "patterns",
    "stripe_chart": "patterns",
    "chirp": "patterns",
    "chirp_frequencies": "patterns",
    "blur_timings": "timing",
    "image_row": "plots",
    "LiveTraining": "live",
    "quiet_tensorflow": "tf_startup",
}

__all__ = [
    "DEFAULT_FAR",
    "DEFAULT_NEAR",
    "GAMMA",
    "HybridModel",
    "LiveFigure",
    "LiveTraining",
    "LossRecord",
    "Report",
    "blur_linear",
    "blur_timings",
    "blur_with_kernel",
    "blur_with_kernel_2d",
    "chirp",
    "chirp_frequencies",
    "far_view",
    "figure_to_png",
    "frequency_response",
    "gauss_blur",
    "half_amplitude_cutoff",
    "hybrid_losses",
    "image_row",
    "linear_to_srgb",
    "load_image",
    "make_gauss_blur_kernel",
    "quiet_tensorflow",
    "sample_images",
    "save_image",
    "shrink_linear",
    "srgb_standard_to_linear",
    "srgb_to_linear",
    "stripe_chart",
    "stripes",
    "training_figure",
    "truncated_weight",
]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'hybridnb' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from .blur import blur_with_kernel, blur_with_kernel_2d, gauss_blur
    from .color import GAMMA, linear_to_srgb, srgb_standard_to_linear, srgb_to_linear
    from .history import LossRecord
    from .images import DEFAULT_FAR, DEFAULT_NEAR, load_image, sample_images, save_image
    from .kernels import frequency_response, half_amplitude_cutoff, make_gauss_blur_kernel, truncated_weight
    from .live import LiveFigure, LiveTraining
    from .losses import far_view, hybrid_losses
    from .model import HybridModel, Report
    from .patterns import chirp, chirp_frequencies, stripe_chart, stripes
    from .plots import figure_to_png, image_row, training_figure
    from .tf_startup import quiet_tensorflow
    from .timing import blur_timings
    from .viewing import blur_linear, shrink_linear
