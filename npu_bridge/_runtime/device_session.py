"""The NPU session runtime: what a ``tf.Session`` on the emulated device does on each run.

A session is *on the device* when its config names the NpuOptimizer (``settings.session_options`` is not
None); with the upstream Session patch every session built after ``import npu_bridge.npu_init`` is.
``attach(session)`` (called by the patched constructor, or lazily at the first run) parses and validates
its options (ValueError naming the option), resolves the hardware preset and, when profiling is on,
creates the profiling sink (OSError naming the directory when it is not writable). The state lives on
the session object; sessions off the device carry ``False`` and pay one attribute read per run.

``DeviceSession.run`` is called for each ``Session.run`` / callable call of a device session:

1. the run's signature is looked up in the session's cache, compiled on first sight (``compiled``);
   strict mode fails here, before anything executes, as the real graph compiler does;
2. an ``iterations_per_loop`` loop (N > 1, the IterationOp in the run) executes N real steps: N-1 runs of
   the loop ops alone, then the run as asked, so the values returned are the last step's; a loop fed
   through ``feed_dict`` is refused (the device loop reads a sunk dataset, not feeds);
3. the ledger (``accounting``) adds the run's emulated time and records, with the measured host time.
"""
from __future__ import annotations

import logging
import os
import threading
import time
import weakref

from tensorflow.python.framework import errors

from npu_bridge._runtime import settings
from npu_bridge._runtime.accounting import Ledger
from npu_bridge._runtime.compiled import OTHER, Compiled, compile_signature, iteration_ops

logger = logging.getLogger("npu_bridge.runtime")

STATE_ATTR = "_ascend_device_session"
# A script that builds new ops every step (``sess.run(tf.assign(v, x))`` in a loop) makes a new signature per
# run; past this many, new signatures run uncosted (one warning) so that memory and compile time stay bounded.
MAX_SIGNATURES = 1000
_HW_CACHE: dict = {}
_LIVE: "weakref.WeakSet[DeviceSession]" = weakref.WeakSet()


def _hardware(name: str):
    spec = _HW_CACHE.get(name)
    if spec is None:
        from ascend_sim import hw as hwlib

        try:
            spec = hwlib.load(name)
        except (OSError, ValueError, KeyError) as exc:
            raise ValueError(f"{settings.HW_ENV}={name!r} names no usable hardware preset: {exc}") from None
        _HW_CACHE[name] = spec
    return spec


def _make_sink(profiling, options, trace_iterations: int):
    """The ProfileSink of a profiling session, writing under the settings' output directory (the working
    directory when the options name none), keeping task records of ``trace_iterations`` iterations."""
    from ascend_sim.profiling import ProfileSink

    env = settings.device_environment(options)
    return ProfileSink(profiling.output_dir or os.getcwd(), device_id=env.device_id, job_id=env.job_id,
                       max_task_iterations=max(1, trace_iterations))


