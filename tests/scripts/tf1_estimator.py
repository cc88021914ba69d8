"""TF 1.15 Estimator as the migration tool leaves it: tf.estimator.Estimator(config=npu_run_config_init(...)).

model_fn uses tf.layers and tf.train.get_global_step; input functions are tf.estimator.inputs.numpy_input_fn
and a tf.data input_fn.  Train, evaluate, predict; train again (resumes from the checkpoint).
"""
import json
import os

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *


def model_fn(features, labels, mode, params):
    h = tf.layers.dense(features["x"], 16, activation=tf.nn.tanh)
    pred = tf.squeeze(tf.layers.dense(h, 1), axis=1)
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode, predictions={"y": pred})
    loss = tf.losses.mean_squared_error(labels, pred)
    if mode == tf.estimator.ModeKeys.EVAL:
        return tf.estimator.EstimatorSpec(mode, loss=loss, eval_metric_ops={
            "mae": tf.metrics.mean_absolute_error(labels, pred)})
    opt = tf.train.AdamOptimizer(params["lr"])
    train_op = opt.minimize(loss, global_step=tf.train.get_global_step())
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)


def main():
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, size=(256, 2)).astype(np.float32)
    y = (np.sin(2 * x[:, 0]) + x[:, 1] ** 2).astype(np.float32)
    model_dir = os.path.join(os.getcwd(), "model")
    config = tf.estimator.RunConfig(model_dir=model_dir, save_checkpoints_steps=50, log_step_count_steps=None,
                                    tf_random_seed=0)
    est = tf.estimator.Estimator(model_fn, config=npu_run_config_init(run_config=config), params={"lr": 0.02})

    def data_input_fn():
        ds = tf.data.Dataset.from_tensor_slices(({"x": x}, y)).shuffle(256, seed=1).repeat().batch(32)
        return ds

    eval_fn = tf.estimator.inputs.numpy_input_fn({"x": x}, y, batch_size=64, num_epochs=1, shuffle=False)
    est.train(data_input_fn, steps=120)
    mid = est.evaluate(eval_fn)
    est.train(tf.estimator.inputs.numpy_input_fn({"x": x}, y, batch_size=32, num_epochs=None, shuffle=True), steps=80)
    final = est.evaluate(eval_fn)
    preds = list(est.predict(tf.estimator.inputs.numpy_input_fn({"x": x[:10]}, shuffle=False)))
    baseline = float(np.mean((y - y.mean()) ** 2))
    print("RESULT " + json.dumps({
        "global_step_mid": int(mid["global_step"]), "global_step_final": int(final["global_step"]),
        "loss_mid": float(mid["loss"]), "loss_final": float(final["loss"]), "mae_final": float(final["mae"]),
        "baseline_mse": baseline, "predictions": len(preds), "pred_keys": sorted(preds[0]),
        "latest_checkpoint": os.path.basename(tf.train.latest_checkpoint(model_dir)),
        "session_has_npu_optimizer": any(
            c.name == "NpuOptimizer" for c in est.config.session_config.graph_options.rewrite_options.custom_optimizers),
    }))


if __name__ == "__main__":
    main()
