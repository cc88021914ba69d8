"""Sess.run training as written for GPUs: a tf.data pipeline, dropout by rate, a GELU helper, a GPU device scope
and a session config with memory growth. After migration it must train on the emulated NPU."""
from npu_bridge.npu_init import *
import json

import numpy as np
import tensorflow as tf

BASE_RATE, EXTRA_RATE = 0.1, 0.05


def gelu(x):
    """GELU, tanh approximation."""
    return npu_unary_ops.gelu(x)


def make_dataset(n=512, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, 8).astype("float32")
    w = rng.randn(8, 1).astype("float32")
    y = (np.tanh(x @ w) + 0.05 * rng.randn(n, 1)).astype("float32")
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(n, seed=seed).repeat()
    ds = ds.batch(30, drop_remainder=True)  # 512 is not a multiple of 30: the last batch would be short
    return ds


def main():
    features, labels = tf.compat.v1.data.make_one_shot_iterator(make_dataset()).get_next()
    with tf.device('/cpu:0'):
        hidden = gelu(tf.layers.dense(features, 32))
        hidden = npu_ops.dropout(hidden, keep_prob=1 - (BASE_RATE + EXTRA_RATE))
        pred = tf.layers.dense(hidden, 1)
        loss = tf.losses.mean_squared_error(labels, pred)
        train_op = tf.train.AdamOptimizer(0.01).minimize(loss)

    config = tf.ConfigProto(allow_soft_placement=True)
    config.gpu_options.allow_growth = True
    losses = []
    with tf.Session(config=npu_config_proto(config_proto=config)) as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(150):
            _, value = sess.run([train_op, loss])
            losses.append(float(value))
    npu_ops_built = sorted({op.node_def.attr["_ascend_op_type"].s.decode()
                            for op in tf.get_default_graph().get_operations() if "_ascend_op_type" in op.node_def.attr})
    print("RESULT " + json.dumps({
        "loss_first": float(np.mean(losses[:10])), "loss_last": float(np.mean(losses[-10:])),
        "batch_dim": features.shape.as_list()[0],
        "npu_optimizer": [c.name for c in config.graph_options.rewrite_options.custom_optimizers],
        "npu_ops_built": npu_ops_built,
    }))


if __name__ == "__main__":
    main()
