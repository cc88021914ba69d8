"""Sequence classification with ``tf.contrib.rnn``: ``MultiRNNCell`` of ``LSTMBlockCell`` (with
``DropoutWrapper``) and ``LayerNormBasicLSTMCell``, ``dynamic_rnn`` with sequence lengths; plus an
``LSTMBlockFusedCell`` over the same time-major batch.

Task: is the sum of a variable-length sequence positive?  Checks the loss falls, accuracy, and the
TF 1.15 variable names of the cells.
"""
import json

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *

T = 8


def make(rng, n):
    lengths = rng.randint(2, T + 1, size=n)
    seq = rng.randn(n, T, 1).astype(np.float32)
    for i, n_i in enumerate(lengths):
        seq[i, n_i:] = 0.0
    return seq, lengths, (seq.sum((1, 2)) > 0).astype(np.int64)


def main():
    rng = np.random.RandomState(4)
    seq, lengths, labels = make(rng, 512)
    tf.set_random_seed(4)
    x = tf.placeholder(tf.float32, [None, T, 1])
    n = tf.placeholder(tf.int32, [None])
    y = tf.placeholder(tf.int64, [None])
    keep = tf.placeholder_with_default(1.0, [])
    cells = [tf.contrib.rnn.DropoutWrapper(tf.contrib.rnn.LSTMBlockCell(16), output_keep_prob=keep),
             tf.contrib.rnn.LayerNormBasicLSTMCell(16)]
    _, states = tf.nn.dynamic_rnn(tf.contrib.rnn.MultiRNNCell(cells), x, sequence_length=n, dtype=tf.float32)
    fused = tf.contrib.rnn.LSTMBlockFusedCell(8)
    fused_out, fused_state = fused(tf.transpose(x, [1, 0, 2]), dtype=tf.float32, sequence_length=n)
    features = tf.concat([states[-1].h, fused_state.h], axis=1)
    logits = tf.layers.dense(features, 2)
    loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))
    train = tf.train.AdamOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        feed = {x: seq, n: lengths, y: labels}
        first = sess.run(loss, feed)
        for _ in range(120):
            idx = rng.randint(0, 512, size=64)
            sess.run(train, {x: seq[idx], n: lengths[idx], y: labels[idx], keep: 0.9})
        last, acc = sess.run([loss, accuracy], feed)
    print("RESULT " + json.dumps({
        "loss_first": float(first), "loss_last": float(last), "accuracy": float(acc),
        "variables": sorted(v.op.name for v in tf.trainable_variables()),
        "fused_output_shape": fused_out.shape.as_list(),
    }))


if __name__ == "__main__":
    main()
