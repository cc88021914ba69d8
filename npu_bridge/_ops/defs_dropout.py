"""DropOutGenMask / DropOutDoMask family (upstream ``npu_ops.cc``, ``aicore/npu_aicore_ops.cc``).

Mask layout (ours, documented in docs/npu_bridge.md): one bit per element of the flattened shape,
least-significant bit first (element ``8·j + b`` is bit ``b`` of byte ``j``), padded with zero bits
to a multiple of 128 bits, so the mask has ``ceil(n/128)·16`` bytes like upstream's.

The ops run the numba kernels of ``ascend_sim.kernels`` (see ``kernel_ops``).  DropOutGenMask's
random bits are Philox-4x32-10 keyed by a 128-bit value drawn, once per run, from a stateful
TensorFlow generator seeded with the op's (seed, seed2): TensorFlow's seed semantics exactly — a
seeded op gives the same sequence of masks in every new session, (0, 0) gives fresh ones.  With
``ASCEND_SIM_PORTABLE_OPS=1`` the ops are composite TensorFlow ops (``RandomUniform`` + bit packing).
"""
import numpy as np
from tensorflow.python.framework import constant_op, dtypes, ops, tensor_util
from tensorflow.python.ops import array_ops, bitwise_ops, gen_random_ops, math_ops

from npu_bridge._ops.kernel_ops import kernels, numpy_op, portable
from npu_bridge._ops.registry import register

_BITS = (1, 2, 4, 8, 16, 32, 64, 128)


def _numel(shape):
    return math_ops.reduce_prod(math_ops.cast(shape, dtypes.int64))


def _uniform(shape, seed, seed2):
    return gen_random_ops.random_uniform(
        math_ops.cast(shape, dtypes.int64), dtype=dtypes.float32, seed=seed, seed2=seed2
    )


def _keep_bits(shape, prob, seed, seed2):
    """Flattened bool keep-decisions for ``shape``: P(keep) = prob."""
    n = _numel(shape)
    u = _uniform(array_ops.reshape(n, [1]), seed, seed2)
    return math_ops.less(u, math_ops.cast(prob, dtypes.float32)), n


