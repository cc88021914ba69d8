from npu_bridge.npu_init import *
import tensorflow as tf

train_spec = tf.estimator.TrainSpec(input_fn=train_input_fn, max_steps=1000, hooks=npu_hooks_append())
