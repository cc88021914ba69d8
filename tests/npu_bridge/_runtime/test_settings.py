"""The runtime's environment knobs, session-config readers and default log visibility."""
import io
import logging

import pytest
import tensorflow.compat.v1 as tf

from npu_bridge._runtime import settings


def test_count_settings_default_and_reject_bad_values():
    assert settings.count_setting(settings.LOG_STEPS_ENV, 100, environ={}) == 100
    assert settings.count_setting(settings.LOG_STEPS_ENV, 100, environ={settings.LOG_STEPS_ENV: " 0 "}) == 0
    for bad in ("-1", "ten", "1.5"):
        with pytest.raises(ValueError) as info:
            settings.count_setting(settings.LOG_STEPS_ENV, 100, environ={settings.LOG_STEPS_ENV: bad})
        assert settings.LOG_STEPS_ENV in str(info.value) and repr(bad) in str(info.value)


def test_switches_and_hardware_name():
    assert settings.runtime_disabled({settings.NO_RUNTIME_ENV: "1"})
    assert not settings.runtime_disabled({settings.NO_RUNTIME_ENV: "0"}) and not settings.runtime_disabled({})
    assert settings.hw_name({}) == settings.DEFAULT_HW
    assert settings.hw_name({settings.HW_ENV: "Ascend910B"}) == "Ascend910B"


def test_session_options_need_the_npu_optimizer():
    assert settings.session_options(tf.ConfigProto()) is None
    config = tf.ConfigProto()
    entry = config.graph_options.rewrite_options.custom_optimizers.add()
    entry.name = "NpuOptimizer"
    entry.parameter_map["iterations_per_loop"].i = 5
    assert settings.session_options(config).iterations_per_loop == 5


def test_ascend_sim_run_output_forces_profiling_on():
    from ascend_sim.options import NpuOptions

    assert not settings.profiling_settings(NpuOptions(), environ={}).enabled
    forced = settings.profiling_settings(NpuOptions(), environ={settings.RUN_OUTPUT_ENV: "/tmp/p"})
    assert forced.enabled and forced.output_dir == "/tmp/p"


def test_log_lines_show_on_stderr_only_while_the_application_configured_no_logging(monkeypatch):
    settings.make_log_lines_visible()
    settings.make_log_lines_visible()                      # idempotent
    mine = [h for h in settings.logger.handlers if isinstance(h, settings._StderrUnlessConfigured)]
    assert len(mine) == 1
    stream = io.StringIO()
    monkeypatch.setattr(mine[0], "stream", stream)
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    settings.logger.info("line one")
    assert stream.getvalue() == "line one\n"
    monkeypatch.setattr(root, "handlers", [logging.NullHandler()])
    settings.logger.info("line two")
    assert "line two" not in stream.getvalue()
