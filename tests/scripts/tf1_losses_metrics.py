"""TF 1.15 tf.losses and tf.metrics: collected losses, weights, reductions, streaming metrics with
local variables and their update ops, reset by re-initialising local variables."""
import json

import numpy as np
import tensorflow as tf
import npu_bridge  # noqa: F401


def main():
    labels = tf.constant([0, 1, 2, 1])
    logits = tf.constant([[2.0, 0.1, 0.1], [0.1, 2.0, 0.1], [2.0, 0.1, 0.1], [0.1, 0.1, 2.0]])
    ce = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    ce_weighted = tf.losses.sparse_softmax_cross_entropy(labels, logits, weights=[1.0, 1.0, 0.0, 0.0])
    mse_sum = tf.losses.mean_squared_error([[1.0], [2.0]], [[1.5], [3.0]], reduction=tf.losses.Reduction.SUM)
    w = tf.get_variable("w", [2], initializer=tf.constant_initializer([3.0, 4.0]))
    tf.losses.add_loss(tf.nn.l2_loss(w), loss_collection=tf.GraphKeys.REGULARIZATION_LOSSES)
    total = tf.losses.get_total_loss()

    preds = tf.placeholder(tf.int64, [None])
    truth = tf.placeholder(tf.int64, [None])
    acc, acc_update = tf.metrics.accuracy(truth, preds)
    mean, mean_update = tf.metrics.mean(tf.cast(preds, tf.float32))
    prec, prec_update = tf.metrics.precision(tf.cast(truth, tf.bool), tf.cast(preds, tf.bool))
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        for p, t in (([1, 0, 1, 1], [1, 0, 0, 1]), ([0, 0], [0, 1])):
            sess.run([acc_update, mean_update, prec_update], {preds: p, truth: t})
        streamed = sess.run([acc, mean, prec])
        sess.run(tf.local_variables_initializer())
        after_reset = sess.run(acc)
        values = sess.run({"ce": ce, "ce_weighted": ce_weighted, "mse_sum": mse_sum, "total": total})
    expected_ce = float(np.mean([
        -np.log(np.exp(row[label]) / np.exp(row).sum())
        for row, label in zip([[2.0, 0.1, 0.1], [0.1, 2.0, 0.1], [2.0, 0.1, 0.1], [0.1, 0.1, 2.0]], [0, 1, 2, 1])]))
    print("RESULT " + json.dumps({
        **{k: float(v) for k, v in values.items()}, "expected_ce": expected_ce,
        "losses_collected": len(tf.losses.get_losses()), "accuracy": float(streamed[0]),
        "mean": float(streamed[1]), "precision": float(streamed[2]), "accuracy_after_reset": float(after_reset),
        "local_variables": len(tf.local_variables()),
    }))


if __name__ == "__main__":
    main()
