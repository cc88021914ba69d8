"""The lowering IR: nodes with static tensor descriptions, data and control edges, attributes.

A ``Graph`` is an ordered dict of ``Node``s. A node's data inputs are ``(producer name, output index)``
pairs; its control inputs are producer names. Each output is a ``TensorInfo``: shape (a tuple; ``None`` for
an unknown dim, or ``shape is None`` for unknown rank until the frontend resolves it), dtype name, device
format and the layout of the origin shape. Resource handles (``dtype == "resource"``) carry the shape and
dtype of the variable they point to in ``handle``.

``op`` is the TensorFlow op type until the map pass sets ``mapped`` (then it is an Ascend op type);
``tf_op`` keeps the TensorFlow type and ``origin`` the TensorFlow node names a node stands for (inserted
Cast / TransData nodes take their consumer's). ``seq`` orders nodes in ``topo_order`` (graph order first;
while-loop back edges from NextIteration do not constrain the order).
Passes mutate a graph in place through the helpers here and return it.
"""
from __future__ import annotations

import dataclasses
import heapq
from dataclasses import dataclass, field

from ascend_sim.ops.desc import TensorDesc

Edge = tuple  # (producer name, output index)
BACK_EDGE_OPS = ("NextIteration", "RefNextIteration")   # while-loop back edges: not ordering constraints


class GraphError(ValueError):
    """An IR that breaks its own rules (dangling edge, cycle, duplicate name)."""


@dataclass(frozen=True)
class TensorInfo:
    shape: tuple | None
    dtype: str
    format: str = "ND"
    origin_format: str = "ND"
    handle: tuple | None = None          # resource handles: (variable shape, variable dtype)

    @property
    def static(self) -> bool:
        return self.shape is not None and all(isinstance(d, int) and d >= 0 for d in self.shape)

    def replace(self, **changes) -> "TensorInfo":
        return dataclasses.replace(self, **changes)

    def desc(self) -> TensorDesc:
        """The static TensorDesc the cost model reads (a resource handle reads as its variable)."""
        shape, dtype = self.shape, self.dtype
        if self.handle is not None:
            shape, dtype = self.handle
        if shape is None or any(d is None for d in shape):
            raise GraphError(f"tensor shape {shape} is not static")
        return TensorDesc(tuple(shape), dtype, self.format, self.origin_format)


@dataclass
class Node:
    name: str
    op: str
    inputs: list = field(default_factory=list)
    outputs: list = field(default_factory=list)
    attrs: dict = field(default_factory=dict)
    control: list = field(default_factory=list)
    origin: tuple = ()
    tf_op: str = ""
    seq: float = 0.0
    mapped: bool = False
    stateful: bool = False
    unit: str | None = None
    phase: str = ""
    parts: tuple = ()                    # a fused node: the OpInstances it was fused from, in chain order

    def __post_init__(self):
        if not self.tf_op:
            self.tf_op = self.op
        if not self.origin:
            self.origin = (self.name,)


