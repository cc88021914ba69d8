"""Pass ``map_ops``: every TensorFlow op becomes its Ascend op type (``ascend_sim.graph.tf_op_map``).

Renames (MatMul → MatMulV2), const→attr D variants when the inputs the table names are constants (the
inputs become attributes: ``attrs["const_inputs"]`` names them), the context rewrites of
``ascend_sim.graph.expand`` (BN split, ReluV2, GetNext) and the deliberate host ops (``attrs["host_reason"]``).
A TF type with no row keeps its name: registered Ascend types are then mapped, anything else is left for
the placement pass to report, except string ops GE has no kernel for, which stay on the host.
Reductions, tiles, pads and reshapes that move no element (``tf_op_map.NO_OP_WHEN_SAME_SIZE``: the
gradient of an Add of equal shapes sums over no axis) become views, as GE removes them.
"""
from __future__ import annotations

import math

from ascend_sim.graph import expand
from ascend_sim.graph.context import Context
from ascend_sim.graph.ir import Graph
from ascend_sim.graph.tf_op_map import NO_OP_WHEN_SAME_SIZE, NPU_RENAMES, STRING_HOST_REASON, rule_for
from ascend_sim.ops.registry import REGISTRY


def _touches_strings(graph: Graph, node) -> bool:
    return any(o.dtype == "string" for o in node.outputs) or \
        any(graph.output(e).dtype == "string" for e in node.inputs)


def _no_op(graph: Graph, node) -> str | None:
    """Identity / Reshape for a reduction, tile or pad that leaves every element where it is."""
    if node.tf_op not in NO_OP_WHEN_SAME_SIZE or not node.inputs or len(node.outputs) != 1:
        return None
    x, y = graph.output(node.inputs[0]), node.outputs[0]
    if x.dtype != y.dtype or math.prod(x.shape) != math.prod(y.shape):
        return None
    return "Identity" if tuple(x.shape) == tuple(y.shape) else "Reshape"


def run(graph: Graph, ctx: Context) -> Graph:
    for node in graph:
        if node.mapped or node.name not in graph:
            continue
        rule = rule_for(node.tf_op)
        node.mapped = True
        view = _no_op(graph, node)
        if view is not None:
            node.op, node.inputs = view, node.inputs[:1]
            node.attrs["no_op"] = f"{node.tf_op} moves no element: a view"
        elif rule is None:
            node.op = NPU_RENAMES.get(node.tf_op, node.tf_op)
            if node.op not in REGISTRY and _touches_strings(graph, node):
                node.attrs["host_reason"] = STRING_HOST_REASON
        elif rule.host:
            node.attrs["host_reason"] = rule.host
        elif rule.expand:
            expand.EXPANDERS[rule.expand](graph, node, ctx)
        elif rule.d_variant and all(i < len(node.inputs) and graph[node.inputs[i][0]].op == "Const"
                                    for i in rule.const_inputs):
            node.attrs["const_inputs"] = tuple(node.inputs[i][0] for i in rule.const_inputs)
            node.inputs = [e for i, e in enumerate(node.inputs) if i not in rule.const_inputs]
            node.op = rule.d_variant
        else:
            node.op = rule.ascend
    return graph
