"""``tf.contrib.opt.AdamWOptimizer`` wrapped in ``tf.contrib.opt.MovingAverageOptimizer``; the
``swapping_saver`` checkpoint is restored by a plain ``tf.train.Saver`` in an evaluation graph.

Checks that training converges, that weight decay shrinks an unused weight, and that the evaluation
graph receives the moving averages (not the last raw values).
"""
import json
import os

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *


def model(x):
    w = tf.get_variable("w", [3, 1], initializer=tf.ones_initializer())
    return tf.matmul(x, w), w


def main():
    rng = np.random.RandomState(11)
    data = rng.randn(256, 3).astype(np.float32)
    data[:, 2] = 0.0  # the third weight gets no gradient: only the decay moves it
    target = data @ np.array([[2.0], [-1.0], [0.0]], np.float32)
    path = os.path.join("ema", "model.ckpt")
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        pred, w = model(x)
        loss = tf.reduce_mean(tf.square(pred - target))
        optimizer = tf.contrib.opt.MovingAverageOptimizer(
            tf.contrib.opt.AdamWOptimizer(weight_decay=0.01, learning_rate=0.05), average_decay=0.9)
        train = optimizer.minimize(loss, global_step=tf.train.get_or_create_global_step())
        saver = optimizer.swapping_saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first = sess.run(loss, {x: data})
            for _ in range(150):
                sess.run(train, {x: data})
            last, raw = sess.run([loss, w], {x: data})
            average = sess.run(optimizer._ema.average(w))  # pylint: disable=protected-access
            saver.save(sess, path)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        _, w = model(x)
        with tf.Session() as sess:
            tf.train.Saver([w]).restore(sess, path)
            evaluated = sess.run(w)
    print("RESULT " + json.dumps({
        "loss_first": float(first), "loss_last": float(last), "decayed_weight": float(raw[2, 0]),
        "raw": raw[:, 0].tolist(), "average": average[:, 0].tolist(), "evaluated": evaluated[:, 0].tolist(),
    }))


if __name__ == "__main__":
    main()
