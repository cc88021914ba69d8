from npu_bridge.npu_init import *
import tensorflow as tf

config = tf.ConfigProto(allow_soft_placement=True)
sess = tf.Session(config=npu_config_proto(config_proto=config))  # main session
other = tf.compat.v1.Session(config=npu_config_proto())
third = tf.InteractiveSession("", None, npu_config_proto(config_proto=config))
