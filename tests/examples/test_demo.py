"""``make demo`` works: the example migrated Estimator script trains and the demo reports it."""
import os
import pathlib
import subprocess
import sys

from testsupport.scripts import ROOT, UPSTREAM_ENV


def test_demo_runs_the_migrated_example_and_reports():
    env = dict(os.environ, **UPSTREAM_ENV)
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "demo.py")], capture_output=True, text=True,
                          env=env, cwd=str(ROOT), timeout=600)
    assert proc.returncode == 0, proc.stderr[-5000:]
    out = proc.stdout
    assert "ran unmodified" in out
    steps = int(out.split("global steps trained")[1].split()[0])
    assert steps == 200
    accuracy = float(out.split("eval loss / accuracy")[1].split("/")[1].split()[0].rstrip("%")) / 100
    assert accuracy > 0.6, out  # chance is 25%
    assert "precision_mode" in out and "iterations_per_loop" in out
    npu_ops = out.split("NPU ops in training graph")[1].splitlines()[0]
    for op_type in ("Gelu", "GeluGrad", "DropOutGenMask", "DropOutDoMask", "NpuGetFloatStatusV2"):
        assert op_type in npu_ops, out
    # the session runtime ran it on the emulated 910: 10 training steps per Session.run, and logged them
    assert "200 training steps in 20 runs" in out, out
    # the op timing summary of the training session, from the records the runtime produced
    timing = out.split("Op timing summary of the training session")[1]
    assert "Ascend910A" in timing and "step time" in timing and "(iterations_per_loop 10)" in timing
    assert "MatMulV2" in timing and "Top 10 op types by device time" in timing
    # the profile stays on disk in msprof's layout, where `ascend-sim report` reads it
    profile_dir = pathlib.Path(out.split("Profile files (msprof layout):")[1].split()[0])
    outputs = profile_dir / "mindstudio_profiler_output"
    assert len(list(outputs.glob("op_summary_*.csv"))) == 1 and len(list(outputs.glob("step_trace_*.csv"))) == 1
    assert (profile_dir / "ascend_sim" / "report.html").is_file()
