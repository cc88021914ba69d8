"""The upstream summary CSVs as tables: header + rows, each column a (name, function of the record) pair.

Headers follow the current msprof export (``msprof_export_data_config.py`` at MSPROF 9ba1ac7be913, CANN 8.x;
reference ascend910.md §4.2-§4.5) with the 910A's unprefixed PipeUtilization metrics and the ``Device_id``
column exports prepend. Per file:

- ``op_summary``: one row per device task execution (HOST tasks have no row), in start-time order.
- ``op_statistic``: one row per (OP Type, Core Type) over the same rows; totals equal op_summary sums.
- ``task_time``: the current docs' per-task table (kernel name, type, stream, task, time, start, stop).
- ``step_trace``: one row per iteration, with as many Reduce Start / Reduce Duration pairs as the busiest
  iteration has all-reduces.

Values are the records' own; the only arithmetic is msprof's presentation arithmetic (ratios of a task's
pipe cycles, ``*_time(us) = aicore_time × ratio``, ``memory_bound``, sums and shares). See docs/reports.md.
"""
from __future__ import annotations

from ascend_sim.profiling import view

NA = "N/A"
TIME_DIGITS = 3
RATIO_DIGITS = 3
PERCENT = 100.0
AICORE = "AI_CORE"
# msprof's PipeUtilization order (vec first, then mac, scalar, mte1..3)
METRIC_PIPES = ("vec", "mac", "scalar", "mte1", "mte2", "mte3")
KERNEL_TYPES = {"AI_CORE": "KERNEL_AICORE", "AI_CPU": "KERNEL_AICPU"}
# GE's DataType names without their DT_ prefix (DT_FLOAT is float32, DT_DOUBLE float64, DT_BF16 bfloat16; the
# others are the TF name upper-cased), as msprof prints them in the Data Types columns.
GE_DTYPE_NAMES = {"float32": "FLOAT", "float64": "DOUBLE", "bfloat16": "BF16"}


def ge_dtype(name) -> str:
    text = str(name)
    return GE_DTYPE_NAMES.get(text, text.upper())


def us(value: float) -> str:
    return f"{value:.{TIME_DIGITS}f}"


def ratio(value: float) -> str:
    return f"{value:.{RATIO_DIGITS}f}"


def _shape(shape) -> str:
    return ",".join(str(d) for d in shape)


def _tensors(values, fn=str) -> str:
    return ";".join(fn(v) for v in values) if values else NA


def pipe_ratio(task, pipe: str) -> float:
    """Busy cycles of ``pipe`` over the task's cycles (msprof's ``{pipe}_ratio``)."""
    cycles = task.cost.cycles
    return task.cost.cycles_by_pipe.get(pipe, 0.0) / cycles if cycles else 0.0


def total_cycles(task) -> float:
    """Cycles summed over all blocks: per-block cycles (busiest core's cycles / waves) × block_dim."""
    cost = task.cost
    return cost.cycles / max(cost.waves, 1) * cost.block_dim


def memory_bound(task):
    """msprof: mte2_ratio / max(mac_ratio, vec_ratio); N/A when neither compute pipe is busy."""
    denom = max(pipe_ratio(task, "mac"), pipe_ratio(task, "vec"))
    return pipe_ratio(task, "mte2") / denom if denom else None


def _aicore(fn):
    """A metric column: N/A on rows that are not AI Core tasks (msprof prints N/A for AI CPU rows)."""
    def cell(task):
        if task.task_type != AICORE or not task.cost.cycles:
            return NA
        return fn(task)
    return cell


def _metric_columns():
    cols = [("aicore_time(us)", _aicore(lambda t: us(t.aicore_time_us))),
            ("total_cycles", _aicore(lambda t: f"{round(total_cycles(t))}"))]
    for pipe in METRIC_PIPES:
        cols.append((f"{pipe}_time(us)", _aicore(lambda t, p=pipe: us(t.aicore_time_us * pipe_ratio(t, p)))))
        cols.append((f"{pipe}_ratio", _aicore(lambda t, p=pipe: ratio(pipe_ratio(t, p)))))
    cols.append(("icache_miss_rate", lambda t: NA))          # not modelled
    cols.append(("memory_bound", _aicore(lambda t: NA if memory_bound(t) is None else ratio(memory_bound(t)))))
    return cols



