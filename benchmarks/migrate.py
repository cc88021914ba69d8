"""Throughput of ``convert_tf2npu`` on a generated project tree: files/s and MB/s, for -j 1 and -j N.

The tree has ``--models`` model folders, each laid out like a real TF 1.15 repository: a training script
(one of the four whole-script test fixtures: Sess.run, Estimator, Keras, horovod), a model file with layers,
dropout, a GELU helper and optimizers, a tf.data input pipeline, non-TensorFlow utilities and configuration,
an ``__init__.py``, a unit test, and three non-Python files (README, JSON config, shell launcher). Sizes vary
per folder (seeded). Each -j setting runs the whole CLI in this process (``cli.main``: plan, migrate, API scan,
write the output tree and the reports) ``--repeat`` times into fresh folders; the table gives the median.
Process start-up (``convert_tf2npu --help``: Python, TensorFlow through npu_bridge) is timed separately.

    .venv/bin/python benchmarks/migrate.py [--models 200] [--jobs 1 2] [--repeat 3]
"""
import argparse
import contextlib
import io
import os
import pathlib
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from npu_bridge.convert_tf2npu import cli  # noqa: E402

SCRIPTS = ROOT / "tests" / "data" / "convert_tf2npu" / "scripts"
STYLES = ("sess_run", "estimator", "keras", "horovod")

MODEL_HEAD = '''"""Model definition for {name}."""
import math

import tensorflow as tf


def gelu(x):
    return 0.5 * x * (1.0 + tf.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * tf.pow(x, 3))))

'''
MODEL_BLOCK = '''
def block_{i}(inputs, training, rate={rate}):
    """Dense block {i}: projection, activation, dropout."""
    with tf.variable_scope("block_{i}"):
        h = tf.layers.dense(inputs, {width}, kernel_initializer=tf.glorot_uniform_initializer())
        h = gelu(h)  # activation
        if training:
            h = tf.nn.dropout(h, rate=rate + {extra})
        h = tf.layers.batch_normalization(h, training=training)
        return tf.reduce_mean(h, axis=-1, keepdims=True) + h

'''
MODEL_TAIL = '''
def build(features, labels, training):
    h = features
    for fn in ({blocks}):
        h = fn(h, training)
    logits = tf.layers.dense(h, 10)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    optimizer = tf.train.MomentumOptimizer(0.01, 0.9)
    return loss, optimizer.minimize(loss, global_step=tf.train.get_or_create_global_step())
'''
DATA = '''"""Input pipeline."""
import tensorflow as tf

FEATURES = {{"image": tf.io.FixedLenFeature([{dim}], tf.float32), "label": tf.io.FixedLenFeature([], tf.int64)}}


def parse(record):
    example = tf.io.parse_single_example(record, FEATURES)
    return example["image"], example["label"]


def input_fn(files, batch_size={batch}, training=True):
    dataset = tf.data.TFRecordDataset(files)
    dataset = dataset.map(parse, num_parallel_calls=8)
    if training:
        dataset = dataset.shuffle(10000).repeat()
    dataset = dataset.batch(batch_size)
    return dataset.prefetch(2)
'''
UTILS = '''"""Helpers without TensorFlow."""
import json
import logging
import os
import re

LOG = logging.getLogger(__name__)
STEP = re.compile(r"model\\.ckpt-(\\d+)")


def latest_step(folder):
    steps = [int(m.group(1)) for m in map(STEP.search, os.listdir(folder)) if m]
    return max(steps) if steps else 0

'''
UTILS_FN = '''
def helper_{i}(values, scale={i}):
    """Scale, clip and summarise a list of numbers."""
    out = [min(max(v * scale, -1e6), 1e6) for v in values]
    LOG.debug("helper_{i}: %d values", len(out))
    return {{"n": len(out), "sum": sum(out), "json": json.dumps(out[:3])}}

'''
TEST = '''import numpy as np
import tensorflow as tf

from . import model


class ModelTest(tf.test.TestCase):
    def test_shapes(self):
        with self.session() as sess:
            x = tf.ones([2, {dim}])
            loss, _ = model.build(x, tf.zeros([2], tf.int64), training=False)
            sess.run(tf.global_variables_initializer())
            self.assertEqual(np.shape(sess.run(loss)), ())
'''


