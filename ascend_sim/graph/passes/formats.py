"""Pass ``formats``: device formats per tensor (reference ascend910.md §2), with the TransData GE inserts.

What each op wants (``_demands``):

- convolutions: feature maps in NC1HWC0 (NDC1HWC0 for 3-D), weights in FRACTAL_Z (FRACTAL_Z_3D;
  C1HWNCoC0 for depthwise), the filter gradient's output a weight;
- BN split ops and pooling: 4-D tensors in NC1HWC0, per-channel vectors in NC1HWC0 ([1, C1, 1, 1, C0]);
- MatMulV2 / BatchMatMulV2: both operands and the output in FRACTAL_NZ ("NLP networks: ND↔NZ");
- element-wise ops, optimizer updates, Cast, dropout masks, views that keep the shape, control flow and
  collectives are transparent: they take the blocked format of their same-shape inputs when every other
  input broadcasts in it (a scalar, a per-channel vector in NC1HWC0, a last-dim vector in FRACTAL_NZ) and
  pass it on; variable updates take their variable's format;
- everything else (reshapes, reductions, softmax, transposes, gathers, AI CPU, host ops) reads and writes ND
  ("Reshape_Ops_Interrupts_Format").

Nodes are visited in topological order; an input whose producer's format differs from the demand gets a
``trans_TransData_<k>`` node (one per tensor and format). Variables and constants are stored in the format
their consumers demand (GE's variable format acceleration; constants are converted at compile time), and
optimizer slots in their variable's, so weights cost no TransData per step.
"""
from __future__ import annotations

from ascend_sim.graph.context import Context
from ascend_sim.graph.ir import Graph, Node
from ascend_sim.graph.precision_lists import VARIABLE_WRITERS
from ascend_sim.ops.registry import REGISTRY

ND, NZ, HD, FZ = "ND", "FRACTAL_NZ", "NC1HWC0", "FRACTAL_Z"
HD3, FZ3, DW = "NDC1HWC0", "FRACTAL_Z_3D", "C1HWNCoC0"
FLOATS = ("float16", "float32", "bfloat16")
SOURCES = ("VarHandleOp", "VariableV2", "Variable", "Const")
# op: (feature-map inputs, weight inputs, role of output 0); D forms drop the const size input.
CONV_ROLES = {
    "Conv2D": ((0,), (1,), "act"), "Conv3D": ((0,), (1,), "act"), "DepthwiseConv2D": ((0,), (1,), "act"),
    "Conv2DBackpropInputD": ((1,), (0,), "act"), "Conv2DBackpropInput": ((2,), (1,), "act"),
    "Conv3DBackpropInputD": ((1,), (0,), "act"), "Conv3DBackpropInput": ((2,), (1,), "act"),
    "DepthwiseConv2DBackpropInputD": ((1,), (0,), "act"), "DepthwiseConv2DBackpropInput": ((2,), (1,), "act"),
    "Conv2DTransposeD": ((0,), (1,), "act"), "Conv2DTranspose": ((1,), (2,), "act"),
    "Conv3DTransposeD": ((0,), (1,), "act"), "Conv3DTranspose": ((1,), (2,), "act"),
    "Conv2DBackpropFilterD": ((0, 1), (), "weight"), "Conv2DBackpropFilter": ((0, 2), (), "weight"),
    "Conv3DBackpropFilterD": ((0, 1), (), "weight"), "Conv3DBackpropFilter": ((0, 2), (), "weight"),
    "DepthwiseConv2DBackpropFilterD": ((0, 1), (), "weight"),
    "DepthwiseConv2DBackpropFilter": ((0, 2), (), "weight"),
}
# Readers that take their input in whatever format it comes (their kernels list the blocked formats) and
# write ND: the per-channel bias gradient reduces NC1HWC0 or FRACTAL_NZ directly.
ANY_INPUT_FORMAT = ("BiasAddGrad",)
RESHAPES = ("Reshape", "Squeeze", "ExpandDims", "Unsqueeze", "Flatten", "FlattenV2", "Bitcast")
AUX_INPUTS = {"ReluGradV2": (1,), "DropOutDoMask": (1, 2), "DropOutDoMaskV3": (1, 2), "DropOutDoMaskV3D": (1,)}
TRANSPARENT_KINDS = ("elementwise", "do_mask", "apply", "fused", "view", "control")


def _shape(info) -> tuple:
    return tuple(info.handle[0]) if info.handle is not None else tuple(info.shape)