def _pack_bits(keep, n):
    padded = ((n + 127) // 128) * 128
    bits = array_ops.pad(math_ops.cast(keep, dtypes.int32), [[0, padded - n]])
    bits = array_ops.reshape(bits, [-1, 8]) * ops.convert_to_tensor(_BITS, dtypes.int32)
    return math_ops.cast(math_ops.reduce_sum(bits, axis=1), dtypes.uint8)


def _unpack_bits(mask, n):
    m = array_ops.reshape(math_ops.cast(mask, dtypes.int32), [-1, 1])
    bits = bitwise_ops.bitwise_and(m, ops.convert_to_tensor(_BITS, dtypes.int32))
    return array_ops.reshape(math_ops.not_equal(bits, 0), [-1])[:n]


def pack_mask(keep):
    """Pack a bool keep-tensor (any shape, flattened row-major) into the DropOutGenMask bit layout."""
    keep = array_ops.reshape(ops.convert_to_tensor(keep, dtype=dtypes.bool), [-1])
    n = math_ops.cast(array_ops.size(keep), dtypes.int64)
    return _pack_bits(keep, n)


def unpack_mask(mask, shape):
    """The bool keep-tensor of ``shape`` that a DropOutGenMask bit-mask encodes."""
    shape = math_ops.cast(ops.convert_to_tensor(shape), dtypes.int64)
    return array_ops.reshape(_unpack_bits(mask, _numel(shape)), shape)


def _static_mask_shape(shape):
    from tensorflow.python.framework import tensor_util

    value = tensor_util.constant_value(ops.convert_to_tensor(shape))
    if value is None:
        return None
    n = 1
    for d in value.reshape(-1):
        n *= int(d)
    return [((n + 127) // 128) * 16]


def _check_shape_input(shape_t, op_type):
    if shape_t.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"{op_type}: shape must be int32 or int64, got {shape_t.dtype.name}")


def _run_key(seed, seed2):
    """int64[2] drawn per run from TensorFlow's stateful generator with the op's seeds."""
    return gen_random_ops.random_uniform_int(
        constant_op.constant([2], dtypes.int32), constant_op.constant(-(2 ** 63), dtypes.int64),
        constant_op.constant(2 ** 63 - 1, dtypes.int64), seed=seed, seed2=seed2, name="run_key")


def _checked_prob(value, arg, op_type):
    p = float(value)
    if not 0.0 < p <= 1.0:
        raise ValueError(f"{op_type}: {arg} must be in the range (0, 1]; got {p!r}")
    return p


def _np_gen_mask(shape, prob, key):
    p = _checked_prob(prob, "prob", "DropOutGenMask")
    return kernels().dropout_gen_mask(shape, p, int(key[0]), int(key[1]))


def _kernel_gen_mask(shape_t, prob, seed, seed2):
    prob_t = math_ops.cast(ops.convert_to_tensor(prob, name="prob"), dtypes.float32)
    return numpy_op(_np_gen_mask, [shape_t, prob_t, _run_key(seed, seed2)], dtypes.uint8,
                    _static_mask_shape(shape_t) or [None], "gen_mask_kernel", stateful=True)


@register("DropOutGenMask", inputs=["shape", "prob"], attrs={"seed": 0, "seed2": 0}, stateful=True)
def drop_out_gen_mask(shape, prob, seed, seed2):
    """uint8 bit-mask of ceil(numel(shape)/128)·16 bytes; each bit is 1 with probability ``prob``."""
    shape_t = ops.convert_to_tensor(shape, name="shape")
    _check_shape_input(shape_t, "DropOutGenMask")
    if not portable():
        return _kernel_gen_mask(shape_t, prob, seed, seed2)
    keep, n = _keep_bits(shape_t, prob, seed, seed2)
    mask = _pack_bits(keep, n)
    static = _static_mask_shape(shape_t)
    if static is not None:
        mask.set_shape(static)
    return mask


def _np_do_mask(x, mask, keep_prob):
    return kernels().dropout_do_mask(x, mask, _checked_prob(keep_prob, "keep_prob", "DropOutDoMask"))


def _check_mask_covers(x, mask_t, op_type):
    n, nbytes = x.shape.num_elements(), mask_t.shape.num_elements()
    if n is not None and nbytes is not None and nbytes * 8 < n:
        raise ValueError(f"{op_type}: mask has {nbytes} bytes, too few for the {n} elements of x "
                         f"(DropOutGenMask gives {(n + 127) // 128 * 16})")


def _do_mask_math(x, mask, keep_prob):
    x = ops.convert_to_tensor(x, name="x")
    if x.dtype not in (dtypes.float16, dtypes.float32):
        raise TypeError(f"DropOutDoMask: x must be float16 or float32, got {x.dtype.name}")
    mask_t = ops.convert_to_tensor(mask, name="mask")
    if mask_t.dtype != dtypes.uint8:
        raise TypeError(f"DropOutDoMask: mask must be a uint8 bit-mask, got {mask_t.dtype.name}")
    _check_mask_covers(x, mask_t, "DropOutDoMask")
    kp = math_ops.cast(keep_prob, x.dtype)
    if not portable():
        return numpy_op(_np_do_mask, [x, mask_t, kp], x.dtype, x.shape, "do_mask_kernel")
    n = _numel(array_ops.shape(x))
    keep = array_ops.reshape(_unpack_bits(mask_t, n), array_ops.shape(x))
    return array_ops.where_v2(keep, x * (1.0 / kp), array_ops.zeros_like(x))


def _do_mask_grad(inputs, outputs, grads):
    from npu_bridge._ops import gen_ops

    # the gradient re-applies the forward mask and scale (upstream's registered gradient)
    return [gen_ops.drop_out_do_mask(grads[0], inputs[1], inputs[2]), None, None]


@register("DropOutDoMask", inputs=["x", "mask", "keep_prob"], grad=_do_mask_grad, stateful=True)
def drop_out_do_mask(x, mask, keep_prob):
    """y = mask_bit ? x / keep_prob : 0, element-wise over the flattened x."""
    return _do_mask_math(x, mask, keep_prob)


@register("DropOutGenMaskV3", inputs=["shape", "prob"], attrs={"seed": 0, "seed2": 0}, stateful=True)
def drop_out_gen_mask_v3(shape, prob, seed, seed2):
    """Same keep-bits as DropOutGenMask (the device's fractal layout is not observable on the host)."""
    return drop_out_gen_mask(shape, prob, seed, seed2)


def _np_gen_keep(shape, prob, key, np_dtype):
    mask = _np_gen_mask(shape, prob, key)
    keep = kernels().unpack_mask(mask, shape)
    return keep if np_dtype == np.bool_ else keep.astype(np_dtype)


@register(
    "DropOutGenMaskV4",
    inputs=["shape", "prob"],
    attrs={"seed": 0, "seed2": 0, "dtype": dtypes.bool},
    stateful=True,
)
def drop_out_gen_mask_v4(shape, prob, seed, seed2, dtype):
    """Keep-mask with the shape of the input (one element per element), dtype bool or uint8."""
    shape_t = ops.convert_to_tensor(shape, name="shape")
    out_dtype = dtypes.as_dtype(dtype)
    if out_dtype not in (dtypes.bool, dtypes.uint8):
        raise TypeError(f"DropOutGenMaskV4: dtype must be bool or uint8, got {out_dtype.name}")
    if not portable():
        _check_shape_input(shape_t, "DropOutGenMaskV4")
        prob_t = math_ops.cast(ops.convert_to_tensor(prob, name="prob"), dtypes.float32)
        np_dtype = out_dtype.as_numpy_dtype
        return numpy_op(lambda s, p, k: _np_gen_keep(s, p, k, np_dtype), [shape_t, prob_t, _run_key(seed, seed2)],
                        out_dtype, tensor_util.constant_value_as_shape(shape_t), "gen_keep_kernel", stateful=True)
    keep, _ = _keep_bits(shape_t, prob, seed, seed2)
    keep = array_ops.reshape(keep, math_ops.cast(shape_t, dtypes.int64))
    return keep if out_dtype == dtypes.bool else math_ops.cast(keep, out_dtype)


def _do_mask_v3_math(x, mask, keep_prob):
    mask_t = ops.convert_to_tensor(mask)
    if mask_t.shape.rank is not None and mask_t.shape.rank > 1 or mask_t.dtype == dtypes.bool:
        # a V4 per-element mask: shaped like noise_shape, broadcast over x (as tf.nn.dropout does)
        x = ops.convert_to_tensor(x, name="x")
        keep = array_ops.broadcast_to(math_ops.cast(mask_t, dtypes.bool), array_ops.shape(x))
        kp = math_ops.cast(keep_prob, x.dtype)
        return array_ops.where_v2(keep, x * (1.0 / kp), array_ops.zeros_like(x))
    return _do_mask_math(x, mask_t, keep_prob)


def _do_mask_v3_grad(inputs, outputs, grads):
    from npu_bridge._ops import gen_ops

    return [gen_ops.drop_out_do_mask_v3(grads[0], inputs[1], inputs[2]), None, None]


@register("DropOutDoMaskV3", inputs=["x", "mask", "keep_prob"], grad=_do_mask_v3_grad, stateful=True)
def drop_out_do_mask_v3(x, mask, keep_prob):
    """y = keep ? x / keep_prob : 0 with a V3 bit-mask or a V4 per-element mask."""
    return _do_mask_v3_math(x, mask, keep_prob)
