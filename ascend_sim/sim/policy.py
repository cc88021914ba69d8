"""How the scheduler maps tasks to streams, and the run options it reads.

Stream model (GE's defaults as the reference describes them):

- ``COMPUTE_STREAM``: one in-order stream for AI Core tasks. GE's default stream assignment gives a training
  graph's kernels one stream, and a task occupies the AI Cores it needs for its whole duration, so AI Core
  tasks never overlap, even when ``block_dim`` is below the core count (concurrent kernels on idle cores
  would need a second AI Core stream, which GE creates only for independent branches it does not find in a
  single-chain training step: not modelled). MEMCPY_ASYNC (``dma``) tasks go here too: GE puts a copy on its
  consumer's stream.
- AI CPU tasks go on the compute stream as well and serialise with the AI Cores ("AI CPU ops sit on the same
  stream and serialise with AI Core ops", reference §3.5). ``SchedulePolicy(aicpu_own_stream=True)`` gives
  them ``AICPU_STREAM`` instead, for what-if studies.
- ``HCCL_STREAM``: collectives, in parallel with computation when ``hcom_parallel`` is on (the NPURunConfig /
  GE default), otherwise on the compute stream.
- ``DATA_STREAM``: with data sinking (``enable_data_pre_proc``), the sunk dataset's GetNext runs on the AI CPU
  from a device queue fed over PCIe by the host, ahead of use: iteration i+1's GetNext may run while
  iteration i computes. Batch j is in the device queue at ``j`` × (its bytes over PCIe) from the start of the
  run (the queue starts filling when the iterator is initialised, before the first step). Without sinking,
  a GetNext left in the program runs in line on the compute stream, after its batch has crossed PCIe.
- ``HOST_STREAM``: tasks with no device work (host ops the step waits for) take no time, except fed inputs
  (Data / Placeholder, and IteratorGetNext left on the host without sinking), whose outputs cross PCIe once
  per host loop, one after another.

``iterations_per_loop`` = N: one host loop (``Session.run``) runs N device iterations; the host loop
overhead is paid once per loop, before its first iteration. It is the hardware preset's
``overheads.host_loop_us`` unless ``SchedulePolicy.host_loop_us`` overrides it (``SchedulePolicy.resolved``).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

COMPUTE_STREAM = 0
HCCL_STREAM = 1
DATA_STREAM = 2
AICPU_STREAM = 3
HOST_STREAM = -1

# Op types of the sunk dataset's device-side read (reference npu_bridge_api.md §7: GetNext / DynamicGetNextV2 /
# AdpGetNext inside the GeOp).
SUNK_INPUT_TYPES = frozenset({"GetNext", "DynamicGetNext", "DynamicGetNextV2", "AdpGetNext"})
# Host tasks whose outputs the host feeds the device each Session.run: graph inputs (Placeholder becomes GE's
# Data) and, without data sinking, the input pipeline's IteratorGetNext left on the host.
FED_INPUT_TYPES = frozenset({"Data", "Placeholder", "IteratorGetNext", "IteratorGetNextSync"})

OPTION_DEFAULTS = {"iterations_per_loop": 1, "enable_data_pre_proc": True, "hcom_parallel": True}


@dataclass(frozen=True)
class SchedulePolicy:
    """Scheduler choices (see the module docstring). ``host_loop_us`` None: the hardware preset's
    ``overheads.host_loop_us``; a number overrides it (what-if studies, tests)."""

    host_loop_us: float | None = None
    aicpu_own_stream: bool = False

    def __post_init__(self):
        if self.host_loop_us is None:
            return
        if isinstance(self.host_loop_us, bool) or not isinstance(self.host_loop_us, (int, float)) \
                or self.host_loop_us < 0:
            raise ValueError(f"SchedulePolicy.host_loop_us must be a number >= 0 or None (the preset's "
                             f"overheads.host_loop_us), got {self.host_loop_us!r}")

    def resolved(self, hw) -> "SchedulePolicy":
        """This policy with ``host_loop_us`` filled from ``hw.overheads.host_loop_us`` when it is None."""
        if self.host_loop_us is not None:
            return self
        return dataclasses.replace(self, host_loop_us=float(hw.overheads.host_loop_us))


@dataclass(frozen=True)
class RunOptions:
    """The options the scheduler reads from ``Program.options``."""

    iterations_per_loop: int = 1
    data_sinking: bool = True
    hcom_parallel: bool = True


def _get(options, name: str):
    if options is None:
        return None
    if isinstance(options, Mapping):
        return options.get(name)
    return getattr(options, name, None)


def run_options(options) -> RunOptions:
    """Read ``iterations_per_loop``, ``enable_data_pre_proc`` and ``hcom_parallel`` from an options object
    (NpuOptions or a mapping); absent or None values take their defaults. A GetNext present in the lowered
    program means the dataset was sunk, so sinking defaults to on."""
    values = {}
    for name, default in OPTION_DEFAULTS.items():
        value = _get(options, name)
        values[name] = default if value is None else value
    n = values["iterations_per_loop"]
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"option iterations_per_loop must be a positive int, got {n!r}")
    for name in ("enable_data_pre_proc", "hcom_parallel"):
        if not isinstance(values[name], bool):
            raise ValueError(f"option {name} must be a bool, got {values[name]!r}")
    return RunOptions(n, values["enable_data_pre_proc"], values["hcom_parallel"])


def stream_of(unit: str, op_type: str, run: RunOptions, policy: SchedulePolicy) -> int:
    """The stream a task of ``unit`` / ``op_type`` is issued on."""
    if unit == "host":
        return HOST_STREAM
    if op_type in SUNK_INPUT_TYPES and run.data_sinking:
        return DATA_STREAM
    if unit == "hccl" and run.hcom_parallel:
        return HCCL_STREAM
    if unit == "aicpu" and policy.aicpu_own_stream:
        return AICPU_STREAM
    return COMPUTE_STREAM
