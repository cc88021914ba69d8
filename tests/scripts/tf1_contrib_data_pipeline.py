"""Input pipelines written with ``tf.contrib.data`` (TF 1.12–1.15 style): TFRecord shards read with
``parallel_interleave``, parsed and batched with ``map_and_batch``, ``shuffle_and_repeat``,
``batch_and_drop_remainder``, ``sliding_window_batch`` and ``assert_element_shape``, consumed through
one-shot and initializable iterators.

Checks that every record is read exactly once per epoch, the batch shapes, and the windows.
"""
import json
import os

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *

SHARDS, PER_SHARD, BATCH = 3, 8, 4


def write_shards(directory):
    paths = []
    for shard in range(SHARDS):
        path = os.path.join(directory, f"data-{shard}.tfrecord")
        with tf.python_io.TFRecordWriter(path) as writer:
            for i in range(PER_SHARD):
                value = shard * PER_SHARD + i
                example = tf.train.Example(features=tf.train.Features(feature={
                    "id": tf.train.Feature(int64_list=tf.train.Int64List(value=[value])),
                    "x": tf.train.Feature(float_list=tf.train.FloatList(value=[value, value * 2.0]))}))
                writer.write(example.SerializeToString())
        paths.append(path)
    return paths


def parse(record):
    features = tf.parse_single_example(record, {"id": tf.FixedLenFeature([], tf.int64),
                                                "x": tf.FixedLenFeature([2], tf.float32)})
    return features["x"], features["id"]


def drain(sess, tensors):
    out = []
    while True:
        try:
            out.append(sess.run(tensors))
        except tf.errors.OutOfRangeError:
            return out


def main():
    tf.gfile.MakeDirs("records")
    paths = write_shards("records")
    files = tf.data.Dataset.from_tensor_slices(paths)
    records = files.apply(tf.contrib.data.parallel_interleave(tf.data.TFRecordDataset, cycle_length=2, sloppy=True))
    batched = records.apply(tf.contrib.data.map_and_batch(parse, BATCH, drop_remainder=True))
    batched = batched.apply(tf.contrib.data.assert_element_shape((tf.TensorShape([BATCH, 2]), tf.TensorShape([BATCH]))))
    epoch = tf.data.make_one_shot_iterator(batched).get_next()

    ids = tf.data.Dataset.range(SHARDS * PER_SHARD)
    shuffled = ids.apply(tf.contrib.data.shuffle_and_repeat(buffer_size=8, count=2, seed=1))
    shuffled = shuffled.apply(tf.contrib.data.batch_and_drop_remainder(7))
    iterator = shuffled.make_initializable_iterator()
    windows = tf.data.Dataset.range(6).apply(tf.contrib.data.sliding_window_batch(window_size=3, window_shift=2))
    with tf.Session() as sess:
        batches = drain(sess, epoch)
        sess.run(iterator.initializer)
        shuffled_batches = drain(sess, iterator.get_next())
        window_values = drain(sess, tf.data.make_one_shot_iterator(windows).get_next())
    seen = sorted(int(i) for _, batch_ids in batches for i in batch_ids)
    doubled_ok = all(np.allclose(x[:, 1], 2 * x[:, 0]) for x, _ in batches)
    repeated = sorted(int(i) for b in shuffled_batches for i in b)
    print("RESULT " + json.dumps({
        "records_seen": seen, "batches": len(batches), "batch_shape": list(batches[0][0].shape),
        "features_match_ids": bool(doubled_ok), "shuffled_batches": len(shuffled_batches),
        "shuffled_counts": np.bincount(repeated, minlength=SHARDS * PER_SHARD).tolist(),
        "windows": [w.tolist() for w in window_values],
    }))


if __name__ == "__main__":
    main()
