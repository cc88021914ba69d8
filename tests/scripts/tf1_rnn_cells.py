"""TF 1.15 RNNs: tf.nn.rnn_cell cells (LSTMCell, GRUCell, MultiRNNCell, DropoutWrapper), dynamic_rnn,
bidirectional_dynamic_rnn with sequence_length; learns the sum of a variable-length sequence."""
import json

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *

T, B, H = 6, 32, 12


def main():
    rng = np.random.RandomState(0)
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, T, 1])
    lengths = tf.placeholder(tf.int32, [None])
    y = tf.placeholder(tf.float32, [None])
    keep = tf.placeholder_with_default(1.0, [])
    cells = tf.nn.rnn_cell.MultiRNNCell([
        tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.LSTMCell(H), output_keep_prob=keep),
        tf.nn.rnn_cell.GRUCell(H),
    ])
    outputs, state = tf.nn.dynamic_rnn(cells, x, sequence_length=lengths, dtype=tf.float32, scope="stack")
    (fw, bw), _ = tf.nn.bidirectional_dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(4), tf.nn.rnn_cell.BasicLSTMCell(4),
                                                  x, sequence_length=lengths, dtype=tf.float32, scope="bi")
    features = tf.concat([state[1], fw[:, 0], bw[:, 0]], axis=1)
    pred = tf.squeeze(tf.layers.dense(features, 1), 1)
    loss = tf.reduce_mean(tf.square(pred - y))
    train_op = tf.train.RMSPropOptimizer(0.01).minimize(loss)

    def batch():
        seq = rng.randn(B, T, 1).astype(np.float32)
        lens = rng.randint(2, T + 1, size=B).astype(np.int32)
        target = np.array([seq[i, :lens[i], 0].sum() for i in range(B)], np.float32)
        return {x: seq, lengths: lens, y: target}

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        eval_feed = batch()
        first = sess.run(loss, eval_feed)
        for _ in range(150):
            feed = batch()
            feed[keep] = 0.9
            sess.run(train_op, feed)
        last = sess.run(loss, eval_feed)
        padded = sess.run(outputs, eval_feed)
    zero_after_length = all(np.all(padded[i, eval_feed[lengths][i]:] == 0) for i in range(B))
    print("RESULT " + json.dumps({
        "loss_first": float(first), "loss_last": float(last), "outputs_shape": list(padded.shape),
        "zero_after_length": bool(zero_after_length),
        "variables": sorted(v.name for v in tf.trainable_variables()),
    }))


if __name__ == "__main__":
    main()
