import tensorflow as tf

eval_spec = tf.estimator.EvalSpec(input_fn=eval_input_fn, hooks=[])
