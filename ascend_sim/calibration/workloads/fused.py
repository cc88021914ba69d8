"""Ascend ops inside a TensorFlow graph, marked the way npu_bridge marks its custom ops (without importing it).

A training graph that runs on the 910 does not keep every TensorFlow op as written: the migration tool
turns ``tf.nn.dropout`` into ``npu_ops.dropout`` (DropOutGenMask + DropOutDoMask), and GE's fusion passes
turn the composed tanh-GeLU and layer norm into ``Gelu`` and ``LayerNorm`` (GeluFusionPass,
LayerNormFusionPass; reference ascend910.md §3). The emulator's lowering does not run those passes, so the
builders mark these ops directly: the op's TensorFlow body is stamped ``_ascend_composite = <instance>`` and
its outputs pass through an ``IdentityN`` carrying ``_ascend_op_type``, ``_ascend_attrs`` and
``_ascend_num_outputs``, followed by the op's real inputs (the attribute contract of
``ascend_sim.graph.passes.collapse_composites``). The gradient of each op is its Ascend gradient op
(DropOutDoMask, GeluGrad, LayerNormGrad), marked the same way.
"""
from __future__ import annotations

import itertools
import json
import math

_counter = itertools.count()
_GRADS: dict = {}


def _mark(tf, op_type: str, body, inputs: list, attrs: dict | None = None, grad=None, name=None):
    """Build ``body(*inputs)`` (a list of output tensors) as one ``op_type`` op; ``grad(op, *dys)`` → input grads."""
    from tensorflow.core.framework import attr_value_pb2

    graph = tf.get_default_graph()
    # read variables (and convert other values) outside the op's scope: a ReadVariableOp inside it would be an
    # inner node of the composite that the gradient (outside) reads, and the lowering would substitute the op's
    # first output for it
    inputs = [tf.convert_to_tensor(value) for value in inputs]
    with tf.name_scope(name or op_type) as scope:
        instance = scope.rstrip("/")
        stamp = {"_ascend_composite": attr_value_pb2.AttrValue(s=instance.encode())}
        with graph._attr_scope(stamp):  # noqa: SLF001 - the documented npu_bridge marking
            outputs = body(*inputs)
            overrides = {}
            if grad is not None:
                key = f"AscendSimCalibration_{op_type}"
                if key not in _GRADS:
                    tf.RegisterGradient(key)(grad)
                    _GRADS[key] = grad
                overrides = {"IdentityN": key}
            with graph.gradient_override_map(overrides):
                marked = tf.identity_n(outputs + list(inputs), name=scope)     # named like the op, as npu_bridge does
        head = marked[0].op
        head._set_attr("_ascend_op_type", attr_value_pb2.AttrValue(s=op_type.encode()))  # noqa: SLF001
        head._set_attr("_ascend_attrs", attr_value_pb2.AttrValue(  # noqa: SLF001
            s=json.dumps(attrs or {}, sort_keys=True).encode()))
        head._set_attr("_ascend_num_outputs", attr_value_pb2.AttrValue(i=len(outputs)))  # noqa: SLF001
    return marked[:len(outputs)]


# ---- dropout: DropOutGenMask (one bit per element, 16-byte aligned per 128 elements) + DropOutDoMask ----------
def _mask_bytes(n: int) -> int:
    return (n + 127) // 128 * 16


def _do_mask(tf, x, mask, keep):
    def body(x_, mask_, keep_):
        return [x_ * tf.cast(1.0 / keep_, x_.dtype)]

    def grad(op, dy, *_):
        xs = op.inputs
        return [None, _do_mask(tf, dy, xs[2], xs[3]), None, None]

    return _mark(tf, "DropOutDoMask", body, [x, mask, keep], grad=grad)[0]


def dropout(tf, x, keep_prob: float):
    """``npu_ops.dropout``: a GenMask on the AI CPU, a DoMask on the vector unit (gradient: DoMask of dy)."""
    n = math.prod(x.shape.as_list())
    keep = tf.constant(keep_prob, x.dtype)
    shape = tf.constant(x.shape.as_list(), tf.int64)
    mask = _mark(tf, "DropOutGenMask", lambda s, p: [tf.zeros([_mask_bytes(n)], tf.uint8)], [shape, keep],
                 {"seed": 0, "seed2": 0})[0]
    return _do_mask(tf, x, mask, keep)


# ---- Gelu / GeluGrad ----------------------------------------------------------------------------------------
def _tanh_gelu(tf, x):
    return 0.5 * x * (1.0 + tf.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)))


def gelu(tf, x):
    """``Gelu`` (GE fuses BERT's composed tanh-GeLU into it); gradient: GeluGrad(dy, x, y)."""
    def grad(op, dy, *_):
        x_, y_ = op.inputs[1], op.outputs[0]
        dx = _mark(tf, "GeluGrad", lambda d, a, b: [d * tf.ones_like(a)], [dy, x_, y_])[0]
        return [None, dx]

    return _mark(tf, "Gelu", lambda a: [_tanh_gelu(tf, a)], [x], grad=grad)[0]


# ---- LayerNorm / LayerNormGrad over the last axis -----------------------------------------------------------
def layer_norm(tf, x, gamma, beta, epsilon: float = 1e-12):
    """``LayerNorm`` over the last axis (outputs y, mean, variance); gradient: LayerNormGrad."""
    attrs = {"begin_norm_axis": -1, "begin_params_axis": -1, "epsilon": epsilon}

    def body(x_, g_, b_):
        mean, var = tf.nn.moments(x_, axes=[-1], keep_dims=True)
        return [(x_ - mean) * tf.rsqrt(var + epsilon) * g_ + b_, mean, var]

    def grad(op, dy, *_):
        x_, g_ = op.inputs[3], op.inputs[4]
        mean, var = op.outputs[1], op.outputs[2]

        def grad_body(dy_, xx, v, m, g):
            return [dy_ * tf.ones_like(xx), tf.reduce_sum(dy_ * xx, axis=0), tf.reduce_sum(dy_, axis=0)]

        dx, dg, db = _mark(tf, "LayerNormGrad", grad_body, [dy, x_, var, mean, g_])
        return [None, None, None, dx, dg, db]

    return _mark(tf, "LayerNorm", body, [x, gamma, beta], attrs, grad=grad)[0]
