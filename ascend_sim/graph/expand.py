"""Rewrites of TensorFlow ops that GE splits or retypes by context (named in ``tf_op_map.EXPANDS``).

- ``batch_norm``: FusedBatchNorm(V2/V3) in training → BNTrainingReduce (Σx, Σx² per channel, fp32) +
  BNTrainingUpdate (normalise, and the moving averages folded in), FusedBatchnormFusionPass; in inference →
  BNInfer (reference ascend910.md §3.2).
- ``batch_norm_grad``: FusedBatchNormGrad(V2/V3) in training → BNTrainingUpdateGrad (Σdy, Σdy·x̂ per
  channel) + BNTrainingReduceGrad (dx), FusedBatchNormGradFusionPass; in inference → BNInferGrad for dx plus
  BNTrainingUpdateGrad for the scale/offset gradients.
- ``relu``: a Relu whose output feeds ReluGrad becomes ReluV2 (output and a bit mask) and those ReluGrads
  become ReluGradV2 reading the mask, as in ResNet training graphs (§3.2 Activations).
- ``get_next``: IteratorGetNext is GetNext on the AI CPU with data sinking (``enable_data_pre_proc``);
  without it the input pipeline stays on the host.

Each expander receives the graph, the node and the pass context, and leaves the replacement nodes mapped.
"""
from __future__ import annotations

import math

from ascend_sim.graph.ir import Graph, Node, TensorInfo

STATS_DTYPE = "float32"       # BN per-channel statistics stay fp32 whatever x is
MASK_DTYPE = "uint8"
MASK_BITS = 8                 # ReluV2 keeps one bit per element
BN_ATTRS = ("epsilon", "data_format", "exponential_avg_factor", "is_training")


def _channel_vector(graph: Graph, edge, count: int = 1) -> list:
    c = graph.output(edge).shape
    return [TensorInfo(tuple(c), STATS_DTYPE) for _ in range(count)]


def _new(graph: Graph, like: Node, suffix: str, op: str, inputs, outputs, offset: float) -> Node:
    attrs = {k: like.attrs[k] for k in BN_ATTRS if k in like.attrs}
    return Node(f"{like.name}/{suffix}", op, list(inputs), list(outputs), attrs, list(like.control),
                origin=like.origin, tf_op=like.tf_op, seq=like.seq + offset, mapped=True)


def _replace(graph: Graph, node: Node, new_nodes, mapping: dict) -> None:
    graph.remove(node.name)
    for n in new_nodes:
        graph.add(n)
    graph.rewire(mapping)
    graph.retarget_control({node.name: [n.name for n in new_nodes]})


def _is_training(node: Node) -> bool:
    return bool(node.attrs.get("is_training", True))


def batch_norm(graph: Graph, node: Node, ctx) -> None:
    x, scale, offset, mean, var = node.inputs[:5]
    if not _is_training(node):
        node.op, node.inputs = "BNInfer", [x, scale, offset, mean, var]
        return
    reduce = _new(graph, node, "BNTrainingReduce", "BNTrainingReduce", [x], _channel_vector(graph, scale, 2), 0.0)
    update = _new(graph, node, "BNTrainingUpdate", "BNTrainingUpdate",
                  [x, (reduce.name, 0), (reduce.name, 1), scale, offset, mean, var],
                  [node.outputs[0]] + _channel_vector(graph, scale, 4), 0.001)
    # TF outputs: y, batch_mean, batch_variance, reserve_space_1 (= mean), _2 (= variance), _3
    where = {0: 0, 1: 3, 2: 4, 3: 3, 4: 4, 5: 3}
    _replace(graph, node, (reduce, update),
             {(node.name, i): (update.name, where[i]) for i in range(len(node.outputs)) if i in where})


def batch_norm_grad(graph: Graph, node: Node, ctx) -> None:
    dy, x, scale, saved_mean, saved_var = node.inputs[:5]
    update = _new(graph, node, "BNTrainingUpdateGrad", "BNTrainingUpdateGrad", [dy, x, saved_mean, saved_var],
                  _channel_vector(graph, scale, 2), 0.0)
    if _is_training(node):
        dx = _new(graph, node, "BNTrainingReduceGrad", "BNTrainingReduceGrad",
                  [dy, x, (update.name, 0), (update.name, 1), scale, saved_mean, saved_var], [node.outputs[0]], 0.001)
    else:
        dx = _new(graph, node, "BNInferGrad", "BNInferGrad", [dy, scale, saved_var], [node.outputs[0]], 0.001)
    # TF outputs: x_backprop, scale_backprop, offset_backprop, reserve_space_4, _5
    where = {0: (dx.name, 0), 1: (update.name, 0), 2: (update.name, 1), 3: (update.name, 0), 4: (update.name, 1)}
    _replace(graph, node, (update, dx), {(node.name, i): where[i] for i in range(len(node.outputs)) if i in where})


def relu(graph: Graph, node: Node, ctx) -> None:
    grads = [n for n in graph if n.tf_op == "ReluGrad" and len(n.inputs) > 1 and n.inputs[1] == (node.name, 0)]
    if not grads:
        node.op = "Relu"
        return
    y = node.outputs[0]
    shape = tuple(y.shape)
    mask_shape = shape[:-1] + (math.ceil(shape[-1] / MASK_BITS),) if shape else ()
    node.op = "ReluV2"
    node.outputs = [y, TensorInfo(mask_shape, MASK_DTYPE)]
    for grad in grads:
        grad.op, grad.mapped = "ReluGradV2", True
        grad.inputs = [grad.inputs[0], (node.name, 1)]


def get_next(graph: Graph, node: Node, ctx) -> None:
    if ctx.options.enable_data_pre_proc:
        node.op = "GetNext"
    else:
        node.attrs["host_reason"] = ("without data sinking (enable_data_pre_proc=False) the input pipeline "
                                     "runs on the host and feeds the device")


EXPANDERS = {"batch_norm": batch_norm, "batch_norm_grad": batch_norm_grad, "relu": relu, "get_next": get_next}
