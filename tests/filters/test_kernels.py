import numpy as np
import pytest
from reference import kernel as reference_kernel

import hybridnb as hn

ARTICLE_11_2 = [
    0.00881223, 0.02714358, 0.06511406, 0.12164907, 0.17699836, 0.20056541,
    0.17699836, 0.12164907, 0.06511406, 0.02714358, 0.00881223,
]  # fmt: skip


def test_article_numbers():
    np.testing.assert_allclose(hn.make_gauss_blur_kernel(11, 2), ARTICLE_11_2, atol=5e-9)


@pytest.mark.parametrize(("size", "sigma"), [(1, 1.0), (2, 0.5), (15, 3.0), (16, 3.0), (61, 10.0)])
def test_matches_the_articles_loop_and_sums_to_one(size, sigma):
    k = hn.make_gauss_blur_kernel(size, sigma)
    assert k.shape == (size,) and k.dtype == np.float64
    assert k.sum() == pytest.approx(1.0, abs=1e-15)
    np.testing.assert_allclose(k, reference_kernel(size, sigma), rtol=1e-14)


def test_even_size_centre_is_left_of_middle():
    k = hn.make_gauss_blur_kernel(4, 1.0)
    assert np.argmax(k) == 1 and k[0] == pytest.approx(k[2])


@pytest.mark.parametrize(("size", "sigma"), [(0, 1.0), (-3, 1.0), (2.5, 1.0), (5, 0.0), (5, -1.0), (5, float("nan"))])
def test_rejects_bad_arguments(size, sigma):
    with pytest.raises(ValueError):
        hn.make_gauss_blur_kernel(size, sigma)
