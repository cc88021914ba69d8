"""The Ascend hardware model: frozen spec dataclasses loaded from validated TOML presets.

``load("Ascend910A")`` (the default) or ``load("path/to/custom.toml")`` gives a :class:`HardwareSpec`;
``list_presets()`` names the shipped presets. Every number lives in a preset file with its source; see
docs/hardware.md.
"""
from ascend_sim.hw.errors import HardwareSpecError, Problem
from ascend_sim.hw.loader import DEFAULT_PRESET, PRESET_DIR, list_presets, load
from ascend_sim.hw.spec import (
    BufferSpec, ChipSpec, CoreSpec, CubeSpec, DataPathSpec, FormatSpec, FrozenMap, HardwareSpec, InterconnectSpec,
    OverheadSpec, Source, VectorSpec,
)

__all__ = [
    "BufferSpec", "ChipSpec", "CoreSpec", "CubeSpec", "DataPathSpec", "DEFAULT_PRESET", "FormatSpec", "FrozenMap",
    "HardwareSpec", "HardwareSpecError", "InterconnectSpec", "OverheadSpec", "PRESET_DIR", "Problem", "Source",
    "VectorSpec", "list_presets", "load",
]
