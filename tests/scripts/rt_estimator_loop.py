"""NPUEstimator training on the emulated device with iterations_per_loop = N (migration-guide style).

A dataset input_fn, a model_fn returning NPUEstimatorSpec, NPURunConfig(iterations_per_loop=N,
save_summary_steps=S). A hook records, per Session.run of the training loop, the global step and the loss,
and what the session's device runtime counted. Afterwards the TensorBoard events in model_dir are read for
the ``emulated/*`` scalars. Prints ``RESULT {json}``.

Options: ``--iterations N``, ``--max-steps M``, ``--summary-steps S``, ``--profile DIR`` (ProfilingConfig).
"""
import argparse
import glob
import json
import os

import numpy as np
import tensorflow.compat.v1 as tf
from npu_bridge.npu_init import *
from npu_bridge._runtime import device_session

BATCH = 32


def make_data(n=512, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, 8).astype("float32")
    w = rng.randn(8, 1).astype("float32")
    y = (x @ w + 0.5 + 0.01 * rng.randn(n, 1)).astype("float32")
    return x, y


def input_fn():
    x, y = make_data()
    dataset = tf.data.Dataset.from_tensor_slices(({"x": x}, y))
    return dataset.repeat().batch(BATCH, drop_remainder=True)


def model_fn(features, labels, mode, params):
    hidden = tf.layers.dense(features["x"], 32, activation=tf.nn.relu)
    pred = tf.layers.dense(hidden, 1)
    loss = tf.losses.mean_squared_error(labels, pred)
    train_op = tf.train.GradientDescentOptimizer(0.05).minimize(loss, global_step=tf.train.get_or_create_global_step())
    return NPUEstimatorSpec(mode=mode, loss=loss, train_op=train_op)


class RunRecorder(tf.train.SessionRunHook):
    """Global step and loss per Session.run; the device session's counters at the end."""

    def __init__(self):
        self.steps, self.losses, self.device = [], [], None

    def begin(self):
        self._step = tf.train.get_global_step()
        self._loss = tf.get_collection(tf.GraphKeys.LOSSES)[0]

    def after_create_session(self, session, coord):
        self._state = device_session.state_of(session)

    def before_run(self, run_context):
        return tf.train.SessionRunArgs([self._step, self._loss])

    def after_run(self, run_context, run_values):
        step, loss = run_values.results
        self.steps.append(int(step))
        self.losses.append(float(loss))

    def end(self, session):
        if self._state is not None:
            ledger = self._state.ledger
            self.device = {"steps": ledger.steps, "loops": ledger.loops, "step_records": len(self._state.profile().steps),
                           "iterations_per_loop": self._state.options.iterations_per_loop}


def scalars(model_dir):
    found = {}
    for path in glob.glob(os.path.join(model_dir, "events.out.tfevents.*")):
        for event in tf.train.summary_iterator(path):
            for value in event.summary.value:
                if value.tag.startswith("emulated/"):
                    found.setdefault(value.tag, []).append([int(event.step), float(value.simple_value)])
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=4)
    parser.add_argument("--max-steps", type=int, default=40)
    parser.add_argument("--summary-steps", type=int, default=8)
    parser.add_argument("--profile", default="", help="profile directory: ProfilingConfig in the NPURunConfig")
    args = parser.parse_args()
    model_dir = os.path.abspath("model")
    profiling = None
    if args.profile:
        profiling = ProfilingConfig(enable_profiling=True, profiling_options=json.dumps(
            {"output": os.path.abspath(args.profile), "training_trace": "on", "task_trace": "on"}))
    config = NPURunConfig(model_dir=model_dir, iterations_per_loop=args.iterations, save_checkpoints_steps=1000,
                          save_summary_steps=args.summary_steps, tf_random_seed=1, profiling_config=profiling)
    estimator = NPUEstimator(model_fn=model_fn, config=config)
    recorder = RunRecorder()
    estimator.train(input_fn=input_fn, max_steps=args.max_steps, hooks=[recorder])
    print("RESULT " + json.dumps({
        "run_steps": recorder.steps, "losses": recorder.losses, "device": recorder.device,
        "global_step": int(estimator.get_variable_value("global_step")), "scalars": scalars(model_dir),
        "iterations": args.iterations, "max_steps": args.max_steps, "summary_steps": args.summary_steps,
    }))


if __name__ == "__main__":
    main()
