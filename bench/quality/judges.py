"""Independent judges of hybrid images: viewer models that no loss optimises.

A hybrid should look like the *near* picture from a near viewing distance and
like the *far* picture from a far one.  Each judge below models a viewer at
both distances and returns

- ``near``: visibility of the near picture in the hybrid seen from near,
- ``far``: visibility of the far picture in the hybrid seen from far,
- ``ghost``: visibility of the near picture in the hybrid seen from far
  (should be low),
- ``intrusion``: visibility of the far picture in the hybrid seen from near
  (reported, not a goal: the far picture's coarse shapes are always there),

each a similarity in [-1, 1] (1 = the viewer sees the same as in the original).

Viewing geometry (shared by every judge, size-independent)
----------------------------------------------------------
Distances are in picture widths.  A picture ``d`` widths away spans
``theta = 2 atan(1 / (2 d))`` degrees, so a frequency of ``f`` cycles per
picture width reaches the eye at ``f / theta`` cycles per degree (cpd).  All
filters are defined in cycles per picture, so a 256-px and a 1024-px version
of one picture are judged alike (the 1024-px one simply has detail that
nobody can see from the near distance).  Defaults: near = 4 widths (14.3
degrees: a 7 cm thumbnail at 28 cm, a 25 cm print at 1 m), far = 32 widths
(1.79 degrees, eight times farther; the factor of the package's 8x shrink).

Filtering uses the DCT (symmetric border extension), so no judge sees a
frame that is not in the picture.  Colour curves are the *standard* sRGB
ones (IEC 61966-2-1, D65), not the package's ``x ** 2.2``, so a loss built on
the package's gamma is not judged in its own currency.

The three judges differ in the eye model, the colour space and the similarity:

=====  ==========================  ===============  =========================================
name   contrast sensitivity        signal           similarity
=====  ==========================  ===============  =========================================
msY    Mannos & Sakrison (1974)    linear Y         Pearson correlation of the filtered views
bartenL Barten (1999), 100 cd/m2   CIE L*           SSIM, Gaussian window 0.08 deg
peli   Movshon & Kiorpes (1988),   linear Y, octave cosine of thresholded, compressed band
       absolute thresholds         bands, Peli      contrasts (Peli 1990 local band-limited
                                   contrast         contrast; responses above threshold ** 0.6)
=====  ==========================  ===============  =========================================

Correlation and structure indices are blind to a washed-out picture or a
colour cast, so :func:`artefacts` measures those separately (lightness
contrast, mean colour shift, fine-texture noise, border frame, clipped
values).

Run ``python bench/quality/judges.py --help``; without options it checks the
judges on identities and prints them for the classic split's nine settings on
one tuning pair.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import fft as sfft
from scipy import ndimage

#: Default viewing distances, in picture widths.
NEAR_WIDTHS = 4.0
FAR_WIDTHS = 32.0

# ---------------------------------------------------------------------------
# geometry and colour


def picture_degrees(widths: float) -> float:
    """Visual angle (degrees) of a picture seen from ``widths`` picture widths away.

    Examples
    --------
    >>> round(picture_degrees(4.0), 2), round(picture_degrees(32.0), 3)
    (14.25, 1.79)
    """
    return math.degrees(2.0 * math.atan(1.0 / (2.0 * widths)))


def srgb_to_linear(x: np.ndarray) -> np.ndarray:
    """Standard sRGB decoding (IEC 61966-2-1), display values -> linear light.

    Examples
    --------
    >>> round(float(srgb_to_linear(np.array(0.5))), 4)
    0.214
    """
    x = np.clip(np.asarray(x, dtype=np.float64), 0.0, 1.0)
    return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(x: np.ndarray) -> np.ndarray:
    """Standard sRGB encoding, linear light -> display values.

    Examples
    --------
    >>> round(float(linear_to_srgb(srgb_to_linear(np.array(0.3)))), 12)
    0.3
    """
    x = np.clip(np.asarray(x, dtype=np.float64), 0.0, 1.0)
    return np.where(x <= 0.0031308, 12.92 * x, 1.055 * x ** (1 / 2.4) - 0.055)


_RGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
)
_WHITE = _RGB_TO_XYZ.sum(axis=1)


def luminance(image: np.ndarray) -> np.ndarray:
    """Relative luminance Y (linear light, white = 1) of a display-value picture.

    Examples
    --------
    >>> round(float(luminance(np.ones((1, 1, 3)))[0, 0]), 6)
    1.0
    """
    return srgb_to_linear(image) @ _RGB_TO_XYZ[1]


def _lab_f(t: np.ndarray) -> np.ndarray:
    d = 6.0 / 29.0
    return np.where(t > d**3, np.cbrt(t), t / (3 * d * d) + 4.0 / 29.0)


def lightness(y: np.ndarray) -> np.ndarray:
    """CIE L* (0-100) of relative luminance ``y``.

    Examples
    --------
    >>> round(float(lightness(np.array(0.18))), 1)
    49.5
    """
    return 116.0 * _lab_f(np.asarray(y, dtype=np.float64)) - 16.0


def rgb_to_lab(image: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of an sRGB display-value picture (H, W, 3).

    Examples
    --------
    >>> np.round(rgb_to_lab(np.ones((1, 1, 3)))[0, 0], 4).tolist()
    [100.0, 0.0, 0.0]
    """
    xyz = srgb_to_linear(image) @ _RGB_TO_XYZ.T / _WHITE
    fx, fy, fz = (_lab_f(xyz[..., i]) for i in range(3))
    return np.stack([116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)], axis=-1)


