"""Embedding model trained with ``tf.contrib.opt.LazyAdamOptimizer`` (the recommender/NLP idiom).

Bag-of-ids classification over a 50-row embedding table whose last 10 ids never occur in the data.
Checks that the loss falls and that LazyAdam left the rows without gradients (and their Adam
moments) untouched, while the rows in use moved.
"""
import json

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *

VOCAB, USED, DIM = 50, 40, 8


def main():
    rng = np.random.RandomState(3)
    ids = rng.randint(0, USED, size=(400, 5))
    labels = (ids % 2).sum(1) > 2
    tf.set_random_seed(3)
    x = tf.placeholder(tf.int32, [None, 5])
    y = tf.placeholder(tf.float32, [None])
    table = tf.get_variable("embedding", [VOCAB, DIM], initializer=tf.random_normal_initializer(stddev=0.1))
    pooled = tf.reduce_mean(tf.nn.embedding_lookup(table, x), axis=1)
    logit = tf.squeeze(tf.layers.dense(pooled, 1), 1)
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logit))
    optimizer = tf.contrib.opt.LazyAdamOptimizer(0.05)
    train = optimizer.minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(table)
        first = sess.run(loss, {x: ids, y: labels})
        for _ in range(100):
            idx = rng.randint(0, 400, size=32)
            sess.run(train, {x: ids[idx], y: labels[idx]})
        after, m = sess.run([table, optimizer.get_slot(table, "m")])
        last = sess.run(loss, {x: ids, y: labels})
    print("RESULT " + json.dumps({
        "loss_first": float(first), "loss_last": float(last),
        "unused_rows_changed": bool(np.abs(after[USED:] - before[USED:]).max() > 0),
        "unused_moments_nonzero": bool(np.abs(m[USED:]).max() > 0),
        "used_rows_changed": int((np.abs(after[:USED] - before[:USED]).max(1) > 1e-4).sum()),
        "used": USED,
    }))


if __name__ == "__main__":
    main()
