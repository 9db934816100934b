import numpy as np
import pytest
import reference as ref

import hybridnb as hn
from hybridnb.filters.kernels import kernel_size_for


def ref_lowpass(img, sigma):
    """Mirror-pad, blur with the float64 reference, crop (independent of TF)."""
    size = kernel_size_for(sigma)
    r = size // 2
    padded = np.pad(img, ((r, r), (r, r), (0, 0)), mode="symmetric")
    return ref.blur(padded[np.newaxis], ref.kernel(size, sigma))[0, r:-r, r:-r]


@pytest.mark.parametrize("linear", [False, True])
def test_classic_matches_the_formula(pair16, linear):
    near, far = pair16
    result = hn.classic_hybrid(near, far, 1.0, 2.0, linear=linear)
    n, f = (near**2.2, far**2.2) if linear else (near, far)
    expected = ref_lowpass(f, 2.0) + n - ref_lowpass(n, 1.0)
    np.testing.assert_allclose(result.unclipped, expected, atol=1e-6)
    assert result.out_of_range == np.count_nonzero((expected < 0) | (expected > 1))
    shown = np.clip(expected, 0, 1) ** (1 / 2.2) if linear else np.clip(expected, 0, 1)
    np.testing.assert_allclose(result.image, shown, atol=1e-6)
    assert np.all(np.isfinite(result.image)) and result.image.min() >= 0 and result.image.max() <= 1


def test_linear_and_display_differ_and_linear_is_nan_free(pair16):
    near, far = pair16
    a = hn.classic_hybrid(near, far, 1.0, 2.0)
    b = hn.classic_hybrid(near, far, 1.0, 2.0, linear=True)
    assert b.unclipped.min() < 0  # negative light happens and must not become NaN
    assert np.all(np.isfinite(b.image))
    assert np.abs(a.image - b.image).max() > 0.05


def test_out_of_range_counting_on_a_known_case():
    # near: a single bright dot on black; far: white.  lowpass(far) = 1 everywhere,
    # highpass(near) > 0 on the dot and < 0 around it, so the dot pixels exceed 1.
    near = np.zeros((12, 12, 3))
    near[6, 6] = 1.0
    far = np.ones((12, 12, 3))
    result = hn.classic_hybrid(near, far, 1.0, 1.0)
    over = result.unclipped > 1
    assert result.out_of_range == np.count_nonzero(over) == np.count_nonzero(result.unclipped - 1 > 0)
    assert over[6, 6].all() and not over[0, 0].any()
    assert result.out_of_range_fraction == pytest.approx(result.out_of_range / near.size)
    assert result.out_of_range_map[6, 6] > 0 and result.out_of_range_map[0, 0] == 0


@pytest.mark.parametrize("linear", [False, True])
def test_a_picture_with_itself_at_one_sigma_is_itself(pair16, linear):
    near, _ = pair16
    result = hn.classic_hybrid(near, near, 2.0, 2.0, linear=linear)
    np.testing.assert_allclose(result.image, near, atol=1e-6)
    assert result.out_of_range == 0


def test_bad_input_is_rejected(pair16):
    near, far = pair16
    with pytest.raises(ValueError):
        hn.classic_hybrid(near, far[:8], 1.0, 2.0)
    with pytest.raises(ValueError):
        hn.classic_hybrid(near, far, 0.0, 2.0)
    with pytest.raises(ValueError):
        hn.classic_hybrid(near * 2, far, 1.0, 2.0)
