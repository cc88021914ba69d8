"""The cost of one task fused from several ops (UB fusion, or a named fusion given with its parts).

The parts run one after another on the same cores inside one task, so their busy cycles add up pipe by
pipe. What fusion saves is the HBM round trip of the intermediates: each part's first output feeds the next
part from UB instead of being written and read back, so its bytes leave the producer's MTE3 and the
consumer's MTE2 (at the per-core DDR path rates, over each part's blocks) and twice over the HBM traffic;
the busier memory pipe stays at or above what HBM bandwidth allows for the traffic left. And the task is
launched once instead of once per part (the scheduler adds one launch overhead).
"""
from __future__ import annotations

from typing import Sequence

from ascend_sim.hw.spec import FrozenMap, HardwareSpec
from ascend_sim.ops.cost.record import PIPES, Cost, CostError
from ascend_sim.ops.desc import OpInstance
from ascend_sim.ops.families._common import floor_to_hbm


def fuse(parts: Sequence[tuple[OpInstance, Cost, bool]], hw: HardwareSpec) -> Cost:
    """One task from ``parts``: (part, its cost, whether it runs on the cube), in chain order.

    FLOPs are the cube parts' when there are any (a cube task's vector work shows as vec cycles), else
    the sum; block_dim and waves are the largest of the parts'.
    """
    if not parts:
        raise CostError("a fused task needs at least one part")
    rates = hw.core.rates
    pipes = {p: sum(c.cycles_by_pipe.get(p, 0.0) for _, c, _ in parts) for p in PIPES}
    bytes_hbm = sum(c.bytes_hbm for _, c, _ in parts)
    for (node, made, _), (_, used, _) in zip(parts, parts[1:]):
        if not node.outputs:
            continue
        kept = node.outputs[0].storage_bytes(hw)          # stays in UB for the next part
        pipes["mte3"] -= kept / made.block_dim / rates.ub_to_ddr_bytes_per_cycle
        pipes["mte2"] -= kept / used.block_dim / rates.ddr_bytes_per_cycle
        bytes_hbm -= 2 * kept
    pipes = {p: max(0.0, v) for p, v in pipes.items()}
    bytes_hbm = max(0.0, bytes_hbm)
    cube = [c for _, c, on_cube in parts if on_cube]
    costs = [c for _, c, _ in parts]
    reasons = [c.fallback_reason for c in costs if c.fallback]
    return Cost(FrozenMap(floor_to_hbm(pipes, bytes_hbm, hw)), sum(c.flops for c in (cube or costs)), bytes_hbm,
                max(c.block_dim for c in costs), max(c.waves for c in costs), sum(c.offcore_us for c in costs),
                bool(reasons), "; ".join(reasons), serial_cycles=sum(c.serial_cycles for c in costs))
