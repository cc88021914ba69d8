"""Gelu / FastGelu family (upstream ``npu_unary_ops.cc`` and ``aicore/npu_aicore_ops.cc``).

Each op runs the fused numba kernel of ``ascend_sim.kernels`` (one ``tf.numpy_function`` node,
see ``kernel_ops``); with ``ASCEND_SIM_PORTABLE_OPS=1`` it is built from composite TensorFlow math
with the same formulas instead.  Legal dtypes are those of upstream's CPU kernels: float16,
float32, float64.
"""
import math

from tensorflow.python.framework import constant_op, ops
from tensorflow.python.ops import math_ops

from npu_bridge._ops.kernel_ops import FLOATS, check_dtype, kernels, like, numpy_op, portable
from npu_bridge._ops.registry import register

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_COEFF = 0.044715


# ----------------------------------------------------------------------------- portable (composite) math
def _gelu_math(x):
    x3 = x * x * x
    inner = constant_op.constant(_SQRT_2_OVER_PI, x.dtype) * (x + constant_op.constant(_GELU_COEFF, x.dtype) * x3)
    return 0.5 * x * (1.0 + math_ops.tanh(inner))


def _gelu_grad_math(dy, x, y):
    """dL/dx for the tanh-approximated gelu (upstream's formula, with the correct 0.044715)."""
    del y  # the composite recomputes tanh from x; the kernel uses y (cdf = y/x)
    c = constant_op.constant(_SQRT_2_OVER_PI, x.dtype)
    k = constant_op.constant(_GELU_COEFF, x.dtype)
    t = math_ops.tanh(c * (x + k * x * x * x))
    cdf = 0.5 * (1.0 + t)
    pdf_term = 0.5 * x * (1.0 - t * t) * c * (1.0 + 3.0 * k * x * x)
    return dy * (cdf + pdf_term)


def _fast_gelu_math(x):
    # FastGelu: x / (1 + exp(-1.702·|x|)) · exp(0.851·(x − |x|))  ==  x·sigmoid(1.702·x)
    return x * math_ops.sigmoid(constant_op.constant(1.702, x.dtype) * x)


def _fast_gelu_grad_math(dy, x):
    s = math_ops.sigmoid(constant_op.constant(1.702, x.dtype) * x)
    return dy * (s + constant_op.constant(1.702, x.dtype) * x * s * (1.0 - s))


# ----------------------------------------------------------------------------- kernel calls (numpy in, numpy out)
def _np_gelu(x):
    return kernels().gelu(x)


def _np_gelu_grad(dy, x, y):
    return kernels().gelu_grad(dy, x, y)


def _np_fast_gelu(x):
    return kernels().fast_gelu(x)


def _np_fast_gelu_grad(dy, x):
    return kernels().fast_gelu_grad(dy, x)


def _features(value, op_type):
    x = ops.convert_to_tensor(value, name="features")
    check_dtype(op_type, "features", x, FLOATS)
    return x


# ----------------------------------------------------------------------------- ops
def _gelu_grad(inputs, outputs, grads):
    from npu_bridge._ops import gen_ops

    return [gen_ops.gelu_grad(grads[0], inputs[0], outputs[0])]


@register("Gelu", inputs=["features"], grad=_gelu_grad)
def gelu(features):
    """activations = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))."""
    x = _features(features, "Gelu")
    if portable():
        return _gelu_math(x)
    return numpy_op(_np_gelu, [x], x.dtype, x.shape, "gelu_kernel")


@register("GeluGrad", inputs=["gradients", "features", "activations"])
def gelu_grad(gradients, features, activations):
    """backprops = gradients · d gelu(features) / d features, with cdf = activations / features."""
    x = _features(features, "GeluGrad")
    dy = like(gradients, x, "gradients", "GeluGrad")
    y = like(activations, x, "activations", "GeluGrad")
    if portable():
        return _gelu_grad_math(dy, x, y)
    shape = x.shape.merge_with(dy.shape).merge_with(y.shape)
    return numpy_op(_np_gelu_grad, [dy, x, y], x.dtype, shape, "gelu_grad_kernel")


def _fast_gelu_grad(inputs, outputs, grads):
    from npu_bridge._ops import gen_ops

    return [gen_ops.fast_gelu_grad(grads[0], inputs[0])]


def _fast_gelu(features, op_type):
    x = _features(features, op_type)
    if portable():
        return _fast_gelu_math(x)
    return numpy_op(_np_fast_gelu, [x], x.dtype, x.shape, "fast_gelu_kernel")


@register("FastGelu", inputs=["features"], grad=_fast_gelu_grad)
def fast_gelu(features):
    """activations = x·sigmoid(1.702·x)."""
    return _fast_gelu(features, "FastGelu")


@register("FastGeluV2", inputs=["features"], grad=_fast_gelu_grad)
def fast_gelu_v2(features):
    """FastGeluV2: the same sigmoid approximation as FastGelu."""
    return _fast_gelu(features, "FastGeluV2")


@register("FastGeluGrad", inputs=["gradients", "features"])
def fast_gelu_grad(gradients, features):
    """backprops = gradients · d fast_gelu(features) / d features."""
    x = _features(features, "FastGeluGrad")
    dy = like(gradients, x, "gradients", "FastGeluGrad")
    if portable():
        return _fast_gelu_grad_math(dy, x)
    return numpy_op(_np_fast_gelu_grad, [dy, x], x.dtype, x.shape.merge_with(dy.shape), "fast_gelu_grad_kernel")
