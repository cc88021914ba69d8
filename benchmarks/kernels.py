"""Benchmark the ascend_sim numba kernels (GeLU, dropout) against TensorFlow peers on this machine.

    python benchmarks/kernels.py --runs 3            # sizes 2^16, 2^20, 2^24 float32, 15 timed calls each
    python benchmarks/kernels.py --sizes 16 20 --repeat 9 --json out.json
    MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=8589934592 python benchmarks/kernels.py --runs 3

Protocol (../shared/reference/performance_anchors.md §1.2): every case gets 1 warm-up call (JIT/XLA
compilation, first touch) and N timed calls, in each of ``--runs`` fresh processes; the table gives
the best minimum, the range of per-run minima, and the range of the per-run ratios to the memory
copy of the same array *in the same run* — compare ratios, not milliseconds, across runs.  numba kernels write preallocated outputs unless marked "pooled";
TensorFlow allocates per call (the second command above makes glibc reuse big blocks, which
removes most page faults from TF's side).  A first section reports first-call (compile) cost,
measured in fresh processes with an empty and then a warm numba cache.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("ASCEND_SIM_NO_TF1_RUNTIME", "1")  # keep eager available; graphs are built explicitly
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import numba  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from ascend_sim import kernels  # noqa: E402
from _timing import samples  # noqa: E402

tf1 = tf.compat.v1
KEEP = 0.9


@numba.njit(parallel=True, cache=True)
def _numba_copy(src, dst):
    for i in numba.prange(src.size):
        dst[i] = src[i]


def timed(fn, repeat):
    """(min, median) seconds of ``repeat`` calls after a warm-up call."""
    runs = samples(fn, repeat)
    return min(runs), statistics.median(runs)


def bert_gelu(x):
    """The composed GeLU of BERT's modeling.py (what migrated scripts replace with npu_unary_ops.gelu)."""
    cdf = 0.5 * (1.0 + tf.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * tf.pow(x, 3))))
    return x * cdf


def graph_case(build, x_np, repeat, feed_dy=None):
    """Time sess.run of the op ``build(x_var[, dy_var])`` returns (not fetched: no copy to numpy)."""
    with tf.Graph().as_default():
        x = tf1.Variable(x_np, name="x")
        args = [x] if feed_dy is None else [x, tf1.Variable(feed_dy, name="dy")]
        target = build(*args)
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            op = target.op if hasattr(target, "op") else target
            return timed(lambda: sess.run(op), repeat)


