"""Pieces every op family shares: dtype/format lists, vector tasks, work added to a task, off-core costs."""
from __future__ import annotations

import dataclasses
import math

from ascend_sim.hw.spec import FrozenMap, HardwareSpec
from ascend_sim.ops.cost.blocks import ceil_div, split_blocks
from ascend_sim.ops.cost.dtypes import itemsize
from ascend_sim.ops.cost.launch import aicpu_compute_us
from ascend_sim.ops.cost.movement import hbm_bytes_per_cycle, mte_cycles, shared_hbm_cycles
from ascend_sim.ops.cost.record import Cost, CostError
from ascend_sim.ops.cost.vector import vector_cycles
from ascend_sim.ops.desc import OpInstance, TensorDesc

FLOAT = ("float16", "float32")
NUMERIC = ("float16", "float32", "int32")
INTEGER_TOO = ("float16", "float32", "int32", "int8", "uint8")
ALL_DTYPES = ("bool", "float16", "float32", "int8", "uint8", "int16", "int32", "int64", "float64", "bfloat16")
# Element-wise ops take any layout: the work is the same per (padded) element.
ANY_FORMAT = ("ND", "NHWC", "NCHW", "NC1HWC0", "NDC1HWC0", "FRACTAL_NZ", "FRACTAL_Z")
B = "basic"   # add, sub, mul, max, min, compare, select: one repeat per cycle (the preset's instruction classes)
BITS_PER_BYTE = 8


def storage_bytes(descs, hw: HardwareSpec) -> float:
    return float(sum(d.storage_bytes(hw) for d in descs))


def largest(descs) -> TensorDesc:
    """The tensor with the most elements (the one an op's work scales with)."""
    if not descs:
        raise CostError("the op has no tensors to size its work by")
    return max(descs, key=lambda d: d.elems)


def work_dtype(node: OpInstance, index: int = 0) -> str:
    """The dtype that sets the vector lane count: the wider of input ``index`` and output 0."""
    candidates = [d.dtype for d in (node.inputs[index:index + 1] + node.outputs[:1])]
    if not candidates:
        raise CostError(f"{node.op_type}: no tensors given")
    return max(candidates, key=itemsize)


def vector_task(hw: HardwareSpec, *, dtype: str, elems: int, read_bytes: float, write_bytes: float,
                instructions=(B,), units: int | None = None, flops: float | None = None) -> Cost:
    """A task on the vector unit: each of ``instructions`` runs over ``elems`` elements.

    The work is cut into ``units`` indivisible pieces (rows, channels...; default: 32-byte UB blocks of
    ``elems``) spread over ≤ ai_core_count cores; the busiest core does its share of the vector work and
    moves its share of the HBM traffic (MTE2 in, MTE3 out), capped chip-wide by HBM bandwidth.
    """
    elems = int(elems)
    if units is None:
        units = ceil_div(elems, max(1, int(hw.core.buffers.ub_align_bytes // itemsize(dtype))))
    units = max(1, int(units))
    block_dim, busiest = split_blocks(units, hw.chip.ai_core_count)
    share = min(1.0, busiest / units)
    core_elems = min(elems, math.ceil(elems * share))
    vec = sum(vector_cycles(core_elems, dtype, hw, instr) for instr in instructions)
    mte2, mte3 = mte_cycles(read_bytes * share, write_bytes * share, read_bytes, write_bytes, hw)
    return Cost.of(vec=vec, mte2=mte2, mte3=mte3, bytes_hbm=read_bytes + write_bytes, block_dim=block_dim,
                   flops=elems * len(instructions) if flops is None else flops)


def per_core_vector(elems: int, dtype: str, instructions, block_dim: int, hw: HardwareSpec) -> float:
    """Vector cycles of ``instructions`` over the busiest core's share of ``elems`` (split over block_dim)."""
    share = ceil_div(int(elems), max(1, block_dim))
    return sum(vector_cycles(share, dtype, hw, instr) for instr in instructions)


def floor_to_hbm(pipes: dict, bytes_hbm: float, hw: HardwareSpec) -> dict:
    """Keep the busier memory pipe at or above what HBM bandwidth allows for ``bytes_hbm`` in all."""
    key = "mte2" if pipes["mte2"] >= pipes["mte3"] else "mte3"
    pipes[key] = max(pipes[key], bytes_hbm / hbm_bytes_per_cycle(hw))
    return pipes


def add_work(cost: Cost, hw: HardwareSpec, *, read_bytes: float = 0.0, write_bytes: float = 0.0,
             vec: float = 0.0) -> Cost:
    """``cost`` plus work fused into the same task: vector cycles on the busiest core, and extra HBM
    traffic spread over the task's blocks at the per-core DDR path rates. FLOPs stay those of the main
    unit (a cube op's epilogue shows as vec cycles)."""
    rates, blocks = hw.core.rates, cost.block_dim
    pipes = dict(cost.cycles_by_pipe)
    pipes["vec"] += vec
    pipes["mte2"] += read_bytes / blocks / rates.ddr_bytes_per_cycle
    pipes["mte3"] += write_bytes / blocks / rates.ub_to_ddr_bytes_per_cycle
    total = cost.bytes_hbm + read_bytes + write_bytes
    return dataclasses.replace(cost, cycles_by_pipe=FrozenMap(floor_to_hbm(pipes, total, hw)), bytes_hbm=total)


def elements_touched(node: OpInstance) -> int:
    return sum(d.elems for d in node.inputs + node.outputs)


def known_bytes(descs) -> float:
    """Origin bytes of the tensors that have a fixed element size (strings, handles count zero)."""
    total = 0.0
    for d in descs:
        try:
            total += d.nbytes()
        except CostError:
            pass
    return total


def aicpu_cost(node: OpInstance, hw: HardwareSpec, work_elems: int | None = None) -> Cost:
    """An AI CPU kernel: the preset's per-element time over ``work_elems`` (default: every input and output
    element). Its fixed latency is the task's launch overhead, which the scheduler adds."""
    work = elements_touched(node) if work_elems is None else int(work_elems)
    return Cost.of(flops=0, bytes_hbm=known_bytes(node.inputs + node.outputs), block_dim=1,
                   offcore_us=aicpu_compute_us(work, hw))


def copy_us(read_bytes: float, write_bytes: float, hw: HardwareSpec) -> float:
    """A device-memory copy by a DMA engine at full HBM bandwidth (reads and writes share it)."""
    return hw.cycles_to_us(max(shared_hbm_cycles(read_bytes, write_bytes, hw)))


def no_work(node: OpInstance, hw: HardwareSpec) -> Cost:
    """Nothing runs on the device (GE folds or views it, or the host does it)."""
    return Cost.of(flops=0, bytes_hbm=0, block_dim=1)
