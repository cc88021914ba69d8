from npu_bridge.npu_init import *
import tensorflow as tf

eval_spec = tf.estimator.EvalSpec(input_fn=eval_input_fn, hooks=npu_hooks_append(hooks_list=[]))
