"""GeLU (tanh approximation), its gradient, and FastGelu (sigmoid approximation) with its gradient.

Formulas (upstream's ``Gelu``/``GeluGrad``/``FastGelu``/``FastGeluGrad``, reference §4.2):

* ``gelu(x) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))``
* ``gelu_grad(dy, x, y) = dy·(0.5·(1 + t) + 0.5·x·(1 − t)(1 + t)·√(2/π)·(1 + 3·0.044715·x²))``
  with ``t = tanh(√(2/π)·(x + 0.044715·x³))`` recomputed from ``x``.  ``y`` (the forward result,
  part of the op's signature) is checked but not read: upstream's CPU reference derives
  ``cdf = y/x`` instead, which inherits y's rounding — up to 3× the float32 error near cdf → 1,
  and wrong results (0 or 1 instead of 0.5) where a float16 ``y`` is subnormal.  Recomputing also
  reads 8 instead of 12 bytes per float32 element.
* ``fast_gelu(x) = x·sigmoid(1.702·x) = 0.5·x·(1 + tanh(0.851·x))``
* ``fast_gelu_grad(dy, x) = dy·(s + 1.702·x·s·(1 − s))``, ``s = sigmoid(1.702·x)``.

All dtypes evaluate GeLU as ``x·sigmoid(2u)`` — the same function, since
``0.5·(1 + tanh(u)) = sigmoid(2u)`` — which keeps full relative accuracy where ``1 + tanh(u)``
cancels (x ≲ −3).  float16 and float32 are computed in float32 with a vectorisable exp (float16
rounded once, at the end); float64 uses libm's exp.  NaN propagates; ±inf give the reference
formula's value (e.g. ``gelu(+inf) = inf``, ``gelu(-inf) = nan`` because −inf·0 is NaN).
Inputs of any shape and layout; the result is C-contiguous with the input's shape.
"""
import math

import numpy as np
from numba import njit, prange

from ascend_sim.kernels._math import float_to_half, half_to_float, sigmoid_f32
from ascend_sim.kernels._support import as_array, flat_input, kernel, launch, output, same_shape, unaliased

_INLINE = {"inline": "always", "cache": True}
f32 = np.float32

_C64 = math.sqrt(2.0 / math.pi)
_K64 = 0.044715
_BIG64 = 1e100  # x² in the gradient's polynomial is clamped here (its factor is 0 long before)

_M2C32, _2C32, _K32, _K3_32 = f32(-2 * _C64), f32(2 * _C64), f32(_K64), f32(3 * _K64)
_FG32, _MFG32 = f32(1.702), f32(-1.702)
_ONE32, _BIG32 = f32(1.0), f32(1e4)


# ------------------------------------------------------------------------- element functions
@njit(**_INLINE)
def _gelu32(v):
    s, _ = sigmoid_f32(_M2C32 * (v + _K32 * v * v * v))
    return v * s


@njit(**_INLINE)
def _sigmoid64(a):
    """(s, 1 − s) for s = 1 / (1 + e^a) in float64 (libm exp, inf past 709; no NaN for finite a)."""
    e = np.exp(a)
    s = 1.0 / (1.0 + e)
    return s, (e * s if e < math.inf else 1.0)


@njit(**_INLINE)
def _gelu64(v):
    s, _ = _sigmoid64(-2.0 * _C64 * (v + _K64 * v * v * v))
    return v * s


@njit(**_INLINE)
def _gelu_grad32(dy, x):
    # d/dx x·s(2u) = s + 2·x·s·(1 − s)·u'(x),  u' = √(2/π)·(1 + 3·0.044715·x²)
    s, one_minus_s = sigmoid_f32(_M2C32 * (x + _K32 * x * x * x))
    xc = min(max(x, -_BIG32), _BIG32)  # s·(1 − s) is 0 long before x² overflows
    return dy * (s + x * (s * one_minus_s) * _2C32 * (_ONE32 + _K3_32 * xc * xc))


@njit(**_INLINE)
def _gelu_grad64(dy, x):
    s, one_minus_s = _sigmoid64(-2.0 * _C64 * (x + _K64 * x * x * x))
    xc = min(max(x, -_BIG64), _BIG64)
    return dy * (s + x * (s * one_minus_s) * (2.0 * _C64) * (1.0 + 3.0 * _K64 * xc * xc))


@njit(**_INLINE)
def _fast_gelu32(v):
    s, _ = sigmoid_f32(_MFG32 * v)
    return v * s


@njit(**_INLINE)
def _fast_gelu64(v):
    s, _ = _sigmoid64(-1.702 * v)
    return v * s


@njit(**_INLINE)
def _fast_gelu_grad32(dy, x):
    s, one_minus_s = sigmoid_f32(_MFG32 * x)
    return dy * (s + x * (s * one_minus_s) * _FG32)


@njit(**_INLINE)
def _fast_gelu_grad64(dy, x):
    s, one_minus_s = _sigmoid64(-1.702 * x)
    return dy * (s + x * (s * one_minus_s) * 1.702)


