"""Pass ``placement``: the unit each op runs on (AI Core cube / vector, AI CPU, HCCL, DMA, host).

- Registered Ascend types run on their registry unit, except an AI Core op given a dtype its kernel lacks:
  GE places it on the AI CPU (``registry.unit_of``); these are listed in one warning.
- Ops the TF→Ascend map keeps on the host (checkpoints, summaries, py_func, tf.data, the input pipeline
  without data sinking) are host work: listed in ``host_nodes``.
- TensorFlow ops nothing maps to an Ascend type are listed in ``unknown_ops``. With ``mix_compile_mode``
  they stay on the host (the graph is cut into several device subgraphs around them); otherwise GE's AI
  CPU engine takes them (a conservative estimate: registry fallback cost). ``strict`` (ASCEND_SIM_STRICT)
  turns both an unknown op and an AI Core op with an unsupported dtype into a ``LoweringError`` naming the
  node and op type, as the real graph compiler fails.
"""
from __future__ import annotations

from ascend_sim.graph.context import Context, LoweringError, sample
from ascend_sim.graph.ir import Graph
from ascend_sim.graph.program import to_instance
from ascend_sim.ops.opspec import AICORE_UNITS
from ascend_sim.ops.registry import REGISTRY, unit_of, unsupported_dtype


def run(graph: Graph, ctx: Context) -> Graph:
    unknown, fallback = [], []
    for node in graph:
        tf_name = node.origin[0]
        if node.attrs.get("host_reason"):
            node.unit = "host"
            ctx.host_nodes.append(tf_name)
            continue
        spec = REGISTRY.get(node.op)
        if spec is None:
            if ctx.options.strict:
                raise LoweringError(f"node {tf_name!r}: TensorFlow op type {node.tf_op!r} has no Ascend op (not in "
                                    f"the TF→Ascend map nor the op registry); strict mode (ASCEND_SIM_STRICT) "
                                    f"stops, as the graph compiler would")
            ctx.unknown_ops.append((tf_name, node.tf_op))
            unknown.append(f"{tf_name} ({node.tf_op})")
            node.unit = "host" if ctx.options.mix_compile_mode else "aicpu"
            if node.unit == "host":
                ctx.host_nodes.append(tf_name)
            continue
        if spec.unit not in AICORE_UNITS:
            node.unit = spec.unit
            continue
        instance = ctx.instances[node.name] = to_instance(graph, node)
        node.unit = unit_of(node.op, instance)
        if node.unit not in AICORE_UNITS:
            dtype = unsupported_dtype(spec, instance)
            if ctx.options.strict:
                raise LoweringError(f"node {tf_name!r}: {node.op} (from TF {node.tf_op}) has no AI Core kernel "
                                    f"for {dtype}; it takes {', '.join(spec.dtypes)} (strict mode)")
            fallback.append(f"{tf_name} ({node.op}, {dtype})")
    if unknown:
        where = "the host (mix_compile_mode)" if ctx.options.mix_compile_mode else "the AI CPU (conservative estimate)"
        ctx.warn(f"{len(unknown)} ops have no Ascend op type and run on {where}: {sample(unknown)}")
    if fallback:
        ctx.warn(f"{len(fallback)} AI Core ops get a dtype their kernel lacks and fall back to the AI CPU: "
                 f"{sample(fallback)}")
    return graph
