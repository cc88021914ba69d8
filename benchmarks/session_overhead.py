"""What the NPU session runtime adds to a Session.run, and what compiling a new run signature costs.

Per-run overhead after compile: a small MLP training step (``Session.run([train_op, loss], feed_dict)`` and
the same step through a callable from ``_make_callable_from_options``, the path Keras ``fit`` takes) timed
run by run, alternating blocks of plain TensorFlow (the runtime's wrappers removed) and the device session
in the same process; the medians are compared (µs and same-run ratio). ``--profile`` adds a device session
whose profiling sink receives every run's records.

Compile time per signature: the first run of a new signature (lowering + one simulated host loop) for MLPs
of growing depth, as the runtime records it (``DeviceSession.compile_s``).

    .venv/bin/python benchmarks/session_overhead.py [--runs 400] [--rounds 5] [--profile]
"""
import argparse
import os
import statistics
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["ASCEND_SIM_LOG_STEPS"] = "0"          # no log lines in the timings
for _name, _value in {"RANK_SIZE": "1", "RANK_ID": "0", "DEVICE_ID": "0", "JOB_ID": "1"}.items():
    os.environ.setdefault(_name, _value)
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import tensorflow.compat.v1 as tf  # noqa: E402
from tensorflow.core.protobuf import config_pb2  # noqa: E402

import npu_bridge.npu_init  # noqa: E402,F401  (Session patch + device runtime)
from npu_bridge._runtime import device_session, interception  # noqa: E402
from _timing import samples  # noqa: E402

BATCH, FEATURES, WIDTH = 64, 32, 64


def mlp(depth: int, width: int = WIDTH):
    x = tf.placeholder(tf.float32, [None, FEATURES], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    h = x
    for _ in range(depth):
        h = tf.layers.dense(h, width, activation=tf.nn.relu)
    loss = tf.losses.mean_squared_error(y, tf.layers.dense(h, 1))
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss, global_step=tf.train.get_or_create_global_step())
    return x, y, loss, train


def overhead(runs: int, rounds: int, profile: bool) -> None:
    graph = tf.Graph()
    with graph.as_default():
        x, y, loss, train = mlp(2)
        init = tf.global_variables_initializer()
    rng = np.random.RandomState(0)
    feed = {x: rng.randn(BATCH, FEATURES).astype("float32"), y: rng.randn(BATCH, 1).astype("float32")}
    modes = ["plain TF", "device session"] + (["device + profiling"] if profile else [])
    saved = {k: os.environ.get(k) for k in ("PROFILING_MODE", "PROFILING_OPTIONS")}
    sessions = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in modes:
            if mode == "device + profiling":
                os.environ["PROFILING_MODE"] = "true"
                os.environ["PROFILING_OPTIONS"] = '{"output": "%s", "task_trace": "on"}' % tmp
            sess = tf.Session(graph=graph)
            for k, v in saved.items():
                os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
            if mode == "plain TF":
                sess.__dict__[device_session.STATE_ATTR] = False
            sess.run(init)
            options = config_pb2.CallableOptions(feed=[x.name, y.name], fetch=[loss.name], target=[train.name])
            call = sess._make_callable_from_options(options)  # pylint: disable=protected-access
            args = (feed[x], feed[y])
            for _ in range(20):                                 # compile + warm up
                sess.run([train, loss], feed)
                call(*args)
            sessions[mode] = (sess, call, args)
        per_run = {(m, p): [] for m in modes for p in ("run", "callable")}
        for _ in range(rounds):
            for mode in modes:
                sess, call, args = sessions[mode]
                if mode == "plain TF":
                    interception.uninstall()                 # TensorFlow's own methods, nothing of ours
                try:
                    per_run[(mode, "run")] += samples(lambda: sess.run([train, loss], feed), runs, warmup=False)
                    per_run[(mode, "callable")] += samples(lambda: call(*args), runs, warmup=False)
                finally:
                    interception.install()
        for sess, _, _ in sessions.values():
            sess.close()
    print(f"per-run time after compile: MLP 2x{WIDTH} train step, batch {BATCH}, median of {runs * rounds} runs "
          f"per row ({rounds} alternating rounds)")
    print(f"{'path':<10} {'mode':<20} {'median µs':>10} {'overhead µs':>12} {'ratio':>7}")
    for path in ("run", "callable"):
        base = statistics.median(per_run[("plain TF", path)])
        for mode in modes:
            med = statistics.median(per_run[(mode, path)])
            print(f"{path:<10} {mode:<20} {med * 1e6:>10.1f} {(med - base) * 1e6:>12.1f} {med / base:>7.3f}")


def compile_times(depths) -> None:
    print("\ncompile time per signature (first run of Session.run([train_op, loss]) on a new graph)")
    print(f"{'graph':<22} {'TF nodes':>9} {'tasks':>6} {'compile ms':>11}")
    for depth in depths:
        graph = tf.Graph()
        with graph.as_default():
            x, y, loss, train = mlp(depth, 256)
            init = tf.global_variables_initializer()
        with tf.Session(graph=graph) as sess:
            sess.run(init)
            state = device_session.state_of(sess)
            before = state.compile_s
            sess.run([train, loss], {x: np.zeros((BATCH, FEATURES), "float32"), y: np.zeros((BATCH, 1), "float32")})
            entry = [e for e in state._cache.values() if e.is_step][0]  # pylint: disable=protected-access
            print(f"{f'MLP {depth}x256 train':<22} {len(graph.as_graph_def().node):>9} "
                  f"{len(entry.program.tasks):>6} {(state.compile_s - before) * 1e3:>11.1f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400, help="runs per block (default 400)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (default 5)")
    parser.add_argument("--profile", action="store_true", help="also time a profiling device session")
    parser.add_argument("--depths", default="2,8,32", help="MLP depths for the compile times (default 2,8,32)")
    args = parser.parse_args(argv)
    overhead(args.runs, args.rounds, args.profile)
    compile_times([int(d) for d in args.depths.split(",")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
