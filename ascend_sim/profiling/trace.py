"""Chrome-trace (Perfetto / chrome://tracing) events: the msprof_*.json timeline and step_trace_*.json.

msprof's conventions (reference ascend910.md §4.4, §4.6): a JSON array of events; complete events ``ph:"X"``
with ``ts`` / ``dur`` in µs; metadata events ``ph:"M"`` (process_name, process_labels, process_sort_index,
thread_name, thread_sort_index); flow events ``ph:"s"`` / ``"f"``. A process is a layer, its pid
``(PID << 10) | (layer << 5) | device_id``; the emulator has no profiled process id and uses ``PID`` = 1.

Processes and threads written:

- "Ascend Hardware" (layer 14): one thread per stream (``Stream {id}``, tid = stream id) holding each
  device task as an X event named by its op, with msprof's args (Model Id, Task Type, Physic Stream Id,
  Task Id, Batch Id, Subtask Id) and the emulator's (op type, unit, iteration, shapes, dtypes, formats,
  FLOPs, HBM bytes, bound, block dim, aicore time, phase, fusion parts, TF origin nodes); and the
  ``Step Trace(Model ID:1)`` thread (iterations, FP_BP, iteration refresh, reduces, GetNext, data-aug flows).
- "Overlap Analysis" (layer 19): threads Computing, Communication, Communication(Not Overlapped) and Free,
  the merged busy intervals of the compute units, of HCCL, of HCCL outside compute, and the gaps.
- "Units" (layer 20, the emulator's): one thread per execution unit (AI Core cube / vector, AI CPU, HCCL,
  DMA), the same tasks as on the streams with short args: streams mix units (AI Core and AI CPU kernels
  share stream 0), this view separates them.

step_trace_*.json holds the step trace alone, in msprof's "Step Trace" process, thread "Model ID:1".
"""
from __future__ import annotations

from ascend_sim.profiling import view

PID = 1
LAYER_HARDWARE = 14
LAYER_OVERLAP = 19
LAYER_STEP_TRACE = 14
LAYER_UNITS = 20
UNITS = "Units"
# unit → thread name, in display order; other units follow under their own name
UNIT_THREADS = {"aicore_cube": "AI Core (cube)", "aicore_vector": "AI Core (vector)", "aicpu": "AI CPU",
                "hccl": "HCCL", "dma": "DMA"}
HARDWARE = "Ascend Hardware"
OVERLAP = "Overlap Analysis"
STEP_TRACE = "Step Trace"
STEP_TRACE_TID = 100000            # after every stream thread
OVERLAP_THREADS = ("Computing", "Communication", "Communication(Not Overlapped)", "Free")
COMMUNICATION_TYPES = ("HCCL",)
NO_SUBTASK = 4294967295            # msprof's "none" (0xFFFFFFFF)
DIGITS = 3


def format_pid(layer: int, device_id: int) -> int:
    return (PID << 10) | (layer << 5) | device_id


def _t(value: float) -> float:
    return round(float(value), DIGITS)


def _meta(pid: int, tid: int | None, name: str, args: dict) -> dict:
    event = {"name": name, "ph": "M", "pid": pid, "args": args}
    if tid is not None:
        event["tid"] = tid
    return event


def _process(pid: int, name: str, sort_index: int, device_id: int) -> list:
    return [_meta(pid, None, "process_name", {"name": name}),
            _meta(pid, None, "process_labels", {"labels": f"NPU {device_id}"}),
            _meta(pid, None, "process_sort_index", {"sort_index": sort_index})]


def _thread(pid: int, tid: int, name: str, sort_index: int) -> list:
    return [_meta(pid, tid, "thread_name", {"name": name}),
            _meta(pid, tid, "thread_sort_index", {"sort_index": sort_index})]


def _x(name: str, pid: int, tid: int, ts: float, dur: float, args: dict | None = None) -> dict:
    event = {"name": name, "ph": "X", "pid": pid, "tid": tid, "ts": _t(ts), "dur": _t(max(dur, 0.0))}
    if args is not None:
        event["args"] = args
    return event


