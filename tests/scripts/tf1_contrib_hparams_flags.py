"""``tf.app.flags`` + ``tf.contrib.training.HParams`` as tensor2tensor-style scripts use them:
defaults in code, overrides from ``--hparams "learning_rate=0.05,hidden=[16,8]"``, a JSON round trip
to the model directory, and the hyper-parameters driving a small model trained under ``tf.app.run``.

Also touches a contrib module that ascend-sim does not provide and reports the error text.
"""
import json
import os

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *

flags = tf.app.flags
FLAGS = flags.FLAGS
flags.DEFINE_string("hparams", "learning_rate=0.05,hidden=[16,8],activation=tanh", "comma-separated overrides")
flags.DEFINE_string("model_dir", "model", "where to write hparams.json")


def default_hparams():
    return tf.contrib.training.HParams(learning_rate=0.001, hidden=[32], activation="relu", steps=80,
                                       use_bias=True)


def main(_):
    hparams = default_hparams().parse(FLAGS.hparams)
    tf.gfile.MakeDirs(FLAGS.model_dir)
    path = os.path.join(FLAGS.model_dir, "hparams.json")
    with tf.gfile.GFile(path, "w") as f:
        f.write(hparams.to_json(indent=1))
    with tf.gfile.GFile(path) as f:
        reloaded = default_hparams().parse_json(f.read())

    rng = np.random.RandomState(2)
    data = rng.randn(256, 4).astype(np.float32)
    target = (data[:, :1] * data[:, 1:2]).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 4])
    net = x
    for units in reloaded.hidden:
        net = tf.layers.dense(net, units, activation=getattr(tf.nn, reloaded.activation), use_bias=reloaded.use_bias)
    loss = tf.reduce_mean(tf.square(tf.layers.dense(net, 1) - target))
    train = tf.train.AdamOptimizer(reloaded.learning_rate).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: data})
        for _ in range(reloaded.steps):
            sess.run(train, {x: data})
        last = sess.run(loss, {x: data})
    try:
        from tensorflow.contrib import cudnn_rnn  # noqa: F401
        error = None
    except ImportError as e:
        error = str(e)
    print("RESULT " + json.dumps({
        "values": reloaded.values(), "kernel_shapes": [v.shape.as_list() for v in tf.trainable_variables()
                                                       if "kernel" in v.name],
        "loss_first": float(first), "loss_last": float(last), "cudnn_error": error,
    }))


if __name__ == "__main__":
    tf.app.run()
