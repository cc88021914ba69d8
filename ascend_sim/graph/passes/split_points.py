"""Pass ``split_points``: the final task order, each node's step phase, and the FP/BP split points.

Phases: ``DATA`` for the input pipeline (GetNext and dequeues on the AI CPU, the host iterator), ``BP`` for
nodes built under a ``gradients/`` name scope (TF 1.x graphs: ``gradients/``, ``gradients_1/``, Keras'
``training/<Optimizer>/gradients/``), ``OPT`` for optimizer updates and what runs after the gradients
without being one (weight updates, the global step), ``FP`` for the rest of the device work, ``OTHER`` for
host work outside the step (checkpoints, summaries). ``fp_point`` is the first forward task,
``bp_point`` the last gradient task, as the step trace's profiling options name them.
"""
from __future__ import annotations

import re

from ascend_sim.graph.context import Context
from ascend_sim.graph.ir import Graph
from ascend_sim.graph.program import is_task
from ascend_sim.ops.registry import REGISTRY

GRADIENT_SCOPE = re.compile(r"(^|/)gradients(_\d+)?/")
DATA_KINDS = ("dequeue",)
INPUT_PIPELINE = ("IteratorGetNext", "IteratorGetNextSync", "GetNext")


def _family(op_type: str) -> str:
    spec = REGISTRY.get(op_type)
    return spec.family if spec is not None else ""


def _phase(node, graph: Graph, phases: dict) -> str:
    spec = REGISTRY.get(node.op)
    if (spec is not None and spec.kind in DATA_KINDS) or node.tf_op in INPUT_PIPELINE:
        return "DATA"
    if any(GRADIENT_SCOPE.search(o) for o in node.origin):
        return "BP"
    if _family(node.op) == "optimizer" or any(_family(p.op_type) == "optimizer" for p in node.parts):
        return "OPT"
    preds = [src for src, _ in node.inputs] + list(node.control)
    if any(phases.get(src) in ("BP", "OPT") for src in preds):
        return "OPT"
    if node.unit == "host" and node.attrs.get("host_reason"):
        return "OTHER"
    return "FP"


def run(graph: Graph, ctx: Context) -> Graph:
    order = graph.topo_order()
    phases: dict = {}
    for node in order:
        node.phase = phases[node.name] = _phase(node, graph, phases)
    ctx.order = order
    tasks = [n for n in order if is_task(n) and n.unit != "host"]
    ctx.fp_point = next((n.name for n in tasks if n.phase == "FP"), None)
    ctx.bp_point = next((n.name for n in reversed(tasks) if n.phase == "BP"), None)
    return graph
