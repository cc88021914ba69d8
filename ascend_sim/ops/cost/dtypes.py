"""Element sizes of TensorFlow dtypes (a property of the dtype, not of the hardware)."""
from __future__ import annotations

from ascend_sim.ops.cost.record import CostError

DTYPE_BYTES = {
    "bool": 1, "int4": 0.5, "int8": 1, "uint8": 1, "int16": 2, "uint16": 2, "float16": 2, "bfloat16": 2,
    "int32": 4, "uint32": 4, "float32": 4, "int64": 8, "uint64": 8, "float64": 8,
}


def itemsize(dtype: str) -> float:
    """Bytes per element of ``dtype`` (0.5 for int4)."""
    try:
        return DTYPE_BYTES[dtype]
    except KeyError:
        raise CostError(f"unknown dtype {dtype!r}; known: {', '.join(DTYPE_BYTES)}") from None
