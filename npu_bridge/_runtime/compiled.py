"""One run signature compiled for the emulated device: the lowered program, its simulated host loop, its stats.

A signature is what makes TensorFlow build a new executor and the real adapter a new GE graph: the ops run
(targets), the tensors fetched, and the tensors fed with their shapes. ``signature_of`` builds it from the
lists ``Session._do_run`` receives (object identities, which are stable for the graph's life: graph objects
are never removed, so a newer graph version cannot change what an existing fetch computes).

``compile_signature`` lowers the fetches' subgraph through ``ascend_sim.graph.lower`` with the session's
options and simulates one host loop of it (``ascend_sim.sim.simulate``, N device iterations when the run
is an ``iterations_per_loop`` loop). The result, ``Compiled``, is cached by the session; every later run of
the signature reuses its numbers and re-times its records (``accounting``) instead of simulating again.

A run is a *training step* when its program has gradient (BP) tasks; other runs (variable initialisation,
restores, reads of the global step, evaluation) are costed too but are not steps.
"""
from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass

from tensorflow.python.framework import errors

logger = logging.getLogger("npu_bridge.runtime")

ITERATION_OP = "IterationOp"
TRAIN, OTHER = "train", "other"
FED_OPS = ("Placeholder", "PlaceholderV2", "PlaceholderWithDefault")


class DeviceCompileError(errors.InternalError):
    """The graph compiler refused the graph (strict mode: an unsupported op), raised by ``Session.run``."""

    def __init__(self, message: str):
        super().__init__(None, None, message)


@dataclass(frozen=True)
class Compiled:
    """A compiled signature. ``program`` / ``base`` are None when it could not be costed (``error`` says why).

    ``iterations``: device iterations per ``Session.run`` (N for an IterationOp loop, else 1); ``loop_ops``:
    the ops the first N-1 iterations run. ``loop_us``: emulated time of one run (host loop overhead +
    N iterations); ``fp_us`` / ``bp_us``: device time in forward / gradient tasks per run; ``busy_us``: AI Core
    busy time per run; ``samples``: samples per run (None when the batch is unknown)."""

    kind: str
    iterations: int
    loop_ops: tuple
    names: tuple
    program: object = None
    base: object = None
    batch: int | None = None
    loop_us: float = 0.0
    fp_us: float = 0.0
    bp_us: float = 0.0
    busy_us: float = 0.0
    samples: int | None = None
    compile_s: float = 0.0
    error: str = ""

    @property
    def is_step(self) -> bool:
        return self.kind == TRAIN


def signature_of(target_list, fetch_list, feed_dict) -> tuple:
    """The cache key of a ``_do_run`` call: identities of targets / fetches / fed tensors, and feed shapes."""
    return (tuple(map(id, target_list)), tuple(map(id, fetch_list)),
            tuple((id(ref.deref()), getattr(value, "shape", None)) for ref, value in feed_dict.items()))


def iteration_ops(target_ops, fetch_tensors) -> tuple:
    """The ``IterationOp`` ops in the subgraph the run executes (the marker GeOp looks for)."""
    seen, found = set(), []
    stack = list(target_ops) + [t.op for t in fetch_tensors]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        if op.name == ITERATION_OP:
            found.append(op)
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    return tuple(found)


@contextlib.contextmanager
def _lowering_notes_held():
    """The lowering logs its notes as warnings, as ``ascend-sim analyze`` wants; a session compiles many
    internal runs (initialisers, saver, hooks), so the runtime holds them back and logs them itself."""
    graph_logger = logging.getLogger("ascend_sim.graph")
    previous = graph_logger.disabled
    graph_logger.disabled = True
    try:
        yield
    finally:
        graph_logger.disabled = previous


def _phase_us(profile, phase: str) -> float:
    return sum(t.duration_us for t in profile.tasks if t.on_device and t.phase == phase)


def compile_signature(graph, target_ops, fetch_tensors, feeds, options, hw, *, loop_n: int) -> Compiled:
    """Lower and simulate one signature (see the module docstring). ``feeds``: [(tensor, shape)].

    ``loop_n`` is the session's ``iterations_per_loop``; it applies when the run contains an IterationOp.
    Strict mode: an op the device cannot run raises DeviceCompileError naming node and op type. Otherwise a
    failure to lower or simulate is logged and the signature runs uncosted."""
    from ascend_sim.api import infer_batch
    from ascend_sim.graph import LoweringError, lower
    from ascend_sim.sim import simulate

    names = tuple(op.name for op in target_ops) + tuple(t.name for t in fetch_tensors)
    loop_ops = iteration_ops(target_ops, fetch_tensors) if loop_n > 1 else ()
    n = loop_n if loop_ops else 1
    if options.iterations_per_loop != n:
        options = options.replace(iterations_per_loop=n)
    # only graph inputs take a shape; a fed constant (Variable.load feeds an initializer) keeps its own
    feed_shapes = {t.name: tuple(shape) for t, shape in feeds if shape is not None and t.op.type in FED_OPS}
    start = time.perf_counter()
    try:
        with _lowering_notes_held():
            program = lower(graph, fetches=list(names), feed_shapes=feed_shapes or None, options=options, hw=hw)
        batch, _ = infer_batch(program, feed_shapes)
        base = simulate(program, hw, 1, batch=batch)
    except LoweringError as exc:
        if options.strict:
            raise DeviceCompileError(f"graph compile failed for the run of {', '.join(names)}: {exc}") from None
        return _uncosted(names, n, loop_ops, exc, time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001  (a lowering gap must not stop the user's training)
        return _uncosted(names, n, loop_ops, exc, time.perf_counter() - start)
    kind = TRAIN if any(t.phase == "BP" for t in program.tasks) else OTHER
    for note in program.warnings:        # a training step's compile notes are shown, the rest are debug
        logger.log(logging.INFO if kind == TRAIN else logging.DEBUG, "emulated device compile: %s", note)
    return Compiled(kind=kind, iterations=n, loop_ops=loop_ops, names=names, program=program, base=base,
                    batch=batch, loop_us=base.span_us, fp_us=_phase_us(base, "FP"), bp_us=_phase_us(base, "BP"),
                    busy_us=base.busy_ratio("AI_CORE") * base.span_us,
                    samples=batch * n if batch else None, compile_s=time.perf_counter() - start)


def _uncosted(names, n, loop_ops, exc, seconds) -> Compiled:
    shown = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
    logger.warning("emulated device: the run of %s could not be compiled for the cost model (%s: %s); it runs "
                   "on TensorFlow without emulated time", shown, type(exc).__name__, exc)
    return Compiled(kind=OTHER, iterations=n, loop_ops=loop_ops, names=names, compile_s=seconds,
                    error=f"{type(exc).__name__}: {exc}")
