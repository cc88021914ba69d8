"""Estimator training in the style of migrated Ascend scripts (TF 1.15 + npu_bridge).

A linear-regression model_fn returning NPUEstimatorSpec, trained by NPUEstimator with an
NPURunConfig (precision mode, checkpoints every 10 steps), then by a second NPUEstimator with
iterations_per_loop=2 on generated data.  Prints ``RESULT {json}`` for the test to check.
"""
import contextlib
import io
import json
import os

import numpy as np
import tensorflow.compat.v1 as tf
from npu_bridge.npu_init import *

BATCH = 32


def make_data(n=512, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, 4).astype("float32")
    w = np.array([[3.0], [-2.0], [0.5], [1.0]], dtype="float32")
    y = x @ w + 1.0 + 0.01 * rng.randn(n, 1).astype("float32")
    return x, y


def input_fn(params):
    x, y = make_data()
    dataset = tf.data.Dataset.from_tensor_slices(({"x": x}, y))
    return dataset.shuffle(512, seed=1).repeat().batch(params.get("batch", BATCH), drop_remainder=True)


def model_fn(features, labels, mode, params):
    logits = tf.layers.dense(features["x"], 1, name="linear")
    loss = tf.losses.mean_squared_error(labels, logits)
    train_op = None
    if mode == tf.estimator.ModeKeys.TRAIN:
        optimizer = tf.train.GradientDescentOptimizer(params["lr"])
        train_op = optimizer.minimize(loss, global_step=tf.train.get_or_create_global_step())
    return NPUEstimatorSpec(mode=mode, loss=loss, train_op=train_op, predictions={"y": logits},
                            scaffold=lambda: tf.train.Scaffold())


class LossRecorder(tf.train.SessionRunHook):
    """Records the loss and the ``npu_runconfig/iterations_per_loop`` loop variable at every step."""

    def __init__(self):
        self.losses = []
        self.loop_var = []
        self.iteration_op = None

    def begin(self):
        self._loss = tf.get_collection(tf.GraphKeys.LOSSES)[0]
        # the same variable SetIterationsVarHook loads (create-or-get by collection)
        self._iter_value = util.create_or_get_var("iterations_per_loop").read_value()
        marker = [op for op in tf.get_default_graph().get_operations() if op.name == "IterationOp"]
        if marker:
            self.iteration_op = {"type": marker[0].type,
                                 "control_inputs": [op.type for op in marker[0].control_inputs]}

    def before_run(self, run_context):
        return tf.train.SessionRunArgs([self._loss, self._iter_value])

    def after_run(self, run_context, run_values):
        loss, loop_var = run_values.results
        self.losses.append(float(loss))
        self.loop_var.append(int(loop_var))


def parameter_map(estimator):
    rewrite = estimator.config.session_config.graph_options.rewrite_options
    entries = [c for c in rewrite.custom_optimizers if c.name == "NpuOptimizer"]
    pm = entries[-1].parameter_map
    return {
        "keys": sorted(pm.keys()),
        "precision_mode": pm["precision_mode"].s.decode(),
        "iterations_per_loop": pm["iterations_per_loop"].i,
        "enable_data_pre_proc": pm["enable_data_pre_proc"].b,
        "optimizers": list(rewrite.optimizers),
        "entries": len(entries),
    }


def main():
    model_dir = os.path.abspath("model_a")
    config = NPURunConfig(model_dir=model_dir, precision_mode="allow_mix_precision", save_checkpoints_steps=10,
                          iterations_per_loop=1, log_step_count_steps=10, tf_random_seed=1)
    estimator = NPUEstimator(model_fn=model_fn, config=config, params={"lr": 0.1})
    recorder = LossRecorder()
    estimator.train(input_fn=input_fn, max_steps=40, hooks=[recorder])
    evaluation = estimator.evaluate(input_fn=input_fn, steps=4)
    checkpoints = sorted(f for f in os.listdir(model_dir) if f.endswith(".index"))

    config_n = NPURunConfig(model_dir=os.path.abspath("model_b"), iterations_per_loop=2, save_checkpoints_steps=10,
                            tf_random_seed=1)
    estimator_n = NPUEstimator(model_fn=model_fn, config=config_n, params={"lr": 0.1})
    recorder_n = LossRecorder()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        estimator_n.train(input_fn=input_fn, max_steps=20, hooks=[recorder_n])

    result = {
        "loss_first": recorder.losses[0],
        "loss_last": recorder.losses[-1],
        "eval_loss": float(evaluation["loss"]),
        "global_step": int(estimator.get_variable_value("global_step")),
        "checkpoints": checkpoints,
        "parameter_map": parameter_map(estimator),
        "parameter_map_n": parameter_map(estimator_n),
        "global_step_n": int(estimator_n.get_variable_value("global_step")),
        "loop_var": sorted(set(recorder.loop_var)),
        "loop_var_n": sorted(set(recorder_n.loop_var)),
        "iteration_op_n": recorder_n.iteration_op,
        "printed_n": printed.getvalue().splitlines()[:2],
        "loss_first_n": recorder_n.losses[0],
        "loss_last_n": recorder_n.losses[-1],
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