def _shapes(shapes) -> str:
    return ";".join(",".join(str(d) for d in s) for s in shapes)


def task_args(t, cache: dict | None = None) -> dict:
    """msprof's args of a task event plus the emulator's; ``cache`` shares the static part across iterations."""
    key = view.static_key(t) if cache is not None else None
    static = cache.get(key) if cache is not None else None
    if static is None:
        static = _static_args(t)
        if cache is not None:
            cache[key] = static
    return {**static, "Iteration ID": view.msprof_iteration(t.iteration_id), "Task Wait Time(us)": _t(t.wait_us)}


def _static_args(t) -> dict:
    return {"Model Id": view.MODEL_ID, "Task Type": t.task_type, "Physic Stream Id": t.stream_id,
            "Task Id": t.task_id, "Batch Id": 0, "Subtask Id": NO_SUBTASK,
            "OP Type": t.op_type, "Unit": t.unit,
            "Block Dim": t.block_dim, "Dispatch(us)": _t(t.launch_us),
            "aicore_time(us)": _t(t.aicore_time_us), "Input Shapes": _shapes(t.input_shapes),
            "Input Data Types": ";".join(t.input_dtypes), "Input Formats": ";".join(t.input_formats),
            "Output Shapes": _shapes(t.output_shapes), "Output Data Types": ";".join(t.output_dtypes),
            "Output Formats": ";".join(t.output_formats), "FLOPs": t.cost.flops, "HBM Bytes": t.cost.bytes_hbm,
            "Bound": t.bound, "Phase": t.phase, "Fused From": "+".join(t.fused_from), "Origin": ";".join(t.origin)}


def _step_events(profile, pid: int, tid: int) -> list:
    events = []
    prev_end = None
    for s in profile.steps:
        n = view.msprof_iteration(s.iteration_id)
        events.append(_x(f"Iteration {n}", pid, tid, s.end_us - s.iteration_time_us, s.iteration_time_us,
                         {"Iteration ID": n, "Iteration Time(us)": _t(s.iteration_time_us),
                          "Host Loop Overhead(us)": _t(s.host_us)}))
        events.append(_x(f"FP_BP Time {n}", pid, tid, s.fp_start_us, s.fp_bp_time_us,
                         {"FP Start(us)": _t(s.fp_start_us), "BP End(us)": _t(s.bp_end_us)}))
        events.append(_x(f"Iteration Refresh {n}", pid, tid, s.bp_end_us, s.grad_refresh_bound_us,
                         {"Iteration Refresh(us)": _t(s.grad_refresh_bound_us)}))
        for i, (start, dur) in enumerate(s.reduce):
            events.append(_x(f"Reduce_{n}_{i}", pid, tid, start, dur, {"Reduce Duration(us)": _t(dur)}))
        if s.getnext_start_us is not None and s.getnext_end_us is not None:
            span = s.getnext_end_us - s.getnext_start_us
            events.append(_x("GetNext", pid, tid, s.getnext_start_us, span,
                             {"GetNext Start": _t(s.getnext_start_us), "GetNext End": _t(s.getnext_end_us),
                              "GetNext Time(us)": _t(span)}))
        if prev_end is not None and s.data_aug_bound_us is not None:
            flow = {"name": f"Data_aug Bound {n}", "cat": "Data_aug Bound", "id": n, "pid": pid, "tid": tid}
            events.append({**flow, "ph": "s", "ts": _t(prev_end)})
            events.append({**flow, "ph": "f", "bp": "e", "ts": _t(s.fp_start_us)})
        prev_end = s.end_us
    return events


def step_trace_events(profile, device_id: int = 0) -> list:
    """step_trace_*.json: the "Step Trace" process with one "Model ID:1" thread."""
    pid = format_pid(LAYER_STEP_TRACE, device_id)
    return (_process(pid, STEP_TRACE, LAYER_STEP_TRACE, device_id)
            + _thread(pid, view.MODEL_ID, f"Model ID:{view.MODEL_ID}", 0)
            + _step_events(profile, pid, view.MODEL_ID))


