"""TF 1.15 tf.layers MLP: dense + batch_normalization + dropout(training=...) trained with AdamOptimizer.

Plain ``import tensorflow as tf`` and ``import npu_bridge`` (no star import): every ``tf.X`` below is
resolved by the TF 1.15 runtime.  Checks that the loss falls, that the variables carry TF 1.15's
checkpoint names, and that the batch-norm moving averages are updated through UPDATE_OPS.
"""
import json

import numpy as np
import tensorflow as tf
import npu_bridge  # noqa: F401

STEPS = 150


def model(x, training):
    h = tf.layers.dense(x, 32, activation=tf.nn.relu)
    h = tf.layers.batch_normalization(h, training=training)
    h = tf.layers.dropout(h, rate=0.1, training=training)
    return tf.layers.dense(h, 3)


def main():
    rng = np.random.RandomState(0)
    centers = rng.randn(3, 6).astype(np.float32) * 2.0
    labels = rng.randint(0, 3, size=600)
    data = centers[labels] + rng.randn(600, 6).astype(np.float32)

    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 6], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    training = tf.placeholder_with_default(False, [], name="training")
    logits = model(x, training)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train_op = tf.train.AdamOptimizer(0.01).minimize(loss)

    moving_mean = [v for v in tf.global_variables() if v.name.endswith("moving_mean:0")][0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        mean_before = sess.run(moving_mean).copy()
        first = sess.run(loss, {x: data, y: labels})
        for step in range(STEPS):
            idx = rng.randint(0, 600, size=64)
            sess.run(train_op, {x: data[idx], y: labels[idx], training: True})
        last, acc = sess.run([loss, accuracy], {x: data, y: labels})
        mean_after = sess.run(moving_mean)

    print("RESULT " + json.dumps({
        "loss_first": float(first),
        "loss_last": float(last),
        "accuracy": float(acc),
        "trainable": sorted(v.name for v in tf.trainable_variables()),
        "moving_mean_changed": bool(np.abs(mean_after - mean_before).max() > 1e-3),
        "update_ops": len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)),
    }))


if __name__ == "__main__":
    main()