def _act_format(rank: int) -> str | None:
    return {4: HD, 5: HD3}.get(rank)


def _layout(node: Node, rank: int) -> str:
    fmt = str(node.attrs.get("data_format", "NHWC" if rank == 4 else "NDHWC"))
    return fmt if len(fmt) == rank else ("NHWC" if rank == 4 else "NDHWC")


def _demands(graph: Graph, node: Node):
    """(input index → (format, origin layout)), (output index → (format, origin layout)), or None for
    transparent ops; ND everywhere for the rest."""
    spec = REGISTRY.get(node.op)
    if node.op in CONV_ROLES:
        acts, weights, out_role = CONV_ROLES[node.op]
        depthwise = node.op.startswith("Depthwise")
        ins, outs = {}, {}
        for i in acts:
            rank = len(graph.output(node.inputs[i]).shape) if i < len(node.inputs) else 0
            if _act_format(rank):
                ins[i] = (_act_format(rank), _layout(node, rank))
        for i in weights:
            rank = len(_shape(graph.output(node.inputs[i]))) if i < len(node.inputs) else 0
            if rank in (4, 5):
                ins[i] = (DW if depthwise else (FZ if rank == 4 else FZ3), "HWCN" if rank == 4 else "DHWCN")
        rank = len(node.outputs[0].shape)
        if out_role == "act" and _act_format(rank):
            outs[0] = (_act_format(rank), _layout(node, rank))
        elif out_role == "weight" and rank in (4, 5):
            outs[0] = (DW if depthwise else (FZ if rank == 4 else FZ3), "HWCN" if rank == 4 else "DHWCN")
        return ins, outs
    if spec is not None and (spec.kind == "bn" or spec.family == "pooling"):
        def want(info):
            rank = len(_shape(info))
            if info.dtype not in FLOATS:
                return None
            if rank == 1 and spec.kind == "bn":
                return (HD, ND)
            return (_act_format(rank), _layout(node, rank)) if _act_format(rank) else None
        ins = {i: w for i, e in enumerate(node.inputs) if (w := want(graph.output(e)))}
        outs = {i: w for i, o in enumerate(node.outputs) if (w := want(o))}
        return ins, outs
    if spec is not None and spec.kind == "matmul":
        ins = {i: (NZ, ND) for i in (0, 1) if i < len(node.inputs) and len(graph.output(node.inputs[i]).shape) >= 2}
        return ins, {0: (NZ, ND)} if len(node.outputs[0].shape) >= 2 else {}
    if node.op in ANY_INPUT_FORMAT:
        return {i: (graph.output(e).format, graph.output(e).origin_format) for i, e in enumerate(node.inputs)}, {}
    if node.op in RESHAPES or node.attrs.get("host_reason") or spec is None:
        return {}, {}
    if spec.kind in TRANSPARENT_KINDS or spec.unit == "hccl" or node.op in VARIABLE_WRITERS:
        return None
    return {}, {}


def _broadcasts(info_shape: tuple, fmt: str, shape: tuple, layout: str) -> bool:
    if all(d == 1 for d in info_shape):
        return True
    if len(info_shape) != 1:
        return False
    if fmt == HD and len(shape) == 4 and len(layout) == 4:
        return info_shape[0] == shape[layout.index("C")]
    return fmt == NZ and bool(shape) and info_shape[0] == shape[-1]


