import tensorflow as tf

clf = tf.estimator.DNNClassifier(hidden_units=[10, 10], feature_columns=columns, n_classes=3)
reg = tf.estimator.LinearRegressor(columns, config=run_config)
