"""The cost of one task: busy cycles per AI Core pipe, FLOPs, HBM bytes, block_dim and the bounding pipe."""
from __future__ import annotations

from dataclasses import dataclass

from ascend_sim.hw.spec import FrozenMap, HardwareSpec

# AI Core pipes, named as msprof names their busy ratios (mac_ratio, vec_ratio, ..., mte3_ratio).
PIPES = ("mac", "vec", "scalar", "mte1", "mte2", "mte3")
# ``Cost.bound`` of a task whose time is spent off the AI Cores (AI CPU kernel, collective, DMA copy).
OFFCORE = "offcore"


class CostError(ValueError):
    """An impossible cost query (dtype the unit cannot take, negative size, unknown instruction...)."""


@dataclass(frozen=True)
class Cost:
    """What one task costs on the chip.

    ``cycles_by_pipe``: busy cycles of each pipe on the busiest core over the whole task (all waves).
    The pipes run concurrently (double buffering), so in steady state the task takes the largest of them,
    and ``bound`` names that pipe. ``serial_cycles``: cycles no overlap hides, before the steady state and
    after it (a cube kernel's pipeline fill and drain: its first operand tiles arrive before the first MMAD,
    its last output tile leaves after the last one); ``cycles`` = the largest pipe + ``serial_cycles``, so
    a pipe's busy ratio (msprof's ``mac_ratio``, ...) stays below 1 when there is a fill. ``flops`` counts
    useful work (padding excluded; vector ops count one op per element per instruction); ``bytes_hbm`` is
    everything read from and written to HBM by all cores.

    ``offcore_us``: time the task spends on a unit that is not an AI Core (an AI CPU kernel, an HCCL
    collective, a DMA copy), in microseconds; the AI Core pipes are idle then. Neither part includes the
    per-task launch latency (``launch.task_launch_us``), which the scheduler adds. ``fallback`` marks a cost
    the op registry could not compute from the op's own model (unregistered op type, a dtype its AI Core
    kernel does not take, an instance its model rejects); ``fallback_reason`` says which and why.
    """

    cycles_by_pipe: FrozenMap
    flops: float
    bytes_hbm: float
    block_dim: int
    waves: int = 1
    offcore_us: float = 0.0
    fallback: bool = False
    fallback_reason: str = ""
    serial_cycles: float = 0.0

    def __post_init__(self):
        unknown = set(self.cycles_by_pipe) - set(PIPES)
        if unknown:
            raise CostError(f"unknown pipe(s) {sorted(unknown)}; pipes are {', '.join(PIPES)}")
        if self.block_dim < 1:
            raise CostError(f"block_dim must be >= 1, got {self.block_dim}")

        if self.offcore_us < 0:
            raise CostError(f"offcore_us must be >= 0, got {self.offcore_us}")
        if self.serial_cycles < 0:
            raise CostError(f"serial_cycles must be >= 0, got {self.serial_cycles}")

    @classmethod
    def of(cls, *, flops, bytes_hbm, block_dim, waves=1, offcore_us=0.0, serial_cycles=0.0, **pipes) -> "Cost":
        """Build from pipe keyword arguments (``mac=..., mte2=...``); absent pipes are idle."""
        return cls(FrozenMap({p: float(pipes.get(p, 0.0)) for p in PIPES}), float(flops), float(bytes_hbm),
                   int(block_dim), int(waves), float(offcore_us), serial_cycles=float(serial_cycles))

    @property
    def cycles(self) -> float:
        return max(self.cycles_by_pipe.values(), default=0.0) + self.serial_cycles

    @property
    def bound(self) -> str:
        """The pipe that takes longest (earlier in PIPES wins a tie); OFFCORE when no AI Core pipe is busy
        and the task spends time elsewhere."""
        if max(self.cycles_by_pipe.values(), default=0.0) == 0 and self.offcore_us > 0:
            return OFFCORE
        return max(PIPES, key=lambda p: (self.cycles_by_pipe.get(p, 0.0), -PIPES.index(p)))

    def duration_us(self, hw: HardwareSpec) -> float:
        """Execution time on the AI Cores plus time off them (no launch overhead; see launch.task_launch_us)."""
        return hw.cycles_to_us(self.cycles) + self.offcore_us
