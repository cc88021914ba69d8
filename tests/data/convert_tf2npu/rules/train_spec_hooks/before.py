import tensorflow as tf

train_spec = tf.estimator.TrainSpec(input_fn=train_input_fn, max_steps=1000)
