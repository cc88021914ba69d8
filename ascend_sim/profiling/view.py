"""Read-only views of a Profile shared by the writers: which iterations the task records cover, their span,
the device tasks in msprof's row order, and msprof's numbering (iteration IDs count from 1).

A ProfileSink keeps step records for every iteration but task records only for the first
``max_task_iterations`` iterations; every per-op table and the timeline therefore say which iterations
they cover (``Coverage``). Nothing here computes a cost.
"""
from __future__ import annotations

from dataclasses import dataclass

from ascend_sim.sim import stats

MODEL_ID = 1            # one compiled model per profile (msprof's "Model ID")
DEVICE_TASK_ORDER = ("start_us", "stream_id", "task_id")


def msprof_iteration(iteration_id: int) -> int:
    """msprof numbers iterations from 1; records from 0."""
    return iteration_id + 1


@dataclass(frozen=True)
class Coverage:
    """Which iterations have task records: ``covered`` of ``total`` (msprof numbering in ``text``)."""

    iterations: tuple          # record iteration ids (0-based) with task records, ascending
    total: int                 # iterations with step records
    span_us: float             # summed Iteration Time of the covered iterations (host overhead included)

    @property
    def complete(self) -> bool:
        return len(self.iterations) >= self.total

    @property
    def count(self) -> int:
        return len(self.iterations)

    def text(self) -> str:
        if not self.iterations:
            return f"no task records (0 of {self.total} iterations)"
        first, last = msprof_iteration(self.iterations[0]), msprof_iteration(self.iterations[-1])
        run = f"iteration {first}" if first == last else f"iterations {first}-{last}"
        if len(self.iterations) != last - first + 1:
            run = f"{len(self.iterations)} iterations between {first} and {last}"
        return f"{run} of {self.total}" if not self.complete else f"all {self.total} iteration(s)"


def coverage(profile) -> Coverage:
    ids = sorted({t.iteration_id for t in profile.tasks})
    wanted = set(ids)
    span = sum(s.iteration_time_us for s in profile.steps if s.iteration_id in wanted)
    if not profile.steps and profile.tasks:
        span = max(t.end_us for t in profile.tasks) - min(t.start_us for t in profile.tasks)
    return Coverage(tuple(ids), max(len(profile.steps), len(ids)), span)


def device_tasks(profile) -> list:
    """Device task records in msprof row order (start time, then stream, then task id)."""
    return sorted(profile.device_tasks, key=lambda t: (t.start_us, t.stream_id, t.task_id))


def static_key(t) -> tuple:
    """What a task record shares with the same task in other iterations (all but iteration, start, duration,
    wait): rows and args derived from it alone are computed once per task, not once per execution."""
    return (t.name, t.op_type, t.task_type, t.unit, t.stream_id, t.task_id, t.block_dim, t.launch_us,
            t.aicore_time_us, t.cost, t.bound, t.input_shapes, t.input_dtypes, t.input_formats, t.output_shapes,
            t.output_dtypes, t.output_formats, t.origin, t.fused_from, t.phase, t.index)


def busy_ratio(profile, task_type: str = stats.AICORE_TASK_TYPE) -> float:
    """Share of the covered iterations' wall time during which tasks of ``task_type`` execute."""
    return stats.busy_ratio(profile.tasks, task_type, coverage(profile).span_us)


def per_iteration(total: float, cov: Coverage) -> float:
    return total / cov.count if cov.count else 0.0
