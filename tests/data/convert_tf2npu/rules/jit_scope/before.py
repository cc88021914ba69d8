import tensorflow as tf

with tf.xla.experimental.jit_scope():
    y = tf.matmul(a, b)
with tf.contrib.compiler.jit.experimental_jit_scope(compile_ops=True):
    z = tf.matmul(a, b)
