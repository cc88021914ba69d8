import tensorflow as tf

tf.config.set_soft_device_placement(False)
