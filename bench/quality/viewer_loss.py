"""A hybrid-image loss that compares what a viewer sees at a near and a far distance.

Prototype of a plug-in loss for hybridnb (standalone TensorFlow; nothing here
is imported by the package).  See FINDINGS.md for the evidence behind each
choice; in short:

**The viewer.**  A picture ``d`` picture-widths away spans ``theta_d = 2
atan(1 / (2 d))`` degrees; a frequency of ``f`` cycles per picture (cpp)
reaches the eye at ``f / theta_d`` cycles per degree.  The eye's contrast
sensitivity is a log-parabola (Watson & Ahumada 2005; Lesmes et al. 2010)

``S(f) = 10 ** (-log10(2) * (log10(f / PEAK_CPD) / (BANDWIDTH_OCT * log10(2) / 2)) ** 2)``

(peak 1 at ``PEAK_CPD`` = 4 cpd, falling to 1/2 ``BANDWIDTH_OCT / 2`` = 1.75
octaves either side), floored at ``FLOOR`` (0.32, a qCSF-style truncation by
0.5 log units) on the low-frequency side of the *far* view only, so the far
picture's mean and coarse shading stay protected (perceived suprathreshold
contrast is flatter than threshold sensitivity; with a floor of 0.1 the
coarse light was nearly free and Adam washed the picture out over 1000 steps).
Colour-opponent channels use the same curve shifted down by ``CHROMA_SHIFT``
(3x lower frequencies) at amplitude ``CHROMA_WEIGHT``.

**The signal.**  Linear light ``L = x ** gamma`` (the package's gamma, 2.2),
opponent channels ``Y = 0.2126 R + 0.7152 G + 0.0722 B``, ``R - G``,
``B - (R + G) / 2``, each divided by ``A ** BETA`` where ``A = blur(Y_far) +
L0`` is a *fixed* adaptation map (Gaussian of ``ADAPT_SIGMA`` picture
widths, mirrored borders; ``L0`` = 0.05 of white, the Weber floor).  With
``BETA`` = 1 this is Weber contrast, so dark and bright detail count alike,
while the loss stays a convex quadratic in ``L`` (``A`` does not depend on
the picture being optimised).

**The targets.**  Far: the far picture's light ``L_F``.  Near: the near
picture *re-lit* to the hybrid's adaptation, ``T_N = L_N (A / A_N) ** BETA``
with ``A_N = blur(Y_near) + L0``: the near picture's local contrast placed
on the far picture's local brightness, so the two targets agree on the
coarse light and do not fight there (the article's near term fights the far
term at low frequencies: ghost and speckle, see FINDINGS.md).

**The loss.**  With ``DCT`` the orthonormal 2-D DCT-II (symmetric border
extension, so no frame), ``U = DCT(opp(L) / A^BETA)`` and ``T_n``, ``T_f``
the same transform of the targets,

``near = sum_f W_n(f)^2 |U - T_n|^2 / (H W)``,
``far = sum_f w W_f(f)^2 |U - T_f|^2 / (H W)``, ``loss = near + far``

summed over the three opponent channels, each with its own ``W`` and ``w``;
``W_n(f) = S(f / theta_near)``, ``W_f(f) = max(S(f / theta_far), FLOOR)``
below the peak (chroma: shifted and scaled).  ``w = W_n(f_c)^2 / W_f(f_c)^2``
for a crossover ``f_c`` (cycles per picture), the frequency at which the
near and the far picture get equal say, the same for every channel.

Because ``loss`` is a sum of squares of a linear map of ``L``, its
unconstrained minimiser has a closed form: ``U* = (W_n^2 T_n + w W_f^2 T_f)
/ (W_n^2 + w W_f^2)``, a frequency-dependent crossover of the two targets
(the "ideal" hybrid; with two log-parabolas of one shape the near share is
``1 / (1 + (f_c / f) ** 3.9)`` for distances 4 and 32 widths).  The
optimiser's only job is the part of the ideal a display cannot show (light
outside [0, 1]): it starts from the ideal clipped into ``[margin, 1 -
margin]`` and moves the error to where the viewer notices it least.  The
loss is convex in ``L`` and ``L`` is monotone in the logits, so there is no
speckled optimum for more steps to find.

**Balance rule.**  :func:`balanced_crossover` picks ``f_c`` so that the
near picture is as visible from near as the far picture is from afar,
measured by this viewer (correlation of its luminance views) on the start
picture (the ideal clipped to the display), by bisection on ``log f_c``;
about 0.3 s at 256 px.  :func:`advice` turns measured visibilities into a
slider hint.

**Split mode.**  :func:`split_targets` aims both views at a classic-style
split (Gaussian cutoffs in cycles per picture) formed in this domain, the
"ideal the display cannot show"; ``ideal_split.py`` compares it with the
classic split setting by setting.

Run ``PYTHONPATH=. python bench/quality/viewer_loss.py --help``.
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf

GAMMA = 2.2
NEAR_WIDTHS = 4.0
FAR_WIDTHS = 32.0
PEAK_CPD = 4.0
BANDWIDTH_OCT = 3.5
FLOOR = 0.32
CHROMA_SHIFT = 3.0
CHROMA_WEIGHT = 0.5
L0 = 0.05
ADAPT_SIGMA = 1.0 / 24.0
MARGIN = 0.02
BETA = 1.0
#: opponent transform (rows: luminance, red-green, blue-yellow) on linear RGB
OPPONENT = np.array([[0.2126, 0.7152, 0.0722], [1.0, -1.0, 0.0], [-0.5, -0.5, 1.0]])


@dataclass(frozen=True)
class Params:
    """The viewer's parameters (defaults: the module constants; see the module docstring).

    Attributes
    ----------
    near_widths, far_widths : float
        Viewing distances in picture widths.
    floor : float
        Low-frequency floor of the far view's sensitivity.
    chroma_weight, chroma_shift : float
        Amplitude and frequency scale of the colour channels' sensitivity.
    l0 : float
        Dark light added to the adaptation luminance (display flare), linear units.
    beta : float
        Lightness exponent: the loss weighs light differences by ``A ** -beta``
        and re-lights the near target by ``(A / A_N) ** beta``.  1 is Weber
        contrast; 2/3 is CIE lightness (``L* ~ Y ** (1/3)``, so ``dL*/dY ~
        Y ** (-2/3)``); 0 is plain linear light.
    margin : float
        The start is clipped into ``[margin, 1 - margin]``.
    adaptation : {"mean", "log"}
        How the adaptation maps ``A`` and ``A_N`` are estimated from the
        luminance ``Y``: ``"mean"`` (default, the evaluated design), the
        local arithmetic mean ``blur(Y) + L0``; ``"log"``, the local
        geometric mean ``exp(blur(log(Y + L0)))`` (an untested candidate fix
        for near pictures of sparse bright points, see FINDINGS.md).
    balance : {"model", "log"}
        What the balance rule equalises: ``"model"`` (default, the evaluated
        design), correlations of the loss's own Weber-normalised luminance
        views; ``"log"``, of CSF-weighted log luminance (tried after the
        held-out run; it made the binary-far failure worse on the stress
        pairs, see FINDINGS.md).
    """

    near_widths: float = NEAR_WIDTHS
    far_widths: float = FAR_WIDTHS
    floor: float = FLOOR
    chroma_weight: float = CHROMA_WEIGHT
    chroma_shift: float = CHROMA_SHIFT
    l0: float = L0
    beta: float = BETA
    margin: float = MARGIN
    adaptation: str = "mean"
    balance: str = "model"


# ---------------------------------------------------------------------------
# geometry and eye model (NumPy: computed once per picture size)


def picture_degrees(widths: float) -> float:
    """Visual angle (degrees) of a picture ``widths`` picture widths away.

    Examples
    --------
    >>> round(picture_degrees(4.0), 2)
    14.25
    """
    return math.degrees(2.0 * math.atan(1.0 / (2.0 * widths)))


def sensitivity(f_cpd: np.ndarray) -> np.ndarray:
    """Log-parabola contrast sensitivity, peak 1 at :data:`PEAK_CPD`, 0 at 0 cpd.

    Examples
    --------
    >>> round(float(sensitivity(np.array(PEAK_CPD))), 6)
    1.0
    >>> round(float(sensitivity(np.array(PEAK_CPD * 2 ** (BANDWIDTH_OCT / 2)))), 6)
    0.5
    """
    f = np.asarray(f_cpd, dtype=np.float64)
    half = BANDWIDTH_OCT * math.log10(2.0) / 2.0
    with np.errstate(divide="ignore"):
        octs = np.log10(np.maximum(f, 1e-12) / PEAK_CPD) / half
    return np.where(f > 0, 10.0 ** (-math.log10(2.0) * octs * octs), 0.0)


def frequency_grid(h: int, w: int) -> np.ndarray:
    """Radial frequency (cycles per picture width) of each DCT-II coefficient, shape (h, w)."""
    fy = np.arange(h) / (2.0 * h) * w
    fx = np.arange(w) / 2.0
    return np.hypot(fy[:, None], fx[None, :])


def dct_matrix(n: int) -> np.ndarray:
    """Orthonormal DCT-II matrix ``C`` (``C @ x`` transforms a column)."""
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    c = np.cos(np.pi * (2 * i + 1) * k / (2 * n)) * math.sqrt(2.0 / n)
    c[0] /= math.sqrt(2.0)
    return c


def view_weights(
    h: int, w: int, widths: float, floor: float, params: Params = Params(), f_cpp: np.ndarray | None = None
) -> np.ndarray:
    """Amplitude weights (3, h, w): luminance and two chroma channels at ``widths``.

    ``floor`` floors the low-frequency side (0: none); ``f_cpp`` overrides
    the DCT frequency grid (cycles per picture).
    """
    theta = picture_degrees(widths)
    grid = frequency_grid(h, w) if f_cpp is None else f_cpp
    f = np.maximum(grid, 0.25) / theta  # the DC term counts as 1/4 cycle per picture
    shift, cw = params.chroma_shift, params.chroma_weight
    lum = sensitivity(f)
    chroma = cw * sensitivity(f * shift)
    if floor > 0:
        lum = np.where(f < PEAK_CPD, np.maximum(lum, floor), lum)
        chroma = np.where(f * shift < PEAK_CPD, np.maximum(chroma, cw * floor), chroma)
    return np.stack([lum, chroma, chroma])


# ---------------------------------------------------------------------------
# TensorFlow core (all numbers enter as tensors: one trace per picture size)


def fast_power(x: tf.Tensor, p) -> tf.Tensor:
    """``x ** p`` for ``x > 0`` as ``exp(p log x)`` (about 6x faster than ``tf.pow`` on CPU)."""
    return tf.exp(tf.cast(p, x.dtype) * tf.math.log(tf.maximum(x, tf.cast(1e-12, x.dtype))))


def dct2(x: tf.Tensor, ch: tf.Tensor, cw: tf.Tensor) -> tf.Tensor:
    """2-D orthonormal DCT of (N, C, H, W) by two matrix products."""
    return tf.matmul(tf.matmul(ch, x), cw, transpose_b=True)


def idct2(x: tf.Tensor, ch: tf.Tensor, cw: tf.Tensor) -> tf.Tensor:
    """Inverse of :func:`dct2`."""
    return tf.matmul(tf.matmul(ch, x, transpose_a=True), cw)


def to_opponent(light: tf.Tensor, adapt: tf.Tensor) -> tf.Tensor:
    """(N, H, W, 3) linear RGB -> (N, 3, H, W) Weber opponent channels ``opp(L) / A``."""
    m = tf.constant(OPPONENT.T, light.dtype)
    opp = tf.tensordot(light, m, axes=[[3], [0]]) / adapt[..., None]
    return tf.transpose(opp, [0, 3, 1, 2])


def from_opponent(opp: tf.Tensor, adapt: tf.Tensor) -> tf.Tensor:
    """Inverse of :func:`to_opponent`."""
    m = tf.constant(np.linalg.inv(OPPONENT).T, opp.dtype)
    return tf.tensordot(tf.transpose(opp, [0, 2, 3, 1]) * adapt[..., None], m, axes=[[3], [0]])


@dataclass
class Targets:
    """Everything :func:`terms` needs besides the picture: tensors, computed once per pair.

    Attributes
    ----------
    adapt : (1, H, W)
        The adaptation luminance ``A``.
    near_hat, far_hat : (1, 3, H, W)
        DCT of the targets' Weber opponent channels.
    wn2, wf2 : (3, H, W)
        Squared view weights at the near and far distance.
    weight_far : (3, 1, 1)
        ``w`` per opponent channel, from the crossover.
    ch, cw : (H, H), (W, W)
        DCT matrices.
    params : Params
    crossover : float
        ``f_c`` in cycles per picture (for reports).
    near_log, far_log : (1, H, W)
        DCT of the pictures' log luminance ``log(Y + L0)`` (for the balance rule).
    """

    adapt: tf.Tensor
    near_hat: tf.Tensor
    far_hat: tf.Tensor
    wn2: tf.Tensor
    wf2: tf.Tensor
    weight_far: tf.Tensor
    ch: tf.Tensor
    cw: tf.Tensor
    params: Params = field(default_factory=Params)
    crossover: float = 0.0
    near_log: tf.Tensor | None = None
    far_log: tf.Tensor | None = None

    def tensors(self) -> tuple[tf.Tensor, ...]:
        """The tensors, in :func:`terms`' argument order."""
        return (self.adapt, self.near_hat, self.far_hat, self.wn2, self.wf2, self.weight_far, self.ch, self.cw)


