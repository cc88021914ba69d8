import tensorflow as tf

estimator = tf.estimator.tpu.TPUEstimator(model_fn=model_fn, use_tpu=False, eval_on_tpu=False, export_to_tpu=False)
