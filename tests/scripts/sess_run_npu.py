"""Sess.run training in the style of migrated TF 1.15 scripts for Ascend (npu_bridge + loss scaling).

A hand-built session config naming the NpuOptimizer (mixed precision, remapping off), an optimizer
wrapped as ``NPULossScaleOptimizer(NPUDistributedOptimizer(opt), ExponentialUpdateLossScaleManager)``,
and the tensors BERT-style hooks read by name: ``loss_scale:0`` and ``overflow_status_reduce_all:0``.
One step is forced to overflow (its loss is multiplied by inf): that step must be skipped and the
loss scale lowered.
"""
import json

import numpy as np
import tensorflow.compat.v1 as tf
from npu_bridge.npu_init import *

STEPS = 60
OVERFLOW_STEP = 25


def make_data(n=256, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, 8).astype("float32")
    w = rng.randn(8, 1).astype("float32")
    y = (np.tanh(x @ w) + 0.05 * rng.randn(n, 1)).astype("float32")
    return x, y


def session_config():
    config = tf.ConfigProto()
    custom_op = config.graph_options.rewrite_options.custom_optimizers.add()
    custom_op.name = "NpuOptimizer"
    custom_op.parameter_map["use_off_line"].b = True
    custom_op.parameter_map["precision_mode"].s = tf.compat.as_bytes("allow_mix_precision")
    config.graph_options.rewrite_options.remapping = RewriterConfig.OFF
    return config


def main():
    x_data, y_data = make_data()
    x = tf.placeholder(tf.float32, [None, 8], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    loss_factor = tf.placeholder_with_default(1.0, [], name="loss_factor")
    hidden = tf.layers.dense(x, 32, activation=tf.nn.relu)
    pred = tf.layers.dense(hidden, 1)
    loss = tf.losses.mean_squared_error(y, pred) * loss_factor

    global_step = tf.train.get_or_create_global_step()
    opt = tf.train.MomentumOptimizer(learning_rate=0.05, momentum=0.9)
    loss_scale_manager = ExponentialUpdateLossScaleManager(
        init_loss_scale=2 ** 16, incr_every_n_steps=1000, decr_every_n_nan_or_inf=1, decr_ratio=0.5
    )
    opt = NPULossScaleOptimizer(NPUDistributedOptimizer(opt), loss_scale_manager)
    train_op = opt.minimize(loss, global_step=global_step)

    losses, scales, skipped = [], [], []
    with tf.Session(config=session_config()) as sess:
        sess.run(tf.global_variables_initializer())
        graph = tf.get_default_graph()
        loss_scale = graph.get_tensor_by_name("loss_scale:0")
        overflow_status = graph.get_tensor_by_name("overflow_status_reduce_all:0")
        for step in range(STEPS):
            feed = {x: x_data, y: y_data}
            if step == OVERFLOW_STEP:
                feed[loss_factor] = np.inf
            _, finite = sess.run([train_op, overflow_status], feed_dict=feed)
            if not finite:
                skipped.append(step)
            losses.append(float(sess.run(loss, feed_dict={x: x_data, y: y_data})))
            scales.append(float(sess.run(loss_scale)))
        final_step = int(sess.run(global_step))

    print("RESULT " + json.dumps({
        "loss_first": losses[0],
        "loss_last": losses[-1],
        "all_losses_finite": bool(np.all(np.isfinite(losses))),
        "skipped_steps": skipped,
        "scale_before_overflow": scales[OVERFLOW_STEP - 1],
        "scale_after_overflow": scales[OVERFLOW_STEP],
        "global_step": final_step,
        "steps": STEPS,
        "overflow_step": OVERFLOW_STEP,
    }))


if __name__ == "__main__":
    main()