def luma(image: np.ndarray) -> np.ndarray:
    """Display-value luma ``0.2126 R' + 0.7152 G' + 0.0722 B'`` (for the artefact checks)."""
    return np.asarray(image, dtype=np.float64) @ np.array([0.2126, 0.7152, 0.0722])


# ---------------------------------------------------------------------------
# filtering in cycles per picture


def frequency_grid(shape: tuple[int, int]) -> np.ndarray:
    """Radial frequency (cycles per picture *width*) of each DCT-II coefficient.

    DCT coefficient ``k`` along an axis of ``n`` samples is ``k / (2 n)``
    cycles per pixel, so ``k / 2`` cycles per picture along the width.

    Examples
    --------
    >>> frequency_grid((4, 4))[0, 1], frequency_grid((4, 4))[3, 3].round(3)
    (np.float64(0.5), np.float64(2.121))
    """
    h, w = shape
    fy = np.arange(h) / (2.0 * h) * w
    fx = np.arange(w) / 2.0
    return np.hypot(fy[:, None], fx[None, :])


def dct2(a: np.ndarray) -> np.ndarray:
    """Orthonormal 2-D DCT-II over the first two axes."""
    return sfft.dctn(a, type=2, norm="ortho", axes=(0, 1))


def idct2(a: np.ndarray) -> np.ndarray:
    """Inverse of :func:`dct2`."""
    return sfft.idctn(a, type=2, norm="ortho", axes=(0, 1))


def mannos_sakrison(f_cpd: np.ndarray) -> np.ndarray:
    """Mannos & Sakrison's CSF (IEEE Trans. Inf. Theory 20(4), 1974), peak 1 (at 8 cpd).

    ``A(f) = 2.6 (0.0192 + 0.114 f) exp(-(0.114 f) ** 1.1)``.

    Examples
    --------
    >>> round(float(mannos_sakrison(np.array(8.0))), 2)
    1.0
    """
    f = np.asarray(f_cpd, dtype=np.float64)
    a = 2.6 * (0.0192 + 0.114 * f) * np.exp(-((0.114 * f) ** 1.1))
    return a / 0.98045  # the peak value at f ~ 8.0 cpd


