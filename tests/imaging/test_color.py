import numpy as np
import pytest
import tensorflow as tf

import hybridnb as hn


def test_round_trip_numpy(rng):
    x = rng.random((5, 7, 3))
    y = hn.srgb_to_linear(x)
    assert isinstance(y, np.ndarray) and y.dtype == np.float64
    np.testing.assert_allclose(hn.linear_to_srgb(y), x, rtol=1e-12)
    np.testing.assert_allclose(y, x**2.2)


def test_round_trip_tensorflow(rng):
    x = tf.constant(rng.random((2, 4, 4, 3)), tf.float32)
    y = hn.srgb_to_linear(x)
    assert isinstance(y, tf.Tensor) and y.dtype == tf.float32
    np.testing.assert_allclose(hn.linear_to_srgb(y).numpy(), x.numpy(), rtol=1e-5, atol=1e-6)


def test_two_half_pixels_give_less_light_than_one_full():
    assert 2 * hn.srgb_to_linear(127 / 255) < hn.srgb_to_linear(254 / 255)


def test_gamma_parameter_and_integers():
    assert hn.srgb_to_linear(np.array([2]), gamma=3.0)[0] == pytest.approx(8.0)
    assert hn.linear_to_srgb(np.float64(8.0), gamma=3.0) == pytest.approx(2.0)
