"""Pass ``collapse_composites``: each op npu_bridge built from TensorFlow ops becomes its one Ascend op.

npu_bridge stamps every node of such a composite with ``_ascend_composite = <instance>`` and the node that
stands for the op (an IdentityN named like upstream's node) with ``_ascend_op_type``, ``_ascend_attrs``
(JSON) and ``_ascend_num_outputs``. The composite becomes one node named like that IdentityN, of the Ascend
type (TF-style names npu_bridge uses are renamed to GE's, ``tf_op_map.NPU_RENAMES``), with:

- inputs: the real inputs the IdentityN carries after its outputs (ops with a gradient), else the edges
  entering the composite from outside, in graph order; constants the op made that its gradient also
  reads stay as ordinary constants;
- outputs: the IdentityN's first ``_ascend_num_outputs`` outputs; readers of its trailing pass-through
  outputs read the real input instead;
- attributes: the op's attributes from ``_ascend_attrs``; control edges into and out of any member.
"""
from __future__ import annotations

import json

from ascend_sim.graph.context import Context
from ascend_sim.graph.ir import Graph, Node
from ascend_sim.graph.tf_op_map import NPU_RENAMES

COMPOSITE = "_ascend_composite"
OP_TYPE = "_ascend_op_type"
ATTRS = "_ascend_attrs"
NUM_OUTPUTS = "_ascend_num_outputs"


def _groups(graph: Graph) -> dict:
    groups: dict[str, list] = {}
    for node in graph:
        instance = node.attrs.get(COMPOSITE)
        if instance:
            groups.setdefault(instance, []).append(node)
    return groups


def _collapse(graph: Graph, ctx: Context, instance: str, members: list, readers: dict) -> None:
    heads = [m for m in members if m.attrs.get(OP_TYPE)]
    if not heads and all(m.op == "Const" for m in members):
        return                  # the op itself was pruned; constants it made for its gradient remain
    if len(heads) != 1:
        ctx.warn(f"npu_bridge composite {instance!r} has {len(heads)} nodes naming its op type; left as "
                 f"TensorFlow ops")
        return
    head = heads[0]
    every = {m.name for m in members}
    kept = [m for m in members if m.op == "Const" and any(r not in every for r, _ in readers.get(m.name, ()))]
    for m in kept:              # a constant the op made for its gradient: an ordinary constant from now on
        del m.attrs[COMPOSITE]
    members = [m for m in members if m not in kept]
    names = {m.name for m in members}
    n_out = int(head.attrs.get(NUM_OUTPUTS, len(head.outputs)))
    if len(head.inputs) > n_out and all(src not in names for src, _ in head.inputs[n_out:]):
        inputs = list(head.inputs[n_out:])
    else:
        inputs = list(dict.fromkeys(e for m in members for e in m.inputs if e[0] not in names))
    control = list(dict.fromkeys(c for m in members for c in m.control if c not in names))
    try:
        attrs = json.loads(head.attrs.get(ATTRS) or "{}")
    except json.JSONDecodeError:
        attrs = {}
    op_type = head.attrs[OP_TYPE]
    op_type = NPU_RENAMES.get(op_type, op_type)
    attrs["composite"] = instance
    collapsed = Node(head.name, op_type, inputs, list(head.outputs[:n_out]), attrs, control,
                     origin=(head.name,), tf_op=op_type, seq=head.seq, mapped=True, stateful=head.stateful)
    mapping = {(head.name, i): head.inputs[i] for i in range(n_out, len(head.outputs)) if i < len(head.inputs)}
    stray = set()
    for member in members:
        if member is head:
            continue
        for i in range(len(member.outputs)):
            mapping[(member.name, i)] = (head.name, 0)
            stray.add(member.name)
    for name in names:
        graph.remove(name)
    graph.add(collapsed)
    leaked = sorted({src for n in graph for src, _ in n.inputs if src in stray})
    if leaked:
        ctx.warn(f"npu_bridge composite {instance!r}: nodes outside it read its inner nodes {leaked[:4]}; "
                 f"they read the op's first output instead")
    graph.rewire(mapping)
    graph.retarget_control({name: [head.name] for name in names - {head.name}})


def run(graph: Graph, ctx: Context) -> Graph:
    readers = graph.consumers()
    for instance, members in _groups(graph).items():
        _collapse(graph, ctx, instance, members, readers)
    return graph
