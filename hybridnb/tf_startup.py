"""Start TensorFlow without its C++ start-up log lines.

TensorFlow's native code writes a few lines straight to file descriptor 2
when it loads and when it first looks for devices (oneDNN notes, "could not
find cuda drivers", "failed call to cuInit" on a machine without a GPU),
whatever ``TF_CPP_MIN_LOG_LEVEL`` says.  They are harmless, but a notebook
kernel forwards them into the first cell that touches TensorFlow as a red
error box, which puzzles readers.  :func:`quiet_tensorflow` loads
TensorFlow and lists its devices with descriptor 2 pointed at the null
device, then restores it; later warnings and errors show as usual.
"""

from __future__ import annotations

import os
import sys


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