@tf.function(reduce_retracing=True, autograph=False)
def terms(image01, adapt, near_hat, far_hat, wn2, wf2, weight_far, ch, cw, gamma):
    """Per-picture near and far terms of a batch of candidate hybrids.

    Parameters
    ----------
    image01 : tf.Tensor, shape (N, H, W, 3)
        Candidates in (0, 1) (the sigmoid of the logits).
    adapt, near_hat, far_hat, wn2, wf2, weight_far, ch, cw
        :meth:`Targets.tensors`.
    gamma : scalar tensor

    Returns
    -------
    near, far : tf.Tensor, shape (N,)
        ``sum W_n^2 |U - T_n|^2 / (H W)`` and ``sum w W_f^2 |U - T_f|^2 / (H W)``
        (``w`` per channel, inside the far term); the loss is ``near + far``.
    """
    u = dct2(to_opponent(fast_power(image01, gamma), adapt), ch, cw)
    count = tf.cast(tf.shape(image01)[1] * tf.shape(image01)[2], image01.dtype)
    near = tf.reduce_sum(wn2 * tf.square(u - near_hat), axis=[1, 2, 3]) / count
    far = tf.reduce_sum(weight_far * wf2 * tf.square(u - far_hat), axis=[1, 2, 3]) / count
    return near, far