def gelu_cases(x_np, dy_np, repeat):
    from npu_bridge._ops import gen_ops
    from npu_bridge.estimator.npu_unary_ops import npu_unary_ops

    out = np.empty_like(x_np)
    xt, dyt = tf.constant(x_np), tf.constant(dy_np)
    xla = tf.function(lambda v: tf.nn.gelu(v, approximate=True), jit_compile=True)
    fn = tf.function(lambda v: tf.nn.gelu(v, approximate=True))

    def tape_grad(v, dy):
        with tf.GradientTape() as tape:
            tape.watch(v)
            y = tf.nn.gelu(v, approximate=True)
        return tape.gradient(y, v, output_gradients=dy)

    xla_grad = tf.function(tape_grad, jit_compile=True)

    def grad_graph(gelu):
        return lambda x, dy: tf.gradients(gelu(x), [x], grad_ys=[dy])[0]

    y_np = kernels.gelu(x_np)
    return {
        "gelu fwd: numba kernel": timed(lambda: kernels.gelu(x_np, out=out), repeat),
        "gelu fwd: numba kernel, pooled output": timed(lambda: kernels.gelu(x_np), repeat),
        "gelu fwd: npu_unary_ops.gelu, v1 graph": graph_case(npu_unary_ops.gelu, x_np, repeat),
        "gelu fwd: tf.nn.gelu(approximate=True), eager": timed(lambda: tf.nn.gelu(xt, approximate=True), repeat),
        "gelu fwd: tf.nn.gelu(approximate=True), v1 graph": graph_case(lambda x: tf.nn.gelu(x, approximate=True), x_np,
                                                                       repeat),
        "gelu fwd: tf.nn.gelu, tf.function": timed(lambda: fn(xt), repeat),
        "gelu fwd: BERT composed gelu, eager": timed(lambda: bert_gelu(xt), repeat),
        "gelu fwd: BERT composed gelu, v1 graph": graph_case(bert_gelu, x_np, repeat),
        "gelu fwd: tf.nn.gelu, XLA jit_compile": timed(lambda: xla(xt), repeat),
        "gelu bwd: numba gelu_grad kernel": timed(lambda: kernels.gelu_grad(dy_np, x_np, y_np, out=out), repeat),
        "gelu bwd: npu GeluGrad op, v1 graph": graph_case(lambda x, dy: gen_ops.gelu_grad(dy, x, x), x_np, repeat,
                                                          feed_dy=dy_np),
        "gelu fwd+bwd: numba gelu + gelu_grad": timed(
            lambda: kernels.gelu_grad(dy_np, x_np, kernels.gelu(x_np, out=out), out=out), repeat),
        "gelu fwd+bwd: npu gelu + GeluGrad, v1 graph": graph_case(grad_graph(npu_unary_ops.gelu), x_np, repeat,
                                                                  feed_dy=dy_np),
        "gelu fwd+bwd: tf.nn.gelu, v1 graph": graph_case(grad_graph(lambda x: tf.nn.gelu(x, approximate=True)), x_np,
                                                         repeat, feed_dy=dy_np),
        "gelu fwd+bwd: tf.nn.gelu, eager tape": timed(lambda: tape_grad(xt, dyt), repeat),
        "gelu fwd+bwd: tf.nn.gelu, XLA tape": timed(lambda: xla_grad(xt, dyt), repeat),
    }


def dropout_cases(x_np, repeat):
    from npu_bridge.estimator import npu_ops

    out, mask = np.empty_like(x_np), np.empty(kernels.mask_nbytes(x_np.size), np.uint8)
    xt = tf.constant(x_np)
    seed = tf.constant([1, 2], tf.int32)
    xla = tf.function(lambda v, s: tf.nn.experimental.stateless_dropout(v, 1 - KEEP, seed=s), jit_compile=True)

    return {
        "dropout: numba gen_mask + do_mask kernels": timed(lambda: kernels.dropout(x_np, KEEP, 1, 2, out, mask),
                                                           repeat),
        "dropout: numba gen_mask kernel alone": timed(
            lambda: kernels.dropout_gen_mask(x_np.size, KEEP, 1, 2, out=mask), repeat),
        "dropout: numba do_mask kernel alone": timed(lambda: kernels.dropout_do_mask(x_np, mask, KEEP, out=out),
                                                     repeat),
        "dropout: npu_ops.dropout, v1 graph": graph_case(lambda x: npu_ops.dropout(x, KEEP), x_np, repeat),
        "dropout: tf.nn.dropout, eager": timed(lambda: tf.nn.dropout(xt, rate=1 - KEEP), repeat),
        "dropout: tf.nn.dropout, v1 graph": graph_case(lambda x: tf.nn.dropout(x, rate=1 - KEEP), x_np, repeat),
        "dropout: stateless_dropout, XLA jit_compile": timed(lambda: xla(xt, seed), repeat),
    }


