"""The lowered program: the contract between graph lowering and the scheduler.

``Task(index, name, op_type, unit, instance, cost, origin, fused_from, deps, phase)``: one Ascend op (or
fused group) on one unit. ``instance`` is the ``OpInstance`` the cost model read (a fused task's carries
its parts in ``attrs["fused_from"]``), ``cost`` what ``ascend_sim.ops.registry.cost`` gave for it,
``origin`` the TensorFlow node names it stands for, ``fused_from`` the Ascend op types of its parts (empty
when not fused), ``deps`` the indices of earlier tasks it waits for (data and control, seen through the
host-only nodes between them), ``phase`` one of PHASES.

``Program(tasks, memory_peak_bytes, host_nodes, unknown_ops, fp_point, bp_point, warnings, options,
hw_name)``: tasks in a valid topological order; ``host_nodes`` the TensorFlow nodes whose work stays on the
host; ``unknown_ops`` (TF node, TF op type) pairs nothing maps to an Ascend op; ``fp_point`` / ``bp_point``
the names of the first forward task and the last gradient task (the step trace's FP/BP split).

Nodes that do no device work (graph inputs, constants, variables, views, shape queries, control flow,
iterator bookkeeping) are not tasks.
"""
from __future__ import annotations

from dataclasses import dataclass

from ascend_sim.graph.ir import Graph, Node
from ascend_sim.hw.spec import HardwareSpec
from ascend_sim.ops.cost.record import Cost
from ascend_sim.ops.desc import FUSED_FROM, OpInstance
from ascend_sim.ops.families._common import add_work
from ascend_sim.ops.registry import REGISTRY
from ascend_sim.ops.registry import cost as op_cost
from ascend_sim.options import NpuOptions

PHASES = ("DATA", "FP", "BP", "OPT", "OTHER")
INTERNAL_ATTRS = ("value", "composite", "no_op", "inserted_by", "const_inputs", "folded_from", "host_reason",
                  "dynamic_shape", "spilled", "_ascend_op_type", "_ascend_composite", "_ascend_attrs",
                  "_ascend_num_outputs", "stand_in")
NO_TASK_DTYPES = ("resource", "variant")


@dataclass(frozen=True)
class Task:
    index: int
    name: str
    op_type: str
    unit: str
    instance: OpInstance
    cost: Cost
    origin: tuple
    fused_from: tuple
    deps: tuple
    phase: str


@dataclass(frozen=True)
class Program:
    tasks: tuple
    memory_peak_bytes: int
    host_nodes: tuple
    unknown_ops: tuple
    fp_point: str | None
    bp_point: str | None
    warnings: tuple
    options: NpuOptions
    hw_name: str


def _attrs(node: Node) -> dict:
    return {k: v for k, v in node.attrs.items() if k not in INTERNAL_ATTRS and not k.startswith("_")}


def to_instance(graph: Graph, node: Node) -> OpInstance:
    """The OpInstance of ``node`` (inputs in its current order; resource handles read as their variable)."""
    if node.parts:                                    # a fused node: its parts' instances, in chain order
        return OpInstance(node.op, tuple(graph.output(e).desc() for e in node.inputs),
                          tuple(o.desc() for o in node.outputs), {**_attrs(node), FUSED_FROM: tuple(node.parts)})
    return OpInstance(node.op, tuple(graph.output(e).desc() for e in node.inputs),
                      tuple(o.desc() for o in node.outputs), _attrs(node))


def is_task(node: Node) -> bool:
    """Does ``node`` run as a task (device work, or host work the step waits for)?"""
    if node.unit is None:
        return False
    if node.unit == "host":
        if not node.attrs.get("host_reason"):
            return node.op not in REGISTRY            # an unknown op kept on the host (mix_compile_mode)
        return not all(o.dtype in NO_TASK_DTYPES for o in node.outputs) or not node.outputs and bool(node.inputs)
    return True


def task_cost(graph: Graph, node: Node, instance: OpInstance, hw: HardwareSpec, strict: bool) -> Cost:
    cost = op_cost(node.op, instance, hw, strict=strict)
    spilled = node.attrs.get("spilled", 0)
    if spilled:                                       # a fused intermediate other tasks still read from HBM
        cost = add_work(cost, hw, write_bytes=spilled)
    return cost


def build(graph: Graph, ctx) -> Program:
    """Tasks from the lowered graph in ``ctx.order`` (the split_points pass computes it)."""
    order = ctx.order or graph.topo_order()
    index_of: dict[str, int] = {}
    frontier: dict[str, frozenset] = {}           # node → the tasks a reader of it waits for
    tasks = []
    for node in order:
        preds = [src for src, _ in node.inputs] + list(node.control)
        waits = set()
        for src in preds:
            if src in index_of:
                waits.add(index_of[src])
            else:
                waits |= frontier.get(src, frozenset())
        if not is_task(node):
            frontier[node.name] = frozenset(waits)
            continue
        instance = ctx.instances.get(node.name) or to_instance(graph, node)
        cost = task_cost(graph, node, instance, ctx.hw, ctx.options.strict)
        index = len(tasks)
        tasks.append(Task(index, node.name, node.op, node.unit, instance, cost, tuple(node.origin),
                          tuple(p.op_type for p in node.parts), tuple(sorted(waits)), node.phase or "OTHER"))
        index_of[node.name] = index
    return Program(tuple(tasks), int(ctx.memory_peak_bytes), tuple(dict.fromkeys(ctx.host_nodes)),
                   tuple(dict.fromkeys(ctx.unknown_ops)), ctx.fp_point, ctx.bp_point, tuple(ctx.warnings),
                   ctx.options, ctx.hw.name)
