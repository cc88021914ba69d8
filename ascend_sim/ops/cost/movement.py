"""Data movement: HBM and L2 reads (MTE2), writes (MTE3) per core and chip-wide, L1 → L0 (MTE1), host ↔ device."""
from __future__ import annotations

from ascend_sim.hw.spec import BYTES_PER_GB, US_PER_S, HardwareSpec


def hbm_bytes_per_cycle(hw: HardwareSpec) -> float:
    """Chip HBM bandwidth in bytes per AI Core cycle."""
    return hw.hbm_bandwidth_bytes_per_s / hw.clock_hz


def shared_hbm_cycles(read_bytes: float, write_bytes: float, hw: HardwareSpec) -> tuple[float, float]:
    """Cycles until all reads and until all writes are done when both share HBM bandwidth equally.

    The smaller stream finishes at 2·small/B, the larger at (large + small)/B, so together they never beat
    (read + write)/B (B = HBM bytes per cycle).
    """
    rate = hbm_bytes_per_cycle(hw)
    small, large = sorted((read_bytes, write_bytes))
    small_done, large_done = 2 * small / rate, (large + small) / rate
    return (small_done, large_done) if read_bytes <= write_bytes else (large_done, small_done)


def mte_cycles(core_read_bytes: float, core_write_bytes: float, chip_read_bytes: float, chip_write_bytes: float,
               hw: HardwareSpec) -> tuple[float, float]:
    """(MTE2, MTE3) busy cycles of the busiest core: its own DDR path rates, or the shared HBM if slower."""
    rates = hw.core.rates
    chip_read, chip_write = shared_hbm_cycles(chip_read_bytes, chip_write_bytes, hw)
    mte2 = max(core_read_bytes / rates.ddr_bytes_per_cycle, chip_read) if core_read_bytes else 0.0
    mte3 = max(core_write_bytes / rates.ub_to_ddr_bytes_per_cycle, chip_write) if core_write_bytes else 0.0
    return mte2, mte3


def l2_split(core_read: float, core_fetch: float, core_reread: float, block_dim: int, unique: float,
             working_set: float, hw: HardwareSpec) -> tuple[float, float, float]:
    """Split reads between HBM and the shared L2: (core bytes from HBM, core bytes from L2, chip bytes from HBM).

    Each of ``block_dim`` cores reads ``core_read`` bytes: ``core_fetch`` bytes at HBM pace (its first touch of
    its data; the chip fetches the ``unique`` bytes once however many cores want them), anything else it
    finds in L2 (data other cores fetched earlier), and ``core_reread`` bytes it reads again later in its tile
    loops. Re-reads hit L2 while the data all cores cycle through (``working_set``) fits in it; the share
    ``1 - l2_bytes/working_set`` misses when it does not.
    """
    miss = max(0.0, 1.0 - hw.chip.l2_bytes / working_set) if working_set > 0 else 0.0
    core_hbm = core_fetch + core_reread * miss
    return core_hbm, core_read - core_hbm, unique + core_reread * block_dim * miss


def l1_to_l0_cycles(a_bytes: float, b_bytes: float, hw: HardwareSpec) -> float:
    """MTE1 cycles to load ``a_bytes`` into L0A and ``b_bytes`` into L0B (one MTE1 pipe, done in turn)."""
    rates = hw.core.rates
    return a_bytes / rates.l1_to_l0a_bytes_per_cycle + b_bytes / rates.l1_to_l0b_bytes_per_cycle


def l0c_to_ub_cycles(nbytes: float, hw: HardwareSpec) -> float:
    """Cycles to move cube results out of L0C into UB (on the 910 they leave through UB; no FixPipe)."""
    return nbytes / hw.core.rates.l0c_to_ub_bytes_per_cycle


def host_to_device_us(nbytes: float, hw: HardwareSpec) -> float:
    """PCIe transfer time for ``nbytes`` in one direction at the link's raw rate (no measured figure exists)."""
    return nbytes / (hw.interconnect.pcie_gb_per_s_per_direction * BYTES_PER_GB) * US_PER_S
