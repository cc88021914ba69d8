"""DropOutGenMask / DropOutDoMask family (upstream ``npu_ops.cc``, ``aicore/npu_aicore_ops.cc``).

Mask layout (ours, documented in docs/npu_bridge.md): one bit per element of the flattened shape,
least-significant bit first (element ``8·j + b`` is bit ``b`` of byte ``j``), padded with zero bits
to a multiple of 128 bits, so the mask has ``ceil(n/128)·16`` bytes like upstream's.
"""
from tensorflow.python.framework import dtypes, ops
from tensorflow.python.ops import array_ops, bitwise_ops, gen_random_ops, math_ops

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


@register("DropOutGenMask", inputs=["shape", "prob"], attrs={"seed": 0, "seed2": 0}, stateful=True)
def drop_out_gen_mask(shape, prob, seed, seed2):
    """uint8 bit-mask of ceil(numel(shape)/128)·16 bytes; each bit is 1 with probability ``prob``."""
    shape_t = ops.convert_to_tensor(shape, name="shape")
    if shape_t.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"DropOutGenMask: shape must be int32 or int64, got {shape_t.dtype.name}")
    keep, n = _keep_bits(shape_t, prob, seed, seed2)
    mask = _pack_bits(keep, n)
    static = _static_mask_shape(shape_t)
    if static is not None:
        mask.set_shape(static)
    return mask


def _do_mask_math(x, mask, keep_prob):
    x = ops.convert_to_tensor(x, name="x")
    if x.dtype not in (dtypes.float16, dtypes.float32):
        raise TypeError(f"DropOutDoMask: x must be float16 or float32, got {x.dtype.name}")
    kp = math_ops.cast(keep_prob, x.dtype)
    n = _numel(array_ops.shape(x))
    keep = array_ops.reshape(_unpack_bits(mask, n), array_ops.shape(x))
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


@register(
    "DropOutGenMaskV4",
    inputs=["shape", "prob"],
    attrs={"seed": 0, "seed2": 0, "dtype": dtypes.bool},
    stateful=True,
)
def drop_out_gen_mask_v4(shape, prob, seed, seed2, dtype):
    """Keep-mask with the shape of the input (one element per element), dtype bool or uint8."""
    shape_t = ops.convert_to_tensor(shape, name="shape")
    keep, _ = _keep_bits(shape_t, prob, seed, seed2)
    keep = array_ops.reshape(keep, math_ops.cast(shape_t, dtypes.int64))
    return keep if dtypes.as_dtype(dtype) == dtypes.bool else math_ops.cast(keep, dtypes.as_dtype(dtype))


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
