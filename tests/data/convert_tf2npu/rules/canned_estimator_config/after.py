from npu_bridge.npu_init import *
import tensorflow as tf

clf = tf.estimator.DNNClassifier(hidden_units=[10, 10], feature_columns=columns, n_classes=3, config=npu_run_config_init())
reg = tf.estimator.LinearRegressor(columns, config=npu_run_config_init(run_config=run_config))
