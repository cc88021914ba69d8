"""TF 1.15 summaries: scalar / histogram / image / text merged with merge_all, written by FileWriter,
read back with tf.train.summary_iterator."""
import glob
import json
import os

import numpy as np
import tensorflow as tf
import npu_bridge  # noqa: F401

STEPS = 5


def main():
    logdir = os.path.join(os.getcwd(), "logs")
    x = tf.placeholder(tf.float32, [None])
    mean = tf.reduce_mean(x)
    tf.summary.scalar("batch_mean", mean)
    tf.summary.histogram("values", x)
    tf.summary.image("picture", tf.reshape(tf.tile(x[:4], [4]), [1, 4, 4, 1]))
    with tf.name_scope("extra"):
        tf.summary.scalar("doubled", 2.0 * mean)
    tf.summary.text("note", tf.constant("hello"))
    merged = tf.summary.merge_all()
    writer = tf.summary.FileWriter(logdir, graph=tf.get_default_graph())
    with tf.Session() as sess:
        for step in range(STEPS):
            writer.add_summary(sess.run(merged, {x: np.full(8, step, np.float32)}), global_step=step)
        writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="manual", simple_value=42.0)]), STEPS)
    writer.close()

    tags, scalars, has_graph = {}, {}, False
    for path in glob.glob(os.path.join(logdir, "events.out.tfevents.*")):
        for event in tf.train.summary_iterator(path):
            has_graph = has_graph or event.HasField("graph_def")
            for value in event.summary.value:
                tags[value.tag] = tags.get(value.tag, 0) + 1
                if value.HasField("simple_value"):
                    scalars.setdefault(value.tag, []).append([int(event.step), value.simple_value])
    print("RESULT " + json.dumps({
        "tags": tags, "scalars": scalars, "has_graph": has_graph,
        "collection_size": len(tf.get_collection(tf.GraphKeys.SUMMARIES)),
    }))


if __name__ == "__main__":
    main()
