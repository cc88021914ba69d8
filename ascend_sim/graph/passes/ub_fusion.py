"""Pass ``ub_fusion``: adjacent AI Core kernels that TBE fuses through the Unified Buffer become one task.

Patterns (reference ascend910.md §3.4, CANNDEV ``buffer_fusion/ub_fusion/ai_core``):

- ``conv_bnreduce``: Conv2D + the BNTrainingReduce reading its output (TbeConvBnreduceFusionPass, ResNet's
  "BN1"). BNTrainingUpdate still reads the conv output, so it is written to HBM all the same
  (``attrs["spilled"]``: those bytes are added back to the fused cost);
- ``eltwise_chain``: a head (a cube op: MatMul / BatchMatMul / convolution / its input gradient; a
  BNTrainingUpdate; an element-wise op) followed by up to ``MAX_ELTWISE`` element-wise ops, each the only
  reader of the previous part's output and of the same size (conv2d_reluv2, tbe_conv2d_backprop_elemwise,
  matmul + elementwise, BNUpdateEltwise(Eltwise), TbeEltwiseFusionPass).

A fused node is named after its head, typed ``FusionOp_<part types>`` (MindSpore's naming; GE's is not
published), runs on the cube when a part does, carries its parts' OpInstances (costed by
``ascend_sim.ops.fusion.fuse``), and keeps only the outputs something outside the group reads.
"""
from __future__ import annotations

from ascend_sim.graph.context import Context
from ascend_sim.graph.ir import Graph, Node
from ascend_sim.graph.program import to_instance
from ascend_sim.ops.opspec import AICORE_UNITS
from ascend_sim.ops.registry import REGISTRY

MAX_ELTWISE = 3
CUBE_HEADS = ("MatMulV2", "BatchMatMulV2", "MatMul", "BatchMatMul", "Conv2D", "Conv2DBackpropInputD",
              "Conv2DBackpropInput", "DepthwiseConv2D")
VECTOR_HEADS = ("BNTrainingUpdate",)
CONV_BN = ("Conv2D", "BNTrainingReduce")


def _eltwise(node: Node) -> bool:
    spec = REGISTRY.get(node.op)
    return spec is not None and spec.family == "elementwise" and node.unit in AICORE_UNITS and not node.parts


class _Fuser:
    def __init__(self, graph: Graph, ctx: Context):
        self.graph, self.ctx = graph, ctx
        self.order = graph.topo_order()
        self.pos = {n.name: i for i, n in enumerate(self.order)}
        self.readers = graph.consumers()
        self.inputs = {n.name: list(n.inputs) for n in graph}
        self.control_readers = graph.control_consumers()
        self.fetched = set(graph.fetch_nodes())
        self.taken: set = set()

    def _reads(self, reader: str, pos: int) -> int:
        return self.inputs[reader][pos][1]

    def _next(self, node: Node, intermediate: bool):
        """The one node reading output 0 of ``node`` (once); an intermediate part's other outputs must be
        unread too, a head's may be read elsewhere."""
        if node.name in self.fetched:
            return None
        readers = self.readers.get(node.name, [])
        of_first = [r for r, p in readers if self._reads(r, p) == 0]
        if len(of_first) != 1 or (intermediate and (len(readers) != 1 or self.control_readers.get(node.name))):
            return None
        return self.graph[of_first[0]]

    def _ready(self, node: Node, head: Node, chain: set) -> bool:
        """Every other input of ``node`` is ready before the head runs (no path around the chain)."""
        limit = self.pos[head.name]
        return all(src in chain or self.pos[src] < limit for src, _ in node.inputs) and \
            all(self.pos[c] < limit for c in node.control)

    def chain(self, head: Node) -> list:
        if head.unit not in AICORE_UNITS or head.parts:
            return []
        if head.op == CONV_BN[0]:
            for r, p in self.readers.get(head.name, []):
                bn = self.graph[r]
                if bn.op == CONV_BN[1] and bn.unit in AICORE_UNITS and r not in self.taken and p == 0 \
                        and self._reads(r, p) == 0 and self._ready(bn, head, {head.name}):
                    return [head, bn]
        if head.op not in CUBE_HEADS and head.op not in VECTOR_HEADS and not _eltwise(head):
            return []
        parts, chain = [head], {head.name}
        while len(parts) <= MAX_ELTWISE:
            nxt = self._next(parts[-1], intermediate=len(parts) > 1)
            if nxt is None or nxt.name in self.taken or nxt.name in chain or not _eltwise(nxt) \
                    or not self._ready(nxt, head, chain):
                break
            if not nxt.outputs or tuple(nxt.outputs[0].shape) != tuple(parts[-1].outputs[0].shape):
                break
            parts.append(nxt)
            chain.add(nxt.name)
        return parts if len(parts) > 1 else []

    def fuse(self, parts: list) -> None:
        graph, names = self.graph, {p.name for p in parts}
        head = parts[0]
        outputs, mapping, spilled = [], {}, 0.0
        for p in parts:
            for i, out in enumerate(p.outputs):
                outside = [r for r, pos in self.readers.get(p.name, []) if r not in names
                           and self._reads(r, pos) == i] or (p.name, i) in graph.fetches
                if outside:
                    if p is not parts[-1] and i == 0:
                        spilled += out.desc().storage_bytes(self.ctx.hw)
                    mapping[(p.name, i)] = (head.name, len(outputs))
                    outputs.append(out)
        inputs = list(dict.fromkeys(e for p in parts for e in p.inputs if e[0] not in names))
        control = list(dict.fromkeys(c for p in parts for c in p.control if c not in names))
        instances = tuple(self.ctx.instances.get(p.name) or to_instance(graph, p) for p in parts)
        unit = "aicore_cube" if any(p.unit == "aicore_cube" for p in parts) else "aicore_vector"
        attrs = {"spilled": spilled} if spilled else {}
        fused = Node(head.name, "FusionOp_" + "_".join(p.op for p in parts), inputs, outputs, attrs, control,
                     origin=tuple(dict.fromkeys(o for p in parts for o in p.origin)), tf_op=head.tf_op,
                     seq=head.seq, mapped=True, unit=unit, parts=instances)
        for p in parts:
            graph.remove(p.name)
            self.ctx.instances.pop(p.name, None)
        graph.add(fused)
        graph.rewire(mapping)
        graph.retarget_control({p.name: [head.name] for p in parts[1:]})
        self.taken |= names


def run(graph: Graph, ctx: Context) -> Graph:
    fuser = _Fuser(graph, ctx)
    groups = []
    for node in fuser.order:
        if node.name in fuser.taken:
            continue
        parts = fuser.chain(node)
        if parts:
            fuser.taken |= {p.name for p in parts}
            groups.append(parts)
    fuser.taken = set()
    for parts in groups:
        fuser.fuse(parts)
    return graph
