"""Pass ``prune``: keep only what the fetches need (data and control predecessors, transitively)."""
from __future__ import annotations

from ascend_sim.graph.context import Context
from ascend_sim.graph.ir import Graph


def needed(graph: Graph) -> set:
    """Names of the nodes the fetches reach backwards through data and control edges."""
    keep, stack = set(), [n for n in graph.fetch_nodes() if n in graph]
    while stack:
        name = stack.pop()
        if name in keep:
            continue
        keep.add(name)
        node = graph[name]
        stack.extend(src for src, _ in node.inputs if src not in keep)
        stack.extend(src for src in node.control if src not in keep)
    return keep


def run(graph: Graph, ctx: Context) -> Graph:
    keep = needed(graph)
    for name in [n for n in graph.nodes if n not in keep]:
        graph.remove(name)
    return graph
