from npu_bridge.npu_init import *
import tensorflow as tf
from tensorflow import estimator as tf_estimator

est = tf_estimator.Estimator(model_fn=model_fn, config=npu_run_config_init(run_config=run_config))
est2 = tf.estimator.Estimator(model_fn, "./model", config=npu_run_config_init())
