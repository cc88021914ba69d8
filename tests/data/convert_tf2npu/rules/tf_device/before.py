import tensorflow as tf

with tf.device('/gpu:0'):
    a = tf.ones([2])
with tf.device("/cpu:0"):
    b = tf.ones([2])
with tf.device(None):
    c = tf.ones([2])
