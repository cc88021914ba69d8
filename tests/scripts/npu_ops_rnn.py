"""A migrated-style TF 1.15 script using the NPU op wrappers: DynamicRNN, npu_ops.dropout, npu_unary_ops.gelu,
and Keras dropout through npu_convert_dropout.  Sequence regression trained with Sess.run."""
import json

import numpy as np
import tensorflow.compat.v1 as tf
from npu_bridge.npu_init import *
from npu_bridge.estimator.npu import npu_convert_dropout  # noqa: F401  (inserted by the migration tool)
from npu_bridge.estimator.npu.npu_dynamic_rnn import DynamicRNN

STEPS, T, B, I, H = 80, 8, 32, 4, 16


def gelu(x):
    return npu_unary_ops.gelu(x)


def main():
    rng = np.random.RandomState(0)
    x_val = rng.randn(T, B, I).astype("float32")
    y_val = np.tanh(x_val.sum(axis=(0, 2)) / 4)[:, None].astype("float32")
    lengths = rng.randint(3, T + 1, size=B).astype("int32")

    tf.set_random_seed(1)
    x = tf.placeholder(tf.float32, [T, B, I])
    y = tf.placeholder(tf.float32, [B, 1])
    seq = tf.placeholder(tf.int32, [B])
    outputs = DynamicRNN(H, tf.float32, forget_bias=1.0)(x, seq_length=seq)
    final_h = outputs[1][-1]
    hidden = gelu(tf.layers.dense(npu_ops.dropout(final_h, 0.9), 16))
    hidden = tf.keras.layers.Dropout(0.1)(hidden, training=True)
    pred = tf.layers.dense(hidden, 1)
    loss = tf.reduce_mean((pred - y) ** 2)
    train = tf.train.AdamOptimizer(0.01).minimize(loss)

    op_types = sorted({op.get_attr("_ascend_op_type").decode() for op in tf.get_default_graph().get_operations()
                       if "_ascend_op_type" in op.node_def.attr})
    feed = {x: x_val, y: y_val, seq: lengths}
    with tf.Session(config=npu_config_proto()) as sess:
        sess.run(tf.global_variables_initializer())
        first = float(sess.run(loss, feed))
        for _ in range(STEPS):
            sess.run(train, feed)
        last = float(sess.run(loss, feed))
    print("RESULT " + json.dumps({"loss_first": first, "loss_last": last, "op_types": op_types}))


if __name__ == "__main__":
    main()