def gaussian_dct(h: int, w: int, sigma_widths: float) -> np.ndarray:
    """DCT-domain response (h, w) of a Gaussian blur of ``sigma_widths`` picture widths (mirrored borders)."""
    f = frequency_grid(h, w)  # cycles per picture width
    return np.exp(-2.0 * (math.pi * sigma_widths * f) ** 2)


def prepare(
    near: np.ndarray,
    far: np.ndarray,
    params: Params = Params(),
    *,
    crossover: float | None = None,
    dtype=tf.float32,
) -> Targets:
    """Targets of one pair.

    Parameters
    ----------
    near, far : ndarray, shape (H, W, 3), display values in [0, 1]
    params : Params
    crossover : float, optional
        ``f_c`` in cycles per picture; ``None`` applies :func:`balanced_crossover`.
    dtype : tf.DType

    Returns
    -------
    Targets
    """
    h, w = near.shape[:2]
    ch = tf.constant(dct_matrix(h), dtype)
    cw = tf.constant(dct_matrix(w), dtype)
    gauss = tf.constant(gaussian_dct(h, w, ADAPT_SIGMA), dtype)
    l0 = tf.constant(params.l0, dtype)

    def lum_blur(light: tf.Tensor) -> tf.Tensor:
        y = tf.tensordot(light, tf.constant(OPPONENT[0], dtype), axes=[[3], [0]])  # (1, H, W)
        if params.adaptation == "log":
            return tf.exp(idct2(dct2(tf.math.log(y + l0), ch, cw) * gauss, ch, cw))
        return tf.maximum(idct2(dct2(y, ch, cw) * gauss, ch, cw), 0.0) + l0

    ln = fast_power(tf.constant(near[None], dtype), GAMMA)
    lf = fast_power(tf.constant(far[None], dtype), GAMMA)
    beta = tf.constant(params.beta, dtype)
    adapt = lum_blur(lf)
    target_near = ln * fast_power(adapt / lum_blur(ln), beta)[..., None]
    adapt = fast_power(adapt, beta)  # the normaliser A ** beta (the "adapt" of terms)
    t = Targets(
        adapt=adapt,
        near_hat=dct2(to_opponent(target_near, adapt), ch, cw),
        far_hat=dct2(to_opponent(lf, adapt), ch, cw),
        wn2=tf.constant(view_weights(h, w, params.near_widths, 0.0, params) ** 2, dtype),
        wf2=tf.constant(view_weights(h, w, params.far_widths, params.floor, params) ** 2, dtype),
        weight_far=tf.ones((3, 1, 1), dtype),
        ch=ch,
        cw=cw,
        params=params,
        near_log=_log_hat(ln, l0, ch, cw),
        far_log=_log_hat(lf, l0, ch, cw),
    )
    set_crossover(t, balanced_crossover(t) if crossover is None else float(crossover))
    return t


