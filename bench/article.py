"""The article's own code, as it is printed there: the anchor every speed-up is measured against.

Eager TensorFlow, float64 (the variable is made from a float64 NumPy array),
a NumPy round trip every step (``apply_gradient`` assigns ``numpy() - lr * grad``)
and the far picture's blur recomputed every step.  Only two things differ
from the article's text: ``train`` calls ``self.apply_gradient`` where the
article calls the global ``model.apply_gradient`` (the same object there),
and ``gauss_blur``, which the article describes but does not print, is the
two depthwise convolutions it describes (x, then y, ``SAME``).
Nothing here imports hybridnb.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np
import tensorflow as tf


def make_gauss_blur_kernel(size: int, sigma: float) -> np.ndarray:
    result = np.zeros(shape=[size], dtype=float)
    center = (size - 1) // 2
    div = 2 * (sigma**2)
    for i in range(size):
        x2 = (center - i) ** 2
        result[i] = math.exp(-x2 / div)
    return result / np.sum(result)


@dataclass
class Report:
    image: np.ndarray
    loss: float
    loss_precise: float
    loss_gauss: float
    gradient: np.ndarray


class MyModel:
    def __init__(
        self,
        img_h: int,
        img_w: int,
        gauss_kernel_size: int,
        gauss_sigma: float,
        image_source: Optional[np.ndarray] = None,  # noqa: UP045  (as the article writes it)
    ):
        if image_source is None:
            image_source = np.zeros(shape=(1, img_h, img_w, 3), dtype=float)
        self.trainable_image = tf.Variable(initial_value=image_source, trainable=True)
        gauss_blur_kernel = make_gauss_blur_kernel(gauss_kernel_size, gauss_sigma)
        self.gauss_kernel_x = tf.constant(
            gauss_blur_kernel[np.newaxis, :, np.newaxis, np.newaxis] * np.ones(shape=(1, 1, 3, 1))
        )
        self.gauss_kernel_y = tf.constant(
            gauss_blur_kernel[:, np.newaxis, np.newaxis, np.newaxis] * np.ones(shape=(1, 1, 3, 1))
        )

    def gauss_blur(self, img):
        blurred_x = tf.nn.depthwise_conv2d(img, self.gauss_kernel_x, strides=[1, 1, 1, 1], padding="SAME")
        return tf.nn.depthwise_conv2d(blurred_x, self.gauss_kernel_y, strides=[1, 1, 1, 1], padding="SAME")

    def run(self, img_precise: np.ndarray, img_blurred: np.ndarray, m_precise=1, m_blurred=1) -> Report:
        with tf.GradientTape() as tape:
            trainable_image01 = tf.math.sigmoid(self.trainable_image)
            loss_precise = tf.reduce_sum(tf.square(trainable_image01 - img_precise[np.newaxis, :, :, :]))
            blurred = self.gauss_blur(trainable_image01**2.2) ** (1.0 / 2.2)
            blurred_label = self.gauss_blur(img_blurred[np.newaxis, :, :, :] ** 2.2) ** (1.0 / 2.2)
            loss_gauss = tf.reduce_sum(tf.square(blurred - blurred_label))
            loss = loss_precise * m_precise + loss_gauss * m_blurred
        gradient = tape.gradient(loss, self.trainable_image)
        return Report(
            image=trainable_image01.numpy()[0],
            loss=float(loss.numpy()),
            loss_precise=float(loss_precise.numpy()),
            loss_gauss=float(loss_gauss.numpy()),
            gradient=gradient.numpy(),
        )

    def apply_gradient(self, grad: np.ndarray, lr: float):
        self.trainable_image.assign(self.trainable_image.numpy() - lr * grad)

    def train(self, steps_count: int, print_loss_steps: int, lr: float, **run_kwargs) -> Report:
        for i in range(steps_count):
            r = self.run(**run_kwargs)
            self.apply_gradient(r.gradient, lr)
            if i % print_loss_steps == print_loss_steps - 1:
                print(f"{i}: loss = {r.loss}, precise = {r.loss_precise}, gauss = {r.loss_gauss}")
        return r
