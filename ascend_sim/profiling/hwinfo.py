"""The hardware numbers the reports compare against (HBM capacity, the roofline's roofs), looked up from the
profile's preset name. Nothing here is hard-coded: a profile simulated on a custom preset file whose name
is not a shipped preset gets ``None`` and the reports leave the comparison out (and say so)."""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from ascend_sim import hw as hwlib

logger = logging.getLogger("ascend_sim.profiling")


@dataclass(frozen=True)
class Roofs:
    """Chip-wide ceilings: cube and vector compute (FLOP/s; a vector op counts one per element) and HBM (B/s)."""

    cube_flops_per_s: float
    vector_flops_per_s: float
    hbm_bytes_per_s: float
    hbm_capacity_bytes: int
    hw_name: str

    def ridge(self, compute: float) -> float:
        """Arithmetic intensity (FLOP/B) where ``compute`` meets the HBM roof."""
        return compute / self.hbm_bytes_per_s


@functools.lru_cache(maxsize=None)
def spec_for(hw_name: str):
    try:
        return hwlib.load(hw_name)
    except (hwlib.HardwareSpecError, OSError, ValueError) as exc:
        logger.info("no hardware preset named %r (%s): reports leave out the hardware comparisons", hw_name, exc)
        return None


def roofs_for(profile) -> Roofs | None:
    spec = spec_for(profile.hw_name)
    if spec is None:
        return None
    return Roofs(spec.peak_cube_flops_per_s("float16"), spec.peak_vector_elems_per_s("float16"),
                 spec.hbm_bandwidth_bytes_per_s, spec.chip.hbm_bytes, spec.name)
