import tensorflow as tf

opt = tf.train.experimental.MixedPrecisionLossScaleOptimizer(opt, loss_scale="dynamic")
opt2 = tf.train.experimental.MixedPrecisionLossScaleOptimizer(base, 1024)
opt3 = tf.train.experimental.MixedPrecisionLossScaleOptimizer(base, manager)
