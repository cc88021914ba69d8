"""diff / format_diff: step-time and per-op-type deltas per iteration."""
import pytest

from ascend_sim import profiling
from testsupport.profiles import iterations, profile

MM = dict(name="mm", op_type="MatMulV2", unit="aicore_cube", pipes={"mac": 10000})
CAST = dict(name="cast", op_type="Cast", pipes={"vec": 2000})
ADD = dict(name="add", op_type="Add", pipes={"vec": 1000})


def test_deltas_are_per_iteration():
    before = profile(*iterations([CAST, MM, CAST, ADD], 2), batch=32)
    after = profile(*iterations([MM, ADD], 4), batch=32)
    d = profiling.diff(before, after)
    assert d.step_us_before == pytest.approx(before.step_time_us())
    assert d.step_us_after == pytest.approx(after.step_time_us())
    assert d.step_delta_us == pytest.approx(d.step_us_after - d.step_us_before)
    assert d.speedup == pytest.approx(d.step_us_before / d.step_us_after) and d.speedup > 1
    assert d.throughput_after == pytest.approx(after.throughput_per_s())
    ops = {o.op_type: o for o in d.ops}
    cast = [t.duration_us for t in before.tasks if t.op_type == "Cast"]
    assert ops["Cast"].us_before == pytest.approx(sum(cast) / 2) and ops["Cast"].us_after == 0
    assert ops["Cast"].count_before == 2 and ops["Cast"].count_after == 0 and ops["Cast"].ratio == 0
    assert ops["MatMulV2"].delta_us == pytest.approx(0) and ops["MatMulV2"].ratio == pytest.approx(1)
    assert d.ops[0].op_type == "Cast"                              # largest change first
    assert d.device_us_before - d.device_us_after == pytest.approx(sum(cast) / 2)


def test_new_op_types_and_text():
    before = profile(*iterations([MM], 1))
    after = profile(*iterations([MM, ADD], 1))
    d = profiling.diff(before, after)
    add = next(o for o in d.ops if o.op_type == "Add")
    assert add.ratio is None and add.us_before == 0
    text = profiling.format_diff(d, names=("fp32", "mixed"), top=1)
    lines = text.splitlines()
    assert lines[0] == "compare: fp32 -> mixed"
    assert f"{d.step_us_before:,.1f} -> {d.step_us_after:,.1f} µs ({d.step_delta_us:+,.1f} µs" in lines[1]
    row = lines[lines.index("Top 1 op types by change in device time per iteration:") + 3].split()
    assert row[0] == "Add" and row[2] == "0->1" and row[-1] == "new" and len(lines) == lines.index(
        "Top 1 op types by change in device time per iteration:") + 4


def test_empty_profiles():
    d = profiling.diff(profile([]), profile([]))
    assert d.ops == () and d.speedup is None
    assert "(no device tasks in either profile)" in profiling.format_diff(d)
