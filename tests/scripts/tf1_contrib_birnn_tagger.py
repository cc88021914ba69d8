"""Sequence tagger: ``tf.contrib.rnn.stack_bidirectional_dynamic_rnn`` (two layers) trained with
``tf.contrib.seq2seq.sequence_loss`` and padding masked out by its weights.

Task: tag each position with whether its value exceeds the previous one (needs both directions only
for context).  Checks the loss falls, masked accuracy, output width and the layer scopes.
"""
import json

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *

T, HIDDEN = 10, 12


def make(rng, n):
    lengths = rng.randint(3, T + 1, size=n)
    values = rng.randn(n, T).astype(np.float32)
    tags = np.zeros((n, T), np.int32)
    tags[:, 1:] = values[:, 1:] > values[:, :-1]
    mask = (np.arange(T)[None, :] < lengths[:, None]).astype(np.float32)
    return values[..., None] * mask[..., None], tags, lengths, mask


def main():
    rng = np.random.RandomState(5)
    values, tags, lengths, mask = make(rng, 400)
    tf.set_random_seed(5)
    x = tf.placeholder(tf.float32, [None, T, 1])
    y = tf.placeholder(tf.int32, [None, T])
    n = tf.placeholder(tf.int32, [None])
    w = tf.placeholder(tf.float32, [None, T])
    cells_fw = [tf.nn.rnn_cell.GRUCell(HIDDEN) for _ in range(2)]
    cells_bw = [tf.nn.rnn_cell.GRUCell(HIDDEN) for _ in range(2)]
    outputs, states_fw, states_bw = tf.contrib.rnn.stack_bidirectional_dynamic_rnn(
        cells_fw, cells_bw, x, sequence_length=n, dtype=tf.float32)
    logits = tf.layers.dense(outputs, 2)
    loss = tf.contrib.seq2seq.sequence_loss(logits, y, w)
    per_step = tf.contrib.seq2seq.sequence_loss(logits, y, w, average_across_timesteps=False,
                                                average_across_batch=False)
    correct = tf.cast(tf.equal(tf.argmax(logits, 2, output_type=tf.int32), y), tf.float32)
    accuracy = tf.reduce_sum(correct * w) / tf.reduce_sum(w)
    train = tf.train.AdamOptimizer(0.01).minimize(loss)
    feed = {x: values, y: tags, n: lengths, w: mask}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, feed)
        for _ in range(60):
            idx = rng.randint(0, 400, size=64)
            sess.run(train, {x: values[idx], y: tags[idx], n: lengths[idx], w: mask[idx]})
        last, acc, steps = sess.run([loss, accuracy, per_step], feed)
    print("RESULT " + json.dumps({
        "loss_first": float(first), "loss_last": float(last), "accuracy": float(acc),
        "output_width": outputs.shape.as_list()[-1], "layers": len(states_fw) + len(states_bw),
        "padding_loss": float(np.abs(steps * (1 - mask)).max()),
        "scopes": sorted({"/".join(v.op.name.split("/")[:4]) for v in tf.trainable_variables()
                          if v.op.name.startswith("stack_bidirectional_rnn/")}),
    }))


if __name__ == "__main__":
    main()
