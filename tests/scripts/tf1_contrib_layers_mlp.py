"""tf.contrib.layers MLP as migrated BERT/Transformer-era code writes it: xavier and variance-scaling
initialisers, ``tf.get_variable(..., regularizer=tf.contrib.layers.l2_regularizer(s))``,
``tf.contrib.layers.apply_regularization``, ``layer_norm`` and ``fully_connected``.

Regression on synthetic data.  Checks that the loss falls, that the collected and the applied
regularisation both equal TF 1.x's scale * sum(w^2) / 2, and the layer_norm variable names.
"""
import json

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *

SCALE = 0.05


def main():
    rng = np.random.RandomState(1)
    data = rng.randn(512, 10).astype(np.float32)
    target = (np.sin(data[:, :1]) + 0.5 * data[:, 1:2] ** 2).astype(np.float32)
    tf.set_random_seed(1)
    x = tf.placeholder(tf.float32, [None, 10])
    y = tf.placeholder(tf.float32, [None, 1])
    w1 = tf.get_variable("w1", [10, 32], initializer=tf.contrib.layers.xavier_initializer(),
                         regularizer=tf.contrib.layers.l2_regularizer(SCALE))
    b1 = tf.get_variable("b1", [32], initializer=tf.zeros_initializer())
    hidden = tf.contrib.layers.layer_norm(tf.nn.relu(tf.matmul(x, w1) + b1), scope="ln1")
    hidden = tf.contrib.layers.fully_connected(
        hidden, 32, weights_initializer=tf.contrib.layers.variance_scaling_initializer(), scope="fc2")
    out = tf.contrib.layers.fully_connected(hidden, 1, activation_fn=None, scope="out")
    mse = tf.reduce_mean(tf.square(out - y))
    collected = tf.add_n(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))
    fc_weights = [v for v in tf.trainable_variables() if v.op.name.endswith("weights")]
    applied = tf.contrib.layers.apply_regularization(tf.contrib.layers.l2_regularizer(SCALE), fc_weights)
    train_op = tf.train.AdamOptimizer(0.01).minimize(mse + collected + applied)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(mse, {x: data, y: target})
        for _ in range(150):
            idx = rng.randint(0, 512, size=64)
            sess.run(train_op, {x: data[idx], y: target[idx]})
        last, collected_v, applied_v, w1_v, fc_v = sess.run([mse, collected, applied, w1, fc_weights],
                                                            {x: data, y: target})
    print("RESULT " + json.dumps({
        "loss_first": float(first), "loss_last": float(last),
        "collected": float(collected_v), "expected_collected": SCALE * float(np.sum(w1_v.astype(np.float64) ** 2)) / 2,
        "applied": float(applied_v),
        "expected_applied": sum(SCALE * float(np.sum(w.astype(np.float64) ** 2)) / 2 for w in fc_v),
        "layer_norm_vars": sorted(v.op.name for v in tf.trainable_variables() if v.op.name.startswith("ln1/")),
    }))


if __name__ == "__main__":
    main()
