"""AMCT quantisation ops (upstream ``aicore/amct_ops.cc``), as the fake-quant values TF sees.

* AscendQuant:      y = clip(round(x·scale + offset), qmin, qmax), [-128, 127] for INT8, [-8, 7] for INT4
* AscendAntiQuant:  y = (x + offset)·scale
* AscendWeightQuant: y = x − offset_w (int8 weights as T values on the integer grid)
* AscendDequant:    y = x·s with s the float32 whose bits are the low 32 bits of ``deq_scale``
  (AMCT packs the dequant scale that way), per channel (``data_format``'s C axis) or scalar.

``round`` is round-half-to-even (the device's default rounding mode).
"""
from tensorflow.python.framework import constant_op, dtypes, ops
from tensorflow.python.ops import array_ops, bitwise_ops, clip_ops, math_ops

from npu_bridge._ops.composite import as_text
from npu_bridge._ops.registry import REQUIRED, register

_RANGES = {"INT8": (-128.0, 127.0), "INT4": (-8.0, 7.0)}
_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)


def _float_input(op_type, x):
    x = ops.convert_to_tensor(x, name="x")
    if x.dtype not in _FLOATS:
        raise TypeError(f"{op_type}: x must be float16, float32 or float64, got {x.dtype.name}")
    return x


def _dst_range(op_type, dst_type):
    key = as_text(dst_type)
    if key not in _RANGES:
        raise ValueError(f"{op_type}: dst_type must be one of {sorted(_RANGES)}, got {key!r}")
    return _RANGES[key]


@register("AscendQuant", inputs=["x"],
          attrs=(("dst_type", "INT8"), ("quant_bits", 8), ("scale", REQUIRED), ("offset", REQUIRED)), stateful=True)
def ascend_quant(x, dst_type, quant_bits, scale, offset):
    """Quantised values of x (as x's float type)."""
    x = _float_input("AscendQuant", x)
    lo, hi = _dst_range("AscendQuant", dst_type)
    q = math_ops.round(x * constant_op.constant(scale, x.dtype) + constant_op.constant(offset, x.dtype))
    return clip_ops.clip_by_value(q, constant_op.constant(lo, x.dtype), constant_op.constant(hi, x.dtype))


@register("AscendWeightQuant", inputs=["x", "offset_w"], attrs=(("T", REQUIRED), ("dst_type", "INT8")),
          stateful=True)
def ascend_weight_quant(x, offset_w, T, dst_type):  # pylint: disable=invalid-name
    """int8 weights minus their offset, as T."""
    _dst_range("AscendWeightQuant", dst_type)
    out = dtypes.as_dtype(T)
    if out not in _FLOATS:
        raise TypeError(f"AscendWeightQuant: T must be float16, float32 or float64, got {out.name}")
    x = ops.convert_to_tensor(x, dtype=dtypes.int8, name="x")
    off = ops.convert_to_tensor(offset_w, dtype=dtypes.int8, name="offset_w")
    return math_ops.cast(x, out) - math_ops.cast(off, out)


@register("AscendDequant", inputs=["x", "deq_scale"], attrs=(("ksize", REQUIRED), ("data_format", "NHWC")),
          stateful=True)
def ascend_dequant(x, deq_scale, ksize, data_format):
    """x times the float32 scale packed in the low 32 bits of deq_scale (per channel or scalar)."""
    x = _float_input("AscendDequant", x)
    fmt = as_text(data_format)
    if fmt not in ("NHWC", "NCHW"):
        raise ValueError(f"AscendDequant: data_format must be one of ['NCHW', 'NHWC'], got {fmt!r}")
    packed = ops.convert_to_tensor(deq_scale, dtype=dtypes.uint64, name="deq_scale")
    low = bitwise_ops.bitwise_and(packed, ops.convert_to_tensor(0xFFFFFFFF, dtypes.uint64))
    scale = math_ops.cast(array_ops.bitcast(math_ops.cast(low, dtypes.uint32), dtypes.float32), x.dtype)
    scale = array_ops.reshape(scale, [-1])
    if fmt == "NCHW" and x.shape.rank == 4:
        scale = array_ops.reshape(scale, [-1, 1, 1])
    return x * scale


@register("AscendAntiQuant", inputs=["x"], attrs=(("scale", REQUIRED), ("offset", REQUIRED)), stateful=True)
def ascend_anti_quant(x, scale, offset):
    """(x + offset)·scale."""
    x = _float_input("AscendAntiQuant", x)
    return (x + constant_op.constant(offset, x.dtype)) * constant_op.constant(scale, x.dtype)
