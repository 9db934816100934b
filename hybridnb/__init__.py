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
    "GAMMA": "imaging.color",
    "srgb_to_linear": "imaging.color",
    "linear_to_srgb": "imaging.color",
    "make_gauss_blur_kernel": "filters.kernels",
    "gauss_blur": "filters.blur",
    "blur_with_kernel": "filters.blur",
    "far_view": "optimize.losses",
    "hybrid_losses": "optimize.losses",
    "load_image": "imaging.io",
    "save_image": "imaging.io",
    "sample_images": "imaging.io",
    "DEFAULT_NEAR": "imaging.io",
    "DEFAULT_FAR": "imaging.io",
    "HybridModel": "optimize.model",
    "Report": "optimize.model",
    "LossRecord": "optimize.records",
    "shrink_linear": "filters.viewing",
    "LiveFigure": "ui.live",
    "training_figure": "ui.plots",
    "figure_to_png": "ui.plots",
    # --- beyond the article (issue 5) ---
    "classic_hybrid": "filters.classic",
    "ClassicResult": "filters.classic",
    "comparison_grid": "optimize.grid",
    "GridResult": "optimize.grid",
    "hybrid_scores": "analysis.scores",
    "HybridScores": "analysis.scores",
    "ssim": "analysis.scores",
    "perception_curve": "analysis.scores",
    "PerceptionCurve": "analysis.scores",
    "perceptual_hybrid": "optimize.perceptual",
    "sweep_classic": "analysis.fronts",
    "sweep_perceptual": "analysis.fronts",
    "PerceptualResult": "optimize.perceptual",
    "sigma_to_cutoff": "filters.viewing",
    "cutoff_to_sigma": "filters.viewing",
    "cycles_per_degree": "filters.viewing",
    "cycles_per_image": "filters.viewing",
    "simulate_viewing": "filters.viewing",
    "comparison_figure": "ui.plots",
    "fronts_figure": "ui.plots",
    "perception_figure": "ui.plots",
    # the interactive panel (issue 4)
    "HybridPanel": "ui.panel",
    # teaching notebooks (issue 3)
    "srgb_standard_to_linear": "imaging.color",
    "frequency_response": "filters.kernels",
    "half_amplitude_cutoff": "filters.kernels",
    "truncated_weight": "filters.kernels",
    "blur_with_kernel_2d": "filters.blur",
    "blur_linear": "filters.viewing",
    "stripes": "teaching.patterns",
    "stripe_chart": "teaching.patterns",
    "chirp": "teaching.patterns",
    "chirp_frequencies": "teaching.patterns",
    "blur_timings": "teaching.timing",
    "image_row": "ui.plots",
    "LiveTraining": "ui.live",
    "quiet_tensorflow": "ui.startup",
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
    from .analysis.fronts import sweep_classic, sweep_perceptual
    from .analysis.scores import HybridScores, PerceptionCurve, hybrid_scores, perception_curve, ssim
    from .filters.blur import blur_with_kernel, blur_with_kernel_2d, gauss_blur
    from .filters.classic import ClassicResult, classic_hybrid
    from .filters.kernels import frequency_response, half_amplitude_cutoff, make_gauss_blur_kernel, truncated_weight
    from .filters.viewing import (
        blur_linear,
        cutoff_to_sigma,
        cycles_per_degree,
        cycles_per_image,
        shrink_linear,
        sigma_to_cutoff,
        simulate_viewing,
    )
    from .imaging.color import GAMMA, linear_to_srgb, srgb_standard_to_linear, srgb_to_linear
    from .imaging.io import DEFAULT_FAR, DEFAULT_NEAR, load_image, sample_images, save_image
    from .optimize.grid import GridResult, comparison_grid
    from .optimize.losses import far_view, hybrid_losses
    from .optimize.model import HybridModel, Report
    from .optimize.perceptual import PerceptualResult, perceptual_hybrid
    from .optimize.records import LossRecord
    from .teaching.patterns import chirp, chirp_frequencies, stripe_chart, stripes
    from .teaching.timing import blur_timings
    from .ui.live import LiveFigure, LiveTraining
    from .ui.panel import HybridPanel
    from .ui.plots import comparison_figure, figure_to_png, fronts_figure, image_row, perception_figure, training_figure
    from .ui.startup import quiet_tensorflow
