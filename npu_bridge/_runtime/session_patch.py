"""Upstream's global ``tf.Session`` patch, applied when ``npu_bridge.npu_init`` is imported.

Every ``Session`` / ``InteractiveSession`` built afterwards (including those MonitoredSession,
Estimator and Keras build internally) gets the NPU default config (see
``npu_config.set_npu_default_config``) and so runs on the emulated device: the NPU session runtime
(``npu_bridge._runtime.interception`` / ``device_session``) is installed with the patch, and each new
session's device state is created in its constructor (a bad NpuOptimizer option fails there, naming it).
Idempotent.  ``ASCEND_SIM_NO_SESSION_PATCH=1`` turns both off; ``ASCEND_SIM_NO_DEVICE_RUNTIME=1`` keeps
the patch and turns off only the device runtime (sessions then run as plain TensorFlow).
"""
import functools
import logging

from tensorflow.python.client import session

from npu_bridge._runtime import settings

DISABLE_ENV = "ASCEND_SIM_NO_SESSION_PATCH"
_MARKER = "_npu_bridge_session_patch"
_log = logging.getLogger("npu_bridge")


def is_installed() -> bool:
    return getattr(session.Session.__init__, _MARKER, False)


def install() -> bool:
    """Patch Session and InteractiveSession constructors once; returns True when the patch is active."""
    if settings.flag(DISABLE_ENV):
        _log.info("%s is set: tf.Session is not patched with the NPU default config", DISABLE_ENV)
        return is_installed()
    from npu_bridge.estimator.npu.npu_config import decorator_tf_session

    runtime = not settings.runtime_disabled()
    if runtime:
        from npu_bridge._runtime import interception

        interception.install()
    else:
        _log.info("%s is set: sessions run as plain TensorFlow, without the emulated device",
                  settings.NO_RUNTIME_ENV)
    for cls in (session.Session, session.InteractiveSession):
        init = cls.__dict__["__init__"]
        if getattr(init, _MARKER, False):
            continue
        patched = decorator_tf_session(init)
        if runtime:
            patched = _attaching(patched)
        setattr(patched, _MARKER, True)
        patched.__wrapped_original__ = init
        cls.__init__ = patched
    return True


def _attaching(init):
    """``init`` followed by the creation of the session's device state (options validated here)."""
    from npu_bridge._runtime import device_session

    @functools.wraps(init)
    def init_on_device(self, *args, **kwargs):
        init(self, *args, **kwargs)
        device_session.attach(self)

    return init_on_device


def uninstall() -> None:
    """Restore the original constructors and session methods (used by tests)."""
    from npu_bridge._runtime import interception

    interception.uninstall()
    for cls in (session.Session, session.InteractiveSession):
        init = cls.__dict__["__init__"]
        original = getattr(init, "__wrapped_original__", None)
        if original is not None:
            cls.__init__ = original
