"""Upstream's global ``tf.Session`` patch, applied when ``npu_bridge.npu_init`` is imported.

Every ``Session`` / ``InteractiveSession`` built afterwards (including those MonitoredSession,
Estimator and Keras build internally) gets the NPU default config (see
``npu_config.set_npu_default_config``).  Idempotent.  ``ASCEND_SIM_NO_SESSION_PATCH=1`` turns it off.
"""
import logging
import os

from tensorflow.python.client import session

DISABLE_ENV = "ASCEND_SIM_NO_SESSION_PATCH"
_MARKER = "_npu_bridge_session_patch"
_log = logging.getLogger("npu_bridge")


def is_installed() -> bool:
    return getattr(session.Session.__init__, _MARKER, False)


def install() -> bool:
    """Patch Session and InteractiveSession constructors once; returns True when the patch is active."""
    if os.environ.get(DISABLE_ENV, "").strip().lower() in ("1", "true", "yes", "on"):
        _log.info("%s is set: tf.Session is not patched with the NPU default config", DISABLE_ENV)
        return is_installed()
    from npu_bridge.estimator.npu.npu_config import decorator_tf_session

    for cls in (session.Session, session.InteractiveSession):
        init = cls.__dict__["__init__"]
        if getattr(init, _MARKER, False):
            continue
        patched = decorator_tf_session(init)
        setattr(patched, _MARKER, True)
        patched.__wrapped_original__ = init
        cls.__init__ = patched
    return True


def uninstall() -> None:
    """Restore the original constructors (used by tests)."""
    for cls in (session.Session, session.InteractiveSession):
        init = cls.__dict__["__init__"]
        original = getattr(init, "__wrapped_original__", None)
        if original is not None:
            cls.__init__ = original
