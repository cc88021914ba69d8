"""Upstream CSV tables: exact headers, units, msprof's ratio arithmetic, totals and step-trace arithmetic."""
import csv
import io

import pytest

from ascend_sim.profiling import tables
from ascend_sim.profiling.writer import csv_text
from testsupport.profiles import CLOCK_MHZ, iterations, profile, rec, step

SPECS = [
    dict(name="getnext", op_type="GetNext", task_type="AI_CPU", offcore_us=5.0, launch_us=20.0, phase="DATA",
         stream_id=2),
    dict(name="conv", op_type="Conv2D", unit="aicore_cube", pipes={"mac": 800, "mte2": 400, "vec": 100},
         block_dim=32, waves=1, flops=1e6, bytes_hbm=1e5),
    dict(name="relu", op_type="Relu", pipes={"vec": 50, "mte2": 200, "mte3": 150}, block_dim=8),
    dict(name="grad", op_type="Conv2D", unit="aicore_cube", pipes={"mac": 600, "mte1": 700}, block_dim=64,
         waves=2, phase="BP"),
    dict(name="host", op_type="Placeholder", task_type="HOST"),
]


@pytest.fixture(scope="module")
def prof():
    tasks, steps = iterations(SPECS, 3, host_us=100.0)
    return profile(tasks, steps)


def _rows(header, rows):
    return list(csv.DictReader(io.StringIO(csv_text(header, rows))))


def test_op_summary_header_is_the_msprof_one():
    assert tables.OP_SUMMARY_HEADER[:14] == (
        "Device_id", "Model ID", "Task ID", "Stream ID", "Op Name", "OP Type", "OP State", "Task Type",
        "Task Start Time(us)", "Task Duration(us)", "Task Wait Time(us)", "Block Dim", "Mix Block Dim",
        "HF32 Eligible")
    assert tables.OP_SUMMARY_HEADER[14:21] == ("Input Shapes", "Input Data Types", "Input Formats", "Output Shapes",
                                               "Output Data Types", "Output Formats", "Context ID")
    metrics = []
    for pipe in ("vec", "mac", "scalar", "mte1", "mte2", "mte3"):
        metrics += [f"{pipe}_time(us)", f"{pipe}_ratio"]
    assert tables.OP_SUMMARY_HEADER[21:] == ("aicore_time(us)", "total_cycles", *metrics, "icache_miss_rate",
                                             "memory_bound")
    assert len(set(tables.OP_SUMMARY_HEADER)) == len(tables.OP_SUMMARY_HEADER)


def test_op_summary_rows_are_device_tasks_in_start_order(prof):
    rows = _rows(*tables.op_summary(prof, device_id=3))
    device = [t for t in prof.tasks if t.task_type != "HOST"]
    assert len(rows) == len(device)
    starts = [float(r["Task Start Time(us)"]) for r in rows]
    assert starts == sorted(starts)
    assert {r["Device_id"] for r in rows} == {"3"}
    assert "Placeholder" not in {r["OP Type"] for r in rows}


def test_op_summary_values_and_units(prof):
    rows = {(r["Op Name"], r["Task Start Time(us)"]): r for r in _rows(*tables.op_summary(prof))}
    for t in prof.device_tasks:
        r = rows[(t.name, f"{t.start_us:.3f}")]
        assert float(r["Task Duration(us)"]) == pytest.approx(t.duration_us, abs=5e-4)
        assert int(r["Block Dim"]) == t.block_dim and int(r["Stream ID"]) == t.stream_id
        assert r["Input Shapes"] == "16,16" and r["Input Data Types"] == "FLOAT16" and r["Input Formats"] == "ND"
        if t.task_type != "AI_CORE":
            assert r["aicore_time(us)"] == r["mac_ratio"] == r["memory_bound"] == "N/A"
            continue
        cycles = max(t.cost.cycles_by_pipe.values())
        assert float(r["aicore_time(us)"]) == pytest.approx(cycles / CLOCK_MHZ, abs=5e-4)
        # total_cycles: per-block cycles (busiest core / waves) summed over the blocks
        assert int(r["total_cycles"]) == round(cycles / t.cost.waves * t.block_dim)
        for pipe in ("vec", "mac", "scalar", "mte1", "mte2", "mte3"):
            expected = t.cost.cycles_by_pipe[pipe] / cycles
            assert float(r[f"{pipe}_ratio"]) == pytest.approx(expected, abs=5e-4)
            assert float(r[f"{pipe}_time(us)"]) == pytest.approx(expected * cycles / CLOCK_MHZ, abs=5e-4)
        mac, vec, mte2 = (t.cost.cycles_by_pipe[p] / cycles for p in ("mac", "vec", "mte2"))
        if max(mac, vec):
            assert float(r["memory_bound"]) == pytest.approx(mte2 / max(mac, vec), abs=5e-4)
        else:
            assert r["memory_bound"] == "N/A"


