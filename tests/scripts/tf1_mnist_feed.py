"""The TF 1.x "fully_connected_feed" tutorial: tensorflow.examples.tutorials.mnist's input_data + mnist model,
tf.app.flags, placeholders fed per step, summaries, a Saver checkpoint and do_eval-style counting."""
import json
import os

import tensorflow as tf
import npu_bridge  # noqa: F401
from tensorflow.examples.tutorials.mnist import input_data, mnist

FLAGS = tf.app.flags.FLAGS
tf.app.flags.DEFINE_float("learning_rate", 0.1, "Initial learning rate.")
tf.app.flags.DEFINE_integer("max_steps", 300, "Number of steps to run trainer.")
tf.app.flags.DEFINE_integer("batch_size", 50, "Batch size.")
tf.app.flags.DEFINE_integer("seed", 0, "Graph-level random seed.")
tf.app.flags.DEFINE_string("input_data_dir", "MNIST_data", "Directory with the input data.")
tf.app.flags.DEFINE_string("train_dir", "logs", "Directory for checkpoints and summaries.")


def do_eval(sess, eval_correct, images_pl, labels_pl, data_set):
    true_count = 0
    steps = data_set.num_examples // FLAGS.batch_size
    for _ in range(steps):
        images, labels = data_set.next_batch(FLAGS.batch_size)
        true_count += sess.run(eval_correct, {images_pl: images, labels_pl: labels})
    return true_count / float(steps * FLAGS.batch_size)


def main(_):
    data_sets = input_data.read_data_sets(FLAGS.input_data_dir)
    with tf.Graph().as_default():
        tf.set_random_seed(FLAGS.seed)
        images_pl = tf.placeholder(tf.float32, [None, mnist.IMAGE_PIXELS])
        labels_pl = tf.placeholder(tf.int32, [None])
        logits = mnist.inference(images_pl, 64, 32)
        loss = mnist.loss(logits, labels_pl)
        train_op = mnist.training(loss, FLAGS.learning_rate)
        eval_correct = mnist.evaluation(logits, labels_pl)
        summary = tf.summary.merge_all()
        saver = tf.train.Saver()
        sess = tf.Session()
        writer = tf.summary.FileWriter(FLAGS.train_dir, sess.graph)
        sess.run(tf.global_variables_initializer())
        losses = []
        for step in range(FLAGS.max_steps):
            images, labels = data_sets.train.next_batch(FLAGS.batch_size)
            _, loss_value = sess.run([train_op, loss], {images_pl: images, labels_pl: labels})
            losses.append(float(loss_value))
            if step % 100 == 0:
                writer.add_summary(sess.run(summary, {images_pl: images, labels_pl: labels}), step)
        checkpoint = saver.save(sess, os.path.join(FLAGS.train_dir, "model.ckpt"), global_step=step + 1)
        precision = do_eval(sess, eval_correct, images_pl, labels_pl, data_sets.test)
        global_step = sess.run(tf.train.get_global_step())
        variables = sorted(v.name for v in tf.trainable_variables())
    print("RESULT " + json.dumps({
        "first_loss": sum(losses[:10]) / 10, "last_loss": sum(losses[-10:]) / 10, "test_precision": precision,
        "global_step": int(global_step), "checkpoint": os.path.basename(checkpoint), "variables": variables,
        "train_examples": data_sets.train.num_examples,
    }))


if __name__ == "__main__":
    tf.app.run(main=main)
