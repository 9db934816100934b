"""The blur on TensorFlow tensors: the article's separable depthwise convolution.

:func:`hybridnb.filters.blur.blur_with_kernel` sends tensors here.  A 1-D
kernel is applied along x and then along y, each colour channel onto itself,
as the article does with ``tf.nn.depthwise_conv2d``.  Large kernels (sigma
10-20 at 512 px needs 60+ taps) are applied by FFT instead, with the same
numbers, since the depthwise convolution's cost grows with the number of taps.
Borders are those of :mod:`hybridnb.filters.blur`: ``"zero"`` is the
convolution's ``SAME`` padding; ``"mirror"`` pads the picture symmetrically
first and keeps the full windows; ``"valid"`` keeps the full windows only.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

#: Float32 kernels with at least this many taps are applied by FFT when
#: ``method="auto"``.  Measured with ``bench/blur_methods.py`` (one training
#: step, loss and gradient, 2 CPU cores, TensorFlow 2.21), wall ms per step
#: direct / FFT:
#:
#: - 512 x 512: 15 taps 10.0 / 22.2, 61 taps 19.9 / 25.3, 101 taps 26.4 /
#:   32.3, 121 taps 28.4 / 34.0, 141 taps 35.7 / 34.1, 181 taps 44.1 / 36.0;
#: - 1024 x 1024: 81 taps 76 / 97, 101 taps 90 / 103, 121 taps 117 / 91;
#: - 2048 x 2048: 81 taps 399 / 469, 101 taps 511 / 455, 121 taps 591 / 453.
#:
#: The depthwise cost grows with the taps, the FFT's does not.  They cross
#: near 130 taps at 512 px, 110 at 1024 px and 90 at 2048 px.
FFT_MIN_TAPS = 101

#: The same for float64, where TensorFlow's depthwise convolution is several
#: times slower (no oneDNN kernel): direct / FFT 105 / 62 CPU ms at 9 taps,
#: 145 / 58 at 15 taps, 1081 / 75 at 121 taps.
FFT_MIN_TAPS_FLOAT64 = 9


def fft_min_taps(dtype: tf.DType) -> float:
    """Taps from which ``method="auto"`` blurs by FFT in this dtype (inf: never).

    Examples
    --------
    >>> import tensorflow as tf
    >>> fft_min_taps(tf.float32), fft_min_taps(tf.float64), fft_min_taps(tf.float16)
    (101, 9, inf)
    """
    return {tf.float32: FFT_MIN_TAPS, tf.float64: FFT_MIN_TAPS_FLOAT64}.get(tf.as_dtype(dtype), float("inf"))


def depthwise_kernels(kernel: tf.Tensor, channels: int) -> tuple[tf.Tensor, tf.Tensor]:
    """Turn a 1-D kernel into the 4-D filters ``depthwise_conv2d`` wants.

    Parameters
    ----------
    kernel : tf.Tensor, shape (K,)
        The 1-D kernel.
    channels : int
        Number of colour channels; each is blurred onto itself.

    Returns
    -------
    kernel_x, kernel_y : tf.Tensor
        Shapes (1, K, channels, 1) and (K, 1, channels, 1): filter height,
        filter width, input channels, outputs per input channel.

    Examples
    --------
    >>> import tensorflow as tf
    >>> kx, ky = depthwise_kernels(tf.constant([0.25, 0.5, 0.25]), 3)
    >>> kx.shape.as_list(), ky.shape.as_list()
    ([1, 3, 3, 1], [3, 1, 3, 1])
    """
    return _depthwise_filter(kernel, channels, "x"), _depthwise_filter(kernel, channels, "y")


def _depthwise_filter(kernel: tf.Tensor, channels, along: str) -> tf.Tensor:
    """One of :func:`depthwise_kernels`' filters: (1, K, channels, 1) along x, (K, 1, channels, 1) along y."""
    shape = [1, -1, 1, 1] if along == "x" else [-1, 1, 1, 1]
    return tf.tile(tf.reshape(kernel, shape), [1, 1, channels, 1])


