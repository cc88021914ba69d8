"""Fine-tuning with ``tf.contrib.framework``: pre-train a backbone, save it, then in a new graph
restore only the backbone with ``get_variables_to_restore(exclude=[head])`` +
``assign_from_checkpoint_fn`` and train a fresh head; also ``add_arg_scope``/``arg_scope`` on a
user layer function and ``get_or_create_global_step``.

Checks that the restored backbone equals the saved one, the new head was not restored, and the
fine-tuned loss falls.
"""
import json
import os

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *

framework = tf.contrib.framework


@framework.add_arg_scope
def dense(x, units, activation=None, scope=None):
    with tf.variable_scope(scope, "dense"):
        w = framework.model_variable("weights", [x.shape[-1], units], initializer=tf.glorot_uniform_initializer())
        b = framework.model_variable("biases", [units], initializer=tf.zeros_initializer())
        y = tf.matmul(x, w) + b
        return activation(y) if activation else y


def build(x, classes):
    with framework.arg_scope([dense], activation=tf.nn.relu):
        h = dense(x, 16, scope="backbone/fc1")
        h = dense(h, 16, scope="backbone/fc2")
    return dense(h, classes, activation=None, scope="head")


def train(sess, loss, steps, feed):
    step = framework.get_or_create_global_step()
    op = tf.train.AdamOptimizer(0.02).minimize(loss, global_step=step)
    sess.run(tf.variables_initializer([v for v in tf.global_variables() if not sess.run(
        tf.is_variable_initialized(v))]))
    first = sess.run(loss, feed)
    for _ in range(steps):
        sess.run(op, feed)
    return first, sess.run(loss, feed)


def main():
    rng = np.random.RandomState(10)
    data = rng.randn(256, 5).astype(np.float32)
    coarse = (data[:, 0] > 0).astype(np.int64)
    fine = (data[:, 0] > 0).astype(np.int64) * 2 + (data[:, 1] > 0)
    path = os.path.join("pretrain", "model.ckpt")
    with tf.Graph().as_default():
        x, y = tf.placeholder(tf.float32, [None, 5]), tf.placeholder(tf.int64, [None])
        loss = tf.losses.sparse_softmax_cross_entropy(y, build(x, 2))
        with tf.Session() as sess:
            train(sess, loss, 60, {x: data, y: coarse})
            saved = {v.op.name: sess.run(v) for v in framework.get_model_variables("backbone")}
            tf.train.Saver().save(sess, path)
    with tf.Graph().as_default():
        x, y = tf.placeholder(tf.float32, [None, 5]), tf.placeholder(tf.int64, [None])
        loss = tf.losses.sparse_softmax_cross_entropy(y, build(x, 4))
        restore = framework.get_variables_to_restore(exclude=["head", "global_step"])
        init_fn = framework.assign_from_checkpoint_fn(path, restore)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            init_fn(sess)
            restored = {v.op.name: sess.run(v) for v in framework.get_model_variables("backbone")}
            first, last = train(sess, loss, 80, {x: data, y: fine})
    print("RESULT " + json.dumps({
        "restored_names": sorted(v.op.name for v in restore),
        "backbone_equal": all(np.array_equal(saved[k], restored[k]) for k in saved) and saved.keys() == restored.keys(),
        "loss_first": float(first), "loss_last": float(last),
    }))


if __name__ == "__main__":
    main()
