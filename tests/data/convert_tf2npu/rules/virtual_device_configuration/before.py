import tensorflow as tf

vdc = tf.config.experimental.VirtualDeviceConfiguration(memory_limit=1024)
