from npu_bridge.npu_init import *
import tensorflow as tf

opt = tf.train.AdamOptimizer(0.001)
opt = npu_distributed_optimizer_wrapper(opt)