# ------------------------------------------------------------------------- kernels (float16 = uint16 bits)
@kernel
def _k_gelu_f32(x, out):
    for i in prange(x.size):
        out[i] = _gelu32(x[i])


@kernel
def _k_gelu_f64(x, out):
    for i in prange(x.size):
        out[i] = _gelu64(x[i])


@kernel
def _k_gelu_f16(x, out):
    for i in prange(x.size):
        out[i] = float_to_half(_gelu32(half_to_float(x[i])))


@kernel
def _k_gelu_grad_f32(dy, x, out):
    for i in prange(x.size):
        out[i] = _gelu_grad32(dy[i], x[i])


@kernel
def _k_gelu_grad_f64(dy, x, out):
    for i in prange(x.size):
        out[i] = _gelu_grad64(dy[i], x[i])


@kernel
def _k_gelu_grad_f16(dy, x, out):
    for i in prange(x.size):
        out[i] = float_to_half(_gelu_grad32(half_to_float(dy[i]), half_to_float(x[i])))


@kernel
def _k_fast_gelu_f32(x, out):
    for i in prange(x.size):
        out[i] = _fast_gelu32(x[i])


@kernel
def _k_fast_gelu_f64(x, out):
    for i in prange(x.size):
        out[i] = _fast_gelu64(x[i])


@kernel
def _k_fast_gelu_f16(x, out):
    for i in prange(x.size):
        out[i] = float_to_half(_fast_gelu32(half_to_float(x[i])))


@kernel
def _k_fast_gelu_grad_f32(dy, x, out):
    for i in prange(x.size):
        out[i] = _fast_gelu_grad32(dy[i], x[i])


@kernel
def _k_fast_gelu_grad_f64(dy, x, out):
    for i in prange(x.size):
        out[i] = _fast_gelu_grad64(dy[i], x[i])


@kernel
def _k_fast_gelu_grad_f16(dy, x, out):
    for i in prange(x.size):
        out[i] = float_to_half(_fast_gelu_grad32(half_to_float(dy[i]), half_to_float(x[i])))


_F16, _F32, _F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
KERNELS = {
    "gelu": {_F32: _k_gelu_f32, _F64: _k_gelu_f64, _F16: _k_gelu_f16},
    "gelu_grad": {_F32: _k_gelu_grad_f32, _F64: _k_gelu_grad_f64, _F16: _k_gelu_grad_f16},
    "fast_gelu": {_F32: _k_fast_gelu_f32, _F64: _k_fast_gelu_f64, _F16: _k_fast_gelu_f16},
    "fast_gelu_grad": {_F32: _k_fast_gelu_grad_f32, _F64: _k_fast_gelu_grad_f64, _F16: _k_fast_gelu_grad_f16},
}


def _apply(op, out, ref, inputs):
    """Run kernel ``op`` element-wise over ``inputs`` (each shaped like ``ref``) into ``out``."""
    res = output(out, ref.shape, ref.dtype, op)
    if ref.size:
        args = [unaliased(flat_input(a), res.flat) for a in inputs] + [res.flat]
        if ref.dtype == _F16:
            args = [a.view(np.uint16) for a in args]
        launch(KERNELS[op][ref.dtype], *args)
    return res.finish()


# ------------------------------------------------------------------------- public wrappers
def gelu(x, out=None):
    """GeLU (tanh approximation) of ``x`` (float16/32/64, any shape); writes ``out`` when given."""
    x = as_array(x, "x", "gelu")
    return _apply("gelu", out, x, (x,))


def gelu_grad(dy, x, y=None, out=None):
    """dL/dx of GeLU from the upstream gradient ``dy`` and the input ``x``.

    ``y`` (the forward result, an input of upstream's op) is checked for shape and dtype when
    given but not read: the derivative is recomputed from ``x`` (module docstring).
    """
    x = as_array(x, "x", "gelu_grad")
    dy = as_array(dy, "dy", "gelu_grad")
    same_shape(dy, x, "dy", "x", "gelu_grad")
    if y is not None:
        same_shape(as_array(y, "y", "gelu_grad"), x, "y", "x", "gelu_grad")
    return _apply("gelu_grad", out, x, (dy, x))


def fast_gelu(x, out=None):
    """FastGelu ``x·sigmoid(1.702·x)`` of ``x`` (float16/32/64, any shape)."""
    x = as_array(x, "x", "fast_gelu")
    return _apply("fast_gelu", out, x, (x,))


def fast_gelu_grad(dy, x, out=None):
    """dL/dx of FastGelu from the upstream gradient ``dy`` and the input ``x``."""
    x = as_array(x, "x", "fast_gelu_grad")
    dy = as_array(dy, "dy", "fast_gelu_grad")
    same_shape(dy, x, "dy", "x", "fast_gelu_grad")
    return _apply("fast_gelu_grad", out, x, (dy, x))
