"""``make demo`` works: the example migrated Estimator script trains and the demo reports it."""
import os
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
    # the emulated Ascend 910 op timing summary of the saved training graph
    timing = out.split("$ ascend-sim analyze")[1]
    assert "Ascend910A" in timing and "step time" in timing
    assert "MatMulV2" in timing and "Top 10 op types by device time" in timing
