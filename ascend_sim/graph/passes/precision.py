"""Pass ``precision``: the dtypes the precision mode gives each op, with the Casts GE inserts.

Nodes are visited in topological order; each picks the dtype T of its float inputs from its class and the
effective ``precision_mode`` (NpuOptions; ``precision_mode_v2`` translated):

- cube ops (MatMul, convolutions): the cube takes fp16 only, so fp32 operands are cast to fp16 in every
  mode but ``must_keep_origin_dtype`` (which keeps fp32, and the placement pass reports the op falling
  back to the AI CPU). Output fp16, except ``force_fp32`` / ``cube_fp16in_fp32out`` (fp32 out of L0C);
- ops writing a variable (Apply*, Assign*, scatters): the variable's dtype;
- other AI Core ops: ``force_fp16`` → fp16 where the kernel takes it; ``allow_fp32_to_fp16`` /
  ``force_fp32`` / ``cube_fp16in_fp32out`` → the graph's dtype where the kernel takes it, else fp16;
  ``must_keep_origin_dtype`` → the graph's dtype; ``allow_mix_precision*`` → white list fp16, black list
  fp32, gray list (and unlisted) fp16 when an input already is (``precision_lists``, ``modify_mixlist``);
- views follow their input; control flow, host and AI CPU ops keep the graph's dtypes.

A float input whose producer's dtype is not T gets a ``trans_Cast_<k>`` node (one per tensor and dtype;
a constant is converted at compile time instead, as GE folds it); the node's float outputs become T (BN
statistics stay fp32). A fetched tensor whose dtype changed is cast back. bf16 modes need a bf16 cube: on
a chip without one (910A) they are costed as their fp16 forms, with a warning.
"""
from __future__ import annotations

import json

from ascend_sim.graph.context import Context, LoweringError
from ascend_sim.graph.ir import Graph, Node
from ascend_sim.graph.precision_lists import (
    BLACK_LIST, FP32_INPUTS, FP32_OUTPUTS, LIST_KEYS, VARIABLE_WRITERS, WHITE_LIST,
)
from ascend_sim.ops.registry import REGISTRY

FLOATS = ("float16", "float32", "bfloat16")
FP32, FP16, BF16 = "float32", "float16", "bfloat16"
KEEP_ORIGIN = "must_keep_origin_dtype"
CUBE_FP32_OUT = ("force_fp32", "cube_fp16in_fp32out")
PREFER_ORIGIN = ("allow_fp32_to_fp16", "allow_fp32_to_bf16", "force_fp32", "cube_fp16in_fp32out")
MIXED = ("allow_mix_precision", "allow_mix_precision_fp16", "allow_mix_precision_bf16")
BF16_MODES = ("allow_mix_precision_bf16", "allow_fp32_to_bf16")


def load_mixlists(path: str) -> dict:
    """The white/black/gray sets after applying a modify_mixlist JSON file (GE's format)."""
    lists = {"white": set(WHITE_LIST), "black": set(BLACK_LIST), "gray": set()}
    if not path:
        return lists
    try:
        with open(path, encoding="utf-8") as fh:
            spec = json.load(fh)
    except (OSError, ValueError) as exc:
        raise LoweringError(f"modify_mixlist {path!r}: cannot read it as JSON ({exc}); expected "
                            f'{{"white-list": {{"to-add": [...], "to-remove": [...]}}, "black-list": ..., '
                            f'"gray-list": ...}}') from exc
    if not isinstance(spec, dict) or set(spec) - set(LIST_KEYS):
        raise LoweringError(f"modify_mixlist {path!r}: top-level keys must be among {', '.join(LIST_KEYS)}; "
                            f"got {sorted(spec) if isinstance(spec, dict) else type(spec).__name__}")
    for key, change in spec.items():
        name = LIST_KEYS[key]
        if not isinstance(change, dict) or set(change) - {"to-add", "to-remove"}:
            raise LoweringError(f"modify_mixlist {path!r}: {key!r} must map 'to-add' / 'to-remove' to lists")
        for op in change.get("to-add", ()):
            for other in lists.values():
                other.discard(op)
            lists[name].add(op)
        for op in change.get("to-remove", ()):
            lists[name].discard(op)
    return lists


