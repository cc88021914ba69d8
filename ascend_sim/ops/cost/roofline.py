"""The roofline lower bound: no schedule beats peak compute or HBM bandwidth."""
from __future__ import annotations

from ascend_sim.hw.spec import FLOPS_PER_MAC, HardwareSpec
from ascend_sim.ops.cost.movement import hbm_bytes_per_cycle
from ascend_sim.ops.cost.record import CostError
from ascend_sim.ops.cost.vector import lanes

UNITS = ("cube", "vector")


def peak_ops_per_cycle(hw: HardwareSpec, unit: str = "cube", dtype: str = "float16") -> float:
    """Chip-wide operations per cycle: cube FLOPs (2 per MAC) or vector element operations."""
    cores = hw.chip.ai_core_count
    if unit == "cube":
        try:
            return cores * hw.cube_macs_per_cycle(dtype) * FLOPS_PER_MAC
        except ValueError as exc:
            raise CostError(str(exc)) from None
    if unit == "vector":
        fastest = min(hw.core.vector.cycles_per_repeat.values())
        return cores * lanes(dtype, hw) / fastest
    raise CostError(f"unknown unit {unit!r}; units: {', '.join(UNITS)}")


def roofline_cycles(flops: float, bytes_hbm: float, hw: HardwareSpec, *, unit: str = "cube",
                    dtype: str = "float16") -> float:
    """max(compute time at peak, HBM time at full bandwidth), in cycles."""
    return max(flops / peak_ops_per_cycle(hw, unit, dtype), bytes_hbm / hbm_bytes_per_cycle(hw))


def ridge_intensity(hw: HardwareSpec, *, unit: str = "cube", dtype: str = "float16") -> float:
    """FLOPs per HBM byte above which work on ``unit`` is compute-bound."""
    return peak_ops_per_cycle(hw, unit, dtype) / hbm_bytes_per_cycle(hw)
