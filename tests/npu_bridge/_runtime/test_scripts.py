"""End-to-end: the three script styles on the emulated device (tests/scripts/rt_*.py, run as a user would)."""
import glob
import json
import os
import subprocess
import sys

import pytest

from testsupport.scripts import ROOT, SCRIPTS, UPSTREAM_ENV, run_script

OFF = {"ASCEND_SIM_NO_DEVICE_RUNTIME": "1"}


def _profiles(where):
    return glob.glob(os.path.join(str(where), "**", "PROF_*"), recursive=True)


def run_failing(name, cwd, *args, extra_env=None):
    """Run a script expected to fail; returns the CompletedProcess."""
    env = {**os.environ, **UPSTREAM_ENV, "PYTHONPATH": str(ROOT), **(extra_env or {})}
    return subprocess.run([sys.executable, str(SCRIPTS / name), *args], cwd=str(cwd), env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("style", ["set", "class"])
def test_sess_run_loop_runs_n_steps_per_run(tmp_path, style):
    n, runs = 3, 4
    result = run_script("rt_sess_run_loop.py", tmp_path, "--iterations", str(n), "--runs", str(runs),
                        "--style", style)
    assert result["global_steps"] == [n * (i + 1) for i in range(runs)]
    assert (result["device_steps"], result["device_loops"]) == (n * runs, runs)
    assert result["step_records"] == n * runs and result["iterations_per_loop_in_profile"] == n
    assert result["loop_ids"] == [i // n for i in range(n * runs)]
    assert result["losses"][-1] < result["losses"][0]
    assert not _profiles(tmp_path), "profiling is off unless switched on"


def test_numerics_equal_plain_tensorflow(tmp_path):
    plain = run_script("rt_sess_run_loop.py", tmp_path, "--iterations", "1", "--runs", "8", extra_env=OFF)
    device = run_script("rt_sess_run_loop.py", tmp_path, "--iterations", "1", "--runs", "8")
    assert "device_steps" not in plain and device["device_steps"] == 8
    assert device["losses"] == plain["losses"]
    looped = run_script("rt_sess_run_loop.py", tmp_path, "--iterations", "2", "--runs", "4")
    # each loop returns its last step's values: the plain run's steps 2, 4, 6, 8
    assert looped["losses"] == plain["losses"][1::2]
    assert looped["global_steps"] == plain["global_steps"][1::2]


def test_each_precision_mode_costs_as_the_cost_model_says(tmp_path):
    result = run_script("rt_precision_modes.py", tmp_path)
    from ascend_sim.options import PRECISION_MODES

    assert set(result) == set(PRECISION_MODES)
    for mode, r in result.items():
        assert "error" not in r, (mode, r)
        assert r["effective"] == mode
        assert r["step_time_ms"] == pytest.approx(r["analyze_step_time_ms"], rel=1e-9), mode
        assert r["device_task_ms"] == pytest.approx(r["analyze_device_task_ms"], rel=1e-9), mode
    times = {mode: r["device_task_ms"] for mode, r in result.items()}
    assert len({round(t, 9) for t in times.values()}) > 1, "the precision mode changes the emulated time"
    # fp32 kept on an fp16-only cube (910A) is the slowest choice
    assert max(times, key=times.get) == "must_keep_origin_dtype"


def test_strict_mode_fails_the_first_run_naming_node_and_op(tmp_path):
    proc = run_failing("rt_cli_target.py", tmp_path, "unsupported", extra_env={"ASCEND_SIM_STRICT": "1"})
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("npu_bridge._runtime.compiled.DeviceCompileError")     # a tf.errors.InternalError
    assert "node 'bessel_i0e/BesselI0e'" in last and "'BesselI0e'" in last and "strict" in last
    relaxed = run_script("rt_cli_target.py", tmp_path, "unsupported")
    assert len(relaxed["losses"]) == 3


def test_a_bad_option_fails_the_script_clearly(tmp_path):
    proc = run_failing("rt_precision_modes.py", tmp_path, "--modes", "fp64")
    result = json.loads([line for line in proc.stdout.splitlines() if line.startswith("RESULT ")][-1][7:])
    error = result["fp64"]["error"]
    assert error.startswith("ValueError") and "precision_mode" in error and "allow_fp32_to_fp16" in error


@pytest.mark.parametrize("switch", ["parameter_map", "environment"])
def test_profiling_switches_write_a_profile(tmp_path, switch):
    out = tmp_path / "prof"
    if switch == "parameter_map":
        run_script("rt_sess_run_loop.py", tmp_path, "--iterations", "2", "--runs", "2", "--profile", str(out))
    else:
        options = json.dumps({"output": str(out), "training_trace": "on", "task_trace": "on"})
        run_script("rt_sess_run_loop.py", tmp_path, "--iterations", "2", "--runs", "2",
                   extra_env={"PROFILING_MODE": "true", "PROFILING_OPTIONS": options})
    found = _profiles(out)
    assert len(found) == 1
    from ascend_sim.profiling import load

    profile = load(found[0])
    assert len(profile.steps) == 4 and profile.iterations_per_loop == 2


def test_estimator_loop_hooks_scalars_and_profiling_config(tmp_path):
    n, max_steps, summary_every = 4, 18, 8
    result = run_script("rt_estimator_loop.py", tmp_path, "--iterations", str(n), "--max-steps", str(max_steps),
                        "--summary-steps", str(summary_every), "--profile", "prof")
    runs = len(result["run_steps"])
    assert result["run_steps"] == [n * (i + 1) for i in range(runs)]      # hooks fire once per loop
    assert result["global_step"] == runs * n == 20                         # max_steps rounds up to N's multiple
    assert result["device"] == {"steps": 20, "loops": runs, "step_records": 20, "iterations_per_loop": n}
    assert result["losses"][-1] < result["losses"][0]
    scalars = result["scalars"]
    for tag in ("emulated/step_time_ms", "emulated/samples_per_sec", "emulated/fp_ms", "emulated/bp_ms",
                "emulated/ai_core_busy", "emulated/host_step_ms"):
        assert tag in scalars, tag
    steps = [s for s, _ in scalars["emulated/step_time_ms"]]
    assert steps[0] == n and steps[-1] == 20
    assert all(b // summary_every > a // summary_every for a, b in zip(steps, steps[1:-1]))
    step_ms = [v for _, v in scalars["emulated/step_time_ms"]]
    rate = [v for _, v in scalars["emulated/samples_per_sec"]]
    for ms, per_s in zip(step_ms, rate):
        assert per_s == pytest.approx(32 / ms * 1e3, rel=1e-5)            # batch 32
    assert len(_profiles(tmp_path / "prof")) == 1


def test_keras_fit_counts_a_step_per_batch_and_model_to_npu_estimator_loops(tmp_path):
    result = run_script("rt_keras_fit.py", tmp_path, "--iterations", "4", "--epochs", "2", "--max-steps", "16")
    fit = result["fit"]
    assert fit["epochs"] == 2 and fit["fit_steps"] == fit["batches"] == 16
    assert fit["step_records"] == fit["fit_steps"]
    assert fit["loss_after"] < fit["loss_before"]
    assert result["estimator"] == {"run_steps": [4, 8, 12, 16], "global_step": 16}
