"""Loading presets by name or path, ``inherits``, and validation errors that name file:line and key path."""
import pathlib

import pytest

from ascend_sim import hw

BASE = hw.PRESET_DIR / "Ascend910A.toml"


def write(tmp_path, text, name="custom.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def error_of(path_or_name) -> hw.HardwareSpecError:
    with pytest.raises(hw.HardwareSpecError) as info:
        hw.load(path_or_name)
    return info.value


def full_copy(tmp_path, old, new, name="standalone.toml"):
    """A standalone copy of the 910A preset with one line changed."""
    text = BASE.read_text()
    assert old in text
    return write(tmp_path, text.replace(old, new, 1), name)


def test_names_are_looked_up_exactly_or_case_insensitively_and_presets_are_cached():
    assert hw.load("ascend910proa") is hw.load("Ascend910ProA")
    spec = hw.load()
    assert hw.load(spec) is spec


def test_unknown_preset_lists_the_known_ones_and_suggests():
    message = str(error_of("Ascend910C"))
    assert "unknown hardware preset 'Ascend910C'" in message and "did you mean" in message
    for name in hw.list_presets():
        assert name in message


def test_missing_file_and_wrong_argument_type(tmp_path):
    assert "no such preset file" in str(error_of(tmp_path / "absent.toml"))
    assert "expected a preset name or a path" in str(error_of(42))


def test_standalone_custom_file_loads_by_str_and_pathlib_path(tmp_path):
    path = full_copy(tmp_path, "ai_core_count = 32", "ai_core_count = 8")
    for arg in (path, str(path)):
        spec = hw.load(arg)
        assert spec.name == "Ascend910A" and spec.files == (str(path.resolve()),)   # the name key wins over the stem
        assert spec.chip.ai_core_count == 8
    assert spec.peak_cube_flops_per_s() == hw.load().peak_cube_flops_per_s() / 4


def test_custom_preset_inherits_and_overrides_a_few_keys(tmp_path):
    path = write(tmp_path, """
name = "Big910"
inherits = "Ascend910A"
[chip]
ai_core_count = 64
[core.vector.lanes_per_cycle]
int8 = 256
[sources]
"chip.ai_core_count" = "[USER] what if the die had 64 cores"
"core.vector.lanes_per_cycle.int8" = "[USER] guess"
""")
    spec, base = hw.load(path), hw.load()
    assert spec.name == "Big910" and spec.files == (str(path.resolve()), base.files[0])
    assert spec.chip.ai_core_count == 64 and spec.chip.ai_core_clock_mhz == base.chip.ai_core_clock_mhz
    assert dict(spec.core.vector.lanes_per_cycle) == {**base.core.vector.lanes_per_cycle, "int8": 256}
    assert spec.source_of("chip.ai_core_count").confidence == "USER"
    assert spec.source_of("chip.ai_core_clock_mhz") == base.source_of("chip.ai_core_clock_mhz")
    assert spec.peak_cube_flops_per_s() == 2 * base.peak_cube_flops_per_s()
    assert base.chip.ai_core_count == 32   # the shipped preset is untouched


def test_inherits_a_relative_path_and_chains(tmp_path):
    write(tmp_path, 'inherits = "Ascend910ProA"\n[chip]\nhbm_bytes = 1024\n[sources]\nchip = "[USER] small"\n',
          "mid.toml")
    path = write(tmp_path, 'inherits = "mid.toml"\n[overheads]\naicore_task_launch_us = 0\n'
                           '[sources]\noverheads = "[USER] no launch cost"\n')
    spec = hw.load(path)
    assert (spec.chip.hbm_bytes, spec.chip.ai_core_clock_mhz, spec.overheads.aicore_task_launch_us) == (1024, 1100, 0)
    assert [pathlib.Path(f).name for f in spec.files] == ["custom.toml", "mid.toml", "Ascend910ProA.toml", "Ascend910A.toml"]


def test_inheritance_cycle_and_unknown_parent_are_reported(tmp_path):
    write(tmp_path, 'inherits = "b.toml"\n', "a.toml")
    write(tmp_path, 'inherits = "a.toml"\n', "b.toml")
    assert "inheritance cycle" in str(error_of(tmp_path / "a.toml"))
    message = str(error_of(write(tmp_path, 'inherits = "Ascend910Z"\n')))
    assert "custom.toml:1: inherits: unknown hardware preset 'Ascend910Z'" in message and "Ascend910ProB" in message


@pytest.mark.parametrize("line, key, expected", [
    ("ai_core_count = -4", "chip.ai_core_count", "expected a positive integer, got -4"),
    ("ai_core_count = 0", "chip.ai_core_count", "expected a positive integer, got 0"),
    ("ai_core_count = 32.5", "chip.ai_core_count", "expected a positive integer, got 32.5"),
    ("ai_core_count = true", "chip.ai_core_count", "expected a positive integer, got True"),
    ('ai_core_clock_mhz = "fast"', "chip.ai_core_clock_mhz", "expected a positive number, got 'fast'"),
    ("float16 = [16, 16]", "core.cube.mkn_elems.float16", "expected a list of 3 positive integers"),
    ("l0a_byte = 65536", "core.buffers.l0a_byte", "unknown key; did you mean 'l0a_bytes'?"),
    ("fp16 = 128", "core.vector.lanes_per_cycle.fp16", "unknown key; did you mean 'float16'?"),
    ("aicpu_task_latency_us = -1", "overheads.aicpu_task_latency_us", "expected a non-negative number, got -1"),
])
def test_bad_values_name_file_line_and_key(tmp_path, line, key, expected):
    section = {"chip": "[chip]", "core.cube.mkn_elems": "[core.cube.mkn_elems]", "core.buffers": "[core.buffers]",
               "core.vector.lanes_per_cycle": "[core.vector.lanes_per_cycle]", "overheads": "[overheads]"}
    header = next(h for prefix, h in section.items() if key.startswith(prefix + "."))
    text = f'inherits = "Ascend910A"\n{header}\n{line}\n[sources]\n"{key.rsplit(".", 1)[0]}" = "[USER] test"\n'
    message = str(error_of(write(tmp_path, text)))
    assert f"custom.toml:3: {key}: {expected}" in message


def test_missing_key_and_missing_section_in_a_standalone_file(tmp_path):
    path = full_copy(tmp_path, "ub_bytes = 262144\n", "")
    message = str(error_of(path))
    assert "standalone.toml" in message and "core.buffers.ub_bytes: missing key (expected a positive integer)" in message
    text = BASE.read_text()
    start, end = text.index("[interconnect]"), text.index("[overheads]")
    message = str(error_of(write(tmp_path, text[:start] + text[end:])))
    assert "interconnect: missing section [interconnect]" in message and "hccs_port_count" in message


def test_every_problem_is_reported_at_once(tmp_path):
    error = error_of(write(tmp_path, 'inherits = "Ascend910A"\nnmae = "x"\n[chip]\nai_core_count = 0\n'
                                     'tdp_w = "hot"\n[sources]\nchip = "[USER] t"\n'))
    keys = {p.key for p in error.problems}
    assert keys == {"nmae", "chip.ai_core_count", "chip.tdp_w"}
    assert "did you mean 'name'" in str(error) and str(error).startswith("3 problems")


def test_values_need_a_tagged_source_in_the_file_that_sets_them(tmp_path):
    message = str(error_of(write(tmp_path, 'inherits = "Ascend910A"\n[chip]\nai_core_count = 8\n')))
    assert 'custom.toml:3: chip.ai_core_count: no source for this value; add "chip.ai_core_count"' in message
    message = str(error_of(write(tmp_path, 'inherits = "Ascend910A"\n[chip]\nai_core_count = 8\n'
                                           '[sources]\n"chip.ai_core_count" = "because"\n')))
    assert "custom.toml:5: sources.chip.ai_core_count: expected \"[TAG] citation\"" in message and "NOT FOUND" in message


def test_sources_must_name_real_keys_that_the_file_sets(tmp_path):
    message = str(error_of(write(tmp_path, 'inherits = "Ascend910A"\n[chip]\nai_core_count = 8\n[sources]\n'
                                           '"chip.ai_core_count" = "[USER] x"\n"chip.ai_core_cnt" = "[USER] y"\n'
                                           '"chip.tdp_w" = "[USER] z"\n')))
    assert "sources.chip.ai_core_cnt: not a key path of the hardware spec; did you mean 'chip.ai_core_count'?" in message
    assert "sources.chip.tdp_w: a source for a key this file does not set" in message


def test_invalid_toml_names_the_file_and_position(tmp_path):
    message = str(error_of(write(tmp_path, "[chip\nai_core_count = 3\n")))
    assert "custom.toml: not valid TOML" in message and "line 1" in message


def test_shipped_preset_files_name_themselves():
    import tomllib
    for name in hw.list_presets():
        data = tomllib.loads(pathlib.Path(hw.PRESET_DIR, f"{name}.toml").read_text())
        assert data["name"] == name
