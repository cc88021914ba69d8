"""The scheduler: a lowered Program's tasks on the device's streams, iteration after iteration.

``simulate(program, hw, iterations=1) -> Profile`` is pure and deterministic: the same program, hardware,
options and policy give the same records.

Model (stream assignment and its reasons: ``ascend_sim.sim.policy``):

- Each stream runs its tasks in program order, one at a time. A task starts when its stream is free and its
  dependencies (``Task.deps``, on any stream) have ended: ``start = max(stream free, latest dependency end)``.
  Cross-stream waits cost nothing beyond the wait itself.
- A task's duration is the dispatch overhead of its unit, added once per task, plus its cost's execution
  time (``Cost.duration_us(hw)``). The overhead is the preset's ``aicore_task_launch_us`` for AI Core tasks
  and for the other stream tasks the task scheduler dispatches (HCCL, MEMCPY_ASYNC), and
  ``aicpu_task_latency_us`` for AI CPU kernels (``ops.cost.launch.task_launch_us``). HOST tasks take no
  device time and no stream.
- ``iterations`` host loops (``Session.run`` calls) are simulated, each running the options'
  ``iterations_per_loop`` device iterations. A loop starts with the host loop overhead
  (``SchedulePolicy.host_loop_us``) and the PCIe copy of its fed graph inputs; the device iterations of a
  loop follow each other with no host involvement.
- An iteration's device tasks start after the previous iteration has ended (the loop's end-of-iteration
  synchronisation), except sunk GetNext tasks, which need only the previous GetNext, the loop's start and
  their batch in the device queue: they run ahead, overlapping the previous step. Without sinking, a GetNext
  left in the program waits for its batch to cross PCIe after the previous iteration ends.
- Step trace per iteration: ``ascend_sim.sim.steptrace``.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from ascend_sim.hw import HardwareSpec, load
from ascend_sim.ops.cost.launch import task_launch_us
from ascend_sim.ops.cost.movement import host_to_device_us
from ascend_sim.ops.cost.record import CostError
from ascend_sim.ops.opspec import TASK_TYPES, UNITS
from ascend_sim.sim import policy as pol
from ascend_sim.sim.records import Profile, TaskRecord
from ascend_sim.sim.steptrace import resolve_point, step_record

logger = logging.getLogger(__name__)

# Whose dispatch overhead a unit's tasks pay (task_launch_us knows AI_CORE and AI_CPU): the task scheduler
# dispatches HCCL and MEMCPY_ASYNC stream tasks as it does AI Core kernels.
LAUNCH_CLASS = {"aicore_cube": "AI_CORE", "aicore_vector": "AI_CORE", "hccl": "AI_CORE", "dma": "AI_CORE",
                "aicpu": "AI_CPU"}


class ScheduleError(ValueError):
    """A program the scheduler cannot run (bad dependency, unknown unit, bad iteration count)."""


@dataclass(frozen=True, slots=True)
class _Slot:
    """A task's iteration-independent schedule data."""

    deps: tuple
    stream: int
    launch_us: float
    exec_us: float
    feed_us: float          # PCIe copy of a fed graph input, paid in a loop's first iteration
    sunk: bool              # a sunk GetNext (DATA_STREAM)
    fed_batch: bool         # a GetNext left in line (no data sinking): its batch comes over PCIe per step
    fields: dict            # TaskRecord fields that do not change between iterations


def _nbytes(descs) -> float:
    total = 0.0
    for d in descs:
        try:
            total += d.nbytes()
        except CostError:       # strings, resource handles: no fixed size
            pass
    return total


def _plan(program, hw: HardwareSpec, run: pol.RunOptions, policy: pol.SchedulePolicy) -> list[_Slot]:
    slots: list[_Slot] = []
    next_id: dict[int, int] = {}
    for i, task in enumerate(program.tasks):
        if task.unit not in UNITS:
            raise ScheduleError(f"task {i} ({task.name!r}, {task.op_type}): unit {task.unit!r} is not one of "
                                f"{', '.join(UNITS)}")
        bad = [d for d in task.deps if isinstance(d, bool) or not isinstance(d, int) or not 0 <= d < i]
        if bad:
            raise ScheduleError(f"task {i} ({task.name!r}, {task.op_type}): deps {bad} are not indices of earlier "
                                f"tasks (0..{i - 1})")
        stream = pol.stream_of(task.unit, task.op_type, run, policy)
        task_id = next_id.get(stream, 0)
        next_id[stream] = task_id + 1
        on_host = task.unit == "host"
        launch = 0.0 if on_host else task_launch_us(LAUNCH_CLASS[task.unit], hw)
        exec_us = 0.0 if on_host else task.cost.duration_us(hw)
        inst = task.instance
        feed = (host_to_device_us(_nbytes(inst.outputs), hw)
                if on_host and task.op_type in pol.FED_INPUT_TYPES else 0.0)
        fields = dict(
            name=task.name, op_type=task.op_type, task_type=TASK_TYPES[task.unit], unit=task.unit,
            stream_id=stream, task_id=task_id, block_dim=task.cost.block_dim, launch_us=launch,
            aicore_time_us=0.0 if on_host else hw.cycles_to_us(task.cost.cycles), cost=task.cost,
            bound=task.cost.bound,
            input_shapes=tuple(d.shape for d in inst.inputs), input_dtypes=tuple(d.dtype for d in inst.inputs),
            input_formats=tuple(d.format for d in inst.inputs),
            output_shapes=tuple(d.shape for d in inst.outputs), output_dtypes=tuple(d.dtype for d in inst.outputs),
            output_formats=tuple(d.format for d in inst.outputs),
            origin=tuple(task.origin), fused_from=tuple(task.fused_from), phase=task.phase, index=i)
        sunk = stream == pol.DATA_STREAM
        fed_batch = task.op_type in pol.SUNK_INPUT_TYPES and not sunk
        slots.append(_Slot(tuple(task.deps), stream, launch, exec_us, feed, sunk, fed_batch, fields))
    return slots


