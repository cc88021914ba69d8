"""Evaluation loop with ``tf.contrib.metrics`` streaming metrics and ``aggregate_metric_map``
(accuracy, precision, recall, AUC, mean, RMSE), losses from ``tf.contrib.losses``.

Feeds a fixed set of predictions in batches; checks that the streamed values equal the numpy values
over the whole set, and that re-initialising the local variables resets them.
"""
import json

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *

N, BATCH = 200, 25


def main():
    rng = np.random.RandomState(9)
    labels = rng.randint(0, 2, size=N)
    scores = (labels * 0.3 + rng.rand(N) * 0.6 + 0.05).astype(np.float32)  # overlapping classes
    preds = (scores > 0.5).astype(np.int64)
    y = tf.placeholder(tf.int64, [None])
    p = tf.placeholder(tf.float32, [None])
    hard = tf.cast(p > 0.5, tf.int64)
    values, updates = tf.contrib.metrics.aggregate_metric_map({
        "accuracy": tf.contrib.metrics.streaming_accuracy(hard, y),
        "precision": tf.contrib.metrics.streaming_precision(hard, y),
        "recall": tf.contrib.metrics.streaming_recall(hard, y),
        "auc": tf.contrib.metrics.streaming_auc(p, y, num_thresholds=400),
        "mean_score": tf.contrib.metrics.streaming_mean(p),
        "rmse": tf.contrib.metrics.streaming_root_mean_squared_error(p, tf.cast(y, tf.float32)),
    })
    loss = tf.contrib.losses.log_loss(p, tf.cast(y, tf.float32))
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        for start in range(0, N, BATCH):
            sess.run(list(updates.values()), {y: labels[start:start + BATCH], p: scores[start:start + BATCH]})
        streamed = sess.run(values)
        sess.run(tf.local_variables_initializer())
        reset = sess.run(values["mean_score"])
        log_loss = sess.run(loss, {y: labels, p: scores})
    tp = int(((preds == 1) & (labels == 1)).sum())
    order = np.argsort(-scores)
    ranks = np.empty(N)
    ranks[order] = np.arange(N)
    pos, neg = labels == 1, labels == 0
    auc = float((ranks[neg][None, :] > ranks[pos][:, None]).mean())
    eps = 1e-7
    print("RESULT " + json.dumps({
        "streamed": {k: float(v) for k, v in streamed.items()},
        "expected": {"accuracy": float((preds == labels).mean()), "precision": tp / max(int(preds.sum()), 1),
                     "recall": tp / max(int(labels.sum()), 1), "auc": auc, "mean_score": float(scores.mean()),
                     "rmse": float(np.sqrt(np.mean((scores - labels) ** 2)))},
        "reset_mean": float(reset),
        "log_loss": float(log_loss),
        "expected_log_loss": float(-np.mean(labels * np.log(scores + eps) + (1 - labels) * np.log(1 - scores + eps))),
    }))


if __name__ == "__main__":
    main()
