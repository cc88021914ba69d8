"""The TF 1.x "MNIST for beginners" script: input_data.read_data_sets + softmax regression + Sess.run.

Expects the four MNIST .gz files in ./MNIST_data (the test writes a synthetic set there first).
"""
import json

import tensorflow as tf
from npu_bridge.npu_init import *
from tensorflow.examples.tutorials.mnist import input_data


def main():
    mnist = input_data.read_data_sets("MNIST_data/", one_hot=True, validation_size=500, seed=7)
    x = tf.placeholder(tf.float32, [None, 784])
    W = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    y = tf.matmul(x, W) + b
    y_ = tf.placeholder(tf.float32, [None, 10])
    cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=y))
    train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
    correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    sess = tf.InteractiveSession()
    tf.global_variables_initializer().run()
    for _ in range(200):
        batch_xs, batch_ys = mnist.train.next_batch(100)
        sess.run(train_step, feed_dict={x: batch_xs, y_: batch_ys})
    test_acc = sess.run(accuracy, feed_dict={x: mnist.test.images, y_: mnist.test.labels})
    val_acc = accuracy.eval(feed_dict={x: mnist.validation.images, y_: mnist.validation.labels})
    sess.close()
    print("RESULT " + json.dumps({
        "test_accuracy": float(test_acc), "validation_accuracy": float(val_acc),
        "train_examples": mnist.train.num_examples, "validation_examples": mnist.validation.num_examples,
        "test_examples": mnist.test.num_examples, "epochs_completed": mnist.train.epochs_completed,
        "image_shape": list(mnist.train.images.shape[1:]), "label_shape": list(mnist.train.labels.shape[1:]),
        "pixel_max": float(mnist.train.images.max()),
    }))


if __name__ == "__main__":
    main()
