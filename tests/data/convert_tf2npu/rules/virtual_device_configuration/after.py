from npu_bridge.npu_init import *
import tensorflow as tf

vdc = tf.config.experimental.VirtualDeviceConfiguration(memory_limit=None)
