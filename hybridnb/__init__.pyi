# The public API of hybridnb, listed once: `import hybridnb as hn; hn.<name>`.
# hybridnb/__init__.py loads each name lazily from here (lazy_loader.attach_stub),
# and type checkers read the same lines.  Grouped by layer, from the bottom up.

# imaging: NumPy + Pillow (no TensorFlow)
from .imaging.color import GAMMA, linear_to_srgb, srgb_standard_to_linear, srgb_to_linear
from .imaging.animation import zoom_animation
from .imaging.io import load_image, load_picture, save_image
from .imaging.samples import DEFAULT_FAR, DEFAULT_NEAR, sample_images

# filters: kernels, the blur, the far view, viewing distance, the classic split, SSIM
from .filters.blur import blur_with_kernel, gauss_blur
from .filters.align import align, align_transform
from .filters.blur_tf import blur_with_kernel_2d
from .filters.classic import ClassicResult, classic_hybrid
from .filters.faces import EyeFinding, find_eyes
from .filters.hybrid_view import Visibility, advice, balanced_crossover, ideal_split, visibilities
from .filters.kernels import (
    frequency_response,
    half_amplitude_cutoff,
    kernel_size_for,
    make_gauss_blur_kernel,
    scale_blur,
    truncated_weight,
)
from .filters.viewing import (
    blur_linear,
    cutoff_to_sigma,
    cycles_per_degree,
    cycles_per_image,
    far_view,
    shrink_linear,
    sigma_to_cutoff,
    simulate_viewing,
)

# optimize: losses, update rules, the model, the grid, runs from settings
from .optimize.article import ArticleLoss, hybrid_losses
from .optimize.grid import GridResult, comparison_grid
from .optimize.loss import HybridLoss
from .optimize.model import HybridModel
from .optimize.perceptual import PerceptualLoss, PerceptualResult, perceptual_hybrid
from .optimize.records import LossRecord, Report
from .optimize.settings import ARTICLE, VIEWER, RunSettings
from .optimize.viewer import ViewerLoss

# analysis: scores, artefacts and fronts
from .analysis.artefacts import Artefacts, artefacts
from .analysis.fronts import sweep_classic, sweep_perceptual, sweep_viewer
from .analysis.scores import HybridScores, PerceptionCurve, hybrid_scores, perception_curve, ssim

# ui: figures, live views, the training session, the panel, many hybrids at once
from .ui.live import LiveFigure, LiveTraining
from .ui.panel import HybridPanel
from .ui.plots import (
    comparison_figure,
    figure_to_png,
    fronts_figure,
    image_row,
    perception_figure,
    training_figure,
)
from .ui.session import TrainingSession
from .ui.batch.jobs import batch
from .ui.startup import quiet_tensorflow

# teaching: test patterns and timings for the notebooks
from .teaching.patterns import chirp, chirp_frequencies, stripe_chart, stripes
from .teaching.timing import blur_timings
