from npu_bridge.npu_init import *
import tensorflow as tf

optimizer = tf.contrib.tpu.CrossShardOptimizer(optimizer)
