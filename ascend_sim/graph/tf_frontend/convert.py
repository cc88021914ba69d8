"""Import into a fresh tf.Graph (TensorFlow shape inference) and convert to the lowering IR."""
from __future__ import annotations

import logging

from ascend_sim.graph.ir import Graph, Node, TensorInfo
from ascend_sim.graph.tf_frontend.shapes import dims_of
from ascend_sim.graph.tf_frontend.sources import GraphLoadError

logger = logging.getLogger(__name__)

KEPT_PRIVATE_ATTRS = ("_ascend_op_type", "_ascend_composite", "_ascend_attrs", "_ascend_num_outputs")
SMALL_CONST_ELEMS = 64          # Const values kept in the IR (shape vectors, axes, perms)
DT_STRING = 7                   # types.proto enum


def stand_ins_of(graph_def, label: str) -> dict:
    """Nodes whose op type this TensorFlow does not register: name → op type."""
    from tensorflow.python.framework import op_def_registry

    unknown = {n.name: n.op for n in graph_def.node if op_def_registry.get(n.op) is None}
    if unknown:
        used = {}
        for n in graph_def.node:
            for i in n.input:
                src, _, idx = i.lstrip("^").partition(":")
                if src in unknown and idx and idx != "0":
                    used[src] = unknown[src]
        if used:
            raise GraphLoadError(f"{label}: op types {sorted(set(used.values()))} are not registered in this "
                                 f"TensorFlow and nodes {sorted(used)[:5]} use more than their first output; "
                                 f"expected a graph of TensorFlow ops")
        logger.warning("%s: op types %s are not registered in TensorFlow; imported as stand-ins",
                       label, sorted(set(unknown.values())))
    return unknown


def with_stand_ins(graph_def, stand_ins: dict):
    from tensorflow.core.framework import types_pb2

    edited = type(graph_def)()
    edited.CopyFrom(graph_def)
    for node in edited.node:
        if node.name in stand_ins:
            dtype = next((node.attr[k].type for k in ("T", "dtype", "out_type", "DstT") if k in node.attr),
                         types_pb2.DT_FLOAT)
            node.attr["_stand_in_inputs"].list.s.extend(i.encode() for i in node.input)
            node.op = "Placeholder"
            del node.input[:]
            for key in [k for k in node.attr if not k.startswith("_")]:
                del node.attr[key]
            node.attr["dtype"].type = dtype
    return edited


def import_graph(graph_def, label: str, hint: str = ""):
    import tensorflow.compat.v1 as tf

    graph = tf.Graph()
    try:
        with graph.as_default():
            tf.import_graph_def(graph_def, name="")
    except (ValueError, TypeError, tf.errors.OpError) as exc:
        hint = hint or "; expected a consistent GraphDef"
        raise GraphLoadError(f"{label}: TensorFlow could not import the graph ({exc}){hint}") from exc
    return graph


def _attr_value(value):
    which = value.WhichOneof("value")
    if which == "s":
        return value.s.decode("utf-8", "replace")
    if which in ("i", "f", "b"):
        return getattr(value, which)
    if which == "type":
        return _dtype_name(value.type)
    if which == "shape":
        dims = dims_of(value.shape)
        return None if dims is None else tuple(dims)
    if which == "list":
        fields = value.list.ListFields()
        if not fields:
            return ()
        desc, items = fields[0]
        if desc.name == "s":
            return tuple(x.decode("utf-8", "replace") for x in items)
        if desc.name == "type":
            return tuple(_dtype_name(x) for x in items)
        if desc.name == "shape":
            return tuple(None if dims_of(x) is None else tuple(dims_of(x)) for x in items)
        if desc.name == "func":
            return tuple(x.name for x in items)
        if desc.name == "tensor":
            return ()
        return tuple(items)
    if which == "func":
        return value.func.name
    if which == "tensor":
        return _small_tensor(value.tensor)
    return None


def _small_tensor(proto):
    from tensorflow.python.framework import tensor_util

    dims = [d.size for d in proto.tensor_shape.dim]
    count = 1
    for d in dims:
        count *= d
    if count > SMALL_CONST_ELEMS or proto.dtype == DT_STRING:
        return None
    try:
        return tensor_util.MakeNdarray(proto).tolist()
    except (ValueError, TypeError):
        return None


_DTYPE_NAMES: dict = {}


def _dtype_name(enum) -> str:
    name = _DTYPE_NAMES.get(enum)
    if name is None:
        from tensorflow.python.framework import dtypes

        try:
            name = dtypes.as_dtype(enum).base_dtype.name
        except TypeError:
            name = f"dtype_{enum}"
        _DTYPE_NAMES[enum] = name
    return name


def _tensor_info(tensor) -> TensorInfo:
    try:
        dims = tensor._shape_tuple()             # pylint: disable=protected-access  (no TensorShape built)
    except AttributeError:
        shape = tensor.shape
        dims = None if shape.rank is None else tuple(shape.as_list())
    return TensorInfo(None if dims is None else tuple(dims), _dtype_name(tensor.dtype.as_datatype_enum))


def to_ir(tf_graph, stand_ins: dict) -> Graph:
    nodes = []
    for seq, op in enumerate(tf_graph.get_operations()):
        node_def = op.node_def
        attrs = {k: _attr_value(v) for k, v in node_def.attr.items()
                 if not k.startswith("_") or k in KEPT_PRIVATE_ATTRS}
        outputs = [_tensor_info(t) for t in op.outputs]
        inputs = [(t.op.name, t.value_index) for t in op.inputs]
        op_type, stateful = op.type, bool(op.op_def.is_stateful) if op.op_def is not None else True
        if op.name in stand_ins:
            op_type, stateful = stand_ins[op.name], True
            raw = [x.decode() for x in node_def.attr["_stand_in_inputs"].list.s]
            inputs = [(s.partition(":")[0], int(s.partition(":")[2] or 0)) for s in raw if not s.startswith("^")]
            attrs["stand_in"] = True
        if op_type in ("VarHandleOp", "VariableV2", "Variable"):
            var = (tuple(attrs.get("shape") or ()), attrs.get("dtype", outputs[0].dtype))
            outputs = [outputs[0].replace(handle=var if op_type == "VarHandleOp" else None,
                                          shape=outputs[0].shape if op_type == "VarHandleOp" else var[0])]
        nodes.append(Node(op.name, op_type, inputs, outputs, attrs, [c.name for c in op.control_inputs],
                          seq=float(seq), stateful=stateful))
    graph = Graph(nodes)
    _propagate_handles(graph)
    return graph


def _propagate_handles(graph: Graph) -> None:
    """Resource outputs of pass-through ops (Identity, Enter, Switch, ...) carry their input's variable."""
    for node in graph:
        if not node.inputs:
            continue
        for i, out in enumerate(node.outputs):
            if out.dtype != "resource" or out.handle is not None:
                continue
            for src in node.inputs:
                if src[0] in graph:
                    info = graph.output(src)
                    if info.dtype == "resource" and info.handle is not None:
                        node.outputs[i] = out.replace(handle=info.handle)
                        break

