"""NpuOptions: defaults, parameter_map parsing (proto map, AttrValue dict, plain dict), upstream validation."""
import pytest
from tensorflow.core.framework import attr_value_pb2
from tensorflow.core.protobuf import config_pb2

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