#: The y pass runs on a view of the same memory with up to this many channels.
#: Along y every column of every channel is blurred on its own, so
#: ``(N, H, W, C)`` can be read as ``(N, H, W / d, d * C)`` for any divisor
#: ``d`` of W.  The depthwise convolution vectorises over channels, and C = 3
#: fills few of a CPU's vector lanes.  Measured for one blur (x and y) on
#: 2 CPU cores, 3 channels, with the plain y pass, the whole row as channels
#: (``d = W``), and this view:
#:
#: - 512 px, 15 taps: 3.36, 2.68 and 2.68 ms;
#: - 512 px, 69 taps: 13.1, 9.2 and 7.8 ms;
#: - 2048 px, 69 taps: 197, 193 and 122 ms.
#:
#: With 9 channels (3 grid cells) at 512 px: 4.25 ms plain against 3.57 ms
#: at 15 taps, and 14.9 against 11.3 ms at 69 taps.  Views of 96 to 384
#: channels did about equally well.  The numbers are the same bit for bit.
Y_VIEW_CHANNELS = 192


def _y_view_channels(width, channels):
    """``d * channels`` for the largest divisor ``d`` of ``width`` with ``d * channels <= Y_VIEW_CHANNELS``.

    Plain integers in, an integer out; tensors (shapes unknown until run
    time) in, a scalar tensor out.  ``d`` is 1 when ``channels`` alone exceed
    the limit.

    Examples
    --------
    >>> _y_view_channels(512, 3), _y_view_channels(500, 9), _y_view_channels(509, 3), _y_view_channels(64, 300)
    (192, 180, 3, 300)
    """
    if isinstance(width, int) and isinstance(channels, int):
        most = max(1, Y_VIEW_CHANNELS // channels)
        return channels * max(d for d in range(1, most + 1) if width % d == 0)
    width, channels = tf.cast(width, tf.int32), tf.cast(channels, tf.int32)
    candidates = tf.range(1, tf.maximum(1, Y_VIEW_CHANNELS // channels) + 1)
    return channels * tf.reduce_max(tf.where(width % candidates == 0, candidates, 1))


def direct_blur_with_kernel(images: tf.Tensor, kernel: tf.Tensor, padding: str = "SAME") -> tf.Tensor:
    """The article's blur: two depthwise convolutions (x first, then y).

    The y pass runs on an ``(N, H, W / d, d * C)`` view of the same memory
    (:data:`Y_VIEW_CHANNELS`), which gives the same numbers faster.

    Parameters
    ----------
    images : tf.Tensor, shape (N, H, W, C)
    kernel : tf.Tensor, shape (K,)
    padding : {"SAME", "VALID"}, optional
        ``SAME`` zero padding (the article's), or only the full windows.

    Returns
    -------
    tf.Tensor, shape (N, H, W, C), or (N, H - K + 1, W - K + 1, C) for ``VALID``

    Examples
    --------
    >>> import tensorflow as tf
    >>> x = tf.ones((1, 4, 4, 3))
    >>> y = direct_blur_with_kernel(x, tf.constant([0.0, 1.0, 0.0]))
    >>> bool(tf.reduce_all(y == x))
    True
    >>> direct_blur_with_kernel(x, tf.constant([0.0, 1.0, 0.0]), "VALID").shape.as_list()
    [1, 2, 2, 3]
    """
    # Static sizes where they are known (always, when eager): fewer ops than reading tf.shape.
    shape = images.shape.as_list() if images.shape.is_fully_defined() else tf.shape(images)
    channels = shape[3]
    k = tf.cast(kernel, images.dtype)
    strides = [1, 1, 1, 1]
    out = tf.nn.depthwise_conv2d(images, _depthwise_filter(k, channels, "x"), strides=strides, padding=padding)
    if padding == "SAME":
        width = shape[2]
    elif out.shape[2] is not None:
        width = out.shape[2]
    else:
        width = tf.shape(out)[2]
    view_channels = _y_view_channels(width, channels)
    kernel_y = _depthwise_filter(k, view_channels, "y")
    view = tf.reshape(out, [shape[0], shape[1], -1, view_channels])  # the x pass keeps the height
    out = tf.nn.depthwise_conv2d(view, kernel_y, strides=strides, padding=padding)
    if padding == "SAME":
        return tf.reshape(out, shape)
    return tf.reshape(out, [shape[0], -1, width, channels])


def adjoint_kernel(kernel: tf.Tensor) -> tf.Tensor:
    """The 1-D kernel whose ``SAME`` correlation is the adjoint (transpose) of ``kernel``'s.

    Backpropagating through a blur means correlating with the reversed
    kernel, centred on the other side.  ``SAME`` centres a kernel of ``K``
    taps at ``(K - 1) // 2``, so for an odd ``K`` the reversed kernel is the
    adjoint as it stands (for the article's symmetric kernels it is the kernel
    itself); for an even ``K`` a trailing zero tap moves its centre by one.

    Parameters
    ----------
    kernel : tf.Tensor, shape (K,)

    Returns
    -------
    tf.Tensor, shape (K,) for odd ``K``, (K + 1,) for even ``K``

    Examples
    --------
    >>> import tensorflow as tf
    >>> adjoint_kernel(tf.constant([1.0, 2.0, 3.0, 4.0])).numpy()
    array([4., 3., 2., 1., 0.], dtype=float32)
    """
    reversed_kernel = tf.reverse(tf.reshape(kernel, [-1]), [0])
    trail = 1 - tf.size(reversed_kernel) % 2
    return tf.pad(reversed_kernel, [[0, trail]])


# Fast FFT lengths (products of 2, 3 and 5) up to 2**16: linear correlation by
# FFT pads each axis to the first of these >= size + taps - 1.
_FAST_LENGTHS = np.array(
    sorted(2**a * 3**b * 5**c for a in range(17) for b in range(11) for c in range(7) if 2**a * 3**b * 5**c <= 2**16),
    dtype=np.int32,
)


def _fast_length(n: tf.Tensor) -> tf.Tensor:
    table = tf.constant(_FAST_LENGTHS)
    return tf.reduce_min(tf.boolean_mask(table, table >= n))


def _correlation_filter(kernel: tf.Tensor, length: tf.Tensor) -> tf.Tensor:
    """Circular filter ``h`` with ``h[m] = kernel[(K - 1) // 2 - m]`` (indices mod ``length``).

    Circular convolution with ``h`` is ``SAME`` correlation with ``kernel``
    wherever the zero padding is at least as long as the kernel's reach.
    """
    taps = tf.size(kernel)
    after = taps - 1 - (taps - 1) // 2
    padded = tf.pad(tf.reverse(kernel, [0]), [[0, length - taps]])
    return tf.roll(padded, shift=-after, axis=0)


def fft_blur_with_kernel(images: tf.Tensor, kernel: tf.Tensor) -> tf.Tensor:
    """:func:`blur_tensor` computed with FFTs: same numbers, cost independent of ``K``.

    Each axis is zero-padded to a fast FFT length of at least ``size + K - 1``,
    so the circular convolution equals the linear, ``SAME``, zero-padded one
    (up to float rounding, about 1e-7 of the image's range in float32).

    Parameters
    ----------
    images : tf.Tensor, shape (N, H, W, C), float32 or float64
    kernel : tf.Tensor, shape (K,)

    Returns
    -------
    tf.Tensor, shape (N, H, W, C)

    Examples
    --------
    >>> import numpy as np
    >>> import tensorflow as tf
    >>> import hybridnb as hn
    >>> x = tf.random.stateless_uniform((1, 20, 24, 3), seed=(1, 2), dtype=tf.float64)
    >>> k = tf.constant(hn.make_gauss_blur_kernel(9, 2.0))
    >>> direct = blur_tensor(x, k, method="direct")
    >>> bool(np.allclose(fft_blur_with_kernel(x, k), direct, rtol=0, atol=1e-12))
    True
    """
    kernel = tf.cast(tf.reshape(kernel, [-1]), images.dtype)
    shape = tf.shape(images)
    height, width = shape[1], shape[2]
    taps = tf.size(kernel)
    length_h, length_w = _fast_length(height + taps - 1), _fast_length(width + taps - 1)
    column = _correlation_filter(kernel, length_h)
    # tf.complex, not tf.cast: the gradient of a real -> complex cast casts back and warns that it
    # drops the imaginary part (a red line in a notebook); tf.complex's gradient takes the real part.
    filter_y = tf.signal.fft(tf.complex(column, tf.zeros_like(column)))
    filter_x = tf.signal.rfft(_correlation_filter(kernel, length_w))
    lengths = tf.stack([length_h, length_w])
    channels_first = tf.transpose(images, [0, 3, 1, 2])
    spectrum = tf.signal.rfft2d(channels_first, fft_length=lengths)
    spectrum = spectrum * filter_y[:, tf.newaxis] * filter_x[tf.newaxis, :]
    blurred = tf.signal.irfft2d(spectrum, fft_length=lengths)[:, :, :height, :width]
    return tf.transpose(blurred, [0, 2, 3, 1])


def blur_tensor(
    images: tf.Tensor, kernel, method: str = "auto", positive: bool = False, border: str = "zero"
) -> tf.Tensor:
    """Blur an NHWC batch of tensors with a separable 1-D kernel (x first, then y).

    :func:`hybridnb.filters.blur.blur_with_kernel` for tensors (see it for the
    parameters); the numbers are those of the article's separable depthwise
    convolution whichever method computes them.  ``"auto"`` uses the FFT from
    :func:`fft_min_taps` taps on (101 in float32, 9 in float64).

    Examples
    --------
    >>> import tensorflow as tf
    >>> x = tf.ones((1, 4, 4, 3))
    >>> y = blur_tensor(x, tf.constant([0.0, 1.0, 0.0]))
    >>> bool(tf.reduce_all(y == x))
    True
    >>> blur_tensor(x, tf.constant([0.25, 0.5, 0.25]), border="mirror")[0, :, 0, 0].numpy()
    array([1., 1., 1., 1.], dtype=float32)
    """
    kernel = tf.reshape(tf.cast(kernel, images.dtype), [-1])
    if border == "mirror":
        images = _pad_symmetric(images, tf.size(kernel))
    padding = "SAME" if border == "zero" else "VALID"

    def direct():
        return direct_blur_with_kernel(images, kernel, padding)

    def by_fft():
        out = fft_blur_with_kernel(images, kernel)
        if padding == "VALID":  # the full windows of the SAME result
            taps = tf.size(kernel)
            before, size = (taps - 1) // 2, tf.shape(images)[1:3] - taps + 1
            out = out[:, before : before + size[0], before : before + size[1]]
        return tf.maximum(out, np.finfo(images.dtype.as_numpy_dtype).tiny) if positive else out

    if method == "direct":
        return direct()
    if method == "fft":
        return by_fft()
    threshold = fft_min_taps(images.dtype)
    taps = kernel.shape[0]
    if taps is not None or threshold == float("inf"):  # decided when the graph is built
        return by_fft() if taps is not None and taps >= threshold else direct()
    return tf.cond(tf.size(kernel) >= threshold, by_fft, direct)


def _pad_symmetric(images: tf.Tensor, taps) -> tf.Tensor:
    """Mirror ``(taps - 1) // 2`` pixels before and ``taps - 1 - that`` after, on both axes.

    ``tf.pad`` mirrors at most the picture's own size; a kernel that
    :func:`hybridnb.checks.check_kernel_fits` allows (at most ``2 * side - 1``
    taps) never needs more.
    """
    before = (taps - 1) // 2
    after = taps - 1 - before
    return tf.pad(images, [[0, 0], [before, after], [before, after], [0, 0]], mode="SYMMETRIC")


def blur_with_kernel_2d(images: tf.Tensor, kernel_2d: tf.Tensor) -> tf.Tensor:
    """Blur an NHWC batch with a full 2-D kernel in one depthwise convolution.

    The non-separable way, kept for comparison: a K x K kernel costs K**2
    multiply-adds per pixel and channel, where :func:`blur_tensor`
    (x then y) costs 2 K.  For a separable kernel (a Gaussian:
    ``np.outer(k, k)``) both give the same picture.

    Parameters
    ----------
    images : tf.Tensor, shape (N, H, W, C)
    kernel_2d : tf.Tensor, shape (K, K)

    Returns
    -------
    tf.Tensor, shape (N, H, W, C)
        ``SAME`` zero padding, as :func:`blur_with_kernel`.

    Examples
    --------
    >>> import numpy as np
    >>> import tensorflow as tf
    >>> k = np.array([0.25, 0.5, 0.25])
    >>> x = tf.random.uniform((1, 8, 8, 3), dtype=tf.float64)
    >>> full = blur_with_kernel_2d(x, tf.constant(np.outer(k, k)))
    >>> separable = blur_tensor(x, tf.constant(k))
    >>> bool(np.allclose(full, separable))
    True
    """
    channels = images.shape[-1]
    k = tf.cast(kernel_2d, images.dtype)
    k = tf.tile(k[:, :, tf.newaxis, tf.newaxis], [1, 1, channels, 1])
    return tf.nn.depthwise_conv2d(images, k, strides=[1, 1, 1, 1], padding="SAME")
