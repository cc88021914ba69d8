"""Upstream ``npu_bridge.estimator.npu_unary_ops``: the name ``npu_unary_ops`` is the generated op module.

So ``npu_unary_ops.gelu(features, name=None)`` and ``npu_unary_ops.gelu_grad(gradients, features,
activations, name=None)`` are the raw op wrappers.  The gradient of ``Gelu`` (``GeluGrad(dy, x, y)``)
is part of the emulated op, registered when the op module is created.
"""
from tensorflow.python.framework import ops  # noqa: F401  (upstream module namespace)

from npu_bridge.helper import helper

npu_unary_ops = helper.get_gen_ops()
