"""The TF 1.15 runtime on TensorFlow 2.15, installed when any ``npu_bridge`` module is imported.

Upstream's adapter only exists for TensorFlow 1.15, so a script that imports ``npu_bridge`` is a
TF 1.x script.  :func:`install` makes such scripts run unmodified:

1. TF 1.x behaviour: graph mode, v1 variables, control flow and shapes (``disable_v2_behavior``);
2. the TF 1.15 API on the ``tensorflow`` module itself, for TF 1.x code only (:mod:`.api`): a plain
   ``import tensorflow as tf`` gives ``tf.Session``, ``tf.placeholder``, ``tf.layers``,
   ``tf.nn.dropout(x, keep_prob)``, ``tf.app.flags``, ``tf.gfile``, ``tf.logging``, ``tf.keras`` (v1), ...
   while TensorFlow, Keras, the estimator (and this project) keep seeing TensorFlow 2.15 as shipped;
3. import statements of TF 1.x code (:mod:`.imports`): ``tensorflow.keras.*`` -> the TF 1.x Keras API,
   ``tensorflow.python.keras.*`` -> Keras 2.15 (:mod:`.keras_paths`), and
   ``tensorflow.examples.tutorials.mnist`` (:mod:`.mnist`, local files only);
4. ``tensorflow.contrib`` (``npu_bridge._tf1.contrib.install()``, when that package is present).

Idempotent.  ``ASCEND_SIM_NO_TF1_RUNTIME=1`` turns all of it off (then only scripts that use
``tensorflow.compat.v1`` and disable v2 behaviour themselves run).  TF 1.x behaviour applies to
tensors created afterwards: eager tensors that already exist cannot enter the graphs, so installing
after some were created logs a warning.
"""
import gc
import logging
import sys

_log = logging.getLogger("npu_bridge")
_INSTALLED = False
DISABLE_ENV = "ASCEND_SIM_NO_TF1_RUNTIME"
_CONTRIB = "npu_bridge._tf1.contrib"


def disabled_by_env() -> bool:
    from npu_bridge._runtime.settings import flag

    return flag(DISABLE_ENV)


def is_installed() -> bool:
    return _INSTALLED


def count_eager_tensors() -> int:
    """Live eager tensors (0 without scanning the heap when no eager op ever ran)."""
    from tensorflow.python.eager import context
    from tensorflow.python.framework import ops

    ctx = context.context_safe()
    if ctx is None or getattr(ctx, "_context_handle", None) is None:
        return 0
    return sum(1 for obj in gc.get_objects() if isinstance(obj, ops.EagerTensor))


def _behave_as_tf1() -> None:
    import tensorflow.compat.v1 as tf1
    from tensorflow.python import tf2

    if not tf2.enabled():
        return
    live = count_eager_tensors()
    if live:
        _log.warning(
            "npu_bridge switches TensorFlow to TF 1.x graph mode, but %d eager tensor(s) were created "
            "before: they cannot be used in the graphs built from now on. Import npu_bridge (or "
            "npu_bridge.npu_init) before creating tensors, or set %s=1 to keep TensorFlow 2 behaviour.",
            live, DISABLE_ENV,
        )
    tf1.disable_v2_behavior()


def _install_contrib() -> None:
    import importlib

    try:
        contrib = importlib.import_module(_CONTRIB)
    except ModuleNotFoundError as e:
        if e.name != _CONTRIB:
            raise
        _log.debug("%s is not available: tensorflow.contrib is not installed", _CONTRIB)
        return
    contrib.install()


def install() -> bool:
    """Install the TF 1.15 runtime once per process; returns True when it is active."""
    global _INSTALLED
    if _INSTALLED:
        return True
    if disabled_by_env():
        _log.debug("%s is set: the TF 1.15 runtime is not installed", DISABLE_ENV)
        return False
    import tensorflow

    from npu_bridge._tf1 import api, imports

    _behave_as_tf1()
    api.install(sys.modules["tensorflow"] if "tensorflow" in sys.modules else tensorflow)
    imports.install()
    _INSTALLED = True
    _install_contrib()
    return True


install()