def _merge(intervals) -> list:
    out = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return out


def _subtract(intervals, minus) -> list:
    """Parts of merged ``intervals`` not covered by merged ``minus``."""
    out, j = [], 0
    for start, end in intervals:
        cur = start
        while j < len(minus) and minus[j][1] <= cur:
            j += 1
        k = j
        while k < len(minus) and minus[k][0] < end:
            if minus[k][0] > cur:
                out.append([cur, minus[k][0]])
            cur = max(cur, minus[k][1])
            k += 1
        if cur < end:
            out.append([cur, end])
    return out


def overlap_intervals(profile) -> dict:
    """Thread name → merged [start, end] intervals of the Overlap Analysis process."""
    tasks = profile.device_tasks
    compute = _merge((t.start_us, t.end_us) for t in tasks if t.task_type not in COMMUNICATION_TYPES)
    comm = _merge((t.start_us, t.end_us) for t in tasks if t.task_type in COMMUNICATION_TYPES)
    busy = _merge([tuple(i) for i in compute + comm])
    if profile.steps and tasks:
        first = min(t.iteration_id for t in tasks)
        last = max(t.iteration_id for t in tasks)
        steps = [s for s in profile.steps if first <= s.iteration_id <= last]
        window = [[steps[0].end_us - steps[0].iteration_time_us, steps[-1].end_us]] if steps else []
    else:
        window = [[busy[0][0], busy[-1][1]]] if busy else []
    return {"Computing": compute, "Communication": comm, "Communication(Not Overlapped)": _subtract(comm, compute),
            "Free": _subtract(window, busy)}


def _unit_events(tasks, device_id: int) -> list:
    pid = format_pid(LAYER_UNITS, device_id)
    units = sorted({t.unit for t in tasks}, key=lambda u: (list(UNIT_THREADS).index(u) if u in UNIT_THREADS
                                                           else len(UNIT_THREADS), u))
    if not units:
        return []
    events = _process(pid, UNITS, LAYER_UNITS, device_id)
    tids = {}
    for tid, unit in enumerate(units):
        tids[unit] = tid
        events += _thread(pid, tid, UNIT_THREADS.get(unit, unit), tid)
    events += [_x(t.name, pid, tids[t.unit], t.start_us, t.duration_us,
                  {"OP Type": t.op_type, "Stream Id": t.stream_id, "Iteration ID": view.msprof_iteration(t.iteration_id)})
               for t in tasks]
    return events


def timeline_events(profile, device_id: int = 0) -> list:
    """msprof_*.json: Ascend Hardware (streams + step trace), Units and Overlap Analysis."""
    hw_pid = format_pid(LAYER_HARDWARE, device_id)
    events = _process(hw_pid, HARDWARE, LAYER_HARDWARE, device_id)
    tasks = view.device_tasks(profile)
    for stream in sorted({t.stream_id for t in tasks}):
        events += _thread(hw_pid, stream, f"Stream {stream}", stream)
    events += _thread(hw_pid, STEP_TRACE_TID, f"Step Trace(Model ID:{view.MODEL_ID})", STEP_TRACE_TID)
    cache: dict = {}
    events += [_x(t.name, hw_pid, t.stream_id, t.start_us, t.duration_us, task_args(t, cache)) for t in tasks]
    events += _step_events(profile, hw_pid, STEP_TRACE_TID)
    events += _unit_events(tasks, device_id)
    ov_pid = format_pid(LAYER_OVERLAP, device_id)
    events += _process(ov_pid, OVERLAP, LAYER_OVERLAP, device_id)
    for tid, (name, intervals) in enumerate(overlap_intervals(profile).items()):
        events += _thread(ov_pid, tid, name, tid)
        events += [_x(name, ov_pid, tid, start, end - start) for start, end in intervals]
    return events
