"""``npu_ops.cc`` ops used by ``npu_bridge.tbe`` and ``npu_bridge.experimental``: LAMB and FileConstant.

LAMB (``LambApplyOptimizerAssign`` then ``LambApplyWeightAssign``), with
``input0=grad, input1=v, input2=m, input3=param``, ``mul0_x=β1, mul1_x=1-β1, mul2_x=β2, mul3_x=1-β2``,
``add2_y=ε``::

    next_v = β2·v + (1-β2)·g²          next_m = β1·m + (1-β1)·g
    update = (next_m / (1-β1^steps)) / (sqrt(next_v / (1-β2^steps)) + ε) + do_use_weight·decay·param
    ratio  = w_norm/g_norm if both > 0 else 1          param ← param - lr·ratio·update

The "Assign" ops write ``next_v``/``next_m`` (and the new param) back into their inputs on the
device; here they do so when those inputs are variables.
"""
import os

import numpy as np
from tensorflow.python.framework import dtypes, ops
from tensorflow.python.ops import array_ops, io_ops, math_ops, parsing_ops, state_ops, variables

from npu_bridge._ops.registry import REQUIRED, register


def _assign_if_variable(target, value):
    if isinstance(target, variables.Variable):
        return target.assign(value)
    if getattr(getattr(target, "dtype", None), "_is_ref_dtype", False):  # a ref tensor of a variable
        return state_ops.assign(target, value)
    return None


def _with_assigns(values, assigns):
    assigns = [a for a in assigns if a is not None]
    if not assigns:
        return values
    with ops.control_dependencies(assigns):
        return [array_ops.identity(v) for v in values]


_LAMB_INPUTS = ["input0", "input1", "input2", "input3", "mul0_x", "mul1_x", "mul2_x", "mul3_x", "add2_y",
                "steps", "do_use_weight", "weight_decay_rate"]


@register("LambApplyOptimizerAssign", inputs=_LAMB_INPUTS, stateful=True)
def lamb_apply_optimizer_assign(input0, input1, input2, input3, mul0_x, mul1_x, mul2_x, mul3_x, add2_y, steps,
                                do_use_weight, weight_decay_rate):
    """(update, next_v, next_m) of one LAMB step; ``input1``/``input2`` get next_v/next_m when variables."""
    g = ops.convert_to_tensor(input0, name="input0")
    t = lambda v, n: ops.convert_to_tensor(v, dtype=g.dtype, name=n)  # noqa: E731
    v, m, param = t(input1, "input1"), t(input2, "input2"), t(input3, "input3")
    beta1, one_m_b1 = t(mul0_x, "mul0_x"), t(mul1_x, "mul1_x")
    beta2, one_m_b2 = t(mul2_x, "mul2_x"), t(mul3_x, "mul3_x")
    step = t(steps, "steps")
    next_v = beta2 * v + one_m_b2 * g * g
    next_m = beta1 * m + one_m_b1 * g
    m_hat = next_m / (1.0 - math_ops.pow(beta1, step))
    v_hat = next_v / (1.0 - math_ops.pow(beta2, step))
    update = m_hat / (math_ops.sqrt(v_hat) + t(add2_y, "add2_y"))
    update = update + param * t(weight_decay_rate, "weight_decay_rate") * t(do_use_weight, "do_use_weight")
    return tuple(_with_assigns([update, next_v, next_m],
                               [_assign_if_variable(input1, next_v), _assign_if_variable(input2, next_m)]))


@register("LambApplyWeightAssign", inputs=["input0", "input1", "input2", "input3", "input4"], stateful=True)
def lamb_apply_weight_assign(input0, input1, input2, input3, input4):
    """param - lr·ratio·update with the LAMB trust ratio; written into ``input4`` when it is a variable."""
    param = ops.convert_to_tensor(input4, name="input4")
    t = lambda v, n: ops.convert_to_tensor(v, dtype=param.dtype, name=n)  # noqa: E731
    w_norm, g_norm = t(input0, "input0"), t(input1, "input1")
    one = array_ops.ones_like(w_norm)
    safe_g = array_ops.where(g_norm > 0, g_norm, one)
    ratio = array_ops.where(w_norm > 0, array_ops.where(g_norm > 0, w_norm / safe_g, one), one)
    new_param = param - t(input2, "input2") * ratio * t(input3, "input3")
    return _with_assigns([new_param], [_assign_if_variable(input4, new_param)])[0]


# ---------------------------------------------------------------------------------- FileConstant
_BYTE_TYPES = {dtypes.uint8, dtypes.int8, dtypes.bool}


@register("FileConstant", inputs=[], attrs=[("file_path", ""), ("file_id", ""), ("shape", REQUIRED),
                                            ("dtype", REQUIRED)])
def file_constant(file_path, file_id, shape, dtype):
    """A constant of ``shape``/``dtype`` read (raw, little-endian) from the binary file ``file_path``."""
    dt = dtypes.as_dtype(dtype)
    dims = [int(d) for d in shape]
    if not file_path:
        if file_id:
            raise ValueError(
                f"FileConstant: file_id={file_id!r} is resolved by the device's weight-file table, which "
                "ascend-sim does not have; pass file_path= (the binary file) instead"
            )
        raise ValueError("FileConstant: one of file_path or file_id must be given")
    path = file_path.decode() if isinstance(file_path, bytes) else str(file_path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"FileConstant: file_path {path!r} does not exist")
    want = int(np.prod(dims, dtype=np.int64)) * dt.size
    have = os.path.getsize(path)
    if have != want:
        raise ValueError(f"FileConstant: {path!r} holds {have} bytes but shape {dims} of {dt.name} needs {want}")
    raw = io_ops.read_file(path)
    if dt in _BYTE_TYPES:
        values = parsing_ops.decode_raw(raw, dt)
    else:
        values = array_ops.bitcast(array_ops.reshape(parsing_ops.decode_raw(raw, dtypes.uint8), [-1, dt.size]), dt)
    return array_ops.reshape(values, dims)
