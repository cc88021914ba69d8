"""Spec dataclasses: frozen, hashable, derived arithmetic, source lookup."""
import dataclasses

import pytest

from ascend_sim import hw
from ascend_sim.hw.spec import FrozenMap


def test_specs_are_frozen_and_hashable():
    spec = hw.load()
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.chip.ai_core_count = 64
    with pytest.raises(TypeError):
        spec.core.vector.lanes_per_cycle["float16"] = 1
    assert hash(spec) == hash(hw.load("Ascend910A"))
    assert {spec: 1}[hw.load("Ascend910A")] == 1


def test_frozen_map_equality_and_hash_follow_contents():
    assert FrozenMap({"a": 1, "b": 2}) == FrozenMap({"b": 2, "a": 1}) == {"a": 1, "b": 2}
    assert hash(FrozenMap({"a": 1, "b": 2})) == hash(FrozenMap({"b": 2, "a": 1}))
    assert FrozenMap({"a": 1}) != FrozenMap({"a": 2})


def test_cycle_conversion_uses_the_preset_clock():
    assert hw.load("Ascend910A").cycles_to_us(1000) == pytest.approx(1.0)
    assert hw.load("Ascend910B").cycles_to_us(900) == pytest.approx(1.0)


def test_cube_rejects_dtypes_it_has_no_mmad_for_and_names_the_supported_ones():
    spec = hw.load()
    assert spec.cube_macs_per_cycle("float16") == 4096
    assert spec.cube_macs_per_cycle("int8") == 8192
    with pytest.raises(ValueError, match="float32.*float16"):
        spec.cube_macs_per_cycle("float32")
    with pytest.raises(ValueError, match="float64.*float16"):
        spec.vector_lanes("float64")


def test_source_of_walks_up_to_the_covering_section_and_raises_for_unknown_paths():
    spec = hw.load()
    assert spec.source_of("core.rates.ub_to_ddr_bytes_per_cycle").citation.endswith("[AICoreMemoryRates]")
    with pytest.raises(KeyError, match="no source"):
        spec.source_of("nonsense.key")


def test_derived_numbers_name_their_formula():
    derived = hw.load().derived()
    assert derived["peak_fp16_tflops"][0] == pytest.approx(262.144)
    assert all("ai_core_count" in formula for _, formula in derived.values())
