import tensorflow as tf

scale = tf.train.experimental.FixedLossScale(loss_scale_value=128)
