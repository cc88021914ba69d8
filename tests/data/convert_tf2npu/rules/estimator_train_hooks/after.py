from npu_bridge.npu_init import *
import tensorflow as tf

est = tf.estimator.Estimator(model_fn, config=npu_run_config_init())
est.train(input_fn=train_input_fn, max_steps=10, hooks=npu_hooks_append())
est.train(train_input_fn, npu_hooks_append(hooks_list=[logging_hook]))
