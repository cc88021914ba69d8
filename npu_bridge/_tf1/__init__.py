"""TF 1.15 runtime on TensorFlow 2.15 (minimal part; the full runtime is tracked separately).

Importing any ``npu_bridge`` module switches TensorFlow to TF 1.x behaviour (graph mode, v1
variables, control flow and shapes), as the real adapter only exists for TF 1.15.  Set
``ASCEND_SIM_NO_TF1_RUNTIME=1`` to keep TensorFlow 2 behaviour (then only ``tf.compat.v1``-style
scripts that disable v2 behaviour themselves will run).
"""
import logging
import os

_log = logging.getLogger("npu_bridge")
_INSTALLED = False
DISABLE_ENV = "ASCEND_SIM_NO_TF1_RUNTIME"


def install() -> bool:
    """Switch to TF 1.x behaviour once per process; returns True when the runtime is active."""
    global _INSTALLED
    if _INSTALLED:
        return True
    if os.environ.get(DISABLE_ENV, "").strip().lower() in ("1", "true", "yes", "on"):
        return False
    import tensorflow.compat.v1 as tf1
    from tensorflow.python import tf2

    if tf2.enabled():
        tf1.disable_v2_behavior()
    _INSTALLED = True
    return True


install()
