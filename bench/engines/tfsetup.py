"""Start TensorFlow in a worker process with one intra-op and one inter-op thread."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import tempfile

logger = logging.getLogger(__name__)

THREAD_ENV = {
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "TF_CPP_MIN_LOG_LEVEL": "3",
}


def set_thread_environment() -> None:
    """Set the environment that limits TensorFlow's threads; call before TensorFlow is imported.

    Child processes (loky and Dask workers) inherit it.
    """
    for key, value in THREAD_ENV.items():
        os.environ.setdefault(key, value)


# Informational lines TensorFlow's native code writes while loading, before any log level applies.
_STARTUP_NOISE = re.compile(r"^(I0000 |WARNING: All log messages before absl::InitializeLog)")


@contextlib.contextmanager
def quiet_native_startup():
    """Capture file descriptor 2 while importing, then pass on every line that is not noise."""
    if "tensorflow" in sys.modules:
        yield
        return

    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            for line in capture.read().decode(errors="replace").splitlines(keepends=True):
                if not _STARTUP_NOISE.match(line):
                    sys.stderr.write(line)


def start_tensorflow():
    """Import TensorFlow limited to one thread per pool and return the module.

    Safe to call again in a reused worker: once TensorFlow's runtime has started, the thread
    settings cannot change, so they are checked instead of set.
    """
    set_thread_environment()
    with quiet_native_startup():
        import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        # Raised once the runtime is initialised, which happens after the first run in a worker.
        intra = tf.config.threading.get_intra_op_parallelism_threads()
        inter = tf.config.threading.get_inter_op_parallelism_threads()
        if (intra, inter) != (1, 1):
            logger.warning(
                "TensorFlow started before its threads were limited: intra-op %s, inter-op %s",
                intra,
                inter,
            )
    return tf
