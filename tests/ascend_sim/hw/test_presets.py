"""Every shipped preset loads, is fully sourced, and its derived peaks match the published figures."""
import pytest

from ascend_sim import hw
from ascend_sim.hw.spec import CONFIDENCE_TAGS

# Published per-SKU figures (shared/reference/ascend910.md §1.1: RUNTIME Ascend910*.ini, runtime.cc):
# SoC_version → (AI cores, cube_freq MHz, ai_cpu_cnt, peak FP16 TFLOPS as printed, one decimal).
PUBLISHED = {
    "Ascend910A": (32, 1000, 4, 262.1),
    "Ascend910ProA": (32, 1100, 4, 288.4),
    "Ascend910PremiumA": (32, 1220, 4, 319.8),
    "Ascend910B": (30, 900, 6, 221.2),
    "Ascend910ProB": (30, 1150, 4, 282.6),
}


def test_the_five_original_910_bins_ship_and_910a_is_the_default():
    assert sorted(hw.list_presets()) == sorted(PUBLISHED)
    assert hw.DEFAULT_PRESET == "Ascend910A"
    assert hw.load().name == "Ascend910A"


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_preset_loads_with_its_published_core_count_clock_and_ai_cpus(name):
    spec = hw.load(name)
    cores, mhz, ai_cpus, _ = PUBLISHED[name]
    assert spec.name == name and spec.chip.soc_version == name
    assert (spec.chip.ai_core_count, spec.chip.ai_core_clock_mhz, spec.chip.ai_cpu_count) == (cores, mhz, ai_cpus)


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_peak_fp16_is_cores_times_16_cubed_times_2_times_clock(name):
    spec = hw.load(name)
    cores, mhz, _, published_tflops = PUBLISHED[name]
    assert spec.peak_cube_flops_per_s("float16") == cores * 16**3 * 2 * mhz * 1e6
    assert spec.peak_cube_flops_per_s("float16") / 1e12 == pytest.approx(published_tflops, abs=0.05)
    assert spec.peak_cube_flops_per_s("int8") == 2 * spec.peak_cube_flops_per_s("float16")


def test_marketing_figures_256_and_320_tflops_within_rounding():
    # "256 TFLOPS" is 256 Ki-FLOP per cycle at 1 GHz (binary kilo); the top bin is the "320 TFLOPS" part.
    assert hw.load("Ascend910A").peak_cube_flops_per_s() / (1024 * 1e9) == pytest.approx(256)
    assert hw.load("Ascend910A").peak_cube_flops_per_s("int8") / (1024 * 1e9) == pytest.approx(512)
    assert hw.load("Ascend910PremiumA").peak_cube_flops_per_s() / 1e12 == pytest.approx(320, rel=2e-3)


def test_910a_memory_and_vector_rates_match_the_reference_derivations():
    spec = hw.load("Ascend910A")
    assert spec.aicore_ddr_bandwidth_bytes_per_s / 1e12 == pytest.approx(1.02, abs=0.01)   # 32 cores x 32 B x 1 GHz
    assert spec.peak_vector_elems_per_s("float16") / 1e12 == pytest.approx(4.1, abs=0.01)
    assert spec.peak_vector_elems_per_s("float32") * 2 == spec.peak_vector_elems_per_s("float16")
    assert spec.core.rates.l1_to_l0a_bytes_per_cycle == 16 * 16 * 2   # one fp16 fractal per cycle feeds the cube
    assert "float32" not in spec.core.cube.mkn_elems and "bfloat16" not in spec.core.cube.mkn_elems


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_every_value_has_a_tagged_source(name):
    spec = hw.load(name)
    values = spec.values()
    assert len(values) > 50
    for path in values:
        source = spec.source_of(path)
        assert source.confidence in CONFIDENCE_TAGS and len(source.citation) > 10, path
    assert {spec.source_of(p).confidence for p in values} <= {"SRC", "2ND", "DER", "NOT FOUND"}


@pytest.mark.parametrize("name", sorted(set(PUBLISHED) - {"Ascend910A"}))
def test_other_bins_differ_from_910a_only_in_bin_values_and_cite_their_own_ini(name):
    base, spec = hw.load("Ascend910A"), hw.load(name)
    assert spec.core == base.core and spec.formats == base.formats and spec.interconnect == base.interconnect
    assert spec.files[-1] == base.files[0]
    for key in ("chip.ai_core_count", "chip.ai_core_clock_mhz", "chip.ai_cpu_count", "chip.soc_version"):
        assert f"{name}.ini" in spec.source_of(key).citation


def test_assumed_numbers_are_marked_not_found():
    spec = hw.load()
    for path in ("overheads.aicore_task_launch_us", "overheads.aicpu_task_latency_us",
                 "core.vector.cycles_per_repeat.exp"):
        assert spec.source_of(path).confidence == "NOT FOUND"


def test_docs_hardware_md_lists_every_default_value_with_its_tag():
    from ascend_sim.hw import describe

    text = (hw.PRESET_DIR.parents[2] / "docs" / "hardware.md").read_text()
    spec = hw.load()
    for path, value in spec.values().items():
        row = f"| `{path}` | {describe.format_value(value)} |"
        line = next((line for line in text.splitlines() if line.startswith(row)), None)
        assert line is not None, f"docs/hardware.md has no row {row}"
        assert f"| {spec.source_of(path).confidence} |" in line