def split_targets(t: Targets, near_cutoff: float, far_cutoff: float, far_weight: float = 1.0) -> Targets:
    """Targets whose near and far views both aim at a classic-style split (the "ideal" mode).

    The ideal is ``(1 - G_near) T_n + G_far T_f`` in this loss's domain
    (Weber-normalised opponent light, re-lit near target), ``G_c`` a
    Gaussian low-pass with half amplitude at ``c`` cycles per picture (the
    classic recipe's filters, :func:`hybridnb.sigma_to_cutoff`).  The loss
    then measures how far the displayable picture is from this ideal as
    seen from near and from afar, ``sum (W_n^2 + far_weight W_f^2) |U -
    ideal|^2``; its minimiser is the ideal itself wherever the display can
    show it, and the optimiser only decides how to show the rest.
    """
    h, w = t.wn2.shape[1:]
    f = tf.constant(frequency_grid(h, w), t.wn2.dtype)
    half = math.sqrt(math.log(2.0) / 2.0) / math.pi  # a unit-sigma Gaussian's half-amplitude frequency

    def low(cutoff: float) -> tf.Tensor:
        return tf.exp(-2.0 * (math.pi * (half / cutoff) * f) ** 2)

    ideal = (1.0 - low(near_cutoff)) * t.near_hat + low(far_cutoff) * t.far_hat
    return Targets(
        adapt=t.adapt,
        near_hat=ideal,
        far_hat=ideal,
        wn2=t.wn2,
        wf2=t.wf2,
        weight_far=tf.fill((3, 1, 1), tf.constant(far_weight, t.wn2.dtype)),
        ch=t.ch,
        cw=t.cw,
        params=t.params,
        crossover=float("nan"),
    )


