"""Where the fast path starts: the classic split, as logits.

The article starts from a grey picture.  Starting from the classic hybrid
(the far picture's low-pass plus the near picture's high-pass,
:func:`hybridnb.filters.classic.classic_split`) puts the optimiser near its
goal at once; the article remarks that such a start could speed things up.
On the default pair the classic start alone takes the article's loss from
grey's 71 463 to within about 20 % of its 200-step 12 901.
"""

from __future__ import annotations

import tensorflow as tf

from ..arrays import clip, scalar_like
from ..filters.classic import classic_split
from ..imaging.color import linear_to_srgb


def classic_start(near, far, kernel_precise, kernel_blurred, gamma, *, linear: bool, border: str) -> tf.Tensor:
    """The classic split of a pair, clipped to [0, 1] and shown in display values.

    Parameters
    ----------
    near, far : tf.Tensor, shape (N, H, W, 3)
    kernel_precise, kernel_blurred : tf.Tensor, shape (K,)
    gamma : scalar tensor
    linear : bool
        Split in linear light (then converted back) or in display values.
    border : {"zero", "mirror"}

    Returns
    -------
    tf.Tensor, shape (N, H, W, 3), values in [0, 1]

    Examples
    --------
    >>> import tensorflow as tf
    >>> grey = tf.fill((1, 8, 8, 3), 0.5)
    >>> k = tf.constant([0.25, 0.5, 0.25])
    >>> out = classic_start(grey, grey, k, k, tf.constant(2.2), linear=True, border="mirror")
    >>> round(float(out[0, 4, 4, 0]), 5)
    0.5
    """
    split = clip(
        classic_split(near, far, kernel_precise, kernel_blurred, linear=linear, gamma=gamma, border=border), 0.0, 1.0
    )
    return linear_to_srgb(split, gamma) if linear else split


#: :func:`classic_start` compiled (one trace per ``linear`` and ``border``).
compiled_classic_start = tf.function(classic_start, reduce_retracing=True, autograph=False)


def start_logits(image: tf.Tensor, margin: float) -> tf.Tensor:
    """Logits of a picture, its colours first kept ``margin`` inside (0, 1).

    A colour at exactly 0 or 1 would need an infinite logit, and one near
    them a saturated sigmoid whose gradient has vanished.

    Examples
    --------
    >>> import tensorflow as tf
    >>> z = start_logits(tf.constant([0.0, 0.5, 1.0]), 0.06)
    >>> tf.sigmoid(z).numpy().round(4)
    array([0.06, 0.5 , 0.94], dtype=float32)
    """
    image = tf.clip_by_value(image, scalar_like(margin, image.dtype), scalar_like(1.0 - margin, image.dtype))
    return tf.math.log(image) - tf.math.log1p(-image)
