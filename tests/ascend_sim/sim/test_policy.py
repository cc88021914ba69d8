"""Run options read from Program.options, and the stream each unit's tasks go on."""
import dataclasses

import pytest

from ascend_sim.sim import SchedulePolicy
from ascend_sim.sim import policy as pol


class _Options:
    iterations_per_loop = 5
    enable_data_pre_proc = False


def test_options_from_none_mapping_and_object():
    assert pol.run_options(None) == pol.RunOptions(1, True, True)
    assert pol.run_options({"iterations_per_loop": 3, "hcom_parallel": False}) == pol.RunOptions(3, True, False)
    assert pol.run_options(_Options()) == pol.RunOptions(5, False, True)      # hcom_parallel absent: default
    assert pol.run_options({"enable_data_pre_proc": None}).data_sinking is True


def test_options_from_npu_options():
    options = pytest.importorskip("ascend_sim.options")
    run = pol.run_options(options.NpuOptions(iterations_per_loop=4, enable_data_pre_proc=True))
    assert (run.iterations_per_loop, run.data_sinking) == (4, True)


@pytest.mark.parametrize("options, match", [
    ({"iterations_per_loop": 0}, "iterations_per_loop must be a positive int, got 0"),
    ({"iterations_per_loop": True}, "iterations_per_loop must be a positive int, got True"),
    ({"iterations_per_loop": "10"}, "iterations_per_loop must be a positive int, got '10'"),
    ({"enable_data_pre_proc": 1}, "enable_data_pre_proc must be a bool, got 1"),
    ({"hcom_parallel": "yes"}, "hcom_parallel must be a bool, got 'yes'"),
])
def test_bad_options_are_named(options, match):
    with pytest.raises(ValueError, match=match):
        pol.run_options(options)


@pytest.mark.parametrize("unit, op_type, run, policy, stream", [
    ("aicore_cube", "Conv2D", pol.RunOptions(), SchedulePolicy(), pol.COMPUTE_STREAM),
    ("aicore_vector", "Relu", pol.RunOptions(), SchedulePolicy(), pol.COMPUTE_STREAM),
    ("dma", "MemcpyAsync", pol.RunOptions(), SchedulePolicy(), pol.COMPUTE_STREAM),
    ("aicpu", "DropOutGenMask", pol.RunOptions(), SchedulePolicy(), pol.COMPUTE_STREAM),
    ("aicpu", "DropOutGenMask", pol.RunOptions(), SchedulePolicy(aicpu_own_stream=True), pol.AICPU_STREAM),
    ("aicpu", "GetNext", pol.RunOptions(), SchedulePolicy(), pol.DATA_STREAM),
    ("aicpu", "GetNext", pol.RunOptions(data_sinking=False), SchedulePolicy(), pol.COMPUTE_STREAM),
    ("hccl", "HcomAllReduce", pol.RunOptions(), SchedulePolicy(), pol.HCCL_STREAM),
    ("hccl", "HcomAllReduce", pol.RunOptions(hcom_parallel=False), SchedulePolicy(), pol.COMPUTE_STREAM),
    ("host", "Placeholder", pol.RunOptions(), SchedulePolicy(), pol.HOST_STREAM),
])
def test_stream_of(unit, op_type, run, policy, stream):
    assert pol.stream_of(unit, op_type, run, policy) == stream


@pytest.mark.parametrize("value", [-1.0, "1", True])
def test_policy_validates_host_loop_us(value):
    with pytest.raises(ValueError, match="host_loop_us must be a number >= 0"):
        SchedulePolicy(host_loop_us=value)


def test_host_loop_comes_from_the_preset_unless_the_policy_overrides_it():
    from ascend_sim import hw as hwlib

    spec = hwlib.load()
    assert SchedulePolicy().host_loop_us is None
    assert SchedulePolicy().resolved(spec).host_loop_us == spec.overheads.host_loop_us
    assert SchedulePolicy(host_loop_us=7.0).resolved(spec).host_loop_us == 7.0
    custom = dataclasses.replace(spec, overheads=dataclasses.replace(spec.overheads, host_loop_us=123.0))
    assert SchedulePolicy().resolved(custom).host_loop_us == 123.0
