from npu_bridge.npu_init import *
import tensorflow as tf

with tf.xla.experimental.jit_scope(compile_ops=False):
    y = tf.matmul(a, b)
with tf.contrib.compiler.jit.experimental_jit_scope(compile_ops=False):
    z = tf.matmul(a, b)