def wrapper_overhead(repeat, chain=64):
    """Per-op time of a chain of ops on a 16-element tensor in one v1 graph (sess.run overhead shared)."""
    from npu_bridge.estimator.npu_unary_ops import npu_unary_ops

    def chain_time(op):
        with tf.Graph().as_default():
            x = tf1.placeholder(tf.float32, [16])
            y = x
            for _ in range(chain):
                y = op(y)
            with tf1.Session() as sess:
                feed = {x: np.linspace(-1, 1, 16).astype(np.float32)}
                return timed(lambda: sess.run(y.op, feed), repeat * 4)

    npu = chain_time(npu_unary_ops.gelu)
    pyfunc = chain_time(lambda t: tf.numpy_function(lambda a: a, [t], tf.float32, stateful=False))
    ident = chain_time(tf.identity)
    tfgelu = chain_time(lambda t: tf.nn.gelu(t, approximate=True))
    small = np.linspace(-1, 1, 16).astype(np.float32)
    direct = timed(lambda: kernels.gelu(small), repeat * 100)
    per = lambda pair: (pair[0] / chain, pair[1] / chain)  # noqa: E731
    return {
        "per op: npu_unary_ops.gelu (16 elements), v1 graph": per(npu),
        "per op: tf.numpy_function(identity), v1 graph": per(pyfunc),
        "per op: tf.identity, v1 graph": per(ident),
        "per op: tf.nn.gelu (16 elements), v1 graph": per(tfgelu),
        "per call: kernels.gelu (16 elements), direct": direct,
    }


COMPILE_PROBE = """
import json, time
t0 = time.perf_counter()
import numpy as np
from ascend_sim import kernels
res = {"import ascend_sim.kernels": time.perf_counter() - t0}
x = np.linspace(-3, 3, 1000).astype(np.float32)
calls = [("gelu", lambda: kernels.gelu(x)), ("gelu_grad", lambda: kernels.gelu_grad(x, x)),
         ("fast_gelu", lambda: kernels.fast_gelu(x)), ("fast_gelu_grad", lambda: kernels.fast_gelu_grad(x, x)),
         ("dropout_gen_mask", lambda: kernels.dropout_gen_mask(1000, 0.9, 1, 2)),
         ("dropout_do_mask", lambda: kernels.dropout_do_mask(x, kernels.dropout_gen_mask(1000, 0.9, 1, 2), 0.9))]
for name, call in calls:
    t0 = time.perf_counter(); call(); res[name + " first call"] = time.perf_counter() - t0
print("COMPILE " + json.dumps(res))
"""


def compile_costs():
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache, PYTHONPATH=ROOT)
        rows = {}
        for label in ("empty numba cache", "warm numba cache"):
            out = subprocess.run([sys.executable, "-c", COMPILE_PROBE], env=env, capture_output=True, text=True,
                                 check=True)
            line = [ln for ln in out.stdout.splitlines() if ln.startswith("COMPILE ")][-1]
            rows[label] = json.loads(line[len("COMPILE "):])
        return rows


def machine():
    model = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
    flags = next((ln.split(":", 1)[1].split() for ln in open("/proc/cpuinfo") if ln.startswith("flags")), [])
    simd = "AVX-512" if "avx512f" in flags else ("AVX2" if "avx2" in flags else "SSE")
    return {"cpu": model, "cores": os.cpu_count(), "simd": simd, "python": platform.python_version(),
            "numpy": np.__version__, "numba": numba.__version__, "numba threads": numba.get_num_threads(),
            "tensorflow": tf.__version__,
            "allocator": "big-buffer reuse (MALLOC_MMAP_THRESHOLD_)" if os.environ.get("MALLOC_MMAP_THRESHOLD_")
            else "default glibc malloc"}


def run(sizes, repeat):
    results = {"machine": machine(), "sizes": {}}
    results["compile"] = compile_costs()
    results["machine"]["numba threading layer"] = None
    for exp in sizes:
        n = 1 << exp
        rng = np.random.RandomState(0)
        x_np = (rng.randn(n) * 3).astype(np.float32)
        dy_np = rng.randn(n).astype(np.float32)
        dst = np.empty_like(x_np)
        cases = {"memory copy: numpy copyto (1 thread)": timed(lambda: np.copyto(dst, x_np), repeat),
                 "memory copy: numba prange copy": timed(lambda: _numba_copy(x_np, dst), repeat)}
        cases.update(gelu_cases(x_np, dy_np, repeat))
        cases.update(dropout_cases(x_np, repeat))
        results["sizes"][f"2^{exp}"] = cases
        print(f"size 2^{exp} done", file=sys.stderr)
    results["machine"]["numba threading layer"] = numba.threading_layer()
    results["overhead"] = wrapper_overhead(repeat)
    return results


