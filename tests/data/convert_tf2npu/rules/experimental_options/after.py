from npu_bridge.npu_init import *
import tensorflow as tf

tf.config.optimizer.set_experimental_options(experimental_options)
