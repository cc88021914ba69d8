"""Run an op's computation as one call of an ``ascend_sim.kernels`` numba kernel inside the graph.

The Gelu and DropOut ops (``defs_activation``, ``defs_dropout``) compute their result with a
``tf.numpy_function`` that calls the fused kernel, instead of a chain of TensorFlow ops: one pass
over memory, no intermediate tensors.  The node standing for the op keeps its name, its
``_ascend_op_type`` tag and its gradient (the registry wraps the builder as before).

``ASCEND_SIM_PORTABLE_OPS=1`` (read each time an op is built) selects the composite TensorFlow ops
instead: slower, but the graph then contains only standard TensorFlow ops, so it can be exported
as a SavedModel / GraphDef and run without this Python process.

Nothing here imports numba: ``ascend_sim.kernels`` is imported the first time a kernel runs.
"""
import os

from tensorflow.python.framework import dtypes, ops
from tensorflow.python.ops import script_ops

PORTABLE_ENV = "ASCEND_SIM_PORTABLE_OPS"


def portable() -> bool:
    """True when ``ASCEND_SIM_PORTABLE_OPS`` asks for composite TensorFlow ops."""
    return os.environ.get(PORTABLE_ENV, "").strip().lower() not in ("", "0", "false", "no", "off")


def kernels():
    """The ``ascend_sim.kernels`` module (imported on first use)."""
    from ascend_sim import kernels as module  # pylint: disable=import-outside-toplevel

    return module


def numpy_op(fn, inputs, dtype, shape, name, stateful=False):
    """``fn(*numpy inputs)`` as one graph node with output ``dtype`` and static ``shape``."""
    out = script_ops.numpy_function(fn, inputs, dtype, stateful=stateful, name=name)
    out.set_shape(shape)
    return out


def check_dtype(op_type, arg, tensor, legal):
    """TypeError naming ``arg`` and the legal dtypes when ``tensor``'s dtype is not one of them."""
    if tensor.dtype.base_dtype not in legal:
        names = ", ".join(d.name for d in legal)
        raise TypeError(f"{op_type}: {arg} must be {names}; got a {tensor.dtype.name} tensor")


def like(value, ref, arg, op_type):
    """``value`` as a tensor of ``ref``'s dtype and a shape compatible with ``ref``'s (errors name ``arg``)."""
    given = getattr(value, "dtype", None)  # tensors, variables, numpy arrays; not Python numbers/lists
    if given is not None and dtypes.as_dtype(given).base_dtype != ref.dtype.base_dtype:
        raise TypeError(f"{op_type}: {arg} must have the dtype of features ({ref.dtype.name}); "
                        f"got a {dtypes.as_dtype(given).name} tensor")
    t = ops.convert_to_tensor(value, dtype=ref.dtype, name=arg)
    if not t.shape.is_compatible_with(ref.shape):
        raise ValueError(f"{op_type}: {arg} must have the shape of features {ref.shape}; got {t.shape}")
    return t


FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)
