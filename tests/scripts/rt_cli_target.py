"""A script for ``ascend-sim run`` tests: trains a few Sess.run steps on the device, then ends as asked.

``rt_cli_target.py MODE [STEPS]``; MODE: ``ok`` (returns), ``exit3`` (``sys.exit(3)``), ``raise`` (a
RuntimeError after training), ``interrupt`` (KeyboardInterrupt after training), ``unsupported`` (a model with
an op the device lacks: BesselI0e). Prints ``RESULT {json}`` before ending: argv, ``__name__``, sys.path[0].
"""
import json
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf
from npu_bridge.npu_init import *


def train(steps, unsupported=False):
    rng = np.random.RandomState(0)
    x = tf.constant(rng.randn(16, 4).astype("float32"))
    y = tf.constant(rng.randn(16, 1).astype("float32"))
    hidden = tf.layers.dense(x, 8, activation=tf.nn.relu)
    if unsupported:
        hidden = tf.math.bessel_i0e(hidden)
    loss = tf.losses.mean_squared_error(y, tf.layers.dense(hidden, 1))
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=tf.train.get_or_create_global_step())
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            losses.append(float(sess.run([train_op, loss])[1]))
    return losses


def main():
    mode = sys.argv[1]
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    losses = train(steps, unsupported=mode == "unsupported")
    print("RESULT " + json.dumps({"argv": sys.argv, "name": __name__, "path0": sys.path[0], "losses": losses,
                                  "cwd": os.getcwd()}))
    sys.stdout.flush()
    if mode == "exit3":
        sys.exit(3)
    if mode == "raise":
        raise RuntimeError("the script failed after training")
    if mode == "interrupt":
        raise KeyboardInterrupt


if __name__ == "__main__":
    main()