class _Precision:
    def __init__(self, graph: Graph, ctx: Context):
        self.graph, self.ctx = graph, ctx
        self.mode = ctx.options.effective_precision_mode
        self.low = BF16 if self.mode in BF16_MODES else FP16
        if self.low == BF16 and BF16 not in ctx.hw.core.cube.mkn_elems:
            ctx.warn(f"precision_mode {self.mode!r}: {ctx.hw.name} has no bfloat16 cube; costed as float16")
            self.low = FP16
        self.lists = load_mixlists(ctx.options.modify_mixlist) if self.mode in MIXED else None
        self.origin = {(n.name, i): o.dtype for n in graph for i, o in enumerate(n.outputs)}
        self.casts: dict = {}

    # ---- choosing T
    def _kind(self, node: Node) -> str:
        spec = REGISTRY.get(node.op)
        if node.attrs.get("host_reason") or spec is None:
            return "pinned"
        if spec.unit == "aicore_cube":
            return "cube"
        if spec.family == "optimizer" or node.op in VARIABLE_WRITERS:
            return "variable"
        if spec.unit == "host":
            return "view" if spec.kind == "view" else "pinned"
        if spec.unit == "hccl":
            return "view"
        if spec.unit != "aicore_vector" or node.op == "Cast":
            return "pinned"
        return "vector"

    def _vector_dtype(self, node: Node, origin: str, current: list) -> str:
        dtypes = REGISTRY[node.op].dtypes
        ok = (lambda d: not dtypes or d in dtypes)
        low = self.low if ok(self.low) else origin
        if self.mode == KEEP_ORIGIN:
            return origin
        if self.mode in PREFER_ORIGIN:
            return origin if ok(origin) else low
        if self.lists is None:                       # force_fp16
            return low
        if node.op in self.lists["white"]:
            return low
        if node.op in self.lists["black"]:
            return FP32 if ok(FP32) else origin
        return low if self.low in current else (origin if ok(origin) else low)

    # ---- rewriting
    def _cast(self, edge, want: str, consumer: Node):
        key = (tuple(edge), want)
        if key in self.casts:
            return self.casts[key]
        src = self.graph[edge[0]]
        info = self.graph.output(edge).replace(dtype=want)
        if src.op == "Const":                        # GE folds a Cast of a constant at compile time
            node = Node(self.graph.unique_name(f"{src.name}_{want}"), "Const", [], [info],
                        {"dtype": want, "folded_from": "Cast"}, origin=src.origin, tf_op="Const", seq=src.seq,
                        mapped=True)
        else:
            node = Node(self.graph.unique_name("trans_Cast"), "Cast", [tuple(edge)], [info],
                        {"SrcT": self.graph.output(edge).dtype, "DstT": want, "inserted_by": "precision"},
                        origin=consumer.origin, tf_op="Cast", seq=consumer.seq - 1e-4, mapped=True)
        self.graph.add(node)
        self.casts[key] = (node.name, 0)
        return (node.name, 0)

    def visit(self, node: Node) -> None:
        floats = [i for i, e in enumerate(node.inputs) if self.graph.output(e).dtype in FLOATS]
        kind = self._kind(node)
        if kind == "view":
            for i, out in enumerate(node.outputs):
                if out.dtype in FLOATS and node.inputs:
                    src = node.inputs[min(i, len(node.inputs) - 1)]
                    dtype = self.graph.output(src).dtype
                    if dtype in FLOATS:
                        node.outputs[i] = out.replace(dtype=dtype)
            return
        origins = [self.origin[tuple(node.inputs[i])] for i in floats]
        current = [self.graph.output(node.inputs[i]).dtype for i in floats]
        pinned_in, pinned_out = FP32_INPUTS.get(node.op, ()), FP32_OUTPUTS.get(node.op, ())
        origin = next((o for i, o in zip(floats, origins) if i not in pinned_in), origins[0] if origins else None)
        if origin is None:
            return
        out_dtype = None
        if kind == "pinned":
            want = None
        elif kind == "cube":
            want = origin if self.mode == KEEP_ORIGIN or origin not in (FP32, FP16, BF16) else self.low
            out_dtype = FP32 if self.mode in CUBE_FP32_OUT and origin == FP32 else want
        elif kind == "variable":
            want = self.graph.output(node.inputs[0]).handle[1] if self.graph.output(node.inputs[0]).handle \
                else self.graph.output(node.inputs[0]).dtype
        else:
            want = self._vector_dtype(node, origin, current)
        for i, orig in zip(floats, origins):
            target = (FP32 if i in pinned_in else want) if want is not None else orig
            if self.graph.output(node.inputs[i]).dtype != target:
                node.inputs[i] = self._cast(node.inputs[i], target, node)
        if kind in ("cube", "vector"):
            out_dtype = out_dtype or want
            for i, out in enumerate(node.outputs):
                if out.dtype in FLOATS and i not in pinned_out:
                    node.outputs[i] = out.replace(dtype=out_dtype)

    def restore_fetches(self) -> None:
        fetches = []
        for f in self.graph.fetches:
            if isinstance(f, tuple) and self.graph.output(f).dtype != self.origin.get(f, self.graph.output(f).dtype):
                f = self._cast(f, self.origin[f], self.graph[f[0]])
            fetches.append(f)
        self.graph.fetches = fetches


def run(graph: Graph, ctx: Context) -> Graph:
    state = _Precision(graph, ctx)
    for node in graph.topo_order():
        state.visit(node)
    state.restore_fetches()
    return graph
