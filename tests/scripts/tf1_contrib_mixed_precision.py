"""Manual loss scaling with ``tf.contrib.mixed_precision`` (the TF 1.14/1.15 API NVIDIA-era scripts
use): ``LossScaleOptimizer`` + ``ExponentialUpdateLossScaleManager``, with one step forced to overflow.

Checks that the overflowing step is skipped (variables and global_step unchanged), the scale drops by
``decr_ratio`` after it and grows by ``incr_ratio`` after ``incr_every_n_steps`` good steps, and that
training still converges.
"""
import json

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *

STEPS, OVERFLOW_STEP, INCR_EVERY = 30, 12, 5


def main():
    rng = np.random.RandomState(8)
    data = rng.randn(128, 4).astype(np.float32)
    target = data @ np.array([[1.0], [-2.0], [0.5], [0.0]], np.float32)
    x = tf.placeholder(tf.float32, [None, 4])
    blow_up = tf.placeholder_with_default(1.0, [])
    w = tf.get_variable("w", [4, 1], initializer=tf.zeros_initializer())
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - target)) * blow_up
    manager = tf.contrib.mixed_precision.ExponentialUpdateLossScaleManager(
        init_loss_scale=2.0 ** 10, incr_every_n_steps=INCR_EVERY, decr_every_n_nan_or_inf=1, decr_ratio=0.5)
    optimizer = tf.contrib.mixed_precision.LossScaleOptimizer(tf.train.GradientDescentOptimizer(0.05), manager)
    step = tf.train.get_or_create_global_step()
    train = optimizer.minimize(loss, global_step=step)
    scales, skipped = [], []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: data})
        for i in range(STEPS):
            before_w, before_step = sess.run([w, step])
            sess.run(train, {x: data, blow_up: np.inf if i == OVERFLOW_STEP else 1.0})
            after_w, after_step = sess.run([w, step])
            if after_step == before_step and np.array_equal(before_w, after_w):
                skipped.append(i)
            scales.append(float(sess.run(manager.get_loss_scale())))
        last = sess.run(loss, {x: data})
    print("RESULT " + json.dumps({
        "loss_first": float(first), "loss_last": float(last), "skipped": skipped, "overflow_step": OVERFLOW_STEP,
        "scales": scales, "incr_every": INCR_EVERY, "global_step": STEPS - len(skipped),
    }))


if __name__ == "__main__":
    main()
