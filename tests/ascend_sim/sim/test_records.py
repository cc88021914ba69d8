"""Profile views and aggregates: totals, busy ratios, per-op statistics, bound and pipe shares."""
import dataclasses

import pytest

from ascend_sim.ops.cost.record import PIPES
from ascend_sim.ops.desc import TensorDesc
from ascend_sim.sim import SchedulePolicy, simulate, stats
from testsupport.sim_programs import HW, program, task

ACT = (8, 56, 56, 64)


def _conv_net():
    """Two NC1HWC0 convolutions with TransData/Cast around them, a BN reduce, an AI CPU op and host tasks."""
    def act(c=64, dtype="float16"):
        return TensorDesc(ACT[:3] + (c,), dtype, "NC1HWC0", "NHWC")

    w = TensorDesc((3, 3, 64, 64), "float16", "FRACTAL_Z", "HWCN")
    nhwc32 = TensorDesc(ACT, "float32", "ND", "NHWC")
    return program([
        task("Const", [], [(3, 3, 64, 64)], name="w", phase="OTHER"),
        task("Cast", [nhwc32], [TensorDesc(ACT, "float16", "ND", "NHWC")], name="cast"),
        task("TransData", [TensorDesc(ACT, "float16", "ND", "NHWC")], [act()], deps=(1,), name="trans",
             attrs={"src_format": "NHWC", "dst_format": "NC1HWC0"}),
        task("Conv2D", [act(), w], [act()], deps=(0, 2), name="conv1", attrs={"strides": (1, 1, 1, 1)}),
        task("Conv2D", [act(), w], [act()], deps=(3,), name="conv2", attrs={"strides": (1, 1, 1, 1)}),
        task("BNTrainingReduce", [act()], [TensorDesc((64,), "float32", "NC1HWC0"),
                                           TensorDesc((64,), "float32", "NC1HWC0")], deps=(4,), name="bn"),
        task("RandomUniform", [(4,)], [(1024,)], name="rng", dtype="int32"),
        task("Identity", [act()], [act()], deps=(5,), name="view"),
    ], memory_peak_bytes=3 << 30, unknown_ops=("MyOp",))


@pytest.fixture(scope="module")
def profile():
    return simulate(_conv_net(), HW, 2, policy=SchedulePolicy(host_loop_us=100.0))


def test_device_tasks_leave_host_tasks_out(profile):
    assert {r.name for r in profile.tasks} - {r.name for r in profile.device_tasks} == {"w", "view"}
    assert all(r.task_type == "HOST" and r.duration_us == 0 for r in profile.tasks if r.name in ("w", "view"))


def test_totals_by_key_sum_to_all_device_time(profile):
    grand = sum(r.duration_us for r in profile.device_tasks)
    for key in ("unit", "task_type", "op_type", "stream_id"):
        totals = profile.total_us_by(key)
        assert sum(totals.values()) == pytest.approx(grand)
        assert list(totals.values()) == sorted(totals.values(), reverse=True)
    assert profile.total_us_by("task_type").keys() == {"AI_CORE", "AI_CPU"}
    with pytest.raises(ValueError, match="unknown aggregation key 'colour'; keys: unit, task_type"):
        profile.total_us_by("colour")


def test_op_stats_per_type_and_per_name(profile):
    per_type = profile.op_stats()
    assert sum(s.share for s in per_type) == pytest.approx(1.0)
    assert [s.total_us for s in per_type] == sorted((s.total_us for s in per_type), reverse=True)
    conv = next(s for s in per_type if s.op_type == "Conv2D")
    convs = [r for r in profile.device_tasks if r.op_type == "Conv2D"]
    assert conv.count == len(convs) == 4
    assert conv.total_us == pytest.approx(sum(r.duration_us for r in convs))
    assert conv.avg_us == pytest.approx(conv.total_us / 4)
    assert (conv.min_us, conv.max_us) == (min(r.duration_us for r in convs), max(r.duration_us for r in convs))
    assert conv.unit == "aicore_cube" and conv.task_type == "AI_CORE" and conv.bound == convs[0].bound
    per_name = profile.op_stats("name")
    assert {s.key for s in per_name} == {r.name for r in profile.device_tasks}
    assert all(s.count == 2 for s in per_name)
    assert profile.top_ops(2) == per_type[:2]
    with pytest.raises(ValueError, match="by is 'op_type' or 'name'"):
        profile.op_stats("unit")


def test_busy_ratio_is_execution_time_over_the_span(profile):
    aicore = [r for r in profile.tasks if r.task_type == "AI_CORE"]
    expected = sum(r.exec_us for r in aicore) / profile.span_us     # one stream: no overlap to merge
    assert profile.busy_ratio("AI_CORE") == pytest.approx(expected)
    assert 0 < profile.busy_ratio("AI_CPU") < profile.busy_ratio("AI_CORE") < 1
    assert profile.busy_ratio("HCCL") == 0.0


def test_union_merges_overlaps():
    assert stats.union_us([(0, 10), (5, 15), (20, 25), (21, 22), (30, 30)]) == 20
    assert stats.union_us([]) == 0


def test_bound_and_pipe_shares(profile):
    shares = profile.bound_shares()
    assert set(shares) == {"cube", "vector", "scalar", "movement"}
    assert sum(shares.values()) == pytest.approx(1.0)
    aicore = [r for r in profile.device_tasks if r.task_type == "AI_CORE"]
    cube_time = sum(r.duration_us for r in aicore if r.bound == "mac")
    assert shares["cube"] == pytest.approx(cube_time / sum(r.duration_us for r in aicore))
    ratios = profile.pipe_ratios()
    assert set(ratios) == set(PIPES)
    total = sum(r.cost.cycles for r in aicore)
    assert ratios["mac"] == pytest.approx(sum(r.cost.cycles_by_pipe["mac"] for r in aicore) / total)
    assert all(0 <= v <= 1 for v in ratios.values())


def test_share_of_op_types(profile):
    layout = [r for r in profile.device_tasks if r.op_type in ("Cast", "TransData")]
    grand = sum(r.duration_us for r in profile.device_tasks)
    assert profile.share_of(("Cast", "TransData")) == pytest.approx(sum(r.duration_us for r in layout) / grand)
    assert profile.share_of("Cast") < profile.share_of(("Cast", "TransData"))
    assert profile.share_of(("NoSuchOp",)) == 0.0


def test_step_time_throughput_and_span(profile):
    assert profile.iterations == 2
    assert profile.step_time_us() == pytest.approx(sum(s.iteration_time_us for s in profile.steps) / 2)
    assert profile.span_us == pytest.approx(profile.steps[-1].end_us)
    assert profile.throughput_per_s() is None
    with_batch = dataclasses.replace(profile, batch=8)
    assert with_batch.throughput_per_s() == pytest.approx(8 / profile.step_time_us() * 1e6)


def test_profile_carries_the_program_and_hardware_context(profile):
    assert (profile.hw_name, profile.ai_core_count, profile.ai_core_clock_mhz) == ("Ascend910A", 32, 1000)
    assert profile.memory_peak_bytes == 3 << 30 and profile.unknown_ops == ("MyOp",)
    conv = next(r for r in profile.tasks if r.name == "conv1")
    assert conv.input_formats == ("NC1HWC0", "FRACTAL_Z") and conv.output_shapes == ((8, 56, 56, 64),)
    assert conv.input_dtypes == ("float16", "float16") and conv.origin == ("conv1",) and conv.phase == "FP"
