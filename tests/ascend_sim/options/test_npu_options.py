"""NpuOptions: defaults, parameter_map parsing (proto map, AttrValue dict, plain dict), upstream validation."""
import logging

import pytest
from tensorflow.core.framework import attr_value_pb2
from tensorflow.core.protobuf import config_pb2

from ascend_sim.options import npu_options
from ascend_sim.options import (
    MIX_MODES, PRECISION_MODES, PRECISION_MODES_V2, STRICT_ENV, V2_TO_V1, NpuOptions,
)


def _session_map(**values):
    """The parameter_map of a real session config's NpuOptimizer entry."""
    config = config_pb2.ConfigProto()
    custom = config.graph_options.rewrite_options.custom_optimizers.add()
    custom.name = "NpuOptimizer"
    for key, value in values.items():
        attr = custom.parameter_map[key]
        if isinstance(value, bool):
            attr.b = value
        elif isinstance(value, int):
            attr.i = value
        else:
            attr.s = value.encode()
    return custom.parameter_map


def test_defaults_training_on_910():
    opts = NpuOptions()
    assert opts.precision_mode is None and opts.effective_precision_mode == "allow_fp32_to_fp16"
    assert opts.iterations_per_loop == 1 and not opts.mix_compile_mode and not opts.enable_data_pre_proc
    assert opts.graph_run_mode == 1 and opts.variable_placement == "Device"


def test_inference_default_is_force_fp16():
    assert NpuOptions(graph_run_mode=0).effective_precision_mode == "force_fp16"


def test_nine_and_five_legal_modes():
    assert len(PRECISION_MODES) == 9 and len(PRECISION_MODES_V2) == 5
    for mode in PRECISION_MODES:
        assert NpuOptions(precision_mode=mode).effective_precision_mode == mode
    for mode in PRECISION_MODES_V2:
        assert NpuOptions(precision_mode_v2=mode).effective_precision_mode == V2_TO_V1[mode]


def test_bad_precision_mode_lists_every_legal_value():
    with pytest.raises(ValueError) as err:
        NpuOptions(precision_mode="fp8")
    for mode in PRECISION_MODES:
        assert mode in str(err.value)
    assert "precision_mode" in str(err.value)


def test_bad_precision_mode_v2_lists_legal_values():
    with pytest.raises(ValueError, match="mixed_float16"):
        NpuOptions(precision_mode_v2="allow_mix_precision")


def test_both_precision_modes_is_an_error():
    with pytest.raises(ValueError, match="precision_mode_v2"):
        NpuOptions(precision_mode="force_fp16", precision_mode_v2="fp16")
    with pytest.raises(ValueError, match="cannot both be set"):
        NpuOptions.from_parameter_map({"precision_mode": "force_fp16", "precision_mode_v2": "fp16"})


@pytest.mark.parametrize("value", [0, -3, True, 2.5, "10"])
def test_iterations_per_loop_must_be_a_positive_int(value):
    with pytest.raises(ValueError, match="iterations_per_loop"):
        NpuOptions.from_parameter_map({"iterations_per_loop": value})


def test_mix_compile_mode_needs_one_iteration_per_loop():
    with pytest.raises(ValueError, match="mix_compile_mode"):
        NpuOptions(mix_compile_mode=True, iterations_per_loop=10)
    assert NpuOptions(mix_compile_mode=True).mix_compile_mode


def test_modify_mixlist_needs_a_mixed_mode():
    with pytest.raises(ValueError, match="modify_mixlist"):
        NpuOptions(precision_mode="force_fp16", modify_mixlist="ops.json")
    for mode in MIX_MODES:
        assert NpuOptions(precision_mode=mode, modify_mixlist="ops.json").modify_mixlist == "ops.json"
    assert NpuOptions(precision_mode_v2="mixed_float16", modify_mixlist="ops.json").modify_mixlist


@pytest.mark.parametrize("kwargs, word", [({"graph_run_mode": 2}, "graph_run_mode"),
                                          ({"variable_placement": "Cloud"}, "Device, Host")])
def test_other_values_are_checked(kwargs, word):
    with pytest.raises(ValueError, match=word):
        NpuOptions(**kwargs)


def test_from_a_session_parameter_map():
    pm = _session_map(precision_mode="allow_mix_precision", iterations_per_loop=10, enable_data_pre_proc=True,
                      use_off_line=True, graph_run_mode=1, variable_placement="Host", mix_compile_mode=False,
                      sump_mode="all")
    opts = NpuOptions.from_parameter_map(pm)
    assert opts.precision_mode == "allow_mix_precision"
    assert opts.iterations_per_loop == 10 and opts.enable_data_pre_proc and not opts.mix_compile_mode
    assert opts.variable_placement == "Host"
    assert opts.use_off_line is True
    assert opts.unparsed == ("sump_mode",)


def test_wrong_accessor_reads_the_default_like_the_adapter(caplog):
    pm = {"enable_data_pre_proc": attr_value_pb2.AttrValue(s=b"true"),
          "iterations_per_loop": attr_value_pb2.AttrValue(i=4)}
    opts = NpuOptions.from_parameter_map(pm)
    assert opts.enable_data_pre_proc is False and opts.iterations_per_loop == 4
    assert "reads .b" in caplog.text