def _cell_ms(per_run):
    mins = [m for m, _ in per_run]
    return f"{min(mins) * 1e3:.3f} ({min(mins) * 1e3:.3f}–{max(mins) * 1e3:.3f})" if len(mins) > 1 \
        else f"{mins[0] * 1e3:.3f} / {per_run[0][1] * 1e3:.3f}"


def report(runs):
    """Markdown tables.  With several runs: best minimum (range of per-run minima), and the range
    of the per-run ratios min(case) / min(numpy copy)."""
    first = runs[0]
    print("## Machine\n")
    print(", ".join(f"{k}: {v}" for k, v in first["machine"].items()) + "\n")
    print("## First call (compile or cache load), seconds\n")
    labels = list(first["compile"])
    print("| | " + " | ".join(labels) + " |\n|---|" + "---|" * len(labels))
    for key in first["compile"][labels[0]]:
        print(f"| {key} | " + " | ".join(f"{first['compile'][lab][key]:.3f}" for lab in labels) + " |")
    sizes = list(first["sizes"])
    what = (f"best of {len(runs)} process runs (range of per-run minima) ms, and the per-run ratio range"
            if len(runs) > 1 else "min / median ms, and the ratio")
    print(f"\n## Time per call: {what} min(case) ÷ min(numpy copy of the same array, same run)\n")
    print("| case | " + " | ".join(f"{s} ms | {s} ÷ copy" for s in sizes) + " |\n|---|" + "---|---|" * len(sizes))
    copy_key = "memory copy: numpy copyto (1 thread)"
    for case in first["sizes"][sizes[0]]:
        cells = []
        for size in sizes:
            per_run = [r["sizes"][size][case] for r in runs]
            ratios = [r["sizes"][size][case][0] / r["sizes"][size][copy_key][0] for r in runs]
            ratio = f"{min(ratios):.2f}–{max(ratios):.2f}" if len(runs) > 1 else f"{ratios[0]:.2f}"
            cells += [_cell_ms(per_run), ratio]
        print(f"| {case} | " + " | ".join(cells) + " |")
    print("\n## TF graph wrapper: µs per op in a chain of 64 ops on 16 elements (best run's min / median)\n")
    for case in first["overhead"]:
        lo = min(r["overhead"][case][0] for r in runs)
        med = min(r["overhead"][case][1] for r in runs)
        print(f"* {case}: {lo * 1e6:.1f} / {med * 1e6:.1f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 20, 24], help="log2 of the element counts")
    parser.add_argument("--repeat", type=int, default=15, help="timed calls per case (after 1 warm-up)")
    parser.add_argument("--runs", type=int, default=1, help="separate process runs (ratios are per run)")
    parser.add_argument("--json", help="also write the raw results here")
    parser.add_argument("--one-run", help=argparse.SUPPRESS)  # internal: measure once, write JSON here
    args = parser.parse_args(argv)
    if args.one_run:
        with open(args.one_run, "w") as f:
            json.dump(run(args.sizes, args.repeat), f)
        return
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            path = os.path.join(tmp, f"run{i}.json")
            cmd = [sys.executable, os.path.abspath(__file__), "--sizes", *map(str, args.sizes), "--repeat",
                   str(args.repeat), "--one-run", path]
            subprocess.run(cmd, check=True)
            with open(path) as f:
                runs.append(json.load(f))
            print(f"run {i + 1}/{args.runs} done", file=sys.stderr)
    report(runs)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(runs, f, indent=1)


if __name__ == "__main__":
    main()
