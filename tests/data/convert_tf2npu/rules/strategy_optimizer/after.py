from npu_bridge.npu_init import *
import tensorflow as tf

opt = npu_distributed_optimizer_wrapper(tf.train.MomentumOptimizer(0.1, 0.9))