class _Formats:
    def __init__(self, graph: Graph, ctx: Context):
        self.graph, self.ctx = graph, ctx
        self.converted: dict = {}
        self.demand_cache: dict = {}

    def demands(self, node: Node):
        if node.op in ANY_INPUT_FORMAT:                 # depends on its inputs' formats at visit time
            return _demands(self.graph, node)
        if node.name not in self.demand_cache:
            self.demand_cache[node.name] = _demands(self.graph, node)
        return self.demand_cache[node.name]

    def convert(self, edge, fmt: str, layout: str, consumer: Node):
        key = (tuple(edge), fmt)
        if key not in self.converted:
            info = self.graph.output(edge)
            if len(info.shape) != len(layout) and layout != ND:
                layout = info.origin_format if info.origin_format != ND else ND
            node = Node(self.graph.unique_name("trans_TransData"), "TransData", [tuple(edge)],
                        [info.replace(format=fmt, origin_format=layout if fmt != ND else info.origin_format)],
                        {"src_format": info.format, "dst_format": fmt, "inserted_by": "formats"},
                        origin=consumer.origin, tf_op="TransData", seq=consumer.seq - 1e-5, mapped=True)
            self.graph.add(node)
            self.converted[key] = (node.name, 0)
        return self.converted[key]

    # ---- variables and constants: stored in the format their consumers demand
    def place_sources(self) -> None:
        consumers = self.graph.consumers()
        for node in self.graph:
            if node.op in SOURCES and node.outputs:
                wanted = self._wanted_by(node.name, consumers, set())
                if len(wanted) == 1:
                    fmt, layout = next(iter(wanted))
                    node.outputs[0] = node.outputs[0].replace(format=fmt, origin_format=layout)
        for node in self.graph:                     # optimizer slots follow their variable
            spec = REGISTRY.get(node.op)
            if node.inputs and ((spec is not None and spec.kind == "apply") or node.op in VARIABLE_WRITERS):
                var = self.graph.output(node.inputs[0])
                for edge in node.inputs[1:]:
                    src = self.graph[edge[0]]
                    if src.op in SOURCES and src.outputs[0].format == ND and _shape(src.outputs[0]) == _shape(var):
                        src.outputs[0] = src.outputs[0].replace(format=var.format, origin_format=var.origin_format)

    def _wanted_by(self, name: str, consumers: dict, seen: set) -> set:
        """Blocked formats the readers of ``name`` demand, looking through transparent readers whose
        output has the shape of what they read (the format flows through them)."""
        wanted = set()
        shape = _shape(self.graph[name].outputs[0])
        for cname, pos in consumers.get(name, ()):
            if (cname, pos) in seen:
                continue
            seen.add((cname, pos))
            consumer = self.graph[cname]
            demand = self.demands(consumer)
            if demand is None:
                flows = consumer.outputs and tuple(consumer.outputs[0].shape) == shape \
                    and consumer.op not in VARIABLE_WRITERS and REGISTRY[consumer.op].kind != "apply"
                if flows:
                    wanted |= self._wanted_by(cname, consumers, seen)
            elif pos in demand[0] and demand[0][pos][0] != ND:
                wanted.add(demand[0][pos])
        return wanted

    # ---- the forward walk
    def visit(self, node: Node) -> None:
        demand = self.demands(node)
        if demand is None:
            self._transparent(node)
            return
        ins, outs = demand
        for i, edge in enumerate(node.inputs):
            fmt, layout = ins.get(i, (ND, ND))
            info = self.graph.output(edge)
            if info.format != fmt and info.dtype != "resource":
                node.inputs[i] = self.convert(edge, fmt, layout, node)
        for i, out in enumerate(node.outputs):
            fmt, layout = outs.get(i, (ND, out.origin_format))
            if fmt != ND and len(out.shape) != len(layout) and layout != ND:
                layout = ND
            node.outputs[i] = out.replace(format=fmt, origin_format=layout)

    def _transparent(self, node: Node) -> None:
        if not node.outputs and not node.inputs:
            return
        aux = AUX_INPUTS.get(node.op, ())
        infos = [self.graph.output(e) for e in node.inputs]
        if node.op in VARIABLE_WRITERS or REGISTRY[node.op].kind == "apply":
            lead = infos[0] if infos else None
            shape = _shape(lead) if lead else ()
        else:
            shape = tuple(node.outputs[0].shape) if node.outputs else (_shape(infos[0]) if infos else ())
            lead = next((x for i, x in enumerate(infos) if i not in aux and _shape(x) == shape
                         and x.format != ND), None)
        fmt = lead.format if lead is not None else ND
        layout = lead.origin_format if lead is not None else ND
        if fmt != ND:
            for i, info in enumerate(infos):
                if i not in aux and _shape(info) != shape and not _broadcasts(_shape(info), fmt, shape, layout):
                    fmt, layout = ND, ND
                    break
        for i, edge in enumerate(node.inputs):
            info = infos[i]
            if i in aux or info.dtype == "resource" or _shape(info) != shape or info.format == fmt:
                continue
            node.inputs[i] = self.convert(edge, fmt, layout, node)
        for i, out in enumerate(node.outputs):
            if out.shape is not None and tuple(out.shape) == shape:
                node.outputs[i] = out.replace(format=fmt, origin_format=layout if fmt != ND else out.origin_format)


def run(graph: Graph, ctx: Context) -> Graph:
    state = _Formats(graph, ctx)
    state.place_sources()
    for node in graph.topo_order():
        if node.op not in SOURCES:
            state.visit(node)
    return graph