def test_plain_dict_and_overrides():
    opts = NpuOptions.from_parameter_map({"precision_mode": b"force_fp16", "mix_compile_mode": "true",
                                          "unknown_key": 1}, strict=True)
    assert opts.precision_mode == "force_fp16" and opts.mix_compile_mode and opts.strict
    assert opts.unparsed == ("unknown_key",)


def test_empty_precision_mode_string_means_unset():
    assert NpuOptions.from_parameter_map({"precision_mode": ""}).precision_mode is None


def test_strict_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(STRICT_ENV, "1")
    assert NpuOptions().strict
    monkeypatch.setenv(STRICT_ENV, "0")
    assert not NpuOptions().strict


def test_not_a_mapping():
    with pytest.raises(TypeError, match="parameter_map"):
        NpuOptions.from_parameter_map(42)


def _config(*maps, name="NpuOptimizer"):
    config = config_pb2.ConfigProto()
    for values in maps:
        custom = config.graph_options.rewrite_options.custom_optimizers.add()
        custom.name = name
        for key, value in values.items():
            attr = custom.parameter_map[key]
            if isinstance(value, bool):
                attr.b = value
            elif isinstance(value, int):
                attr.i = value
            else:
                attr.s = value.encode()
    return config


def test_from_session_config_none_without_an_npu_optimizer():
    assert NpuOptions.from_session_config(None) is None
    assert NpuOptions.from_session_config(config_pb2.ConfigProto()) is None
    assert NpuOptions.from_session_config(_config({"iterations_per_loop": 3}, name="OtherOptimizer")) is None


def test_from_session_config_with_an_empty_entry_is_all_defaults():
    # what the Session patch adds to a config that had none
    assert NpuOptions.from_session_config(_config({})) == NpuOptions()


def test_several_entries_merge_in_order_later_keys_winning():
    config = _config({"iterations_per_loop": 10, "precision_mode": "force_fp16"},
                     {"iterations_per_loop": 5, "hcom_parallel": False})
    options = NpuOptions.from_session_config(config)
    assert options.iterations_per_loop == 5 and options.precision_mode == "force_fp16"
    assert options.hcom_parallel is False
    assert options.explicit == {"iterations_per_loop", "precision_mode", "hcom_parallel"}


def test_from_session_config_rejects_what_is_not_a_config():
    with pytest.raises(TypeError, match="ConfigProto"):
        NpuOptions.from_session_config({"iterations_per_loop": 1})


def test_precision_mode_explicit():
    assert not NpuOptions().precision_mode_explicit
    assert NpuOptions(precision_mode="force_fp32").precision_mode_explicit
    assert NpuOptions(precision_mode_v2="origin").precision_mode_explicit


def test_jit_compile_ge_values():
    assert [NpuOptions(jit_compile=v).ge_jit_compile for v in ("true", "false", "auto")] == ["1", "0", "2"]


def test_inference_forces_the_small_channel_like_the_adapter():
    assert NpuOptions(graph_run_mode=0).enable_small_channel == 1
    assert NpuOptions(graph_run_mode=1).enable_small_channel == 0


def test_equal_options_hash_alike_whatever_keys_were_explicit():
    parsed = NpuOptions.from_parameter_map({"precision_mode": "force_fp16", "hcom_parallel": True})
    built = NpuOptions(precision_mode="force_fp16")
    assert parsed == built and hash(parsed) == hash(built) and parsed.explicit != built.explicit


def test_repr_and_non_defaults_show_what_differs():
    options = NpuOptions(iterations_per_loop=4, hcom_parallel=False, strict=False)
    assert options.non_defaults() == {"iterations_per_loop": 4, "hcom_parallel": False}
    assert repr(options) == "NpuOptions(iterations_per_loop=4, hcom_parallel=False, strict=False)"


def test_aoe_mode_from_the_environment(tmp_path):
    options = NpuOptions.from_parameter_map({"work_path": str(tmp_path)}, environ={"AOE_MODE": "2"})
    assert options.aoe_mode == "2"
    assert NpuOptions.from_parameter_map({"aoe_mode": "4", "work_path": str(tmp_path)},
                                         environ={"AOE_MODE": "2"}).aoe_mode == "4"
    with pytest.raises(ValueError, match="AOE_MODE='3'.*1, 2, 4, mdat"):
        NpuOptions.from_parameter_map({}, environ={"AOE_MODE": "3"})


def test_unknown_and_deprecated_keys_are_logged_once(caplog, monkeypatch):
    monkeypatch.setattr(npu_options, "_reported", set())    # other tests may have logged them already
    caplog.set_level(logging.INFO, logger="ascend_sim.options")
    for _ in range(2):
        NpuOptions.from_parameter_map({"a_key_nobody_knows": True, "op_debug_level": 1})
    assert caplog.text.count("a_key_nobody_knows") == 1
    assert caplog.text.count("'op_debug_level' is deprecated") == 1
