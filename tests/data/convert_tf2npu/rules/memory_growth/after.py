from npu_bridge.npu_init import *
import tensorflow as tf

gpus = tf.config.experimental.list_physical_devices("GPU")
for gpu in gpus:
    pass

# grow memory as needed
pass
x = 1
