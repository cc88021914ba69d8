"""Fixed per-task costs: AI Core task launch and AI CPU latency plus per-element time."""
from __future__ import annotations

from ascend_sim.hw.spec import HardwareSpec
from ascend_sim.ops.cost.blocks import check_count
from ascend_sim.ops.cost.record import CostError

NS_PER_US = 1e3
UNITS = ("AI_CORE", "AI_CPU")


def task_launch_us(unit: str, hw: HardwareSpec) -> float:
    """Dispatch overhead of one task on ``unit`` (AI_CORE or AI_CPU), from the preset's [overheads]."""
    if unit == "AI_CORE":
        return hw.overheads.aicore_task_launch_us
    if unit == "AI_CPU":
        return hw.overheads.aicpu_task_latency_us
    raise CostError(f"no launch overhead for unit {unit!r}; units: {', '.join(UNITS)}")


def aicpu_us(elems: int, hw: HardwareSpec) -> float:
    """An AI CPU kernel over ``elems`` elements: fixed latency plus a per-element cost."""
    return hw.overheads.aicpu_task_latency_us + aicpu_compute_us(elems, hw)


def aicpu_compute_us(elems: float, hw: HardwareSpec) -> float:
    """The per-element part of an AI CPU kernel (its fixed latency is the task's launch overhead)."""
    check_count("elems", elems)
    return elems * hw.overheads.aicpu_ns_per_elem / NS_PER_US
