"""``lower(graph_or_path, fetches=None, feed_shapes=None, options=None, hw=None, batch=None) -> Program``.

Reads the graph (``tf_frontend.load``), runs the pass ``PIPELINE`` (``ascend_sim.graph.pipeline``) and
builds the ``Program`` (``ascend_sim.graph.program``) with every task costed by
``ascend_sim.ops.registry.cost``. ``options`` is an ``NpuOptions``, an NpuOptimizer ``parameter_map``
(protobuf map or dict) or None (defaults); ``hw`` a ``HardwareSpec``, a preset name or path, or None
(Ascend910A).
"""
from __future__ import annotations

import contextlib
import gc
from collections.abc import Mapping

from ascend_sim import hw as hw_module
from ascend_sim.graph import pipeline, program, tf_frontend
from ascend_sim.graph.context import Context
from ascend_sim.hw.spec import HardwareSpec
from ascend_sim.options import NpuOptions


def resolve_options(options) -> NpuOptions:
    if options is None:
        return NpuOptions()
    if isinstance(options, NpuOptions):
        return options
    if isinstance(options, Mapping) or hasattr(options, "items"):
        return NpuOptions.from_parameter_map(options)
    raise TypeError(f"options must be NpuOptions, a parameter_map or None, got {type(options).__name__}")


def resolve_hw(hw) -> HardwareSpec:
    if hw is None:
        return hw_module.load()
    if isinstance(hw, HardwareSpec):
        return hw
    return hw_module.load(hw)


@contextlib.contextmanager
def _cycle_collector_paused():
    """Lowering allocates many short-lived objects next to TensorFlow's large graph of Python objects; the
    cycle collector's full passes over the latter cost a third of the time and free nothing of ours."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def lower(graph_or_path, fetches=None, feed_shapes=None, options=None, hw=None, batch=None) -> program.Program:
    """The lowered, costed program of a TensorFlow graph (see the module docstring)."""
    with _cycle_collector_paused():
        return _lower(graph_or_path, fetches, feed_shapes, options, hw, batch)


def _lower(graph_or_path, fetches, feed_shapes, options, hw, batch) -> program.Program:
    ctx = Context(resolve_options(options), resolve_hw(hw))
    graph = tf_frontend.load(graph_or_path, fetches=fetches, feed_shapes=feed_shapes, batch=batch)
    frames = [f for f in graph.meta.get("while_frames", ()) if f]
    graph = pipeline.run(graph, ctx)
    if frames and any(n.tf_op in ("Enter", "RefEnter") for n in graph):
        ctx.warn(f"while loops ({', '.join(frames[:4])}): their body tasks are listed once; the trip count is "
                 f"not applied")
    return program.build(graph, ctx)
