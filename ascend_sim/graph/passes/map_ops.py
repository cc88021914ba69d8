"""Pass ``map_ops``: every TensorFlow op becomes its Ascend op type (``ascend_sim.graph.tf_op_map``).

Renames (MatMul → MatMulV2), const→attr D variants when the inputs the table names are constants (the
inputs become attributes: ``attrs["const_inputs"]`` names them), the context rewrites of
``ascend_sim.graph.expand`` (BN split, ReluV2, GetNext) and the deliberate host ops (``attrs["host_reason"]``).
A TF type with no row keeps its name: registered Ascend types are then mapped, anything else is left for
the placement pass to report.
"""
from __future__ import annotations

from ascend_sim.graph import expand
from ascend_sim.graph.context import Context
from ascend_sim.graph.ir import Graph
from ascend_sim.graph.tf_op_map import NPU_RENAMES, rule_for


def run(graph: Graph, ctx: Context) -> Graph:
    for node in graph:
        if node.mapped or node.name not in graph:
            continue
        rule = rule_for(node.tf_op)
        node.mapped = True
        if rule is None:
            node.op = NPU_RENAMES.get(node.tf_op, node.tf_op)
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
