"""TF 1.15 dropout semantics: tf.nn.dropout's second argument is keep_prob (TF 2: rate).

Measures the kept fraction and the scale of kept values for keep_prob 0.9 given positionally, as
``keep_prob=``, as a placeholder (fed 1.0 at evaluation: identity), and ``rate=0.9`` by keyword; and
compares with npu_ops.dropout (the NPU op scripts swap in).
"""
import json

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *

N = 20000


def kept(values):
    nonzero = values[values != 0]
    return float(nonzero.size) / values.size, float(nonzero.mean()) if nonzero.size else 0.0


def main():
    x = tf.ones([N])
    keep = tf.placeholder(tf.float32, [])
    outputs = {
        "positional_0.9": tf.nn.dropout(x, 0.9, seed=1),
        "keep_prob_kw_0.9": tf.nn.dropout(x, keep_prob=0.9, seed=2),
        "rate_kw_0.9": tf.nn.dropout(x, rate=0.9, seed=3),
        "npu_ops_0.9": npu_ops.dropout(x, 0.9, seed=4),
        "layers_rate_0.9": tf.layers.dropout(x, rate=0.9, training=True, seed=5),
    }
    fed = tf.nn.dropout(x, keep, seed=6)
    with tf.Session() as sess:
        results = {name: kept(sess.run(t)) for name, t in outputs.items()}
        results["placeholder_0.5"] = kept(sess.run(fed, {keep: 0.5}))
        results["placeholder_1.0_identity"] = bool((sess.run(fed, {keep: 1.0}) == 1.0).all())
    print("RESULT " + json.dumps(results))


if __name__ == "__main__":
    main()
