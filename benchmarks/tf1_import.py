"""Cost of the TF 1.15 runtime: ``import npu_bridge.npu_init`` on top of ``import tensorflow`` (target <= 1 s).

Each measurement is a fresh interpreter (imports are cached within one), the variants interleaved
so that machine noise hits them alike:

* ``tensorflow``        -- ``import tensorflow``
* ``npu_init``          -- ``import tensorflow`` then ``import npu_bridge.npu_init`` (the runtime on)
* ``npu_init, runtime off`` -- the same with ``ASCEND_SIM_NO_TF1_RUNTIME=1``

Reported: medians of the whole-process wall time and of the in-process time of each import
statement; the overhead is ``npu_init - tensorflow`` in the same run (median, and between the fastest
runs: on a shared machine the in-process time of the second import is the steadier figure).  A last section times one
attribute lookup on the ``tensorflow`` module as TF 1.x code and as TensorFlow-internal code sees
it, against ``tensorflow.compat.v1`` directly.

    .venv/bin/python benchmarks/tf1_import.py [--repeat 5] [--json] [--check]
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET_S = 1.0

_TIMED_IMPORTS = r"""
import json, time
t0 = time.perf_counter()
import tensorflow
t1 = time.perf_counter()
if {with_npu}:
    import npu_bridge.npu_init
t2 = time.perf_counter()
print("TIMES " + json.dumps({{"tensorflow": t1 - t0, "npu_init": t2 - t1}}))
"""

_ATTRIBUTE_COST = r"""
import json, timeit
import tensorflow as tf
import npu_bridge
import tensorflow.compat.v1 as v1
n = 200000
tf1_code = timeit.timeit("tf.float32", globals={"tf": tf, "__name__": "__main__"}, number=n) / n
tf2_code = timeit.timeit("tf.float32", globals={"tf": tf, "__name__": "tensorflow_estimator.bench"}, number=n) / n
direct = timeit.timeit("v1.float32", globals={"v1": v1}, number=n) / n
print("TIMES " + json.dumps({"tf1_code": tf1_code, "tf2_code": tf2_code, "compat_v1": direct}))
"""

VARIANTS = {
    "tensorflow": (False, {}),
    "npu_init": (True, {}),
    "npu_init, runtime off": (True, {"ASCEND_SIM_NO_TF1_RUNTIME": "1"}),
}


def _env(extra):
    env = dict(os.environ)
    env.update({"PYTHONPATH": os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]), "TF_CPP_MIN_LOG_LEVEL": "3",
                "RANK_SIZE": "1", "RANK_ID": "0", "DEVICE_ID": "0", "JOB_ID": "1"})
    env.pop("ASCEND_SIM_NO_TF1_RUNTIME", None)
    env.update(extra)
    return env


def _run(code, extra_env):
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], env=_env(extra_env), capture_output=True, text=True,
                          timeout=300, cwd=str(ROOT))
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark subprocess failed:\n{proc.stderr[-3000:]}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("TIMES ")][-1]
    return wall, json.loads(line[6:])


def measure(repeat: int) -> dict:
    samples = {name: {"wall": [], "tensorflow": [], "npu_init": []} for name in VARIANTS}
    for _ in range(repeat):
        for name, (with_npu, extra_env) in VARIANTS.items():
            wall, times = _run(_TIMED_IMPORTS.format(with_npu=with_npu), extra_env)
            samples[name]["wall"].append(wall)
            samples[name]["tensorflow"].append(times["tensorflow"])
            samples[name]["npu_init"].append(times["npu_init"])
    medians = {name: {k: statistics.median(v) for k, v in s.items()} for name, s in samples.items()}
    minima = {name: {k: min(v) for k, v in s.items()} for name, s in samples.items()}
    _, attribute = _run(_ATTRIBUTE_COST, {})
    return {
        "repeat": repeat,
        "python": sys.version.split()[0],
        "medians_s": medians,
        "overhead_wall_s": medians["npu_init"]["wall"] - medians["tensorflow"]["wall"],
        "overhead_wall_min_s": minima["npu_init"]["wall"] - minima["tensorflow"]["wall"],
        "npu_init_import_s": medians["npu_init"]["npu_init"],
        "runtime_install_s": medians["npu_init"]["npu_init"] - medians["npu_init, runtime off"]["npu_init"],
        "attribute_lookup_ns": {k: v * 1e9 for k, v in attribute.items()},
        "target_s": TARGET_S,
    }


def report(result: dict) -> str:
    lines = [f"TF 1.15 runtime import cost (median of {result['repeat']} fresh interpreters, Python {result['python']})",
             f"{'variant':<24}{'process wall s':>16}{'import tensorflow s':>22}{'import npu_init s':>20}"]
    for name, m in result["medians_s"].items():
        lines.append(f"{name:<24}{m['wall']:>16.3f}{m['tensorflow']:>22.3f}{m['npu_init']:>20.3f}")
    verdict = "within" if result["overhead_wall_s"] <= result["target_s"] else "ABOVE"
    lines += [
        f"overhead of `import npu_bridge.npu_init` over `import tensorflow`: {result['overhead_wall_s']:.3f} s "
        f"(process wall; {result['overhead_wall_min_s']:.3f} s between the fastest runs), "
        f"{result['npu_init_import_s']:.3f} s (in-process) -- {verdict} the {result['target_s']:.0f} s target",
        f"of which installing the runtime (vs ASCEND_SIM_NO_TF1_RUNTIME=1): {result['runtime_install_s']:.3f} s",
        "one `tf.float32` lookup: " + ", ".join(f"{k} {v:.0f} ns" for k, v in result["attribute_lookup_ns"].items()),
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh interpreters per variant (default 5)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when the overhead is above the target")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error(f"--repeat must be >= 1, got {args.repeat}")
    result = measure(args.repeat)
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 1 if args.check and result["overhead_wall_s"] > TARGET_S else 0


if __name__ == "__main__":
    sys.exit(main())
