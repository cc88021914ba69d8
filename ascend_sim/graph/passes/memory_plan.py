"""Pass ``memory_plan``: peak device memory (HBM) of one step, with buffers reused by liveness.

Variables (and their optimizer slots) and constants the device reads are resident for the whole run
(``variable_placement="Host"`` keeps variables in host memory). Every other buffer lives from the task
that writes it to the last task that reads it: a graph input from the start, a fetched tensor to the end.
Views (Identity, Reshape, ReadVariableOp, ...) and control flow alias their input's buffer; fused
intermediates stay in the Unified Buffer and take none. Sizes are the padded storage of each tensor's
device format, rounded up to GE's ``MEM_ALIGN_BYTES``. The peak is resident + the most bytes live at once
over the task order; a peak over the chip's HBM (``chip.hbm_bytes``, 32 GB on the 910) is a warning, as
the real compiler would fail to allocate the graph.
"""
from __future__ import annotations

from ascend_sim.graph.context import Context
from ascend_sim.graph.ir import Graph
from ascend_sim.ops.cost.record import CostError
from ascend_sim.ops.desc import DescError
from ascend_sim.ops.registry import REGISTRY

MEM_ALIGN_BYTES = 512          # GE's graph memory alignment (memory assigner block alignment)
RESIDENT = ("VarHandleOp", "VariableV2", "Variable", "Const")
VARIABLES = ("VarHandleOp", "VariableV2", "Variable")
GIB = 1 << 30


def _aligned(nbytes: float) -> int:
    return -(-int(nbytes) // MEM_ALIGN_BYTES) * MEM_ALIGN_BYTES


def _alias(node) -> bool:
    spec = REGISTRY.get(node.op)
    return spec is not None and spec.unit == "host" and spec.kind in ("view", "control") and bool(node.inputs)


def plan(graph: Graph, ctx: Context) -> tuple[int, int]:
    """(resident bytes, peak bytes of the rest) over ``graph.topo_order()``."""
    order = graph.topo_order()
    pos = {n.name: i for i, n in enumerate(order)}
    buffer_of, size, start, end = {}, [], [], []
    resident = 0
    on_host = ctx.options.variable_placement == "Host"
    for node in order:
        for i, out in enumerate(node.outputs):
            if _alias(node):
                src = node.inputs[min(i, len(node.inputs) - 1)]
                if tuple(src) in buffer_of:
                    buffer_of[(node.name, i)] = buffer_of[tuple(src)]
                continue
            try:
                nbytes = _aligned(out.desc().storage_bytes(ctx.hw))
            except (CostError, DescError):
                continue                                  # strings, handles without a variable
            if node.op in RESIDENT:
                if not (on_host and node.op in VARIABLES):
                    resident += nbytes
                continue
            buffer_of[(node.name, i)] = len(size)
            size.append(nbytes)
            begin = 0 if not node.inputs and node.unit == "host" else pos[node.name]
            start.append(begin)
            end.append(begin)
    last = len(order) - 1
    for node in order:
        for edge in node.inputs:
            b = buffer_of.get(tuple(edge))
            if b is not None:
                end[b] = max(end[b], pos[node.name])
    for f in graph.fetches:
        b = buffer_of.get(f) if isinstance(f, tuple) else None
        if b is not None:
            end[b] = last
    delta = [0] * (len(order) + 2)
    for b, nbytes in enumerate(size):
        delta[start[b]] += nbytes
        delta[end[b] + 1] -= nbytes
    live = peak = 0
    for d in delta:
        live += d
        peak = max(peak, live)
    return resident, peak


def run(graph: Graph, ctx: Context) -> Graph:
    resident, transient = plan(graph, ctx)
    ctx.memory_peak_bytes = resident + transient
    hbm = ctx.hw.chip.hbm_bytes
    if ctx.memory_peak_bytes > hbm:
        ctx.warn(f"memory plan: peak device memory {ctx.memory_peak_bytes / GIB:.1f} GiB (resident "
                 f"{resident / GIB:.1f} GiB + activations {transient / GIB:.1f} GiB) exceeds the "
                 f"{hbm / GIB:.0f} GiB HBM of {ctx.hw.name}; the graph would not fit (reduce the batch size)")
    return graph
