"""``ascend_sim.analyze``: cost a TensorFlow graph on the emulated Ascend 910 without running it.

``analyze(graph_or_path, fetches=None, feed_shapes=None, options=None, hw="Ascend910A", batch=None,
iterations=1) -> Profile`` lowers the graph (``ascend_sim.graph.lower``: GraphDef, tf.Graph, MetaGraphDef,
SavedModel or frozen .pb) and simulates it (``ascend_sim.sim.simulate``). ``options`` is an ``NpuOptions``,
a parameter_map-style dict (``{"precision_mode": "allow_mix_precision", "iterations_per_loop": 10}``) or None
for the defaults; ``hw`` a preset name, a preset file path or a ``HardwareSpec``. ``batch`` resolves unknown
batch dimensions and gives throughput; when it is not given, the profile's batch is the leading dimension
shared by the program's inputs (a sunk GetNext's outputs; fed inputs are not tasks of a lowered program) or
else by ``feed_shapes``, if they share one.
``format_summary(profile)`` turns the result into text.
"""
from __future__ import annotations

from collections.abc import Mapping

from ascend_sim import hw as hwlib
from ascend_sim.hw import HardwareSpec
from ascend_sim.sim import policy as pol
from ascend_sim.sim.records import Profile
from ascend_sim.sim.scheduler import simulate

INPUT_TYPES = pol.SUNK_INPUT_TYPES | pol.FED_INPUT_TYPES


def resolve_options(options):
    """An NpuOptions from None / NpuOptions / a parameter_map-style mapping (ValueError for bad values)."""
    from ascend_sim.options import NpuOptions

    if options is None or isinstance(options, NpuOptions):
        return options
    if isinstance(options, Mapping):
        return NpuOptions.from_parameter_map(options)
    raise TypeError(f"options must be an NpuOptions, a mapping of parameter_map keys or None, "
                    f"got {type(options).__name__}")


def _shared_leading_dim(named_shapes) -> tuple[int | None, str]:
    dims = {}
    for name, shape in named_shapes:
        if len(shape) >= 1:
            dims.setdefault(shape[0], name)
    if len(dims) == 1:
        (dim, name), = dims.items()
        if isinstance(dim, int) and dim > 0:
            return dim, name
    return None, ""


def infer_batch(program, feed_shapes=None) -> tuple[int | None, str]:
    """(batch, where it came from): the leading dimension shared by the program's input tasks' outputs
    (GetNext, and fed inputs kept as host tasks), else by the given ``feed_shapes``; (None, "") otherwise."""
    dim, name = _shared_leading_dim((t.name, d.shape) for t in program.tasks if t.op_type in INPUT_TYPES
                                    for d in t.instance.outputs)
    if dim is not None:
        return dim, f"leading dimension of input {name!r}"
    dim, name = _shared_leading_dim((n, tuple(s)) for n, s in (feed_shapes or {}).items())
    if dim is not None:
        return dim, f"leading dimension of feed shape {name!r}"
    return None, ""


def analyze(graph_or_path, fetches=None, feed_shapes=None, options=None, hw="Ascend910A", batch=None,
            iterations: int = 1, *, policy: pol.SchedulePolicy | None = None) -> Profile:
    """Lower ``graph_or_path`` and simulate ``iterations`` host loops of it (see the module docstring)."""
    if batch is not None and (isinstance(batch, bool) or not isinstance(batch, int) or batch < 1):
        raise ValueError(f"batch must be a positive int or None, got {batch!r}")
    spec = hw if isinstance(hw, HardwareSpec) else hwlib.load(hw)
    opts = resolve_options(options)
    from ascend_sim import graph     # lazily: the lowering imports TensorFlow

    program = graph.lower(graph_or_path, fetches=fetches, feed_shapes=feed_shapes, options=opts, hw=spec,
                          batch=batch)
    source = "given"
    if batch is None:
        batch, source = infer_batch(program, feed_shapes)
    return simulate(program, spec, iterations, batch=batch, batch_source=source, policy=policy)
