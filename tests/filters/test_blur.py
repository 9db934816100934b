import numpy as np
import pytest
import tensorflow as tf
from reference import blur as reference_blur

import hybridnb as hn


def test_constant_image_keeps_its_mean_inside():
    out = hn.gauss_blur(np.full((1, 40, 40, 3), 0.3), kernel_size=15, sigma=3)
    interior = out[0, 7:-7, 7:-7]
    np.testing.assert_allclose(interior, 0.3, rtol=1e-12)
    assert out[0, 0, 0, 0] < 0.3  # SAME zero padding darkens the border, as in the article


@pytest.mark.parametrize(("size", "sigma"), [(15, 3.0), (4, 1.0), (11, 2.0)])
def test_matches_numpy_reference(rng, size, sigma):
    images = rng.random((2, 23, 31, 3))
    out = hn.gauss_blur(images, size, sigma)
    assert out.shape == images.shape and out.dtype == np.float64
    np.testing.assert_allclose(out, reference_blur(images, hn.make_gauss_blur_kernel(size, sigma)), rtol=1e-12)


@pytest.mark.parametrize("channels", [1, 3, 6, 200])  # 200: more than Y_VIEW_CHANNELS, a plain y pass
@pytest.mark.parametrize("width", [27, 23])  # 23 is prime: the y-pass view is the picture itself
@pytest.mark.parametrize("known_shape", [True, False])
def test_direct_blur_matches_reference_for_any_layout(rng, channels, width, known_shape):
    from hybridnb.filters.blur_tf import direct_blur_with_kernel

    kernel = hn.make_gauss_blur_kernel(9, 2.0)
    images = rng.random((2, 19, width, channels))
    size = width if known_shape else None
    spec = tf.TensorSpec([None, None, size, channels if known_shape else None], tf.float64)
    blur = tf.function(lambda x: direct_blur_with_kernel(x, tf.constant(kernel)), input_signature=[spec])
    np.testing.assert_allclose(blur(images).numpy(), reference_blur(images, kernel), rtol=1e-12, atol=1e-15)


def test_channels_are_blurred_onto_themselves():
    images = np.zeros((1, 9, 9, 3))
    images[0, 4, 4, 1] = 1.0
    out = hn.gauss_blur(images, 5, 1.0)
    assert out[..., 0].max() == 0 and out[..., 2].max() == 0
    assert out[..., 1].sum() == pytest.approx(1.0)


def test_tensor_in_tensor_out_and_single_image(rng):
    image = rng.random((12, 12, 3)).astype(np.float32)
    out = hn.gauss_blur(tf.constant(image), 5, 1.0)
    assert isinstance(out, tf.Tensor) and out.shape == (12, 12, 3) and out.dtype == tf.float32
    np.testing.assert_allclose(out.numpy(), hn.gauss_blur(image, 5, 1.0), rtol=1e-6)


def test_rejects_bad_shape():
    with pytest.raises(ValueError, match="shape"):
        hn.gauss_blur(np.zeros((4, 4)), 3, 1.0)
