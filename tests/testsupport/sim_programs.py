"""Hand-built lowered Programs for scheduler tests: Tasks from (op_type, shapes), costed by the op registry.

``task(op_type, inputs, outputs, deps=(), phase="FP", ...)`` makes one Task: tensors are given as shapes (or
TensorDescs), the unit comes from ``registry.unit_of`` and the cost from ``registry.cost`` on the given
hardware, exactly as the lowering fills them in. ``program(tasks, options=None, ...)`` numbers the tasks and
wraps them in the lowering's Program (``ascend_sim.graph.program``); ``options`` may be a plain dict.
"""
from __future__ import annotations

from ascend_sim import hw as hwlib
from ascend_sim.ops import registry
from ascend_sim.ops.desc import OpInstance, TensorDesc

from ascend_sim.graph.program import Program, Task

HW = hwlib.load()


def _desc(t, dtype: str) -> TensorDesc:
    return t if isinstance(t, TensorDesc) else TensorDesc(tuple(t), dtype)


def task(op_type: str, inputs=(), outputs=(), *, deps=(), phase: str = "FP", name: str | None = None,
         dtype: str = "float16", attrs=None, hw=HW, unit: str | None = None, origin=None) -> dict:
    """A task description (numbered by ``program``): the instance, its registry unit and cost."""
    inst = OpInstance(op_type, tuple(_desc(t, dtype) for t in inputs), tuple(_desc(t, dtype) for t in outputs),
                      attrs or {})
    return dict(name=name or op_type, op_type=op_type, unit=unit or registry.unit_of(op_type, inst),
                instance=inst, cost=registry.cost(op_type, inst, hw), origin=tuple(origin or (name or op_type,)),
                fused_from=tuple(p.op_type for p in inst.fused_from), deps=tuple(deps), phase=phase)


def program(tasks, *, options=None, fp_point=None, bp_point=None, unknown_ops=(), warnings=(),
            memory_peak_bytes=0) -> Program:
    """Number ``tasks`` (dicts from ``task``) in order; names default to op_type_i when not unique."""
    built = []
    seen: dict = {}
    for i, t in enumerate(tasks):
        name = t["name"]
        if name in seen:
            name = f"{name}_{i}"
        seen[name] = i
        built.append(Task(index=i, **{**t, "name": name}))
    return Program(tasks=tuple(built), memory_peak_bytes=memory_peak_bytes, host_nodes=(),
                   unknown_ops=tuple(unknown_ops), fp_point=fp_point, bp_point=bp_point, warnings=tuple(warnings),
                   options=options, hw_name=HW.name)


def chain(op_types_and_shapes, **kw) -> Program:
    """A straight chain: each task depends on the one before (``(op_type, inputs, outputs)`` triples)."""
    return program([task(op, ins, outs, deps=(i - 1,) if i else ()) for i, (op, ins, outs)
                    in enumerate(op_types_and_shapes)], **kw)
