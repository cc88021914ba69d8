"""Blocks and waves, launch overheads, the Cost record, the roofline helpers."""
import subprocess
import sys

import pytest

from ascend_sim import hw
from ascend_sim.ops import cost

HW = hw.load()


def test_split_blocks_never_exceeds_the_cores():
    assert cost.split_blocks(0, 32) == (1, 0)
    assert cost.split_blocks(5, 32) == (5, 1)
    assert cost.split_blocks(100, 32) == (32, 4)
    assert cost.split_blocks(64, 30) == (30, 3)
    with pytest.raises(cost.CostError, match="cores must be an integer >= 1"):
        cost.split_blocks(5, 0)


def test_waves_quantize_partial_rounds():
    assert [cost.waves(n, 32) for n in (1, 32, 33, 64, 65)] == [1, 1, 2, 2, 3]
    assert cost.wave_cycles(100.0, 33, 32) == 200.0
    assert cost.pad_to(17, 16) == 32 and cost.pad_to(32, 16) == 32 and cost.ceil_div(33, 16) == 3


def test_launch_overheads_come_from_the_preset():
    assert cost.task_launch_us("AI_CORE", HW) == HW.overheads.aicore_task_launch_us
    assert cost.task_launch_us("AI_CPU", HW) == HW.overheads.aicpu_task_latency_us
    with pytest.raises(cost.CostError, match="unit 'HOST'.*AI_CORE, AI_CPU"):
        cost.task_launch_us("HOST", HW)
    small, big = cost.aicpu_us(0, HW), cost.aicpu_us(10**6, HW)
    assert small == HW.overheads.aicpu_task_latency_us
    assert big - small == pytest.approx(10**6 * HW.overheads.aicpu_ns_per_elem / 1e3)


def test_cost_record_names_the_bounding_pipe():
    c = cost.Cost.of(mac=10, mte2=30, vec=30, flops=1, bytes_hbm=2, block_dim=4)
    assert c.cycles == 30 and c.bound == "vec"         # ties go to the pipe listed first in PIPES
    assert c.duration_us(HW) == pytest.approx(30 / HW.chip.ai_core_clock_mhz)
    assert set(c.cycles_by_pipe) == set(cost.PIPES)
    with pytest.raises(cost.CostError, match="unknown pipe"):
        cost.Cost(cycles_by_pipe=hw.FrozenMap({"cube": 1.0}), flops=0, bytes_hbm=0, block_dim=1)
    with pytest.raises(cost.CostError, match="block_dim"):
        cost.Cost.of(flops=0, bytes_hbm=0, block_dim=0)


def test_roofline_peaks_and_ridge():
    assert cost.peak_ops_per_cycle(HW, "cube") * HW.clock_hz == HW.peak_cube_flops_per_s("float16")
    assert cost.peak_ops_per_cycle(HW, "vector", "float16") == HW.chip.ai_core_count * 128
    assert cost.roofline_cycles(0, 1200, HW) == pytest.approx(1200 / cost.hbm_bytes_per_cycle(HW))
    assert cost.ridge_intensity(HW) == pytest.approx(262144 / cost.hbm_bytes_per_cycle(HW))
    with pytest.raises(cost.CostError, match="unknown unit 'tensor'"):
        cost.roofline_cycles(1, 1, HW, unit="tensor")
    with pytest.raises(cost.CostError, match="float32"):
        cost.peak_ops_per_cycle(HW, "cube", "float32")


def test_emulator_core_does_not_import_npu_bridge():
    code = "import sys, ascend_sim.hw, ascend_sim.ops.cost, ascend_sim.cli; print('npu_bridge' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
