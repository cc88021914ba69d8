"""The NPU overflow check shared by ``NPULossScaleOptimizer`` and ``NPUOptimizer``.

On the device, every AI Core op sets sticky overflow flags in a float-status register.  The
optimizers read it after the gradients (``NpuGetFloatStatusV2`` → int32[8], all zero = no
overflow), clear it (``NpuClearFloatStatusV2``), sum it over ranks when distributed
(``HcomAllReduce``), and call the step finite when the status is all zero.  The emulated status
op reduces over the tensors recorded with ``defs_system.watch_for_overflow`` (the gradients).
"""
from tensorflow.python.framework import indexed_slices, ops
from tensorflow.python.ops import math_ops

from npu_bridge._ops import defs_system
from npu_bridge.helper import helper

OVERFLOW_STATUS_NAME = "overflow_status_reduce_all"


def _dependency(grad):
    return grad.values if isinstance(grad, indexed_slices.IndexedSlices) else grad


def read_and_clear_status(grads, scope):
    """(status int32[8], clear op): read the float status after ``grads``, then clear it."""
    gen_npu_ops = helper.get_gen_ops()
    grads = [g for g in grads if g is not None]
    defs_system.watch_for_overflow(grads)
    with ops.name_scope(scope):
        with ops.control_dependencies([_dependency(g) for g in grads]):
            status = gen_npu_ops.npu_get_float_status_v2()
        with ops.control_dependencies([status]):
            cleared = gen_npu_ops.npu_clear_float_status_v2()
    return status, cleared


def overall_finite(status, cleared, is_distributed, name=OVERFLOW_STATUS_NAME):
    """Bool scalar ``name`` (in the caller's name scope): True when the (summed) status is all zero."""
    if is_distributed:
        from npu_bridge.hccl import hccl_ops  # pylint: disable=import-outside-toplevel

        with ops.control_dependencies([status]):
            status = hccl_ops.allreduce(status, "sum", fusion=0)
    with ops.control_dependencies([cleared]):
        return math_ops.reduce_all(math_ops.equal(status, 0), name=name)
