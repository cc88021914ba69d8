import tensorflow as tf

run_config = tf.estimator.RunConfig(model_dir="./model", save_checkpoints_steps=100)
kept = tf.estimator.RunConfig("./m", 1, 10)
