import tensorflow as tf

opts = tf.OptimizerOptions(do_common_subexpression_elimination=True)