def generate(root: pathlib.Path, models: int, seed: int = 0) -> tuple[int, int]:
    rng = random.Random(seed)
    sources = {style: (SCRIPTS / style / "before.py").read_text() for style in STYLES}
    for m in range(models):
        d = root / f"model_{m:04d}"
        d.mkdir(parents=True)
        n_blocks = rng.randint(3, 12)
        blocks = "".join(MODEL_BLOCK.format(i=i, rate=rng.choice([0.1, 0.2, 0.3]), extra=rng.choice([0.0, 0.05]),
                                            width=rng.choice([64, 128, 256])) for i in range(n_blocks))
        (d / "model.py").write_text(MODEL_HEAD.format(name=d.name) + blocks + MODEL_TAIL.format(
            blocks=", ".join(f"block_{i}" for i in range(n_blocks)) + ","))
        (d / "train.py").write_text(sources[STYLES[m % len(STYLES)]])
        (d / "data.py").write_text(DATA.format(dim=rng.choice([64, 784, 3072]), batch=rng.choice([32, 64, 128])))
        (d / "utils.py").write_text(UTILS + "".join(UTILS_FN.format(i=i) for i in range(rng.randint(2, 10))))
        (d / "config.py").write_text("".join(f"PARAM_{i} = {rng.random():.6f}\n" for i in range(rng.randint(5, 40))))
        (d / "__init__.py").write_text(f'"""{d.name}."""\n')
        (d / "model_test.py").write_text(TEST.format(dim=rng.choice([64, 784])))
        (d / "README.md").write_text(f"# {d.name}\n\nTrain with `bash run.sh`.\n" * rng.randint(1, 20))
        (d / "hparams.json").write_text('{"lr": 0.01, "batch": 64, "steps": 1000}\n')
        (d / "run.sh").write_text(f"#!/bin/sh\npython train.py --model_dir=/tmp/{d.name}\n")
    files = [p for p in root.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_once(tree: pathlib.Path, work: pathlib.Path, jobs: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and its workers) of one CLI run."""
    out, rep = work / "out", work / "rep"
    sink = io.StringIO()
    start, cpu = time.perf_counter(), _cpu()
    with contextlib.redirect_stdout(sink):
        status = cli.main(["-i", str(tree), "-o", str(out), "-r", str(rep), "-j", str(jobs), "--no-progress"])
    elapsed, cpu = time.perf_counter() - start, _cpu() - cpu
    if status != cli.OK:
        raise SystemExit(f"convert_tf2npu exited with {status}:\n{sink.getvalue()}")
    shutil.rmtree(out)
    shutil.rmtree(rep)
    return elapsed, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=200, help="model folders (10 files each)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3)
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        n_files, n_bytes = generate(tmp / "project", ns.models)
        n_py = sum(1 for _ in (tmp / "project").rglob("*.py"))
        print(f"tree: {n_files} files ({n_py} Python), {n_bytes / 1e6:.2f} MB; cpus: {os.cpu_count()}")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "npu_bridge.convert_tf2npu", "--help"], capture_output=True, check=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
        print(f"process start-up (python -m npu_bridge.convert_tf2npu --help): {time.perf_counter() - start:.2f} s")
        print(f"load average before the runs: {os.getloadavg()[0]:.2f} (other work shares these cpus)")
        print(f"{'jobs':>4} {'median s':>9} {'files/s':>8} {'py files/s':>10} {'MB/s':>6} {'vs -j1':>7} "
              f"{'cpu s':>6} {'files/cpu s':>11}")
        base = None
        for jobs in ns.jobs:
            runs = [run_once(tmp / "project", tmp / f"run{jobs}_{r}", jobs) for r in range(ns.repeat)]
            t = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            base = base or t
            print(f"{jobs:>4} {t:>9.2f} {n_files / t:>8.1f} {n_py / t:>10.1f} {n_bytes / 1e6 / t:>6.2f} "
                  f"{base / t:>6.2f}x {cpu:>6.2f} {n_files / cpu:>11.1f}")


if __name__ == "__main__":
    main()
