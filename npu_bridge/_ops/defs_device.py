"""Device-bound ops of upstream ``npu_ops.cc``, ``npu_aicore_ops.cc`` and ``npu_dataset_ops.cc``.

Emulated: the outfeed channel (``OutfeedEnqueueOp`` / ``OutfeedDequeueOp``), ``GetNext`` from a data
channel (both see :mod:`npu_bridge._ops.channels`) and ``LogTimeStamp`` (a no-op: the emulator's
profiler times every op itself).

Not emulated (building one raises ``NotImplementedError`` naming the op and the reason, see
:data:`NOT_EMULATED`): ops that run a compiled device model (GeOp, DPOP, LoadAndExecuteOm,
NpuOnnxGraphOp), the device cache LRUCacheV2, and the DeePMD-kit kernels.
"""
from tensorflow.python.framework import ops
from tensorflow.python.ops import control_flow_ops

from npu_bridge._ops import channels
from npu_bridge._ops.composite import as_text
from npu_bridge._ops.registry import REQUIRED, register

NOT_EMULATED = {
    "GeOp": "it runs a graph compiled for the device by GE",
    "DPOP": "it runs a data-preprocessing graph compiled for the device",
    "LoadAndExecuteOm": "it executes an offline model (.om) compiled for the device",
    "NpuOnnxGraphOp": "it executes an ONNX model compiled for the device",
    "LRUCacheV2": "it manages an embedding cache in device memory",
    "ProdEnvMatA": "the DeePMD-kit descriptor kernel is not emulated",
    "ProdVirialSeA": "the DeePMD-kit virial kernel is not emulated",
    "ProdForceSeA": "the DeePMD-kit force kernel is not emulated",
    "TabulateFusionSeA": "the DeePMD-kit tabulated embedding kernel is not emulated",
    "TabulateFusionSeAGrad": "the DeePMD-kit tabulated embedding kernel is not emulated",
    "TabulateFusion": "the DeePMD-kit tabulated embedding kernel is not emulated",
    "TabulateFusionGrad": "the DeePMD-kit tabulated embedding kernel is not emulated",
}


def _refuse(op_type):
    def build(**_):
        raise NotImplementedError(f"{op_type} needs the Ascend device; not emulated ({NOT_EMULATED[op_type]})")

    build.__doc__ = f"Not emulated: {NOT_EMULATED[op_type]}."
    return build


_DECLS = (
    ("GeOp", ["inputs"], (("Tout", REQUIRED), ("function", REQUIRED), ("data_format", "NHWC"))),
    ("DPOP", ["inputs"], (("Tout", REQUIRED), ("function", REQUIRED), ("data_format", "NHWC"))),
    ("LoadAndExecuteOm", ["inputs"], (("output_dtypes", REQUIRED), ("om_path", REQUIRED), ("executor_type", ""))),
    ("NpuOnnxGraphOp", ["inputs"], (("Tout", REQUIRED), ("model_path", REQUIRED))),
    ("LRUCacheV2", ["index_list", "data", "cache", "tag", "is_last_call"], (("pre_route_count", REQUIRED),)),
    ("ProdEnvMatA", ["coord", "type", "natoms", "box", "mesh", "davg", "dstd"],
     (("rcut_a", 0.0), ("rcut_r", 0.0), ("rcut_r_smth", 0.0), ("sel_a", REQUIRED), ("sel_r", REQUIRED))),
    ("ProdVirialSeA", ["net_deriv", "in_deriv", "rij", "nlist", "natoms"], (("n_a_sel", 0), ("n_r_sel", 0))),
    ("ProdForceSeA", ["net_deriv", "in_deriv", "nlist", "natoms"], (("n_a_sel", 0), ("n_r_sel", 0))),
    ("TabulateFusionSeA", ["table", "table_info", "em_x", "em"], (("last_layer_size", 128),)),
    ("TabulateFusionSeAGrad", ["table", "table_info", "em_x", "em", "dy", "descriptor"], ()),
    ("TabulateFusion", ["table", "table_info", "em_x", "em"], (("last_layer_size", 128),)),
    ("TabulateFusionGrad", ["table", "table_info", "em_x", "em", "dy", "descriptor"], ()),
)

for _op_type, _inputs, _attrs in _DECLS:
    register(_op_type, inputs=_inputs, attrs=_attrs, stateful=True)(_refuse(_op_type))


@register("LogTimeStamp", inputs=[], attrs=(("logid", REQUIRED), ("notify", REQUIRED)), stateful=True)
def log_time_stamp(logid, notify):
    """Marks a point for the device profiler; the emulated profiler times every op, so nothing to do."""
    return control_flow_ops.no_op()


@register("OutfeedEnqueueOp", inputs=["inputs"], attrs=(("channel_name", REQUIRED),), stateful=True)
def outfeed_enqueue_op(inputs, channel_name):
    """Push ``inputs`` (a list of tensors) into outfeed channel ``channel_name``."""
    values = [ops.convert_to_tensor(t) for t in (inputs if isinstance(inputs, (list, tuple)) else [inputs])]
    if not values:
        raise ValueError(f"OutfeedEnqueueOp: channel {as_text(channel_name)!r} needs at least one input tensor")
    queue = channels.channel_queue(channels.OUTFEED, channel_name, [v.dtype for v in values])
    return queue.enqueue(values)


@register("OutfeedDequeueOp", inputs=[],
          attrs=(("channel_name", REQUIRED), ("output_types", REQUIRED), ("output_shapes", REQUIRED)), stateful=True)
def outfeed_dequeue_op(channel_name, output_types, output_shapes):
    """The next element of outfeed channel ``channel_name`` (blocks until one is enqueued)."""
    return channels.dequeue(channels.OUTFEED, channel_name, output_types, output_shapes)


@register("GetNext", inputs=[],
          attrs=(("output_types", REQUIRED), ("output_shapes", REQUIRED), ("channel_name", REQUIRED)), stateful=True)
def get_next(output_types, output_shapes, channel_name):
    """The next element the host pushed into data channel ``channel_name`` (blocks until one is there)."""
    return channels.dequeue(channels.DATA, channel_name, output_types, output_shapes)
