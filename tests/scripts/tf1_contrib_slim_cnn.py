"""TF-Slim CNN in the TF 1.15 style: ``slim = tf.contrib.slim``, arg_scope, conv2d + batch_norm +
max_pool2d + flatten + dropout + fully_connected, l2 weight regularisation, ``slim.learning.create_train_op``.

Task: which quadrant of an 8x8 image is bright.  Checks that the loss falls, that the regularisation
losses equal scale * sum(w^2) / 2 per weight (TF 1.x's l2_regularizer), that the batch-norm moving
averages were updated through create_train_op, and slim's variable names.
"""
import json

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *

slim = tf.contrib.slim
WEIGHT_DECAY = 0.01


def make_images(rng, n):
    labels = rng.randint(0, 4, size=n)
    images = rng.rand(n, 8, 8, 1).astype(np.float32) * 0.3
    for i, label in enumerate(labels):
        r, c = divmod(label, 2)
        images[i, r * 4:(r + 1) * 4, c * 4:(c + 1) * 4, 0] += 1.0
    return images, labels


def network(images, is_training):
    with slim.arg_scope([slim.conv2d, slim.fully_connected],
                        weights_regularizer=slim.l2_regularizer(WEIGHT_DECAY),
                        weights_initializer=slim.xavier_initializer()):
        with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm,
                            normalizer_params={"is_training": is_training, "decay": 0.9}):
            net = slim.conv2d(images, 8, [3, 3], scope="conv1")
            net = slim.max_pool2d(net, [2, 2], scope="pool1")
            net = slim.conv2d(net, 8, [3, 3], scope="conv2")
        net = slim.flatten(net)
        net = slim.dropout(net, keep_prob=0.9, is_training=is_training)
        return slim.fully_connected(net, 4, activation_fn=None, scope="logits")


def main():
    rng = np.random.RandomState(0)
    images, labels = make_images(rng, 256)
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 8, 8, 1])
    y = tf.placeholder(tf.int64, [None])
    is_training = tf.placeholder_with_default(True, [])
    logits = network(x, is_training)
    data_loss = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
    total_loss = tf.losses.get_total_loss()
    train_op = slim.learning.create_train_op(total_loss, tf.train.AdamOptimizer(0.01))
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))
    weights = [v for v in tf.trainable_variables() if v.op.name.endswith("/weights")]
    moving_mean = [v for v in tf.global_variables() if v.op.name == "conv1/BatchNorm/moving_mean"][0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(data_loss, {x: images, y: labels})
        for _ in range(60):
            idx = rng.randint(0, 256, size=32)
            sess.run(train_op, {x: images[idx], y: labels[idx]})
        last, acc = sess.run([data_loss, accuracy], {x: images, y: labels, is_training: False})
        reg_values = sess.run(tf.losses.get_regularization_losses())
        weight_values = sess.run(weights)
        mean = sess.run(moving_mean)
    expected_reg = sorted(WEIGHT_DECAY * float(np.sum(w.astype(np.float64) ** 2)) / 2 for w in weight_values)
    print("RESULT " + json.dumps({
        "loss_first": float(first), "loss_last": float(last), "accuracy": float(acc),
        "regularization": sorted(float(v) for v in reg_values), "expected_regularization": expected_reg,
        "moving_mean_abs": float(np.abs(mean).sum()),
        "trainable": sorted(v.op.name for v in tf.trainable_variables()),
    }))


if __name__ == "__main__":
    main()
