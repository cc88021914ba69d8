import tensorflow as tf

est = tf.estimator.Estimator(model_fn, config=npu_run_config_init())
est.train(input_fn=train_input_fn, max_steps=10)
est.train(train_input_fn, [logging_hook])