def _check_int(name: str, value, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ScheduleError(f"{name} must be an int >= {minimum}, got {value!r}")


def simulate(program, hw, iterations: int = 1, *, batch: int | None = None, batch_source: str = "",
             start_us: float = 0.0, first_iteration: int = 0,
             policy: pol.SchedulePolicy | None = None) -> Profile:
    """Run ``iterations`` host loops of ``program`` on ``hw`` (a HardwareSpec or a preset name / path).

    Each loop runs ``program.options.iterations_per_loop`` device iterations (default 1). ``start_us`` and
    ``first_iteration`` continue an earlier run's timeline (see ``Profile.extended``); ``batch`` is recorded
    for throughput. Raises ScheduleError for a malformed program or argument.
    """
    spec = hw if isinstance(hw, HardwareSpec) else load(hw)
    _check_int("iterations", iterations, 1)
    _check_int("first_iteration", first_iteration, 0)
    policy = (pol.SchedulePolicy() if policy is None else policy).resolved(spec)
    try:
        run = pol.run_options(program.options)
    except ValueError as exc:
        raise ScheduleError(str(exc)) from None
    slots = _plan(program, spec, run, policy)
    warnings = list(program.warnings)
    fp_index, warn_fp = resolve_point(program.tasks, program.fp_point, "fp_point")
    bp_index, warn_bp = resolve_point(program.tasks, program.bp_point, "bp_point")
    warnings += [w for w in (warn_fp, warn_bp) if w]
    batch_us = host_to_device_us(sum(_nbytes(t.instance.outputs) for t, s in zip(program.tasks, slots)
                                     if s.sunk or s.fed_batch), spec)

    records: list[TaskRecord] = []
    steps = []
    stream_end: dict[int, float] = {}        # end of the last task issued on each stream
    prev_end = float(start_us)
    n = run.iterations_per_loop
    for loop in range(iterations):
        loop_start = prev_end + policy.host_loop_us
        for k in range(n):
            j = loop * n + k
            iteration = first_iteration + j
            barrier = loop_start if k == 0 else prev_end
            arrival = start_us + j * batch_us
            host_free = loop_start
            ends = [0.0] * len(slots)
            mine = []
            for i, s in enumerate(slots):
                ready = max((ends[d] for d in s.deps), default=0.0)
                if s.stream == pol.HOST_STREAM:
                    duration = s.feed_us if k == 0 else 0.0
                    start = max(ready, loop_start)
                    if duration:
                        start = max(start, host_free)
                        host_free = start + duration
                    wait = 0.0
                else:
                    if s.sunk:
                        floor = max(loop_start, arrival)
                    elif s.fed_batch:      # not sunk: the batch crosses PCIe within the step
                        floor = barrier + batch_us
                    else:
                        floor = barrier
                    free = stream_end.get(s.stream)
                    start = max(ready, floor, free if free is not None else floor)
                    duration = s.launch_us + s.exec_us
                    wait = start - free if free is not None else 0.0
                    stream_end[s.stream] = start + duration
                ends[i] = start + duration
                mine.append(TaskRecord(iteration_id=iteration, start_us=start, duration_us=duration, wait_us=wait,
                                       **s.fields))
            step = step_record(mine, iteration_id=iteration, loop_id=loop, start_us=barrier, prev_end_us=prev_end,
                               host_us=policy.host_loop_us if k == 0 else 0.0, fp_index=fp_index,
                               bp_index=bp_index)
            records.extend(mine)
            steps.append(step)
            prev_end = step.end_us
    logger.debug("simulated %d tasks x %d iterations on %s: %.1f us", len(slots), len(steps), spec.name,
                 prev_end - start_us)
    return Profile(
        tasks=tuple(records), steps=tuple(steps), hw_name=spec.name, ai_core_count=spec.chip.ai_core_count,
        ai_core_clock_mhz=spec.chip.ai_core_clock_mhz, options=program.options, iterations_per_loop=n,
        batch=batch, batch_source=batch_source, unknown_ops=tuple(program.unknown_ops),
        host_nodes=tuple(program.host_nodes), warnings=tuple(warnings),
        memory_peak_bytes=int(program.memory_peak_bytes or 0), policy=policy)
