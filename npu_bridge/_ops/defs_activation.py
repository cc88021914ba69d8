"""Gelu / FastGelu family (upstream ``npu_unary_ops.cc`` and ``aicore/npu_aicore_ops.cc``).

Composite TensorFlow math with upstream's formulas; the fused numba kernels replace the bodies
later without changing the wrappers.
"""
import math

from tensorflow.python.framework import constant_op, ops
from tensorflow.python.ops import math_ops

from npu_bridge._ops.registry import register

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_COEFF = 0.044715


def _gelu_math(x):
    x3 = x * x * x
    inner = constant_op.constant(_SQRT_2_OVER_PI, x.dtype) * (x + constant_op.constant(_GELU_COEFF, x.dtype) * x3)
    return 0.5 * x * (1.0 + math_ops.tanh(inner))


def _gelu_grad_math(dy, x, y):
    """dL/dx for the tanh-approximated gelu (upstream's formula, with the correct 0.044715)."""
    del y  # the derivative is computed from x alone; y is an input for API compatibility
    c = constant_op.constant(_SQRT_2_OVER_PI, x.dtype)
    k = constant_op.constant(_GELU_COEFF, x.dtype)
    t = math_ops.tanh(c * (x + k * x * x * x))
    cdf = 0.5 * (1.0 + t)
    pdf_term = 0.5 * x * (1.0 - t * t) * c * (1.0 + 3.0 * k * x * x)
    return dy * (cdf + pdf_term)


def _gelu_grad(inputs, outputs, grads):
    from npu_bridge._ops import gen_ops

    return [gen_ops.gelu_grad(grads[0], inputs[0], outputs[0])]


@register("Gelu", inputs=["features"], grad=_gelu_grad)
def gelu(features):
    """activations = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))."""
    x = ops.convert_to_tensor(features, name="features")
    return _gelu_math(x)


@register("GeluGrad", inputs=["gradients", "features", "activations"])
def gelu_grad(gradients, features, activations):
    """backprops = gradients · d gelu(features) / d features."""
    x = ops.convert_to_tensor(features, name="features")
    dy = ops.convert_to_tensor(gradients, name="gradients", dtype=x.dtype)
    y = ops.convert_to_tensor(activations, name="activations", dtype=x.dtype)
    return _gelu_grad_math(dy, x, y)


def _fast_gelu_math(x):
    # FastGelu: x / (1 + exp(-1.702·|x|)) · exp(0.851·(x − |x|))  ==  x·sigmoid(1.702·x)
    return x * math_ops.sigmoid(constant_op.constant(1.702, x.dtype) * x)


def _fast_gelu_grad_math(dy, x):
    s = math_ops.sigmoid(constant_op.constant(1.702, x.dtype) * x)
    return dy * (s + constant_op.constant(1.702, x.dtype) * x * s * (1.0 - s))


def _fast_gelu_grad(inputs, outputs, grads):
    from npu_bridge._ops import gen_ops

    return [gen_ops.fast_gelu_grad(grads[0], inputs[0])]


@register("FastGelu", inputs=["features"], grad=_fast_gelu_grad)
def fast_gelu(features):
    """activations = x·sigmoid(1.702·x)."""
    return _fast_gelu_math(ops.convert_to_tensor(features, name="features"))


@register("FastGeluV2", inputs=["features"], grad=_fast_gelu_grad)
def fast_gelu_v2(features):
    """FastGeluV2: the same sigmoid approximation as FastGelu."""
    return _fast_gelu_math(ops.convert_to_tensor(features, name="features"))


@register("FastGeluGrad", inputs=["gradients", "features"])
def fast_gelu_grad(gradients, features):
    """backprops = gradients · d fast_gelu(features) / d features."""
    x = ops.convert_to_tensor(features, name="features")
    dy = ops.convert_to_tensor(gradients, name="gradients", dtype=x.dtype)
    return _fast_gelu_grad_math(dy, x)
