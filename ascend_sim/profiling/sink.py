"""``ProfileSink``: the accumulating profile of a session, flushed to one profile directory.

The session runtime appends the Profile of each ``Session.run`` (already time-continued, see
``Profile.extended``); the sink rewrites the directory's files atomically on ``flush()``, every
``flush_interval_s`` seconds of appends, on ``close()`` and at interpreter exit (``atexit``, which also runs
after an unhandled KeyboardInterrupt). A run killed between flushes leaves the files of the last flush, each
one complete. The HTML report is written by ``close()`` only (it imports matplotlib and draws figures).

Memory stays bounded: step records are kept for every iteration, task records only for the first
``max_task_iterations`` iterations that reach the sink; the op tables, the timeline and the summary say which
iterations they cover. The constructor creates the directory and fails with an OSError naming it when it
cannot (a file in the way, no permission), before any training starts.
"""
from __future__ import annotations

import atexit
import dataclasses
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

from ascend_sim.profiling import layout as lay, writer

logger = logging.getLogger("ascend_sim.profiling")

DEFAULT_FLUSH_INTERVAL_S = 30.0
DEFAULT_MAX_TASK_ITERATIONS = 20
CLOSE_ONLY_FORMATS = ("html",)

_SINKS: list = []
_LOCK = threading.Lock()
_ATEXIT_REGISTERED = False


def sinks() -> tuple:
    """Every sink created in this process (open or closed), oldest first."""
    with _LOCK:
        return tuple(_SINKS)


def _close_all() -> None:
    for sink in sinks():
        if not sink.closed:
            try:
                sink.close()
            except Exception:          # noqa: BLE001 - at exit, report and go on with the other sinks
                logger.exception("could not write the profile in %s at exit", sink.path)


def _register(sink) -> None:
    global _ATEXIT_REGISTERED
    with _LOCK:
        _SINKS.append(sink)
        if not _ATEXIT_REGISTERED:
            atexit.register(_close_all)
            _ATEXIT_REGISTERED = True


def _check_dir(path: Path) -> None:
    """Create ``path`` and prove it writable, or raise OSError naming it and why."""
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"profiling output directory {path} is a file, not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".ascend-sim-probe-", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise type(exc)(exc.errno, f"profiling output directory {path} is not writable: "
                                   f"{exc.strerror or exc}") from None


def _check_number(name: str, value, minimum, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ValueError(f"ProfileSink({name}={value!r}): expected a number >= {minimum}"
                         + (" or None" if allow_none else ""))


class ProfileSink:
    """Accumulates Profiles and keeps one upstream-layout profile directory up to date (module docstring)."""

    def __init__(self, output_dir, *, device_id: int = 0, job_id=None, formats=writer.DEFAULT_FORMATS,
                 flush_interval_s: float | None = DEFAULT_FLUSH_INTERVAL_S,
                 max_task_iterations: int = DEFAULT_MAX_TASK_ITERATIONS):
        self.formats = writer.check_formats(formats)
        _check_number("flush_interval_s", flush_interval_s, 0, allow_none=True)
        _check_number("max_task_iterations", max_task_iterations, 1)
        _check_number("device_id", device_id, 0)
        self.device_id = int(device_id)
        self.flush_interval_s = flush_interval_s
        self.max_task_iterations = int(max_task_iterations)
        base = Path(output_dir)
        _check_dir(base)
        self.layout = lay.new_layout(base, job_id=job_id)
        try:
            self.layout.makedirs()
        except OSError as exc:
            raise type(exc)(exc.errno, f"cannot create the profile directory {self.layout.root}: "
                                       f"{exc.strerror or exc}") from None
        self._lock = threading.RLock()
        self._head = None                  # the first Profile: hardware, options, batch
        self._tasks: list = []
        self._steps: list = []
        self._kept: set = set()            # iteration ids whose task records are kept
        self._dropped_tasks = 0
        self._warnings: list = []
        self._unknown: list = []
        self._memory_peak = 0
        self._cached = None
        self._last_flush = time.monotonic()
        self.closed = False
        _register(self)

    # ---- state -----------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        """The PROF_ directory this sink writes."""
        return self.layout.root

    @property
    def profile(self):
        """The accumulated Profile (task records of the kept iterations, every step record)."""
        with self._lock:
            if self._cached is None:
                if self._head is None:
                    return None
                self._cached = dataclasses.replace(
                    self._head, tasks=tuple(self._tasks), steps=tuple(self._steps), warnings=tuple(self._warnings),
                    unknown_ops=tuple(self._unknown), memory_peak_bytes=self._memory_peak)
            return self._cached

    # ---- appending ---------------------------------------------------------------------------
    def append(self, profile) -> None:
        """Add the Profile of one run; flushes when ``flush_interval_s`` has passed since the last flush."""
        with self._lock:
            if self.closed:
                raise RuntimeError(f"ProfileSink for {self.path} is closed; no more profiles can be appended")
            if self._head is None:
                self._head = profile
            elif profile.hw_name != self._head.hw_name:
                raise ValueError(f"cannot append a profile simulated on {profile.hw_name!r} to the sink of "
                                 f"{self.path}, which holds {self._head.hw_name!r} profiles")
            for t in profile.tasks:
                it = t.iteration_id
                if it not in self._kept and len(self._kept) < self.max_task_iterations:
                    self._kept.add(it)
                if it in self._kept:
                    self._tasks.append(t)
                else:
                    self._dropped_tasks += 1
            self._steps.extend(profile.steps)
            self._warnings += [w for w in profile.warnings if w not in self._warnings]
            self._unknown += [u for u in profile.unknown_ops if u not in self._unknown]
            self._memory_peak = max(self._memory_peak, profile.memory_peak_bytes)
            self._cached = None
            due = self.flush_interval_s is not None and \
                time.monotonic() - self._last_flush >= self.flush_interval_s
        if due:
            self.flush()

    # ---- writing -----------------------------------------------------------------------------
    def _meta(self) -> dict:
        return {"max_task_iterations": self.max_task_iterations, "dropped_task_records": self._dropped_tasks}

    def _write(self, formats) -> None:
        profile = self.profile
        if profile is None:
            from ascend_sim.sim.records import Profile

            profile = Profile(tasks=(), steps=(), hw_name="", ai_core_count=0, ai_core_clock_mhz=0.0)
        writer.write_layout(profile, self.layout, formats=formats, device_id=self.device_id, meta=self._meta())
        self._last_flush = time.monotonic()

    def flush(self) -> Path:
        """Rewrite the files (all formats but HTML) for everything appended so far; returns the directory."""
        with self._lock:
            self._write(tuple(f for f in self.formats if f not in CLOSE_ONLY_FORMATS))
        return self.path

    def close(self) -> Path:
        """Final flush, HTML included; idempotent. Returns the directory."""
        with self._lock:
            if not self.closed:
                self._write(self.formats)
                self.closed = True
                logger.info("profile written to %s", self.path)
        return self.path

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"ProfileSink({str(self.path)!r}, {len(self._steps)} iteration(s), {state})"