OP_SUMMARY = (
    [("Device_id", lambda t, ctx: ctx["device_id"]),
     ("Model ID", lambda t, ctx: view.MODEL_ID),
     ("Task ID", lambda t, ctx: t.task_id),
     ("Stream ID", lambda t, ctx: t.stream_id),
     ("Op Name", lambda t, ctx: t.name),
     ("OP Type", lambda t, ctx: t.op_type),
     ("OP State", lambda t, ctx: "static"),                 # every shape is static after lowering
     ("Task Type", lambda t, ctx: t.task_type),
     ("Task Start Time(us)", lambda t, ctx: us(t.start_us)),
     ("Task Duration(us)", lambda t, ctx: us(t.duration_us)),
     ("Task Wait Time(us)", lambda t, ctx: us(t.wait_us)),
     ("Block Dim", lambda t, ctx: t.block_dim),
     ("Mix Block Dim", lambda t, ctx: 0),                   # 910A has no mixed cube/vector kernels
     ("HF32 Eligible", lambda t, ctx: "NO"),                # 910A has no HF32
     ("Input Shapes", lambda t, ctx: _tensors(t.input_shapes, _shape)),
     ("Input Data Types", lambda t, ctx: _tensors(t.input_dtypes, ge_dtype)),
     ("Input Formats", lambda t, ctx: _tensors(t.input_formats)),
     ("Output Shapes", lambda t, ctx: _tensors(t.output_shapes, _shape)),
     ("Output Data Types", lambda t, ctx: _tensors(t.output_dtypes, ge_dtype)),
     ("Output Formats", lambda t, ctx: _tensors(t.output_formats)),
     ("Context ID", lambda t, ctx: NA)]
    + [(name, (lambda f: lambda t, ctx: f(t))(fn)) for name, fn in _metric_columns()]
)
OP_SUMMARY_HEADER = tuple(name for name, _ in OP_SUMMARY)

OP_STATISTIC_HEADER = ("Device_id", "OP Type", "Core Type", "Count", "Total Time(us)", "Min Time(us)",
                       "Avg Time(us)", "Max Time(us)", "Ratio(%)")
TASK_TIME_HEADER = ("Device_id", "kernel_name", "kernel_type", "stream_id", "task_id", "task_time(us)",
                    "task_start(us)", "task_stop(us)")
STEP_TRACE_HEADER = ("Device_id", "Model ID", "Iteration ID", "FP Start(us)", "BP End(us)", "Iteration End(us)",
                     "Iteration Time(us)", "FP to BP Time(us)", "Iteration Refresh(us)", "Data Aug Bound(us)")
REDUCE_COLUMNS = ("Reduce Start(us)", "Reduce Duration(us)")


DYNAMIC_COLUMNS = {"Task Start Time(us)": lambda t: us(t.start_us), "Task Duration(us)": lambda t: us(t.duration_us),
                   "Task Wait Time(us)": lambda t: us(t.wait_us)}
_DYNAMIC = [(OP_SUMMARY_HEADER.index(name), fn) for name, fn in DYNAMIC_COLUMNS.items()]


def op_summary(profile, device_id: int = 0):
    """Rows in start-time order; the columns that do not change between iterations are computed once per task."""
    ctx = {"device_id": device_id}
    static: dict = {}
    rows = []
    for t in view.device_tasks(profile):
        key = view.static_key(t)
        template = static.get(key)
        if template is None:
            template = static[key] = [fn(t, ctx) for _, fn in OP_SUMMARY]
        row = list(template)
        for i, fn in _DYNAMIC:
            row[i] = fn(t)
        rows.append(row)
    return OP_SUMMARY_HEADER, rows


def op_statistic(profile, device_id: int = 0):
    """Per (OP Type, Core Type): count, total / min / avg / max Task Duration, share of all rows' time."""
    groups: dict = {}
    for t in profile.device_tasks:
        groups.setdefault((t.op_type, t.task_type), []).append(t.duration_us)
    grand = sum(sum(v) for v in groups.values())
    stats = sorted(((k, len(v), sum(v), min(v), max(v)) for k, v in groups.items()),
                   key=lambda s: (-s[2], s[0]))
    rows = [[device_id, op_type, core, n, us(total), us(lo), us(total / n), us(hi),
             f"{total / grand * PERCENT:.{RATIO_DIGITS}f}" if grand else ratio(0.0)]
            for (op_type, core), n, total, lo, hi in stats]
    return OP_STATISTIC_HEADER, rows


def task_time(profile, device_id: int = 0):
    rows = [[device_id, t.name, KERNEL_TYPES.get(t.task_type, t.task_type), t.stream_id, t.task_id,
             us(t.duration_us), us(t.start_us), us(t.end_us)] for t in view.device_tasks(profile)]
    return TASK_TIME_HEADER, rows


def step_trace(profile, device_id: int = 0):
    pairs = max((len(s.reduce) for s in profile.steps), default=0)
    header = STEP_TRACE_HEADER + REDUCE_COLUMNS * pairs
    rows = []
    for s in profile.steps:
        row = [device_id, view.MODEL_ID, view.msprof_iteration(s.iteration_id), us(s.fp_start_us), us(s.bp_end_us),
               us(s.end_us), us(s.iteration_time_us), us(s.fp_bp_time_us), us(s.grad_refresh_bound_us),
               NA if s.data_aug_bound_us is None else us(s.data_aug_bound_us)]
        for i in range(pairs):
            row += [us(s.reduce[i][0]), us(s.reduce[i][1])] if i < len(s.reduce) else [NA, NA]
        rows.append(row)
    return header, rows