def barten(u_cpd: np.ndarray, field_deg: float, lum: float = 100.0) -> np.ndarray:
    """Barten's simplified CSF (Barten 1999; ITU-R BT.2246), normalised to peak 1.

    ``S(u) = 5200 exp(-0.0016 u^2 (1 + 100/L)^0.08) /
    sqrt((1 + 144/X0^2 + 0.64 u^2)(63/L^0.83 + 1/(1 - exp(-0.02 u^2))))``
    for a field of ``X0`` degrees at ``L`` cd/m^2.  ``S(0) = 0``.

    Examples
    --------
    >>> s = barten(np.linspace(0, 60, 601), 10.0)
    >>> float(s.max()), float(s[0])
    (1.0, 0.0)
    """
    u = np.asarray(u_cpd, dtype=np.float64)

    def raw(u: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            low = 1.0 / (1.0 - np.exp(-0.02 * u * u))
        num = 5200.0 * np.exp(-0.0016 * u * u * (1 + 100.0 / lum) ** 0.08)
        den = np.sqrt((1 + 144.0 / field_deg**2 + 0.64 * u * u) * (63.0 / lum**0.83 + low))
        return np.where(u > 0, num / den, 0.0)

    peak = raw(np.linspace(0.05, 20.0, 4000)).max()
    return raw(u) / peak


def movshon_kiorpes(f_cpd: np.ndarray) -> np.ndarray:
    """Absolute contrast sensitivity ``75 f^0.8 exp(-0.2 f)`` (Movshon & Kiorpes 1988 form).

    Peak about 100 (1 % contrast threshold) at 4 cpd, 1 at about 40 cpd.

    Examples
    --------
    >>> round(float(movshon_kiorpes(np.array(4.0))))
    102
    """
    f = np.asarray(f_cpd, dtype=np.float64)
    return 75.0 * f**0.8 * np.exp(-0.2 * f)


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two arrays (0 if either is constant)."""
    a = a.ravel() - a.mean()
    b = b.ravel() - b.mean()
    d = math.sqrt(float(a @ a) * float(b @ b))
    return float(a @ b) / d if d > 0 else 0.0


def ssim_map_mean(x: np.ndarray, y: np.ndarray, sigma: float, data_range: float) -> float:
    """Mean SSIM (Wang et al. 2004) of two 2-D arrays, Gaussian window ``sigma`` px, reflected borders."""
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2

    def g(a: np.ndarray) -> np.ndarray:
        return ndimage.gaussian_filter(a, sigma, mode="reflect", truncate=3.5)

    mx, my = g(x), g(y)
    vx, vy, vxy = g(x * x) - mx * mx, g(y * y) - my * my, g(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(s.mean())


# ---------------------------------------------------------------------------
# the judges


@dataclass(frozen=True)
class Visibility:
    """What one judge sees in one hybrid (see the module docstring)."""

    near: float
    far: float
    ghost: float
    intrusion: float


Scorer = Callable[[np.ndarray], Visibility]


class Judge:
    """Base class: a viewer model at two distances.

    Subclasses implement ``view(image, widths) -> representation`` (any
    array-like computed from a display-value picture) and
    ``similarity(a, b) -> float``.  :meth:`bind` prepares the two pictures'
    views once and returns a fast scorer for hybrids of that pair.
    """

    name = "judge"

    def __init__(self, near_widths: float = NEAR_WIDTHS, far_widths: float = FAR_WIDTHS) -> None:
        self.near_widths, self.far_widths = float(near_widths), float(far_widths)

    def view(self, image: np.ndarray, widths: float):  # pragma: no cover - abstract
        raise NotImplementedError

    def similarity(self, a, b) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def bind(self, near: np.ndarray, far: np.ndarray) -> Scorer:
        """A scorer for hybrids of ``near`` (seen close) and ``far`` (seen afar).

        Parameters
        ----------
        near, far : ndarray, shape (H, W, 3), display values in [0, 1]

        Returns
        -------
        callable
            ``scorer(hybrid) -> Visibility``.
        """
        dn, df = self.near_widths, self.far_widths
        near_n, near_f = self.view(near, dn), self.view(near, df)
        far_n, far_f = self.view(far, dn), self.view(far, df)

        def scorer(hybrid: np.ndarray) -> Visibility:
            h_n, h_f = self.view(np.clip(hybrid, 0.0, 1.0), dn), self.view(np.clip(hybrid, 0.0, 1.0), df)
            return Visibility(
                near=self.similarity(h_n, near_n),
                far=self.similarity(h_f, far_f),
                ghost=self.similarity(h_f, near_f),
                intrusion=self.similarity(h_n, far_n),
            )

        return scorer


class MannosSakrisonJudge(Judge):
    """Judge ``msY``: Mannos-Sakrison CSF on linear luminance, Pearson correlation.

    The view at ``d`` widths is ``IDCT(A(f / theta_d) * DCT(Y))`` with
    ``A`` the Mannos-Sakrison CSF (peak 1 at 8 cpd, 0.05 at 0 cpd) and ``Y``
    the relative luminance in linear light.  Assumptions: the CSF is a
    linear, isotropic, threshold-shaped filter applied to light (no
    adaptation, no contrast normalisation, no colour); similarity is the
    Pearson correlation of the two views over the whole picture, which
    ignores the mean and the gain (hence the artefact checks).
    """

    name = "msY"

    def view(self, image: np.ndarray, widths: float) -> np.ndarray:
        y = luminance(image)
        f = frequency_grid(y.shape) / picture_degrees(widths)
        return idct2(dct2(y) * mannos_sakrison(f))

    def similarity(self, a, b) -> float:
        return pearson(a, b)


class BartenJudge(Judge):
    """Judge ``bartenL``: Barten CSF on CIE L*, SSIM of the filtered views.

    The view at ``d`` widths is ``mean(L*) + IDCT(S(f / theta_d) * DCT(L* -
    mean))`` with ``S`` Barten's CSF for 100 cd/m2 and a field of
    ``theta_d`` degrees, normalised to peak 1 (it peaks near 3-4 cpd and is 0
    at 0 cpd; the mean is kept so SSIM's luminance term is meaningful).  L*
    is perceptual lightness (roughly a cube root of luminance), so dark and
    bright detail count alike.  SSIM uses a Gaussian window of 0.08 degrees
    (about 1.5 px for a 256-px picture at the near distance, 11 px at the far
    one), reflected borders, constants for a data range of 100.
    """

    name = "bartenL"
    window_deg = 0.08

    def view(self, image: np.ndarray, widths: float) -> tuple[np.ndarray, float]:
        el = lightness(luminance(image))
        mean = float(el.mean())
        theta = picture_degrees(widths)
        f = frequency_grid(el.shape) / theta
        out = mean + idct2(dct2(el - mean) * barten(f, theta))
        sigma = self.window_deg * el.shape[1] / theta
        return out, sigma

    def similarity(self, a, b) -> float:
        return ssim_map_mean(a[0], b[0], a[1], 100.0)


class PeliJudge(Judge):
    """Judge ``peli``: thresholded band-limited contrast (Peli 1990) in octave bands.

    Luminance ``Y`` (linear) is split into octave bands by raised-cosine
    filters in log frequency centred at ``2^k`` cycles per picture (they sum
    to 1).  Each band's local contrast is ``c_k = a_k / max(l_k, 0.01)``,
    ``l_k`` being everything below the band (Peli's local band-limited
    contrast, an adaptation-normalised, Weber-like measure).  At ``d``
    widths the band's centre is at ``2^k / theta_d`` cpd and its absolute
    sensitivity ``S`` is the Movshon-Kiorpes form (threshold 1 % at 4 cpd).
    The response is ``sign(c) max(|c| S - 1, 0) ** 0.6``: nothing below
    threshold, compressed above (suprathreshold contrast compression).
    Similarity is the cosine of the stacked responses of all bands (no mean
    removed: the bands are zero-mean).  Assumptions: no masking between
    bands, no colour, isotropic.
    """

    name = "peli"
    floor = 0.01
    exponent = 0.6

    def _bands(self, shape: tuple[int, int]) -> list[tuple[float, np.ndarray, np.ndarray]]:
        f = frequency_grid(shape)
        top = math.floor(math.log2(shape[1] / 2.0))
        with np.errstate(divide="ignore"):
            lf = np.log2(np.maximum(f, 1e-9))
        bands = []
        for k in range(top + 1):
            g = np.where(np.abs(lf - k) < 1.0, 0.5 * (1 + np.cos(np.pi * (lf - k))), 0.0)
            if k == top:
                g = np.where(lf >= k, 1.0, g)
            if k == 0:
                g = np.where(lf <= 0, 0.0, g)
            low = np.where(lf <= k - 1, 1.0, np.where(lf < k, 0.5 * (1 + np.cos(np.pi * (lf - k + 1))), 0.0))
            bands.append((2.0**k, g, low))
        return bands

    def view(self, image: np.ndarray, widths: float) -> np.ndarray:
        y = luminance(image)
        spec = dct2(y)
        theta = picture_degrees(widths)
        out = []
        for fk, g, low in self._bands(y.shape):
            s = float(movshon_kiorpes(np.array(fk / theta)))
            if s <= 1.0 and fk / theta > 4:
                continue  # no contrast can be seen in this band (|c| <= 1 < 1 / S)
            c = idct2(spec * g) / np.maximum(idct2(spec * low), self.floor)
            out.append(np.sign(c) * np.maximum(np.abs(c) * s - 1.0, 0.0) ** self.exponent)
        return np.stack(out) if out else np.zeros((1, *y.shape))

    def similarity(self, a, b) -> float:
        d = math.sqrt(float(np.sum(a * a)) * float(np.sum(b * b)))
        return float(np.sum(a * b)) / d if d > 0 else 0.0


JUDGES: tuple[type[Judge], ...] = (MannosSakrisonJudge, BartenJudge, PeliJudge)


def all_judges(near_widths: float = NEAR_WIDTHS, far_widths: float = FAR_WIDTHS) -> list[Judge]:
    """One instance of every judge at the given distances."""
    return [cls(near_widths, far_widths) for cls in JUDGES]


# ---------------------------------------------------------------------------
# artefact checks


def _laplacian_mean(y: np.ndarray) -> float:
    lap = 4 * y[1:-1, 1:-1] - y[:-2, 1:-1] - y[2:, 1:-1] - y[1:-1, :-2] - y[1:-1, 2:]
    return float(np.mean(np.abs(lap)))


def border_step(image: np.ndarray, outer: int = 3, inner: int = 6) -> float:
    """Mean display luma of the outer ``outer`` px minus that of the next ``inner`` px band.

    Negative for a dark frame.

    Examples
    --------
    >>> img = np.full((32, 32, 3), 0.5); img[:3] = img[-3:] = img[:, :3] = img[:, -3:] = 0.4
    >>> round(border_step(img), 3)
    -0.1
    """
    y = luma(image)
    h, w = y.shape
    ring = np.ones((h, w), bool)
    ring[outer:-outer, outer:-outer] = False
    band = np.zeros((h, w), bool)
    band[outer:-outer, outer:-outer] = True
    band[outer + inner : -(outer + inner), outer + inner : -(outer + inner)] = False
    return float(y[ring].mean() - y[band].mean())


def stuck_fraction(image: np.ndarray) -> float:
    """Share of values (pixels x channels) that round to 0 or 255 in 8 bits."""
    x = np.asarray(image, dtype=np.float64)
    return float(np.mean((x < 0.5 / 255) | (x > 254.5 / 255)))


@dataclass(frozen=True)
class Artefacts:
    """Artefact checks of one hybrid (see :func:`artefacts`)."""

    contrast_vs_near: float
    contrast_vs_classic: float
    de_mean_vs_classic: float
    de_mean_vs_far: float
    de_afar: float
    noise_vs_near: float
    frame: float
    frame_vs_classic: float
    stuck: float
    stuck_classic: float


def _lab_of_mean_light(image: np.ndarray) -> np.ndarray:
    light = srgb_to_linear(image).reshape(-1, 3).mean(axis=0)
    return rgb_to_lab(linear_to_srgb(light)[None, None])[0, 0]


def artefacts(hybrid: np.ndarray, near: np.ndarray, far: np.ndarray, classic: np.ndarray) -> Artefacts:
    """Washed-out, cast, speckle, frame and clipping checks of a hybrid.

    Parameters
    ----------
    hybrid, near, far : ndarray, shape (H, W, 3), display values in [0, 1]
    classic : ndarray, shape (H, W, 3)
        The classic split of the same pair (the reference look).

    Returns
    -------
    Artefacts
        ``contrast_vs_near``, ``contrast_vs_classic``: std of L* relative to
        the near picture's and to the classic split's (a washed-out picture
        is well below 1); ``de_mean_vs_classic``, ``de_mean_vs_far``: CIE76
        distance of the mean L*a*b* colour (mean over pixels) from the
        classic split's and the far picture's; ``de_afar``: CIE76 distance
        between the colours of the hybrid's and the far picture's mean light
        (the colour a viewer sees from very far: a cast shows as several
        units here, while the per-pixel mean also moves when detail is only
        redistributed, since L* is not linear in light); ``noise_vs_near``:
        mean |4-neighbour Laplacian| of display luma relative to the near
        picture's (speckle is well above 1); ``frame``, ``frame_vs_classic``:
        :func:`border_step` of the hybrid minus the near picture's and the
        classic split's (a dark frame is negative);
        ``stuck``, ``stuck_classic``: shares of values at 0 or 255 in 8 bits
        in the hybrid and in the classic split.
    """
    hybrid = np.clip(np.asarray(hybrid, dtype=np.float64), 0, 1)
    lab_h, lab_n, lab_f, lab_c = (rgb_to_lab(a) for a in (hybrid, near, far, classic))
    mean_h = lab_h.reshape(-1, 3).mean(axis=0)
    return Artefacts(
        contrast_vs_near=float(lab_h[..., 0].std() / max(lab_n[..., 0].std(), 1e-9)),
        contrast_vs_classic=float(lab_h[..., 0].std() / max(lab_c[..., 0].std(), 1e-9)),
        de_mean_vs_classic=float(np.linalg.norm(mean_h - lab_c.reshape(-1, 3).mean(axis=0))),
        de_mean_vs_far=float(np.linalg.norm(mean_h - lab_f.reshape(-1, 3).mean(axis=0))),
        de_afar=float(np.linalg.norm(_lab_of_mean_light(hybrid) - _lab_of_mean_light(far))),
        noise_vs_near=_laplacian_mean(luma(hybrid)) / max(_laplacian_mean(luma(near)), 1e-9),
        frame=border_step(hybrid) - border_step(near),
        frame_vs_classic=border_step(hybrid) - border_step(classic),
        stuck=stuck_fraction(hybrid),
        stuck_classic=stuck_fraction(classic),
    )


# ---------------------------------------------------------------------------
# command line: self-checks and a demonstration


def _self_check(size: int) -> None:
    import hybridnb as hn

    s = hn.sample_images()
    near = hn.load_image(s["hopper"], size)
    far = hn.load_image(s["astronaut"], size)
    for judge in all_judges():
        sc = judge.bind(near, far)
        same_n, same_f = sc(near), sc(far)
        assert abs(same_n.near - 1) < 1e-9 and abs(same_f.far - 1) < 1e-9, judge.name
        grey = sc(np.full_like(near, 0.5))
        print(
            f"{judge.name:8s} near pic: near {same_n.near:.3f} far {same_n.far:.3f} | far pic: near "
            f"{same_f.near:.3f} far {same_f.far:.3f} | grey: near {grey.near:.3f} far {grey.far:.3f}"
        )


def main(argv: list[str] | None = None) -> None:
    """Command line: self-check the judges, then score the classic split's nine settings on one pair."""
    import hybridnb as hn

    parser = argparse.ArgumentParser(
        description="Independent judges of hybrid images. Checks them on identities, then prints every "
        "judge's (near, far, ghost) for the classic split's 9 settings on one tuning pair, with artefacts."
    )
    parser.add_argument("--size", type=int, default=256, help="picture side in px (default 256)")
    parser.add_argument("--near", default="hopper", help="bundled sample seen close (default hopper)")
    parser.add_argument("--far", default="astronaut", help="bundled sample seen afar (default astronaut)")
    parser.add_argument("--linear", action="store_true", help="the classic split formed in linear light instead")
    args = parser.parse_args(argv)
    _self_check(args.size)
    s = hn.sample_images()
    near, far = hn.load_image(s[args.near], args.size), hn.load_image(s[args.far], args.size)
    scale = args.size / 256.0
    judges = all_judges()
    scorers = [j.bind(near, far) for j in judges]
    mid = hn.classic_hybrid(near, far, 2.0 * scale, 4.0 * scale).image
    space = "linear light" if args.linear else "display values"
    print(f"\nclassic split in {space}, {args.near}/{args.far} at {args.size} px: judge near/far/ghost")
    for sp in (1.0, 2.0, 4.0):
        for sb in (2.0, 4.0, 8.0):
            img = hn.classic_hybrid(near, far, sp * scale, sb * scale, linear=args.linear).image
            seen = [(j.name, sc(img)) for j, sc in zip(judges, scorers, strict=True)]
            cells = "  ".join(f"{name} {v.near:.3f}/{v.far:.3f}/{v.ghost:.3f}" for name, v in seen)
            a = artefacts(img, near, far, mid)
            print(
                f"sp {sp:g} sb {sb:g}: {cells}  | contrast {a.contrast_vs_near:.2f} noise {a.noise_vs_near:.2f} "
                f"frame {a.frame:+.3f} stuck {a.stuck:.3f}"
            )


if __name__ == "__main__":
    main()
