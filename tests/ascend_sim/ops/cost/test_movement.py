"""Data movement: per-core DDR paths, shared HBM bandwidth, L2 hits and misses, L1 → L0, PCIe."""
import pytest

from ascend_sim import hw
from ascend_sim.ops import cost

HW = hw.load()
RATE = cost.hbm_bytes_per_cycle(HW)


def test_hbm_bytes_per_cycle_follows_the_preset():
    assert RATE == pytest.approx(HW.chip.hbm_bandwidth_gb_per_s * 1e9 / (HW.chip.ai_core_clock_mhz * 1e6))


@pytest.mark.parametrize("read, write", [(1e6, 0), (0, 1e6), (1e6, 1e6), (3e6, 1e6), (1e5, 4e6)])
def test_shared_hbm_never_beats_total_bytes_over_bandwidth(read, write):
    r, w = cost.shared_hbm_cycles(read, write, HW)
    assert max(r, w) == pytest.approx((read + write) / RATE)
    assert r >= read / RATE and w >= write / RATE


def test_one_core_is_limited_by_its_ddr_path_many_cores_by_hbm():
    mb = 1 << 20
    mte2, mte3 = cost.mte_cycles(mb, mb, mb, mb, HW)
    assert mte2 == mb / HW.core.rates.ddr_bytes_per_cycle
    assert mte3 == mb / HW.core.rates.ub_to_ddr_bytes_per_cycle
    cores = HW.chip.ai_core_count
    mte2, mte3 = cost.mte_cycles(mb, mb, cores * mb, cores * mb, HW)
    assert mte2 == mte3 == pytest.approx(2 * cores * mb / RATE)
    assert cost.mte_cycles(0, 0, 0, 0, HW) == (0.0, 0.0)


def test_l2_serves_re_reads_until_the_working_set_outgrows_it():
    l2 = HW.chip.l2_bytes
    hbm, from_l2, chip = cost.l2_split(1000.0, 400.0, 300.0, 4, 1200.0, l2 / 2, HW)
    assert (hbm, from_l2, chip) == (400.0, 600.0, 1200.0)
    hbm, from_l2, chip = cost.l2_split(1000.0, 400.0, 300.0, 4, 1200.0, 2 * l2, HW)
    assert (hbm, from_l2, chip) == (400.0 + 150.0, 450.0, 1200.0 + 4 * 150.0)


def test_l1_to_l0_uses_the_a_and_b_path_rates():
    rates = HW.core.rates
    assert cost.l1_to_l0_cycles(512 * 10, 0, HW) == 10 * 512 / rates.l1_to_l0a_bytes_per_cycle
    assert cost.l1_to_l0_cycles(0, 512 * 10, HW) == 10 * 512 / rates.l1_to_l0b_bytes_per_cycle
    assert cost.l0c_to_ub_cycles(1024, HW) == 1024 / rates.l0c_to_ub_bytes_per_cycle


def test_host_to_device_uses_the_pcie_rate():
    per_direction = HW.interconnect.pcie_gb_per_s_per_direction * 1e9
    assert cost.host_to_device_us(per_direction, HW) == pytest.approx(1e6)