def crossover_weight(fc: float, params: Params = Params()) -> np.ndarray:
    """Per-channel ``w = W_n(f_c)^2 / W_f(f_c)^2`` (``f_c`` in cycles per picture), shape (3, 1, 1).

    Computed for each opponent channel with its own curves, so luminance and
    colour cross over at the same frequency.

    Examples
    --------
    >>> np.round(crossover_weight(20.2).ravel(), 2).tolist()
    [1.0, 1.0, 1.0]
    """
    f = np.full((1, 1), float(fc))
    wn = view_weights(1, 1, params.near_widths, 0.0, params, f)[:, 0, 0]
    wf = view_weights(1, 1, params.far_widths, params.floor, params, f)[:, 0, 0]
    return (wn**2 / np.maximum(wf**2, 1e-30)).reshape(3, 1, 1)


def set_crossover(t: Targets, fc: float) -> None:
    """Set ``t.weight_far`` from a crossover ``fc`` in cycles per picture."""
    t.crossover = float(fc)
    t.weight_far = tf.constant(crossover_weight(fc, t.params), t.wn2.dtype)


def ideal_hat(t: Targets, weight_far: tf.Tensor | None = None) -> tf.Tensor:
    """DCT of the unconstrained minimiser: ``(W_n^2 T_n + w W_f^2 T_f) / (W_n^2 + w W_f^2)``."""
    wfar = t.weight_far if weight_far is None else weight_far
    a, b = t.wn2, wfar * t.wf2
    return (a * t.near_hat + b * t.far_hat) / tf.maximum(a + b, 1e-30)


