"""DumpSettings: validated like the adapter (path required and real, steps and modes only when dumping)."""
import os

import pytest

from ascend_sim.options import DumpSettings, NpuOptions


def test_no_dump_by_default():
    dump = DumpSettings.from_options(NpuOptions())
    assert not dump.active and dump.path is None and not dump.includes_step(0)
    assert DumpSettings.from_options(None) == dump


def test_data_dump(tmp_path):
    link = tmp_path / "link"
    link.symlink_to(tmp_path)
    options = NpuOptions.from_parameter_map({"enable_dump": True, "dump_path": str(link), "dump_step": "0|5-8",
                                             "dump_mode": "all", "dump_data": "stats", "dump_layer": "conv1 fc"})
    dump = DumpSettings.from_options(options)
    assert dump.active and dump.enabled and not dump.debug_enabled
    assert dump.path == os.path.realpath(tmp_path) and dump.steps == ((0, 0), (5, 8))
    assert (dump.mode, dump.data, dump.layer) == ("all", "stats", "conv1 fc")
    assert [step for step in range(10) if dump.includes_step(step)] == [0, 5, 6, 7, 8]


def test_every_step_without_dump_step(tmp_path):
    dump = DumpSettings.from_options(NpuOptions.from_parameter_map({"enable_dump": True, "dump_path": str(tmp_path)}))
    assert dump.steps == () and dump.includes_step(12345) and dump.mode == "output"


def test_overflow_dump_alone_ignores_the_data_dump_keys(tmp_path):
    options = NpuOptions.from_parameter_map({"enable_dump_debug": True, "dump_path": str(tmp_path),
                                             "dump_debug_mode": "atomic_overflow", "dump_step": "junk",
                                             "dump_mode": "junk"})
    dump = DumpSettings.from_options(options)
    assert dump.active and dump.debug_enabled and not dump.enabled
    assert dump.debug_mode == "atomic_overflow" and dump.steps == () and dump.mode == "output"


@pytest.mark.parametrize("values, word", [
    ({"enable_dump": True, "dump_mode": "both"}, "input, output, all"),
    ({"enable_dump": True, "dump_step": "3-1"}, "N < M"),
    ({"enable_dump_debug": True, "dump_debug_mode": "overflow"}, "aicore_overflow, atomic_overflow, all"),
    ({"enable_dump": True, "dump_data": "raw"}, "tensor, stats"),
])
def test_bad_dump_values_list_what_is_legal(values, word, tmp_path):
    with pytest.raises(ValueError, match=word):
        NpuOptions.from_parameter_map({**values, "dump_path": str(tmp_path)})


def test_dump_path_is_required_and_checked(tmp_path):
    with pytest.raises(ValueError, match="requires dump_path"):
        NpuOptions.from_parameter_map({"enable_dump": True})
    unchecked = NpuOptions.from_parameter_map({"enable_dump": True, "dump_path": str(tmp_path / "gone")},
                                              check_paths=False)
    with pytest.raises(ValueError, match="dump_path.*does not exist"):
        DumpSettings.from_options(unchecked)
    assert DumpSettings.from_options(unchecked, check_path=False).path == str(tmp_path / "gone")
