"""Property-based test: whatever picture and numbers come in, a clear error or a sound picture.

Hypothesis draws picture sizes, Pillow modes, file formats, damaged files and
parameter values (bad ones included: zero, negative, NaN, infinite, too large
a kernel, a learning rate that blows up) and runs the whole path a user runs:
``load_image`` twice, ``HybridModel``, then ``train`` (sgd or adam) or ``fit``.
Each example must end in a ``ValueError``/``OSError``/``FloatingPointError``
whose message is one readable line, or in a finite picture in [0, 1].
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from PIL import Image

import hybridnb as hn

#: Each Pillow mode with the formats that store it.
FORMATS = {
    "1": ["PNG", "TIFF", "BMP", "GIF"],
    "L": ["PNG", "JPEG", "TIFF", "WEBP", "BMP", "GIF"],
    "LA": ["PNG", "TIFF", "WEBP"],
    "P": ["PNG", "TIFF", "BMP", "GIF"],
    "PA": ["TIFF", "WEBP"],
    "RGB": ["PNG", "JPEG", "TIFF", "WEBP", "BMP", "GIF"],
    "RGBA": ["PNG", "TIFF", "WEBP", "BMP"],
    "CMYK": ["JPEG", "TIFF"],
    "YCbCr": ["JPEG", "TIFF"],
    "I;16": ["PNG", "TIFF"],
    "I": ["TIFF"],
    "F": ["TIFF"],
}


def mostly(good: st.SearchStrategy, bad: st.SearchStrategy) -> st.SearchStrategy:
    """``good`` four times in five, else ``bad``: most examples get as far as training."""
    return st.tuples(st.integers(0, 4), good, bad).map(lambda t: t[2] if t[0] == 4 else t[1])


numbers = mostly(
    st.floats(min_value=0.01, max_value=10.0),
    st.sampled_from([0.0, -1.0, float("nan"), float("inf"), -float("inf"), 1e6, 1e30]),
)


@st.composite
def picture_files(draw) -> bytes:
    width, height = draw(st.integers(1, 48)), draw(st.integers(1, 48))
    mode = draw(st.sampled_from(sorted(FORMATS)))
    fmt = draw(st.sampled_from(FORMATS[mode]))
    seed = draw(st.integers(0, 2**32 - 1))
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    image = Image.fromarray(pixels)
    image = Image.fromarray(np.asarray(image.convert("L"), np.uint16) * 257) if mode == "I;16" else image.convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    data = buffer.getvalue()
    return draw(mostly(st.just(data), st.integers(0, len(data) - 1).map(lambda n: data[:n])))  # some damaged


@pytest.mark.filterwarnings("ignore::UserWarning")
@settings(max_examples=60, deadline=None, database=None)
@given(
    near=picture_files(),
    far=picture_files(),
    size=mostly(st.one_of(st.none(), st.integers(1, 40)), st.sampled_from([0, -1, 2.5])),
    kernel_size=mostly(st.integers(1, 15), st.one_of(st.integers(-1, 81), st.sampled_from([2.5, np.nan]))),
    sigma=numbers,
    lr=numbers,
    m_precise=numbers,
    m_blurred=numbers,
    how=st.sampled_from(["sgd", "adam", "fit"]),
)
def test_any_input_gives_a_clear_error_or_a_finite_picture_in_the_unit_range(
    near, far, size, kernel_size, sigma, lr, m_precise, m_blurred, how
):
    try:
        img_near = hn.load_image(near, size=size)
        img_far = hn.load_image(far, size=img_near.shape[0])
        model = hn.HybridModel(img_near.shape[0], img_near.shape[1], kernel_size, sigma)
        weights = dict(m_precise=m_precise, m_blurred=m_blurred)
        if how == "fit":
            report = model.fit(img_near, img_far, lr=lr, max_steps=4, **weights)
        else:
            report = model.train(4, 2, lr, img_precise=img_near, img_blurred=img_far, optimizer=how, verbose=False,
                                 **weights)  # fmt: skip
    except (ValueError, OSError, FloatingPointError) as error:
        message = str(error)
        assert message and "\n" not in message and " at 0x" not in message, message
        event(f"{type(error).__name__}: {message.split(',')[0].split(':')[0][:40]}")
        return
    event("a finite picture")
    for picture in (report.image, model.image()):
        assert picture.shape == img_near.shape
        assert np.all(np.isfinite(picture)) and picture.min() >= 0.0 and picture.max() <= 1.0
    assert np.isfinite(report.loss)
