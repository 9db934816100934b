"""Start TensorFlow without its C++ start-up log lines.

TensorFlow's native code writes a few lines straight to file descriptor 2
when it loads and when it first looks for devices (oneDNN notes, "could not
find cuda drivers", "failed call to cuInit" on a machine without a GPU),
whatever ``TF_CPP_MIN_LOG_LEVEL`` says.  They are harmless, but a notebook
kernel forwards them into the first cell that touches TensorFlow as a red
error box, which puzzles readers.  :func:`quiet_tensorflow` loads
TensorFlow and lists its devices with descriptor 2 pointed at the null
device, then restores it; later warnings and errors show as usual.

:func:`import_tensorflow_without_keras` is for the command line, a fresh
process that only makes one hybrid: it skips the Keras import that
``import tensorflow`` does eagerly and hybridnb never needs.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType


def quiet_tensorflow() -> list:
    """Import TensorFlow and find its devices with the native start-up chatter hidden.

    Call it before anything else uses TensorFlow (the notebooks do so in
    their import cell); if TensorFlow is already loaded it only lists the
    devices.  Python exceptions (TensorFlow missing, say) propagate as usual.

    Returns
    -------
    list of tf.config.PhysicalDevice
        The devices TensorFlow found.

    Examples
    --------
    >>> [d.device_type for d in quiet_tensorflow()][:1]
    ['CPU']
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow as tf

        return tf.config.list_physical_devices()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow_without_keras() -> ModuleType:
    """Import TensorFlow without the Keras import it does eagerly; return ``tensorflow``.

    ``import tensorflow`` (2.16 and later) ends with ``import
    keras.src.optimizers`` inside a ``try``/``except ImportError``, so that
    Keras registers its optimizers for SavedModel loading at once.  Keras 3
    brings in matplotlib's ``pyplot`` too: measured on 2 CPU cores, 0.9-1.5 s
    of a 3-4 s import (``bench/startup.py``).
    hybridnb never uses Keras.  This function puts ``None`` in
    ``sys.modules["keras"]`` while TensorFlow imports, which makes that import
    fail at once with ``ModuleNotFoundError`` (the documented meaning of a
    ``None`` entry), and removes the entry afterwards.  Nothing else changes:
    ``tf.keras`` and ``import keras`` still work later, loaded when first used.

    If TensorFlow or Keras is already imported it simply returns TensorFlow.
    Meant for a process's start (the ``hybridnb`` command), not for library
    code running in someone else's interpreter.

    Returns
    -------
    module
        ``tensorflow``.

    Examples
    --------
    >>> tf = import_tensorflow_without_keras()
    >>> int(tf.reduce_sum(tf.ones(3)))
    3
    """
    if "tensorflow" in sys.modules or "keras" in sys.modules:
        import tensorflow

        return tensorflow
    sys.modules["keras"] = None  # type: ignore[assignment]
    try:
        import tensorflow
    finally:
        if "keras" in sys.modules and sys.modules["keras"] is None:
            del sys.modules["keras"]
    return tensorflow
