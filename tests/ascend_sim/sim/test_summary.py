"""format_summary: the numbers it prints are the Profile's, in the tables and lines a reader looks for."""
import dataclasses
import re

import pytest

from ascend_sim.ops.desc import TensorDesc
from ascend_sim.sim import SchedulePolicy, format_summary, simulate
from testsupport.sim_programs import HW, program, task

X = (64, 512)
W = (512, 512)


def _prog(**kw):
    nd32 = TensorDesc(X, "float32")
    return program([
        task("GetNext", [], [X], phase="DATA", name="getnext"),
        task("Cast", [nd32], [TensorDesc(X, "float16")], deps=(0,), name="cast_in"),
        task("MatMulV2", [X, W], [X], deps=(1,), name="dense/MatMul"),
        task("Relu", [X], [X], deps=(2,), name="dense/Relu"),
        task("MyCustomOp", [X], [X], deps=(3,), name="custom"),          # unregistered: AI CPU fallback
        task("MatMulV2", [X, X], [W], deps=(4,), phase="BP", name="grad", attrs={"transpose_x1": True}),
    ], unknown_ops=(("custom", "MyCustomOp"),), warnings=("precision_mode allow_fp32_to_fp16 inserted 1 Cast",), **kw)


@pytest.fixture(scope="module")
def profile():
    prof = simulate(_prog(options={"iterations_per_loop": 2}), HW, 2, policy=SchedulePolicy(host_loop_us=400.0))
    return dataclasses.replace(prof, batch=64, batch_source="--batch")


def _line(text, start):
    return next(line for line in text.splitlines() if line.startswith(start))


def test_header_and_step_lines_quote_the_profile(profile):
    text = format_summary(profile)
    assert text.splitlines()[0] == ("ascend-sim: Ascend910A, 4 iteration(s) in 2 host loop(s) (iterations_per_loop 2), "
                                    "batch 64 (--batch)")
    assert f"{profile.step_time_us():,.1f} µs" in _line(text, "step time")
    assert "host loop overhead 800.0 µs" in _line(text, "step time")
    trace = _line(text, "  step trace")
    fp_bp = sum(s.fp_bp_time_us for s in profile.steps) / 4
    aug = [s.data_aug_bound_us for s in profile.steps[1:]]
    assert f"FP to BP {fp_bp:,.1f} µs" in trace and f"data-aug bound {sum(aug) / 3:,.1f} µs" in trace
    assert _line(text, "throughput") == f"throughput        {profile.throughput_per_s():,.1f} samples/s"


def test_device_lines(profile):
    text = format_summary(profile)
    busy = _line(text, "AI Core busy")
    assert f"{profile.busy_ratio('AI_CORE') * 100:.1f} %" in busy
    for name, share in profile.bound_shares().items():
        assert f"{name}-bound {share * 100:.1f} %" in busy
    aicpu = [r for r in profile.device_tasks if r.task_type == "AI_CPU"]
    assert _line(text, "AI CPU ").startswith(f"AI CPU            {len(aicpu)} task(s), "
                                             f"{sum(r.duration_us for r in aicpu):,.1f} µs")
    assert f"{profile.share_of(('TransData', 'Cast')) * 100:.1f} %" in _line(text, "TransData / Cast")
    assert "peak memory" not in text


def test_op_tables_are_sorted_and_limited(profile):
    text = format_summary(profile, top=3)
    lines = text.splitlines()
    start = lines.index("Top 3 op types by device time:")
    rows = lines[start + 3:start + 6]
    stats = profile.top_ops(3)
    for row, stat in zip(rows, stats):
        cols = row.split()
        assert cols[0] == stat.op_type and cols[1] == stat.unit and cols[2] == stat.task_type
        assert int(cols[3]) == stat.count and cols[4] == f"{stat.total_us:,.1f}" and cols[5] == f"{stat.avg_us:,.1f}"
        assert cols[6] == f"{stat.share * 100:.1f}" and cols[7] == stat.bound
    assert lines[start + 6] == ""                                 # exactly `top` rows
    per_name = lines.index("Top 3 ops by device time:")
    assert [line.split()[0] for line in lines[per_name + 3:per_name + 6]] == [s.key for s in profile.top_ops(3, "name")]


def test_lists_aicpu_unknown_ops_and_warnings(profile):
    text = format_summary(profile)
    aicpu = _line(text, "AI CPU ops:")
    assert re.search(r"GetNext x4 \([\d,.]+ µs\)", aicpu) and "MyCustomOp x4" in aicpu
    assert _line(text, "Unknown ops") == "Unknown ops (AI CPU fallback estimate): MyCustomOp (custom)"
    assert "warning: precision_mode allow_fp32_to_fp16 inserted 1 Cast" in text


def test_without_batch_memory_or_unknown_ops():
    prof = simulate(_prog(memory_peak_bytes=3 << 29), HW, 1)
    prof = dataclasses.replace(prof, unknown_ops=())
    text = format_summary(prof)
    assert "n/a (batch size unknown: pass --batch)" in text
    assert "data-aug bound n/a (one iteration)" in text
    assert _line(text, "peak memory") == "peak memory       1.50 GiB"
    assert "Unknown ops (AI CPU fallback estimate): none" in text


@pytest.mark.parametrize("name, shown", [
    ("gradients/resnet50/conv2_block1_1_bn/FusedBatchNormV3_grad/FusedBatchNormGradV3/BNTrainingReduceGrad",
     "gradients/resnet50/conv2_block1_1_bn/…/BNTrainingReduceGrad"),
    ("x" * 70, "…" + "x" * 59),
    ("a" * 70 + "/Relu", "…" + ("a" * 70 + "/Relu")[-59:]),
    ("short/name", "short/name"),
])
def test_long_op_names_keep_scope_and_last_component(name, shown):
    text = format_summary(simulate(program([task("Relu", [X], [X], name=name)]), HW, 1))
    lines = text.splitlines()
    row = lines[lines.index("Top 15 ops by device time:") + 3]
    assert row.split()[0] == shown and len(shown) <= 60


@pytest.mark.parametrize("top", [0, -1, 2.5, True])
def test_bad_top(profile, top):
    with pytest.raises(ValueError, match="top must be a positive int"):
        format_summary(profile, top=top)
