import tensorflow as tf
from tensorflow import estimator as tf_estimator

est = tf_estimator.Estimator(model_fn=model_fn, config=run_config)
est2 = tf.estimator.Estimator(model_fn, "./model")
