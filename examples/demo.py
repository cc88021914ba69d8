"""``make demo``: run the migrated example script on the emulated Ascend 910 and print what it would cost.

Runs ``ascend-sim run examples/train_npu_estimator.py`` (the script unmodified, in a fresh interpreter, with
the environment an Ascend job would have and profiling on), then prints what the script did (steps, accuracy,
the NpuOptimizer options, the NPU ops in its graph), the emulated step-time log lines, and the op timing
summary of its training session. The profile (msprof-format CSVs, timeline, HTML report) stays in
``demo_output/`` for ``ascend-sim report``.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
SCRIPT = HERE / "train_npu_estimator.py"
OUTPUT = ROOT / "demo_output"
STEPS = 200
EMULATED_LOG_PREFIX = "emulated Ascend"
SESSION_HEADER = "== device session"


def _training_summary(stdout: str) -> tuple[str, str]:
    """(header line, summary text) of the first device session that trained; ("", "") if none did."""
    blocks = stdout.split(SESSION_HEADER)[1:]
    for block in blocks:
        header, _, body = block.partition("\n")
        if "training steps" in header:
            return SESSION_HEADER + header, body.strip("\n")
    return "", ""


def main() -> int:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    shutil.rmtree(OUTPUT / "profile", ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="ascend-sim-demo-") as work:
        model_dir = pathlib.Path(work) / "model"
        script_args = [str(SCRIPT.relative_to(ROOT)), "--model_dir", str(model_dir), "--steps", str(STEPS)]
        cmd = [sys.executable, "-m", "ascend_sim.cli", "run", "--output", str(OUTPUT / "profile"), "--top", "10",
               *script_args]
        shown = " ".join(["ascend-sim", *cmd[3:]])
        print(f"$ {shown}")
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=str(ROOT))
        elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-6000:])
        print(f"demo script failed with exit status {proc.returncode}", file=sys.stderr)
        return proc.returncode
    result_lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    header, summary = _training_summary(proc.stdout)
    if not result_lines or not summary:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        print("demo: the script's RESULT line or its training session summary is missing", file=sys.stderr)
        return 1
    result = json.loads(result_lines[-1][len("RESULT "):])
    emulated = [ln for ln in proc.stderr.splitlines() if ln.startswith(EMULATED_LOG_PREFIX)]
    profile_dir = header.rsplit(" profile in ", 1)[-1].rstrip(" =") if " profile in " in header else ""

    print()
    print("ascend-sim demo: a migrated Ascend (npu_bridge) Estimator script ran unmodified on the emulated 910")
    print(f"  wall time                    {elapsed:6.1f} s (TensorFlow CPU)")
    print(f"  global steps trained         {result['global_step']:6d}")
    print(f"  eval loss / accuracy         {result['eval_loss']:6.3f} / {result['eval_accuracy']:.1%}")
    print(f"  last checkpoint              {result['checkpoint']}")
    print(f"  NpuOptimizer parameter_map   {len(result['npu_parameter_map_keys'])} keys written by NPUEstimator")
    print("    " + ", ".join(result["npu_parameter_map_keys"]))
    print(f"  NPU ops in training graph    {', '.join(result['npu_op_types'])}")
    print()
    print("Emulated step-time log (what the session runtime printed while training):")
    for line in emulated[:3] + (["  ..."] if len(emulated) > 4 else []) + emulated[-1:]:
        print(f"  {line}")
    print()
    print(f"Op timing summary of the training session ({header.strip('= ')}):")
    print(summary)
    print()
    if profile_dir:
        print(f"Profile files (msprof layout): {profile_dir}")
        print(f"  HTML report:  {profile_dir}/ascend_sim/report.html")
        print(f"  again:        ascend-sim report {profile_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