class Graph:
    """Nodes by name (graph order), the fetched tensors / target nodes, and graph-level facts."""

    def __init__(self, nodes=(), fetches=(), meta=None):
        self.nodes: dict[str, Node] = {}
        self.fetches: list = list(fetches)        # (name, index) tensors or plain node names (targets)
        self.meta: dict = dict(meta or {})
        self._counter = 0
        self._readers = None          # producer → names of nodes reading it (data / control): a superset,
        self._control_readers = None  # kept by add / remove / rewire; passes that edit inputs directly call
        for node in nodes:            # invalidate() (the pipeline does before each pass)
            self.add(node)

    def __contains__(self, name) -> bool:
        return name in self.nodes

    def __getitem__(self, name) -> Node:
        return self.nodes[name]

    def __iter__(self):
        return iter(list(self.nodes.values()))

    def __len__(self) -> int:
        return len(self.nodes)

    def add(self, node: Node) -> Node:
        if node.name in self.nodes:
            raise GraphError(f"duplicate node name {node.name!r}")
        self.nodes[node.name] = node
        if self._readers is not None:
            for src, _ in node.inputs:
                self._readers.setdefault(src, set()).add(node.name)
            for src in node.control:
                self._control_readers.setdefault(src, set()).add(node.name)
        return node

    def remove(self, name: str) -> None:
        """Drop a node (readers of its outputs keep their edges until ``rewire`` moves them)."""
        del self.nodes[name]

    def invalidate(self) -> None:
        """Forget the reader index (after editing node inputs in place)."""
        self._readers = self._control_readers = None

    def _index(self) -> None:
        if self._readers is None:
            self._readers, self._control_readers = {}, {}
            for node in self.nodes.values():
                for src, _ in node.inputs:
                    self._readers.setdefault(src, set()).add(node.name)
                for src in node.control:
                    self._control_readers.setdefault(src, set()).add(node.name)

    def unique_name(self, base: str) -> str:
        """``base_<k>`` with the smallest k not taken (GE names inserted ops trans_TransData_<k>)."""
        while True:
            name = f"{base}_{self._counter}"
            self._counter += 1
            if name not in self.nodes:
                return name

    def output(self, edge: Edge) -> TensorInfo:
        name, index = edge
        return self.nodes[name].outputs[index]

    def fetch_nodes(self) -> list[str]:
        return [f[0] if isinstance(f, tuple) else f for f in self.fetches]

    def consumers(self) -> dict[str, list]:
        """producer name → [(consumer name, input position)], data edges only, in graph order."""
        out: dict[str, list] = {name: [] for name in self.nodes}
        for node in self.nodes.values():
            for pos, (src, _) in enumerate(node.inputs):
                out.setdefault(src, []).append((node.name, pos))
        return out

    def control_consumers(self) -> dict[str, list]:
        out: dict[str, list] = {name: [] for name in self.nodes}
        for node in self.nodes.values():
            for src in node.control:
                out.setdefault(src, []).append(node.name)
        return out

    def rewire(self, mapping: dict) -> None:
        """Point every data input and fetch listed in ``mapping`` ({old edge: new edge}) at its new edge."""
        if not mapping:
            return
        self._index()
        candidates = set()
        for name in {e[0] for e in mapping}:
            candidates |= self._readers.get(name, set())
        for cname in candidates:
            node = self.nodes.get(cname)
            if node is None:
                continue
            node.inputs = [mapping.get(tuple(e), tuple(e)) for e in node.inputs]
            for src, _ in node.inputs:
                self._readers.setdefault(src, set()).add(cname)
        self.fetches = [mapping.get(f, f) if isinstance(f, tuple) else f for f in self.fetches]

    def retarget_control(self, mapping: dict) -> None:
        """Control edges from each ``old`` name in ``mapping`` now come from ``mapping[old]`` (a list of
        names: the nodes that replaced it); target fetches follow to the last of them."""
        if not mapping:
            return
        self._index()
        candidates = set()
        for name in mapping:
            candidates |= self._control_readers.get(name, set())
        for cname in candidates:
            node = self.nodes.get(cname)
            if node is None or not any(c in mapping for c in node.control):
                continue
            new = []
            for c in node.control:
                new.extend(mapping.get(c, [c]))
            node.control = [c for c in dict.fromkeys(new) if c != node.name]
            for src in node.control:
                self._control_readers.setdefault(src, set()).add(cname)
        self.fetches = [mapping[f][-1] if isinstance(f, str) and mapping.get(f) else f for f in self.fetches]

    def check(self) -> None:
        """Every edge points at an existing node and output (raises GraphError naming the node)."""
        for node in self.nodes.values():
            for src, index in node.inputs:
                if src not in self.nodes:
                    raise GraphError(f"node {node.name!r} ({node.op}) reads missing node {src!r}")
                if index >= len(self.nodes[src].outputs):
                    raise GraphError(f"node {node.name!r} ({node.op}) reads output {index} of {src!r}, which has "
                                     f"{len(self.nodes[src].outputs)}")
            for src in node.control:
                if src not in self.nodes:
                    raise GraphError(f"node {node.name!r} has a control edge from missing node {src!r}")

    def topo_order(self) -> list[Node]:
        """Nodes in a topological order over data and control edges, graph order (``seq``) first."""
        indeg = {name: 0 for name in self.nodes}
        succ: dict[str, list] = {name: [] for name in self.nodes}
        for node in self.nodes.values():
            preds = {src for src, _ in node.inputs} | set(node.control)
            for src in preds:
                if src in succ and self.nodes[src].tf_op not in BACK_EDGE_OPS:
                    succ[src].append(node.name)
                    indeg[node.name] += 1
        heap = [(n.seq, i, n.name) for i, n in enumerate(self.nodes.values()) if indeg[n.name] == 0]
        position = {name: i for i, name in enumerate(self.nodes)}
        heapq.heapify(heap)
        order = []
        while heap:
            _, _, name = heapq.heappop(heap)
            order.append(self.nodes[name])
            for nxt in succ[name]:
                indeg[nxt] -= 1
                if indeg[nxt] == 0:
                    heapq.heappush(heap, (self.nodes[nxt].seq, position[nxt], nxt))
        if len(order) != len(self.nodes):
            stuck = sorted(n for n, d in indeg.items() if d > 0)[:10]
            raise GraphError(f"the graph has a cycle through {', '.join(stuck)}")
        return order
