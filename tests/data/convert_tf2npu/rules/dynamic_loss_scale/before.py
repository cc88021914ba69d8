import tensorflow as tf

scale = tf.train.experimental.DynamicLossScale(initial_loss_scale=2**16, increment_period=1000)
