import tensorflow as tf

opt = tf.train.MomentumOptimizer(0.1, 0.9)
