"""The Ascend op registry: every op type the emulator knows, as data, and the one place that costs an op.

``REGISTRY`` maps each Ascend (GE/TBE) op type to an :class:`OpSpec` (unit, accepted dtypes and formats,
pure cost function), collected from the family tables in ``ascend_sim.ops.families``.

- ``lookup(op_type)``: the spec, or a KeyError naming the closest known types and listing all of them.
- ``registered_op_types(family=None)``: the sorted op types (of one family).
- ``unit_of(op_type, node=None)``: where the op runs: its unit, or ``aicpu`` where GE would fall back to the
  AI CPU (an unregistered type, or a dtype the AI Core kernel does not take).
- ``cost(op_type, node, hw, strict=False) -> Cost``: ``op_type`` selects the model (``node.op_type`` is not
  consulted, so a node may still carry its TF type). A node with ``attrs["fused_from"]`` is costed as one
  fused task over its parts (``ascend_sim.ops.fusion``), whatever its type.

Never a crash by default: an unregistered type, a dtype the AI Core kernel does not take, or an instance
its model rejects (missing input, impossible shape) is costed as an AI CPU kernel over the elements it
touches (the work the AI Core model counts, when it can be had with a supported dtype) with
``fallback=True`` and the reason in ``fallback_reason``. ``strict=True`` raises instead, as the real graph
compiler would (KeyError for an unknown type, CostError / DescError for the rest).
"""
from __future__ import annotations

import dataclasses
import difflib
import logging

from ascend_sim.hw.spec import FrozenMap, HardwareSpec
from ascend_sim.ops.cost.record import Cost, CostError
from ascend_sim.ops.desc import OpInstance
from ascend_sim.ops.families import FAMILIES
from ascend_sim.ops.families._common import aicpu_cost, elements_touched
from ascend_sim.ops.fusion import fuse
from ascend_sim.ops.opspec import AICORE_UNITS, TASK_TYPES, UNITS, OpSpec, SpecError

logger = logging.getLogger(__name__)

FALLBACK_UNIT = "aicpu"
CLOSE_MATCHES = 3           # suggestions in a lookup error
MODEL_ERRORS = (ValueError, IndexError, KeyError, ZeroDivisionError)   # an instance a model cannot cost

__all__ = ["FALLBACK_UNIT", "OpSpec", "REGISTRY", "TASK_TYPES", "UNITS", "cost", "lookup", "registered_op_types",
           "unit_of", "unsupported_dtype"]


def build_registry(families=FAMILIES) -> FrozenMap:
    """op type → OpSpec from the families' SPECS tables; an op type declared twice is an error."""
    table: dict[str, OpSpec] = {}
    for family in families:
        for spec in family.SPECS:
            if spec.op_type in table:
                raise SpecError(f"op type {spec.op_type!r} is declared twice: in the {table[spec.op_type].family!r} "
                                f"and {spec.family!r} families")
            table[spec.op_type] = spec
    return FrozenMap(table)


REGISTRY = build_registry()


def registered_op_types(family: str | None = None) -> tuple[str, ...]:
    return tuple(sorted(t for t, s in REGISTRY.items() if family is None or s.family == family))


def lookup(op_type: str) -> OpSpec:
    """The spec of ``op_type``; KeyError naming close matches and listing every known type otherwise."""
    spec = REGISTRY.get(op_type)
    if spec is None:
        known = registered_op_types()
        close = difflib.get_close_matches(str(op_type), known, n=CLOSE_MATCHES)
        hint = f"did you mean {', '.join(repr(c) for c in close)}? " if close else ""
        raise KeyError(f"unknown Ascend op type {op_type!r}; {hint}known op types ({len(known)}): "
                       f"{', '.join(known)}")
    return spec


def unsupported_dtype(spec: OpSpec, node: OpInstance) -> str | None:
    """The dtype of the input that picks the kernel, when the AI Core kernel does not take it."""
    if spec.unit not in AICORE_UNITS or not spec.dtypes or len(node.inputs) <= spec.dtype_input:
        return None
    dtype = node.inputs[spec.dtype_input].dtype
    return None if dtype in spec.dtypes else dtype


def unit_of(op_type: str, node: OpInstance | None = None) -> str:
    spec = REGISTRY.get(op_type)
    if spec is None or (node is not None and unsupported_dtype(spec, node)):
        return FALLBACK_UNIT
    return spec.unit


def _flag(c: Cost, reason: str) -> Cost:
    logger.debug("fallback cost: %s", reason)
    return dataclasses.replace(c, fallback=True, fallback_reason=reason)


def _retyped(node: OpInstance, old: str, new: str) -> OpInstance:
    swap = lambda descs: tuple(dataclasses.replace(d, dtype=new) if d.dtype == old else d for d in descs)  # noqa
    return dataclasses.replace(node, inputs=swap(node.inputs), outputs=swap(node.outputs))


def _on_aicpu(op_type: str, spec: OpSpec, node: OpInstance, hw: HardwareSpec, dtype: str) -> Cost:
    """GE's placement for an AI Core op given a dtype its kernel lacks: the AI CPU, doing the work the
    AI Core model counts (FLOPs or element operations) at the AI CPU's per-element rate."""
    work = elements_touched(node)
    try:
        work = max(work, int(spec.cost_fn(_retyped(node, dtype, spec.dtypes[0]), hw).flops))
    except MODEL_ERRORS:
        pass
    return _flag(aicpu_cost(node, hw, work), f"{op_type}: its AI Core kernel takes {', '.join(spec.dtypes)} "
                                             f"in input {spec.dtype_input}, not {dtype}; costed on the AI CPU")


def cost(op_type: str, node: OpInstance, hw: HardwareSpec, *, strict: bool = False) -> Cost:
    """The cost of ``node`` as an ``op_type`` task on ``hw`` (see the module docstring for fallbacks)."""
    if node.fused_from:
        parts = [(p, cost(p.op_type, p, hw, strict=strict), unit_of(p.op_type, p) == "aicore_cube")
                 for p in node.fused_from]
        return fuse(parts, hw)
    spec = REGISTRY.get(op_type)
    if spec is None:
        if strict:
            lookup(op_type)
        return _flag(aicpu_cost(node, hw), f"unregistered op type {op_type!r}: costed as an AI CPU kernel over "
                                           f"its {elements_touched(node)} input and output elements")
    dtype = unsupported_dtype(spec, node)
    if dtype is not None:
        if strict:
            raise CostError(f"{op_type}: the AI Core kernel takes {', '.join(spec.dtypes)} in input "
                            f"{spec.dtype_input}, not {dtype}")
        return _on_aicpu(op_type, spec, node, hw, dtype)
    try:
        return spec.cost_fn(node, hw)
    except MODEL_ERRORS as exc:
        if strict:
            raise
        return _flag(aicpu_cost(node, hw), f"{op_type}: its cost model rejected the instance ({exc}); costed as "
                                           f"an AI CPU kernel over its {elements_touched(node)} elements")