def ideal_light(t: Targets) -> tf.Tensor:
    """The ideal hybrid in linear RGB light, (1, H, W, 3), not clipped."""
    return from_opponent(idct2(ideal_hat(t), t.ch, t.cw), t.adapt)


def start_image(t: Targets, weight_far: tf.Tensor | None = None) -> np.ndarray:
    """The ideal clipped into ``[margin, 1 - margin]`` in display values, (H, W, 3)."""
    light = from_opponent(idct2(ideal_hat(t, weight_far), t.ch, t.cw), t.adapt)
    lo, hi = t.params.margin**GAMMA, (1.0 - t.params.margin) ** GAMMA
    x = fast_power(tf.clip_by_value(light, lo, hi), 1.0 / GAMMA)
    return x[0].numpy().astype(np.float64)


def _cos(a: tf.Tensor, b: tf.Tensor) -> float:
    """Cosine similarity of two DCT-domain arrays without their DC term (a correlation)."""
    mask = np.ones(a.shape, np.float32)
    mask[..., 0, 0] = 0.0
    m = tf.constant(mask, a.dtype)
    a, b = a * m, b * m
    den = tf.sqrt(tf.reduce_sum(a * a) * tf.reduce_sum(b * b))
    return float(tf.reduce_sum(a * b) / tf.maximum(den, 1e-30))


def model_visibility(t: Targets, u_hat: tf.Tensor) -> tuple[float, float]:
    """This viewer's (near, far) visibility of a picture given as ``DCT(opp(L)/A)``.

    Correlation of the luminance views: ``W_n U`` with ``W_n T_n`` and ``W_f U`` with ``W_f T_f``.
    """
    wn, wf = tf.sqrt(t.wn2[0]), tf.sqrt(t.wf2[0])
    return _cos(wn * u_hat[0, 0], wn * t.near_hat[0, 0]), _cos(wf * u_hat[0, 0], wf * t.far_hat[0, 0])


def _log_hat(light: tf.Tensor, l0: tf.Tensor, ch: tf.Tensor, cw: tf.Tensor) -> tf.Tensor:
    y = tf.tensordot(light, tf.constant(OPPONENT[0], light.dtype), axes=[[3], [0]])
    return dct2(tf.math.log(y + l0), ch, cw)


def log_visibility(t: Targets, image01: np.ndarray) -> tuple[float, float]:
    """(near, far) visibility in global Weber units: correlation of ``W DCT(log(Y + L0))``.

    Near: the picture's view at the near distance against the near
    picture's; far: at the far distance against the far picture's.  Used
    by the balance rule with ``Params.balance == "log"``.
    """
    x = tf.constant(np.clip(image01, 1e-6, 1.0)[None], t.wn2.dtype)
    u = _log_hat(fast_power(x, GAMMA), tf.constant(t.params.l0, t.wn2.dtype), t.ch, t.cw)[0]
    wn, wf = tf.sqrt(t.wn2[0]), tf.sqrt(t.wf2[0])
    return _cos(wn * u, wn * t.near_log[0]), _cos(wf * u, wf * t.far_log[0])


def visibility(t: Targets, image01: np.ndarray) -> tuple[float, float]:
    """This viewer's (near, far) visibility of a display-value picture, as the balance rule measures it."""
    if t.params.balance == "log":
        return log_visibility(t, image01)
    return model_visibility(t, picture_hat(t, image01))


def picture_hat(t: Targets, image01: np.ndarray) -> tf.Tensor:
    """``DCT(opp(L)/A)`` of a display-value picture (H, W, 3)."""
    x = tf.constant(np.clip(image01, 1e-6, 1.0)[None], t.wn2.dtype)
    return dct2(to_opponent(fast_power(x, GAMMA), t.adapt), t.ch, t.cw)


