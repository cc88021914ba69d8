"""One registry row: an Ascend op type, the unit it runs on, what it accepts, and its cost function."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ascend_sim.hw.spec import DTYPE_NAMES
from ascend_sim.ops.formats import FORMATS

# Where a task runs. aicore_cube / aicore_vector: an AI Core task that keeps the cube (with its vector
# epilogue) or only the vector unit busy; aicpu: the ARM AI CPUs; hccl: a collective; dma: a runtime copy
# (MemcpyAsync) the DMA engines do; host: no device task (GE-local control flow, graph inputs, views).
UNITS = ("aicore_cube", "aicore_vector", "aicpu", "hccl", "dma", "host")
# msprof's Task Type for each unit (op_summary / timeline); host work has no device task.
TASK_TYPES = {"aicore_cube": "AI_CORE", "aicore_vector": "AI_CORE", "aicpu": "AI_CPU", "hccl": "HCCL",
              "dma": "MEMCPY_ASYNC", "host": "HOST"}
AICORE_UNITS = ("aicore_cube", "aicore_vector")
EXTRA_DTYPES = ("string", "resource", "variant", "complex64", "complex128")   # legal beyond DTYPE_NAMES


class SpecError(ValueError):
    """A malformed registry row (a family table bug)."""


@dataclass(frozen=True)
class OpSpec:
    """An Ascend op type as data.

    ``dtypes``: what the AI Core kernel accepts in input ``dtype_input`` (another dtype there places the op
    on the AI CPU, as GE does); empty for units that take anything. ``formats``: the device formats its
    tensors may be in (the format-selection pass picks among them). ``cost_fn(node, hw) -> Cost`` is pure.
    ``family`` / ``kind`` name the table and the cost model the row uses; ``note`` says where the mapping
    or the model comes from when it is not obvious.
    """

    op_type: str
    unit: str
    dtypes: tuple
    formats: tuple
    cost_fn: Callable
    family: str = ""
    kind: str = ""
    dtype_input: int = 0
    note: str = ""

    def __post_init__(self):
        if self.unit not in UNITS:
            raise SpecError(f"{self.op_type}: unit {self.unit!r} is not one of {', '.join(UNITS)}")
        bad = [d for d in self.dtypes if d not in DTYPE_NAMES and d not in EXTRA_DTYPES]
        if bad:
            raise SpecError(f"{self.op_type}: unknown dtype(s) {bad}; known: {', '.join(DTYPE_NAMES)}")
        bad = [f for f in self.formats if f not in FORMATS]
        if bad:
            raise SpecError(f"{self.op_type}: unknown format(s) {bad}; known: {', '.join(FORMATS)}")
        if not callable(self.cost_fn):
            raise SpecError(f"{self.op_type}: cost_fn must be callable")

    @property
    def task_type(self) -> str:
        return TASK_TYPES[self.unit]


def specs(names, *, unit: str, cost_fn: Callable, family: str, kind: str, dtypes=(), formats=("ND",),
          dtype_input: int = 0, note: str = "") -> tuple[OpSpec, ...]:
    """One OpSpec per name in ``names``, all sharing the rest (a family table row)."""
    if isinstance(names, str):
        names = names.split()
    return tuple(OpSpec(name, unit, tuple(dtypes), tuple(formats), cost_fn, family, kind, dtype_input, note)
                 for name in names)
