"""Step accounting of one device session: emulated time per run, the periodic log line, the session's records.

Every costed run advances the session's emulated clock by its ``Compiled.loop_us`` (runs follow each other
on the device timeline). Training steps (``Compiled.is_step``) are counted per device iteration (N per
``Session.run`` for an iterations_per_loop loop) and feed:

- the log line, every ``log_every`` training steps (and after the first), through ``logging``::

      emulated Ascend910A: step 12.3 ms (FP 4.1, BP 7.9), 2078 samples/s, AI Core busy 87%, host 3.1 ms

  (means over the steps since the previous line; ``host`` is the measured wall time of the real TensorFlow
  run per step);
- the session's records: a run costs O(1) to note (consecutive runs of one signature are stored as one
  segment); ``profile()`` re-times the cached simulation of each run to its place on the timeline. Step
  records are kept for every iteration, task records for the first ``trace_iterations`` iterations only;
- the profiling sink, when the session profiles: it receives each run's re-timed records as they happen.

Runs that are not training steps add to ``other_runs`` / ``other_us`` only.
"""
from __future__ import annotations

import dataclasses
import logging

from ascend_sim.sim.records import Profile, StepRecord

logger = logging.getLogger("npu_bridge.runtime")
US_PER_MS = 1000.0
US_PER_S = 1e6


def _ms(value: float) -> str:
    """Milliseconds with one decimal, or two below 10 ms (small models' steps are fractions of a ms)."""
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def retime_steps(steps, offset_us: float, first_iteration: int, loop_id: int) -> list:
    """``steps`` of a run simulated from time 0, moved to start at ``offset_us`` as iterations
    ``first_iteration``...: what ``simulate(..., start_us=offset_us, first_iteration=first_iteration)``
    gives, with ``loop_id`` the run's index in the session."""
    out = []
    for s in steps:
        iteration = first_iteration + s.iteration_id
        aug = s.data_aug_bound_us
        if aug is None and iteration > 0:      # the previous run's end is this run's start (time 0 before)
            aug = s.fp_start_us
        out.append(StepRecord(
            iteration_id=iteration, loop_id=loop_id, start_us=s.start_us + offset_us,
            fp_start_us=s.fp_start_us + offset_us, bp_end_us=s.bp_end_us + offset_us, end_us=s.end_us + offset_us,
            iteration_time_us=s.iteration_time_us, fp_bp_time_us=s.fp_bp_time_us,
            grad_refresh_bound_us=s.grad_refresh_bound_us, data_aug_bound_us=aug, host_us=s.host_us,
            reduce=tuple((a + offset_us, d) for a, d in s.reduce),
            getnext_start_us=None if s.getnext_start_us is None else s.getnext_start_us + offset_us,
            getnext_end_us=None if s.getnext_end_us is None else s.getnext_end_us + offset_us))
    return out


def retime_tasks(tasks, offset_us: float, first_iteration: int, max_iteration: int) -> list:
    """Task records moved like ``retime_steps``, keeping those of iterations below ``max_iteration``."""
    return [dataclasses.replace(t, start_us=t.start_us + offset_us, iteration_id=first_iteration + t.iteration_id)
            for t in tasks if first_iteration + t.iteration_id < max_iteration]


@dataclasses.dataclass
class _Segment:
    """``count`` consecutive runs of one compiled signature, the first at ``offset_us``."""

    compiled: object
    offset_us: float
    first_iteration: int
    first_loop: int
    count: int = 1


