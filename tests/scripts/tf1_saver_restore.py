"""TF 1.15 checkpoints: Saver save/restore in a fresh graph, latest_checkpoint, max_to_keep,
import_meta_graph, NewCheckpointReader and init_from_checkpoint into differently named variables."""
import json
import os

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *


def build():
    with tf.variable_scope("model"):
        w = tf.get_variable("w", [3, 2], initializer=tf.random_normal_initializer(seed=1))
        b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.add(tf.matmul(x, w), b, name="y")
    return w, b, x, y


def main():
    ckpt_dir = os.path.join(os.getcwd(), "ckpt")
    prefix = os.path.join(ckpt_dir, "model.ckpt")
    probe = np.ones((1, 3), np.float32)
    with tf.Graph().as_default():
        w, b, x, y = build()
        gs = tf.train.get_or_create_global_step()
        bump = tf.group(tf.assign_add(b, [1.0, -1.0]), tf.assign_add(gs, 1))
        saver = tf.train.Saver(max_to_keep=2)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(bump)
                saver.save(sess, prefix, global_step=gs)
            saved_w, saved_b, saved_y = sess.run([w, b, y], {x: probe})

    latest = tf.train.latest_checkpoint(ckpt_dir)
    kept = sorted(os.path.basename(p) for p in tf.train.get_checkpoint_state(ckpt_dir).all_model_checkpoint_paths)

    with tf.Graph().as_default():
        w, b, x, y = build()
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, latest)
            restored_w, restored_b = sess.run([w, b])

    with tf.Graph().as_default():
        with tf.Session() as sess:
            meta_saver = tf.train.import_meta_graph(latest + ".meta")
            meta_saver.restore(sess, latest)
            meta_y = sess.run("y:0", {"x:0": probe})

    reader = tf.train.NewCheckpointReader(latest)
    shapes = reader.get_variable_to_shape_map()

    with tf.Graph().as_default():
        other = tf.get_variable("renamed_b", [2], initializer=tf.zeros_initializer())
        tf.train.init_from_checkpoint(latest, {"model/b": "renamed_b"})
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            warm = sess.run(other)

    print("RESULT " + json.dumps({
        "latest": os.path.basename(latest), "kept": kept,
        "w_equal": bool(np.array_equal(saved_w, restored_w)), "b_restored": restored_b.tolist(),
        "b_saved": saved_b.tolist(), "meta_y": meta_y.tolist(), "saved_y": saved_y.tolist(),
        "reader_global_step": int(reader.get_tensor("global_step")),
        "reader_shapes": {k: v for k, v in sorted(shapes.items())}, "warm_start": warm.tolist(),
    }))


if __name__ == "__main__":
    main()
