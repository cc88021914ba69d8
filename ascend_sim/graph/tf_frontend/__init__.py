"""TensorFlow → lowering IR. This package is the only place that reads TensorFlow protos and graphs.

``load(graph_or_path, fetches=None, feed_shapes=None, batch=None) -> Graph`` accepts a ``tf.Graph``, a
``GraphDef``, a ``MetaGraphDef``, a ``SavedModel`` proto, or a path: a SavedModel directory, a frozen
``.pb`` / text ``.pbtxt`` GraphDef, a ``.meta`` MetaGraphDef. Static shapes come from TensorFlow's own shape
inference: the GraphDef is imported into a fresh ``tf.Graph`` after its inputs were given the shapes the
caller knows, so

- ``feed_shapes`` ({placeholder name: shape}) sets Placeholder shapes;
- a tf.data iterator's unknown batch dimension is read from the pipeline's batch size (the Batch /
  MapAndBatch dataset op feeding the iterator);
- ``batch`` sets the leading dimension of every graph input whose leading dimension is unknown or equals
  the inputs' common batch size (a graph built at batch 32 is lowered at batch 256).

Dims still unknown after that stay ``None`` in the IR; the ``dynamic_shapes`` pass flags them, as the real
compiler does, once the graph is pruned to what the fetches need. TensorFlow op types the running
TensorFlow does not know (a frozen graph with device-only ops) are imported as stand-ins and keep their
type. A malformed, truncated or empty file raises ``GraphLoadError`` naming the file and what was expected.
"""
from __future__ import annotations

import re

from ascend_sim.graph.ir import Graph
from ascend_sim.graph.tf_frontend.convert import import_graph, stand_ins_of, to_ir, with_stand_ins
from ascend_sim.graph.tf_frontend.shapes import plain_name, resolve_input_shapes, shape_arg
from ascend_sim.graph.tf_frontend.sources import GraphLoadError, Source, read_source

DEFAULT_FETCH_EXCLUDE = re.compile(r"^(save(_\d+)?/|init(_\d+)?$|init_all_tables$|group_deps(_\d+)?$)|"
                                   r"report_uninitialized|/Initializer/|(^|/)Assign$|summar")

SKIPPED_SINK_OPS = ("Const", "VarIsInitializedOp", "IsVariableInitialized")

__all__ = ["GraphLoadError", "load", "normalize_fetch"]


def load(graph_or_path, fetches=None, feed_shapes=None, batch=None) -> Graph:
    """The IR of ``graph_or_path`` with static shapes where TensorFlow can infer them (module docstring)."""
    if batch is not None and (isinstance(batch, bool) or not isinstance(batch, int) or batch < 1):
        raise ValueError(f"batch must be a positive integer, got {batch!r}")
    source = read_source(graph_or_path)
    feed_shapes = {plain_name(k): shape_arg(k, v) for k, v in (feed_shapes or {}).items()}
    graph_def = source.graph_def
    wanted = _fetches(graph_def, fetches, source)
    edited = resolve_input_shapes(graph_def, feed_shapes, batch, source.label)
    stand_ins = stand_ins_of(graph_def, source.label)
    if source.tf_graph is not None and edited is None and not stand_ins:
        tf_graph = source.tf_graph
    else:
        graph_def = edited if edited is not None else graph_def
        graph_def = extract_sub_graph(graph_def, sorted({f[0] if isinstance(f, tuple) else f for f in wanted}))
        stand_ins = {k: v for k, v in stand_ins.items() if k in {n.name for n in graph_def.node}}
        if stand_ins:
            graph_def = with_stand_ins(graph_def, stand_ins)
        hint = ""
        if edited is not None:
            hint = ("; the new input shapes contradict the graph: constants built for its own shapes (a reshape "
                    "target, a gradient's tile multiples) do not follow feed_shapes / batch, so rebuild the graph "
                    "with an unknown batch dimension or lower it at its own sizes")
        tf_graph = import_graph(graph_def, source.label, hint)
    graph = to_ir(tf_graph, stand_ins)
    graph.meta.update(source=source.label, collections=source.collections,
                      while_frames=sorted({n.attrs.get("frame_name", "") for n in graph if n.tf_op == "Enter"}))
    for f in wanted:
        if isinstance(f, tuple) and f[1] >= len(graph[f[0]].outputs):
            raise ValueError(f"fetch {f[0]}:{f[1]}: node {f[0]!r} ({graph[f[0]].op}) has "
                             f"{len(graph[f[0]].outputs)} outputs")
    graph.fetches = wanted
    return graph


# ---------------------------------------------------------------- fetches

def normalize_fetch(fetch):
    """``"x:0"`` / a tf.Tensor → ("x", 0); ``"x"`` / ``"^x"`` / a tf.Operation → "x" (a target node)."""
    name = getattr(fetch, "name", fetch)
    if not isinstance(name, str) or not name:
        raise TypeError(f"fetches must be node or tensor names (or tf objects), got {fetch!r}")
    name = name.lstrip("^")
    match = re.fullmatch(r"(.+):(\d+)", name)
    return (match.group(1), int(match.group(2))) if match else name


def _fetches(graph_def, fetches, source: Source) -> list:
    if fetches is None:
        chosen = source.default_fetches or _sinks(graph_def)
    else:
        chosen = [fetches] if isinstance(fetches, str) or hasattr(fetches, "name") else list(fetches)
    out = [normalize_fetch(f) for f in chosen]
    names = {n.name for n in graph_def.node}
    for f in out:
        name = f[0] if isinstance(f, tuple) else f
        if name not in names:
            raise ValueError(f"fetch {f!r} names no node of {source.label}")
    return out


def _sinks(graph_def) -> list:
    """Default fetches of a bare graph: nodes nothing reads, minus initialisation, saving and summaries."""
    used = {i.lstrip("^").split(":")[0] for n in graph_def.node for i in n.input}
    return [n.name for n in graph_def.node if n.name not in used and n.op not in SKIPPED_SINK_OPS
            and not DEFAULT_FETCH_EXCLUDE.search(n.name)]


def extract_sub_graph(graph_def, names: list):
    """The part of ``graph_def`` the nodes ``names`` need (TensorFlow's own extraction)."""
    from tensorflow.python.framework import graph_util_impl

    return graph_util_impl.extract_sub_graph(graph_def, names)
