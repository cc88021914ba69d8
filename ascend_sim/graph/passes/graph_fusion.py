"""Pass ``graph_fusion``: GE's graph fusion passes that remove whole ops before precision and formats.

- ``bias_add``: a BiasAdd whose input is a Conv2D / MatMulV2 / BatchMatMulV2 read by nothing else becomes
  that op's bias input (CANNDEV ``conv_biasadd_fusion_pass``, ``matmul_biasadd_fusion_pass``): the bias is
  added in the cube op's vector epilogue.
- ``bn_moving_average``: the moving-average update TensorFlow builds after a training batch norm
  (``AssignSub(var, (var - batch_stat) * momentum)``, possibly through reads and identities) is folded into
  the BNTrainingUpdate that produces the statistic (FusedBatchnormFusionPass: "the moving-average
  Mul/AssignSub subgraph is folded into BNTrainingUpdate", reference ascend910.md §3.2). Fetches and
  control edges of the removed update point at the BNTrainingUpdate.
"""
from __future__ import annotations

from ascend_sim.graph.context import Context
from ascend_sim.graph.ir import Graph
from ascend_sim.graph.passes import prune
from ascend_sim.ops.registry import REGISTRY

BIAS_HOSTS = ("Conv2D", "MatMulV2", "BatchMatMulV2")
MOVING_AVERAGE_UPDATES = ("AssignSub",)
STAT_OUTPUTS = (1, 2, 3, 4)           # BNTrainingUpdate: mean, variance, batch_mean, batch_variance
MAX_VIEWS = 4


def _through_views(graph: Graph, edge):
    for _ in range(MAX_VIEWS):
        node = graph[edge[0]]
        spec = REGISTRY.get(node.op)
        if spec is None or spec.kind != "view" or not node.inputs:
            return edge
        edge = tuple(node.inputs[0])
    return edge


def _fold_bias(graph: Graph, readers: dict) -> None:
    fetched = set(graph.fetch_nodes())
    for node in graph:
        if node.op != "BiasAdd" or node.name not in graph or len(node.inputs) != 2:
            continue
        src, index = node.inputs[0]
        host = graph[src]
        if host.op not in BIAS_HOSTS or index != 0 or len(readers.get(src, [])) != 1 or src in fetched \
                or len(host.inputs) != 2 or node.control:
            continue
        host.inputs.append(tuple(node.inputs[1]))
        host.outputs[0] = node.outputs[0]
        host.origin = tuple(dict.fromkeys(host.origin + node.origin))
        host.attrs["fused_bias_add"] = node.name
        graph.remove(node.name)
        graph.rewire({(node.name, 0): (host.name, 0)})
        graph.retarget_control({node.name: [host.name]})


def _fold_moving_averages(graph: Graph, readers: dict) -> None:
    for node in graph:
        if node.op not in MOVING_AVERAGE_UPDATES or node.name not in graph or len(node.inputs) != 2:
            continue
        mul = graph[node.inputs[1][0]]
        if mul.op not in ("Mul", "Muls") or len(readers.get(mul.name, [])) != 1:
            continue
        sub = next((graph[s] for s, _ in mul.inputs if graph[s].op == "Sub"), None)
        if sub is None or len(readers.get(sub.name, [])) != 1:
            continue
        stats = [_through_views(graph, e) for e in sub.inputs]
        bn = next((graph[s] for s, i in stats if graph[s].op == "BNTrainingUpdate" and i in STAT_OUTPUTS), None)
        if bn is None:
            continue
        bn.attrs["moving_average_folded"] = bn.attrs.get("moving_average_folded", 0) + 1
        bn.origin = tuple(dict.fromkeys(bn.origin + node.origin))
        for name in (node.name, mul.name, sub.name):
            graph.remove(name)
        graph.retarget_control({node.name: [bn.name]})


def run(graph: Graph, ctx: Context) -> Graph:
    _fold_bias(graph, graph.consumers())
    _fold_moving_averages(graph, graph.consumers())
    return prune.run(graph, ctx)