class Ledger:
    """The accounting of one session (see the module docstring)."""

    def __init__(self, hw_name: str, *, log_every: int, trace_iterations: int, sink=None):
        self.hw_name = hw_name
        self.log_every = log_every
        self.trace_iterations = trace_iterations
        self.sink = sink
        self.clock_us = 0.0
        self.steps = 0               # training iterations
        self.loops = 0               # training runs (host loops)
        self.host_s = 0.0            # measured wall time of the training runs
        self.other_runs = 0
        self.other_us = 0.0
        self.uncosted_runs = 0
        self._segments: list[_Segment] = []
        self._previous = None        # the compiled signature of the previous costed run
        # cumulative over training steps: steps, device us, FP us, BP us, AI Core busy us, samples, host s
        self.totals = [0, 0.0, 0.0, 0.0, 0.0, 0, 0.0]
        self.unknown_batch_steps = 0
        self._logged = (list(self.totals), 0)      # totals at the previous log line
        self.lines = 0

    # ---- per run -------------------------------------------------------------------------------------
    def record(self, compiled, host_s: float) -> None:
        """Account one run of ``compiled`` whose real TensorFlow execution took ``host_s`` seconds."""
        if compiled.base is None:
            self.uncosted_runs += 1
            return
        offset = self.clock_us
        self.clock_us += compiled.loop_us
        previous, self._previous = self._previous, compiled
        if not compiled.is_step:
            self.other_runs += 1
            self.other_us += compiled.loop_us
            return
        n = compiled.iterations
        first_iteration, loop_id = self.steps, self.loops
        last = self._segments[-1] if self._segments else None
        if last is not None and last.compiled is compiled and previous is compiled:
            last.count += 1
        else:
            self._segments.append(_Segment(compiled, offset, first_iteration, loop_id))
        self.steps += n
        self.loops += 1
        self.host_s += host_s
        if self.sink is not None:
            self.sink.append(self._run_profile(compiled, offset, first_iteration, loop_id))
        t = self.totals
        t[0] += n
        t[1] += compiled.loop_us
        t[2] += compiled.fp_us
        t[3] += compiled.bp_us
        t[4] += compiled.busy_us
        if compiled.samples:
            t[5] += compiled.samples
        else:
            self.unknown_batch_steps += n
        t[6] += host_s
        if self.log_every and (loop_id == 0 or self.steps // self.log_every != (self.steps - n) // self.log_every):
            logger.info("%s", self.log_line())
            self._logged = (list(self.totals), self.unknown_batch_steps)
            self.lines += 1

    def window_stats(self, since=None) -> dict:
        """Means over the training steps after the ``since`` snapshot (``snapshot()``; None: since the start):
        steps, step_time_ms, fp_ms, bp_ms, samples_per_sec (None when a step's batch is unknown),
        ai_core_busy (share), host_step_ms."""
        then, unknown_then = since if since is not None else ([0, 0.0, 0.0, 0.0, 0.0, 0, 0.0], 0)
        steps, device_us, fp, bp, busy, samples, host_s = (a - b for a, b in zip(self.totals, then))
        known = self.unknown_batch_steps == unknown_then
        per = max(steps, 1)
        return {"steps": steps, "step_time_ms": device_us / per / US_PER_MS, "fp_ms": fp / per / US_PER_MS,
                "bp_ms": bp / per / US_PER_MS,
                "samples_per_sec": samples / device_us * US_PER_S if known and samples and device_us > 0 else None,
                "ai_core_busy": busy / device_us if device_us > 0 else 0.0, "host_step_ms": host_s / per * 1e3}

    def snapshot(self):
        """The current totals, to pass to ``window_stats`` later."""
        return list(self.totals), self.unknown_batch_steps

    def log_line(self) -> str:
        """The log line for the steps since the previous one (see the module docstring)."""
        w = self.window_stats(self._logged)
        if not w["steps"]:
            return f"emulated {self.hw_name}: no training step yet"
        parts = [f"emulated {self.hw_name}: step {_ms(w['step_time_ms'])} ms (FP {_ms(w['fp_ms'])}, "
                 f"BP {_ms(w['bp_ms'])})"]
        if w["samples_per_sec"] is not None:
            parts.append(f"{w['samples_per_sec']:.0f} samples/s")
        parts.append(f"AI Core busy {100.0 * w['ai_core_busy']:.0f}%")
        parts.append(f"host {_ms(w['host_step_ms'])} ms")
        return ", ".join(parts)

    def _run_profile(self, compiled, offset, first_iteration, loop_id) -> Profile:
        base = compiled.base
        steps = retime_steps(base.steps, offset, first_iteration, loop_id)
        tasks = ()
        if first_iteration < self.trace_iterations:
            tasks = retime_tasks(base.tasks, offset, first_iteration, self.trace_iterations)
        return dataclasses.replace(base, tasks=tuple(tasks), steps=tuple(steps))

    # ---- whole session -------------------------------------------------------------------------------
    def step_stats(self) -> dict:
        """``window_stats`` over every training step so far, plus the session's emulated time (ms)."""
        return {**self.window_stats(), "emulated_ms": self.clock_us / US_PER_MS}

    def profile(self) -> Profile | None:
        """Every training step's records on the session timeline (None before the first costed step)."""
        if not self._segments:
            return None
        steps, tasks = [], []
        for seg in self._segments:
            c = seg.compiled
            for i in range(seg.count):
                first = seg.first_iteration + i * c.iterations
                offset = seg.offset_us + i * c.loop_us
                steps += retime_steps(c.base.steps, offset, first, seg.first_loop + i)
                if first < self.trace_iterations:
                    tasks += retime_tasks(c.base.tasks, offset, first, self.trace_iterations)
        head = self._segments[0].compiled.base
        unknown, host, warnings = [], [], []
        for seg in self._segments:
            base = seg.compiled.base
            unknown += [u for u in base.unknown_ops if u not in unknown]
            host += [h for h in base.host_nodes if h not in host]
            warnings += [w for w in base.warnings if w not in warnings]
        return dataclasses.replace(head, tasks=tuple(tasks), steps=tuple(steps), unknown_ops=tuple(unknown),
                                   host_nodes=tuple(host), warnings=tuple(warnings),
                                   memory_peak_bytes=max(s.compiled.base.memory_peak_bytes for s in self._segments))
