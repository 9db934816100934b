"""How much memory a model takes, estimated before anything is allocated (no TensorFlow here).

A model of H x W pixels holds its logits, the pictures, the update rule's
slots, the loss's intermediates and their gradients: memory grows with the
pixels.  :data:`BYTES_PER_PIXEL` is measured (``ru_maxrss`` of ``train`` and
``fit`` at 1024 and 2048 px on 2 CPU cores, TensorFlow 2.21: Adam at 2048 px
is the largest, 179 bytes per pixel above a fixed ~440 MB), rounded up.
:func:`check_model_memory` refuses a model that cannot fit in this
machine's memory, with one line, instead of a ``MemoryError`` (or the
kernel's out-of-memory killer) after minutes of work.
"""

from __future__ import annotations

import os

from ..checks import check_count

#: Memory of a float32 model per pixel of one candidate (measured, rounded up; float64 doubles it).
BYTES_PER_PIXEL = 250
#: Memory a model needs whatever its size (TensorFlow's own, compiled graphs).
FIXED_BYTES = 500 * 2**20
_CGROUP_LIMITS = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")


def model_bytes(height: int, width: int, *, candidates: int = 1, itemsize: int = 4) -> int:
    """Estimated peak memory of fitting ``candidates`` pictures of ``height`` x ``width`` pixels.

    Examples
    --------
    >>> round(model_bytes(512, 512) / 2**20)
    562
    >>> model_bytes(100_000, 100_000) > 2**40  # over a tebibyte
    True
    """
    pixels = check_count("height", height) * check_count("width", width) * check_count("candidates", candidates)
    return FIXED_BYTES + pixels * BYTES_PER_PIXEL * itemsize // 4


def memory_limit() -> int | None:
    """The memory this process may use at most: the machine's, or its container's limit if lower (None if unknown).

    Examples
    --------
    >>> limit = memory_limit()
    >>> limit is None or limit > 2**20
    True
    """
    limits = []
    try:
        limits.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        pass
    for path in _CGROUP_LIMITS:
        try:
            with open(path) as file:
                text = file.read().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 2**60:  # "max" or a huge number: no limit
            limits.append(int(text))
    return min(limits) if limits else None


def _gib(n: int) -> str:
    return f"{n / 2**30:.3g} GiB" if n < 2**40 else f"{n / 2**40:.3g} TiB"


def check_model_memory(height: int, width: int, *, candidates: int = 1, itemsize: int = 4) -> None:
    """Refuse, with one line, a model whose estimated memory exceeds :func:`memory_limit`.

    Examples
    --------
    >>> check_model_memory(512, 512)
    >>> check_model_memory(100_000, 100_000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: a 100000x100000 picture needs about 2.27 TiB of memory to fit; this machine has ...
    """
    needed = model_bytes(height, width, candidates=candidates, itemsize=itemsize)
    limit = memory_limit()
    if limit is None or needed <= limit:
        return
    what = f"{candidates} pictures of {height}x{width}" if candidates > 1 else f"a {height}x{width} picture"
    per_pixel = BYTES_PER_PIXEL * itemsize / 4 * candidates
    side = int((max(0, limit - FIXED_BYTES) / per_pixel) ** 0.5)
    raise ValueError(
        f"{what} needs about {_gib(needed)} of memory to fit; this machine has {_gib(limit)}: "
        f"use at most about {side} pixels a side"
    )
