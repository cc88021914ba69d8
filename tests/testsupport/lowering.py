"""Helpers for the lowering tests: run the pipeline up to a pass, build IR graphs by hand, inspect them."""
from __future__ import annotations

from ascend_sim import hw
from ascend_sim.graph import pipeline, tf_frontend
from ascend_sim.graph.context import Context
from ascend_sim.graph.ir import Graph, Node, TensorInfo
from ascend_sim.options import NpuOptions

HW = hw.load()


def context(**options) -> Context:
    return Context(NpuOptions(**options), HW)


def before(graph_or_path, pass_name: str, fetches=None, ctx: Context | None = None, **load_kwargs):
    """(IR after every pass before ``pass_name``, the context) for a before/after test of that pass."""
    ctx = ctx or context()
    ir = tf_frontend.load(graph_or_path, fetches=fetches, **load_kwargs)
    index = pipeline.PASS_NAMES.index(pass_name)
    ir = pipeline.run(ir, ctx, passes=pipeline.PIPELINE[:index])
    return ir, ctx


def run_pass(ir: Graph, ctx: Context, pass_name: str) -> Graph:
    fn = dict(pipeline.PIPELINE)[pass_name]
    ir.invalidate()
    return fn(ir, ctx)


def ops(ir: Graph) -> list:
    return sorted(n.op for n in ir)


def by_op(ir: Graph, op: str) -> list:
    return [n for n in ir if n.op == op]


def t(shape, dtype="float16", fmt="ND", origin="ND", handle=None) -> TensorInfo:
    return TensorInfo(tuple(shape), dtype, fmt, origin, handle)


def node(name, op, inputs=(), outputs=(), unit=None, **attrs) -> Node:
    """A mapped IR node (``inputs`` as "name" or ("name", index))."""
    edges = [(i, 0) if isinstance(i, str) else tuple(i) for i in inputs]
    return Node(name, op, edges, list(outputs), dict(attrs), mapped=True, unit=unit, seq=float(len(name)))


def graph(*nodes, fetches=()) -> Graph:
    g = Graph(nodes, fetches=list(fetches))
    for i, n in enumerate(g):
        n.seq = float(i)
    return g
