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
    # --- beyond the article (issue 5) ---
    "classic_hybrid": "classic",
    "ClassicResult": "classic",
    "comparison_grid": "grid",
    "GridResult": "grid",
    "hybrid_scores": "scores",
    "HybridScores": "scores",
    "ssim": "scores",
    "perception_curve": "scores",
    "PerceptionCurve": "scores",
    "perceptual_hybrid": "perceptual",
    "sweep_classic": "pareto",
    "sweep_perceptual": "pareto",
    "PerceptualResult": "perceptual",
    "sigma_to_cutoff": "viewing",
    "cutoff_to_sigma": "viewing",
    "cycles_per_degree": "viewing",
    "cycles_per_image": "viewing",
    "simulate_viewing": "viewing",
    "comparison_figure": "plots",
    "fronts_figure": "plots",
    "perception_figure": "plots",
    # the interactive panel (issue 4)
    "HybridPanel": "panel",
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
    "ClassicResult",
    "GridResult",
    "HybridModel",
    "HybridPanel",
    "HybridScores",
    "LiveFigure",
    "LiveTraining",
    "LossRecord",
    "PerceptionCurve",
    "PerceptualResult",
    "Report",
    "blur_linear",
    "blur_timings",
    "blur_with_kernel",
    "blur_with_kernel_2d",
    "chirp",
    "chirp_frequencies",
    "classic_hybrid",
    "comparison_figure",
    "comparison_grid",
    "cutoff_to_sigma",
    "cycles_per_degree",
    "cycles_per_image",
    "far_view",
    "figure_to_png",
    "frequency_response",
    "fronts_figure",
    "gauss_blur",
    "half_amplitude_cutoff",
    "hybrid_losses",
    "hybrid_scores",
    "image_row",
    "linear_to_srgb",
    "load_image",
    "make_gauss_blur_kernel",
    "perception_curve",
    "perception_figure",
    "perceptual_hybrid",
    "quiet_tensorflow",
    "sample_images",
    "save_image",
    "shrink_linear",
    "sigma_to_cutoff",
    "simulate_viewing",
    "srgb_standard_to_linear",
    "srgb_to_linear",
    "ssim",
    "stripe_chart",
    "stripes",
    "sweep_classic",
    "sweep_perceptual",
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
    from .classic import ClassicResult, classic_hybrid
    from .color import GAMMA, linear_to_srgb, srgb_standard_to_linear, srgb_to_linear
    from .grid import GridResult, comparison_grid
    from .history import LossRecord
    from .images import DEFAULT_FAR, DEFAULT_NEAR, load_image, sample_images, save_image
    from .kernels import frequency_response, half_amplitude_cutoff, make_gauss_blur_kernel, truncated_weight
    from .live import LiveFigure, LiveTraining
    from .losses import far_view, hybrid_losses
    from .model import HybridModel, Report
    from .panel import HybridPanel
    from .pareto import sweep_classic, sweep_perceptual
    from .patterns import chirp, chirp_frequencies, stripe_chart, stripes
    from .perceptual import PerceptualResult, perceptual_hybrid
    from .plots import comparison_figure, figure_to_png, fronts_figure, image_row, perception_figure, training_figure
    from .scores import HybridScores, PerceptionCurve, hybrid_scores, perception_curve, ssim
    from .tf_startup import quiet_tensorflow
    from .timing import blur_timings
    from .viewing import (
        blur_linear,
        cutoff_to_sigma,
        cycles_per_degree,
        cycles_per_image,
        shrink_linear,
        sigma_to_cutoff,
        simulate_viewing,
    )
