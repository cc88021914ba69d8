"""ProfilingSettings: precedence of profiling_mode over PROFILING_MODE / PROFILING_OPTIONS, the JSON fields, errors,
and forced_on for `ascend-sim run`."""
import json

import pytest

from ascend_sim.options import NpuOptions, ProfilingSettings
from ascend_sim.options.profiling import AIC_METRICS, DEFAULT_OPTIONS, SWITCHES

SCRIPT_JSON = '{"output":"./prof","training_trace":"on","task_trace":"off","aic_metrics":"Memory"}'
ENV_JSON = '{"output":"/tmp/env_prof","aicpu":"on","l2":"on"}'


def _options(mode, text=""):
    if mode is None:
        return NpuOptions()
    return NpuOptions.from_parameter_map({"profiling_mode": mode, "profiling_options": text})


# (profiling_mode in the map, PROFILING_MODE, PROFILING_OPTIONS) → (enabled, source, output dir)
PRECEDENCE = [
    ((True, None, None), (True, "profiling_mode", "./prof")),
    ((True, "true", ENV_JSON), (True, "profiling_mode", "./prof")),
    ((False, "true", ENV_JSON), (True, "PROFILING_MODE", "/tmp/env_prof")),
    ((None, "true", ENV_JSON), (True, "PROFILING_MODE", "/tmp/env_prof")),
    ((None, "true", ""), (False, "off", None)),
    ((None, "True", ENV_JSON), (False, "off", None)),
    ((None, "1", ENV_JSON), (False, "off", None)),
    ((None, None, ENV_JSON), (False, "off", None)),
    ((False, None, None), (False, "off", None)),
]


@pytest.mark.parametrize("given, expected", PRECEDENCE, ids=[str(case[0]) for case in PRECEDENCE])
def test_precedence(given, expected):
    mode, env_mode, env_options = given
    environ = {k: v for k, v in (("PROFILING_MODE", env_mode), ("PROFILING_OPTIONS", env_options)) if v is not None}
    settings = ProfilingSettings.resolve(_options(mode, SCRIPT_JSON), environ)
    assert (settings.enabled, settings.source, settings.output_dir) == expected


def test_a_profiling_mode_value_other_than_true_is_logged(caplog):
    ProfilingSettings.resolve(None, {"PROFILING_MODE": "1", "PROFILING_OPTIONS": ENV_JSON})
    assert "PROFILING_MODE='1'" in caplog.text and "'true'" in caplog.text


def test_profiling_mode_without_options_uses_the_adapter_default():
    settings = ProfilingSettings.resolve(_options(True), {})
    expected = json.loads(DEFAULT_OPTIONS)
    assert settings.enabled and settings.output_dir == expected["output"]
    for switch in SWITCHES:
        assert getattr(settings, switch) is (expected.get(switch) == "on"), switch
    assert settings.aic_metrics == expected["aic_metrics"] and settings.options_json == DEFAULT_OPTIONS


def test_fields_of_the_script_json():
    text = ('{"output":"out","training_trace":"on","task_trace":"on","hccl":"off","aicpu":"on","msproftx":"on",'
            '"l2":"on","runtime_api":"off","fp_point":"fp/op","bp_point":"gradients/AddN_23",'
            '"aic_metrics":"ArithmeticUtilization","storage_limit":"500MB","task_time":"l1"}')
    s = ProfilingSettings.resolve(_options(True, text), {})
    assert (s.output_dir, s.fp_point, s.bp_point, s.aic_metrics) == ("out", "fp/op", "gradients/AddN_23",
                                                                     "ArithmeticUtilization")
    assert s.training_trace and s.task_trace and s.aicpu and s.msproftx and s.l2
    assert not s.hccl and not s.runtime_api
    assert s.storage_limit_mb == 500 and s.extra == (("task_time", "l1"),)


def test_missing_output_leaves_the_directory_to_the_runtime():
    s = ProfilingSettings.resolve(_options(True, '{"training_trace":"on"}'), {})
    assert s.enabled and s.output_dir is None and s.training_trace and not s.task_trace


@pytest.mark.parametrize("text, where", [('{"output": "x",, }', "PROFILING_OPTIONS"),
                                         ('{"output": "x"', "PROFILING_OPTIONS")])
def test_malformed_json_names_the_variable_and_the_position(text, where):
    with pytest.raises(ValueError) as err:
        ProfilingSettings.resolve(None, {"PROFILING_MODE": "true", "PROFILING_OPTIONS": text})
    message = str(err.value)
    assert where in message and "line 1 column" in message
    position = int(message.split("(char ")[1].split(")")[0])
    assert 0 < position <= len(text)


def test_malformed_json_in_the_parameter_map_names_the_key():
    with pytest.raises(ValueError, match=r"parameter_map\['profiling_options'\].*char 1"):
        ProfilingSettings.resolve(_options(True, "{output}"), {})


@pytest.mark.parametrize("text, words", [
    ('{"aic_metrics":"Everything"}', ["aic_metrics", *AIC_METRICS]),
    ('{"task_trace":"yes"}', ["task_trace", "on, off"]),
    ('{"storage_limit":"2GB"}', ["storage_limit", "MB"]),
    ('["output"]', ["JSON object"]),
    ('{"output": 3}', ["output", "string"]),
])
def test_bad_fields(text, words):
    with pytest.raises(ValueError) as err:
        ProfilingSettings.resolve(_options(True, text), {})
    for word in words:
        assert word in str(err.value)


def test_legacy_colon_options_with_fp_bp_from_the_environment():
    s = ProfilingSettings.resolve(None, {"PROFILING_MODE": "true", "PROFILING_OPTIONS": "training_trace:task_trace",
                                         "FP_POINT": "fp", "BP_POINT": "bp"})
    assert s.enabled and s.training_trace and s.task_trace and (s.fp_point, s.bp_point) == ("fp", "bp")
    with pytest.raises(ValueError, match="op_trace"):
        ProfilingSettings.resolve(None, {"PROFILING_MODE": "true", "PROFILING_OPTIONS": "training_trace:gpu"})


def test_forced_on_turns_profiling_on_with_the_options_it_would_have_used():
    off = ProfilingSettings.resolve(None, {})
    forced = off.forced_on()
    assert forced.enabled and forced.source == "ascend-sim run"
    assert forced.output_dir == json.loads(DEFAULT_OPTIONS)["output"]
    env_only = ProfilingSettings.resolve(None, {"PROFILING_OPTIONS": ENV_JSON}).forced_on(output_dir="run_prof")
    assert env_only.enabled and env_only.l2 and env_only.output_dir == "run_prof"
    script_off = ProfilingSettings.resolve(_options(False, SCRIPT_JSON), {}).forced_on()
    assert script_off.aic_metrics == "Memory" and script_off.output_dir == "./prof"


def test_forced_on_keeps_settings_that_are_already_on():
    on = ProfilingSettings.resolve(_options(True, SCRIPT_JSON), {})
    assert on.forced_on() == on
    moved = on.forced_on(output_dir="elsewhere")
    assert moved.source == "profiling_mode" and moved.output_dir == "elsewhere" and moved.aic_metrics == "Memory"


def test_forced_on_reports_malformed_options_it_parses():
    with pytest.raises(ValueError, match="not valid JSON"):
        ProfilingSettings.resolve(None, {"PROFILING_OPTIONS": "{"}).forced_on()
