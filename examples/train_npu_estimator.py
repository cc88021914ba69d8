"""A TF 1.15 Estimator training script as convert_tf2npu leaves it for Ascend.

What the migration made of it (the lines marked ``# NPU``): the star import, NPURunConfig with
mixed precision and 10 iterations per device loop, NPUEstimator, npu_unary_ops.gelu and npu_ops.dropout,
and loss scaling.
It trains a small classifier on data it generates itself, so it needs no download.
Run it directly (``python examples/train_npu_estimator.py --model_dir /tmp/m``) or via ``make demo``.
"""
import argparse
import json
import os

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *  # NPU

FEATURES = 16
CLASSES = 4


def make_dataset(n, seed):
    """Points around CLASSES random centres: an easy, learnable classification problem."""
    rng = np.random.RandomState(seed)
    centres = np.random.RandomState(1234).randn(CLASSES, FEATURES).astype("float32") * 1.0
    labels = rng.randint(0, CLASSES, size=n).astype("int32")
    points = centres[labels] + rng.randn(n, FEATURES).astype("float32")
    return points, labels


class NpuOpCollector(tf.train.SessionRunHook):
    """Records which Ascend op types the training graph contains (emulated ops carry `_ascend_op_type`)."""

    def __init__(self):
        self.op_types = set()

    def begin(self):
        for op in tf.get_default_graph().get_operations():
            if "_ascend_op_type" in op.node_def.attr:
                self.op_types.add(op.get_attr("_ascend_op_type").decode())


def input_fn(params):
    points, labels = make_dataset(params["examples"], seed=params["seed"])
    ds = tf.data.Dataset.from_tensor_slices(({"x": points}, labels))
    ds = ds.shuffle(1024, seed=params["seed"]).repeat()
    return ds.batch(params["batch_size"], drop_remainder=True)  # NPU: static shapes


def model_fn(features, labels, mode, params):
    training = mode == tf.estimator.ModeKeys.TRAIN
    hidden = tf.layers.dense(features["x"], 64, name="hidden")
    hidden = npu_unary_ops.gelu(hidden)  # NPU: fused Gelu
    if training:
        hidden = npu_ops.dropout(hidden, keep_prob=0.9)  # NPU: DropOutGenMask + DropOutDoMask
    logits = tf.layers.dense(hidden, CLASSES, name="logits")
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    if mode == tf.estimator.ModeKeys.EVAL:
        accuracy = tf.metrics.accuracy(labels, tf.argmax(logits, axis=1))
        return NPUEstimatorSpec(mode, loss=loss, eval_metric_ops={"accuracy": accuracy})  # NPU
    optimizer = tf.train.AdamOptimizer(params["learning_rate"])
    manager = ExponentialUpdateLossScaleManager(  # NPU: loss scaling for mixed precision
        init_loss_scale=2**32, incr_every_n_steps=1000, decr_every_n_nan_or_inf=2, decr_ratio=0.5)
    optimizer = NPULossScaleOptimizer(optimizer, manager)  # NPU
    train_op = optimizer.minimize(loss, global_step=tf.train.get_or_create_global_step())
    return NPUEstimatorSpec(mode, loss=loss, train_op=train_op)  # NPU


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model_dir", default="./demo_model")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--batch_size", type=int, default=32)
    args = parser.parse_args()
    params = {"examples": 2048, "seed": 0, "batch_size": args.batch_size, "learning_rate": 0.01}

    run_config = NPURunConfig(  # NPU
        model_dir=args.model_dir,
        save_checkpoints_steps=100,
        iterations_per_loop=10,  # NPU: 10 training steps per Session.run on the device
        precision_mode="allow_mix_precision",
        enable_data_pre_proc=True,
    )
    estimator = NPUEstimator(model_fn=model_fn, config=run_config, params=params)  # NPU
    collector = NpuOpCollector()
    estimator.train(lambda: input_fn(params), max_steps=args.steps, hooks=[collector])
    metrics = estimator.evaluate(lambda: input_fn(dict(params, seed=1)), steps=20)
    npu_keys = sorted(
        next(c for c in estimator.config.session_config.graph_options.rewrite_options.custom_optimizers
             if c.name == "NpuOptimizer").parameter_map.keys()
    )
    print("RESULT " + json.dumps({
        "global_step": int(metrics["global_step"]),
        "eval_loss": float(metrics["loss"]),
        "eval_accuracy": float(metrics["accuracy"]),
        "checkpoint": os.path.basename(estimator.latest_checkpoint() or ""),
        "npu_parameter_map_keys": npu_keys,
        "npu_op_types": sorted(collector.op_types),
    }))


if __name__ == "__main__":
    main()
