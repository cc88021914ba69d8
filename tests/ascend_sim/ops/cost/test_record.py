"""The Cost record: busiest pipe, off-core time (AI CPU, HCCL, DMA) and fallback flags."""
import dataclasses

import pytest

from ascend_sim import hw
from ascend_sim.ops import cost

HW = hw.load()


def test_cycles_and_bound_are_the_busiest_pipe():
    c = cost.Cost.of(flops=1, bytes_hbm=1, block_dim=2, mac=10, mte2=30, vec=30)
    assert c.cycles == 30 and c.bound == "vec"          # ties go to the earlier pipe in PIPES
    assert c.duration_us(HW) == HW.cycles_to_us(30) and not c.fallback and c.offcore_us == 0


def test_offcore_time_adds_to_the_duration_and_bounds_a_task_with_idle_pipes():
    aicpu = cost.Cost.of(flops=0, bytes_hbm=0, block_dim=1, offcore_us=12.5)
    assert aicpu.bound == cost.OFFCORE == "offcore" and aicpu.duration_us(HW) == 12.5
    mixed = cost.Cost.of(flops=0, bytes_hbm=0, block_dim=1, offcore_us=2.0, mte2=1000)
    assert mixed.bound == "mte2" and mixed.duration_us(HW) == HW.cycles_to_us(1000) + 2.0
    with pytest.raises(cost.CostError, match="offcore_us must be >= 0"):
        cost.Cost.of(flops=0, bytes_hbm=0, block_dim=1, offcore_us=-1)


def test_fallback_fields_default_off_and_travel_with_replace():
    c = cost.Cost.of(flops=0, bytes_hbm=0, block_dim=1)
    flagged = dataclasses.replace(c, fallback=True, fallback_reason="unregistered op type 'X'")
    assert flagged.fallback and flagged != c and "X" in flagged.fallback_reason


def test_serial_cycles_add_to_the_busiest_pipe_without_changing_the_bound():
    c = cost.Cost.of(flops=1, bytes_hbm=1, block_dim=1, mac=100, mte2=40, serial_cycles=25)
    assert c.cycles == 125 and c.bound == "mac" and c.duration_us(HW) == HW.cycles_to_us(125)
    assert c.cycles_by_pipe["mac"] / c.cycles == pytest.approx(0.8)
    assert cost.Cost.of(flops=0, bytes_hbm=0, block_dim=1).serial_cycles == 0
    with pytest.raises(cost.CostError, match="serial_cycles must be >= 0"):
        cost.Cost.of(flops=0, bytes_hbm=0, block_dim=1, serial_cycles=-1)
