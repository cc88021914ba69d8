"""The Ascend hardware model as frozen dataclasses, one per preset section; units live in the field names.

Every value comes from a preset file (``ascend_sim/hw/presets/*.toml``) and carries a :class:`Source`; this
module holds only the shape of the data and arithmetic derived from it (peak rates, unit conversions).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, Iterator, TypeVar

FLOPS_PER_MAC = 2          # one multiply-accumulate counts as two floating-point operations
HZ_PER_MHZ = 1e6
BYTES_PER_GB = 1e9         # bandwidths are quoted in decimal GB/s
US_PER_S = 1e6
TERA = 1e12
GIGA = 1e9

# Names a preset may use as keys of per-dtype tables (TensorFlow spellings).
DTYPE_NAMES = ("bfloat16", "bool", "float16", "float32", "float64", "int4", "int8", "int16", "int32", "int64",
               "uint8", "uint16", "uint32", "uint64")
# Vector instruction classes with a per-repeat cost (one repeat = one vector width of data).
VECTOR_INSTRUCTIONS = ("basic", "cast", "div", "exp", "ln", "reciprocal", "reduce", "rsqrt", "sqrt")
# Confidence tags, as used in shared/reference/ascend910.md, plus USER for values a custom preset supplies.
CONFIDENCE_TAGS = {
    "SRC": "Huawei source code, config file or official documentation",
    "2ND": "secondary material (press, talks, blogs)",
    "DER": "arithmetic derived from sourced facts",
    "NOT FOUND": "no public source; an assumption to calibrate",
    "USER": "supplied by the author of a custom preset",
}

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping, Generic[K, V]):
    """A read-only, hashable mapping (keeps specs hashable so lowering can cache on them)."""

    __slots__ = ("_data", "_hash")

    def __init__(self, data=()):
        self._data = dict(data)
        self._hash = None

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(tuple(sorted(self._data.items())))
        return self._hash

    def __eq__(self, other) -> bool:
        return isinstance(other, Mapping) and dict(self._data) == dict(other)

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


@dataclass(frozen=True)
class Source:
    """Where a number comes from: a confidence tag (see CONFIDENCE_TAGS) and a citation."""

    confidence: str
    citation: str

    def __str__(self) -> str:
        return f"[{self.confidence}] {self.citation}"


def _meta(**kwargs):
    return field(metadata=kwargs)


@dataclass(frozen=True)
class ChipSpec:
    soc_version: str
    aic_version: str
    ai_core_count: int
    ai_core_clock_mhz: float
    ai_cpu_count: int
    l2_bytes: int
    hbm_bytes: int
    hbm_stack_count: int
    hbm_bandwidth_gb_per_s: float
    tdp_w: float


@dataclass(frozen=True)
class CubeSpec:
    # Per input dtype, the (M, K, N) of the one matrix multiply-accumulate the cube issues per cycle.
    # The keys are the dtypes the cube accepts as inputs; anything else must be cast first.
    mkn_elems: FrozenMap[str, tuple[int, int, int]] = _meta(keys=DTYPE_NAMES)


@dataclass(frozen=True)
class VectorSpec:
    width_bytes_per_cycle: int
    lanes_per_cycle: FrozenMap[str, int] = _meta(keys=DTYPE_NAMES)
    # Cycles one instruction of each class spends per repeat (one vector width of data).
    cycles_per_repeat: FrozenMap[str, float] = _meta(keys=VECTOR_INSTRUCTIONS)


@dataclass(frozen=True)
class BufferSpec:
    l0a_bytes: int
    l0b_bytes: int
    l0c_bytes: int
    l1_bytes: int
    ub_bytes: int
    l0ab_align_bytes: int
    l0c_align_bytes: int
    l1_align_bytes: int
    ub_align_bytes: int


@dataclass(frozen=True)
class DataPathSpec:
    """Per-core transfer rates. MTE2 moves HBM (DDR) → L1/UB, MTE1 L1 → L0A/L0B, MTE3 UB → HBM."""

    ddr_bytes_per_cycle: int
    l2_read_bytes_per_cycle: int
    l2_write_bytes_per_cycle: int
    l1_to_l0a_bytes_per_cycle: int
    l1_to_l0b_bytes_per_cycle: int
    l1_to_ub_bytes_per_cycle: int
    l0c_to_ub_bytes_per_cycle: int
    ub_to_l2_bytes_per_cycle: int
    ub_to_ddr_bytes_per_cycle: int
    ub_to_l1_bytes_per_cycle: int


@dataclass(frozen=True)
class CoreSpec:
    """One AI Core (DaVinci "Max"): cube, vector, on-chip buffers and data paths."""

    cube: CubeSpec
    vector: VectorSpec
    buffers: BufferSpec
    rates: DataPathSpec


@dataclass(frozen=True)
class FormatSpec:
    fractal_elems: int   # rows of one fractal (the 16 of FRACTAL_NZ / FRACTAL_Z)
    c0_elems: FrozenMap[str, int] = _meta(keys=DTYPE_NAMES)   # C0 of NC1HWC0 / NZ per dtype


@dataclass(frozen=True)
class InterconnectSpec:
    hccs_port_count: int
    hccs_port_gbit_per_s: float
    pcie_lane_count: int
    pcie_gb_per_s_per_direction: float
    roce_port_count: int
    roce_port_gbit_per_s: float


@dataclass(frozen=True)
class OverheadSpec:
    aicore_task_launch_us: float = _meta(allow_zero=True)
    aicpu_task_latency_us: float = _meta(allow_zero=True)
    aicpu_ns_per_elem: float = _meta(allow_zero=True)
    host_loop_us: float = _meta(allow_zero=True)


@dataclass(frozen=True)
class HardwareSpec:
    """A complete hardware preset. ``sources`` maps dotted key paths (or their sections) to a Source."""

    name: str
    description: str
    chip: ChipSpec
    core: CoreSpec
    formats: FormatSpec
    interconnect: InterconnectSpec
    overheads: OverheadSpec
    sources: FrozenMap[str, Source] = field(compare=False, repr=False)
    files: tuple[str, ...] = field(compare=False, repr=False)   # preset file first, then what it inherits

    # ---- derived numbers -------------------------------------------------------------------
    @property
    def clock_hz(self) -> float:
        return self.chip.ai_core_clock_mhz * HZ_PER_MHZ

    def cycles_to_us(self, cycles: float) -> float:
        """AI Core cycles → microseconds at this chip's clock."""
        return cycles / self.chip.ai_core_clock_mhz

    def cube_macs_per_cycle(self, dtype: str = "float16") -> int:
        """MACs one core's cube retires per cycle for inputs of ``dtype``."""
        mkn = self.core.cube.mkn_elems.get(dtype)
        if mkn is None:
            raise ValueError(f"{self.name}: the cube takes no {dtype!r} inputs; "
                             f"supported: {', '.join(self.core.cube.mkn_elems)}")
        m, k, n = mkn
        return m * k * n

    def peak_cube_flops_per_s(self, dtype: str = "float16") -> float:
        """Chip peak: cores × MACs/cycle × 2 × clock."""
        return self.chip.ai_core_count * self.cube_macs_per_cycle(dtype) * FLOPS_PER_MAC * self.clock_hz

    def vector_lanes(self, dtype: str) -> int:
        """Elements of ``dtype`` one core's vector unit processes per cycle."""
        lanes = self.core.vector.lanes_per_cycle.get(dtype)
        if lanes is None:
            raise ValueError(f"{self.name}: no vector lane width for {dtype!r}; "
                             f"known: {', '.join(self.core.vector.lanes_per_cycle)}")
        return lanes

    def peak_vector_elems_per_s(self, dtype: str = "float16") -> float:
        return self.chip.ai_core_count * self.vector_lanes(dtype) * self.clock_hz

    @property
    def hbm_bandwidth_bytes_per_s(self) -> float:
        return self.chip.hbm_bandwidth_gb_per_s * BYTES_PER_GB

    @property
    def aicore_ddr_bandwidth_bytes_per_s(self) -> float:
        """What all AI Cores' DDR paths together can move: cores × ddr B/cycle × clock."""
        return self.chip.ai_core_count * self.core.rates.ddr_bytes_per_cycle * self.clock_hz

    def derived(self) -> dict[str, tuple[float, str]]:
        """Headline numbers derived from the preset: name (with unit) → (value, formula)."""
        return {
            "peak_fp16_tflops": (self.peak_cube_flops_per_s("float16") / TERA,
                                 "ai_core_count x M*K*N(float16) x 2 x ai_core_clock_mhz"),
            "peak_int8_tops": (self.peak_cube_flops_per_s("int8") / TERA,
                               "ai_core_count x M*K*N(int8) x 2 x ai_core_clock_mhz"),
            "vector_fp16_tera_elems_per_s": (self.peak_vector_elems_per_s("float16") / TERA,
                                             "ai_core_count x lanes_per_cycle.float16 x ai_core_clock_mhz"),
            "vector_fp32_tera_elems_per_s": (self.peak_vector_elems_per_s("float32") / TERA,
                                             "ai_core_count x lanes_per_cycle.float32 x ai_core_clock_mhz"),
            "aicore_ddr_path_gb_per_s": (self.aicore_ddr_bandwidth_bytes_per_s / GIGA,
                                         "ai_core_count x ddr_bytes_per_cycle x ai_core_clock_mhz"),
        }

    # ---- sources ---------------------------------------------------------------------------
    def source_of(self, path: str) -> Source:
        """The source of a dotted key path, looking up the nearest section that has one."""
        parts = path.split(".")
        while parts:
            found = self.sources.get(".".join(parts))
            if found is not None:
                return found
            parts.pop()
        raise KeyError(f"{self.name}: no source recorded for {path!r}")

    def values(self) -> dict[str, object]:
        """Every leaf value by dotted path (per-dtype tables expanded), in file order."""
        out: dict[str, object] = {}
        for section in ("chip", "core", "formats", "interconnect", "overheads"):
            _flatten(getattr(self, section), section, out)
        return out


def _flatten(obj, prefix: str, out: dict) -> None:
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            _flatten(getattr(obj, f.name), f"{prefix}.{f.name}", out)
    elif isinstance(obj, Mapping):
        for key, value in obj.items():
            out[f"{prefix}.{key}"] = value
    else:
        out[prefix] = obj
