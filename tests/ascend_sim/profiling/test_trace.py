"""Chrome-trace timeline and step_trace json: schema, processes/threads named, args, overlap arithmetic."""
import json

import pytest

from ascend_sim.profiling import trace
from testsupport.profiles import iterations, profile, rec, step

SPECS = [
    dict(name="getnext", op_type="GetNext", task_type="AI_CPU", offcore_us=5.0, launch_us=20.0, phase="DATA",
         stream_id=2),
    dict(name="conv", op_type="Conv2D", unit="aicore_cube", pipes={"mac": 800, "mte2": 400}, flops=1e6,
         bytes_hbm=1e5, fused_from=("Conv2D", "Relu"), origin=("conv/Conv2D", "conv/Relu")),
    dict(name="grad", op_type="Conv2D", unit="aicore_cube", pipes={"mac": 600}, phase="BP"),
]


@pytest.fixture(scope="module")
def prof():
    tasks, steps = iterations(SPECS, 2, host_us=50.0)
    return profile(tasks, steps)


def _check_schema(events):
    json.dumps(events)                                  # serialisable as is
    named_pids = {e["pid"] for e in events if e["ph"] == "M" and e["name"] == "process_name"}
    named_threads = {(e["pid"], e["tid"]) for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    for e in events:
        assert e["ph"] in ("X", "M", "s", "f") and isinstance(e["name"], str) and isinstance(e["pid"], int)
        if e["ph"] == "M":
            assert e["name"] in ("process_name", "process_labels", "process_sort_index", "thread_name",
                                 "thread_sort_index") and isinstance(e["args"], dict)
        else:
            assert isinstance(e["ts"], float) and e["pid"] in named_pids and (e["pid"], e["tid"]) in named_threads
        if e["ph"] == "X":
            assert isinstance(e["dur"], float) and e["dur"] >= 0


def test_timeline_schema_and_processes(prof):
    events = trace.timeline_events(prof, device_id=5)
    _check_schema(events)
    names = {e["args"]["name"]: e["pid"] for e in events if e["name"] == "process_name"}
    assert names == {"Ascend Hardware": (1 << 10) | (14 << 5) | 5, "Overlap Analysis": (1 << 10) | (19 << 5) | 5,
                     "Units": (1 << 10) | (20 << 5) | 5}
    hw = names["Ascend Hardware"]
    threads = {e["args"]["name"] for e in events if e["name"] == "thread_name" and e["pid"] == hw}
    assert threads == {"Stream 0", "Stream 2", "Step Trace(Model ID:1)"}
    labels = [e["args"]["labels"] for e in events if e["name"] == "process_labels"]
    assert labels == ["NPU 5"] * 3


def test_units_process_separates_what_streams_mix(prof):
    events = trace.timeline_events(prof)
    pid = trace.format_pid(trace.LAYER_UNITS, 0)
    threads = {e["tid"]: e["args"]["name"] for e in events if e["name"] == "thread_name" and e["pid"] == pid}
    assert list(threads.values()) == ["AI Core (cube)", "AI CPU"]              # display order, units present
    x = [e for e in events if e["ph"] == "X" and e["pid"] == pid]
    assert len(x) == len(prof.device_tasks)
    for e in x:
        assert threads[e["tid"]] == trace.UNIT_THREADS["aicpu" if e["args"]["OP Type"] == "GetNext" else "aicore_cube"]


def test_task_events_carry_the_records(prof):
    events = trace.timeline_events(prof)
    hw = trace.format_pid(trace.LAYER_HARDWARE, 0)
    tasks = [e for e in events if e["ph"] == "X" and e["pid"] == hw and e["tid"] != trace.STEP_TRACE_TID]
    assert len(tasks) == len(prof.device_tasks)
    by_key = {(t.name, t.iteration_id): t for t in prof.device_tasks}
    for e in tasks:
        t = by_key[(e["name"], e["args"]["Iteration ID"] - 1)]
        assert e["tid"] == t.stream_id == e["args"]["Physic Stream Id"]
        assert e["ts"] == pytest.approx(t.start_us, abs=1e-3) and e["dur"] == pytest.approx(t.duration_us, abs=1e-3)
        args = e["args"]
        for key in ("Model Id", "Task Type", "Task Id", "Batch Id", "Subtask Id"):
            assert key in args
        assert args["Task Type"] == t.task_type and args["OP Type"] == t.op_type and args["Unit"] == t.unit
        assert args["FLOPs"] == t.cost.flops and args["HBM Bytes"] == t.cost.bytes_hbm and args["Bound"] == t.bound
    conv = next(e for e in tasks if e["name"] == "conv")
    assert conv["args"]["Fused From"] == "Conv2D+Relu" and conv["args"]["Origin"] == "conv/Conv2D;conv/Relu"
    assert conv["args"]["Input Shapes"] == "16,16"


def test_step_trace_json(prof):
    events = trace.step_trace_events(prof)
    _check_schema(events)
    assert [e["args"]["name"] for e in events if e["name"] == "process_name"] == ["Step Trace"]
    assert [e["args"]["name"] for e in events if e["name"] == "thread_name"] == ["Model ID:1"]
    x = {e["name"]: e for e in events if e["ph"] == "X"}
    for s in prof.steps:
        n = s.iteration_id + 1
        assert x[f"Iteration {n}"]["dur"] == pytest.approx(s.iteration_time_us, abs=1e-3)
        assert x[f"Iteration {n}"]["ts"] + x[f"Iteration {n}"]["dur"] == pytest.approx(s.end_us, abs=2e-3)
        assert x[f"FP_BP Time {n}"]["ts"] == pytest.approx(s.fp_start_us, abs=1e-3)
        assert x[f"FP_BP Time {n}"]["dur"] == pytest.approx(s.fp_bp_time_us, abs=1e-3)
        assert x[f"Iteration Refresh {n}"]["dur"] == pytest.approx(s.grad_refresh_bound_us, abs=1e-3)
    flows = [e for e in events if e["ph"] in ("s", "f")]
    assert [e["ph"] for e in flows] == ["s", "f"]           # one data-aug flow: iteration 2 only
    assert flows[0]["id"] == flows[1]["id"] and flows[1]["ts"] == pytest.approx(prof.steps[1].fp_start_us, abs=1e-3)


def test_reduce_and_getnext_events():
    steps = [step(0, prev_end=0, fp_start=1, bp_end=50, end=60, reduce=((20.0, 5.0),), getnext=(0.0, 1.0))]
    x = {e["name"]: e for e in trace.step_trace_events(profile([], steps)) if e["ph"] == "X"}
    assert x["Reduce_1_0"]["ts"] == 20.0 and x["Reduce_1_0"]["dur"] == 5.0
    assert x["GetNext"]["args"] == {"GetNext Start": 0.0, "GetNext End": 1.0, "GetNext Time(us)": 1.0}


def _length(intervals):
    return sum(b - a for a, b in intervals)


def test_overlap_analysis_partitions_the_window():
    compute = [rec("a", "MatMulV2", 0.0, pipes={"mac": 10000}), rec("b", "Relu", 30.0, pipes={"vec": 10000})]
    comm = [rec("ar", "HcomAllReduce", 5.0, task_type="HCCL", offcore_us=20.0, stream_id=1),
            rec("ar2", "HcomAllReduce", 50.0, task_type="HCCL", offcore_us=10.0, stream_id=1)]
    steps = [step(0, prev_end=0.0, fp_start=0.0, bp_end=60.0, end=70.0)]
    ov = trace.overlap_intervals(profile(compute + comm, steps))
    compute_len = sum(t.duration_us for t in compute)           # the two compute tasks do not overlap
    assert _length(ov["Computing"]) == pytest.approx(compute_len)
    assert _length(ov["Communication"]) == pytest.approx(sum(t.duration_us for t in comm))
    # not overlapped: communication outside compute intervals
    expected = 0.0
    for t in comm:
        lo, hi = t.start_us, t.end_us
        covered = sum(max(0.0, min(hi, c.end_us) - max(lo, c.start_us)) for c in compute)
        expected += (hi - lo) - covered
    assert _length(ov["Communication(Not Overlapped)"]) == pytest.approx(expected)
    busy = compute_len + expected
    assert _length(ov["Free"]) == pytest.approx(70.0 - busy)
