"""TF 1.15 input queues: FIFOQueue + QueueRunner + Coordinator, slice_input_producer + batch, CSV via TextLineReader."""
import json
import os

import numpy as np
import tensorflow as tf
from npu_bridge.npu_init import *


def main():
    csv = os.path.join(os.getcwd(), "rows.csv")
    with open(csv, "w") as f:
        for i in range(12):
            f.write(f"{i},{i * 0.5},{'even' if i % 2 == 0 else 'odd'}\n")

    queue = tf.FIFOQueue(capacity=8, dtypes=[tf.float32], shapes=[[]])
    enqueue = queue.enqueue_many([tf.constant([1.0, 2.0, 3.0])])
    tf.train.add_queue_runner(tf.train.QueueRunner(queue, [enqueue]))
    dequeued = queue.dequeue_many(4)

    images = np.arange(20, dtype=np.float32).reshape(10, 2)
    labels = np.arange(10, dtype=np.int32)
    image, label = tf.train.slice_input_producer([images, labels], num_epochs=1, shuffle=False)
    image_batch, label_batch = tf.train.batch([image, label], batch_size=5, allow_smaller_final_batch=True)

    filenames = tf.train.string_input_producer([csv], num_epochs=1, shuffle=False)
    _, line = tf.TextLineReader().read(filenames)
    idx, half, parity = tf.decode_csv(line, record_defaults=[[0], [0.0], [""]])

    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=sess, coord=coord)
        fifo = [sess.run(dequeued).tolist() for _ in range(2)]
        label_batches = []
        try:
            while True:
                label_batches.append(sess.run(label_batch).tolist())
        except tf.errors.OutOfRangeError:
            pass
        rows = []
        try:
            while True:
                rows.append([int(v) if i == 0 else (float(v) if i == 1 else v.decode()) for i, v in
                             enumerate(sess.run([idx, half, parity]))])
        except tf.errors.OutOfRangeError:
            pass
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=5)
    print("RESULT " + json.dumps({
        "fifo": fifo, "label_batches": label_batches, "rows": rows, "threads": len(threads),
    }))


if __name__ == "__main__":
    main()
