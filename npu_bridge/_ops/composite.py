"""Helpers for composite ops whose gradient needs the forward op's attributes.

A registered op is built from ordinary TensorFlow ops and stands in the graph as one ``IdentityN``
node (see :mod:`npu_bridge._ops.registry`), which records the op's attributes as JSON in
``_ascend_attrs`` (so the record survives GraphDef export/import).  Upstream's gradient functions
read attributes from the forward op (``op.get_attr("forget_bias")``); :class:`OpView` gives gradient
code that familiar ``inputs`` / ``outputs`` / ``get_attr`` view of the op.
"""
from __future__ import annotations

import json

import numpy as np
from tensorflow.python.framework import ops, tensor_util
from tensorflow.python.ops import array_ops

from npu_bridge._ops.registry import ASCEND_ATTRS_ATTR, ASCEND_NUM_OUTPUTS_ATTR, ASCEND_OP_TYPE_ATTR


class OpView:
    """``inputs``, ``outputs`` and attributes of one emulated op instance."""

    def __init__(self, name, op_type, inputs, outputs, attrs):
        self.name = name
        self.type = op_type
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self._attrs = dict(attrs)

    def get_attr(self, name):
        try:
            return self._attrs[name]
        except KeyError:
            raise ValueError(
                f"op {self.name!r} ({self.type}) has no attribute {name!r}; attributes: {sorted(self._attrs)}"
            ) from None

    @classmethod
    def of(cls, op) -> "OpView":
        """The view of an emulated op from its ``IdentityN`` node (or an ``OpView``: returned as is)."""
        if isinstance(op, OpView):
            return op
        try:
            n_out = op.get_attr(ASCEND_NUM_OUTPUTS_ATTR)
            op_type = op.get_attr(ASCEND_OP_TYPE_ATTR).decode()
        except ValueError:
            raise TypeError(
                f"{op.name!r} is a {op.type} node, not an emulated NPU op with a registered gradient"
            ) from None
        outputs = list(op.outputs[:n_out])
        inputs = list(op.inputs[n_out:])
        return cls(op.name, op_type, inputs, outputs, attrs_of(op))


def attrs_of(op) -> dict:
    """The attributes of the emulated op whose ``IdentityN`` node is ``op`` (recorded by the registry)."""
    try:
        return json.loads(op.get_attr(ASCEND_ATTRS_ATTR).decode())
    except ValueError:
        return {}


def zeros_if_none(grad, like):
    """``grad`` or zeros shaped like ``like`` (TensorFlow passes None for unused outputs)."""
    if grad is None:
        return array_ops.zeros_like(like)
    return ops.convert_to_tensor(grad)


def is_absent(grad) -> bool:
    """True when ``grad`` carries no gradient: None, or the zeros TensorFlow fills in for unused outputs."""
    if grad is None:
        return True
    grad = ops.convert_to_tensor(grad)
    if grad.op.type == "ZerosLike":
        return True
    value = tensor_util.constant_value(grad)
    return value is not None and not np.any(value)


def as_text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
