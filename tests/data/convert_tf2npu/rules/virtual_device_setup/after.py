from npu_bridge.npu_init import *
import tensorflow as tf

gpus = tf.config.experimental.list_physical_devices("GPU")
print(len(gpus))
