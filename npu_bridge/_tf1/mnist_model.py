"""``tensorflow.examples.tutorials.mnist.mnist`` (TF 1.15): the tutorial's two-hidden-layer model.

``inference`` builds ``hidden1`` / ``hidden2`` (ReLU) and ``softmax_linear`` name scopes, each with
``weights`` (truncated normal, stddev ``1/sqrt(fan_in)``) and ``biases`` (zeros); ``loss`` is the mean
sparse softmax cross-entropy; ``training`` adds a ``loss`` summary, a ``global_step`` variable and a
gradient-descent step; ``evaluation`` counts the examples whose top-1 prediction is right.
"""
import math

import tensorflow.compat.v1 as tf

NUM_CLASSES = 10
IMAGE_SIZE = 28
IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE


def _fully_connected(inputs, fan_in, units, scope, activation=None):
    with tf.name_scope(scope):
        weights = tf.Variable(tf.truncated_normal([fan_in, units], stddev=1.0 / math.sqrt(float(fan_in))),
                              name="weights")
        biases = tf.Variable(tf.zeros([units]), name="biases")
        out = tf.matmul(inputs, weights) + biases
        return activation(out) if activation is not None else out


def inference(images, hidden1_units, hidden2_units):
    """Logits ``[batch, NUM_CLASSES]`` for float images ``[batch, IMAGE_PIXELS]``."""
    hidden1 = _fully_connected(images, IMAGE_PIXELS, hidden1_units, "hidden1", tf.nn.relu)
    hidden2 = _fully_connected(hidden1, hidden1_units, hidden2_units, "hidden2", tf.nn.relu)
    return _fully_connected(hidden2, hidden2_units, NUM_CLASSES, "softmax_linear")


def loss(logits, labels):
    """Mean cross-entropy of ``logits`` against integer ``labels``."""
    return tf.losses.sparse_softmax_cross_entropy(labels=tf.cast(labels, tf.int64), logits=logits)


def training(loss, learning_rate):
    """A gradient-descent train op that also increments a new ``global_step`` variable."""
    tf.summary.scalar("loss", loss)
    optimizer = tf.train.GradientDescentOptimizer(learning_rate)
    global_step = tf.Variable(0, name="global_step", trainable=False)
    return optimizer.minimize(loss, global_step=global_step)


def evaluation(logits, labels):
    """Number of examples (int32 scalar) whose label is the top-1 logit."""
    correct = tf.nn.in_top_k(logits, labels, 1)
    return tf.reduce_sum(tf.cast(correct, tf.int32))
