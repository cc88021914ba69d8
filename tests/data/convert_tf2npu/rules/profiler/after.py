from npu_bridge.npu_init import *
import tensorflow as tf

opts = tf.profiler.ProfileOptionBuilder.time_and_memory()
