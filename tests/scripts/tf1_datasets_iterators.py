"""TF 1.15 tf.data: one-shot, initializable, reinitializable and feedable iterators; TFRecord round trip."""
import json
import os

import numpy as np
import tensorflow as tf
import npu_bridge  # noqa: F401


def drain(sess, tensor, feed=None):
    out = []
    while True:
        try:
            out.append(sess.run(tensor, feed))
        except tf.errors.OutOfRangeError:
            return out


def write_records(path, n):
    with tf.python_io.TFRecordWriter(path) as writer:
        for i in range(n):
            example = tf.train.Example(features=tf.train.Features(feature={
                "id": tf.train.Feature(int64_list=tf.train.Int64List(value=[i])),
                "vec": tf.train.Feature(float_list=tf.train.FloatList(value=[i, 2.0 * i])),
            }))
            writer.write(example.SerializeToString())


def main():
    sess = tf.Session()
    one_shot = tf.data.Dataset.range(10).map(lambda v: v * 2).batch(4).make_one_shot_iterator().get_next()
    batches = [b.tolist() for b in drain(sess, one_shot)]

    limit = tf.placeholder(tf.int64, [])
    init_it = tf.data.Dataset.range(limit).filter(lambda v: tf.equal(v % 3, 0)).make_initializable_iterator()
    sess.run(init_it.initializer, {limit: 10})
    first_pass = [int(v) for v in drain(sess, init_it.get_next())]
    sess.run(init_it.initializer, {limit: 20})
    second_pass = [int(v) for v in drain(sess, init_it.get_next())]

    train_ds = tf.data.Dataset.from_tensor_slices(np.arange(6, dtype=np.float32)).shuffle(6, seed=3).batch(3)
    val_ds = tf.data.Dataset.from_tensor_slices(np.arange(100, 102, dtype=np.float32)).batch(3)
    reinit = tf.data.Iterator.from_structure(tf.data.get_output_types(train_ds), tf.data.get_output_shapes(train_ds))
    nxt = reinit.get_next()
    sess.run(reinit.make_initializer(train_ds))
    train_values = sorted(float(v) for b in drain(sess, nxt) for v in b)
    sess.run(reinit.make_initializer(val_ds))
    val_values = [float(v) for b in drain(sess, nxt) for v in b]

    handle = tf.placeholder(tf.string, [])
    feedable = tf.data.Iterator.from_string_handle(handle, tf.int64, tf.TensorShape([]))
    it_a = tf.data.Dataset.range(3).make_one_shot_iterator()
    it_b = tf.data.Dataset.range(50, 52).repeat().make_one_shot_iterator()
    h_a, h_b = sess.run([it_a.string_handle(), it_b.string_handle()])
    fed = [int(sess.run(feedable.get_next(), {handle: h})) for h in (h_a, h_b, h_a, h_b)]

    path = os.path.join(os.getcwd(), "data.tfrecord")
    write_records(path, 5)
    spec = {"id": tf.FixedLenFeature([], tf.int64), "vec": tf.FixedLenFeature([2], tf.float32)}
    records = tf.data.TFRecordDataset(path).map(lambda s: tf.parse_single_example(s, spec)).batch(2)
    parsed = drain(sess, records.make_one_shot_iterator().get_next())
    print("RESULT " + json.dumps({
        "batches": batches, "first_pass": first_pass, "second_pass": second_pass,
        "train_values": train_values, "val_values": val_values, "fed": fed,
        "record_ids": [int(i) for p in parsed for i in p["id"]],
        "record_vec_sum": float(sum(p["vec"].sum() for p in parsed)),
        "dataset_class": type(tf.data.Dataset.range(1)).__name__,
    }))


if __name__ == "__main__":
    main()
