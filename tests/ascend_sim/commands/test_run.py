"""``ascend-sim run``: argv / __main__ / sys.path like python, environment set-up, exit statuses, summaries."""
import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from ascend_sim import cli
from ascend_sim.commands import BAD_INPUT, run
from testsupport.scripts import ROOT, SCRIPTS, UPSTREAM_ENV

SUMMARY_MARK = "== device session"


def _script(tmp_path, body, name="script.py"):
    path = tmp_path / name
    path.write_text(body)
    return str(path)


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("PROFILING_MODE", "PROFILING_OPTIONS", run.RUN_OUTPUT_ENV, run.HW_ENV, run.STRICT_ENV,
                 "DEVICE_INDEX", "ASCEND_DEVICE_ID"):
        monkeypatch.delenv(name, raising=False)
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.mark.parametrize("body, status", [
    ("pass\n", 0),
    ("import sys\nsys.exit(3)\n", 3),
    ("import sys\nsys.exit()\n", 0),
    ("import sys\nsys.exit('bad thing')\n", 1),
    ("raise RuntimeError('boom')\n", 1),
    ("raise KeyboardInterrupt\n", 130),
])
def test_exit_status_is_the_scripts(tmp_path, capsys, clean_env, body, status):
    assert cli.main(["run", _script(tmp_path, body)]) == status
    out, err = capsys.readouterr()
    assert run.NO_SESSION in out          # the summary step runs whatever the ending
    if "RuntimeError" in body:
        assert "Traceback" in err and "RuntimeError: boom" in err
    if "bad thing" in body:
        assert "bad thing" in err


def test_script_sees_argv_main_and_its_directory_first_on_sys_path(tmp_path, capsys, clean_env):
    body = ("import json, sys\nprint('RESULT ' + json.dumps({'argv': sys.argv, 'name': __name__, "
            "'path0': sys.path[0]}))\n")
    path = _script(tmp_path, body)
    saved_argv, saved_path0 = sys.argv[:], sys.path[0]
    assert cli.main(["run", path, "--flag", "x", "--top", "3"]) == 0
    line = [l for l in capsys.readouterr().out.splitlines() if l.startswith("RESULT ")][0]
    seen = json.loads(line[7:])
    assert seen == {"argv": [path, "--flag", "x", "--top", "3"], "name": "__main__", "path0": str(tmp_path)}
    assert sys.argv == saved_argv and sys.path[0] == saved_path0


def test_environment_defaults_profiling_strict_and_hw(clean_env, monkeypatch):
    monkeypatch.setenv("RANK_ID", "0")
    monkeypatch.setenv("DEVICE_ID", "5")
    environ = dict(os.environ)
    ns = SimpleNamespace(hw="Ascend910A", strict=True, output=None)
    run.prepare_environment(ns, environ)
    assert environ["ASCEND_DEVICE_ID"] == "5" and environ["DEVICE_INDEX"] == "0" and environ["RANK_SIZE"] == "1"
    assert environ["PROFILING_MODE"] == "true" and json.loads(environ["PROFILING_OPTIONS"])["task_trace"] == "on"
    assert environ[run.STRICT_ENV] == "1" and environ[run.HW_ENV] == "Ascend910A"
    assert run.RUN_OUTPUT_ENV not in environ
    mine = {**dict(os.environ), "PROFILING_OPTIONS": '{"output": "/somewhere"}'}
    run.prepare_environment(SimpleNamespace(hw=None, strict=False, output="out"), mine)
    assert mine[run.RUN_OUTPUT_ENV] == os.path.abspath("out") and mine["PROFILING_OPTIONS"] == '{"output": "/somewhere"}'
    assert run.STRICT_ENV not in mine and run.HW_ENV not in mine


def test_bad_input_is_one_line_and_status_1(tmp_path, capsys, clean_env):
    assert cli.main(["run", str(tmp_path / "missing.py")]) == BAD_INPUT
    assert "missing.py: no such file" in capsys.readouterr().err
    path = _script(tmp_path, "pass\n")
    assert cli.main(["run", "--hw", "Ascend9000Z", path]) == BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("ascend-sim run: --hw 'Ascend9000Z'") and err.count("\n") == 1


def _cli(tmp_path, *args, env=None):
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})}
    for name in ("PROFILING_MODE", "PROFILING_OPTIONS", "RANK_SIZE", "RANK_ID", "DEVICE_ID", "JOB_ID"):
        environ.pop(name, None)                 # ascend-sim run supplies the upstream defaults
    return subprocess.run([sys.executable, "-m", "ascend_sim.cli", "run", *args], cwd=str(tmp_path), env=environ,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("mode, status", [("ok", 0), ("exit3", 3), ("raise", 1), ("interrupt", 130)])
def test_a_training_script_is_profiled_and_summarised_however_it_ends(tmp_path, mode, status):
    proc = _cli(tmp_path, "--output", "prof", str(SCRIPTS / "rt_cli_target.py"), mode, "4")
    assert proc.returncode == status, proc.stderr[-3000:]
    result = json.loads([l for l in proc.stdout.splitlines() if l.startswith("RESULT ")][0][7:])
    assert result["argv"][1:] == [mode, "4"] and result["name"] == "__main__"
    assert result["path0"] == str(SCRIPTS)
    out = proc.stdout
    assert out.index("RESULT ") < out.index(SUMMARY_MARK)        # the summary comes after the script
    assert f"{SUMMARY_MARK} 1: 4 training steps" in out
    assert "step time" in out
    assert len(list((tmp_path / "prof").glob("PROF_*"))) == 1
    assert "emulated Ascend910A: step" in proc.stderr           # the runtime's log line
    if mode == "raise":
        assert "RuntimeError: the script failed after training" in proc.stderr


def test_strict_flag_fails_an_unsupported_op(tmp_path):
    proc = _cli(tmp_path, "--strict", "--output", "prof", str(SCRIPTS / "rt_cli_target.py"), "unsupported")
    assert proc.returncode == 1
    assert "DeviceCompileError" in proc.stderr and "BesselI0e" in proc.stderr
    assert f"{SUMMARY_MARK} 1: no training step ran" in proc.stdout


def test_a_script_without_a_device_session_says_so(tmp_path):
    proc = _cli(tmp_path, _script(tmp_path, "print('hello')\n"))
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == ["hello", run.NO_SESSION]


def test_hw_selects_the_preset_for_the_runtime(tmp_path):
    from ascend_sim import hw as hwlib

    others = [name for name in hwlib.list_presets() if name != "Ascend910A"]
    proc = _cli(tmp_path, "--hw", others[0], "--output", "prof", str(SCRIPTS / "rt_cli_target.py"), "ok", "2")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"emulated {hwlib.load(others[0]).name}: step" in proc.stderr
