"""System-control and float-status ops (upstream ``npu_ops.cc``, ``aicore/npu_mixed_precesion_ops.cc``).

Float status: the device sets sticky overflow flags in a status register; ``NpuGetFloatStatusV2``
reads them (int32[8], all zero = no overflow).  On the host there is no such register: the
emulation records, per graph, the tensors whose non-finite values the device would have flagged
(:func:`watch_for_overflow`), and a status op reduces over the tensors watched since the previous
status op of the same graph (so two loss-scaled optimizers in one graph keep separate statuses).
"""
from tensorflow.python.framework import dtypes, ops
from tensorflow.python.ops import array_ops, array_ops_stack, control_flow_ops, math_ops

from npu_bridge._ops.registry import register

FLOAT_STATUS_COLLECTION = "ascend_sim_float_status_watch"
_CONSUMED_COLLECTION = "ascend_sim_float_status_consumed"


def watch_for_overflow(tensors):
    """Record float tensors whose overflow the device's float-status register would catch."""
    graph = ops.get_default_graph()
    for t in tensors:
        if t is None:
            continue
        if hasattr(t, "values") and hasattr(t, "indices"):  # IndexedSlices
            t = t.values
        t = ops.convert_to_tensor(t)
        if t.dtype.is_floating:
            graph.add_to_collection(FLOAT_STATUS_COLLECTION, t)


def _status_from(tensors):
    flags = [math_ops.logical_not(math_ops.reduce_all(math_ops.is_finite(t))) for t in tensors]
    any_overflow = math_ops.reduce_any(array_ops_stack.stack(flags)) if flags else ops.convert_to_tensor(False)
    first = math_ops.cast(any_overflow, dtypes.int32)
    return array_ops.concat([array_ops.reshape(first, [1]), array_ops.zeros([7], dtypes.int32)], axis=0)


def _take_watched():
    """Tensors watched since the previous status read in this graph."""
    graph = ops.get_default_graph()
    watched = graph.get_collection(FLOAT_STATUS_COLLECTION)
    consumed = graph.get_collection_ref(_CONSUMED_COLLECTION)
    start = consumed[0] if consumed else 0
    consumed[:] = [len(watched)]
    return watched[start:]


@register("NpuGetFloatStatusV2", inputs=[], stateful=True)
def npu_get_float_status_v2():
    """int32[8]: element 0 is 1 when a tensor watched since the last read holds inf/nan, else zeros."""
    return _status_from(_take_watched())


@register("NpuClearFloatStatusV2", inputs=[], stateful=True)
def npu_clear_float_status_v2():
    """Clears the status register (the emulated register is recomputed per step: nothing to do)."""
    return control_flow_ops.no_op()


@register("NpuAllocFloatStatus", inputs=[], stateful=True)
def npu_alloc_float_status():
    """float32[8] zero status buffer."""
    return array_ops.zeros([8], dtypes.float32)


@register("NpuGetFloatStatus", inputs=["addr"], stateful=True)
def npu_get_float_status(addr):
    """V1 status read: float32[8], element 0 is 1.0 on overflow of a watched tensor."""
    status = math_ops.cast(_status_from(_take_watched()), dtypes.float32)
    return status + array_ops.zeros_like(addr)


@register("NpuClearFloatStatus", inputs=["addr"], stateful=True)
def npu_clear_float_status(addr):
    """V1 status clear: float32[8] zeros."""
    return array_ops.zeros_like(addr)


@register("NPUInit", inputs=[], stateful=True, wrapper_name="npu_init")
def npu_init_op():
    """Initialises the (emulated) device: a no-op."""
    return control_flow_ops.no_op()


@register("NPUShutdown", inputs=[], stateful=True, wrapper_name="npu_shutdown")
def npu_shutdown_op():
    """Shuts the (emulated) device down: a no-op."""
    return control_flow_ops.no_op()
