"""Start TensorFlow without its C++ log lines.

TensorFlow's native code writes a few lines straight to file descriptor 2
when it loads and when it first looks for devices (oneDNN notes, "could not
find cuda drivers", "failed call to cuInit" on a machine without a GPU),
whatever ``TF_CPP_MIN_LOG_LEVEL`` says, and later warnings of its graph
optimiser ("type inference failed") that mean nothing to a reader.  A
notebook kernel forwards all of them into the cell that runs as red error
boxes, which puzzles students.

:func:`tensorflow_quietly` is the one place that deals with it: while it is
open, descriptor 2 points at the null device and, if TensorFlow loads, its
C++ log level is set to errors only (``TF_CPP_MIN_LOG_LEVEL=2``, read once
when TensorFlow loads; a value the user set is kept, and the variable is
restored afterwards, so child processes see the user's own environment);
TensorFlow's devices are listed before the descriptor is restored.
``import hybridnb`` opens it around the first use of a public name while
TensorFlow is not loaded yet, so notebooks and the Voilà app start quietly
whatever name they touch first; :func:`quiet_tensorflow` does the same for
code that imports TensorFlow or a submodule itself.  Python warnings and
errors show as usual.

:func:`import_tensorflow_without_keras` is for the command line, a fresh
process that only makes one hybrid: it skips the Keras import that
``import tensorflow`` does eagerly and hybridnb never needs.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from types import ModuleType

_LOG_LEVEL = "TF_CPP_MIN_LOG_LEVEL"


@contextlib.contextmanager
def tensorflow_quietly() -> Iterator[None]:
    """Hide TensorFlow's native log lines if it loads inside the block (see the module's docstring).

    When TensorFlow is already loaded it does nothing: its start-up lines
    are behind it, and its log level cannot change any more.

    Examples
    --------
    >>> with tensorflow_quietly():
    ...     import tensorflow as tf
    >>> [d.device_type for d in tf.config.list_physical_devices()][:1]
    ['CPU']
    """
    if "tensorflow" in sys.modules:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    level = os.environ.get(_LOG_LEVEL)
    try:
        os.dup2(devnull, 2)
        if level is None:
            os.environ[_LOG_LEVEL] = "2"  # C++ warnings off, errors on: read once, when TensorFlow loads
        yield
        tf = sys.modules.get("tensorflow")
        if tf is not None:
            tf.config.list_physical_devices()  # the device probe ("failed call to cuInit") happens here
    finally:
        if level is None:
            os.environ.pop(_LOG_LEVEL, None)
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def quiet_tensorflow() -> list:
    """Import TensorFlow and find its devices with the native log lines hidden.

    Call it before anything else uses TensorFlow when a notebook or script
    imports TensorFlow or a hybridnb submodule itself (names used as
    ``hn.<name>`` start TensorFlow quietly anyway); if TensorFlow is already
    loaded it only lists the devices.  Python exceptions (TensorFlow
    missing, say) propagate as usual.

    Returns
    -------
    list of tf.config.PhysicalDevice
        The devices TensorFlow found.

    Examples
    --------
    >>> [d.device_type for d in quiet_tensorflow()][:1]
    ['CPU']
    """
    with tensorflow_quietly():
        import tensorflow as tf

    return tf.config.list_physical_devices()


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
