"""Pass ``dynamic_shapes``: flag the dims no shape inference could fix, as the real compiler does.

GE compiles an op whose shapes are not all known as a dynamic-shape op. The emulator costs static shapes,
so each unknown dim is taken as 1 (an unknown rank as a scalar), the node is marked
``attrs["dynamic_shape"]`` and one warning lists the nodes, telling the user to give ``feed_shapes`` or
``batch``. Resource handles keep their variable's shape.
"""
from __future__ import annotations

from ascend_sim.graph.context import Context, sample
from ascend_sim.graph.ir import Graph

UNKNOWN_DIM_AS = 1
# Scratch outputs whose shape TF leaves open and the lowering drops (BN reserve space): not flagged.
OPAQUE_OUTPUTS = {"FusedBatchNormV3": (5,), "FusedBatchNormGradV3": (3, 4)}


def _fixed(shape):
    if shape is None:
        return ()
    return tuple(UNKNOWN_DIM_AS if d is None or d < 0 else d for d in shape)


def run(graph: Graph, ctx: Context) -> Graph:
    read = {tuple(e) for n in graph for e in n.inputs} | {f for f in graph.fetches if isinstance(f, tuple)}
    flagged = []
    for node in graph:
        if node.attrs.get("folded_from"):         # a folded constant's value (and so its shape) is not computed
            node.outputs = [o if o.static else o.replace(shape=_fixed(o.shape)) for o in node.outputs]
            continue
        changed = False
        for i, out in enumerate(node.outputs):
            if out.dtype == "resource" and out.handle is not None:
                shape, dtype = out.handle
                if shape is None or any(d is None for d in shape):
                    node.outputs[i] = out.replace(handle=(_fixed(shape), dtype))
                    changed = True
                continue
            if not out.static:
                node.outputs[i] = out.replace(shape=_fixed(out.shape))
                changed = changed or ((node.name, i) in read and i not in OPAQUE_OUTPUTS.get(node.tf_op, ()))
        if changed:
            node.attrs["dynamic_shape"] = True
            flagged.append(node.name)
    if flagged:
        ctx.warn(f"dynamic shapes: {len(flagged)} nodes have dims no shape inference could fix, so GE would "
                 f"compile them as dynamic-shape ops; costed with each unknown dim = {UNKNOWN_DIM_AS} "
                 f"(give feed_shapes or batch): {sample(flagged)}")
    return graph
