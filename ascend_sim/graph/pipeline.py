"""The lowering pipeline: named passes in the order they run (each ``run(graph, ctx) -> graph``).

1. ``prune``: keep what the fetches need.
2. ``collapse_composites``: each npu_bridge op built from TF ops becomes its one Ascend op.
3. ``fold_constants``: shape queries on static shapes and constant-only arithmetic become constants.
4. ``dynamic_shapes``: flag dims shape inference could not fix (costed as 1, one warning).
5. ``map_ops``: TF op types → Ascend op types (``tf_op_map``: renames, const→attr D variants, BN split,
   ReluV2, GetNext, deliberate host ops).
6. ``graph_fusion``: BiasAdd into its Conv2D / MatMul, BN moving averages into BNTrainingUpdate.
7. ``precision``: precision_mode dtypes, with Casts (cube inputs fp16 only).
8. ``formats``: NC1HWC0 / FRACTAL_Z / FRACTAL_NZ per tensor, with TransData.
9. ``placement``: AI Core / AI CPU / HCCL / host per op; unknown ops reported (strict: an error).
10. ``ub_fusion``: UB fusions and the conv+BNTrainingReduce fusion, costed with ``ops.fusion.fuse``.
11. ``memory_plan``: peak HBM with buffer reuse by liveness.
12. ``split_points``: task order, step phases, FP/BP split points.
"""
from __future__ import annotations

from ascend_sim.graph.passes import (
    collapse_composites, dynamic_shapes, fold_constants, formats, graph_fusion, map_ops, memory_plan, placement,
    precision, prune, split_points, ub_fusion,
)

PIPELINE = (
    ("prune", prune.run),
    ("collapse_composites", collapse_composites.run),
    ("fold_constants", fold_constants.run),
    ("dynamic_shapes", dynamic_shapes.run),
    ("map_ops", map_ops.run),
    ("graph_fusion", graph_fusion.run),
    ("precision", precision.run),
    ("formats", formats.run),
    ("placement", placement.run),
    ("ub_fusion", ub_fusion.run),
    ("memory_plan", memory_plan.run),
    ("split_points", split_points.run),
)
PASS_NAMES = tuple(name for name, _ in PIPELINE)


def run(graph, ctx, until: str | None = None, passes=PIPELINE):
    """Run the passes in order (up to and including ``until``) and return the graph."""
    if until is not None and until not in PASS_NAMES:
        raise ValueError(f"unknown pass {until!r}; passes: {', '.join(PASS_NAMES)}")
    for name, fn in passes:
        graph.invalidate()
        graph = fn(graph, ctx)
        if name == until:
            break
    return graph
