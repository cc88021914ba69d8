"""Graph scopes that mark ops for the NPU graph compiler (upstream ``npu_scope.py``).

Each attribute scope stamps a private node attribute on every op created inside it (through
``Graph._attr_scope``); the emulator's graph frontend reads them like GE would (for example
``_without_npu_compile`` keeps an op on the host).  ``npu_recompute_scope`` and
``npu_graph_slice_scope`` are name scopes whose names GE recognises.
"""
import contextlib

from tensorflow.core.framework import attr_value_pb2
from tensorflow.python.framework import ops
from tensorflow.python.util import compat

from npu_bridge.estimator.npu import util
from npu_bridge.estimator.npu.npu_config import NpuExecutePlacement


@contextlib.contextmanager
def _attr_scope(attrs):
    with ops.get_default_graph()._attr_scope(attrs):  # pylint: disable=protected-access
        yield


def without_npu_compile_scope():
    """Ops created inside stay on the host (``_without_npu_compile=True``)."""
    return _attr_scope({"_without_npu_compile": attr_value_pb2.AttrValue(b=True)})


def npu_variable_scope(placement=NpuExecutePlacement.ALL):
    """Stamp ``_variable_placement=<placement.value>``; ``placement`` must be an NpuExecutePlacement."""
    if not isinstance(placement, NpuExecutePlacement):
        raise ValueError(
            f"placement value must be a member of NpuExecutePlacement {[p.name for p in NpuExecutePlacement]}, "
            f"got {placement!r}"
        )
    return _attr_scope({"_variable_placement": attr_value_pb2.AttrValue(s=compat.as_bytes(placement.value))})


def keep_dtype_scope():
    """Ops created inside keep their original dtype whatever the precision mode (``_keep_dtype=1``)."""
    return _attr_scope({"_keep_dtype": attr_value_pb2.AttrValue(i=1)})


def npu_stage_scope(stage):
    """Ops created inside form pipeline stage ``stage`` (``_stage_level``)."""
    return _attr_scope({"_stage_level": attr_value_pb2.AttrValue(i=stage)})


def npu_mem_type_scope():
    """Outputs of ops created inside use the special memory type (``_output_memory_type=1``)."""
    return _attr_scope({"_output_memory_type": attr_value_pb2.AttrValue(i=1)})


def npu_weight_prefetch_scope(buffer_pool_id=0, buffer_pool_size=536870912):
    """Prefetch ops created inside use buffer pool ``buffer_pool_id`` of ``buffer_pool_size`` bytes."""
    return _attr_scope({
        "_buffer_pool_id": attr_value_pb2.AttrValue(i=buffer_pool_id),
        "_buffer_pool_size": attr_value_pb2.AttrValue(i=buffer_pool_size),
    })


def op_specified_engine_scope(engine_name, kernel_lib_name):
    """Ops created inside run on engine ``engine_name`` with kernel library ``kernel_lib_name``."""
    return _attr_scope({
        "_specified_engine_name": attr_value_pb2.AttrValue(s=compat.as_bytes(engine_name)),
        "_specified_kernel_lib_name": attr_value_pb2.AttrValue(s=compat.as_bytes(kernel_lib_name)),
    })


def npu_qos_label_scope(label):
    """Ops created inside carry quality-of-service label ``label`` (``_qos_service_label``)."""
    return _attr_scope({"_qos_service_label": attr_value_pb2.AttrValue(i=label)})


def subgraph_multi_dims_scope(index):
    """Ops created inside belong to multi-dims subgraph ``index`` (``_subgraph_multi_dims_index``)."""
    return _attr_scope({"_subgraph_multi_dims_index": attr_value_pb2.AttrValue(i=index)})


def npu_optimizer_scope():
    """Ops created inside are optimizer ops (``_optimizer=True``)."""
    return _attr_scope({"_optimizer": attr_value_pb2.AttrValue(b=True)})


def npu_recompute_scope():
    """Name scope ``NpuRecompute``: GE recomputes the forward ops inside during backprop."""
    return ops.name_scope_v2("NpuRecompute")


def npu_graph_slice_scope(slice_num=None):
    """Name scope ``SliceNum-<n>-NpuGraphSlicing<n>`` (``slice_num`` a positive int or None)."""
    if slice_num is not None:
        util.check_positive_integer(slice_num, "slice_num")
    return ops.name_scope_v2(f"SliceNum-{slice_num}-NpuGraphSlicing{slice_num}")