def balanced_crossover(t: Targets, lo: float = 2.0, hi: float = 128.0, iterations: int = 12) -> float:
    """The crossover (cycles per picture) at which near and far visibilities are equal.

    Bisection on ``log f_c`` over [``lo``, ``hi``]; the visibilities are
    :func:`visibility` (this loss's own viewer, never a judge: CSF-weighted
    log luminance by default) of the start picture, the ideal hybrid clipped
    to the display's range (what clipping costs is part of the balance).  Raising ``f_c`` gives the far
    picture more frequencies, so its visibility grows with ``f_c`` and the
    near picture's falls.  About 12 x 15 ms at 256 px.
    """
    lo_l, hi_l = math.log(lo), math.log(hi)
    for _ in range(iterations):
        mid = 0.5 * (lo_l + hi_l)
        w = tf.constant(crossover_weight(math.exp(mid), t.params), t.wn2.dtype)
        vn, vf = visibility(t, start_image(t, w))
        if vn > vf:
            lo_l = mid
        else:
            hi_l = mid
    return math.exp(0.5 * (lo_l + hi_l))


def advice(near_vis: float, far_vis: float, tol: float = 0.05) -> str:
    """A slider hint from measured (near, far) visibilities.

    Examples
    --------
    >>> advice(0.9, 0.6)
    'near subject dominates (0.90 vs 0.60): raise the crossover (cycles per picture) to give the far picture more'
    """
    if near_vis > far_vis + tol:
        return (
            f"near subject dominates ({near_vis:.2f} vs {far_vis:.2f}): raise the crossover "
            "(cycles per picture) to give the far picture more"
        )
    if far_vis > near_vis + tol:
        return (
            f"far subject dominates ({far_vis:.2f} vs {near_vis:.2f}): lower the crossover "
            "(cycles per picture) to give the near picture more"
        )
    return f"balanced ({near_vis:.2f} near, {far_vis:.2f} far)"


# ---------------------------------------------------------------------------
# optimisation


def to_logits(x: np.ndarray) -> np.ndarray:
    """Logits of display values in (0, 1)."""
    x = np.clip(x, 1e-6, 1 - 1e-6)
    return np.log(x) - np.log1p(-x)


@tf.function(reduce_retracing=True, autograph=False)
def _adam_steps(z, m, v, t0, n, lr, adapt, near_hat, far_hat, wn2, wf2, weight_far, ch, cw, gamma):
    """``n`` Adam steps on the logits (Kingma & Ba 2015, betas 0.9 / 0.999, eps 1e-8).

    Adam's per-value normalisation is what this loss needs: the Weber
    normalisation makes the curvature per logit vary by orders of magnitude
    (``d(L/A)/dz = gamma L (1 - x) / A``), which plain gradient descent cannot
    follow with one rate.  The loss is convex in ``L``, so there is no noise
    for Adam to amplify; at a fixed rate it jitters by about ``lr`` in logits
    near the optimum (0.03 -> under 1/100 of the display range).
    """
    count = tf.cast(tf.shape(z)[1] * tf.shape(z)[2], z.dtype)

    def body(i, z, m, v):
        with tf.GradientTape() as tape:
            tape.watch(z)
            near, far = terms(tf.sigmoid(z), adapt, near_hat, far_hat, wn2, wf2, weight_far, ch, cw, gamma)
            loss = tf.reduce_sum(near + far)
        g = tape.gradient(loss, z) * count  # the per-pixel gradient
        k = tf.cast(t0 + i + 1, z.dtype)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        step = lr * (m / (1.0 - tf.pow(0.9, k))) / (tf.sqrt(v / (1.0 - tf.pow(0.999, k))) + 1e-8)
        return i + 1, z - step, m, v

    _, z, m, v = tf.while_loop(lambda i, *_: i < n, body, (tf.constant(0), z, m, v))
    return z, m, v