class DeviceSession:
    """The device-side state of one session (see the module docstring)."""

    def __init__(self, options, hw, *, profiling=None, log_every=settings.DEFAULT_LOG_STEPS,
                 trace_iterations=settings.DEFAULT_TRACE_ITERATIONS):
        self.options = options
        self.hw = hw
        self.profiling = profiling
        self.sink = (_make_sink(profiling, options, trace_iterations)
                     if profiling is not None and profiling.enabled else None)
        self.ledger = Ledger(hw.name, log_every=log_every, trace_iterations=trace_iterations, sink=self.sink)
        self.compiles = 0
        self.compile_s = 0.0
        self.closed = False
        self._cache: dict = {}
        self._lock = threading.Lock()
        self._warned_limit = False
        self._background_cache: dict = {}
        _LIVE.add(self)

    # ---- compile -------------------------------------------------------------------------------------
    def compiled(self, graph, key, describe):
        """The Compiled entry of signature ``key``; ``describe()`` → (target ops, fetch tensors, [(tensor,
        shape)] feeds) is called on a cache miss only."""
        entry = self._cache.get(key)
        if entry is not None:
            return entry
        if threading.current_thread().daemon:
            return self._background(key, describe)
        with self._lock:
            entry = self._cache.get(key)
            if entry is None and len(self._cache) >= MAX_SIGNATURES:
                return self._over_limit(key, describe)
            if entry is None:
                targets, fetches, feeds = describe()
                entry = compile_signature(graph, targets, fetches, feeds, self.options, self.hw,
                                          loop_n=self.options.iterations_per_loop)
                self._cache[key] = entry
                self.compiles += 1
                self.compile_s += entry.compile_s
                logger.debug("compiled %s in %.3f s: %s", ", ".join(entry.names), entry.compile_s, entry.kind)
        return entry

    def _background(self, key, describe):
        """Runs from daemon threads (queue runners feeding the input pipeline, their close ops, outfeed
        readers) are not compiled: they are not training steps, and a compile still running when the
        interpreter exits would be cut off inside TensorFlow (an abort)."""
        entry = self._background_cache.get(key)
        if entry is None:
            entry = self._background_cache[key] = self._uncosted(describe, "run from a daemon thread")
        return entry

    def _over_limit(self, key, describe):
        if not self._warned_limit:
            self._warned_limit = True
            logger.warning("emulated device: this session has compiled %d run signatures (a script that builds "
                           "new ops every step?); further new signatures run without emulated time",
                           MAX_SIGNATURES)
        return self._uncosted(describe, "signature limit")

    def _uncosted(self, describe, why: str):
        targets, fetches, _ = describe()
        loop_ops = iteration_ops(targets, fetches) if self.options.iterations_per_loop > 1 else ()
        return Compiled(kind=OTHER, iterations=self.options.iterations_per_loop if loop_ops else 1,
                        loop_ops=loop_ops, names=(), error=why)

    # ---- run -----------------------------------------------------------------------------------------
    def run(self, entry, execute, loop_once, fed_names=()):
        """Execute one run of ``entry``: ``execute()`` runs it as asked, ``loop_once()`` runs the loop ops
        alone (iterations 1..N-1 of an iterations_per_loop loop). Returns what ``execute()`` returns."""
        n = entry.iterations
        if n > 1 and fed_names:
            raise errors.InvalidArgumentError(None, None, loop_feed_message(n, fed_names))
        start = time.perf_counter()
        for _ in range(n - 1):
            loop_once()
        results = execute()
        self.ledger.record(entry, time.perf_counter() - start)
        return results

    def run_once(self, entry, fn, args, kwargs):
        """``fn(*args, **kwargs)`` accounted as one run of ``entry`` (iterations == 1: the common path)."""
        start = time.perf_counter()
        results = fn(*args, **kwargs)
        self.ledger.record(entry, time.perf_counter() - start)
        return results

    # ---- end -----------------------------------------------------------------------------------------
    def close(self) -> None:
        """Log the session's totals and close its profiling sink (idempotent)."""
        if self.closed:
            return
        self.closed = True
        ledger = self.ledger
        if ledger.loops:
            stats = ledger.step_stats()
            logger.info("emulated %s session: %d training steps in %d runs, mean step %.2f ms (host %.2f ms); "
                        "%d other runs (%.2f ms emulated); %d signatures compiled in %.2f s", self.hw.name,
                        ledger.steps, ledger.loops, stats["step_time_ms"], stats["host_step_ms"],
                        ledger.other_runs, ledger.other_us / 1e3, self.compiles, self.compile_s)
        if self.sink is not None:
            self.sink.close()

    def profile(self):
        """The session's training-step records so far (None before the first costed step)."""
        return self.ledger.profile()


def loop_feed_message(n: int, fed_names) -> str:
    return (f"iterations_per_loop={n}: a Session.run of the IterationOp loop runs {n} training steps on the "
            f"device, each reading its batch from a tf.data iterator sunk to the device "
            f"(enable_data_pre_proc=True, make_initializable_iterator); it cannot take feed_dict inputs, but "
            f"this run feeds {', '.join(sorted(fed_names))}. Read the input from a dataset iterator, or set "
            f"iterations_per_loop=1")


def _note_dump(options) -> None:
    """The dump options are validated like the adapter's, but the emulator writes no tensor dumps: say so."""
    from ascend_sim.options import DumpSettings

    dump = DumpSettings.from_options(options, check_path=False)
    if dump.active:
        which = " and ".join(k for k, on in (("enable_dump", dump.enabled), ("enable_dump_debug", dump.debug_enabled))
                             if on)
        logger.warning("%s is set: the emulated device dumps no tensors (nothing is written to dump_path %s); "
                       "the training itself runs as usual", which, dump.path)


def attach(session):
    """Create (or find) the device state of ``session``: a DeviceSession, or False when it is off the device.

    Raises ValueError for a bad NpuOptimizer option or ASCEND_SIM_* setting, OSError for a profiling
    directory that cannot be written."""
    state = session.__dict__.get(STATE_ATTR)
    if state is not None:
        return state
    options = settings.session_options(getattr(session, "_config", None))
    if options is None:
        state = False
    else:
        state = DeviceSession(options, _hardware(settings.hw_name()),
                              profiling=settings.profiling_settings(options),
                              log_every=settings.count_setting(settings.LOG_STEPS_ENV, settings.DEFAULT_LOG_STEPS),
                              trace_iterations=settings.count_setting(settings.TRACE_ITERATIONS_ENV,
                                                                      settings.DEFAULT_TRACE_ITERATIONS))
        weakref.finalize(session, state.close)
        _note_dump(options)
    session.__dict__[STATE_ATTR] = state
    return state


def state_of(session):
    """The DeviceSession of ``session`` (unwrapping MonitoredSession layers), or None."""
    seen = 0
    while session is not None and STATE_ATTR not in getattr(session, "__dict__", {}) and seen < 8:
        session = getattr(session, "_sess", None) or getattr(session, "_session", None)
        seen += 1
    state = getattr(session, "__dict__", {}).get(STATE_ATTR) if session is not None else None
    return state or None


def live_sessions() -> list:
    """Every device session of the process that has not been garbage collected."""
    return list(_LIVE)