def test_memory_bound_is_na_without_compute():
    t = rec("copy", "TransData", 0.0, pipes={"mte2": 100, "mte3": 100})
    rows = _rows(*tables.op_summary(profile([t])))
    assert rows[0]["memory_bound"] == "N/A" and rows[0]["mte2_ratio"] == "1.000"


def test_op_statistic_totals_equal_op_summary_sums(prof):
    summary = _rows(*tables.op_summary(prof))
    stat = _rows(*tables.op_statistic(prof))
    assert list(stat[0]) == ["Device_id", "OP Type", "Core Type", "Count", "Total Time(us)", "Min Time(us)",
                             "Avg Time(us)", "Max Time(us)", "Ratio(%)"]
    for r in stat:
        mine = [float(s["Task Duration(us)"]) for s in summary
                if s["OP Type"] == r["OP Type"] and s["Task Type"] == r["Core Type"]]
        assert int(r["Count"]) == len(mine)
        assert float(r["Total Time(us)"]) == pytest.approx(sum(mine), abs=1e-3 * len(mine))
        assert float(r["Min Time(us)"]) == pytest.approx(min(mine), abs=1e-3)
        assert float(r["Max Time(us)"]) == pytest.approx(max(mine), abs=1e-3)
        assert float(r["Avg Time(us)"]) == pytest.approx(sum(mine) / len(mine), abs=1e-3)
    assert sum(int(r["Count"]) for r in stat) == len(summary)
    assert sum(float(r["Ratio(%)"]) for r in stat) == pytest.approx(100.0, abs=0.01)
    totals = [float(r["Total Time(us)"]) for r in stat]
    assert totals == sorted(totals, reverse=True)


def test_task_time_rows(prof):
    header, rows = tables.task_time(prof)
    assert header == ("Device_id", "kernel_name", "kernel_type", "stream_id", "task_id", "task_time(us)",
                      "task_start(us)", "task_stop(us)")
    for r in _rows(header, rows):
        assert float(r["task_stop(us)"]) - float(r["task_start(us)"]) == pytest.approx(float(r["task_time(us)"]),
                                                                                       abs=2e-3)
        assert r["kernel_type"] in ("KERNEL_AICORE", "KERNEL_AICPU")


def test_step_trace_arithmetic(prof):
    rows = _rows(*tables.step_trace(prof))
    assert list(rows[0]) == ["Device_id", "Model ID", "Iteration ID", "FP Start(us)", "BP End(us)",
                             "Iteration End(us)", "Iteration Time(us)", "FP to BP Time(us)",
                             "Iteration Refresh(us)", "Data Aug Bound(us)"]
    assert [int(r["Iteration ID"]) for r in rows] == [1, 2, 3]          # msprof counts from 1
    prev_end = 0.0
    for n, r in enumerate(rows):
        f = {k: float(v) for k, v in r.items() if k.endswith("(us)") and v != "N/A"}
        assert f["FP to BP Time(us)"] == pytest.approx(f["BP End(us)"] - f["FP Start(us)"], abs=2e-3)
        assert f["Iteration Refresh(us)"] == pytest.approx(f["Iteration End(us)"] - f["BP End(us)"], abs=2e-3)
        assert f["Iteration Time(us)"] == pytest.approx(f["Iteration End(us)"] - prev_end, abs=2e-3)
        if n == 0:
            assert r["Data Aug Bound(us)"] == "N/A"
        else:
            assert f["Data Aug Bound(us)"] == pytest.approx(f["FP Start(us)"] - prev_end, abs=2e-3)
        prev_end = f["Iteration End(us)"]


def test_step_trace_reduce_pairs():
    steps = [step(0, prev_end=0, fp_start=1, bp_end=50, end=60, reduce=((20.0, 5.0), (40.0, 8.0))),
             step(1, prev_end=60, fp_start=61, bp_end=110, end=120, reduce=((80.0, 5.0),))]
    header, rows = tables.step_trace(profile([], steps))
    assert header[-4:] == ("Reduce Start(us)", "Reduce Duration(us)") * 2
    assert rows[0][-4:] == ["20.000", "5.000", "40.000", "8.000"]
    assert rows[1][-4:] == ["80.000", "5.000", "N/A", "N/A"]


@pytest.mark.parametrize("dtype, shown", [("float32", "FLOAT"), ("float16", "FLOAT16"), ("float64", "DOUBLE"),
                                          ("bfloat16", "BF16"), ("int64", "INT64"), ("bool", "BOOL")])
def test_data_types_use_ge_names(dtype, shown):
    t = rec("x", "Cast", 0.0, pipes={"vec": 10}, shapes=((4,), (4,)), dtype=dtype)
    row = _rows(*tables.op_summary(profile([t])))[0]
    assert row["Input Data Types"] == f"{shown};{shown}" and row["Output Data Types"] == shown
