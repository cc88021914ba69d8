"""What the NPU session runtime reads from the environment and from a session's config.

Environment knobs (all optional; docs/runtime.md lists them):

- ``ASCEND_SIM_NO_DEVICE_RUNTIME=1``: sessions run as plain TensorFlow (no compile, no emulated time); the
  upstream Session patch stays (``ASCEND_SIM_NO_SESSION_PATCH=1`` turns off both).
- ``ASCEND_SIM_HW``: hardware preset name or .toml path for the emulated device (default Ascend910A).
- ``ASCEND_SIM_LOG_STEPS``: a log line every K training steps (default 100; 0 = off).
- ``ASCEND_SIM_TRACE_ITERATIONS``: task records are kept for the first K device iterations of a session
  (default 100; step records are kept for every iteration), so a long run's memory stays bounded.
- ``ASCEND_SIM_STRICT=1``: unsupported ops fail the first ``Session.run`` (read by ``NpuOptions``).
- ``ASCEND_SIM_RUN_OUTPUT``: set by ``ascend-sim run --output DIR``: profiling on, into DIR, whatever the
  script's options say.

``session_options(config)``: the session's ``NpuOptions`` (None when the config names no NpuOptimizer: the
session is not on the device). ``profiling_settings(options)``: whether (and where) this session profiles.
"""
from __future__ import annotations

import logging
import os

from ascend_sim.options.environment import HW_ENV, RUN_OUTPUT_ENV
from ascend_sim.options.values import TRUE_WORDS

logger = logging.getLogger("npu_bridge.runtime")

NO_RUNTIME_ENV = "ASCEND_SIM_NO_DEVICE_RUNTIME"
LOG_STEPS_ENV = "ASCEND_SIM_LOG_STEPS"
TRACE_ITERATIONS_ENV = "ASCEND_SIM_TRACE_ITERATIONS"
DEFAULT_HW = "Ascend910A"
DEFAULT_LOG_STEPS = 100
DEFAULT_TRACE_ITERATIONS = 100


def flag(name: str, environ=None) -> bool:
    """Whether the variable ``name`` is set to a true word (1 / true / yes / on, any case)."""
    environ = os.environ if environ is None else environ
    return environ.get(name, "").strip().lower() in TRUE_WORDS


def runtime_disabled(environ=None) -> bool:
    return flag(NO_RUNTIME_ENV, environ)


def count_setting(name: str, default: int, environ=None) -> int:
    """A non-negative integer from the environment; ValueError naming the variable otherwise."""
    environ = os.environ if environ is None else environ
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
        if value < 0:
            raise ValueError
    except ValueError:
        raise ValueError(f"environment variable {name}={raw!r} must be an integer >= 0 "
                         f"(default {default})") from None
    return value


def hw_name(environ=None) -> str:
    environ = os.environ if environ is None else environ
    return environ.get(HW_ENV, "").strip() or DEFAULT_HW


def session_options(config):
    """The NpuOptions of a session config, or None when it names no NpuOptimizer (a session off the device).

    Raises ValueError naming the option and its legal values for a bad NpuOptimizer option."""
    from ascend_sim.options import NpuOptions

    return NpuOptions.from_session_config(config)


def profiling_settings(options, environ=None):
    """Whether (and where) a session with ``options`` profiles: ``ProfilingSettings.resolve`` (the
    ``profiling_mode`` option, else PROFILING_MODE / PROFILING_OPTIONS), forced on into the directory named
    by ASCEND_SIM_RUN_OUTPUT when ``ascend-sim run --output`` set it."""
    from ascend_sim.options import ProfilingSettings

    environ = os.environ if environ is None else environ
    resolved = ProfilingSettings.resolve(options, environ=environ)
    forced = environ.get(RUN_OUTPUT_ENV, "").strip()
    if forced:
        resolved = resolved.forced_on(output_dir=forced)
    return resolved


def device_environment(options=None, environ=None):
    """Device id / rank / job of this process (``ascend_sim.options.DeviceEnvironment``)."""
    from ascend_sim.options import DeviceEnvironment

    return DeviceEnvironment.from_environ(os.environ if environ is None else environ, options=options)


class _StderrUnlessConfigured(logging.StreamHandler):
    """Shows the runtime's INFO lines on stderr while the application has configured no logging of its own
    (root logger without handlers); once it has, the records only propagate to its handlers."""

    def emit(self, record):
        if not logging.getLogger().handlers:
            super().emit(record)


def make_log_lines_visible() -> None:
    """The runtime's log lines (step times, session totals) are visible by default (idempotent)."""
    if any(isinstance(h, _StderrUnlessConfigured) for h in logger.handlers):
        return
    handler = _StderrUnlessConfigured()
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
