"""``make demo``: run the migrated example script on the laptop and say what happened.

Runs ``examples/train_npu_estimator.py`` unmodified in a fresh interpreter with the environment an
Ascend job would have (RANK_SIZE=1, RANK_ID=0, DEVICE_ID=0, JOB_ID), prints a short report, then
costs the training graph it saved on the emulated Ascend 910 (``ascend-sim analyze``) and prints
the op timing summary.
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
SCRIPT = HERE / "train_npu_estimator.py"


def main() -> int:
    env = dict(os.environ)
    for key, value in {"RANK_SIZE": "1", "RANK_ID": "0", "DEVICE_ID": "0", "JOB_ID": "1",
                       "TF_CPP_MIN_LOG_LEVEL": "2"}.items():
        env.setdefault(key, value)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent), env.get("PYTHONPATH", "")])
    with tempfile.TemporaryDirectory(prefix="ascend-sim-demo-") as work:
        model_dir = pathlib.Path(work) / "model"
        cmd = [sys.executable, str(SCRIPT), "--model_dir", str(model_dir), "--steps", "200"]
        print(f"$ python {SCRIPT.relative_to(HERE.parent)} --model_dir {model_dir} --steps 200")
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr[-6000:])
            print(f"demo script failed with exit status {proc.returncode}", file=sys.stderr)
            return proc.returncode
        line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")][-1]
        result = json.loads(line[len("RESULT "):])
        graph = model_dir / f"{result['checkpoint']}.meta"
        analyze = [sys.executable, "-m", "ascend_sim.cli", "analyze", str(graph), "--batch", "32",
                   "--precision-mode", "allow_mix_precision", "--top", "10"]
        timing = subprocess.run(analyze, env=env, capture_output=True, text=True)
    print()
    print("ascend-sim demo: a migrated Ascend (npu_bridge) Estimator script ran unmodified on this machine")
    print(f"  wall time                    {elapsed:6.1f} s (TensorFlow CPU)")
    print(f"  global steps trained         {result['global_step']:6d}")
    print(f"  eval loss / accuracy         {result['eval_loss']:6.3f} / {result['eval_accuracy']:.1%}")
    print(f"  last checkpoint              {result['checkpoint']}")
    print(f"  NpuOptimizer parameter_map   {len(result['npu_parameter_map_keys'])} keys written by NPUEstimator")
    print("    " + ", ".join(result["npu_parameter_map_keys"]))
    print(f"  NPU ops in training graph    {', '.join(result['npu_op_types'])}")
    print()
    print(f"$ ascend-sim analyze {graph.name} --batch 32 --precision-mode allow_mix_precision --top 10")
    if timing.returncode != 0:
        sys.stderr.write(timing.stderr[-4000:])
        print(f"ascend-sim analyze failed with exit status {timing.returncode}", file=sys.stderr)
        return timing.returncode
    print(timing.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
