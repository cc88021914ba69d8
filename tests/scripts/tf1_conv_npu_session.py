"""TF 1.15 convnet with the migration tool's session set-up: star import, npu_config_proto, NPUDistributedOptimizer.

``import tensorflow as tf`` then ``from npu_bridge.npu_init import *`` (which rebinds ``tf`` to the v1
API), then -- as many migrated files do -- ``import tensorflow as tf`` again *after* the star import:
the plain module must still mean TF 1.15.  Trains tf.layers.conv2d / max_pooling2d / flatten and a
raw tf.nn.conv2d on synthetic 8x8 images (bright quadrant -> class).
"""
import json

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *
import tensorflow as tf  # noqa: F811  (rebinding after the star import, as migrated files do)

STEPS = 80


def make_data(n, rng):
    labels = rng.randint(0, 4, size=n)
    images = rng.rand(n, 8, 8, 1).astype(np.float32) * 0.3
    for i, lab in enumerate(labels):
        r, c = divmod(lab, 2)
        images[i, r * 4:(r + 1) * 4, c * 4:(c + 1) * 4, 0] += 1.0
    return images, labels


def main():
    rng = np.random.RandomState(1)
    images, labels = make_data(512, rng)
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 8, 8, 1])
    y = tf.placeholder(tf.int32, [None])
    h = tf.layers.conv2d(x, 8, 3, padding="same", activation=tf.nn.relu)
    h = tf.layers.max_pooling2d(h, 2, 2)
    w = tf.get_variable("raw_conv_w", [3, 3, 8, 8], initializer=tf.truncated_normal_initializer(stddev=0.1))
    h = tf.nn.relu(tf.nn.conv2d(h, w, strides=[1, 1, 1, 1], padding="SAME"))
    logits = tf.layers.dense(tf.layers.flatten(h), 4)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1, output_type=tf.int32), y), tf.float32))
    opt = NPUDistributedOptimizer(tf.train.MomentumOptimizer(0.05, 0.9))
    train_op = opt.minimize(loss, global_step=tf.train.get_or_create_global_step())

    config = tf.ConfigProto(allow_soft_placement=True)
    custom_op = config.graph_options.rewrite_options.custom_optimizers.add()
    custom_op.name = "NpuOptimizer"
    custom_op.parameter_map["use_off_line"].b = True
    config.graph_options.rewrite_options.remapping = RewriterConfig.OFF
    sess = tf.Session(config=npu_config_proto(config_proto=config))
    sess.run(tf.global_variables_initializer())
    first = sess.run(loss, {x: images, y: labels})
    for step in range(STEPS):
        idx = rng.randint(0, 512, size=64)
        sess.run(train_op, {x: images[idx], y: labels[idx]})
    last, acc, gs = sess.run([loss, accuracy, tf.train.get_global_step()], {x: images, y: labels})
    names = [c.name for c in sess._config.graph_options.rewrite_options.custom_optimizers]
    close_session(sess)
    print("RESULT " + json.dumps({
        "loss_first": float(first), "loss_last": float(last), "accuracy": float(acc), "global_step": int(gs),
        "custom_optimizers": names,
        "variables": sorted(v.name for v in tf.trainable_variables()),
    }))


if __name__ == "__main__":
    main()
