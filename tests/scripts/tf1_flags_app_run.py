"""TF 1.15 flags: tf.app.flags / tf.flags definitions, tf.app.run(main) parsing sys.argv.

Run with ``--steps=7 --learning_rate=0.25 --model_name=tiny --use_fp16 --layers=3,5 extra_arg``.
main() trains ``steps`` gradient steps on y = 3x and reports the parsed flags and the leftover argv.
"""
import json

import numpy as np
import tensorflow as tf
import npu_bridge  # noqa: F401

flags = tf.app.flags
FLAGS = flags.FLAGS
flags.DEFINE_integer("steps", 1, "training steps")
flags.DEFINE_float("learning_rate", 0.1, "learning rate")
flags.DEFINE_string("model_name", "default", "model name")
flags.DEFINE_boolean("use_fp16", False, "half precision")
tf.flags.DEFINE_list("layers", [], "layer widths")
tf.flags.DEFINE_enum("mode", "train", ["train", "eval"], "what to do")


def main(argv):
    x = tf.placeholder(tf.float32, [None])
    w = tf.Variable(0.0)
    loss = tf.reduce_mean(tf.square(w * x - 3.0 * x))
    train_op = tf.train.GradientDescentOptimizer(FLAGS.learning_rate).minimize(loss)
    data = np.linspace(-1, 1, 16).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(FLAGS.steps):
            sess.run(train_op, {x: data})
        w_value = sess.run(w)
    print("RESULT " + json.dumps({
        "steps": FLAGS.steps, "learning_rate": FLAGS.learning_rate, "model_name": FLAGS.model_name,
        "use_fp16": FLAGS.use_fp16, "layers": FLAGS.layers, "mode": FLAGS.mode,
        "argv_rest": argv[1:], "w": float(w_value),
        "same_flags_object": tf.flags.FLAGS is tf.app.flags.FLAGS,
    }))


if __name__ == "__main__":
    tf.app.run()
