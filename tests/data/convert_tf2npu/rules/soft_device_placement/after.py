from npu_bridge.npu_init import *
import tensorflow as tf

tf.config.set_soft_device_placement(True)
