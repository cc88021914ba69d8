"""A BERT-style TPUEstimator script after migration: ``tf.contrib.tpu.RunConfig``/``TPUConfig``/
``InputPipelineConfig.PER_HOST_V2``, ``TPUEstimator(use_tpu=False, ...)`` (what the migration tool
writes), a ``model_fn`` returning ``tf.contrib.tpu.TPUEstimatorSpec`` with a ``scaffold_fn`` and
``CrossShardOptimizer``, ``tf.contrib.layers.layer_norm`` and an input_fn using
``tf.contrib.data.map_and_batch`` with ``params["batch_size"]``.

Checks that training runs the requested steps, the evaluation loss is far below chance, evaluation
reports the metric_fn's accuracy, and the scaffold_fn ran.
"""
import json

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *

TRAIN_STEPS, BATCH = 40, 16
SCAFFOLD_CALLS = []


def make_input_fn(features, labels, repeat):
    def input_fn(params):
        dataset = tf.data.Dataset.from_tensor_slices((features, labels))
        if repeat:
            dataset = dataset.repeat()
        return dataset.apply(tf.contrib.data.map_and_batch(
            lambda x, y: ({"x": x}, y), batch_size=params["batch_size"], drop_remainder=True))
    return input_fn


def model_fn(features, labels, mode, params):
    hidden = tf.layers.dense(features["x"], 16, activation=tf.nn.relu)
    hidden = tf.contrib.layers.layer_norm(hidden, begin_norm_axis=-1, begin_params_axis=-1)
    logits = tf.layers.dense(hidden, 2)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)

    def scaffold_fn():
        SCAFFOLD_CALLS.append(mode)
        return tf.train.Scaffold()

    if mode == tf.estimator.ModeKeys.TRAIN:
        optimizer = tf.train.AdamOptimizer(0.02)
        if params["use_tpu"] is False:
            optimizer = tf.contrib.tpu.CrossShardOptimizer(optimizer)
        train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())
        return tf.contrib.tpu.TPUEstimatorSpec(mode, loss=loss, train_op=train_op, scaffold_fn=scaffold_fn)

    def metric_fn(labels, logits):
        return {"accuracy": tf.metrics.accuracy(labels, tf.argmax(logits, 1))}

    return tf.contrib.tpu.TPUEstimatorSpec(mode, loss=loss, eval_metrics=(metric_fn, [labels, logits]))


def main():
    rng = np.random.RandomState(7)
    features = rng.randn(256, 6).astype(np.float32)
    labels = (features[:, 0] + features[:, 1] > 0).astype(np.int32)
    tpu_config = tf.contrib.tpu.TPUConfig(iterations_per_loop=10, num_shards=1,
                                          per_host_input_for_training=tf.contrib.tpu.InputPipelineConfig.PER_HOST_V2)
    run_config = tf.contrib.tpu.RunConfig(model_dir="model", save_checkpoints_steps=1000, tpu_config=tpu_config,
                                          save_summary_steps=0)
    estimator = tf.contrib.tpu.TPUEstimator(model_fn=model_fn, config=run_config, use_tpu=False,
                                            train_batch_size=BATCH, eval_batch_size=BATCH, params={"use_tpu": False},
                                            eval_on_tpu=False, export_to_tpu=False)
    estimator.train(make_input_fn(features, labels, True), max_steps=TRAIN_STEPS)
    metrics = estimator.evaluate(make_input_fn(features, labels, False), steps=8)
    print("RESULT " + json.dumps({
        "global_step": int(metrics["global_step"]), "eval_loss": float(metrics["loss"]),
        "accuracy": float(metrics["accuracy"]), "scaffold_calls": len(SCAFFOLD_CALLS),
        "chance_loss": float(np.log(2.0)),
    }))


if __name__ == "__main__":
    main()
