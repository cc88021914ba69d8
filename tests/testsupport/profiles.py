"""Hand-built profiling records: TaskRecords / StepRecords / Profiles with chosen numbers, no scheduler.

``rec(name, op_type, start, exec_us=..., ...)`` makes one TaskRecord whose cost has the given pipe cycles
(``pipes={"mac": 800, "mte2": 400}``) or off-core time; ``duration_us`` = ``launch_us`` + the execution
time at the preset clock, ``aicore_time_us`` its AI Core part, ``bound`` the cost's. ``step(i, ...)`` makes
a StepRecord with msprof's arithmetic. ``profile(tasks, steps, ...)`` wraps them on Ascend910A.
"""
from __future__ import annotations

from ascend_sim import hw as hwlib
from ascend_sim.hw.spec import FrozenMap
from ascend_sim.ops.cost.record import PIPES, Cost
from ascend_sim.sim.records import Profile, StepRecord, TaskRecord

HW = hwlib.load("Ascend910A")
CLOCK_MHZ = HW.chip.ai_core_clock_mhz
UNITS = {"AI_CORE": "aicore_vector", "AI_CPU": "aicpu", "HCCL": "hccl", "HOST": "host"}


def cost(pipes=None, *, flops=0.0, bytes_hbm=0.0, block_dim=1, waves=1, offcore_us=0.0) -> Cost:
    return Cost(FrozenMap({p: float((pipes or {}).get(p, 0.0)) for p in PIPES}), float(flops), float(bytes_hbm),
                block_dim, waves, float(offcore_us))


def rec(name, op_type, start, *, task_type="AI_CORE", unit=None, pipes=None, offcore_us=0.0, launch_us=3.0,
        stream_id=0, task_id=0, iteration_id=0, wait_us=0.0, block_dim=1, waves=1, flops=0.0, bytes_hbm=0.0,
        phase="FP", index=0, fused_from=(), origin=None, shapes=((16, 16),), dtype="float16",
        fmt="ND") -> TaskRecord:
    c = cost(pipes, flops=flops, bytes_hbm=bytes_hbm, block_dim=block_dim, waves=waves, offcore_us=offcore_us)
    aicore = c.cycles / CLOCK_MHZ if task_type == "AI_CORE" else 0.0
    duration = launch_us + c.cycles / CLOCK_MHZ + offcore_us if task_type != "HOST" else 0.0
    return TaskRecord(
        name=name, op_type=op_type, task_type=task_type, unit=unit or UNITS.get(task_type, "aicore_vector"),
        stream_id=stream_id, task_id=task_id, iteration_id=iteration_id, start_us=float(start),
        duration_us=duration, wait_us=wait_us, block_dim=block_dim,
        launch_us=launch_us if task_type != "HOST" else 0.0, aicore_time_us=aicore, cost=c, bound=c.bound,
        input_shapes=tuple(shapes), input_dtypes=(dtype,) * len(shapes), input_formats=(fmt,) * len(shapes),
        output_shapes=tuple(shapes[:1]), output_dtypes=(dtype,), output_formats=(fmt,),
        origin=tuple(origin or (name,)), fused_from=tuple(fused_from), phase=phase, index=index)


def step(iteration_id, *, prev_end, fp_start, bp_end, end, host_us=0.0, loop_id=0, reduce=(),
         getnext=None) -> StepRecord:
    return StepRecord(
        iteration_id=iteration_id, loop_id=loop_id, start_us=prev_end + host_us, fp_start_us=fp_start,
        bp_end_us=bp_end, end_us=end, iteration_time_us=end - prev_end, fp_bp_time_us=bp_end - fp_start,
        grad_refresh_bound_us=end - bp_end, data_aug_bound_us=None if iteration_id == 0 else fp_start - prev_end,
        host_us=host_us, reduce=tuple(reduce), getnext_start_us=getnext[0] if getnext else None,
        getnext_end_us=getnext[1] if getnext else None)


def profile(tasks, steps=(), **kw) -> Profile:
    fields = dict(hw_name=HW.name, ai_core_count=HW.chip.ai_core_count, ai_core_clock_mhz=CLOCK_MHZ)
    fields.update(kw)
    return Profile(tasks=tuple(tasks), steps=tuple(steps), **fields)


def iterations(task_specs, n, *, gap_us=0.0, host_us=0.0, ipl=None):
    """``n`` back-to-back iterations of the same tasks; each spec is rec()'s keyword arguments with
    ``exec`` order implied (tasks run one after another on their stream, from the iteration start).
    Returns (tasks, steps)."""
    tasks, steps = [], []
    prev_end = 0.0
    for it in range(n):
        host = host_us if (ipl is None or it % ipl == 0) else 0.0
        t = prev_end + host + gap_us
        mine = []
        for i, spec in enumerate(task_specs):
            spec = dict(spec)
            r = rec(spec.pop("name"), spec.pop("op_type"), t, iteration_id=it, index=i, task_id=i, **spec)
            mine.append(r)
            t = r.end_us
        fp = [r for r in mine if r.phase == "FP"] or mine
        bp = [r for r in mine if r.phase == "BP"] or fp
        end = max(r.end_us for r in mine)
        steps.append(step(it, prev_end=prev_end, fp_start=min(r.start_us for r in fp),
                          bp_end=max(r.end_us for r in bp), end=end, host_us=host,
                          loop_id=it // (ipl or 1)))
        tasks += mine
        prev_end = end
    return tasks, steps
