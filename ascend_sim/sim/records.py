"""What a simulation produces: one record per task execution and per iteration, gathered in a Profile.

The profiling writers (op_summary / op_statistic / step_trace CSVs, timeline, summary, HTML) read only these
records; they never compute costs. Times are microseconds from the start of the simulated run, as msprof
reports them (reference ascend910.md §4).

``TaskRecord``: one task of one iteration, with msprof's op_summary fields (``task_type``, ``stream_id``,
``task_id``, ``start_us``, ``duration_us`` = dispatch + execution, ``wait_us`` = gap after the previous task
on the same stream, ``block_dim``), the task's :class:`~ascend_sim.ops.cost.Cost`, the tensor columns
(shapes, dtypes, formats) and where it came from (TF ``origin`` nodes, ``fused_from`` parts, ``phase``).

``StepRecord``: one iteration's step trace (msprof step_trace: FP Start, BP End, Iteration End, Iteration
Time, FP to BP Time, Iteration Refresh, Data Aug Bound, Reduce Start / Duration pairs) plus what the
emulator knows besides (host loop overhead paid before it, GetNext window).

``Profile``: the records of one simulation (or several appended), the hardware and options they were
simulated with, and summary helpers (``ascend_sim.sim.stats``).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ascend_sim.ops.cost.record import Cost
from ascend_sim.sim import stats

HOST_TASK_TYPE = "HOST"       # a task with no device work (msprof has no row for it)


@dataclass(frozen=True, slots=True)
class TaskRecord:
    """One execution of one task.

    ``duration_us`` is msprof's Task Duration: the per-task dispatch overhead ``launch_us`` (the preset's
    launch / AI CPU latency) plus the execution ``cost.duration_us(hw)``. ``aicore_time_us`` is msprof's
    aicore_time (AI Core cycles at the preset clock; 0 for tasks off the AI Cores). ``index`` is the task's
    position in the lowered Program; ``task_id`` its position on its stream (the same every iteration, as a
    sunk model's task list is loaded once). ``bound`` is ``cost.bound``, kept to save recomputing it.
    """

    name: str
    op_type: str
    task_type: str
    unit: str
    stream_id: int
    task_id: int
    iteration_id: int
    start_us: float
    duration_us: float
    wait_us: float
    block_dim: int
    launch_us: float
    aicore_time_us: float
    cost: Cost
    bound: str = ""
    input_shapes: tuple = ()
    input_dtypes: tuple = ()
    input_formats: tuple = ()
    output_shapes: tuple = ()
    output_dtypes: tuple = ()
    output_formats: tuple = ()
    origin: tuple = ()
    fused_from: tuple = ()
    phase: str = "OTHER"
    index: int = 0

    @property
    def end_us(self) -> float:
        return self.start_us + self.duration_us

    @property
    def exec_us(self) -> float:
        """Execution time without the dispatch overhead."""
        return self.duration_us - self.launch_us

    @property
    def on_device(self) -> bool:
        return self.task_type != HOST_TASK_TYPE


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One iteration's step trace (msprof step_trace columns, all µs).

    ``fp_bp_time_us`` = ``bp_end_us`` − ``fp_start_us``; ``grad_refresh_bound_us`` (msprof "Iteration
    Refresh") = ``end_us`` − ``bp_end_us``; ``data_aug_bound_us`` = ``fp_start_us`` − the previous
    iteration's end (None for iteration 0, msprof's N/A); ``iteration_time_us`` = ``end_us`` − the previous
    iteration's end (the run's start for the first). ``start_us`` is when the iteration could begin: the
    previous iteration's end, plus ``host_us`` (the host loop overhead) for the first iteration of a loop.
    ``reduce`` holds (start_us, duration_us) per AllReduce task; ``getnext_*`` the sunk GetNext window.
    """

    iteration_id: int
    loop_id: int
    start_us: float
    fp_start_us: float
    bp_end_us: float
    end_us: float
    iteration_time_us: float
    fp_bp_time_us: float
    grad_refresh_bound_us: float
    data_aug_bound_us: float | None
    host_us: float = 0.0
    reduce: tuple = ()
    getnext_start_us: float | None = None
    getnext_end_us: float | None = None

    @property
    def iteration_refresh_us(self) -> float:
        """msprof's current name for ``grad_refresh_bound_us``."""
        return self.grad_refresh_bound_us


@dataclass(frozen=True)
class Profile:
    """Task and step records of a simulated run, with the context they were produced in.

    ``options`` is the Program's options object (NpuOptions) as given; ``iterations_per_loop`` the value the
    scheduler used. ``batch`` (samples per iteration) gives throughput when known; ``batch_source`` says where
    it came from. ``unknown_ops`` / ``host_nodes`` / ``warnings`` / ``memory_peak_bytes`` are the lowered
    Program's, ``warnings`` extended by the scheduler's.
    """

    tasks: tuple
    steps: tuple
    hw_name: str
    ai_core_count: int
    ai_core_clock_mhz: float
    options: object = None
    iterations_per_loop: int = 1
    batch: int | None = None
    batch_source: str = ""
    unknown_ops: tuple = ()
    host_nodes: tuple = ()
    warnings: tuple = ()
    memory_peak_bytes: int = 0
    policy: object = field(default=None, compare=False)

    # ---- views -----------------------------------------------------------------------------
    @property
    def device_tasks(self) -> tuple:
        """Tasks that run on the device (HOST tasks left out)."""
        return tuple(t for t in self.tasks if t.on_device)

    @property
    def iterations(self) -> int:
        return len(self.steps)

    @property
    def span_us(self) -> float:
        """Wall time of the run: first iteration's start (before its host overhead) to the last one's end."""
        if not self.steps:
            return 0.0
        first = self.steps[0]
        return self.steps[-1].end_us - (first.start_us - first.host_us)

    def step_time_us(self) -> float:
        """Mean iteration time (host loop overhead amortised over the loop's iterations)."""
        return stats.mean([s.iteration_time_us for s in self.steps])

    def throughput_per_s(self) -> float | None:
        """Samples per second at ``step_time_us``; None when the batch size is unknown."""
        step = self.step_time_us()
        return None if not self.batch or step <= 0 else self.batch / step * stats.US_PER_S

    # ---- aggregates (see ascend_sim.sim.stats) -----------------------------------------------
    def total_us_by(self, key: str = "unit") -> dict:
        """Summed Task Duration of device tasks per ``unit`` / ``task_type`` / ``op_type`` / ``stream_id``."""
        return stats.total_by(self.device_tasks, key)

    def busy_ratio(self, task_type: str = "AI_CORE") -> float:
        """Share of the run's span during which tasks of ``task_type`` execute (dispatch excluded)."""
        return stats.busy_ratio(self.tasks, task_type, self.span_us)

    def op_stats(self, by: str = "op_type") -> tuple:
        """Per op type (``by="op_type"``, op_statistic-like) or per op name (``by="name"``), slowest first."""
        return stats.op_stats(self.device_tasks, by)

    def top_ops(self, k: int = 15, by: str = "op_type") -> tuple:
        return self.op_stats(by)[:k]

    def bound_shares(self) -> dict:
        """Share of AI Core task time per bounding pipe class (cube / vector / scalar / movement)."""
        return stats.bound_shares(self.device_tasks)

    def pipe_ratios(self) -> dict:
        """Busy cycles of each AI Core pipe over all AI Core task cycles (msprof's *_ratio, run-wide)."""
        return stats.pipe_ratios(self.device_tasks)

    def share_of(self, op_types) -> float:
        """Share of device task time spent in tasks of the given op types."""
        return stats.share_of(self.device_tasks, op_types)

    def extended(self, other: "Profile") -> "Profile":
        """This profile followed by ``other`` (simulated with ``start_us`` / ``first_iteration`` continuing
        this one, as a session runtime appends run after run)."""
        if other.hw_name != self.hw_name:
            raise ValueError(f"cannot append a profile simulated on {other.hw_name!r} to one on {self.hw_name!r}")
        warnings = self.warnings + tuple(w for w in other.warnings if w not in self.warnings)
        unknown = self.unknown_ops + tuple(u for u in other.unknown_ops if u not in self.unknown_ops)
        return dataclasses.replace(self, tasks=self.tasks + other.tasks, steps=self.steps + other.steps,
                                   warnings=warnings, unknown_ops=unknown,
                                   memory_peak_bytes=max(self.memory_peak_bytes, other.memory_peak_bytes))
