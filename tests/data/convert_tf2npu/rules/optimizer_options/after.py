from npu_bridge.npu_init import *
import tensorflow as tf

opts = npu_optimizer_options(optimizer_options=tf.OptimizerOptions(do_common_subexpression_elimination=True))