def fit(
    t: Targets,
    steps: int = 200,
    *,
    lr: float = 0.03,
    checkpoints: tuple[int, ...] = (),
    start: np.ndarray | None = None,
) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Minimise ``near + far`` over the logits with Adam, from the clipped ideal.

    Parameters
    ----------
    t : Targets
    steps : int
    lr : float
        Adam's step in logits.
    checkpoints : tuple of int
        Also return the picture after these step counts.
    start : ndarray, optional
        Display-value start; the clipped ideal by default.

    Returns
    -------
    image : ndarray (H, W, 3)
    pictures : dict step -> ndarray (H, W, 3)
    """
    dtype = t.wn2.dtype
    x0 = start_image(t) if start is None else start
    z = tf.constant(to_logits(x0)[None], dtype)
    m = tf.zeros_like(z)
    v = tf.zeros_like(z)
    args = (*t.tensors(), tf.constant(GAMMA, dtype))
    pictures: dict[int, np.ndarray] = {}
    done = 0
    for stop in sorted({*checkpoints, steps}):
        if stop > done:
            z, m, v = _adam_steps(z, m, v, tf.constant(done), tf.constant(stop - done), tf.constant(lr, dtype), *args)
            done = stop
        if stop in checkpoints:
            pictures[stop] = tf.sigmoid(z)[0].numpy().astype(np.float64)
    return tf.sigmoid(z)[0].numpy().astype(np.float64), pictures


def loss_value(t: Targets, image01: np.ndarray) -> tuple[float, float, float]:
    """(loss, near, far) of a display-value picture."""
    dtype = t.wn2.dtype
    x = tf.constant(np.clip(image01, 1e-6, 1 - 1e-6)[None], dtype)
    near, far = terms(x, *t.tensors(), tf.constant(GAMMA, dtype))
    return float(near[0] + far[0]), float(near[0]), float(far[0])


def viewer_hybrid(
    near: np.ndarray, far: np.ndarray, *, crossover: float | None = None, steps: int = 200, **kw
) -> tuple[np.ndarray, Targets]:
    """Convenience: prepare, fit, return (hybrid, targets)."""
    t = prepare(near, far, Params(**kw), crossover=crossover)
    image, _ = fit(t, steps)
    return image, t


def main(argv: list[str] | None = None) -> None:
    """Command line: make one hybrid of two bundled samples and report loss, visibilities, timing."""
    parser = argparse.ArgumentParser(
        description="Make a hybrid with the viewer loss (balance rule unless --crossover), print the "
        "loss over steps, this viewer's visibilities and advice, the time per step; optionally save PNGs."
    )
    parser.add_argument("--near", default="hopper")
    parser.add_argument("--far", default="astronaut")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--crossover", type=float, default=None, help="cycles per picture (default: balance rule)")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--lr", type=float, default=0.03)
    parser.add_argument("--beta", type=float, default=BETA, help="lightness exponent (1 Weber, 2/3 L*, 0 linear)")
    parser.add_argument("--l0", type=float, default=L0, help="dark light of the adaptation (linear)")
    parser.add_argument("--out", help="PNG path for the hybrid")
    args = parser.parse_args(argv)
    import hybridnb as hn

    s = hn.sample_images()
    near, far = hn.load_image(s[args.near], args.size), hn.load_image(s[args.far], args.size)
    t0 = time.perf_counter()
    t = prepare(near, far, Params(beta=args.beta, l0=args.l0), crossover=args.crossover)
    t1 = time.perf_counter()
    print(f"prepare + balance: {t1 - t0:.2f} s, crossover {t.crossover:.1f} cycles per picture")
    x0 = start_image(t)
    print("start: loss {:.5f} near {:.5f} far {:.5f}".format(*loss_value(t, x0)))
    checkpoints = tuple(c for c in (10, 50, 100, 200, 500, 1000) if c <= args.steps)
    fit(t, 2)  # trace
    t2 = time.perf_counter()
    image, pics = fit(t, args.steps, lr=args.lr, checkpoints=checkpoints)
    t3 = time.perf_counter()
    for c, p in pics.items():
        print(f"{c:5d} steps: " + "loss {:.5f} near {:.5f} far {:.5f}".format(*loss_value(t, p)))
    print(f"{(t3 - t2) / args.steps * 1000:.1f} ms per step at {args.size} px")
    vn, vf = visibility(t, image)
    print(advice(vn, vf))
    if args.out:
        hn.save_image(image, args.out)


if __name__ == "__main__":
    main()
