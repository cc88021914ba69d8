"""Pass ``fold_constants``: what static shapes and constants decide is folded to constants, as GE does.

GE's constant folding and dimension computation replace shape queries on static shapes (Shape, ShapeN,
Size, Rank, VariableShape) and every stateless op whose data inputs are all constants (the shape
arithmetic of gradients, BroadcastGradientArgs, Fill of constants, ...) with constants: no device task.
Ops with side effects or randomness, graph inputs, variables, control flow and shape queries on tensors
with unknown dims are never folded. Folded nodes become ``Const`` (``attrs["folded_from"]`` keeps the TF
type) and whatever only they needed is pruned.
"""
from __future__ import annotations

from ascend_sim.graph.context import Context
from ascend_sim.graph.ir import Graph
from ascend_sim.graph.passes import prune

SHAPE_QUERIES = ("Shape", "ShapeN", "Size", "Rank", "VariableShape")
NEVER_FOLD = ("Placeholder", "PlaceholderWithDefault", "PlaceholderV2", "VarHandleOp", "VariableV2", "Variable",
              "Switch", "RefSwitch", "Merge", "RefMerge", "Enter", "RefEnter", "Exit", "RefExit", "NextIteration",
              "RefNextIteration", "LoopCond", "NoOp", "ControlTrigger", "IteratorGetNext", "IteratorGetNextSync")
UNFOLDABLE_DTYPES = ("resource", "variant", "string")


def _foldable(graph: Graph, node, constant: set) -> bool:
    if node.mapped or node.stateful or node.tf_op in NEVER_FOLD or not node.outputs:
        return False
    if any(o.dtype in UNFOLDABLE_DTYPES for o in node.outputs):
        return False
    if node.tf_op in SHAPE_QUERIES:
        return all(graph.output(e).static if graph.output(e).handle is None else
                   all(isinstance(d, int) for d in graph.output(e).handle[0]) for e in node.inputs)
    return bool(node.inputs) and all(src in constant for src, _ in node.inputs)


def run(graph: Graph, ctx: Context) -> Graph:
    constant = {n.name for n in graph if n.op == "Const"}
    folded = 0
    for node in graph.topo_order():
        if node.name in constant or not _foldable(graph, node, constant):
            continue
        node.attrs = {"folded_from": node.tf_op, "dtype": node.outputs[0].dtype}
        node.op, node.inputs, node.control, node.mapped = "Const", [], [], True
        constant.add(node.name)
        folded += 1
    if folded:
        keep = prune.needed(graph)
        for name in [n for n in graph.nodes if n not in keep]:
            graph.remove(name)
    return graph
