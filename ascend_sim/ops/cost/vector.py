"""Vector unit costs: per-instruction cycles over repeats, element-wise ops and reductions split over cores."""
from __future__ import annotations

import math

from ascend_sim.hw.spec import HardwareSpec
from ascend_sim.ops.cost.blocks import ceil_div, check_count, split_blocks
from ascend_sim.ops.cost.dtypes import itemsize
from ascend_sim.ops.cost.movement import mte_cycles
from ascend_sim.ops.cost.record import Cost, CostError


def lanes(dtype: str, hw: HardwareSpec) -> int:
    """Elements per cycle (one repeat) for ``dtype``: the preset's lane table, else vector width / item size."""
    table = hw.core.vector.lanes_per_cycle
    if dtype in table:
        return table[dtype]
    return max(1, int(hw.core.vector.width_bytes_per_cycle // itemsize(dtype)))


def vector_cycles(elems: int, dtype: str, hw: HardwareSpec, instruction: str = "basic") -> float:
    """Cycles for one vector instruction over ``elems`` elements: repeats × that instruction's cycles per repeat."""
    check_count("elems", elems)
    per_repeat = hw.core.vector.cycles_per_repeat
    if instruction not in per_repeat:
        raise CostError(f"unknown vector instruction class {instruction!r}; known: {', '.join(per_repeat)}")
    return ceil_div(elems, lanes(dtype, hw)) * per_repeat[instruction]


def _core_split(elems: int, dtype: str, hw: HardwareSpec) -> tuple[int, int]:
    """(block_dim, elements on the busiest core): whole UB blocks (32-byte units) spread over the cores."""
    per_unit = max(1, int(hw.core.buffers.ub_align_bytes // itemsize(dtype)))
    block_dim, units = split_blocks(ceil_div(elems, per_unit), hw.chip.ai_core_count)
    return block_dim, min(elems, units * per_unit)


def elementwise_cost(elems: int, hw: HardwareSpec, *, dtype: str = "float16", instructions=("basic",),
                     n_inputs: int = 1, n_outputs: int = 1, out_dtype: str | None = None) -> Cost:
    """An element-wise vector op on ``elems`` output elements.

    Each core streams its share of every input in (MTE2), runs ``instructions`` (vector instruction classes,
    e.g. ("exp", "basic", "reciprocal") for a sigmoid) over it, and writes the outputs back (MTE3).
    """
    check_count("elems", elems)
    check_count("n_inputs", n_inputs)
    check_count("n_outputs", n_outputs)
    out_dtype = out_dtype or dtype
    block_dim, core_elems = _core_split(elems, dtype, hw)
    vec = sum(vector_cycles(core_elems, dtype, hw, instr) for instr in instructions)
    in_b, out_b = itemsize(dtype) * n_inputs, itemsize(out_dtype) * n_outputs
    mte2, mte3 = mte_cycles(core_elems * in_b, core_elems * out_b, elems * in_b, elems * out_b, hw)
    return Cost.of(vec=vec, mte2=mte2, mte3=mte3, flops=elems * len(instructions),
                   bytes_hbm=elems * (in_b + out_b), block_dim=block_dim)


def reduce_cost(in_elems: int, out_elems: int, hw: HardwareSpec, *, dtype: str = "float32",
                instructions=("reduce",)) -> Cost:
    """A reduction of ``in_elems`` inputs to ``out_elems`` outputs.

    Independent outputs are spread over the cores when there are enough of them; otherwise the input is
    split and every core's partial results are combined in a second, single-block pass.
    """
    check_count("in_elems", in_elems)
    check_count("out_elems", out_elems, 1)
    if out_elems > in_elems:
        raise CostError(f"a reduction cannot produce more outputs ({out_elems}) than inputs ({in_elems})")
    cores = hw.chip.ai_core_count
    size = itemsize(dtype)
    if out_elems >= cores:
        block_dim, core_out = split_blocks(out_elems, cores)
        core_in = min(in_elems, core_out * math.ceil(in_elems / out_elems))
        combine = 0.0
    else:
        block_dim, core_in = _core_split(in_elems, dtype, hw)
        core_out = out_elems
        combine = vector_cycles(block_dim * out_elems, dtype, hw, "reduce") if block_dim > 1 else 0.0
    vec = sum(vector_cycles(core_in, dtype, hw, instr) for instr in instructions) + combine
    mte2, mte3 = mte_cycles(core_in * size, core_out * size, in_elems * size, out_elems * size, hw)
    return Cost.of(vec=vec, mte2=mte2, mte3=mte3, flops=in_elems * len(instructions),
                   bytes_hbm=(in_elems + out_elems) * size, block_dim=block_dim)
