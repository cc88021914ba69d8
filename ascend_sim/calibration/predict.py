"""Predicting a workload's step time fast enough to fit constants: lower once, re-cost and re-schedule.

``prepare(workload, hw)`` lowers a workload once (``ascend_sim.graph.lower``). ``step_time_us(prepared,
hw)`` predicts its steady step time on ``hw`` without lowering again: the AI CPU tasks are re-costed
through the op registry (their cost reads ``overheads.aicpu_ns_per_elem``), every other task keeps its
cost (the overheads a fit changes do not enter AI Core costs), and the scheduler adds the launch and
host-loop overheads of ``hw``. A loop of ``iterations_per_loop`` = N device iterations is simulated as a
loop of two: every iteration after the first repeats the second exactly (same tasks, same dependencies,
the sunk input queue ahead of use), so the mean is (first + (N − 1) · second) / N.
"""
from __future__ import annotations

import dataclasses
import logging

from ascend_sim.api import resolve_options
from ascend_sim.ops import registry

logger = logging.getLogger(__name__)
OVERHEAD_SECTION = "overheads"


@dataclasses.dataclass(frozen=True)
class Prepared:
    """A lowered workload: ``key``, ``program``, ``batch`` and its ``iterations_per_loop``."""

    key: str
    program: object
    batch: int
    iterations_per_loop: int


def with_values(hw, values: dict):
    """``hw`` with some ``overheads.*`` values replaced (``{"overheads.aicore_task_launch_us": 5.0}``)."""
    changes = {}
    known = {f.name for f in dataclasses.fields(hw.overheads)}
    for path, value in values.items():
        section, _, name = path.partition(".")
        if section != OVERHEAD_SECTION or name not in known:
            raise KeyError(f"cannot set {path!r}: only {', '.join(f'{OVERHEAD_SECTION}.{k}' for k in sorted(known))} "
                           f"are fitted")
        changes[name] = float(value)
    return dataclasses.replace(hw, overheads=dataclasses.replace(hw.overheads, **changes))


def prepare(workload, hw) -> Prepared:
    """Lower ``workload`` (a ``workloads.Workload``) for ``hw``."""
    from ascend_sim import graph

    options = resolve_options(workload.options)
    program = graph.lower(workload.graph, fetches=workload.fetches, options=options, hw=hw, batch=workload.batch)
    logger.info("lowered %s: %d tasks", workload.name, len(program.tasks))
    return Prepared(workload.name, program, workload.batch, options.iterations_per_loop)


def recost(program, hw):
    """``program`` with its AI CPU tasks costed on ``hw`` (AI Core task costs do not read the overheads)."""
    tasks = tuple(dataclasses.replace(t, cost=registry.cost(t.op_type, t.instance, hw)) if t.unit == "aicpu" else t
                  for t in program.tasks)
    return dataclasses.replace(program, tasks=tasks)


def two_iteration_program(program):
    """``program`` set to run two device iterations per host loop."""
    from ascend_sim.options import NpuOptions

    options = program.options if program.options is not None else NpuOptions()
    if not isinstance(options, NpuOptions):
        options = resolve_options(options)
    return dataclasses.replace(program, options=options.replace(iterations_per_loop=2))


def step_time_us(prepared: Prepared, hw) -> float:
    """Mean step time of ``prepared`` on ``hw`` over one host loop of its ``iterations_per_loop`` iterations."""
    from ascend_sim.sim import simulate

    n = prepared.iterations_per_loop
    program = recost(prepared.program, hw)
    if n == 1:
        return simulate(program, hw, 1).step_time_us()
    first, second = (s.iteration_time_us for s in simulate(two_iteration_program(program), hw, 1).steps)
    return (first + (n - 1) * second) / n
