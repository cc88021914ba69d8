"""Emulated step time as TensorBoard scalars in an Estimator's model_dir.

``EmulatedStepSummaryHook(output_dir, every_n_steps)`` is added by NPUEstimator to its training hooks (an
addition to upstream's hooks: the real device reports time through msprof, not through summaries). After the
first run and whenever the global step crosses a multiple of ``every_n_steps`` (and at the end), it writes
the means over the training steps since its previous write, at the global step of the run:

- ``emulated/step_time_ms``: emulated device time per training step (host loop overhead amortised);
- ``emulated/samples_per_sec``: throughput at that step time (when the batch size is known);
- ``emulated/fp_ms``, ``emulated/bp_ms``: device time of the forward / gradient tasks per step;
- ``emulated/ai_core_busy``: share of the device time the AI Cores execute;
- ``emulated/host_step_ms``: measured wall time of the real TensorFlow run per step, for comparison.
"""
from __future__ import annotations

import tensorflow.compat.v1 as tf
from tensorflow.core.framework import summary_pb2
from tensorflow.python.training import session_run_hook
from tensorflow.python.training import training_util

from npu_bridge._runtime import device_session

TAGS = (("emulated/step_time_ms", "step_time_ms"), ("emulated/samples_per_sec", "samples_per_sec"),
        ("emulated/fp_ms", "fp_ms"), ("emulated/bp_ms", "bp_ms"), ("emulated/ai_core_busy", "ai_core_busy"),
        ("emulated/host_step_ms", "host_step_ms"))


class EmulatedStepSummaryHook(session_run_hook.SessionRunHook):
    """Writes the emulated step scalars (see the module docstring)."""

    def __init__(self, output_dir, every_n_steps=100):
        if isinstance(every_n_steps, bool) or not isinstance(every_n_steps, int) or every_n_steps < 1:
            raise ValueError(f"every_n_steps must be a positive int, got {every_n_steps!r}")
        self._output_dir = output_dir
        self._every = every_n_steps
        self._global_step = None
        self._state = None
        self._since = None
        self._last_step = None
        self.written = 0

    def begin(self):
        self._global_step = training_util.get_global_step()
        self._state = self._since = self._last_step = None

    def after_create_session(self, session, coord):
        self._state = device_session.state_of(session)
        if self._state is not None:
            self._since = self._state.ledger.snapshot()

    def before_run(self, run_context):
        return session_run_hook.SessionRunArgs(self._global_step) if self._global_step is not None else None

    def after_run(self, run_context, run_values):
        if self._state is None or run_values.results is None:
            return
        step = int(run_values.results)
        if self._last_step is None or step // self._every != self._last_step // self._every:
            self._write(step)

    def end(self, session):
        if self._state is not None and self._last_step is not None:
            step = int(session.run(self._global_step)) if self._global_step is not None else self._last_step
            if step != self._last_step:
                self._write(step)

    def _write(self, step: int) -> None:
        stats = self._state.ledger.window_stats(self._since)
        if not stats["steps"]:
            return
        values = [summary_pb2.Summary.Value(tag=tag, simple_value=float(stats[key]))
                  for tag, key in TAGS if stats[key] is not None]
        writer = tf.summary.FileWriterCache.get(self._output_dir)
        writer.add_summary(summary_pb2.Summary(value=values), step)
        writer.flush()
        self._since = self._state.ledger.snapshot()
        self._last_step = step
        self.written += 1
