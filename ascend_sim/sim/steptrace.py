"""Step trace: FP start, BP end and iteration end of one iteration, from its task records.

The FP and BP points are tasks: ``Program.fp_point`` / ``Program.bp_point`` when the lowering (or the user's
profiling options) named one, given as a task index or a name (a task's own name or one of its TF origin
nodes); otherwise, as GE's auto-detection does in spirit, the first forward task and the last backward task
by phase. FP start is the FP point task's start, BP end the BP point task's end (reference §4.4).
"""
from __future__ import annotations

from ascend_sim.sim.policy import SUNK_INPUT_TYPES
from ascend_sim.sim.records import StepRecord

FP, BP, DATA = "FP", "BP", "DATA"


def resolve_point(tasks, point, what: str) -> tuple[int | None, str | None]:
    """(task index, warning) for an fp/bp point given as an index, a task name or a TF origin node name."""
    if point is None or point == "":
        return None, None
    if isinstance(point, int) and not isinstance(point, bool):
        if 0 <= point < len(tasks):
            return point, None
        return None, f"{what} {point} is not a task index (0..{len(tasks) - 1}); using the {what} by phase"
    name = str(point)
    for i, t in enumerate(tasks):
        if t.name == name:
            return i, None
    for i, t in enumerate(tasks):
        if name in t.origin:
            return i, None
    return None, f"{what} {name!r} names no task or TF node of the program; using the {what} by phase"


def step_record(records, *, iteration_id: int, loop_id: int, start_us: float, prev_end_us: float,
                host_us: float, fp_index: int | None, bp_index: int | None) -> StepRecord:
    """The StepRecord of one iteration; ``records`` are its TaskRecords in program order."""
    device = [r for r in records if r.on_device]
    end = max((r.end_us for r in records), default=start_us)
    end = max(end, start_us)
    if fp_index is not None:
        fp_start = records[fp_index].start_us
    else:
        fp_tasks = [r for r in device if r.phase == FP] or \
                   [r for r in device if r.phase != DATA and r.op_type not in SUNK_INPUT_TYPES]
        fp_start = min((r.start_us for r in fp_tasks), default=start_us)
    if bp_index is not None:
        bp_end = records[bp_index].end_us
    else:
        bp_tasks = [r for r in device if r.phase == BP] or [r for r in device if r.phase == FP]
        bp_end = max((r.end_us for r in bp_tasks), default=fp_start)
    reduce = tuple((r.start_us, r.duration_us) for r in device
                   if r.task_type == "HCCL" and "allreduce" in r.op_type.lower())
    getnext = [r for r in device if r.op_type in SUNK_INPUT_TYPES]
    return StepRecord(
        iteration_id=iteration_id, loop_id=loop_id, start_us=start_us, fp_start_us=fp_start, bp_end_us=bp_end,
        end_us=end, iteration_time_us=end - prev_end_us, fp_bp_time_us=bp_end - fp_start,
        grad_refresh_bound_us=end - bp_end,
        data_aug_bound_us=None if iteration_id == 0 else fp_start - prev_end_us,
        host_us=host_us, reduce=reduce,
        getnext_start_us=min((r.start_us for r in getnext), default=None),
        getnext_end_us=max((r.end_us for r in getnext), default=None),
    )
